// Package jsonr reads a processor's JSON answer for a Parse handler: it
// checks the answer's shape before parsing it, reports what it cannot read as
// typed PDK errors (ERROR_KIND_INVALID_RESPONSE), and offers nil-safe
// accessors so a missing or mistyped member reads as absent, never as a panic.
package jsonr

import (
	"bytes"
	"strconv"

	"github.com/connectorhost/connector-host/pdk"
	"github.com/valyala/fastjson"
)

// Object parses an answer that must be one JSON object. Truncated, empty,
// HTML or otherwise non-JSON bodies are InvalidResponse errors naming
// processor and the HTTP status.
func Object(res *pdk.Response, processor string) (*fastjson.Value, error) {
	if res.Truncated {
		return nil, pdk.InvalidResponse("%s's answer (HTTP %d) was truncated", processor, res.Status)
	}
	v, ok := parseObject(res.Body)
	if !ok {
		if len(bytes.TrimSpace(res.Body)) == 0 {
			return nil, pdk.InvalidResponse("%s answered HTTP %d with an empty body", processor, res.Status)
		}
		return nil, pdk.InvalidResponse("%s answered HTTP %d with a body that is not a JSON object (Content-Type %q)",
			processor, res.Status, res.Header("Content-Type"))
	}
	return v, nil
}

// Lenient parses body as a JSON object and returns nil when it is not one:
// for error answers, whose body may be a proxy's HTML page.
func Lenient(body []byte) *fastjson.Value {
	v, _ := parseObject(body)
	return v
}

func parseObject(body []byte) (*fastjson.Value, bool) {
	body = bytes.TrimSpace(body)
	if len(body) == 0 || body[0] != '{' {
		return nil, false
	}
	var p fastjson.Parser
	v, err := p.ParseBytes(body)
	if err != nil || v.Type() != fastjson.TypeObject {
		return nil, false
	}
	return v, true
}

// Str returns the string at keys, or "" when v is nil or the member is
// absent or not a string.
func Str(v *fastjson.Value, keys ...string) string {
	if v == nil {
		return ""
	}
	x := v.Get(keys...)
	if x == nil || x.Type() != fastjson.TypeString {
		return ""
	}
	return string(x.GetStringBytes())
}

// Int returns the integer at keys. ok is false when the member is absent or
// null; err is set when it is present but not an integer (a JSON number
// without fraction or exponent, or such a number written as a string).
func Int(v *fastjson.Value, keys ...string) (n int64, ok bool, err error) {
	if v == nil {
		return 0, false, nil
	}
	x := v.Get(keys...)
	if x == nil || x.Type() == fastjson.TypeNull {
		return 0, false, nil
	}
	var text string
	switch x.Type() {
	case fastjson.TypeNumber:
		text = x.String()
	case fastjson.TypeString:
		text = string(x.GetStringBytes())
	default:
		return 0, false, pdk.InvalidResponse("%s is a JSON %s, not an integer", path(keys), x.Type())
	}
	n, perr := strconv.ParseInt(text, 10, 64)
	if perr != nil {
		return 0, false, pdk.InvalidResponse("%s is %q, not an integer", path(keys), text)
	}
	return n, true, nil
}

// Objects returns the objects of the array at keys, skipping members that
// are not objects; nil when absent.
func Objects(v *fastjson.Value, keys ...string) []*fastjson.Value {
	if v == nil {
		return nil
	}
	var out []*fastjson.Value
	for _, x := range v.GetArray(keys...) {
		if x.Type() == fastjson.TypeObject {
			out = append(out, x)
		}
	}
	return out
}

// Has reports whether v has a non-null member at keys.
func Has(v *fastjson.Value, keys ...string) bool {
	if v == nil {
		return false
	}
	x := v.Get(keys...)
	return x != nil && x.Type() != fastjson.TypeNull
}

func path(keys []string) string {
	var b []byte
	for i, k := range keys {
		if i > 0 {
			b = append(b, '.')
		}
		b = append(b, k...)
	}
	return string(b)
}
