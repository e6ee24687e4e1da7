// Package jsonr reads a processor's JSON answer: one parse that turns empty,
// truncated, HTML or otherwise non-object bodies into typed InvalidResponse
// errors, and nil-safe accessors that never panic on a missing or mistyped
// member. It is the reading counterpart of pdk/jsonw.
//
// Size and nesting are bounded: an object of more than MaxObjectBytes is an
// InvalidResponse before any parsing (a parsed value costs several times its
// text, and a guest has a few tens of MiB), and fastjson's parser bounds
// nesting (MaxDepth), so a hostile answer nested 100,000 deep is an error,
// not a stack overflow.
package jsonr

import (
	"bytes"
	"strconv"
	"strings"

	"github.com/connectorhost/connector-host/pdk"
	"github.com/valyala/fastjson"
)

// MaxObjectBytes bounds the objects Object (and Member, ObjectWithID) and
// TryObject parse: 1 MiB, pdk.API's default answer bound. No processor
// object this project reads comes near it; lists are bounded by ArrayOf's
// caller.
const MaxObjectBytes = 1 << 20

// Object parses res.Body, which must be one JSON object of at most
// MaxObjectBytes. processor names the processor in error messages
// ("Checkout.com answered HTTP 200 with ..."). Parse every answer with a
// fresh call: the returned value owns its parser.
func Object(res *pdk.Response, processor string) (*fastjson.Value, error) {
	return parse(res, processor, '{', "object", MaxObjectBytes)
}

// ArrayOf parses res.Body, which must be one JSON array (a list answer) of
// at most maxBytes, and returns its elements; the same errors as Object
// otherwise. A parsed array costs memory per element, so a plugin bounds the
// lists it reads to what the processor can really send (a guest has a few
// tens of MiB): a larger answer is an InvalidResponse, not a trap.
func ArrayOf(res *pdk.Response, processor string, maxBytes int) ([]*fastjson.Value, error) {
	v, err := parse(res, processor, '[', "array", maxBytes)
	if err != nil {
		return nil, err
	}
	a, _ := v.Array()
	return a, nil
}

// parse checks the body's size (at most maxBytes) and that it starts with
// open (so an HTML page or an empty body is refused before any parsing),
// and parses it.
func parse(res *pdk.Response, processor string, open byte, what string, maxBytes int) (*fastjson.Value, error) {
	if res.Truncated {
		return nil, pdk.InvalidResponse("%s's answer (HTTP %d) was truncated", processor, res.Status)
	}
	if len(res.Body) > maxBytes {
		return nil, pdk.InvalidResponse("%s answered HTTP %d with %d bytes, more than the %d expected", processor, res.Status, len(res.Body), maxBytes)
	}
	body := bytes.TrimSpace(res.Body)
	if len(body) == 0 {
		return nil, pdk.InvalidResponse("%s answered HTTP %d with an empty body", processor, res.Status)
	}
	if body[0] != open {
		return nil, pdk.InvalidResponse("%s answered HTTP %d with a body that is not a JSON %s (Content-Type %q)",
			processor, res.Status, what, res.Header("Content-Type"))
	}
	var p fastjson.Parser
	v, err := p.ParseBytes(body)
	if err != nil {
		return nil, pdk.InvalidResponse("%s answered HTTP %d with malformed JSON: %v", processor, res.Status, err)
	}
	return v, nil
}

// TryObject parses body as a JSON object and returns nil when it is not one
// (an error answer from a proxy, an empty body) or is larger than
// MaxObjectBytes: for reading optional error details, where a non-JSON body
// is not itself an error.
func TryObject(body []byte) *fastjson.Value {
	body = bytes.TrimSpace(body)
	if len(body) == 0 || len(body) > MaxObjectBytes || body[0] != '{' {
		return nil
	}
	var p fastjson.Parser
	v, err := p.ParseBytes(body)
	if err != nil || v.Type() != fastjson.TypeObject {
		return nil
	}
	return v
}

// Str returns the string at keys, or "" when absent or not a string.
func Str(v *fastjson.Value, keys ...string) string {
	x := at(v, keys)
	if x == nil || x.Type() != fastjson.TypeString {
		return ""
	}
	return string(x.GetStringBytes())
}

// Int returns the integer at keys. ok is false when the member is absent or
// null; err is set when it is present but not an integer (a fraction, a
// string, an object), which for an amount is an answer the plugin must not guess at.
func Int(v *fastjson.Value, keys ...string) (n int64, ok bool, err error) {
	x := at(v, keys)
	if x == nil || x.Type() == fastjson.TypeNull {
		return 0, false, nil
	}
	if x.Type() != fastjson.TypeNumber {
		return 0, false, pdk.InvalidResponse("%s is not a number", strings.Join(keys, "."))
	}
	n, perr := strconv.ParseInt(x.String(), 10, 64)
	if perr != nil {
		return 0, false, pdk.InvalidResponse("%s is not an integer: %s", strings.Join(keys, "."), x.String())
	}
	return n, true, nil
}

// Bool returns the boolean at keys; ok is false when absent or not a boolean.
func Bool(v *fastjson.Value, keys ...string) (b, ok bool) {
	x := at(v, keys)
	if x == nil {
		return false, false
	}
	switch x.Type() {
	case fastjson.TypeTrue:
		return true, true
	case fastjson.TypeFalse:
		return false, true
	}
	return false, false
}

// Array returns the array at keys, or nil when absent or not an array.
func Array(v *fastjson.Value, keys ...string) []*fastjson.Value {
	x := at(v, keys)
	if x == nil || x.Type() != fastjson.TypeArray {
		return nil
	}
	a, _ := x.Array()
	return a
}

// Objects returns the object elements of the array at keys, skipping
// members that are not objects; nil when absent.
func Objects(v *fastjson.Value, keys ...string) []*fastjson.Value {
	var out []*fastjson.Value
	for _, x := range Array(v, keys...) {
		if x.Type() == fastjson.TypeObject {
			out = append(out, x)
		}
	}
	return out
}

// Has reports whether v has a non-null member at keys.
func Has(v *fastjson.Value, keys ...string) bool {
	x := at(v, keys)
	return x != nil && x.Type() != fastjson.TypeNull
}

// Strings returns the string elements of the array at keys, in order.
func Strings(v *fastjson.Value, keys ...string) []string {
	var out []string
	for _, x := range Array(v, keys...) {
		if x.Type() == fastjson.TypeString {
			out = append(out, string(x.GetStringBytes()))
		}
	}
	return out
}

func at(v *fastjson.Value, keys []string) *fastjson.Value {
	if v == nil {
		return nil
	}
	return v.Get(keys...)
}
