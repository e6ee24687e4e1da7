package adyen

import (
	"bytes"
	"strconv"

	"github.com/connectorhost/connector-host/pdk"
	"github.com/valyala/fastjson"
)

// parseObject parses a 2xx answer that must be one JSON object. Empty,
// truncated, HTML or otherwise non-JSON bodies are InvalidResponse.
func parseObject(res *pdk.Response) (*fastjson.Value, error) {
	if res.Truncated {
		return nil, pdk.InvalidResponse("Adyen's answer (HTTP %d) was truncated", res.Status)
	}
	body := bytes.TrimSpace(res.Body)
	if len(body) == 0 {
		return nil, pdk.InvalidResponse("Adyen answered HTTP %d with an empty body", res.Status)
	}
	if body[0] != '{' {
		return nil, pdk.InvalidResponse("Adyen answered HTTP %d with a body that is not a JSON object (Content-Type %q)",
			res.Status, res.Header("Content-Type"))
	}
	var p fastjson.Parser
	v, err := p.ParseBytes(body)
	if err != nil {
		return nil, pdk.InvalidResponse("Adyen answered HTTP %d with malformed JSON: %v", res.Status, err)
	}
	if v.Type() != fastjson.TypeObject {
		return nil, pdk.InvalidResponse("Adyen answered HTTP %d with JSON that is not an object", res.Status)
	}
	return v, nil
}

// str returns the string at keys, or "" when absent or not a string.
func str(v *fastjson.Value, keys ...string) string {
	x := v.Get(keys...)
	if x == nil || x.Type() != fastjson.TypeString {
		return ""
	}
	return string(x.GetStringBytes())
}

// numberText returns the literal text of the number at keys, or the string
// value when Adyen sent the number as a string; "" when absent.
func numberText(v *fastjson.Value, keys ...string) string {
	x := v.Get(keys...)
	if x == nil {
		return ""
	}
	switch x.Type() {
	case fastjson.TypeNumber:
		return x.String()
	case fastjson.TypeString:
		return string(x.GetStringBytes())
	}
	return ""
}

// amountAt reads an Adyen Amount object ({value, currency}) at keys. ok is
// false when absent; err is set when present but malformed.
func amountAt(v *fastjson.Value, keys ...string) (value int64, currency string, ok bool, err error) {
	a := v.Get(keys...)
	if a == nil || a.Type() == fastjson.TypeNull {
		return 0, "", false, nil
	}
	if a.Type() != fastjson.TypeObject {
		return 0, "", false, pdk.InvalidResponse("amount is not an object")
	}
	currency = str(a, "currency")
	txt := numberText(a, "value")
	n, perr := strconv.ParseInt(txt, 10, 64)
	if currency == "" || perr != nil {
		return 0, "", false, pdk.InvalidResponse("amount {value: %q, currency: %q} is malformed", txt, currency)
	}
	return n, currency, true, nil
}

// stringMembers returns the string members of the object at keys in document
// order, as parallel key/value slices (never a Go map, to keep output order
// deterministic).
func stringMembers(v *fastjson.Value, keys ...string) (names, values []string) {
	o := v.GetObject(keys...)
	if o == nil {
		return nil, nil
	}
	o.Visit(func(k []byte, x *fastjson.Value) {
		if x.Type() == fastjson.TypeString {
			names = append(names, string(k))
			values = append(values, string(x.GetStringBytes()))
		}
	})
	return names, values
}
