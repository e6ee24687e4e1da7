// Package specfake is a fake processor for connector tests: an httptest
// server that validates every request it receives against the processor's
// published OpenAPI documents (kin-openapi), records it, and answers with
// bodies that are themselves validated against the documents' response
// schemas. A request outside the documents, or one that breaks them, fails
// the test that started the fake.
//
// The documents live outside the repository, in ../shared/oracles (see its
// README); [OraclesDir] skips the test when that folder is absent, so a fresh
// clone still passes.
//
// A typical test:
//
//	dir := specfake.OraclesDir(t)
//	doc := loadOnce(t, filepath.Join(dir, "square", "api.json")) // specfake.Load in a sync.Once
//	fake := specfake.New(t, specfake.Options{
//		Mounts:       []specfake.Mount{{Doc: doc}},
//		Authenticate: specfake.BearerAuth("sq0atp-test"),
//		Default:      defaultAnswer,
//	})
//	// point the host at fake.URL(), run flows, then inspect fake.Take()
package specfake

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

// OraclesDir returns the absolute path of ../shared/oracles (beside the
// repository root, the directory holding go.mod), or skips the test with a
// message naming what is missing.
func OraclesDir(t testing.TB) string {
	t.Helper()
	root, err := repoRoot()
	if err != nil {
		t.Fatalf("specfake: find repository root: %v", err)
	}
	dir := filepath.Join(root, "..", "shared", "oracles")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("SKIP (no oracles): %s not found, so this published-spec test does not run (see ../shared/oracles/README.md)", dir)
	}
	return dir
}

func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod above %s", dir)
		}
		dir = parent
	}
}

// LoadOptions says how to adapt a published document, in memory, to a strict
// validator. The file itself is never edited.
type LoadOptions struct {
	// CloseObjects gives every object schema with properties that does not
	// say otherwise `additionalProperties: false`, so an unknown field in a
	// request is a violation even where the publisher left objects open.
	CloseObjects bool
	// MergeAllOf folds `allOf` compositions of object schemas into one
	// object before CloseObjects closes it (see mergeAllOf); without it a
	// closed member would refuse the other members' properties.
	MergeAllOf bool
}

// Load reads an OpenAPI document (JSON) and fixes what a strict validator
// cannot take as published: the OpenAPI 3.0 keyword `nullable: true` becomes
// a type list with "null" (and null joins any enum), which is what it means.
// Loading a large document takes a while: load each once per test binary.
func Load(path string, opts LoadOptions) (*openapi3.T, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read OpenAPI document: %w", err)
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	rewriteNullable(doc)
	if opts.MergeAllOf {
		mergeAllOf(doc)
	}
	if opts.CloseObjects {
		closeObjects(doc)
	}
	fixed, err := json.Marshal(doc)
	if err != nil {
		return nil, fmt.Errorf("re-encode %s: %w", filepath.Base(path), err)
	}
	loader := openapi3.NewLoader()
	spec, err := loader.LoadFromData(fixed)
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", filepath.Base(path), err)
	}
	return spec, nil
}

// closeObjects sets additionalProperties: false on the component schemas
// that are objects with properties and say nothing about extra members.
func closeObjects(doc map[string]any) {
	components, _ := doc["components"].(map[string]any)
	schemas, _ := components["schemas"].(map[string]any)
	for _, s := range schemas {
		m, ok := s.(map[string]any)
		if !ok {
			continue
		}
		if _, has := m["additionalProperties"]; !has && m["type"] == "object" && m["properties"] != nil {
			m["additionalProperties"] = false
		}
	}
}

// rewriteNullable turns OpenAPI 3.0 `nullable: true` into a 3.1 type list.
func rewriteNullable(v any) {
	switch x := v.(type) {
	case map[string]any:
		if n, ok := x["nullable"].(bool); ok {
			delete(x, "nullable")
			if n {
				switch ty := x["type"].(type) {
				case string:
					x["type"] = []any{ty, "null"}
				case []any:
					if !containsValue(ty, "null") {
						x["type"] = append(ty, "null")
					}
				}
				if enum, ok := x["enum"].([]any); ok && !containsValue(enum, nil) {
					x["enum"] = append(enum, nil)
				}
			}
		}
		for _, c := range x {
			rewriteNullable(c)
		}
	case []any:
		for _, c := range x {
			rewriteNullable(c)
		}
	}
}

func containsValue(list []any, v any) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// Mount serves one document under the fake's URL followed by Prefix (for
// example "/v71"). The document's own servers are ignored.
type Mount struct {
	Prefix string
	Doc    *openapi3.T
}

// Exchange is one request the fake received and accepted.
type Exchange struct {
	Method, Path string
	Operation    string            // the document's operationId
	PathParams   map[string]string // the path template's parameters
	Header       http.Header
	Raw          []byte         // the request body as sent
	Body         map[string]any // Raw decoded, when it is a JSON object
}

// Answer produces the fake's reply to one accepted request: an HTTP status
// and a body marshalled to JSON (nil for none).
type Answer func(ex Exchange) (status int, body any)

// Options configure a fake.
type Options struct {
	// Mounts are the documents served, each under its prefix; a request is
	// matched against the mount with the longest matching prefix.
	Mounts []Mount
	// Authenticate checks a security requirement of an operation; nil
	// accepts any credentials that the document's schemes locate.
	Authenticate openapi3filter.AuthenticationFunc
	// Check runs processor rules the documents do not state (an
	// idempotency-key header on every POST, say) on an accepted request.
	Check func(ex Exchange) error
	// Default answers operations that have no answer set with
	// [Server.Answer]; nil answers 501.
	Default Answer
	// SkipResponseValidation turns off the check of the fake's own answers,
	// for documents whose response schemas are known to be wrong.
	SkipResponseValidation bool
}

// Server is a running fake processor.
type Server struct {
	t   testing.TB
	srv *httptest.Server
	val *Validator

	mu        sync.Mutex
	exchanges []Exchange
	answers   map[string]Answer
}

type mounted struct {
	prefix string
	router routers.Router
}

// New starts a fake on loopback. It stops when the test ends. Any request
// that breaks the documents fails t (and is answered 422); so does an answer
// of the fake's own that breaks a response schema.
func New(t testing.TB, opts Options) *Server {
	t.Helper()
	s := &Server{t: t, answers: map[string]Answer{}}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.srv.Close)
	s.val = NewValidator(t, s.srv.URL, opts)
	return s
}

// Validator checks requests against the mounted documents without a server,
// for tests that validate what a plugin builds offline.
type Validator struct {
	opts   Options
	mounts []mounted
}

// NewValidator routes each mount's document under base+Prefix (base is a
// scheme://host[:port] origin; requests checked must be addressed to it).
func NewValidator(t testing.TB, base string, opts Options) *Validator {
	t.Helper()
	v := &Validator{opts: opts}
	for _, m := range opts.Mounts {
		d := *m.Doc
		d.Servers = openapi3.Servers{{URL: base + m.Prefix}}
		r, err := gorillamux.NewRouter(&d)
		if err != nil {
			t.Fatalf("specfake: router for prefix %q: %v", m.Prefix, err)
		}
		v.mounts = append(v.mounts, mounted{prefix: m.Prefix, router: r})
	}
	sort.SliceStable(v.mounts, func(i, j int) bool { return len(v.mounts[i].prefix) > len(v.mounts[j].prefix) })
	return v
}

// URL is the fake's origin (scheme://host:port).
func (s *Server) URL() string { return s.srv.URL }

// Client is an HTTP client for the fake.
func (s *Server) Client() *http.Client { return s.srv.Client() }

// Take returns the exchanges since the last Take and forgets them.
func (s *Server) Take() []Exchange {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.exchanges
	s.exchanges = nil
	return out
}

// Answer makes the fake answer operation (an operationId) with a instead of
// the default; a nil a restores the default.
func (s *Server) Answer(operation string, a Answer) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if a == nil {
		delete(s.answers, operation)
		return
	}
	s.answers[operation] = a
}

func (v *Validator) options() *openapi3filter.Options {
	o := &openapi3filter.Options{MultiError: true, IncludeResponseStatus: true, AuthenticationFunc: v.opts.Authenticate}
	if o.AuthenticationFunc == nil {
		o.AuthenticationFunc = openapi3filter.NoopAuthenticationFunc
	}
	// Report the failing value's JSON pointer and the reason, not the whole schema.
	o.WithCustomSchemaErrorFunc(func(err *openapi3.SchemaError) string {
		return fmt.Sprintf("%s (at /%s)", err.Reason, strings.Join(err.JSONPointer(), "/"))
	})
	return o
}

// ValidateRequest checks one request (its body passed separately, as read)
// against the documents and the Check rule, and returns the accepted
// exchange and the validation input to check its answer with.
func (v *Validator) ValidateRequest(r *http.Request, body []byte) (Exchange, *openapi3filter.RequestValidationInput, error) {
	var (
		route  *routers.Route
		params map[string]string
		err    error
	)
	for _, m := range v.mounts {
		if !strings.HasPrefix(r.URL.Path, m.prefix) {
			continue
		}
		if route, params, err = m.router.FindRoute(r); err == nil {
			break
		}
	}
	if route == nil {
		return Exchange{}, nil, fmt.Errorf("%s %s is not an operation of the spec: %v", r.Method, r.URL.Path, err)
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	in := &openapi3filter.RequestValidationInput{Request: r, PathParams: params, Route: route, Options: v.options()}
	if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
		return Exchange{}, nil, fmt.Errorf("%s %s (%s): %w", r.Method, r.URL.Path, route.Operation.OperationID, err)
	}
	ex := Exchange{
		Method: r.Method, Path: r.URL.Path, Operation: route.Operation.OperationID,
		PathParams: params, Header: r.Header.Clone(), Raw: body,
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); len(body) > 0 && strings.HasSuffix(mt, "json") {
		_ = json.Unmarshal(body, &ex.Body) // the spec check above already proved it is JSON
	}
	if v.opts.Check != nil {
		if err := v.opts.Check(ex); err != nil {
			return Exchange{}, nil, fmt.Errorf("%s %s (%s): %w", r.Method, r.URL.Path, ex.Operation, err)
		}
	}
	return ex, in, nil
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		s.t.Errorf("specfake: read request body: %v", err)
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	ex, in, err := s.val.ValidateRequest(r, body)
	if err != nil {
		s.t.Errorf("request fails the processor's published spec: %v\nbody: %s", err, body)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnprocessableEntity)
		_, _ = w.Write([]byte(`{"error":"the request fails the published spec"}`))
		return
	}
	s.mu.Lock()
	s.exchanges = append(s.exchanges, ex)
	answer := s.answers[ex.Operation]
	s.mu.Unlock()
	if answer == nil {
		answer = s.val.opts.Default
	}
	status, out := http.StatusNotImplemented, any(nil)
	if answer != nil {
		status, out = answer(ex)
	}
	var raw []byte
	if out != nil {
		if raw, err = json.Marshal(out); err != nil {
			s.t.Errorf("specfake: marshal the %s answer: %v", ex.Operation, err)
		}
	}
	if !s.val.opts.SkipResponseValidation && status != http.StatusNotImplemented {
		if err := s.val.ValidateResponse(in, status, raw); err != nil {
			s.t.Errorf("the fake's %s answer fails the response schema: %v\n%s", ex.Operation, err, raw)
		}
	}
	if len(raw) > 0 {
		w.Header().Set("Content-Type", "application/json")
	}
	w.WriteHeader(status)
	_, _ = w.Write(raw)
}

// ValidateResponse checks an answer (a JSON body, or none) to a request
// accepted by ValidateRequest against the operation's response schema.
func (v *Validator) ValidateResponse(in *openapi3filter.RequestValidationInput, status int, body []byte) error {
	h := http.Header{}
	if len(body) > 0 {
		h.Set("Content-Type", "application/json")
	}
	return openapi3filter.ValidateResponse(context.Background(), &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in, Status: status, Header: h, Body: io.NopCloser(bytes.NewReader(body)), Options: in.Options,
	})
}

// HeaderAuth is an Authenticate func that accepts only the schemes named,
// each satisfied when its header carries exactly want (for an HTTP bearer
// scheme, "Bearer "+want is also accepted in Authorization).
func HeaderAuth(want string, schemes ...string) openapi3filter.AuthenticationFunc {
	return func(_ context.Context, in *openapi3filter.AuthenticationInput) error {
		if len(schemes) > 0 && !containsString(schemes, in.SecuritySchemeName) {
			return fmt.Errorf("security scheme %q is not one this connector uses", in.SecuritySchemeName)
		}
		h := in.RequestValidationInput.Request.Header
		scheme := in.SecurityScheme
		switch {
		case scheme != nil && scheme.Type == "http" && strings.EqualFold(scheme.Scheme, "bearer"):
			if h.Get("Authorization") != "Bearer "+want {
				return fmt.Errorf("Authorization: Bearer credential missing or wrong")
			}
		case scheme != nil && scheme.Type == "apiKey" && scheme.In == "header":
			if h.Get(scheme.Name) != want {
				return fmt.Errorf("%s header missing or wrong", scheme.Name)
			}
		default:
			return fmt.Errorf("security scheme %q is not checked by specfake.HeaderAuth", in.SecuritySchemeName)
		}
		return nil
	}
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
