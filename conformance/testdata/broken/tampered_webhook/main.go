// Command tampered_webhook is a deliberately broken test plugin: TestPay
// (conformance/testdata/testconn) with one defect. It skips the signature
// comparison for test-mode webhooks, so forged ones are accepted.
// The conformance suite must fail it on exactly the check webhook.tampered.
package main

import (
	"github.com/connectorhost/connector-host/conformance/testdata/testconn"
	"github.com/connectorhost/connector-host/pdk"
)

func init() { pdk.Register(testconn.New("tampered_webhook", testconn.Defects{AcceptTampered: true})) }

func main() {}
