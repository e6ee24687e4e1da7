package paypal_test

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"
)

var regen = flag.Bool("regen-webhook-fixtures", false, "re-sign the webhook fixtures with a new generated key and certificate chain")

// TestRegenerateWebhookFixtures re-signs the bodies of the webhook fixtures
// (fixtures/*webhook*.json) with a fresh generated key, as PayPal would,
// and pins the new certificate chain in their credentials:
//
//	go test ./plugins/paypal -run TestRegenerateWebhookFixtures -regen-webhook-fixtures
func TestRegenerateWebhookFixtures(t *testing.T) {
	if !*regen {
		t.Skip("run with -regen-webhook-fixtures to re-sign the webhook fixtures")
	}
	s := newWebhookSigner(t, false)
	files, _ := filepath.Glob(filepath.Join("fixtures", "*webhook*.json"))
	for _, file := range files {
		raw, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var fx map[string]any
		if err := json.Unmarshal(raw, &fx); err != nil {
			t.Fatal(err)
		}
		wh := fx["webhook"].(map[string]any)
		w := s.sign(t, []byte(wh["body_text"].(string)), time.Date(2026, 1, 2, 3, 4, 0, 0, time.UTC))
		headers := map[string]string{}
		for _, h := range w.GetHeaders() {
			headers[h.GetName()] = h.GetValue()
		}
		wh["headers"] = headers
		// What the host fetches from paypal-cert-url; the test root is pinned in webhook_cert_pem.
		wh["documents"] = map[string]string{testCertURL: s.chainPEM}
		fx["credentials"] = s.creds()
		fx["signature_header"] = "PAYPAL-TRANSMISSION-SIG"
		out, err := json.MarshalIndent(fx, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(file, append(out, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
