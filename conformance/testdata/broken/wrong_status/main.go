// Command wrong_status is a deliberately broken test plugin: TestPay
// (conformance/testdata/testconn) with one defect. It maps TestPay's
// "requires_capture" to CHARGED instead of AUTHORIZED.
// The conformance suite must fail it on exactly the check response.expected.
package main

import (
	"github.com/connectorhost/connector-host/conformance/testdata/testconn"
	"github.com/connectorhost/connector-host/pdk"
)

func init() { pdk.Register(testconn.New("wrong_status", testconn.Defects{WrongStatus: true})) }

func main() {}
