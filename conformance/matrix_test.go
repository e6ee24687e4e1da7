package conformance_test

import (
	"github.com/connectorhost/connector-host/abi"

	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/connectorhost/connector-host/conformance"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/internal/wasmbuild"
)

func TestMatrixFromReports(t *testing.T) {
	acme := &conformance.Report{Plugin: "acme", Version: "2.0.0", Manifest: &v1.Manifest{
		Name: "acme", DisplayName: "Acme Pay", Version: "2.0.0",
		Flows:            []v1.Flow{v1.Flow_FLOW_AUTHORIZE, v1.Flow_FLOW_REFUND},
		PaymentMethods:   []v1.PaymentMethodType{v1.PaymentMethodType_PAYMENT_METHOD_TYPE_CARD, v1.PaymentMethodType_PAYMENT_METHOD_TYPE_IDEAL},
		CredentialFields: []*v1.CredentialField{{Name: "api_key", Secret: true, Required: true, Description: "API key | secret"}},
		Webhooks:         &v1.WebhookSupport{Supported: true, SignatureScheme: "acme-hmac", Timestamped: true, ToleranceSeconds: 300, EventTypes: []string{"a", "b"}},
		Notes:            "Line one.\nLine two.", IdempotencyWindowSeconds: 6 * 3600,
	}, Checks: []conformance.CheckResult{
		{ID: "manifest.flows", Flow: "FLOW_AUTHORIZE", Passed: true},
		{ID: "manifest.payment_methods", Flow: "FLOW_AUTHORIZE", PaymentMethod: "PAYMENT_METHOD_TYPE_CARD", Passed: true},
		{ID: "manifest.payment_methods", Flow: "FLOW_AUTHORIZE", PaymentMethod: "PAYMENT_METHOD_TYPE_IDEAL", Passed: false},
		{ID: "response.expected", Flow: "FLOW_REFUND", Passed: false},
		{ID: "webhook.sample", Category: conformance.CategoryWebhooks, Webhooks: true, Passed: true},
	}}
	broken := conformance.FailedLoad("zeta", os.ErrNotExist)
	m := conformance.NewMatrix([]*conformance.Report{broken, acme})

	if len(m.Connectors) != 2 || m.Connectors[0].Name != "acme" || m.Connectors[1].Name != "zeta" {
		t.Fatalf("connectors not sorted by name: %+v", m.Connectors)
	}
	a := m.Connectors[0]
	for name, want := range map[string]conformance.Support{"FLOW_AUTHORIZE": conformance.Supported, "FLOW_REFUND": conformance.Failing, "FLOW_GET": conformance.NotSupported} {
		if got := a.Flows[name]; got != want {
			t.Errorf("flow %s = %q, want %q", name, got, want)
		}
	}
	if a.PaymentMethods["PAYMENT_METHOD_TYPE_CARD"] != conformance.Supported || a.PaymentMethods["PAYMENT_METHOD_TYPE_IDEAL"] != conformance.Failing {
		t.Errorf("payment methods = %v", a.PaymentMethods)
	}
	if a.Passed || len(a.FailedChecks) != 2 || a.Webhooks.Verified != conformance.Supported {
		t.Errorf("acme = %+v", a)
	}
	if len(m.Flows) != len(abi.Flows()) || m.Flows[0] != "FLOW_AUTHORIZE" || len(m.PaymentMethods) != len(v1.PaymentMethodType_name)-1 {
		t.Errorf("axes: %d flows, %d payment methods", len(m.Flows), len(m.PaymentMethods))
	}
	if _, err := json.Marshal(m); err != nil {
		t.Fatal(err)
	}

	md := string(m.Markdown())
	requireContains(t, md, conformance.MatrixHeader, "| Connector | Acme Pay | zeta |", "| Currencies | any the processor accepts | — |", "| PaymentService.Authorize | ✅ | — |",
		"| PaymentService.Refund | ❌ | — |", "| ideal | ❌ | — |", "| card | ✅ | — |",
		"❌ failed: manifest.payment_methods, response.expected", "❌ does not load",
		"✅ `acme-hmac`, 2 event types, timestamped (±300s)", "| `api_key` | yes | yes | API key \\| secret |",
		"- **Acme Pay**: Line one. Line two.", "| Idempotency window | 6 h | — |")
	if !bytes.Equal(m.Markdown(), conformance.NewMatrix([]*conformance.Report{acme, broken}).Markdown()) {
		t.Error("the Markdown depends on the order of reports")
	}
}

// TestConnectorsDocIsCurrent fails when docs/connectors.md no longer matches
// the bundled plugins' manifests and conformance results.
func TestConnectorsDocIsCurrent(t *testing.T) {
	var reports []*conformance.Report
	for _, p := range bundled(t) {
		reports = append(reports, bundledReport(t, p))
	}
	want := conformance.NewMatrix(reports).Markdown()
	path := filepath.Join(wasmbuild.ModuleRoot(), "docs", "connectors.md")
	got, err := os.ReadFile(path)
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("docs/connectors.md is stale (%v): run `make matrix` (go run ./conformance/cmd/matrix) and commit the result", err)
	}
}
