// Command genlite finishes `make generate`'s guest code: gen/ holds two
// implementations of every package generated from proto/ (buf.gen.yaml and
// buf.gen.lite.yaml), selected by build constraint.
//
//   - protoc-gen-go + protoc-gen-go-vtproto (reflection, protovalidate
//     descriptors): every build except wasip1, i.e. the host, pdktest and the
//     conformance suite;
//   - protoc-gen-go-lite's reflection-free structs (the same type, field, enum,
//     oneof and getter names) with the project's own codec from
//     internal/gencodec (one call per field into abi/wire): wasip1 only, i.e.
//     plugins.
//
// genlite adds `//go:build !wasip1` to the protoc-gen-go and vtproto files,
// and copies each file from LITE_DIR next to them as NAME_lite.pb.go,
// dropping the blank imports of descriptors (protovalidate's, which would
// link google.golang.org/protobuf's runtime back into the guest, and
// descriptor.proto's for the flow options), the CloneMessageVT methods
// (their interface wants protoc-gen-go-lite's codec, which is not generated),
// the Reset methods (see resetMethod) and the fields' struct tags (see
// structTag), and replacing each enum's X_name and X_value maps with constant
// data its String method reads (see staticEnums): guests have no X_name and
// X_value.
//
// Usage: genlite LITE_DIR GEN_DIR
package main

import (
	"bytes"
	"errors"
	"fmt"
	"go/format"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

const (
	hostTag  = "//go:build !wasip1\n\n"
	guestTag = "//go:build wasip1\n"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: genlite LITE_DIR GEN_DIR")
		os.Exit(2)
	}
	if err := run(os.Args[1], os.Args[2]); err != nil {
		fmt.Fprintln(os.Stderr, "genlite:", err)
		os.Exit(1)
	}
}

func run(liteDir, genDir string) error {
	n := 0
	err := filepath.WalkDir(liteDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".pb.go") {
			return err
		}
		rel, err := filepath.Rel(liteDir, path)
		if err != nil {
			return err
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		out, err := guest(src)
		if err == nil {
			out, err = format.Source(out)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", rel, err)
		}
		dst := filepath.Join(genDir, strings.TrimSuffix(rel, ".pb.go")+"_lite.pb.go")
		if err := os.WriteFile(dst, out, 0o644); err != nil {
			return err
		}
		if strings.HasSuffix(rel, codecSuffix) {
			return nil // internal/gencodec's codec: guest only
		}
		host := filepath.Join(genDir, rel)
		if err := tagHost(host); err != nil {
			return fmt.Errorf("%s: %w", host, err)
		}
		vt := filepath.Join(genDir, strings.TrimSuffix(rel, ".pb.go")+"_vtproto.pb.go")
		if err := tagHost(vt); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("%s: %w", vt, err)
		}
		n++
		return nil
	})
	if err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("no .pb.go files under %s", liteDir)
	}
	return nil
}

// tagHost restricts a protoc-gen-go or vtproto file to non-wasip1 builds.
func tagHost(path string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if bytes.HasPrefix(b, []byte("//go:build")) {
		return nil
	}
	return os.WriteFile(path, append([]byte(hostTag), b...), 0o644)
}

// codecSuffix ends the names of internal/gencodec's files.
const codecSuffix = "_codec.pb.go"

// validateImport matches the blank imports of descriptor packages
// (protovalidate's rules; descriptor.proto for the flow options): guests
// never read options.
var validateImport = regexp.MustCompile(`(?m)^\s*_ "(buf\.build/gen/go/bufbuild/protovalidate/[^"]*|github\.com/aperturerobotics/protobuf-go-lite/types/descriptorpb)"\n`)

// guest edits one generated file for the guest build.
func guest(src []byte) ([]byte, error) {
	if !bytes.HasPrefix(src, []byte(guestTag)) {
		return nil, errors.New("not generated with buildTag=wasip1")
	}
	out := structTag.ReplaceAll(src, nil)
	out, err := staticEnums(resetMethod.ReplaceAll(cloneMessage.ReplaceAll(validateImport.ReplaceAll(out, nil), nil), nil))
	if err != nil {
		return nil, err
	}
	if !bytes.Contains(out, []byte("protobuf_go_lite.")) {
		out = liteImport.ReplaceAll(out, nil)
	}
	return out, nil
}

// structTag matches the struct tags of message fields (protobuf:"...",
// json:"...", protobuf_oneof:"..."). Nothing in a guest reads them (the codec
// uses internal/gencodec's tables, and no guest reflects on messages), but
// each is a string in the module's data: about 40 KB in a plugin.
var structTag = regexp.MustCompile("(?m)[ \t]+`protobuf(?:_oneof)?:\"[^`\n]*`$")

// resetMethod matches protoc-gen-go-lite's Reset methods. No guest resets a
// message, but any interface call of a Reset() method (hash.Hash's, in every
// plugin that verifies signatures) makes the Go linker keep the Reset of every
// message type that reaches an interface.
var resetMethod = regexp.MustCompile(`(?m)^func \(x \*\w+\) Reset\(\) \{\n\t\*x = \w+\{\}\n\}\n\n?`)

// liteImport is the import of protobuf-go-lite's runtime, dropped where
// nothing is left using it.
var liteImport = regexp.MustCompile(`(?m)^\s*protobuf_go_lite "github\.com/aperturerobotics/protobuf-go-lite"\n`)

// cloneMessage matches protoc-gen-go-lite's CloneMessageVT methods, which
// return protobuf_go_lite.CloneMessage, an interface that requires the
// generator's own codec methods: guests clone with CloneVT.
var cloneMessage = regexp.MustCompile(`(?m)^func \(m \*\w+\) CloneMessageVT\(\) protobuf_go_lite\.CloneMessage \{\n\treturn m\.CloneVT\(\)\n\}\n`)
