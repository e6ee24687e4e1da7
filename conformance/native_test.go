package conformance_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/connectorhost/connector-host/conformance"
	"github.com/connectorhost/connector-host/conformance/testdata/testconn"
	"github.com/connectorhost/connector-host/pdk"
)

// runNative runs the suite in-process on TestPay with defects d.
func runNative(t *testing.T, d testconn.Defects, fixturesDir string) *conformance.Report {
	t.Helper()
	r, err := conformance.RunConnector(context.Background(), func() *pdk.Connector { return testconn.New("testpay", d) },
		conformance.Options{FixturesDir: fixturesDir})
	if err != nil {
		t.Fatalf("RunConnector: %v", err)
	}
	return r
}

func TestNativeGoodConnectorPasses(t *testing.T) {
	r := runNative(t, testconn.Defects{}, testFixtures)
	requireFailedExactly(t, r)
	if c := r.Check("plugin.load"); len(c) != 1 || !c[0].Skipped {
		t.Fatalf("a native run must skip plugin.load: %+v", c)
	}
}

// TestNativeDefectsFailTheirCheck proves every check catches a connector
// that breaks it (the checks the WebAssembly broken plugins do not cover
// run natively here; the suite is the same code).
func TestNativeDefectsFailTheirCheck(t *testing.T) {
	for _, tc := range []struct {
		name    string
		defects testconn.Defects
		check   string
		message []string
		// also are other checks the same bug fails, with TestPay's fixtures.
		also []string
	}{
		{"no idempotency key", testconn.Defects{NoIdempotency: true}, "request.idempotency",
			[]string{"no Idempotency-Key header", "pdk.Request.IdempotencyKey"},
			[]string{"request.expected"}}, // the fixtures' expect_request.idempotency_key
		{"secret in body", testconn.Defects{SecretInBody: true}, "request.secrets",
			[]string{"credential api_key appears in the body"}, nil},
		{"amount with a fixed exponent", testconn.Defects{FixedTwoDecimals: true}, "money.roundtrip",
			[]string{"123450 JPY", "it sent 1234.50, which reads as 2 decimals but JPY has 0", "money"},
			[]string{"request.expected"}}, // the JPY fixture's body_contains
		{"capture without an amount trusts the answer", testconn.Defects{CaptureOmitsAmount: true}, "money.roundtrip",
			[]string{"the request carries no amount", "for a request of 123450 JPY", "parsed as captured_amount 2550 EUR instead of an error"},
			[]string{"request.expected"}}, // the capture fixture's body_contains
		{"unknown status reads as success", testconn.Defects{UnknownIsSuccess: true}, "robustness.unknown_status",
			[]string{`"brand_new_status_x"`, "parsed into a success (status PAYMENT_STATUS_CHARGED)", "pdk/statusmap"}, nil},
		{"server error body read as success", testconn.Defects{SuccessOnServerError: true}, "robustness.http_errors",
			[]string{"HTTP 500 with the fixture's success body: parsed into a success", "Check the HTTP status"}, nil},
		{"stale webhook accepted", testconn.Defects{AcceptStale: true}, "webhook.stale",
			[]string{"received 600s after it was signed (tolerance 300s): accepted", "REJECTION_REASON_STALE_TIMESTAMP"}, nil},
		{"wrong event kind", testconn.Defects{WrongEventKind: true}, "webhook.sample",
			[]string{"webhook_payment_succeeded.json", "kind: want EVENT_KIND_PAYMENT, got EVENT_KIND_OTHER"}, nil},
		{"declared payment method refused", testconn.Defects{UnsupportedGooglePay: true}, "manifest.payment_methods",
			[]string{"the payment method is declared but AUTHORIZE build with GOOGLE_PAY returned ERROR_KIND_UNSUPPORTED"}, nil},
		{"secret credential not marked", testconn.Defects{UnmarkedSecret: true}, "manifest.credentials",
			[]string{`credential field "signing_key" looks like a secret`, "secret: true"}, nil},
		{"manifest without version", testconn.Defects{NoVersion: true}, "manifest.valid",
			[]string{"manifest.version is empty"}, nil},
		{"sandbox URL outside egress", testconn.Defects{SandboxOutsideEgress: true}, "manifest.egress",
			[]string{"manifest.sandbox_base_url", "not in egress_hosts"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := runNative(t, tc.defects, testFixtures)
			requireFailedExactly(t, r, append([]string{tc.check}, tc.also...)...)
			c := failure(t, r, tc.check)
			requireContains(t, c.Message+"\n"+strings.Join(c.Details, "\n"), tc.message...)
		})
	}
}

// TestNativeTrapsFoundByFuzzing: a crash no fixed case triggers is found by
// the bounded fuzzing of parse_response and verify_webhook.
func TestNativeTrapsFoundByFuzzing(t *testing.T) {
	r := runNative(t, testconn.Defects{TrapOnControlBytes: true}, testFixtures)
	requireFailedExactly(t, r, "fuzz.parse_response", "fuzz.verify_webhook")
	requireContains(t, failure(t, r, "fuzz.parse_response").Message, "panicked: unexpected control byte in answer", "Reproduce with the input")
	requireContains(t, failure(t, r, "fuzz.verify_webhook").Message, "panicked: unexpected control byte in webhook")

	off, err := conformance.RunConnector(context.Background(), func() *pdk.Connector { return testconn.New("testpay", testconn.Defects{TrapOnControlBytes: true}) },
		conformance.Options{FixturesDir: testFixtures, FuzzIterations: -1})
	if err != nil {
		t.Fatal(err)
	}
	requireFailedExactly(t, off)
}

// TestNativeUnhandledFlow: a declared flow whose handler is missing fails
// manifest.flows (its fixture expects the refusal, so nothing else fails).
func TestNativeUnhandledFlow(t *testing.T) {
	dir := copyFixtures(t, map[string]string{"reverse_unsupported.json": `{
		"name": "reverse_unsupported", "flow": "FLOW_REVERSE", "credentials": {"api_key": "sk_test_conformance_secret_123"},
		"request": {"connectorTransactionId": "pay_1001", "merchantReversalId": "rev_1"},
		"expect_build_error_kind": "ERROR_KIND_UNSUPPORTED"}`})
	r := runNative(t, testconn.Defects{UnhandledReverse: true}, dir)
	requireFailedExactly(t, r, "manifest.flows")
	c := failure(t, r, "manifest.flows")
	if c.Flow != "FLOW_REVERSE" {
		t.Fatalf("failed flow = %s", c.Flow)
	}
	requireContains(t, c.Message, "the flow is declared but build returned ERROR_KIND_UNSUPPORTED", "remove the flow from manifest.flows")
}

// copyFixtures copies TestPay's fixtures to a temporary directory and adds
// (or, with an empty content, removes) files.
func copyFixtures(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	src, err := filepath.Glob(filepath.Join(testFixtures, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range src {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(p)), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for name, content := range files {
		p := filepath.Join(dir, name)
		if content == "" {
			if err := os.Remove(p); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestFixtureProblems: broken or missing fixtures fail the fixture checks,
// and wrong expectations fail request.expected.
func TestFixtureProblems(t *testing.T) {
	t.Run("malformed file", func(t *testing.T) {
		dir := copyFixtures(t, map[string]string{
			"bad_json.json":    `{"name": "bad", `,
			"unknown_key.json": `{"name": "typo", "flow": "FLOW_GET", "requets": {}}`,
			"bad_flow.json":    `{"name": "x", "flow": "FLOW_NOPE", "response": {"status": 200}, "expect_error_kind": "ERROR_KIND_NOT_FOUND"}`,
			"bad_expect.json": `{"name": "x", "flow": "FLOW_GET", "request": {"connectorTransactionId": "p"}, "response": {"status": 200},
				"expect_response": {"stauts": "PAYMENT_STATUS_CHARGED"}}`,
			"undeclared_flow.json": `{"name": "x", "flow": "FLOW_TOKENIZE", "request": {}, "response": {"status": 200, "body": {}},
				"expect_error_kind": "ERROR_KIND_INVALID_RESPONSE"}`,
		})
		r := runNative(t, testconn.Defects{}, dir)
		requireFailedExactly(t, r, "fixtures.valid")
		c := failure(t, r, "fixtures.valid")
		requireContains(t, strings.Join(c.Details, "\n"),
			"bad_json.json: not a fixture", `unknown field "requets"`, `flow "FLOW_NOPE" is not a connectorhost.v1.Flow name`,
			"expect_response is not a valid PaymentService.Get", "is for FLOW_TOKENIZE, which manifest.flows does not declare")
	})
	t.Run("missing flow fixture", func(t *testing.T) {
		dir := copyFixtures(t, map[string]string{"refund_succeeded.json": ""})
		r := runNative(t, testconn.Defects{}, dir)
		requireFailedExactly(t, r, "fixtures.coverage")
		c := failure(t, r, "fixtures.coverage")
		if c.Flow != "FLOW_REFUND" {
			t.Fatalf("coverage failed for %s", c.Flow)
		}
		requireContains(t, c.Message, "no fixture for FLOW_REFUND", filepath.Join(dir, "refund_*.json"), `"flow": "FLOW_REFUND"`)
	})
	t.Run("no fixtures at all", func(t *testing.T) {
		r := runNative(t, testconn.Defects{}, t.TempDir())
		requireFailedExactly(t, r, "fixtures.coverage")
		if n := len(r.Failed()); n != 6 {
			t.Fatalf("want 5 flows and webhooks without fixtures, got %d failures\n%s", n, reportText(r))
		}
	})
	t.Run("wrong expectation", func(t *testing.T) {
		dir := copyFixtures(t, map[string]string{"get_wrong_path.json": `{"name": "get_wrong_path", "flow": "FLOW_GET",
			"credentials": {"api_key": "sk_test_conformance_secret_123"}, "request": {"connectorTransactionId": "pay_1001"},
			"expect_request": {"method": "POST", "path": "/v1/charges/pay_1001", "headers": {"TestPay-Version": "2025-01"}},
			"response": {"status": 404, "body": {}}, "expect_error_kind": "ERROR_KIND_NOT_FOUND"}`})
		r := runNative(t, testconn.Defects{}, dir)
		requireFailedExactly(t, r, "request.expected")
		c := failure(t, r, "request.expected")
		requireContains(t, strings.Join(c.Details, "\n"), "method: want POST, got GET", "path: want /v1/charges/pay_1001, got /v1/payments/pay_1001",
			`header TestPay-Version: want "2025-01", got "2026-01"`)
	})
	t.Run("webhook fixture the plugin must refuse", func(t *testing.T) {
		dir := copyFixtures(t, map[string]string{"webhook_signed_with_another_secret.json": strings.Replace(
			mustRead(t, filepath.Join(testFixtures, "webhook_signed_with_another_secret.json")), "SIGNATURE_MISMATCH", "STALE_TIMESTAMP", 1)})
		r := runNative(t, testconn.Defects{}, dir)
		requireFailedExactly(t, r, "webhook.sample")
		requireContains(t, failure(t, r, "webhook.sample").Message, "must be rejected with REJECTION_REASON_STALE_TIMESTAMP, got REJECTION_REASON_SIGNATURE_MISMATCH")
	})
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
