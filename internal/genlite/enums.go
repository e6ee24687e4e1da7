package main

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// enumMaps matches protoc-gen-go-lite's name and value maps of one enum:
// group 1 is the enum's type name, group 2 the name map's entries.
var enumMaps = regexp.MustCompile(`(?ms)^// Enum value maps for (\w+)\.\nvar \(\n\t\w+_name = map\[int32\]string\{\n(.*?)\n\t\}\n\t\w+_value = map\[string\]int32\{\n.*?\n\t\}\n\)\n`)

// enumEntry matches one entry of a name map: the number and the name.
var enumEntry = regexp.MustCompile(`(?m)^\t\t(-?\d+):\s+"(\w+)",$`)

// enumString matches protoc-gen-go-lite's String method of an enum, which
// reads the name map; group 1 is the type name.
var enumString = regexp.MustCompile(`(?m)^func \(x (\w+)\) String\(\) string \{\n\tname, valid := \w+_name\[int32\(x\)\]\n\tif valid \{\n\t\treturn name\n\t\}\n\treturn strconv\.Itoa\(int\(x\)\)\n\}\n`)

// staticEnums replaces each enum's X_name and X_value maps with constant
// data read by its String method, which returns what it returned before
// (the value's name, or its number for a value without one). A map literal
// is built by code in the package's init, run by every plugin at start and
// linked into it with both maps, whether or not anything reads them: about
// 60 KB of wasm for gen/connectorhost/v1. Nothing in a guest reads the maps
// (the host's build, from protoc-gen-go, keeps them).
func staticEnums(src []byte) ([]byte, error) {
	names := map[string][]byte{} // type name -> its String body
	var err error
	out := enumMaps.ReplaceAllFunc(src, func(m []byte) []byte {
		sub := enumMaps.FindSubmatch(m)
		typ := string(sub[1])
		var nums []int64
		var vals []string
		for _, e := range enumEntry.FindAllSubmatch(sub[2], -1) {
			n, perr := strconv.ParseInt(string(e[1]), 10, 32)
			if perr != nil {
				err = fmt.Errorf("enum %s: %w", typ, perr)
				return m
			}
			nums = append(nums, n)
			vals = append(vals, string(e[2]))
		}
		if len(nums) != strings.Count(string(sub[2]), "\n")+1 {
			err = fmt.Errorf("enum %s: unexpected name map entries", typ)
			return m
		}
		data, body, derr := enumData(typ, nums, vals)
		if derr != nil {
			err = derr
			return m
		}
		names[typ] = body
		return data
	})
	if err != nil {
		return nil, err
	}
	out = enumString.ReplaceAllFunc(out, func(m []byte) []byte {
		typ := string(enumString.FindSubmatch(m)[1])
		body, ok := names[typ]
		if !ok {
			err = fmt.Errorf("enum %s: String without name map", typ)
			return m
		}
		delete(names, typ)
		return body
	})
	if err != nil {
		return nil, err
	}
	for typ := range names {
		return nil, fmt.Errorf("enum %s: name map without the expected String method", typ)
	}
	if bytes.Contains(out, []byte("_name = map[int32]string{")) {
		return nil, fmt.Errorf("an enum name map is not in the expected form")
	}
	if !bytes.Contains(out, []byte("wire.EnumName(")) {
		return out, nil
	}
	// The String methods call abi/wire; strconv may be left unused.
	imp := []byte("\twire \"github.com/connectorhost/connector-host/abi/wire\"\n")
	if !bytes.Contains(out, []byte("strconv.")) {
		out = bytes.Replace(out, []byte("\tstrconv \"strconv\"\n"), nil, 1)
	}
	if !bytes.Contains(out, imp) {
		i := bytes.Index(out, []byte("\nimport (\n"))
		if i < 0 {
			return nil, fmt.Errorf("no import block for abi/wire")
		}
		i += len("\nimport (\n")
		out = append(out[:i:i], append(imp, out[i:]...)...)
	}
	return out, nil
}

// enumData returns the constant data that replaces typ's maps and its String
// method. Numbers 0 to n-1 (every enum so far) index a string of the names
// concatenated, as stringer does, read by abi/wire.EnumName (one copy of the
// bounds checks for every enum); other numbers get a switch.
func enumData(typ string, nums []int64, names []string) (data, str []byte, err error) {
	var d, s bytes.Buffer
	dense := true
	for i, n := range nums {
		dense = dense && n == int64(i)
	}
	if dense {
		if len(strings.Join(names, "")) > 0xffff {
			return nil, nil, fmt.Errorf("enum %s: names longer than 64 KB", typ)
		}
		fmt.Fprintf(&d, "// _%s_names holds %[1]s's value names, the name of value v being\n// _%[1]s_names[_%[1]s_index[v]:_%[1]s_index[v+1]].\n", typ)
		fmt.Fprintf(&d, "const _%s_names = %q\n\n", typ, strings.Join(names, ""))
		fmt.Fprintf(&d, "var _%s_index = [...]uint16{0", typ)
		off := 0
		for _, n := range names {
			off += len(n)
			fmt.Fprintf(&d, ", %d", off)
		}
		d.WriteString("}\n")
		fmt.Fprintf(&s, "func (x %s) String() string {\n", typ)
		fmt.Fprintf(&s, "\treturn wire.EnumName(_%s_names, _%[1]s_index[:], int32(x))\n}\n", typ)
		return d.Bytes(), s.Bytes(), nil
	}
	fmt.Fprintf(&s, "func (x %s) String() string {\n\tswitch x {\n", typ)
	for i, n := range nums {
		fmt.Fprintf(&s, "\tcase %d:\n\t\treturn %q\n", n, names[i])
	}
	s.WriteString("\t}\n\treturn strconv.Itoa(int(x))\n}\n")
	return nil, s.Bytes(), nil
}
