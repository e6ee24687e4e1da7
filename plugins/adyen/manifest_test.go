//go:build !wasip1

package adyen

import (
	"slices"
	"testing"

	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	hostmanifest "github.com/connectorhost/connector-host/host/manifest"
)

func TestManifest(t *testing.T) {
	m, err := newKit().Manifest()
	if err != nil {
		t.Fatal(err)
	}
	if err := hostmanifest.Validate(m, "adyen"); err != nil {
		t.Fatalf("host rejects the manifest: %v", err)
	}
	want := []v1.Flow{
		v1.Flow_FLOW_AUTHORIZE, v1.Flow_FLOW_CAPTURE, v1.Flow_FLOW_VOID, v1.Flow_FLOW_REVERSE, v1.Flow_FLOW_REFUND,
		v1.Flow_FLOW_SETUP_RECURRING, v1.Flow_FLOW_INCREMENTAL_AUTHORIZATION, v1.Flow_FLOW_VERIFY_REDIRECT_RESPONSE,
		v1.Flow_FLOW_RECURRING_CHARGE, v1.Flow_FLOW_RECURRING_REVOKE, v1.Flow_FLOW_DISPUTE_SUBMIT_EVIDENCE,
		v1.Flow_FLOW_DISPUTE_GET, v1.Flow_FLOW_DISPUTE_DEFEND, v1.Flow_FLOW_DISPUTE_ACCEPT,
		v1.Flow_FLOW_PAYOUT_CREATE, v1.Flow_FLOW_PAYOUT_GET, v1.Flow_FLOW_PAYOUT_CANCEL, v1.Flow_FLOW_PAYOUT_CREATE_RECIPIENT,
	}
	if !slices.Equal(m.GetFlows(), want) {
		t.Errorf("flows = %v\nwant %v", m.GetFlows(), want)
	}
	if slices.Contains(m.GetFlows(), v1.Flow_FLOW_GET) {
		t.Error("FLOW_GET declared: Checkout v71 has no payment status endpoint")
	}
	if m.GetIdempotencyHeader() != "Idempotency-Key" {
		t.Errorf("idempotency_header = %q", m.GetIdempotencyHeader())
	}
	secret := map[string]bool{}
	required := map[string]bool{}
	for _, f := range m.GetCredentialFields() {
		secret[f.GetName()], required[f.GetName()] = f.GetSecret(), f.GetRequired()
	}
	if !secret["api_key"] || !required["api_key"] || !secret["hmac_key"] || required["hmac_key"] ||
		secret["merchant_account"] || !required["merchant_account"] || secret["live_url_prefix"] || required["live_url_prefix"] {
		t.Errorf("credential fields wrong: secret=%v required=%v", secret, required)
	}
	for _, host := range []string{"checkout-test.adyen.com", "1797a841fbb37ca7-AdyenDemo-checkout-live.adyenpayments.com", "ca-test.adyen.com", "ca-live.adyen.com"} {
		if !hostmanifest.HostAllowed(host, m.GetEgressHosts()) {
			t.Errorf("egress_hosts %v do not allow %s", m.GetEgressHosts(), host)
		}
	}
	live, err := hostmanifest.FillPlaceholders(m.GetLiveBaseUrl(), map[string]string{"live_url_prefix": "1797a841fbb37ca7-AdyenDemo"})
	if err != nil || live != "https://1797a841fbb37ca7-AdyenDemo-checkout-live.adyenpayments.com/checkout/v71" {
		t.Errorf("live base URL = %q, %v", live, err)
	}
	if w := m.GetWebhooks(); !w.GetSupported() || w.GetSecretField() != "hmac_key" || w.GetTimestamped() {
		t.Errorf("webhooks = %v", w)
	}
}
