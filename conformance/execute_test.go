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

// executeTestPay runs TestPay's fixtures in dir through the executor.
func executeTestPay(t *testing.T, d testconn.Defects, dir string) map[string][]string {
	t.Helper()
	out, err := conformance.ExecuteFixtures(context.Background(), func() *pdk.Connector { return testconn.New("testpay", d) }, dir)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	for _, o := range out {
		if len(o.Problems) > 0 {
			got[o.Name] = o.Problems
		}
	}
	return got
}

// editedFixtures copies TestPay's fixtures into a temporary directory with
// file's text edited by the replacements (old, new pairs).
func editedFixtures(t *testing.T, file string, replacements ...string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(testFixtures, file))
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for i := 0; i+1 < len(replacements); i += 2 {
		if !strings.Contains(s, replacements[i]) {
			t.Fatalf("%s has no %q", file, replacements[i])
		}
		s = strings.ReplaceAll(s, replacements[i], replacements[i+1])
	}
	return copyFixtures(t, map[string]string{file: s})
}

func TestExecuteFixturesPassesAGoodConnector(t *testing.T) {
	if got := executeTestPay(t, testconn.Defects{}, testFixtures); len(got) > 0 {
		t.Fatalf("problems with a good connector: %v", got)
	}
}

// The fixtures run through the production executor: what it checks and
// fills applies, which a transform-only run cannot show.
func TestExecuteFixturesRunsTheExecutorPath(t *testing.T) {
	t.Run("an answer above the request is an integrity error", func(t *testing.T) {
		dir := editedFixtures(t, "capture_succeeded.json",
			`"amount_captured": {
        "value": "25.50"`, `"amount_captured": {
        "value": "30.00"`,
			`"capturedAmount": {
      "minorAmount": "2550"`, `"capturedAmount": {
      "minorAmount": "3000"`)
		got := executeTestPay(t, testconn.Defects{}, dir)
		requireOnly(t, got, "capture_succeeded.json", "does not match the request", "captured_amount is 3000, more than the 2550 requested")
	})
	t.Run("the host fills the HTTP status and the request's ids", func(t *testing.T) {
		dir := editedFixtures(t, "capture_succeeded.json",
			`"status": "PAYMENT_STATUS_CHARGED",`, `"status": "PAYMENT_STATUS_CHARGED", "connectorHttpStatus": 200, "merchantCaptureId": "capture_1002",`)
		if got := executeTestPay(t, testconn.Defects{}, dir); len(got) > 0 {
			t.Fatalf("the host-filled fields were not filled: %v", got)
		}
	})
	t.Run("a wrong expectation fails", func(t *testing.T) {
		dir := editedFixtures(t, "capture_succeeded.json", `"connectorTransactionId": "pay_1002",
    "status"`, `"connectorTransactionId": "pay_9999",
    "status"`)
		requireOnly(t, executeTestPay(t, testconn.Defects{}, dir), "capture_succeeded.json", "pay_9999")
	})
}

func TestExecuteFixturesCatchesDefects(t *testing.T) {
	for _, tc := range []struct {
		name    string
		defects testconn.Defects
		fixture string
		message []string
	}{
		{"no idempotency key", testconn.Defects{NoIdempotency: true}, "authorize_card_automatic_succeeded.json", []string{"idempotency key"}},
		{"stale webhook accepted", testconn.Defects{AcceptStale: true}, "webhook_payment_succeeded.json", []string{"after it was signed", "accepted"}},
		{"tampered webhook accepted", testconn.Defects{AcceptTampered: true}, "webhook_payment_succeeded.json", []string{"accepted"}},
		{"request to an undeclared host", testconn.Defects{UndeclaredHost: true}, "refund_succeeded.json", []string{"no request reached the processor", "egress_hosts; refused"}},
		{"wrong status mapping", testconn.Defects{WrongStatus: true}, "authorize_card_manual_requires_capture.json", []string{"PAYMENT_STATUS_AUTHORIZED"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := executeTestPay(t, tc.defects, testFixtures)
			if len(got[tc.fixture]) == 0 {
				t.Fatalf("%s passed; problems elsewhere: %v", tc.fixture, got)
			}
			requireContains(t, strings.Join(got[tc.fixture], "\n"), tc.message...)
		})
	}
}

// requireOnly asserts that only fixture has problems, mentioning message.
func requireOnly(t *testing.T, got map[string][]string, fixture string, message ...string) {
	t.Helper()
	if len(got) != 1 || len(got[fixture]) == 0 {
		t.Fatalf("want problems with %s only, got %v", fixture, got)
	}
	requireContains(t, strings.Join(got[fixture], "\n"), message...)
}
