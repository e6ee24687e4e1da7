// Command rawabi is a test plugin written against the raw ABI without the
// PDK. Its transforms return garbage, and its ABI version is set at link time
// (-X main.abiVersion=2) to test version refusal. Its optional connector_gc
// reports a collection every time, or traps (-X main.gcMode=trap), or loops
// forever (-X main.gcMode=loop).
package main

import (
	"strconv"
	"unsafe"

	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
)

var (
	abiVersion = "1"
	gcMode     = "collect"
	name       = "rawabi"
	keep       []byte
	out        []byte
	keepN      uint32
)

func ptrLen(b []byte) uint64 {
	keep = b
	return uint64(uintptr(unsafe.Pointer(&b[0])))<<32 | uint64(len(b))
}

//go:wasmexport connector_abi_version
func abiV() uint32 { v, _ := strconv.Atoi(abiVersion); return uint32(v) }

//go:wasmexport connector_alloc
func alloc(n uint32) uint32 {
	out = make([]byte, n+1)
	return uint32(uintptr(unsafe.Pointer(&out[0])))
}

//go:wasmexport connector_manifest
func manifest() uint64 {
	b, _ := (&v1.Manifest{Name: name, Version: "0.0.1", AbiVersion: 1, Flows: []v1.Flow{v1.Flow_FLOW_GET},
		SandboxBaseUrl: "https://raw.test", EgressHosts: []string{"raw.test"}}).MarshalVT()
	return ptrLen(b)
}

// garbage is not a valid protobuf message (field 15, wire type 7).
var garbage = []byte{0x7f, 0xff, 0xff, 0xff, 0xff, 0xff}

//go:wasmexport connector_build_request
func build(p, n uint32) uint64 { return ptrLen(garbage) }

//go:wasmexport connector_parse_response
func parse(p, n uint32) uint64 { return ptrLen(garbage) }

//go:wasmexport connector_verify_webhook
func verify(p, n uint32) uint64 { return 0xFFFF_FFF0_0000_0010 } // pointer outside memory

//go:wasmexport connector_gc
func gc() uint32 {
	switch gcMode {
	case "trap":
		panic("connector_gc trapped")
	case "loop":
		for n := uint32(0); ; n++ {
			keepN = n
		}
	}
	return 1
}

func main() {}
