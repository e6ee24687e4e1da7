package conformance_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/connectorhost/connector-host/conformance"
)

func sampleReport() *conformance.Report {
	return &conformance.Report{Plugin: "acme", Version: "1.2.3", SHA256: strings.Repeat("ab", 32), AbiVersion: 1, Checks: []conformance.CheckResult{
		{ID: "manifest.valid", Category: conformance.CategoryManifest, Passed: true, Message: "the manifest is valid"},
		{ID: "request.secrets", Category: conformance.CategoryRequest, Flow: "FLOW_AUTHORIZE", Message: "credential api_key appears in the URL. Send credentials only in secret headers.",
			Details: []string{"fixture a.json: credential api_key appears in the URL"}},
		{ID: "manifest.payment_methods", Category: conformance.CategoryManifest, Flow: "FLOW_AUTHORIZE", PaymentMethod: "PAYMENT_METHOD_TYPE_IDEAL", Passed: true, Message: "handled"},
		{ID: "webhook.stale", Category: conformance.CategoryWebhooks, Webhooks: true, Passed: true, Skipped: true, Message: "not timestamped"},
	}}
}

// TestReportJSONFieldNames pins the JSON field names: tools parse them.
func TestReportJSONFieldNames(t *testing.T) {
	var b bytes.Buffer
	if err := sampleReport().WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(b.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"plugin", "version", "sha256", "abi_version", "checks", "passed"} {
		if _, ok := got[k]; !ok {
			t.Errorf("report JSON lacks %q: %s", k, b.String())
		}
	}
	if got["passed"] != false {
		t.Errorf("passed = %v for a report with a failure", got["passed"])
	}
	checks := got["checks"].([]any)
	failed := checks[1].(map[string]any)
	for k, want := range map[string]any{"id": "request.secrets", "category": "request", "flow": "FLOW_AUTHORIZE", "passed": false} {
		if failed[k] != want {
			t.Errorf("checks[1].%s = %v, want %v", k, failed[k], want)
		}
	}
	if _, ok := failed["details"]; !ok {
		t.Error("checks[1] lacks details")
	}
	pm := checks[2].(map[string]any)
	if pm["payment_method"] != "PAYMENT_METHOD_TYPE_IDEAL" {
		t.Errorf("payment_method = %v", pm["payment_method"])
	}
	if s := checks[3].(map[string]any); s["skipped"] != true || s["webhooks"] != true {
		t.Errorf("skipped webhook check = %v", s)
	}
}

func TestReportText(t *testing.T) {
	r := sampleReport()
	var b bytes.Buffer
	if err := r.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	requireContains(t, out, "Conformance report for acme 1.2.3 (sha256 abababababa…)", "CHECK", "SUBJECT", "RESULT", "WHY",
		"request.secrets", "AUTHORIZE", "FAIL", "IDEAL", "webhooks", "skip",
		"Failures (1):", "- request.secrets [AUTHORIZE]", "    * fixture a.json: credential api_key appears in the URL",
		"acme 1.2.3: FAILED (4 checks, 1 failed, 1 skipped)")
	if r.Passed() {
		t.Fatal("Passed with a failed check")
	}
	if got := r.FailedIDs(); len(got) != 1 || got[0] != "request.secrets" {
		t.Fatalf("FailedIDs = %v", got)
	}
	r.Checks[1].Passed = true
	if !r.Passed() {
		t.Fatal("not Passed with every check passing")
	}
	if (&conformance.Report{}).Passed() {
		t.Fatal("a report without checks passed")
	}
}
