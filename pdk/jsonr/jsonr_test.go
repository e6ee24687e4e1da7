package jsonr

import (
	"errors"
	"strings"
	"testing"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	"github.com/connectorhost/connector-host/pdk"
)

func kindOf(t *testing.T, err error) pluginv1.ErrorKind {
	t.Helper()
	var e *pdk.Error
	if !errors.As(err, &e) {
		t.Fatalf("want a *pdk.Error, got %v", err)
	}
	return e.Kind
}

func TestObjectRefusesWhatIsNotAnObject(t *testing.T) {
	for name, res := range map[string]*pdk.Response{
		"empty":     {Status: 200, Body: nil},
		"html":      {Status: 200, Body: []byte("<html>oops</html>")},
		"array":     {Status: 200, Body: []byte(`[1,2]`)},
		"truncated": {Status: 200, Body: []byte(`{"id":"pay_1"`)},
		"cut":       {Status: 200, Body: []byte(`{"id":"pay_1"}`), Truncated: true},
		"deep":      {Status: 200, Body: []byte(`{"a":` + strings.Repeat("[", 100000))},
		"too large": {Status: 200, Body: []byte(`{"a":"` + strings.Repeat("x", MaxObjectBytes) + `"}`)},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Object(res, "Acme")
			if err == nil {
				t.Fatal("want an error")
			}
			if k := kindOf(t, err); k != pluginv1.ErrorKind_ERROR_KIND_INVALID_RESPONSE {
				t.Fatalf("kind = %v", k)
			}
			if !strings.Contains(err.Error(), "Acme") {
				t.Errorf("message %q does not name the processor", err)
			}
		})
	}
}

func TestAccessors(t *testing.T) {
	v, err := Object(&pdk.Response{Status: 200, Body: []byte(`{"s":"x","n":1200,"f":1.5,"q":"12","b":true,"a":["p",1,"q"],"o":{"s":"y"},"z":null}`)}, "Acme")
	if err != nil {
		t.Fatal(err)
	}
	if Str(v, "s") != "x" || Str(v, "o", "s") != "y" || Str(v, "n") != "" || Str(v, "missing", "x") != "" || Str(nil, "s") != "" {
		t.Error("Str")
	}
	if n, ok, err := Int(v, "n"); n != 1200 || !ok || err != nil {
		t.Errorf("Int(n) = %d %v %v", n, ok, err)
	}
	if _, ok, err := Int(v, "z"); ok || err != nil {
		t.Errorf("Int(null) = %v %v", ok, err)
	}
	if _, ok, err := Int(v, "absent"); ok || err != nil {
		t.Errorf("Int(absent) = %v %v", ok, err)
	}
	for _, k := range []string{"f", "q", "o"} {
		if _, _, err := Int(v, k); err == nil || !strings.Contains(err.Error(), k) {
			t.Errorf("Int(%s) err = %v, want one naming the member", k, err)
		}
	}
	if b, ok := Bool(v, "b"); !b || !ok {
		t.Error("Bool(b)")
	}
	if _, ok := Bool(v, "s"); ok {
		t.Error("Bool(s) must not be ok")
	}
	if got := strings.Join(Strings(v, "a"), ","); got != "p,q" {
		t.Errorf("Strings = %q", got)
	}
	if Array(v, "s") != nil {
		t.Error("Array of a string must be nil")
	}
	if TryObject([]byte("<html>")) != nil || TryObject([]byte(`{"a":1}`)) == nil {
		t.Error("TryObject")
	}
	l, _ := Object(&pdk.Response{Status: 200, Body: []byte(`{"l":[{"k":1},2,{"k":3}],"z":null,"o":{}}`)}, "Acme")
	if got := Objects(l, "l"); len(got) != 2 || Objects(l, "z") != nil || Objects(nil, "l") != nil {
		t.Errorf("Objects = %v", got)
	}
	if !Has(l, "o") || Has(l, "z") || Has(l, "missing") || Has(nil, "o") {
		t.Error("Has")
	}
}

func TestArrayOf(t *testing.T) {
	a, err := ArrayOf(&pdk.Response{Status: 200, Body: []byte(` [{"id":"a"},{"id":"b"}]`)}, "Acme", 1024)
	if err != nil || len(a) != 2 || Str(a[1], "id") != "b" {
		t.Fatalf("ArrayOf = %v, %v", a, err)
	}
	for _, body := range []string{"", `{"id":"a"}`, `[{"id":`, "<html>", "[" + strings.Repeat("0,", 600) + "0]"} {
		if _, err := ArrayOf(&pdk.Response{Status: 200, Body: []byte(body)}, "Acme", 1024); err == nil {
			t.Errorf("ArrayOf(%q) must fail", body)
		} else if k := kindOf(t, err); k != pluginv1.ErrorKind_ERROR_KIND_INVALID_RESPONSE {
			t.Errorf("ArrayOf(%q) kind = %v", body, k)
		}
	}
}

func TestObjectSizeBound(t *testing.T) {
	// An object just within the bound parses; one byte more is refused
	// before parsing, by Object and its callers, and TryObject gives nil.
	pad := MaxObjectBytes - len(`{"a":""}`)
	fits := []byte(`{"a":"` + strings.Repeat("x", pad) + `"}`)
	if v, err := Object(&pdk.Response{Status: 200, Body: fits}, "Acme"); err != nil || len(Str(v, "a")) != pad {
		t.Fatalf("Object of exactly MaxObjectBytes: %v", err)
	}
	if TryObject(fits) == nil {
		t.Fatal("TryObject of exactly MaxObjectBytes gave nil")
	}
	over := []byte(`{"a":"` + strings.Repeat("x", pad+1) + `"}`)
	_, err := Member(&pdk.Response{Status: 200, Body: over}, "Acme", "a")
	if err == nil || !strings.Contains(err.Error(), "more than the 1048576 expected") {
		t.Fatalf("Member of MaxObjectBytes+1: %v", err)
	}
	if TryObject(over) != nil {
		t.Fatal("TryObject of MaxObjectBytes+1 parsed it")
	}
}
