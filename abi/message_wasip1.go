//go:build wasip1

package abi

// Message is the method set generated protobuf messages have in both the
// host (reflection, protoc-gen-go) and the guest (generated codecs). A wasip1
// guest links the reflection-free protoc-gen-go-lite structs with the codec
// of internal/gencodec (gen/**/*_lite.pb.go): these two methods, which hand
// the message and its field table to abi/wire.
//
// In a guest, Message is a constraint and a name, never a way to call these
// methods: an interface call of either would make the Go linker keep that
// method, and with it the field tables, of every message type that reaches
// an interface, not only those of the flows a plugin registers (see pdk.Flow
// and internal/gencodec).
type Message interface {
	MarshalVT() ([]byte, error)
	UnmarshalVT([]byte) error
}
