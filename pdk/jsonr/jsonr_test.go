package jsonr

import (
	"strings"
	"testing"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	"github.com/connectorhost/connector-host/pdk"
)

func TestObjectRefusesWhatIsNotOneObject(t *testing.T) {
	cases := map[string]*pdk.Response{
		"empty":     {Status: 200, Body: []byte("  ")},
		"truncated": {Status: 200, Body: []byte(`{"id":"x"}`), Truncated: true},
		"html":      {Status: 502, Body: []byte("<html>bad gateway</html>")},
		"array":     {Status: 200, Body: []byte(`[1,2]`)},
		"broken":    {Status: 200, Body: []byte(`{"id":`)},
		"deep":      {Status: 200, Body: []byte(`{"a":` + strings.Repeat("[", MaxDepth+1) + strings.Repeat("]", MaxDepth+1) + `}`)},
	}
	for name, res := range cases {
		_, err := Object(res, "Acme")
		e, ok := err.(*pdk.Error)
		if !ok || e.Kind != pluginv1.ErrorKind_ERROR_KIND_INVALID_RESPONSE {
			t.Errorf("%s: got %v, want an INVALID_RESPONSE error", name, err)
			continue
		}
		if !strings.Contains(e.Message, "Acme") {
			t.Errorf("%s: message %q does not name the processor", name, e.Message)
		}
	}
}

func TestObjectAndAccessors(t *testing.T) {
	v, err := Object(&pdk.Response{Status: 200, Body: []byte(`{"id":"A1","n":3,"deep":{"s":"[{\"x"},"list":[{"k":"v"}]}`)}, "Acme")
	if err != nil {
		t.Fatal(err)
	}
	if Str(v, "id") != "A1" || Str(v, "n") != "" || Str(v, "missing") != "" || Str(v, "deep", "s") != `[{"x` {
		t.Errorf("Str read the wrong values")
	}
	if a := Array(v, "list"); len(a) != 1 || Str(a[0], "k") != "v" {
		t.Errorf("Array(list) = %v", a)
	}
	if Array(v, "id") != nil || Obj(v, "id") != nil || Obj(v, "deep") == nil {
		t.Errorf("Array/Obj accept mistyped members")
	}
}
