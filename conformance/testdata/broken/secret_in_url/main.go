// Command secret_in_url is a deliberately broken test plugin: TestPay
// (conformance/testdata/testconn) with one defect. It puts the API key in
// the Authorize URL's query string.
// The conformance suite must fail it on exactly the check request.secrets.
package main

import (
	"github.com/connectorhost/connector-host/conformance/testdata/testconn"
	"github.com/connectorhost/connector-host/pdk"
)

func init() { pdk.Register(testconn.New("secret_in_url", testconn.Defects{SecretInURL: true})) }

func main() {}
