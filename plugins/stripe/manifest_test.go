//go:build !wasip1

package stripe

import (
	"slices"
	"testing"

	"github.com/connectorhost/connector-host/abi"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk/pdktest"
)

func TestManifest(t *testing.T) {
	m, err := pdktest.New(New()).Manifest()
	if err != nil {
		t.Fatal(err)
	}
	if m.GetName() != "stripe" || m.GetVersion() != "1.0.0" || m.GetApiVersion() != APIVersion || m.GetAbiVersion() != abi.Version {
		t.Errorf("identity: %v %v %v %v", m.GetName(), m.GetVersion(), m.GetApiVersion(), m.GetAbiVersion())
	}
	if m.GetSandboxBaseUrl() != "https://api.stripe.com" || m.GetLiveBaseUrl() != "https://api.stripe.com" ||
		!slices.Equal(m.GetEgressHosts(), []string{"api.stripe.com"}) || m.GetIdempotencyHeader() != "Idempotency-Key" {
		t.Errorf("endpoints: %v", m)
	}
	wantFlows := []v1.Flow{
		v1.Flow_FLOW_AUTHORIZE, v1.Flow_FLOW_CAPTURE, v1.Flow_FLOW_GET, v1.Flow_FLOW_VOID, v1.Flow_FLOW_REFUND,
		v1.Flow_FLOW_SETUP_RECURRING, v1.Flow_FLOW_INCREMENTAL_AUTHORIZATION, v1.Flow_FLOW_VERIFY_REDIRECT_RESPONSE,
		v1.Flow_FLOW_RECURRING_CHARGE, v1.Flow_FLOW_RECURRING_REVOKE, v1.Flow_FLOW_REFUND_GET,
		v1.Flow_FLOW_DISPUTE_SUBMIT_EVIDENCE, v1.Flow_FLOW_DISPUTE_GET, v1.Flow_FLOW_DISPUTE_DEFEND, v1.Flow_FLOW_DISPUTE_ACCEPT,
		v1.Flow_FLOW_TOKENIZE, v1.Flow_FLOW_CREATE_CUSTOMER,
		v1.Flow_FLOW_PAYOUT_CREATE, v1.Flow_FLOW_PAYOUT_GET, v1.Flow_FLOW_PAYOUT_CANCEL, v1.Flow_FLOW_PAYOUT_CREATE_RECIPIENT,
		v1.Flow_FLOW_REFUND_CANCEL,
	}
	if !slices.Equal(m.GetFlows(), wantFlows) {
		t.Errorf("flows = %v\nwant %v", m.GetFlows(), wantFlows)
	}
	if !slices.Contains(m.GetPaymentMethods(), v1.PaymentMethodType_PAYMENT_METHOD_TYPE_CARD) ||
		slices.Contains(m.GetPaymentMethods(), v1.PaymentMethodType_PAYMENT_METHOD_TYPE_APPLE_PAY) {
		t.Errorf("payment methods = %v", m.GetPaymentMethods())
	}
	if !slices.Equal(m.GetCaptureMethods(), []v1.CaptureMethod{v1.CaptureMethod_CAPTURE_METHOD_AUTOMATIC, v1.CaptureMethod_CAPTURE_METHOD_MANUAL}) {
		t.Errorf("capture methods = %v", m.GetCaptureMethods())
	}
	creds := map[string]*v1.CredentialField{}
	for _, f := range m.GetCredentialFields() {
		creds[f.GetName()] = f
	}
	if k := creds["api_key"]; !k.GetSecret() || !k.GetRequired() {
		t.Errorf("api_key field = %v", k)
	}
	if s := creds["webhook_secret"]; !s.GetSecret() || s.GetRequired() {
		t.Errorf("webhook_secret field = %v", s)
	}
	w := m.GetWebhooks()
	if !w.GetSupported() || w.GetSignatureScheme() != "stripe-signature-hmac-sha256" || w.GetSecretField() != "webhook_secret" ||
		!w.GetTimestamped() || w.GetToleranceSeconds() != 300 || !slices.Contains(w.GetEventTypes(), "payment_intent.succeeded") {
		t.Errorf("webhooks = %v", w)
	}
}

// TestPaymentMethodsDeclaredAreImplemented builds an authorization for
// every declared payment method (other than tokens) and expects no
// Unsupported error.
func TestPaymentMethodsDeclaredAreImplemented(t *testing.T) {
	declared := map[v1.PaymentMethodType]bool{}
	for _, pm := range newManifest().GetPaymentMethods() {
		declared[pm] = true
	}
	covered := map[v1.PaymentMethodType]bool{v1.PaymentMethodType_PAYMENT_METHOD_TYPE_PROCESSOR_TOKEN: true}
	for _, tc := range apmCases() {
		covered[tc.pmType] = true
		if !declared[tc.pmType] {
			t.Errorf("%s is implemented but not declared", tc.name)
		}
	}
	covered[v1.PaymentMethodType_PAYMENT_METHOD_TYPE_CARD] = true
	for pm := range declared {
		if !covered[pm] {
			t.Errorf("%v is declared but has no test case", pm)
		}
	}
}

// TestFlowsMutateAsTheABISays builds every flow's request (the stripe-mock
// cases, without sending them): a flow the ABI counts as mutating POSTs with
// an Idempotency-Key; any other flow (Get, RefundService.Get,
// VerifyRedirectResponse, DisputeService.Get) is a GET without one.
func TestFlowsMutateAsTheABISays(t *testing.T) {
	seen := map[v1.Flow]bool{}
	for _, tc := range e2eCases() {
		info, err := abi.Lookup(tc.flow)
		if err != nil {
			t.Fatal(err)
		}
		r := build(t, tc.flow, tc.req)
		if post := r.GetMethod() == "POST"; post != info.Mutating || post != (pdktest.HeaderValue(r, idempotencyHeader) != "") {
			t.Errorf("%s (%s): %s with Idempotency-Key %q; the ABI says mutating=%v", tc.name, info.Name(), r.GetMethod(),
				pdktest.HeaderValue(r, idempotencyHeader), info.Mutating)
		}
		seen[tc.flow] = true
	}
	if !seen[v1.Flow_FLOW_VERIFY_REDIRECT_RESPONSE] {
		t.Error("no VerifyRedirectResponse case")
	}
}
