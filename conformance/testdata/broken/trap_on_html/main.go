// Command trap_on_html is a deliberately broken test plugin: TestPay
// (conformance/testdata/testconn) with one defect. It panics (a trap) when the
// processor answers with an HTML page.
// The conformance suite must fail it on exactly the check robustness.malformed.
package main

import (
	"github.com/connectorhost/connector-host/conformance/testdata/testconn"
	"github.com/connectorhost/connector-host/pdk"
)

func init() { pdk.Register(testconn.New("trap_on_html", testconn.Defects{TrapOnHTML: true})) }

func main() {}
