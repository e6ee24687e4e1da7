//go:build wasip1

package pdk

import (
	"unsafe"

	"github.com/connectorhost/connector-host/abi/wire"
)

// flowCodec decodes a flow's request and encodes its response with the
// guest's generated field tables (abi/wire), req the request's and resp the
// response's: the generated flows_codec_wasip1.gen.go holds one per flow,
// with the tables of its registration function's Req and Resp. The codec
// calls abi/wire directly, as the generated UnmarshalVTUnsafe and MarshalVT
// would, so a flow links no closure or method of its messages, only their
// tables. It is not generic: a type per flow would put a type descriptor
// and its name in every plugin. The encoding is deterministic: the generated
// codec always writes map entries sorted by key, as protobuf-go does with
// Deterministic: true.
type flowCodec struct {
	req, resp *wire.Table
}

// decodeRequest returns a new request holding b, sharing its memory as
// unmarshalInput does (wire.UnmarshalAliased). Req is the pointer type
// c.req describes.
func decodeRequest[Req Message](c flowCodec, b []byte) (Req, error) {
	p := c.req.New()
	err := wire.UnmarshalAliased(b, p, c.req)
	return *(*Req)(unsafe.Pointer(&p)), err
}

// encodeResponse writes m. Resp is the pointer type c.resp describes.
func encodeResponse[Resp Message](c flowCodec, m Resp) ([]byte, error) {
	return wire.Marshal(*(*unsafe.Pointer)(unsafe.Pointer(&m)), c.resp), nil
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
