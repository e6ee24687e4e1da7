//go:build !wasip1

package pdk

import "google.golang.org/protobuf/proto"

// deterministic returns an encoder that writes map entries in key order:
// vtprotobuf's fast path writes maps in Go's random iteration order, which
// would make the same input give different output bytes. Envelopes (which
// hold no maps a plugin writes) keep the fast path. The wasip1 build
// (marshal_wasip1.go) gets the same bytes from the generated lite codec.
func deterministic[Resp Message](func(Resp) ([]byte, error)) func(Resp) ([]byte, error) {
	return func(m Resp) ([]byte, error) {
		return proto.MarshalOptions{Deterministic: true}.Marshal(m)
	}
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
