package main

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/connectorhost/connector-host/internal/genlite/codectable"
	"github.com/connectorhost/connector-host/internal/wasmbuild"
)

// The guest's generated codec must write the bytes the host's protobuf-go
// writes with Deterministic: true (maps in key order), for every message that
// crosses the ABI, filled in every field (each oneof case in turn, maps with
// several keys, repeated fields, nested messages): then a plugin's output does
// not depend on which codec it was built with, and the ABI bytes are unchanged.
// The guest program also decodes each message with the aliasing decoder and
// damaged copies of it (see testdata/roundtrip), trapping on any difference
// or panic.
func TestGuestCodecWritesProtobufGoDeterministicBytes(t *testing.T) {
	var in, want bytes.Buffer
	cases := 0
	for idx, mk := range codectable.Messages {
		for seed := 0; seed < 4; seed++ {
			m := mk().(proto.Message)
			fill(m.ProtoReflect(), 0, seed)
			b, err := proto.MarshalOptions{Deterministic: true}.Marshal(m)
			if err != nil {
				t.Fatalf("%T: %v", m, err)
			}
			in.Write(binary.LittleEndian.AppendUint32(nil, uint32(idx)))
			in.Write(binary.LittleEndian.AppendUint32(nil, uint32(len(b))))
			in.Write(b)
			want.Write(binary.LittleEndian.AppendUint32(nil, uint32(len(b))))
			want.Write(b)
			cases++
		}
	}
	got := runGuest(t, in.Bytes())
	// Compare record by record to name the message that differs.
	w, g := want.Bytes(), got
	for idx := 0; len(w) > 0; idx++ {
		if len(g) < 4 {
			t.Fatalf("guest output ends after %d of %d messages", idx, cases)
		}
		wn, gn := binary.LittleEndian.Uint32(w), binary.LittleEndian.Uint32(g)
		if len(g) < 4+int(gn) {
			t.Fatalf("message %d: guest output truncated", idx)
		}
		if !bytes.Equal(w[4:4+wn], g[4:4+gn]) {
			m := codectable.Messages[idx/4]()
			t.Errorf("%T (oneof choice %d): guest bytes differ from protobuf-go's deterministic encoding\nwant %x\ngot  %x", m, idx%4, w[4:4+wn], g[4:4+gn])
		}
		w, g = w[4+wn:], g[4+gn:]
	}
	if len(g) != 0 {
		t.Fatalf("guest wrote %d bytes more than expected", len(g))
	}
}

// runGuest builds the roundtrip command for wasip1 and runs it on input.
func runGuest(t *testing.T, input []byte) []byte {
	t.Helper()
	out := filepath.Join(t.TempDir(), "roundtrip.wasm")
	cmd := exec.Command("go", "build", "-o", out, "./internal/genlite/testdata/roundtrip")
	cmd.Dir = wasmbuild.ModuleRoot()
	cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build roundtrip: %v\n%s", err, b)
	}
	wasm, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	rt := wazero.NewRuntime(ctx)
	defer rt.Close(ctx)
	wasi_snapshot_preview1.MustInstantiate(ctx, rt)
	var stdout, stderr bytes.Buffer
	cfg := wazero.NewModuleConfig().WithStdin(bytes.NewReader(input)).WithStdout(&stdout).WithStderr(&stderr)
	if _, err := rt.InstantiateWithConfig(ctx, wasm, cfg); err != nil {
		t.Fatalf("roundtrip: %v\n%s", err, stderr.String())
	}
	return stdout.Bytes()
}

// fill sets every field of m: scalars to values derived from the field
// number, three map entries, two list elements, nested messages to depth 3,
// and in each oneof the case numbered seed (mod the number of cases).
func fill(m protoreflect.Message, depth, seed int) {
	fields := m.Descriptor().Fields()
	for i := 0; i < fields.Len(); i++ {
		fd := fields.Get(i)
		if od := fd.ContainingOneof(); od != nil && !od.IsSynthetic() && od.Fields().Get(seed%od.Fields().Len()) != fd {
			continue
		}
		switch {
		case fd.IsMap():
			mp := m.Mutable(fd).Map()
			for _, j := range []int{2, 0, 1} {
				k := scalar(fd.MapKey(), j).MapKey()
				if fd.MapValue().Message() != nil {
					v := mp.NewValue()
					fill(v.Message(), depth+1, seed)
					mp.Set(k, v)
				} else {
					mp.Set(k, scalar(fd.MapValue(), j))
				}
			}
		case fd.IsList():
			l := m.Mutable(fd).List()
			for j := 0; j < 2; j++ {
				if fd.Message() != nil {
					if depth >= 3 {
						break
					}
					v := l.NewElement()
					fill(v.Message(), depth+1, seed+j)
					l.Append(v)
				} else {
					l.Append(scalar(fd, j))
				}
			}
		case fd.Message() != nil:
			if depth < 3 {
				fill(m.Mutable(fd).Message(), depth+1, seed)
			}
		default:
			m.Set(fd, scalar(fd, 0))
		}
	}
}

func scalar(fd protoreflect.FieldDescriptor, j int) protoreflect.Value {
	n := int64(fd.Number())*7 + int64(j)
	switch fd.Kind() {
	case protoreflect.BoolKind:
		return protoreflect.ValueOfBool(true)
	case protoreflect.EnumKind:
		vals := fd.Enum().Values()
		return protoreflect.ValueOfEnum(vals.Get(min(1+j, vals.Len()-1)).Number())
	case protoreflect.Int32Kind, protoreflect.Sint32Kind, protoreflect.Sfixed32Kind:
		return protoreflect.ValueOfInt32(int32(-n))
	case protoreflect.Int64Kind, protoreflect.Sint64Kind, protoreflect.Sfixed64Kind:
		return protoreflect.ValueOfInt64(-n << 33)
	case protoreflect.Uint32Kind, protoreflect.Fixed32Kind:
		return protoreflect.ValueOfUint32(uint32(n))
	case protoreflect.Uint64Kind, protoreflect.Fixed64Kind:
		return protoreflect.ValueOfUint64(uint64(n) << 33)
	case protoreflect.FloatKind:
		return protoreflect.ValueOfFloat32(float32(n) + 0.5)
	case protoreflect.DoubleKind:
		return protoreflect.ValueOfFloat64(float64(n) + 0.25)
	case protoreflect.StringKind:
		return protoreflect.ValueOfString(fmt.Sprintf("%s-%d-é", fd.Name(), j))
	case protoreflect.BytesKind:
		return protoreflect.ValueOfBytes([]byte{byte(n), 0, byte(j)})
	}
	panic(fmt.Sprintf("unhandled kind %v", fd.Kind()))
}
