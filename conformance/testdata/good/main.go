// Command good is the conformance suite's reference test plugin: TestPay
// (conformance/testdata/testconn) without defects. It must pass every check.
package main

import (
	"github.com/connectorhost/connector-host/conformance/testdata/testconn"
	"github.com/connectorhost/connector-host/pdk"
)

func init() { pdk.Register(testconn.New("good", testconn.Defects{})) }

func main() {}
