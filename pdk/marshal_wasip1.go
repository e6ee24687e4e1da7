//go:build wasip1

package pdk

import (
	"unsafe"

	"github.com/connectorhost/connector-host/abi/wire"
)

// flowCodec decodes a flow's request and encodes its response with the
// guest's generated field tables (abi/wire), req the request's and resp the
// response's: the generated flows_codec_wasip1.gen.go holds one per flow,
// each with the tables of its own Req and Resp. The codec calls abi/wire
// directly, as the generated UnmarshalVTUnsafe and MarshalVT would, so a
// flow links no closure or method of its messages, only their tables. The
// encoding is deterministic: the generated codec always writes map entries
// sorted by key, as protobuf-go does with Deterministic: true.
type flowCodec[Req, Resp Message] struct {
	req, resp *wire.Table
}

// decode returns a new request holding b, sharing its memory as
// unmarshalInput does (wire.UnmarshalAliased).
func (f flowCodec[Req, Resp]) decode(b []byte) (Req, error) {
	p := f.req.New()
	err := wire.UnmarshalAliased(b, p, f.req)
	return *(*Req)(unsafe.Pointer(&p)), err // Req is the pointer type f.req describes
}

// encode writes m.
func (f flowCodec[Req, Resp]) encode(m Resp) ([]byte, error) {
	return wire.Marshal(*(*unsafe.Pointer)(unsafe.Pointer(&m)), f.resp), nil // Resp is the pointer type f.resp describes
}

// stepEncoder encodes a NeedStep request with its generated codec.
func stepEncoder[Req Message](req Req) func() ([]byte, error) {
	return req.MarshalVT
}

// unmarshalInput decodes what the host wrote for this call (an envelope, or
// the request inside it). The guest's input buffer is allocated for the call
// and never written again (connector_alloc), so the message's strings and
// bytes share its memory instead of copying it: one allocation fewer per
// field (abi/wire.UnmarshalAliased).
func unmarshalInput[M interface{ UnmarshalVTUnsafe([]byte) error }](m M, b []byte) error {
	return m.UnmarshalVTUnsafe(b)
}
