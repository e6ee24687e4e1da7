//go:build wasip1

package pdk

// marshalDeterministic encodes a unified message with map entries in key
// order. The guest's generated codec (gen/**/*_lite.pb.go, post-processed by
// internal/genlite) always writes map entries sorted by key, so its MarshalVT
// is deterministic without protobuf-go's reflection runtime.
func marshalDeterministic(m Message) ([]byte, error) {
	return m.MarshalVT()
}
