//go:build wasip1

// Command roundtrip decodes and re-encodes messages with the guest's generated
// codec (the *_lite.pb.go build of gen/). Input and output on stdin/stdout:
// records of a little-endian uint32 index into codectable.Messages (input
// only), a uint32 length and the encoded message.
package main

import (
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
		m := codectable.Messages[idx]()
		if err := m.UnmarshalVT(in[8 : 8+n]); err != nil {
			panic(err)
		}
		in = in[8+n:]
		b, err := m.MarshalVT()
		if err != nil {
			panic(err)
		}
		out = binary.LittleEndian.AppendUint32(out, uint32(len(b)))
		out = append(out, b...)
	}
	if _, err := os.Stdout.Write(out); err != nil {
		panic(err)
	}
}
