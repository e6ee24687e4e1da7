//go:build wasip1

package abi

// Message is the method set generated protobuf messages have in both the
// host (reflection, protoc-gen-go) and the guest (generated codecs). A wasip1
// guest links the reflection-free protoc-gen-go-lite code (gen/**/*_lite.pb.go),
// whose messages have only the generated codec methods.
//
// In a guest, Message is a constraint and a name, never a way to call these
// methods: an interface call of any of them would make the Go linker keep
// that method of every message type that reaches an interface, i.e. the
// encoder of every request and the decoder of every response a plugin
// handles (see pdk.Flow and internal/genlite).
type Message interface {
	SizeVT() int
	MarshalVT() ([]byte, error)
	UnmarshalVT([]byte) error
}
