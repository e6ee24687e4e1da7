//go:build !wasip1

package checkout

import (
	"strings"
	"testing"

	"github.com/connectorhost/connector-host/conformance/conformancetest"
	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk"
	"github.com/connectorhost/connector-host/pdk/pdktest"
)

var creds = map[string]string{credSecretKey: "sk_sbox_unit_secret_key_77", credChannel: "pc_unit_channel"}

func cardPM(number, cvc string) *v1.PaymentMethod {
	return &v1.PaymentMethod{Method: &v1.PaymentMethod_Card{Card: &v1.Card{Number: number, ExpMonth: 6, ExpYear: 2030, Cvc: cvc}}}
}

func build(t *testing.T, flow v1.Flow, req pdk.Message) *pdktest.Result {
	t.Helper()
	res, err := conformancetest.Run(New(), pdktest.Call{Flow: flow, Request: req, Credentials: creds, BaseURL: SandboxBaseURL})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestBuildRefusesNamingTheField checks bad input is refused before any call
// with the field as the caller wrote it, and never echoes card data.
func TestBuildRefusesNamingTheField(t *testing.T) {
	auth := func(mut func(r *v1.PaymentServiceAuthorizeRequest)) *v1.PaymentServiceAuthorizeRequest {
		r := &v1.PaymentServiceAuthorizeRequest{MerchantTransactionId: "o1", Amount: &v1.Money{MinorAmount: 1000, Currency: "USD"}, PaymentMethod: cardPM("4242424242424242", "100")}
		mut(r)
		return r
	}
	cases := []struct {
		name  string
		flow  v1.Flow
		req   pdk.Message
		kind  pluginv1.ErrorKind
		field string
	}{
		{"no reference", v1.Flow_FLOW_AUTHORIZE, auth(func(r *v1.PaymentServiceAuthorizeRequest) { r.MerchantTransactionId = "" }), pluginv1.ErrorKind_ERROR_KIND_INVALID_REQUEST, "merchant_transaction_id"},
		{"reference over 50", v1.Flow_FLOW_AUTHORIZE, auth(func(r *v1.PaymentServiceAuthorizeRequest) { r.MerchantTransactionId = strings.Repeat("x", 51) }), pluginv1.ErrorKind_ERROR_KIND_INVALID_REQUEST, "merchant_transaction_id"},
		{"unknown currency", v1.Flow_FLOW_AUTHORIZE, auth(func(r *v1.PaymentServiceAuthorizeRequest) { r.Amount.Currency = "XXY" }), pluginv1.ErrorKind_ERROR_KIND_INVALID_REQUEST, "amount.currency"},
		{"KWD not ending in 0", v1.Flow_FLOW_AUTHORIZE, auth(func(r *v1.PaymentServiceAuthorizeRequest) { r.Amount = &v1.Money{MinorAmount: 1005, Currency: "KWD"} }), pluginv1.ErrorKind_ERROR_KIND_INVALID_REQUEST, "amount.minor_amount"},
		{"ten digits", v1.Flow_FLOW_AUTHORIZE, auth(func(r *v1.PaymentServiceAuthorizeRequest) { r.Amount.MinorAmount = 1_000_000_000 }), pluginv1.ErrorKind_ERROR_KIND_INVALID_REQUEST, "amount.minor_amount"},
		{"bad card number", v1.Flow_FLOW_AUTHORIZE, auth(func(r *v1.PaymentServiceAuthorizeRequest) { r.PaymentMethod = cardPM("42424242x4242424", "100") }), pluginv1.ErrorKind_ERROR_KIND_INVALID_REQUEST, "payment_method.card.number"},
		{"bad cvc", v1.Flow_FLOW_AUTHORIZE, auth(func(r *v1.PaymentServiceAuthorizeRequest) { r.PaymentMethod = cardPM("4242424242424242", "12") }), pluginv1.ErrorKind_ERROR_KIND_INVALID_REQUEST, "payment_method.card.cvc"},
		{"foreign token", v1.Flow_FLOW_AUTHORIZE, auth(func(r *v1.PaymentServiceAuthorizeRequest) {
			r.PaymentMethod = &v1.PaymentMethod{Method: &v1.PaymentMethod_Token{Token: &v1.ProcessorToken{Token: "pm_card_visa"}}}
		}), pluginv1.ErrorKind_ERROR_KIND_INVALID_REQUEST, "payment_method.token.token"},
		{"foreign customer id", v1.Flow_FLOW_AUTHORIZE, auth(func(r *v1.PaymentServiceAuthorizeRequest) { r.Customer = &v1.Customer{ConnectorCustomerId: "cust_1"} }), pluginv1.ErrorKind_ERROR_KIND_INVALID_REQUEST, "customer.connector_customer_id"},
		{"bank redirect", v1.Flow_FLOW_AUTHORIZE, auth(func(r *v1.PaymentServiceAuthorizeRequest) {
			r.PaymentMethod = &v1.PaymentMethod{Method: &v1.PaymentMethod_BankRedirect{BankRedirect: &v1.BankRedirect{Kind: v1.BankRedirectKind_BANK_REDIRECT_KIND_IDEAL}}}
		}), pluginv1.ErrorKind_ERROR_KIND_UNSUPPORTED, "checkout connector"},
		{"capture of a foreign id", v1.Flow_FLOW_CAPTURE, &v1.PaymentServiceCaptureRequest{ConnectorTransactionId: "pi_123", AmountToCapture: &v1.Money{MinorAmount: 1, Currency: "USD"}, MerchantCaptureId: "c1"}, pluginv1.ErrorKind_ERROR_KIND_INVALID_REQUEST, "connector_transaction_id"},
		{"capture without id", v1.Flow_FLOW_CAPTURE, &v1.PaymentServiceCaptureRequest{ConnectorTransactionId: "pay_mbabizu24mvu3mela5njyhpit4", AmountToCapture: &v1.Money{MinorAmount: 1, Currency: "USD"}}, pluginv1.ErrorKind_ERROR_KIND_INVALID_REQUEST, "merchant_capture_id"},
		{"refund get without payment", v1.Flow_FLOW_REFUND_GET, &v1.RefundServiceGetRequest{ConnectorRefundId: "act_x"}, pluginv1.ErrorKind_ERROR_KIND_INVALID_REQUEST, "connector_transaction_id"},
		{"verify without session", v1.Flow_FLOW_VERIFY_REDIRECT_RESPONSE, &v1.PaymentServiceVerifyRedirectResponseRequest{}, pluginv1.ErrorKind_ERROR_KIND_INVALID_REQUEST, "cko-session-id"},
		{"recurring model", v1.Flow_FLOW_RECURRING_CHARGE, &v1.RecurringPaymentServiceChargeRequest{MerchantTransactionId: "s1", Amount: &v1.Money{MinorAmount: 1, Currency: "USD"},
			Mandate: &v1.MandateReference{ConnectorMandateId: "src_nwd3m4in3hkuddfpjsaevunhdy"}, RecurringModel: "Weekly"}, pluginv1.ErrorKind_ERROR_KIND_INVALID_REQUEST, "recurring_model"},
		{"evidence text over 500", v1.Flow_FLOW_DISPUTE_SUBMIT_EVIDENCE, &v1.DisputeServiceSubmitEvidenceRequest{ConnectorDisputeId: "dsp_rbhwd2qrg13uhrp2newf",
			Evidence: []*v1.EvidenceDocument{{Type: v1.EvidenceType_EVIDENCE_TYPE_RECEIPT, Text: strings.Repeat("a", 501)}}}, pluginv1.ErrorKind_ERROR_KIND_INVALID_REQUEST, "evidence[0].text"},
		{"two receipts", v1.Flow_FLOW_DISPUTE_SUBMIT_EVIDENCE, &v1.DisputeServiceSubmitEvidenceRequest{ConnectorDisputeId: "dsp_rbhwd2qrg13uhrp2newf",
			Evidence: []*v1.EvidenceDocument{{Type: v1.EvidenceType_EVIDENCE_TYPE_RECEIPT, Text: "a"}, {Type: v1.EvidenceType_EVIDENCE_TYPE_RECEIPT, Text: "b"}}}, pluginv1.ErrorKind_ERROR_KIND_INVALID_REQUEST, "evidence[1]"},
		{"unknown evidence field", v1.Flow_FLOW_DISPUTE_SUBMIT_EVIDENCE, &v1.DisputeServiceSubmitEvidenceRequest{ConnectorDisputeId: "dsp_rbhwd2qrg13uhrp2newf",
			Evidence: []*v1.EvidenceDocument{{Type: v1.EvidenceType_EVIDENCE_TYPE_RECEIPT, Text: "a", ConnectorEvidenceType: "receipt"}}}, pluginv1.ErrorKind_ERROR_KIND_INVALID_REQUEST, "evidence[0].connector_evidence_type"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := build(t, tc.flow, tc.req)
			e := res.GetBuildError()
			if e == nil || e.GetKind() != tc.kind || !strings.Contains(e.GetMessage(), tc.field) {
				t.Fatalf("build = %v / %v, want %v naming %q", res.HTTP, e, tc.kind, tc.field)
			}
			if strings.Contains(e.GetMessage(), "4242424242") || strings.Contains(e.GetMessage(), creds[credSecretKey]) {
				t.Fatalf("message echoes a secret: %s", e.GetMessage())
			}
		})
	}
}

// TestAmountsInCheckoutUnits checks each currency class goes out in
// Checkout.com's units and comes back to the same unified amount.
func TestAmountsInCheckoutUnits(t *testing.T) {
	for _, tc := range []struct {
		cur         string
		minor, sent int64
	}{
		{"JPY", 5000, 5000}, {"USD", 1999, 1999}, {"BHD", 50000, 50000}, {"KWD", 1310, 1310}, {"CLP", 5000, 500000}, {"ISK", 700, 700},
	} {
		m := &v1.Money{MinorAmount: tc.minor, Currency: tc.cur}
		got, cur, err := amounts.To(m, "amount")
		if err != nil || got != tc.sent || cur != tc.cur {
			t.Errorf("%s: amounts.To = %d %s %v, want %d", tc.cur, got, cur, err, tc.sent)
			continue
		}
		back, err := amounts.From(got, cur)
		if err != nil || back.GetMinorAmount() != tc.minor {
			t.Errorf("%s: amounts.From(%d) = %v %v", tc.cur, got, back, err)
		}
	}
}

// TestDeclineCodes maps Checkout.com's response codes, by table and by class.
func TestDeclineCodes(t *testing.T) {
	for code, want := range map[string]v1.ErrorCode{
		"20051": v1.ErrorCode_ERROR_CODE_INSUFFICIENT_FUNDS, "20054": v1.ErrorCode_ERROR_CODE_EXPIRED_CARD,
		"20087": v1.ErrorCode_ERROR_CODE_INCORRECT_CVC, "30043": v1.ErrorCode_ERROR_CODE_LOST_OR_STOLEN_CARD,
		"20099": v1.ErrorCode_ERROR_CODE_CARD_DECLINED, "30099": v1.ErrorCode_ERROR_CODE_CARD_DECLINED,
		"40101": v1.ErrorCode_ERROR_CODE_RISK_BLOCKED, "": v1.ErrorCode_ERROR_CODE_PROCESSING_ERROR, "12345": v1.ErrorCode_ERROR_CODE_PROCESSING_ERROR,
	} {
		if got := declineCode(code); got != want {
			t.Errorf("declineCode(%q) = %v, want %v", code, got, want)
		}
	}
}
