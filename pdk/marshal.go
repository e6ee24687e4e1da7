//go:build !wasip1

package pdk

import "google.golang.org/protobuf/proto"

// flowCodec decodes a flow's request and encodes its response. In this build
// (the host's tests, pdktest) the generated messages are protobuf-go's and
// the codec carries nothing: the request is made from its type's descriptor,
// and the response is written with Deterministic: true, map entries in key
// order (vtprotobuf's fast path writes maps in Go's random iteration order,
// which would make the same input give different output bytes). The wasip1
// build (marshal_wasip1.go) gets the same bytes from the generated lite
// codec. The generated flows_codec_host.gen.go holds one per flow.
type flowCodec struct{}

// decodeRequest returns a new request holding b.
func decodeRequest[Req Message](_ flowCodec, b []byte) (Req, error) {
	var zero Req
	r := zero.ProtoReflect().Type().New().Interface().(Req)
	return r, unmarshalInput(r, b)
}

// encodeResponse writes m deterministically.
func encodeResponse[Resp Message](_ flowCodec, m Resp) ([]byte, error) {
	return proto.MarshalOptions{Deterministic: true}.Marshal(m)
}

// stepEncoder encodes a NeedStep request deterministically.
func stepEncoder[Req Message](req Req) func() ([]byte, error) {
	return func() ([]byte, error) {
		return proto.MarshalOptions{Deterministic: true}.Marshal(req)
	}
}

// unmarshalInput decodes what the host sent for this call (the wasip1 build
// shares the input's memory, see marshal_wasip1.go).
func unmarshalInput[M interface{ UnmarshalVT([]byte) error }](m M, b []byte) error {
	return m.UnmarshalVT(b)
}
