//go:build wasip1

package pdk

// deterministic returns the response encoder unchanged: the guest's
// generated codec (gen/**/*_lite.pb.go, written by internal/gencodec)
// always writes map entries sorted by key, so its MarshalVT is deterministic
// without protobuf-go's reflection runtime. The encoder is a closure over the
// concrete method (see Flow): no interface call of MarshalVT is linked.
func deterministic[Resp any](encode func(Resp) ([]byte, error)) func(Resp) ([]byte, error) {
	return encode
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
