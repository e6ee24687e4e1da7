//go:build !wasip1

package pdk

import "google.golang.org/protobuf/proto"

// marshalDeterministic encodes a unified message with map entries in key
// order: vtprotobuf's fast path writes maps in Go's random iteration order,
// which would make the same input give different output bytes. Envelopes
// (which hold no maps a plugin writes) keep the fast path. The wasip1 build
// (marshal_wasip1.go) gets the same bytes from the generated lite codec.
func marshalDeterministic(m Message) ([]byte, error) {
	return proto.MarshalOptions{Deterministic: true}.Marshal(m)
}
