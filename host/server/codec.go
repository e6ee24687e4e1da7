package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"connectrpc.com/connect"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// Strict decoding. connect-go's default codecs discard what they do not
// know: its JSON codec drops unknown fields and unknown enum names, and
// protobuf keeps unknown fields and enum numbers silently. A payments API
// must not guess (a misspelled "captureMethod" would capture funds the
// caller meant to hold), so the server decodes with these codecs instead:
// an unknown field, an unknown enum name or an enum number the schema does
// not define is InvalidArgument, naming the field as the caller spelled it
// (JSON names for JSON, proto names and field numbers for binary).

// codecOptions replaces connect-go's protobuf and JSON codecs with the strict ones.
func codecOptions() []connect.HandlerOption {
	return []connect.HandlerOption{
		connect.WithCodec(strictCodec{name: "proto"}),
		connect.WithCodec(strictCodec{name: "json", json: true}),
		connect.WithCodec(strictCodec{name: "json; charset=utf-8", json: true}),
	}
}

// strictCodec is a connect.Codec that refuses unknown fields and enum values.
type strictCodec struct {
	name string
	json bool
}

// Name is the codec's content subtype.
func (c strictCodec) Name() string { return c.name }

// IsBinary reports whether the wire form is binary.
func (c strictCodec) IsBinary() bool { return !c.json }

// Marshal encodes a response as connect-go's own codecs do.
func (c strictCodec) Marshal(v any) ([]byte, error) {
	m, ok := v.(proto.Message)
	if !ok {
		return nil, fmt.Errorf("cannot encode %T: not a protobuf message", v)
	}
	if c.json {
		return protojson.MarshalOptions{}.Marshal(m)
	}
	return proto.MarshalOptions{}.Marshal(m)
}

// MarshalStable encodes deterministically (used for GET requests and tests).
func (c strictCodec) MarshalStable(v any) ([]byte, error) {
	m, ok := v.(proto.Message)
	if !ok {
		return nil, fmt.Errorf("cannot encode %T: not a protobuf message", v)
	}
	if c.json {
		return protojson.MarshalOptions{}.Marshal(m)
	}
	return proto.MarshalOptions{Deterministic: true}.Marshal(m)
}

// Unmarshal decodes a request strictly. Its errors name fields, never Go types.
func (c strictCodec) Unmarshal(data []byte, v any) error {
	m, ok := v.(proto.Message)
	if !ok {
		return errors.New("the request is not a protobuf message")
	}
	if c.json {
		if len(data) == 0 {
			return errors.New("the body is empty: send a JSON object ({} when no field is set)")
		}
		if err := (protojson.UnmarshalOptions{}).Unmarshal(data, m); err != nil {
			return jsonError(data, err, m.ProtoReflect().Descriptor())
		}
	} else {
		if err := (proto.UnmarshalOptions{}).Unmarshal(data, m); err != nil {
			return fmt.Errorf("the body is not a valid protobuf message: %s", protoErrorText(err))
		}
		if err := checkUnknownFields(m.ProtoReflect(), nil); err != nil {
			return err
		}
	}
	return checkEnums(m.ProtoReflect(), nil, c.json)
}

var (
	protojsonPos     = regexp.MustCompile(`^(?:syntax error )?\(line (\d+):(\d+)\): (.*)$`)
	protojsonEnum    = regexp.MustCompile(`^invalid value for enum field (\w+): (.*)$`)
	protojsonValue   = regexp.MustCompile(`^invalid value for (\w+) field (\w+): (.*)$`)
	protojsonUnknown = regexp.MustCompile(`^unknown field "(.*)"$`)
	lastJSONKey      = regexp.MustCompile(`"((?:[^"\\]|\\.)*)"\s*:\s*$`)
)

// jsonError rewrites a protojson error into one a caller can act on: the
// field as the caller wrote it, what is wrong, and where (line:column).
func jsonError(data []byte, err error, root protoreflect.MessageDescriptor) error {
	msg := protoErrorText(err)
	sub := protojsonPos.FindStringSubmatch(msg)
	if sub == nil {
		return fmt.Errorf("the body is not valid JSON for this request: %s", msg)
	}
	line, _ := strconv.Atoi(sub[1])
	col, _ := strconv.Atoi(sub[2])
	where := fmt.Sprintf("(line %d, column %d)", line, col)
	detail := sub[3]
	// The member as the caller wrote it, with its path ("customer.nickname").
	written := func(fallback string) string {
		off := offset(data, line, col)
		if p := jsonPathAt(data, off); p != "" {
			return p
		}
		if k := lastJSONKey.FindSubmatch(data[:off]); k != nil {
			return string(k[1])
		}
		return fallback
	}
	switch {
	case protojsonUnknown.MatchString(detail):
		name := protojsonUnknown.FindStringSubmatch(detail)[1]
		return fmt.Errorf("%s: unknown field %s", written(name), where)
	case protojsonEnum.MatchString(detail):
		m := protojsonEnum.FindStringSubmatch(detail)
		name := written(m[1])
		if ed := findEnum(root, m[1], map[protoreflect.FullName]bool{}); ed != nil {
			return fmt.Errorf("%s: %s is not a %s value; use one of %s %s", name, m[2], ed.Name(), enumNames(ed), where)
		}
		return fmt.Errorf("%s: %s is not a known value %s", name, m[2], where)
	case protojsonValue.MatchString(detail):
		m := protojsonValue.FindStringSubmatch(detail)
		return fmt.Errorf("%s: %s is not a valid %s %s", written(m[2]), m[3], jsonKind(m[1]), where)
	case strings.HasPrefix(detail, "duplicate field "):
		return fmt.Errorf("%s: the field is set twice %s", strings.Trim(strings.TrimPrefix(detail, "duplicate field "), `"`), where)
	default:
		return fmt.Errorf("the body is not valid JSON for this request: %s %s", detail, where)
	}
}

// protoErrorText is a protobuf error's text without its "proto: " prefix.
// The prefix's space is randomly U+0020 or U+00A0 (the protobuf module does
// this on purpose, to discourage parsing its messages), so every U+00A0 is
// normalized first.
func protoErrorText(err error) string {
	msg := strings.ReplaceAll(err.Error(), "\u00a0", " ")
	return strings.TrimSpace(strings.TrimPrefix(msg, "proto:"))
}

func jsonKind(k string) string {
	switch k {
	case "int32", "int64", "uint32", "uint64", "sint32", "sint64", "fixed32", "fixed64", "sfixed32", "sfixed64":
		return "integer (a JSON number or a string of digits)"
	case "bool":
		return "boolean"
	case "string":
		return "string"
	case "bytes":
		return "base64 string"
	case "float", "double":
		return "number"
	case "message":
		return "JSON object"
	}
	return k
}

// jsonPathAt returns the path ("customer.nickname", "items[2].name") of the
// member whose key or value starts at byte off of data, as the caller
// spelled it; "" when off is not at a member.
func jsonPathAt(data []byte, off int) string {
	type frame struct {
		object    bool
		key       string
		index     int
		expectKey bool
	}
	var stack []*frame
	path := func(last string) string {
		var b strings.Builder
		for i, f := range stack {
			switch {
			case !f.object:
				fmt.Fprintf(&b, "[%d]", f.index)
			case i == len(stack)-1 && last != "":
				b.WriteString("." + last)
			default:
				b.WriteString("." + f.key)
			}
		}
		return strings.TrimPrefix(b.String(), ".")
	}
	// valueDone records that the value of the innermost container's current
	// member or element is complete.
	valueDone := func() {
		if len(stack) == 0 {
			return
		}
		if f := stack[len(stack)-1]; f.object {
			f.expectKey = true
		} else {
			f.index++
		}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	for {
		tok, err := dec.Token()
		if err != nil {
			return ""
		}
		end := int(dec.InputOffset())
		var top *frame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		key, isKey := tok.(string)
		isKey = isKey && top != nil && top.object && top.expectKey
		delim, isDelim := tok.(json.Delim)
		closing := isDelim && (delim == '}' || delim == ']')
		if end > off && !closing && len(stack) > 0 {
			if isKey {
				return path(key)
			}
			return path("")
		}
		switch {
		case isKey:
			top.key, top.expectKey = key, false
		case isDelim && (delim == '{' || delim == '['):
			stack = append(stack, &frame{object: delim == '{', expectKey: delim == '{'})
		case closing:
			stack = stack[:len(stack)-1]
			valueDone()
		default:
			valueDone()
		}
	}
}

// offset turns protojson's 1-based line and column into a byte offset.
func offset(data []byte, line, col int) int {
	off := 0
	for l := 1; l < line && off < len(data); off++ {
		if data[off] == '\n' {
			l++
		}
	}
	off += col - 1
	return max(0, min(off, len(data)))
}

// findEnum finds the enum type of the field whose JSON name is jsonName
// anywhere under md (protojson's error names the field, not its path).
func findEnum(md protoreflect.MessageDescriptor, jsonName string, seen map[protoreflect.FullName]bool) protoreflect.EnumDescriptor {
	if seen[md.FullName()] {
		return nil
	}
	seen[md.FullName()] = true
	fields := md.Fields()
	for i := range fields.Len() {
		fd := fields.Get(i)
		if fd.Enum() != nil && (fd.JSONName() == jsonName || string(fd.Name()) == jsonName) {
			return fd.Enum()
		}
	}
	for i := range fields.Len() {
		fd := fields.Get(i)
		if fd.IsMap() {
			fd = fd.MapValue()
		}
		if fd.Message() != nil {
			if ed := findEnum(fd.Message(), jsonName, seen); ed != nil {
				return ed
			}
		}
	}
	return nil
}

// enumNames lists an enum's defined values, UNSPECIFIED excluded.
func enumNames(ed protoreflect.EnumDescriptor) string {
	var names []string
	vals := ed.Values()
	for i := range vals.Len() {
		if vals.Get(i).Number() != 0 {
			names = append(names, string(vals.Get(i).Name()))
		}
	}
	return strings.Join(names, ", ")
}

// fieldName is a field as a caller of the given encoding writes it.
func fieldName(fd protoreflect.FieldDescriptor, json bool) string {
	if json {
		return fd.JSONName()
	}
	return string(fd.Name())
}

func joinPath(path []string) string {
	return strings.ReplaceAll(strings.Join(path, "."), ".[", "[")
}

// checkUnknownFields refuses protobuf fields the schema does not define, at
// any depth, naming their number and where they are.
func checkUnknownFields(m protoreflect.Message, path []string) error {
	if raw := m.GetUnknown(); len(raw) > 0 {
		num, _, n := protowire.ConsumeTag(raw)
		if n < 0 {
			return errors.New("the body is not a valid protobuf message")
		}
		where := "the request"
		if len(path) > 0 {
			where = joinPath(path)
		}
		return fmt.Errorf("%s: unknown field number %d (not in %s)", where, num, m.Descriptor().FullName())
	}
	var err error
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		err = eachMessage(fd, v, append(path[:len(path):len(path)], string(fd.Name())), checkUnknownFields)
		return err == nil
	})
	return err
}

// checkEnums refuses enum numbers the schema does not define (protobuf
// decodes them silently, and JSON accepts numbers too).
func checkEnums(m protoreflect.Message, path []string, json bool) error {
	var err error
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		p := append(path[:len(path):len(path)], fieldName(fd, json))
		ed := fd.Enum()
		if fd.IsMap() {
			ed = fd.MapValue().Enum()
		}
		if ed != nil {
			bad := func(n protoreflect.EnumNumber, at []string) error {
				if ed.Values().ByNumber(n) != nil {
					return nil
				}
				return fmt.Errorf("%s: %d is not a %s value; use one of %s", joinPath(at), n, ed.Name(), enumNames(ed))
			}
			switch {
			case fd.IsList():
				for i := 0; i < v.List().Len() && err == nil; i++ {
					err = bad(v.List().Get(i).Enum(), append(p[:len(p):len(p)], fmt.Sprintf("[%d]", i)))
				}
			case fd.IsMap():
				v.Map().Range(func(k protoreflect.MapKey, mv protoreflect.Value) bool {
					err = bad(mv.Enum(), append(p[:len(p):len(p)], fmt.Sprintf("[%q]", k.String())))
					return err == nil
				})
			default:
				err = bad(v.Enum(), p)
			}
			return err == nil
		}
		err = eachMessage(fd, v, p, func(m protoreflect.Message, path []string) error { return checkEnums(m, path, json) })
		return err == nil
	})
	return err
}

// eachMessage calls f on every message a field holds (itself, a list's
// items, a map's values), with its path.
func eachMessage(fd protoreflect.FieldDescriptor, v protoreflect.Value, path []string, f func(protoreflect.Message, []string) error) error {
	switch {
	case fd.IsMap():
		if fd.MapValue().Message() == nil {
			return nil
		}
		var err error
		v.Map().Range(func(k protoreflect.MapKey, mv protoreflect.Value) bool {
			err = f(mv.Message(), append(path[:len(path):len(path)], fmt.Sprintf("[%q]", k.String())))
			return err == nil
		})
		return err
	case fd.Message() == nil:
		return nil
	case fd.IsList():
		l := v.List()
		for i := range l.Len() {
			if err := f(l.Get(i).Message(), append(path[:len(path):len(path)], fmt.Sprintf("[%d]", i))); err != nil {
				return err
			}
		}
		return nil
	default:
		return f(v.Message(), path)
	}
}
