// Command apidoc writes docs/api.md, the API overview, from the protos'
// descriptors and comments: `make docs` pipes `buf build` into it. Reading the
// protos, not hand-written prose, keeps the overview true.
package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/descriptorpb"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: apidoc IMAGE.binpb OUT.md")
		os.Exit(2)
	}
	if err := run(os.Args[1], os.Args[2]); err != nil {
		fmt.Fprintln(os.Stderr, "apidoc:", err)
		os.Exit(1)
	}
}

func run(in, out string) error {
	b, err := os.ReadFile(in)
	if err != nil {
		return err
	}
	set := &descriptorpb.FileDescriptorSet{}
	if err := proto.Unmarshal(b, set); err != nil {
		return fmt.Errorf("decode %s: %w", in, err)
	}
	files, err := protodesc.NewFiles(set)
	if err != nil {
		return fmt.Errorf("link descriptors: %w", err)
	}
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	write(w, files)
	if err := w.Flush(); err != nil {
		return err
	}
	return f.Close()
}

func comment(d protoreflect.Descriptor) string {
	loc := d.ParentFile().SourceLocations().ByDescriptor(d)
	return strings.TrimSpace(strings.Join(strings.Fields(loc.LeadingComments), " "))
}

// write renders services with their RPCs, then messages and enums, per package.
func write(w io.Writer, files *protoregistry.Files) {
	var fds []protoreflect.FileDescriptor
	files.RangeFiles(func(fd protoreflect.FileDescriptor) bool {
		if strings.HasPrefix(string(fd.Package()), "connectorhost.") {
			fds = append(fds, fd)
		}
		return true
	})
	sort.Slice(fds, func(i, j int) bool { return fds[i].Path() < fds[j].Path() })

	fmt.Fprint(w, "# API overview\n\n")
	fmt.Fprint(w, "Generated from `proto/` by `make docs` (internal/apidoc); do not edit by hand.\n\n")
	fmt.Fprint(w, "Every RPC takes the connector in the `x-connector` header and credentials in `x-connector-auth` (a JSON\n")
	fmt.Fprint(w, "object of the connector's credential fields) or `x-connector-account` (a named account in the host's config).\n")
	fmt.Fprint(w, "Paths are `/<package>.<Service>/<Method>`; Connect, gRPC, gRPC-Web and HTTP-JSON (POST, `Content-Type:\n")
	fmt.Fprint(w, "application/json`, protojson field names) are served on the same port.\n\n")

	fmt.Fprint(w, "## Services\n\n")
	for _, fd := range fds {
		svcs := fd.Services()
		for i := 0; i < svcs.Len(); i++ {
			s := svcs.Get(i)
			fmt.Fprintf(w, "### %s\n\n%s\n\n| RPC | request | response | what it does |\n|---|---|---|---|\n", s.FullName(), comment(s))
			for j := 0; j < s.Methods().Len(); j++ {
				m := s.Methods().Get(j)
				fmt.Fprintf(w, "| `%s` | [%s](#%s) | [%s](#%s) | %s |\n", m.Name(),
					m.Input().Name(), anchor(m.Input().FullName()), m.Output().Name(), anchor(m.Output().FullName()), comment(m))
			}
			fmt.Fprintln(w)
		}
	}
	fmt.Fprint(w, "## Messages\n\n")
	for _, fd := range fds {
		msgs := fd.Messages()
		for i := 0; i < msgs.Len(); i++ {
			writeMessage(w, msgs.Get(i))
		}
	}
	fmt.Fprint(w, "## Enums\n\n")
	for _, fd := range fds {
		enums := fd.Enums()
		for i := 0; i < enums.Len(); i++ {
			e := enums.Get(i)
			fmt.Fprintf(w, "### %s\n\n%s\n\n| value | meaning |\n|---|---|\n", e.FullName(), comment(e))
			for j := 0; j < e.Values().Len(); j++ {
				v := e.Values().Get(j)
				fmt.Fprintf(w, "| `%s` | %s |\n", v.Name(), comment(v))
			}
			fmt.Fprintln(w)
		}
	}
}

func writeMessage(w io.Writer, m protoreflect.MessageDescriptor) {
	if m.IsMapEntry() {
		return
	}
	fmt.Fprintf(w, "### %s\n\n%s\n\n", m.FullName(), comment(m))
	if m.Fields().Len() > 0 {
		fmt.Fprint(w, "| field | type | meaning |\n|---|---|---|\n")
		for j := 0; j < m.Fields().Len(); j++ {
			f := m.Fields().Get(j)
			fmt.Fprintf(w, "| `%s` | %s | %s |\n", f.JSONName(), typeName(f), comment(f))
		}
		fmt.Fprintln(w)
	}
	for j := 0; j < m.Messages().Len(); j++ {
		writeMessage(w, m.Messages().Get(j))
	}
}

func typeName(f protoreflect.FieldDescriptor) string {
	var t string
	switch {
	case f.IsMap():
		return fmt.Sprintf("map<%s, %s>", f.MapKey().Kind(), typeName(f.MapValue()))
	case f.Message() != nil:
		t = fmt.Sprintf("[%s](#%s)", f.Message().Name(), anchor(f.Message().FullName()))
	case f.Enum() != nil:
		t = fmt.Sprintf("[%s](#%s)", f.Enum().Name(), anchor(f.Enum().FullName()))
	default:
		t = f.Kind().String()
	}
	if f.IsList() {
		t = "repeated " + t
	}
	if o := f.ContainingOneof(); o != nil && !o.IsSynthetic() {
		t += " (oneof " + string(o.Name()) + ")"
	}
	return t
}

func anchor(n protoreflect.FullName) string {
	return strings.ToLower(strings.ReplaceAll(string(n), ".", ""))
}
