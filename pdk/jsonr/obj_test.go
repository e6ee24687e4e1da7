package jsonr

import (
	"testing"

	"github.com/valyala/fastjson"
)

func TestObj(t *testing.T) {
	v := fastjson.MustParse(`{"a":{"b":{"c":1}},"s":"x","n":null}`)
	if Obj(v, "a", "b") == nil || Obj(v, "a") == nil {
		t.Error("an object member read as absent")
	}
	if Obj(v, "s") != nil || Obj(v, "n") != nil || Obj(v, "missing") != nil || Obj(nil, "a") != nil || Obj(v, "a", "b", "c") != nil {
		t.Error("a non-object member read as an object")
	}
}
