// Command undeclared_host is a deliberately broken test plugin: TestPay
// (conformance/testdata/testconn) with one defect. It sends refunds to a
// host missing from manifest.egress_hosts.
// The conformance suite must fail it on exactly the check request.host.
package main

import (
	"github.com/connectorhost/connector-host/conformance/testdata/testconn"
	"github.com/connectorhost/connector-host/pdk"
)

func init() { pdk.Register(testconn.New("undeclared_host", testconn.Defects{UndeclaredHost: true})) }

func main() {}
