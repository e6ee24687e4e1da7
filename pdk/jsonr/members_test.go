package jsonr

import (
	"testing"

	"github.com/valyala/fastjson"
)

func TestNumberAndStringMap(t *testing.T) {
	v := fastjson.MustParse(`{"a":{"value":1000,"q":"250","o":{}},"d":{"x":"1","n":2,"y":"z"},"e":{}}`)
	if Number(v, "a", "value") != "1000" || Number(v, "a", "q") != "250" || Number(v, "a", "o") != "" || Number(v, "missing") != "" || Number(nil, "a") != "" {
		t.Error("Number")
	}
	m := StringMap(v, "d")
	if len(m) != 2 || m["x"] != "1" || m["y"] != "z" {
		t.Errorf("StringMap = %v", m)
	}
	if StringMap(v, "e") != nil || StringMap(v, "a", "value") != nil || StringMap(nil) != nil {
		t.Error("StringMap of an object without strings, or of a non-object, must be nil")
	}
}
