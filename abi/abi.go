// Package abi holds the facts of plugin ABI v1 that host and plugins share (it belongs to neither): the
// version number, the names of the exports, and which unified API messages each
// flow carries. It has no WebAssembly code and compiles for host and guest.
//
// The full contract is in docs/plugin-abi.md.
package abi

import (
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/internal/textf"
)

// Version is the ABI version this module describes. A plugin exports it from
// connector_abi_version; the host refuses any other value.
const Version uint32 = 1

// Export names. Every plugin exports all of them but the optional ExportGC
// (plus its linear memory as "memory", and "_initialize" when it is a WASI
// reactor).
const (
	ExportABIVersion    = "connector_abi_version"
	ExportAlloc         = "connector_alloc"
	ExportManifest      = "connector_manifest"
	ExportBuildRequest  = "connector_build_request"
	ExportParseResponse = "connector_parse_response"
	ExportVerifyWebhook = "connector_verify_webhook"
	ExportInitialize    = "_initialize"
	// ExportGC is optional: () -> i32. The host calls it on an instance it
	// has just finished a call with, off the caller's path, so the guest can
	// collect garbage between calls rather than inside one; it returns 1 when
	// it collected. Plugins without it are served the same way.
	ExportGC             = "connector_gc"
	ExportMemory         = "memory"
	MaxManifestBytes     = 1 << 20
	MaxNextSteps         = 4
	DefaultRandomBytes   = 32
	IdempotencyKeyMaxLen = 255
)

// FlowInfo describes one flow: the RPC that runs it and its messages. The
// table is generated from the (connectorhost.v1.connector_flow) options of
// the RPCs (flows.gen.go); on the host, NewRequest and NewResponse make its
// messages (flows_host.gen.go).
type FlowInfo struct {
	Flow v1.Flow
	// Service and Method name the RPC, e.g. "PaymentService" and "Authorize".
	Service, Method string
	// GoName is the flow's name in Go, e.g. "RefundGet": the PDK registers
	// the flow's handler with pdk.RefundGet.
	GoName string
	// Request and Response are the full names of the flow's messages, e.g.
	// "connectorhost.v1.PaymentServiceAuthorizeRequest".
	Request, Response string
	// Mutating flows change state at the processor; their requests must carry
	// an idempotency key.
	Mutating bool
}

// Name is the flow's short name as docs and errors show it ("PaymentService.Authorize").
func (f FlowInfo) Name() string { return f.Service + "." + f.Method }

var byFlow = func() map[v1.Flow]FlowInfo {
	m := make(map[v1.Flow]FlowInfo, len(flows))
	for _, f := range flows {
		m[f.Flow] = f
	}
	return m
}()

// Lookup returns the description of flow.
func Lookup(flow v1.Flow) (FlowInfo, error) {
	f, ok := byFlow[flow]
	if !ok {
		return FlowInfo{}, textf.Errorf("abi: unknown flow %v", flow)
	}
	return f, nil
}

// Flows lists every flow of ABI v1 in enum order.
func Flows() []FlowInfo {
	out := make([]FlowInfo, len(flows))
	copy(out, flows)
	return out
}

// PackPtrLen packs a guest pointer and length into the uint64 the transform
// exports return: pointer in the high 32 bits, length in the low 32 bits.
func PackPtrLen(ptr, length uint32) uint64 { return uint64(ptr)<<32 | uint64(length) }

// UnpackPtrLen splits a value made by PackPtrLen.
func UnpackPtrLen(v uint64) (ptr, length uint32) { return uint32(v >> 32), uint32(v) }
