package conformance

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"

	"google.golang.org/protobuf/reflect/protoreflect"
)

// matchSubset compares the fields listed in want (a protojson object decoded
// with UseNumber) with got and returns one line per mismatch. Fields absent
// from want are not compared; lists must have the same length and match
// element by element; map entries listed must exist and match.
func matchSubset(want map[string]any, got protoreflect.Message) []string {
	var out []string
	matchMessage("", want, got, &out)
	return out
}

func matchMessage(path string, want map[string]any, got protoreflect.Message, out *[]string) {
	fields := got.Descriptor().Fields()
	keys := make([]string, 0, len(want))
	for k := range want {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fd := fields.ByJSONName(k)
		if fd == nil {
			fd = fields.ByName(protoreflect.Name(k))
		}
		p := join(path, k)
		if fd == nil {
			*out = append(*out, fmt.Sprintf("%s: %s has no such field", p, got.Descriptor().FullName()))
			continue
		}
		matchField(p, fd, want[k], got, out)
	}
}

func matchField(path string, fd protoreflect.FieldDescriptor, want any, parent protoreflect.Message, out *[]string) {
	has := parent.Has(fd)
	switch {
	case fd.IsList():
		arr, ok := want.([]any)
		if !ok {
			*out = append(*out, fmt.Sprintf("%s: expected value must be a JSON array", path))
			return
		}
		list := parent.Get(fd).List()
		if list.Len() != len(arr) {
			*out = append(*out, fmt.Sprintf("%s: want %d elements, got %d", path, len(arr), list.Len()))
			return
		}
		for i, w := range arr {
			matchValue(fmt.Sprintf("%s[%d]", path, i), fd, w, list.Get(i), true, out)
		}
	case fd.IsMap():
		obj, ok := want.(map[string]any)
		if !ok {
			*out = append(*out, fmt.Sprintf("%s: expected value must be a JSON object", path))
			return
		}
		m := parent.Get(fd).Map()
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			mk, err := mapKey(fd.MapKey(), k)
			if err != nil {
				*out = append(*out, fmt.Sprintf("%s[%s]: %v", path, k, err))
				continue
			}
			if !m.Has(mk) {
				*out = append(*out, fmt.Sprintf("%s[%s]: missing", path, k))
				continue
			}
			matchValue(fmt.Sprintf("%s[%s]", path, k), fd.MapValue(), obj[k], m.Get(mk), true, out)
		}
	default:
		matchValue(path, fd, want, parent.Get(fd), has, out)
	}
}

func mapKey(fd protoreflect.FieldDescriptor, k string) (protoreflect.MapKey, error) {
	switch fd.Kind() {
	case protoreflect.StringKind:
		return protoreflect.ValueOfString(k).MapKey(), nil
	case protoreflect.BoolKind:
		b, err := strconv.ParseBool(k)
		return protoreflect.ValueOfBool(b).MapKey(), err
	case protoreflect.Int32Kind, protoreflect.Sint32Kind, protoreflect.Sfixed32Kind:
		n, err := strconv.ParseInt(k, 10, 32)
		return protoreflect.ValueOfInt32(int32(n)).MapKey(), err
	case protoreflect.Int64Kind, protoreflect.Sint64Kind, protoreflect.Sfixed64Kind:
		n, err := strconv.ParseInt(k, 10, 64)
		return protoreflect.ValueOfInt64(n).MapKey(), err
	case protoreflect.Uint32Kind, protoreflect.Fixed32Kind:
		n, err := strconv.ParseUint(k, 10, 32)
		return protoreflect.ValueOfUint32(uint32(n)).MapKey(), err
	default:
		n, err := strconv.ParseUint(k, 10, 64)
		return protoreflect.ValueOfUint64(n).MapKey(), err
	}
}

// matchValue compares one singular value (a field, list element or map value).
func matchValue(path string, fd protoreflect.FieldDescriptor, want any, got protoreflect.Value, has bool, out *[]string) {
	fail := func(format string, args ...any) { *out = append(*out, path+": "+fmt.Sprintf(format, args...)) }
	if fd.Kind() == protoreflect.MessageKind || fd.Kind() == protoreflect.GroupKind {
		if want == nil {
			if has {
				fail("want unset, got %s", describe(got.Message()))
			}
			return
		}
		obj, ok := want.(map[string]any)
		if !ok {
			fail("expected value must be a JSON object")
			return
		}
		if !has {
			fail("want a %s, got none", fd.Message().Name())
			return
		}
		matchMessage(path, obj, got.Message(), out)
		return
	}
	switch fd.Kind() {
	case protoreflect.EnumKind:
		name := string(fd.Enum().Values().ByNumber(got.Enum()).Name())
		if name == "" {
			name = strconv.Itoa(int(got.Enum()))
		}
		switch w := want.(type) {
		case string:
			if w != name {
				fail("want %s, got %s", w, name)
			}
		case json.Number:
			if w.String() != strconv.Itoa(int(got.Enum())) {
				fail("want %s, got %s", w, name)
			}
		default:
			fail("expected value must be an enum name")
		}
	case protoreflect.BoolKind:
		if w, ok := want.(bool); !ok || w != got.Bool() {
			fail("want %v, got %v", want, got.Bool())
		}
	case protoreflect.StringKind:
		if w, ok := want.(string); !ok || w != got.String() {
			fail("want %q, got %q", want, got.String())
		}
	case protoreflect.BytesKind:
		enc := base64.StdEncoding.EncodeToString(got.Bytes())
		if w, ok := want.(string); !ok || w != enc {
			fail("want %v (base64), got %s", want, enc)
		}
	case protoreflect.FloatKind, protoreflect.DoubleKind:
		w, err := number(want)
		f, _ := strconv.ParseFloat(w, 64)
		if err != nil || math.Abs(f-got.Float()) > 1e-9 {
			fail("want %v, got %v", want, got.Float())
		}
	case protoreflect.Uint32Kind, protoreflect.Fixed32Kind, protoreflect.Uint64Kind, protoreflect.Fixed64Kind:
		w, err := number(want)
		if err != nil || w != strconv.FormatUint(got.Uint(), 10) {
			fail("want %v, got %d", want, got.Uint())
		}
	default: // signed integers
		w, err := number(want)
		if err != nil || w != strconv.FormatInt(got.Int(), 10) {
			fail("want %v, got %d", want, got.Int())
		}
	}
}

// number returns a JSON number or numeric string in canonical integer form when it is one.
func number(v any) (string, error) {
	var s string
	switch w := v.(type) {
	case json.Number:
		s = w.String()
	case string:
		s = w
	default:
		return "", fmt.Errorf("not a number")
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return strconv.FormatInt(n, 10), nil
	}
	if n, err := strconv.ParseUint(s, 10, 64); err == nil {
		return strconv.FormatUint(n, 10), nil
	}
	return s, nil
}

func join(path, k string) string {
	if path == "" {
		return k
	}
	return path + "." + k
}

// describe renders a message briefly for mismatch messages.
func describe(m protoreflect.Message) string {
	b, err := marshalJSON.Marshal(m.Interface())
	if err != nil {
		return string(m.Descriptor().Name())
	}
	return short(string(b), 200)
}
