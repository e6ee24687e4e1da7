// Command genlite finishes `make generate`'s guest code: gen/ holds two
// implementations of every package generated from proto/ (buf.gen.yaml and
// buf.gen.lite.yaml), selected by build constraint.
//
//   - protoc-gen-go + protoc-gen-go-vtproto (reflection, protovalidate
//     descriptors): every build except wasip1, i.e. the host, pdktest and the
//     conformance suite;
//   - protoc-gen-go-lite (reflection-free structs with generated
//     marshal/unmarshal, the same type, field, enum and oneof names): wasip1
//     only, i.e. plugins.
//
// genlite adds `//go:build !wasip1` to the protoc-gen-go files, and copies each
// protoc-gen-go-lite file from LITE_DIR next to them as NAME_lite.pb.go after
// two edits: it drops the blank imports of descriptors (protovalidate's, which
// would link google.golang.org/protobuf's runtime back into the guest), and it
// makes map fields marshal in key order, as proto.MarshalOptions{Deterministic:
// true} does, so the same input gives the same bytes (see pdk's encoder).
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

var (
	// Blank imports of descriptor packages (protovalidate's rules; descriptor.proto for
	// the flow options): guests never read options.
	validateImport = regexp.MustCompile(`(?m)^\s*_ "(buf\.build/gen/go/bufbuild/protovalidate/[^"]*|github\.com/aperturerobotics/protobuf-go-lite/types/descriptorpb)"\n`)
	// The lite marshaler writes a map's entries in Go's random iteration
	// order, backwards from the end of the buffer.
	mapLoop   = regexp.MustCompile(`(?m)^(\s*)for k := range m\.(\w+) \{\n(\s*)v := m\.(\w+)\[k\]\n(\s*)baseI := i\n`)
	importsOf = regexp.MustCompile(`(?s)\nimport \((.*?)\n\)`)
)

// guest edits one protoc-gen-go-lite file for the guest build.
func guest(src []byte) ([]byte, error) {
	if !bytes.HasPrefix(src, []byte(guestTag)) {
		return nil, errors.New("not generated with buildTag=wasip1")
	}
	out := validateImport.ReplaceAll(src, nil)
	var bad error
	maps := 0
	out = mapLoop.ReplaceAllFunc(out, func(m []byte) []byte {
		g := mapLoop.FindSubmatch(m)
		if string(g[2]) != string(g[4]) {
			bad = fmt.Errorf("unexpected map loop over %s reading %s", g[2], g[4])
			return m
		}
		maps++
		// Backwards over the sorted keys: the buffer fills from its end, so
		// the entries come out in ascending key order.
		return fmt.Appendf(nil, "%sfor _, k := range slices.Backward(slices.Sorted(maps.Keys(m.%s))) {\n%sv := m.%s[k]\n%sbaseI := i\n",
			g[1], g[2], g[3], g[2], g[5])
	})
	if bad != nil {
		return nil, bad
	}
	if bytes.Contains(out, []byte("baseI := i")) && bytes.Count(out, []byte("baseI := i")) != maps {
		return nil, fmt.Errorf("%d map marshal loops, %d rewritten: the generator's output changed", bytes.Count(out, []byte("baseI := i")), maps)
	}
	if maps > 0 {
		imp := importsOf.FindSubmatch(out)
		if imp == nil {
			return nil, errors.New("no import block")
		}
		block := string(imp[1])
		for _, pkg := range []string{"maps", "slices"} {
			if !strings.Contains(block, "\t"+pkg+" \""+pkg+"\"") && !strings.Contains(block, "\t\""+pkg+"\"") {
				block += "\n\t" + pkg + " \"" + pkg + "\""
			}
		}
		out = bytes.Replace(out, imp[0], []byte("\nimport ("+block+"\n)"), 1)
	}
	return out, nil
}
