//go:build wasip1

// Command roundtrip decodes and re-encodes messages with the guest's generated
// codec (the *_lite.pb.go build of gen/). Input and output on stdin/stdout:
// records of a little-endian uint32 index into codectable.Messages (input
// only), a uint32 length and the encoded message.
//
// It also checks, panicking (a trap the test reports) otherwise, that the
// aliasing decoder (UnmarshalVTUnsafe) reads every message as UnmarshalVT
// does, and that damaged input (truncated, or with a byte changed) decodes
// or fails with an error, never panics.
package main

import (
	"bytes"
	"encoding/binary"
	"io"
	"os"

	"github.com/connectorhost/connector-host/internal/genlite/codectable"
)

func main() {
	in, err := io.ReadAll(os.Stdin)
	if err != nil {
		panic(err)
	}
	var out []byte
	for len(in) > 0 {
		idx, n := binary.LittleEndian.Uint32(in), binary.LittleEndian.Uint32(in[4:])
		rec := in[8 : 8+n]
		m := codectable.Messages[idx]()
		if err := m.UnmarshalVT(rec); err != nil {
			panic(err)
		}
		in = in[8+n:]
		b, err := m.MarshalVT()
		if err != nil {
			panic(err)
		}
		aliased := codectable.Messages[idx]()
		if err := aliased.(interface{ UnmarshalVTUnsafe([]byte) error }).UnmarshalVTUnsafe(bytes.Clone(rec)); err != nil {
			panic(err)
		}
		if again, _ := aliased.MarshalVT(); !bytes.Equal(again, b) {
			panic("UnmarshalVTUnsafe and UnmarshalVT read a message differently")
		}
		damage(idx, rec)
		out = binary.LittleEndian.AppendUint32(out, uint32(len(b)))
		out = append(out, b...)
	}
	if _, err := os.Stdout.Write(out); err != nil {
		panic(err)
	}
}

// damage decodes rec truncated and with one byte changed, at up to 64
// places each: errors are expected, panics are not.
func damage(idx uint32, rec []byte) {
	step := max(1, len(rec)/64)
	for k := 0; k < len(rec); k += step {
		_ = codectable.Messages[idx]().UnmarshalVT(rec[:k])
		c := bytes.Clone(rec)
		c[k] ^= 0xa5
		_ = codectable.Messages[idx]().UnmarshalVT(c)
	}
}
