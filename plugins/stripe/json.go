package stripe

import (
	"github.com/valyala/fastjson"
)

// str returns the string at keys, or "" when missing or not a string.
func str(v *fastjson.Value, keys ...string) string {
	return string(v.GetStringBytes(keys...))
}

// num returns the integer at keys, or 0.
func num(v *fastjson.Value, keys ...string) int64 { return v.GetInt64(keys...) }

// present reports whether keys lead to a value that is not JSON null.
func present(v *fastjson.Value, keys ...string) bool {
	x := v.Get(keys...)
	return x != nil && x.Type() != fastjson.TypeNull
}

// object returns the object at keys, or nil when missing or not an object.
func object(v *fastjson.Value, keys ...string) *fastjson.Value {
	x := v.Get(keys...)
	if x == nil || x.Type() != fastjson.TypeObject {
		return nil
	}
	return x
}

// idOf reads an expandable field: Stripe sends either the id as a string or,
// when expanded, the object with an "id".
func idOf(v *fastjson.Value, keys ...string) string {
	x := v.Get(keys...)
	if x == nil {
		return ""
	}
	switch x.Type() {
	case fastjson.TypeString:
		return str(x)
	case fastjson.TypeObject:
		return str(x, "id")
	}
	return ""
}

// metadataValue reads metadata[key] of a Stripe object.
func metadataValue(v *fastjson.Value, key string) string { return str(v, "metadata", key) }
