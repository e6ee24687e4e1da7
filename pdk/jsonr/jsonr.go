// Package jsonr reads a processor's JSON answer for a Parse handler: the
// shape checks every connector needs before looking at fields (not truncated,
// not empty, a JSON object, not absurdly deep), with typed errors, and small
// accessors that never panic on a missing or mistyped member.
package jsonr

import (
	"bytes"

	"github.com/connectorhost/connector-host/pdk"
	"github.com/valyala/fastjson"
)

// MaxDepth is the deepest nesting of arrays and objects Object accepts. No
// processor answer comes near it; the limit keeps a hostile answer from
// costing more than a linear scan.
const MaxDepth = 64

// Object parses res.Body as one JSON object. who names the processor in
// error messages ("PayPal answered HTTP 201 with an empty body"). Empty,
// truncated, non-JSON, non-object and too deeply nested bodies are
// ERROR_KIND_INVALID_RESPONSE.
func Object(res *pdk.Response, who string) (*fastjson.Value, error) {
	if res.Truncated {
		return nil, pdk.InvalidResponse("%s's answer (HTTP %d) was truncated", who, res.Status)
	}
	body := bytes.TrimSpace(res.Body)
	if len(body) == 0 {
		return nil, pdk.InvalidResponse("%s answered HTTP %d with an empty body", who, res.Status)
	}
	if body[0] != '{' {
		return nil, pdk.InvalidResponse("%s answered HTTP %d with a body that is not a JSON object (Content-Type %q)",
			who, res.Status, res.Header("Content-Type"))
	}
	if tooDeep(body) {
		return nil, pdk.InvalidResponse("%s answered HTTP %d with JSON nested deeper than %d levels", who, res.Status, MaxDepth)
	}
	var p fastjson.Parser
	v, err := p.ParseBytes(body)
	if err != nil {
		return nil, pdk.InvalidResponse("%s answered HTTP %d with malformed JSON: %v", who, res.Status, err)
	}
	if v.Type() != fastjson.TypeObject {
		return nil, pdk.InvalidResponse("%s answered HTTP %d with JSON that is not an object", who, res.Status)
	}
	return v, nil
}

// tooDeep reports whether brackets outside strings nest deeper than MaxDepth.
func tooDeep(b []byte) bool {
	depth, inString, escaped := 0, false, false
	for _, c := range b {
		switch {
		case inString:
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
		case c == '"':
			inString = true
		case c == '{' || c == '[':
			depth++
			if depth > MaxDepth {
				return true
			}
		case c == '}' || c == ']':
			depth--
		}
	}
	return false
}

// Str returns the string at keys, or "" when it is absent or not a string.
func Str(v *fastjson.Value, keys ...string) string {
	x := v.Get(keys...)
	if x == nil || x.Type() != fastjson.TypeString {
		return ""
	}
	return string(x.GetStringBytes())
}

// Array returns the array at keys, or nil when it is absent or not an array.
func Array(v *fastjson.Value, keys ...string) []*fastjson.Value {
	x := v.Get(keys...)
	if x == nil || x.Type() != fastjson.TypeArray {
		return nil
	}
	a, _ := x.Array()
	return a
}

// Obj returns the object at keys, or nil when it is absent or not an object.
func Obj(v *fastjson.Value, keys ...string) *fastjson.Value {
	x := v.Get(keys...)
	if x == nil || x.Type() != fastjson.TypeObject {
		return nil
	}
	return x
}
