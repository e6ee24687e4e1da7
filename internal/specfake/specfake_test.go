package specfake

import (
	"bytes"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// A small document in the shape processors publish: one POST with a closed
// body schema, a nullable field and an API-key header scheme.
const testDoc = `{
  "openapi": "3.0.1",
  "info": {"title": "t", "version": "1"},
  "components": {
    "securitySchemes": {"key": {"type": "apiKey", "in": "header", "name": "X-Key"}},
    "schemas": {
      "Charge": {"type": "object", "required": ["amount"], "properties": {
        "amount": {"type": "integer"}, "note": {"type": "string", "nullable": true}}},
      "Answer": {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}}
    }
  },
  "security": [{"key": []}],
  "paths": {"/charges": {"post": {"operationId": "createCharge",
    "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Charge"}}}},
    "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Answer"}}}}}}}}
}`

func loadTestDoc(t *testing.T, opts LoadOptions) Options {
	t.Helper()
	path := filepath.Join(t.TempDir(), "doc.json")
	if err := os.WriteFile(path, []byte(testDoc), 0o600); err != nil {
		t.Fatal(err)
	}
	doc, err := Load(path, opts)
	if err != nil {
		t.Fatal(err)
	}
	return Options{Mounts: []Mount{{Prefix: "/v1", Doc: doc}}, Authenticate: HeaderAuth("k1", "key")}
}

func TestValidatorRefusesWhatBreaksTheDocument(t *testing.T) {
	v := NewValidator(t, "http://fake.test", loadTestDoc(t, LoadOptions{CloseObjects: true}))
	cases := []struct{ name, path, key, body, want string }{
		{"valid", "/v1/charges", "k1", `{"amount":5}`, ""},
		{"null allowed by nullable", "/v1/charges", "k1", `{"amount":5,"note":null}`, ""},
		{"unknown field (closed objects)", "/v1/charges", "k1", `{"amount":5,"colour":"red"}`, "colour"},
		{"missing required", "/v1/charges", "k1", `{}`, "amount"},
		{"wrong type", "/v1/charges", "k1", `{"amount":"5"}`, "amount"},
		{"wrong key", "/v1/charges", "nope", `{"amount":5}`, "X-Key"},
		{"unknown path", "/v1/refunds", "k1", `{"amount":5}`, "not an operation"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r, _ := http.NewRequest(http.MethodPost, "http://fake.test"+tc.path, bytes.NewReader([]byte(tc.body)))
			r.Header.Set("Content-Type", "application/json")
			r.Header.Set("X-Key", tc.key)
			ex, _, err := v.ValidateRequest(r, []byte(tc.body))
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("valid request refused: %v", err)
			case tc.want != "" && err == nil:
				t.Fatal("invalid request accepted")
			case tc.want != "" && !strings.Contains(err.Error(), tc.want):
				t.Fatalf("message %q does not mention %q", err, tc.want)
			case tc.want == "" && (ex.Operation != "createCharge" || ex.Body["amount"] != float64(5)):
				t.Fatalf("exchange = %+v", ex)
			}
		})
	}
}

func TestLoadKeepsObjectsOpenUnlessAsked(t *testing.T) {
	v := NewValidator(t, "http://fake.test", loadTestDoc(t, LoadOptions{}))
	body := `{"amount":5,"colour":"red"}`
	r, _ := http.NewRequest(http.MethodPost, "http://fake.test/v1/charges", bytes.NewReader([]byte(body)))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("X-Key", "k1")
	if _, _, err := v.ValidateRequest(r, []byte(body)); err != nil {
		t.Fatalf("open object refused an extra member: %v", err)
	}
}

// recorder stands in for the test a fake reports to.
type recorder struct {
	testing.TB
	mu   sync.Mutex
	errs []string
}

func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

func (r *recorder) errors() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.errs...)
}

func TestServerRecordsAnswersAndReportsViolations(t *testing.T) {
	rec := &recorder{TB: t}
	opts := loadTestDoc(t, LoadOptions{CloseObjects: true})
	opts.Check = func(ex Exchange) error {
		if ex.Header.Get("Idempotency-Key") == "" {
			return fmt.Errorf("POST without Idempotency-Key")
		}
		return nil
	}
	opts.Default = func(ex Exchange) (int, any) { return http.StatusOK, map[string]any{"id": "ch_1"} }
	s := New(rec, opts)
	post := func(body, key string) *http.Response {
		r, _ := http.NewRequest(http.MethodPost, s.URL()+"/v1/charges", bytes.NewReader([]byte(body)))
		r.Header.Set("Content-Type", "application/json")
		r.Header.Set("X-Key", "k1")
		if key != "" {
			r.Header.Set("Idempotency-Key", key)
		}
		resp, err := s.Client().Do(r)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	if resp := post(`{"amount":5}`, "i1"); resp.StatusCode != http.StatusOK {
		t.Fatalf("valid request answered %d", resp.StatusCode)
	}
	if ex := s.Take(); len(ex) != 1 || ex[0].Header.Get("Idempotency-Key") != "i1" {
		t.Fatalf("exchanges = %+v", ex)
	}
	if len(rec.errors()) != 0 {
		t.Fatalf("violations reported for a valid request: %v", rec.errors())
	}
	if resp := post(`{"amount":5}`, ""); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("request breaking the Check rule answered %d", resp.StatusCode)
	}
	// An answer of the fake's own that breaks the response schema is reported too.
	s.Answer("createCharge", func(Exchange) (int, any) { return http.StatusOK, map[string]any{"identifier": 1} })
	post(`{"amount":5}`, "i2")
	errs := rec.errors()
	if len(errs) != 2 || !strings.Contains(errs[0], "Idempotency-Key") || !strings.Contains(errs[1], "response schema") {
		t.Fatalf("reported = %q", errs)
	}
}
