package specfake

import (
	"bytes"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMergeAllOfThenClose shows why MergeAllOf exists: closing the members
// of an allOf refuses a valid object; merged first, the object accepts the
// members' properties and still refuses unknown ones.
func TestMergeAllOfThenClose(t *testing.T) {
	doc := `{"openapi":"3.0.3","info":{"title":"t","version":"1"},"paths":{"/o":{"post":{"operationId":"o",
"requestBody":{"content":{"application/json":{"schema":{"$ref":"#/components/schemas/order"}}}},"responses":{"200":{"description":"ok"}}}}},
"components":{"schemas":{
 "base":{"type":"object","properties":{"id":{"type":"string"}},"required":["id"]},
 "order":{"type":"object","allOf":[{"$ref":"#/components/schemas/base"},{"type":"object","properties":{"note":{"type":"string"}}}]}}}}`
	path := filepath.Join(t.TempDir(), "doc.json")
	if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	check := func(opts LoadOptions, body string) error {
		d, err := Load(path, opts)
		if err != nil {
			t.Fatal(err)
		}
		v := NewValidator(t, "http://x.test", Options{Mounts: []Mount{{Doc: d}}})
		r := newJSONRequest(t, "http://x.test/o", body)
		_, _, err = v.ValidateRequest(r, []byte(body))
		return err
	}
	if err := check(LoadOptions{CloseObjects: true, MergeAllOf: true}, `{"id":"1","note":"n"}`); err != nil {
		t.Errorf("merged and closed: valid body refused: %v", err)
	}
	if err := check(LoadOptions{CloseObjects: true, MergeAllOf: true}, `{"id":"1","colour":"red"}`); err == nil || !strings.Contains(err.Error(), "colour") {
		t.Errorf("merged and closed: unknown member not refused (err %v)", err)
	}
	if err := check(LoadOptions{CloseObjects: true, MergeAllOf: true}, `{"note":"n"}`); err == nil || !strings.Contains(err.Error(), "id") {
		t.Errorf("merged: a member's required property not required (err %v)", err)
	}
}

func newJSONRequest(t *testing.T, url, body string) *http.Request {
	t.Helper()
	r, err := http.NewRequest(http.MethodPost, url, bytes.NewReader([]byte(body)))
	if err != nil {
		t.Fatal(err)
	}
	r.Header.Set("Content-Type", "application/json")
	return r
}
