package jsonr

import (
	"strings"
	"testing"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	"github.com/connectorhost/connector-host/pdk"
)

func kindOf(t *testing.T, err error) pluginv1.ErrorKind {
	t.Helper()
	e, ok := err.(*pdk.Error)
	if !ok {
		t.Fatalf("error %v is not a *pdk.Error", err)
	}
	return e.Kind
}

func TestObjectRefusesWhatIsNotAnObject(t *testing.T) {
	for name, res := range map[string]*pdk.Response{
		"empty":     {Status: 200},
		"html":      {Status: 200, Body: []byte("<html>oops</html>")},
		"array":     {Status: 200, Body: []byte(`[1,2]`)},
		"truncated": {Status: 200, Body: []byte(`{"a":1}`), Truncated: true},
		"broken":    {Status: 200, Body: []byte(`{"a":`)},
		"deep":      {Status: 200, Body: []byte(strings.Repeat("[", 100000))},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Object(res, "Acme")
			if err == nil {
				t.Fatal("want an error")
			}
			if k := kindOf(t, err); k != pluginv1.ErrorKind_ERROR_KIND_INVALID_RESPONSE {
				t.Fatalf("kind = %v, want INVALID_RESPONSE", k)
			}
			if !strings.Contains(err.Error(), "Acme") {
				t.Fatalf("message %q does not name the processor", err)
			}
		})
	}
}

func TestAccessors(t *testing.T) {
	v, err := Object(&pdk.Response{Status: 200, Body: []byte(`{"a":{"s":"x","n":12,"q":"34","f":1.5,"b":true},"l":[{"k":1},2,{"k":3}],"z":null}`)}, "Acme")
	if err != nil {
		t.Fatal(err)
	}
	if Str(v, "a", "s") != "x" || Str(v, "a", "n") != "" || Str(nil, "a") != "" || Str(v, "missing") != "" {
		t.Fatal("Str read the wrong values")
	}
	if n, ok, err := Int(v, "a", "n"); n != 12 || !ok || err != nil {
		t.Fatalf("Int(a.n) = %d %v %v", n, ok, err)
	}
	if n, ok, err := Int(v, "a", "q"); n != 34 || !ok || err != nil {
		t.Fatalf("Int(a.q) = %d %v %v", n, ok, err)
	}
	if _, ok, err := Int(v, "z"); ok || err != nil {
		t.Fatalf("Int(null) = %v %v, want absent", ok, err)
	}
	for _, k := range []string{"f", "b", "s"} {
		if _, _, err := Int(v, "a", k); err == nil || !strings.Contains(err.Error(), "a."+k) {
			t.Fatalf("Int(a.%s) error = %v, want one naming a.%s", k, err, k)
		}
	}
	if got := Objects(v, "l"); len(got) != 2 {
		t.Fatalf("Objects = %d, want 2", len(got))
	}
	if !Has(v, "a") || Has(v, "z") || Has(nil, "a") {
		t.Fatal("Has is wrong")
	}
	if Lenient([]byte("<html>")) != nil || Lenient([]byte(`{"errors":[]}`)) == nil {
		t.Fatal("Lenient is wrong")
	}
}
