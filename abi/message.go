//go:build !wasip1

package abi

import "google.golang.org/protobuf/proto"

// Message is the method set generated protobuf messages have in both the
// host (reflection, protoc-gen-go) and the guest (generated codecs): on every
// build but wasip1 it is a full proto.Message with vtprotobuf fast paths.
type Message interface {
	proto.Message
	MarshalVT() ([]byte, error)
	UnmarshalVT([]byte) error
}
