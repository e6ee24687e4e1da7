//go:build !wasip1

package adyen

import (
	"bytes"
	"strings"
	"testing"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk"
	"github.com/connectorhost/connector-host/pdk/idemkey"
	"github.com/connectorhost/connector-host/pdk/pdktest"
)

// flowCalls is one valid request per declared flow, with the idempotency
// key each must carry ("" for any key), or noKey for a request that is
// retry-safe without one.
func flowCalls() []struct {
	call  pdktest.Call
	key   string
	noKey bool
} {
	evidence := []*v1.EvidenceDocument{{Type: v1.EvidenceType_EVIDENCE_TYPE_RECEIPT, Content: []byte("%PDF-1.4 receipt"), MimeType: "application/pdf"}}
	mandate := &v1.MandateReference{ConnectorMandateId: "M5N7TQ4TG5PFWR50", ConnectorCustomerId: "shopper_123"}
	return []struct {
		call  pdktest.Call
		key   string
		noKey bool
	}{
		{call: pdktest.Call{Flow: v1.Flow_FLOW_AUTHORIZE, Request: authorizeReq()}, key: "authorize:TestMerchantECOM:order_1"},
		{call: pdktest.Call{Flow: v1.Flow_FLOW_VERIFY_REDIRECT_RESPONSE, Request: &v1.PaymentServiceVerifyRedirectResponseRequest{
			MerchantTransactionId: "order_1", Params: map[string]string{"redirectResult": "X6XtfGC3!Y"}}}},
		{call: pdktest.Call{Flow: v1.Flow_FLOW_CAPTURE, Request: captureReq()}, key: "capture:TestMerchantECOM:cap_1"},
		{call: pdktest.Call{Flow: v1.Flow_FLOW_VOID, Request: &v1.PaymentServiceVoidRequest{ConnectorTransactionId: "PSP1", MerchantVoidId: "void_1"}}, key: "void:TestMerchantECOM:void_1"},
		{call: pdktest.Call{Flow: v1.Flow_FLOW_REVERSE, Request: &v1.PaymentServiceReverseRequest{ConnectorTransactionId: "PSP1", MerchantReversalId: "rev_1"}}, key: "reverse:TestMerchantECOM:rev_1"},
		{call: pdktest.Call{Flow: v1.Flow_FLOW_REFUND, Request: &v1.PaymentServiceRefundRequest{ConnectorTransactionId: "PSP1", MerchantRefundId: "ref_1", RefundAmount: eur(500)}}, key: "refund:TestMerchantECOM:ref_1"},
		{call: pdktest.Call{Flow: v1.Flow_FLOW_INCREMENTAL_AUTHORIZATION, Request: &v1.PaymentServiceIncrementalAuthorizationRequest{
			ConnectorTransactionId: "PSP1", MerchantIncrementId: "inc_1", Amount: eur(1500)}}, key: "increment:TestMerchantECOM:inc_1"},
		{call: pdktest.Call{Flow: v1.Flow_FLOW_SETUP_RECURRING, Request: &v1.PaymentServiceSetupRecurringRequest{
			MerchantSetupId: "setup_1", PaymentMethod: testCard(), Customer: &v1.Customer{Id: "shopper_123"}, Amount: eur(0),
			ReturnUrl: "https://merchant.example/return"}}, key: "setup:TestMerchantECOM:setup_1"},
		{call: pdktest.Call{Flow: v1.Flow_FLOW_RECURRING_CHARGE, Config: map[string]string{"return_url": "https://merchant.example/return"},
			Request: &v1.RecurringPaymentServiceChargeRequest{MerchantTransactionId: "sub_1", Amount: eur(999), Mandate: mandate}}, key: "charge:TestMerchantECOM:sub_1"},
		// Checkout v71 declares Idempotency-Key on POSTs only; deleting a token is idempotent by itself.
		{call: pdktest.Call{Flow: v1.Flow_FLOW_RECURRING_REVOKE, Request: &v1.RecurringPaymentServiceRevokeRequest{Mandate: mandate, MerchantRevokeId: "revoke_1"}}, noKey: true},
		{call: pdktest.Call{Flow: v1.Flow_FLOW_DISPUTE_GET, Request: &v1.DisputeServiceGetRequest{ConnectorDisputeId: "DSP1"}}, key: idemkey.Derive("dispute-reasons", "TestMerchantECOM:000102030405060708090a0b0c0d0e0f", maxIdempotencyKey)},
		{call: pdktest.Call{Flow: v1.Flow_FLOW_DISPUTE_ACCEPT, Request: &v1.DisputeServiceAcceptRequest{ConnectorDisputeId: "DSP1", MerchantRequestId: "acc_1"}}, key: "dispute-accept:TestMerchantECOM:acc_1"},
		{call: pdktest.Call{Flow: v1.Flow_FLOW_DISPUTE_DEFEND, Request: &v1.DisputeServiceDefendRequest{ConnectorDisputeId: "DSP1", DefenseReasonCode: "GoodsWereAsDescribed", MerchantRequestId: "def_1"}}, key: "dispute-defend:TestMerchantECOM:def_1"},
		{call: pdktest.Call{Flow: v1.Flow_FLOW_DISPUTE_SUBMIT_EVIDENCE, Request: &v1.DisputeServiceSubmitEvidenceRequest{ConnectorDisputeId: "DSP1", Evidence: evidence, MerchantRequestId: "ev_1"}}, key: "dispute-evidence:TestMerchantECOM:ev_1"},
	}
}

func TestIdempotencyKeys(t *testing.T) {
	for _, fc := range flowCalls() {
		t.Run(fc.call.Flow.String(), func(t *testing.T) {
			res := mustBuild(t, fc.call)
			got := pdktest.HeaderValue(res.HTTP, "Idempotency-Key")
			if fc.noKey {
				if got != "" || !res.HTTP.GetIdempotent() {
					t.Fatalf("Idempotency-Key = %q, idempotent=%v: want retry-safe without a key", got, res.HTTP.GetIdempotent())
				}
				return
			}
			if got == "" || !res.HTTP.GetIdempotent() {
				t.Fatalf("no idempotency key (idempotent=%v)", res.HTTP.GetIdempotent())
			}
			if fc.key != "" && got != fc.key {
				t.Fatalf("Idempotency-Key = %q, want %q", got, fc.key)
			}
			if len(got) > maxIdempotencyKey {
				t.Fatalf("key %q is longer than Adyen's 64 characters", got)
			}
			again := mustBuild(t, fc.call)
			if pdktest.HeaderValue(again.HTTP, "Idempotency-Key") != got || !bytes.Equal(again.HTTP.GetBody(), res.HTTP.GetBody()) {
				t.Fatal("build is not deterministic")
			}
		})
	}
	// Adyen keeps keys per company account: the same merchant id in two of its
	// merchant accounts must not share a key (and so the other's stored answer).
	pos := flowCalls()[0].call
	pos.Credentials = testCreds()
	pos.Credentials[credMerchantAccount] = "TestMerchantPOS"
	if k := pdktest.HeaderValue(mustBuild(t, pos).HTTP, "Idempotency-Key"); k != "authorize:TestMerchantPOS:order_1" {
		t.Fatalf("other merchant account's key = %q", k)
	}
	// A merchant id too long for "<op>:<id>" is hashed to Adyen's 64 characters.
	keyOf := func(id string) string {
		req := captureReq()
		req.MerchantCaptureId = id
		return pdktest.HeaderValue(mustBuild(t, pdktest.Call{Flow: v1.Flow_FLOW_CAPTURE, Request: req}).HTTP, "Idempotency-Key")
	}
	k := keyOf(strings.Repeat("x", 64))
	if len(k) != maxIdempotencyKey || !strings.HasPrefix(k, "capture:") || k == keyOf(strings.Repeat("y", 64)) {
		t.Fatalf("long key = %q", k)
	}
	// Without a merchant request id, other evidence for the same dispute gets another key.
	ev := func(content string) string {
		r := mustBuild(t, pdktest.Call{Flow: v1.Flow_FLOW_DISPUTE_SUBMIT_EVIDENCE, Request: &v1.DisputeServiceSubmitEvidenceRequest{ConnectorDisputeId: "DSP1",
			Evidence: []*v1.EvidenceDocument{{Type: v1.EvidenceType_EVIDENCE_TYPE_RECEIPT, Content: []byte(content), MimeType: "application/pdf"}}}})
		return pdktest.HeaderValue(r.HTTP, "Idempotency-Key")
	}
	if ev("first") == ev("second") || ev("first") != ev("first") {
		t.Fatal("evidence keys must follow the documents")
	}
	// The redirect result decides the details key: a retry reuses it, another result gets another.
	d1 := mustBuild(t, flowCalls()[1].call)
	other := flowCalls()[1].call
	other.Request = &v1.PaymentServiceVerifyRedirectResponseRequest{Params: map[string]string{"redirectResult": "other"}}
	d2 := mustBuild(t, other)
	if pdktest.HeaderValue(d1.HTTP, "Idempotency-Key") == pdktest.HeaderValue(d2.HTTP, "Idempotency-Key") {
		t.Fatal("two redirect results share an idempotency key")
	}
}

func TestSecretsOnlyInSecretHeader(t *testing.T) {
	for _, fc := range flowCalls() {
		t.Run(fc.call.Flow.String(), func(t *testing.T) {
			res := mustBuild(t, fc.call)
			r := res.HTTP
			if pdktest.HeaderValue(r, "X-API-Key") != testAPIKey {
				t.Fatal("X-API-Key header missing")
			}
			secret := false
			for _, h := range r.GetSecretHeaders() {
				secret = secret || strings.EqualFold(h, "X-API-Key")
			}
			if !secret {
				t.Fatal("X-API-Key is not marked as a secret header")
			}
			for _, h := range r.GetHeaders() {
				if !strings.EqualFold(h.GetName(), "X-API-Key") && (strings.Contains(h.GetValue(), testAPIKey) || strings.Contains(h.GetValue(), testHMACHex)) {
					t.Fatalf("secret leaked into header %s", h.GetName())
				}
			}
			for _, s := range []string{testAPIKey, testHMACHex} {
				if strings.Contains(r.GetUrl(), s) || bytes.Contains(r.GetBody(), []byte(s)) {
					t.Fatal("a secret credential is in the URL or body")
				}
			}
		})
	}
}

func TestCardDataNeverReturned(t *testing.T) {
	answer := mustJSON(t, map[string]any{"pspReference": "P", "resultCode": "Refused", "refusalReasonCode": "24", "refusalReason": "CVC Declined"})
	res := run(t, pdktest.Call{Flow: v1.Flow_FLOW_AUTHORIZE, Request: authorizeReq(), Body: answer})
	b, err := res.Response.(pdk.Message).MarshalVT()
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(b, []byte("4111111111111111")) || bytes.Contains(b, []byte("737")) {
		t.Fatal("the response carries card data")
	}
	bad := authorizeReq()
	bad.PaymentMethod.GetCard().Number = "4111x11111111111"
	res = run(t, pdktest.Call{Flow: v1.Flow_FLOW_AUTHORIZE, Request: bad})
	wantKind(t, res.BuildError, pluginv1.ErrorKind_ERROR_KIND_INVALID_REQUEST, "payment_method.card.number")
	if strings.Contains(res.BuildError.GetMessage(), "4111") {
		t.Fatal("the error echoes the card number")
	}
}

func TestMissingCredentials(t *testing.T) {
	for _, drop := range []string{credAPIKey, credMerchantAccount} {
		creds := testCreds()
		delete(creds, drop)
		res := run(t, pdktest.Call{Flow: v1.Flow_FLOW_AUTHORIZE, Request: authorizeReq(), Credentials: creds})
		wantKind(t, res.BuildError, pluginv1.ErrorKind_ERROR_KIND_CREDENTIALS, drop)
	}
}

func TestLiveURLPrefix(t *testing.T) {
	creds := testCreds()
	creds[credLivePrefix] = "1797a841fbb37ca7-AdyenDemo"
	res := mustBuild(t, pdktest.Call{Flow: v1.Flow_FLOW_AUTHORIZE, Request: authorizeReq(), BaseURL: LiveBaseURL, Credentials: creds})
	if want := "https://1797a841fbb37ca7-AdyenDemo-checkout-live.adyenpayments.com/checkout/v71/payments"; res.HTTP.GetUrl() != want {
		t.Fatalf("url = %q, want %q", res.HTTP.GetUrl(), want)
	}
	// The host may already have filled the placeholder.
	res = mustBuild(t, pdktest.Call{Flow: v1.Flow_FLOW_DISPUTE_ACCEPT, Request: &v1.DisputeServiceAcceptRequest{ConnectorDisputeId: "D1"},
		BaseURL: "https://1797a841fbb37ca7-AdyenDemo-checkout-live.adyenpayments.com/checkout/v71", Credentials: creds})
	if res.HTTP.GetUrl() != DisputesLiveURL+"/acceptDispute" {
		t.Fatalf("live disputes url = %q", res.HTTP.GetUrl())
	}
	for _, bad := range []string{"", "evil.example/x", "a.b", "-x"} {
		creds[credLivePrefix] = bad
		res = run(t, pdktest.Call{Flow: v1.Flow_FLOW_AUTHORIZE, Request: authorizeReq(), BaseURL: LiveBaseURL, Credentials: creds})
		wantKind(t, res.BuildError, pluginv1.ErrorKind_ERROR_KIND_CREDENTIALS, "live_url_prefix")
	}
}

func TestDisputesURLDerivation(t *testing.T) {
	req := &v1.DisputeServiceGetRequest{ConnectorDisputeId: "D1"}
	for base, want := range map[string]string{
		SandboxBaseURL:                 "https://ca-test.adyen.com/ca/services/DisputeService/v30/retrieveApplicableDefenseReasons",
		"http://127.0.0.1:8080/v71":    "http://127.0.0.1:8080/ca/services/DisputeService/v30/retrieveApplicableDefenseReasons",
		"https://adyen-mock.test/x/y/": "https://adyen-mock.test/ca/services/DisputeService/v30/retrieveApplicableDefenseReasons",
	} {
		res := mustBuild(t, pdktest.Call{Flow: v1.Flow_FLOW_DISPUTE_GET, Request: req, BaseURL: base})
		if res.HTTP.GetUrl() != want {
			t.Errorf("base %s: disputes url = %q, want %q", base, res.HTTP.GetUrl(), want)
		}
	}
	res := mustBuild(t, pdktest.Call{Flow: v1.Flow_FLOW_DISPUTE_GET, Request: req, BaseURL: "http://127.0.0.1:8080/v71",
		Config: map[string]string{"disputes_base_url": "http://127.0.0.1:9090/disputes/"}})
	if res.HTTP.GetUrl() != "http://127.0.0.1:9090/disputes/retrieveApplicableDefenseReasons" {
		t.Errorf("config override: %q", res.HTTP.GetUrl())
	}
}
