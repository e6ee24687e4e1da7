//go:build wasip1

package abi

// Message is the method set generated protobuf messages have in both the
// host (reflection, protoc-gen-go) and the guest (generated codecs). A wasip1
// guest links the reflection-free protoc-gen-go-lite code (gen/**/*_lite.pb.go),
// whose messages have only the generated codec methods.
type Message interface {
	SizeVT() int
	MarshalVT() ([]byte, error)
	UnmarshalVT([]byte) error
}
