package jsonr

import "github.com/valyala/fastjson"

// Obj returns the object at keys, or nil when v is nil or the member is
// absent or not an object.
func Obj(v *fastjson.Value, keys ...string) *fastjson.Value {
	if v == nil {
		return nil
	}
	x := v.Get(keys...)
	if x == nil || x.Type() != fastjson.TypeObject {
		return nil
	}
	return x
}
