//go:build wasip1

package pdk

import (
	"unsafe"

	"github.com/connectorhost/connector-host/abi"
)

// The ABI's memory protocol (docs/plugin-abi.md): the host calls
// connector_alloc(n) for an input buffer, writes the input there, and calls a
// transform with (ptr, len). The transform returns the output's pointer and
// length packed in a uint64. The module keeps the input until the transform
// returns and the output until the next call, so Go's GC cannot reclaim them
// while the host reads.
var (
	pendingInput []byte
	lastOutput   []byte
)

//go:wasmexport connector_abi_version
func exportABIVersion() uint32 { return abi.Version }

//go:wasmexport connector_alloc
func exportAlloc(size uint32) uint32 {
	pendingInput = make([]byte, size)
	if size == 0 {
		return 0
	}
	return uint32(uintptr(unsafe.Pointer(&pendingInput[0])))
}

//go:wasmexport connector_manifest
func exportManifest() uint64 { return output(mustRegistered().Manifest()) }

//go:wasmexport connector_build_request
func exportBuildRequest(ptr, length uint32) uint64 {
	return output(mustRegistered().BuildRequest(input(ptr, length)))
}

//go:wasmexport connector_parse_response
func exportParseResponse(ptr, length uint32) uint64 {
	return output(mustRegistered().ParseResponse(input(ptr, length)))
}

//go:wasmexport connector_verify_webhook
func exportVerifyWebhook(ptr, length uint32) uint64 {
	return output(mustRegistered().VerifyWebhook(input(ptr, length)))
}

// input returns the buffer the host filled. ptr and length must be those of
// the last connector_alloc; anything else is a host bug and panics (a trap).
func input(ptr, length uint32) []byte {
	in := pendingInput
	pendingInput = nil
	if length == 0 {
		return nil
	}
	if uint32(len(in)) != length || uint32(uintptr(unsafe.Pointer(&in[0]))) != ptr {
		panic("pdk: input does not match the last connector_alloc")
	}
	return in
}

func output(b []byte) uint64 {
	lastOutput = b
	if len(b) == 0 {
		return 0
	}
	return abi.PackPtrLen(uint32(uintptr(unsafe.Pointer(&b[0]))), uint32(len(b)))
}

func mustRegistered() *Dispatcher {
	if registered == nil {
		panic("pdk: no connector registered: call pdk.Register from package main's init")
	}
	return registered
}
