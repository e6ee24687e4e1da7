// Command nondeterministic is a deliberately broken test plugin: TestPay
// (conformance/testdata/testconn) with one defect. It writes the Authorize
// metadata by ranging over a Go map, so the body's order changes between calls.
// The conformance suite must fail it on exactly the check determinism.
package main

import (
	"github.com/connectorhost/connector-host/conformance/testdata/testconn"
	"github.com/connectorhost/connector-host/pdk"
)

func init() { pdk.Register(testconn.New("nondeterministic", testconn.Defects{NonDeterministic: true})) }

func main() {}
