// Command memory_hog is a deliberately broken test plugin: TestPay
// (conformance/testdata/testconn) with one defect. It allocates without bound when
// an answer is larger than 512 KiB, so the huge-body case runs out of memory.
// The conformance suite must fail it on exactly the check limits.
package main

import (
	"github.com/connectorhost/connector-host/conformance/testdata/testconn"
	"github.com/connectorhost/connector-host/pdk"
)

func init() { pdk.Register(testconn.New("memory_hog", testconn.Defects{MemoryHog: true})) }

func main() {}
