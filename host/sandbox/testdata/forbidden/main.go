// Command forbidden is a test plugin that imports a function the sandbox does
// not provide; the runtime must refuse it at load, naming the import.
package main

import (
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk"
)

//go:wasmimport env open_socket
func openSocket(port uint32) uint32

// trigger is never set; it keeps the import live (a constant false would let
// the compiler drop it).
var trigger bool

func init() {
	pdk.Register(&pdk.Connector{Manifest: &v1.Manifest{Name: "forbidden", Version: "1.0.0"}})
	if trigger {
		openSocket(80)
	}
}

func main() {}
