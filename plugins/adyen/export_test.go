//go:build !wasip1

package adyen

// Exports for the external tests of package adyen_test (host_e2e_test.go):
// the spec-validating fake Adyen of spec_harness_test.go, the test
// credentials and Adyen's notification signing.

import "testing"

// Test credentials the fake Adyen accepts.
const (
	TestAPIKey   = testAPIKey
	TestMerchant = testMerchant
	TestHMACKey  = testHMACHex
)

// SpecFake is the fake Adyen on loopback that validates every request
// against Checkout v71 (under URL()+"/v71") or Disputes v30 (under
// URL()+DisputesPath) and fails the test it was started by on any
// violation, its own answers included.
type SpecFake struct{ f *fakeAdyen }

// Exchange is one request the fake received and accepted.
type Exchange struct {
	Method, Path   string
	Operation      string // the spec's operationId
	IdempotencyKey string
	Body           map[string]any
}

// NewSpecFake loads Adyen's OpenAPI documents and starts the fake; it skips
// the test when ../shared/oracles is absent. The server stops when t ends.
func NewSpecFake(t *testing.T) *SpecFake {
	t.Helper()
	return &SpecFake{f: newFakeAdyen(t, loadSpecs(t))}
}

// URL is the fake's origin (scheme://host:port).
func (s *SpecFake) URL() string { return s.f.URL() }

// Take returns the exchanges since the last Take and forgets them.
func (s *SpecFake) Take() []Exchange {
	var out []Exchange
	for _, ex := range s.f.take() {
		out = append(out, Exchange{Method: ex.method, Path: ex.path, Operation: ex.operation, IdempotencyKey: ex.idempotencyKey, Body: ex.body})
	}
	return out
}

// Answer makes the fake answer operation (an operationId) with fn, given
// the decoded request body, instead of its documented default; a nil fn
// restores the default. The answer is validated against the response schema.
func (s *SpecFake) Answer(operation string, fn func(body map[string]any) (status int, answer any)) {
	if fn == nil {
		s.f.answer(operation, nil)
		return
	}
	s.f.answer(operation, func(ex exchange, _ map[string]string) (int, any) { return fn(ex.body) })
}

// SignNotification signs each NotificationRequestItem with hexKey as Adyen
// does (independently of the plugin's code) and returns the
// NotificationRequest body holding them.
func SignNotification(t *testing.T, hexKey string, items ...map[string]any) []byte {
	t.Helper()
	signed := make([]item, len(items))
	for i, it := range items {
		signed[i] = signItem(t, item(it), hexKey)
	}
	return notificationBody(t, signed...)
}
