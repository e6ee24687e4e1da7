package jsonr

import "github.com/valyala/fastjson"

// Number returns the literal text of the number at keys, or the string
// itself when the processor sent the number as a string ("1000"); "" when
// absent or of another type. For signatures computed over the number as
// written, and for amounts that some answers quote.
func Number(v *fastjson.Value, keys ...string) string {
	x := at(v, keys)
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

// StringMap returns the string members of the object at keys (other members
// skipped), or nil when there are none. The map has no order: write it back
// out sorted (jsonw's SortedStringMap) to stay deterministic.
func StringMap(v *fastjson.Value, keys ...string) map[string]string {
	o := Obj(v, keys...)
	if o == nil {
		return nil
	}
	var out map[string]string
	o.GetObject().Visit(func(k []byte, x *fastjson.Value) {
		if x.Type() == fastjson.TypeString {
			if out == nil {
				out = map[string]string{}
			}
			out[string(k)] = string(x.GetStringBytes())
		}
	})
	return out
}
