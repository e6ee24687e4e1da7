// Command wasm is the template connector as a WebAssembly plugin:
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o bin/plugins/example.wasm ./templates/connector/wasm
package main

import (
	"github.com/connectorhost/connector-host/pdk"
	example "github.com/connectorhost/connector-host/templates/connector"
)

func init() { pdk.Register(example.New()) }

func main() {}
