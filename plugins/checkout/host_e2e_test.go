//go:build !wasip1

package checkout_test

// End to end through the real host: the plugin is built to .wasm, served by
// host/app on a loopback port, called through the generated Connect clients,
// and talks to a fake Checkout.com (internal/specfake) that validates every
// request against the published spec, repaired to refuse unknown fields
// (spec_harness_test.go), and fails the test on any violation, its own
// answers included. Every declared flow and payment method goes through it.

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"connectrpc.com/connect"

	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/gen/connectorhost/v1/connectorhostv1connect"
	"github.com/connectorhost/connector-host/internal/hosttest"
	"github.com/connectorhost/connector-host/internal/specfake"
)

// Test credentials and ids in Checkout.com's formats.
const (
	testSecretKey     = "sk_sbox_e2e_secret_key_4f1c9a"
	testChannel       = "pc_e2e_channel_7bq3"
	testWebhookSecret = "whsec_e2e_cko_signature_key_99"
	payID             = "pay_mbabizu24mvu3mela5njyhpit4"
	sessionID         = "sid_y3oqhf46pyzuxjbcn2giaqnb44"
	srcID             = "src_nwd3m4in3hkuddfpjsaevunhdy"
	cusID             = "cus_udst2tfldj6upmye2reztkmm4i"
	tokID             = "tok_4gzeau5o2uqubbk6fufs3m7p54"
	dspID             = "dsp_rbhwd2qrg13uhrp2newfabcdef"
	refundAction      = "act_fd3h6evhpn3uxdoqbuu3lqnqbm"
)

// fakeCheckout is the spec-validating fake and the answers the test swaps in.
type fakeCheckout struct {
	*specfake.Server
	mu       sync.Mutex
	override func(ex specfake.Exchange) (int, any)
}

// once makes the next answer fn's instead of the default.
func (f *fakeCheckout) once(fn func(ex specfake.Exchange) (int, any)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.override = fn
}

func (f *fakeCheckout) answer(ex specfake.Exchange) (int, any) {
	f.mu.Lock()
	fn := f.override
	f.override = nil
	f.mu.Unlock()
	if fn != nil {
		return fn(ex)
	}
	return defaultAnswer(ex)
}

func links(self string, more ...string) map[string]any {
	l := map[string]any{"self": map[string]any{"href": "https://api.sandbox.checkout.com" + self}}
	for i := 0; i+1 < len(more); i += 2 {
		l[more[i]] = map[string]any{"href": "https://api.sandbox.checkout.com" + more[i+1]}
	}
	return l
}

// paymentAnswer is a PaymentResponse (201) echoing the request.
func paymentAnswer(b map[string]any, status string) map[string]any {
	return map[string]any{
		"id": payID, "action_id": "act_mbabizu24mvu3mela5njyhpit4", "amount": b["amount"], "currency": b["currency"],
		"approved": true, "status": status, "response_code": "10000", "response_summary": "Approved",
		"processed_on": "2026-01-02T03:04:05Z", "reference": b["reference"], "scheme_id": "489341065491658",
		"source":   cardSource(),
		"customer": map[string]any{"id": cusID},
		"_links":   links("/payments/"+payID, "actions", "/payments/"+payID+"/actions"),
	}
}

func cardSource() map[string]any {
	return map[string]any{"type": "card", "id": srcID, "expiry_month": 6, "expiry_year": 2030, "scheme": "VISA",
		"last4": "4242", "fingerprint": "F31828E2BDABAE63EB694903825CDD36041CC6ED461440B81415895855502832", "bin": "424242"}
}

// defaultAnswer answers each operation in the shape its response schema
// defines, as Checkout.com's sandbox does for an approved card.
func defaultAnswer(ex specfake.Exchange) (int, any) {
	b := ex.Body
	p := ex.Path
	switch {
	case ex.Method == "POST" && p == "/payments":
		status := "Authorized"
		if b["amount"] == float64(0) {
			status = "Card Verified"
		}
		return http.StatusCreated, paymentAnswer(b, status)
	case ex.Method == "GET" && strings.HasSuffix(p, "/actions"):
		return http.StatusOK, []any{
			map[string]any{"id": refundAction, "type": "Refund", "processed_on": "2026-01-02T03:04:05Z", "amount": 500, "approved": true, "response_code": "10000", "reference": "refund_1"},
			map[string]any{"id": "act_y3oqhf46pyzuxjbcn2giaqnb44", "type": "Authorization", "processed_on": "2026-01-02T03:04:05Z", "amount": 2500, "approved": true, "response_code": "10000"},
		}
	case ex.Method == "GET" && strings.HasPrefix(p, "/payments/"):
		return http.StatusOK, map[string]any{
			"id": payID, "requested_on": "2026-01-02T03:04:05Z", "amount": 2500, "currency": "EUR", "approved": true,
			"status": "Partially Refunded", "reference": "order_1", "scheme_id": "489341065491658",
			"source":   cardSource(),
			"balances": map[string]any{"total_authorized": 2500, "total_captured": 2500, "total_refunded": 500, "available_to_refund": 2000},
			"_links":   links("/payments/"+payID, "actions", "/payments/"+payID+"/actions"),
		}
	case ex.Method == "POST" && strings.HasPrefix(p, "/payments/"):
		return http.StatusAccepted, map[string]any{"action_id": "act_" + strings.Repeat("k", 26), "reference": b["reference"],
			"_links": map[string]any{"payment": map[string]any{"href": "https://api.sandbox.checkout.com/payments/" + payID}}}
	case ex.Method == "POST" && p == "/customers":
		return http.StatusCreated, map[string]any{"id": cusID}
	case ex.Method == "POST" && p == "/instruments":
		return http.StatusCreated, map[string]any{"id": "src_wmlfc3zyhqzehihu7giusaaawu", "type": "card", "fingerprint": "vnsdrvikkvre3dtrjjvlm5du4q",
			"expiry_month": 6, "expiry_year": 2030, "scheme": "VISA", "last4": "9996", "bin": "454347", "customer": map[string]any{"id": cusID}}
	case ex.Method == "GET" && strings.HasPrefix(p, "/disputes/"):
		return http.StatusOK, map[string]any{"id": dspID, "category": "fraudulent", "amount": 2500, "currency": "EUR", "reason_code": "10.4",
			"status": "evidence_required", "relevant_evidence": []any{"proof_of_delivery_or_service"}, "evidence_required_by": "2026-01-20T00:00:00Z",
			"payment": map[string]any{"id": payID}}
	case strings.HasPrefix(p, "/disputes/"):
		return http.StatusNoContent, nil
	}
	return http.StatusNotImplemented, nil
}

// hostEnv is a running host serving the plugin, pointed at the fake.
type hostEnv struct {
	fake      *fakeCheckout
	payments  connectorhostv1connect.PaymentServiceClient
	recurring connectorhostv1connect.RecurringPaymentServiceClient
	refunds   connectorhostv1connect.RefundServiceClient
	disputes  connectorhostv1connect.DisputeServiceClient
	customers connectorhostv1connect.CustomerServiceClient
	methods   connectorhostv1connect.PaymentMethodServiceClient
	events    connectorhostv1connect.EventServiceClient
}

func startHost(t *testing.T) *hostEnv {
	t.Helper()
	fake := &fakeCheckout{}
	fake.Server = specfake.New(t, specfake.Options{
		Mounts:       []specfake.Mount{{Doc: checkoutDoc(t)}},
		Authenticate: specfake.HeaderAuth("Bearer "+testSecretKey, "ApiSecretKey"),
		Check:        checkRequest,
		Default:      fake.answer,
	})
	base, hc := hosttest.Start(t, "checkout", fake.URL()), http.DefaultClient
	return &hostEnv{
		fake:      fake,
		payments:  connectorhostv1connect.NewPaymentServiceClient(hc, base),
		recurring: connectorhostv1connect.NewRecurringPaymentServiceClient(hc, base),
		refunds:   connectorhostv1connect.NewRefundServiceClient(hc, base),
		disputes:  connectorhostv1connect.NewDisputeServiceClient(hc, base),
		customers: connectorhostv1connect.NewCustomerServiceClient(hc, base),
		methods:   connectorhostv1connect.NewPaymentMethodServiceClient(hc, base),
		events:    connectorhostv1connect.NewEventServiceClient(hc, base),
	}
}

// checkRequest holds Checkout.com's rules the spec does not state: every
// POST carries an idempotency key, JSON bodies declare their type.
func checkRequest(ex specfake.Exchange) error {
	if ex.Method == http.MethodPost && ex.Header.Get("Cko-Idempotency-Key") == "" {
		return errors.New("POST without Cko-Idempotency-Key")
	}
	if len(ex.Raw) > 0 && ex.Header.Get("Content-Type") != "application/json" {
		return fmt.Errorf("body sent as %q", ex.Header.Get("Content-Type"))
	}
	return nil
}

func call[T any](t *testing.T, msg *T) *connect.Request[T] {
	t.Helper()
	auth, _ := json.Marshal(map[string]string{"secret_key": testSecretKey, "processing_channel_id": testChannel, "webhook_secret": testWebhookSecret})
	r := connect.NewRequest(msg)
	r.Header().Set("x-connector", "checkout")
	r.Header().Set("x-connector-auth", string(auth))
	return r
}

func must[T any](t *testing.T) func(*connect.Response[T], error) *T {
	return func(res *connect.Response[T], err error) *T {
		t.Helper()
		if err != nil {
			t.Fatalf("RPC failed: %v", err)
		}
		return res.Msg
	}
}

// one returns the single exchange the fake received since the last call.
func (e *hostEnv) one(t *testing.T, method, path string) specfake.Exchange {
	t.Helper()
	ex := e.fake.Take()
	if len(ex) != 1 || ex[0].Method != method || ex[0].Path != path {
		var got []string
		for _, x := range ex {
			got = append(got, x.Method+" "+x.Path)
		}
		t.Fatalf("Checkout.com received %v, want [%s %s]", got, method, path)
	}
	return ex[0]
}

func at(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

func eur(minor int64) *v1.Money { return &v1.Money{MinorAmount: minor, Currency: "EUR"} }

func card() *v1.PaymentMethod {
	return &v1.PaymentMethod{Method: &v1.PaymentMethod_Card{Card: &v1.Card{Number: "4242424242424242", ExpMonth: 6, ExpYear: 2030, Cvc: "100", HolderName: "Jack Napier"}}}
}

// TestHostEndToEnd runs every flow the plugin declares, both payment
// methods, the 3DS redirect and the webhooks through one real host.
func TestHostEndToEnd(t *testing.T) {
	env := startHost(t)
	ctx := context.Background()
	pay, fake := env.payments, env.fake
	fake.Take()

	t.Run("card authorize, partial capture, refund, refund get, get, void", func(t *testing.T) {
		out := must[v1.PaymentServiceAuthorizeResponse](t)(pay.Authorize(ctx, call(t, &v1.PaymentServiceAuthorizeRequest{
			MerchantTransactionId: "order_1", Amount: eur(2500), PaymentMethod: card(), CaptureMethod: v1.CaptureMethod_CAPTURE_METHOD_MANUAL,
			Customer: &v1.Customer{Email: "jokershere@gmail.com", Name: "Jack Napier"}, Description: "Set of 3 masks",
			BillingAddress:  &v1.Address{Line1: "90 Tottenham Court Road", City: "London", PostalCode: "W1T 4TJ", Country: "GB", Phone: "4155552671"},
			ShippingAddress: &v1.Address{Line1: "90 Tottenham Court Road", City: "London", PostalCode: "W1T 4TJ", Country: "GB"},
			BrowserInfo:     &v1.BrowserInfo{IpAddress: "90.197.169.245"}, Metadata: map[string]string{"coupon_code": "NY2018"},
			AuthenticationType: v1.AuthenticationType_AUTHENTICATION_TYPE_NO_THREE_DS,
		})))
		if out.GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZED || out.GetConnectorTransactionId() != payID || out.GetAmount().GetMinorAmount() != 2500 {
			t.Fatalf("authorize = %v", out)
		}
		ex := env.one(t, "POST", "/payments")
		if ex.Header.Get("Cko-Idempotency-Key") != "authorize:order_1" || at(ex.Body, "capture") != false ||
			at(ex.Body, "source", "type") != "card" || at(ex.Body, "processing_channel_id") != testChannel ||
			at(ex.Body, "source", "billing_address", "country") != "GB" || at(ex.Body, "3ds", "enabled") != false {
			t.Fatalf("request = %v %v", ex.Header, ex.Body)
		}

		capt := must[v1.PaymentServiceCaptureResponse](t)(pay.Capture(ctx, call(t, &v1.PaymentServiceCaptureRequest{
			ConnectorTransactionId: payID, AmountToCapture: eur(1500), MerchantCaptureId: "capture_1"})))
		if capt.GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_CAPTURE_PENDING || capt.GetConnectorCaptureId() == "" {
			t.Fatalf("capture = %v", capt)
		}
		if ex := env.one(t, "POST", "/payments/"+payID+"/captures"); at(ex.Body, "amount") != float64(1500) || ex.Header.Get("Cko-Idempotency-Key") != "captures:capture_1" {
			t.Fatalf("capture request = %v", ex.Body)
		}

		ref := must[v1.PaymentServiceRefundResponse](t)(pay.Refund(ctx, call(t, &v1.PaymentServiceRefundRequest{
			ConnectorTransactionId: payID, RefundAmount: eur(500), MerchantRefundId: "refund_1"})))
		if ref.GetStatus() != v1.RefundStatus_REFUND_STATUS_PENDING || ref.GetConnectorRefundId() == "" {
			t.Fatalf("refund = %v", ref)
		}
		if ex := env.one(t, "POST", "/payments/"+payID+"/refunds"); at(ex.Body, "amount") != float64(500) || at(ex.Body, "reference") != "refund_1" {
			t.Fatalf("refund request = %v", ex.Body)
		}

		rg := must[v1.RefundServiceGetResponse](t)(env.refunds.Get(ctx, call(t, &v1.RefundServiceGetRequest{
			ConnectorRefundId: refundAction, ConnectorTransactionId: payID, RefundAmount: eur(500)})))
		if rg.GetStatus() != v1.RefundStatus_REFUND_STATUS_SUCCEEDED || rg.GetRefundAmount().GetMinorAmount() != 500 || rg.GetMerchantRefundId() != "refund_1" {
			t.Fatalf("refund get = %v", rg)
		}
		env.one(t, "GET", "/payments/"+payID+"/actions")

		g := must[v1.PaymentServiceGetResponse](t)(pay.Get(ctx, call(t, &v1.PaymentServiceGetRequest{ConnectorTransactionId: payID})))
		if g.GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_CHARGED || g.GetRefundedAmount().GetMinorAmount() != 500 || g.GetCapturedAmount().GetMinorAmount() != 2500 {
			t.Fatalf("get = %v", g)
		}
		env.one(t, "GET", "/payments/"+payID)

		vd := must[v1.PaymentServiceVoidResponse](t)(pay.Void(ctx, call(t, &v1.PaymentServiceVoidRequest{ConnectorTransactionId: payID, MerchantVoidId: "void_1"})))
		if vd.GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_VOID_PENDING {
			t.Fatalf("void = %v", vd)
		}
		env.one(t, "POST", "/payments/"+payID+"/voids")
	})

	t.Run("3DS redirect then VerifyRedirectResponse", func(t *testing.T) {
		fake.once(func(ex specfake.Exchange) (int, any) {
			return http.StatusAccepted, map[string]any{"id": payID, "status": "Pending", "reference": ex.Body["reference"],
				"3ds":    map[string]any{"downgraded": false, "enrolled": "Y"},
				"_links": links("/payments/"+payID, "redirect", "/3ds/"+payID)}
		})
		out := must[v1.PaymentServiceAuthorizeResponse](t)(pay.Authorize(ctx, call(t, &v1.PaymentServiceAuthorizeRequest{
			MerchantTransactionId: "order_3ds", Amount: eur(2500), PaymentMethod: card(),
			AuthenticationType: v1.AuthenticationType_AUTHENTICATION_TYPE_THREE_DS, ReturnUrl: "https://merchant.example/return",
		})))
		rd := out.GetNextAction().GetRedirect()
		if out.GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_AUTHENTICATION_PENDING || rd.GetUrl() != "https://api.sandbox.checkout.com/3ds/"+payID {
			t.Fatalf("authorize = %v", out)
		}
		if ex := env.one(t, "POST", "/payments"); at(ex.Body, "3ds", "enabled") != true || at(ex.Body, "success_url") != "https://merchant.example/return" {
			t.Fatalf("request = %v", ex.Body)
		}
		// The shopper comes back to success_url?cko-session-id=sid_...
		fake.once(func(ex specfake.Exchange) (int, any) {
			_, a := defaultAnswer(ex)
			a.(map[string]any)["status"], a.(map[string]any)["reference"] = "Authorized", "order_3ds"
			return http.StatusOK, a
		})
		v := must[v1.PaymentServiceVerifyRedirectResponseResponse](t)(pay.VerifyRedirectResponse(ctx, call(t, &v1.PaymentServiceVerifyRedirectResponseRequest{
			MerchantTransactionId: "order_3ds", Params: map[string]string{"cko-session-id": sessionID}, State: out.GetState(),
		})))
		env.one(t, "GET", "/payments/"+sessionID)
		if v.GetConnectorTransactionId() != payID || v.GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_CHARGED {
			t.Fatalf("verify = %v (the state says automatic capture)", v)
		}
	})

	t.Run("external 3DS result, automatic capture, final capture", func(t *testing.T) {
		out := must[v1.PaymentServiceAuthorizeResponse](t)(pay.Authorize(ctx, call(t, &v1.PaymentServiceAuthorizeRequest{
			MerchantTransactionId: "order_mpi", Amount: eur(2500), PaymentMethod: card(), CaptureMethod: v1.CaptureMethod_CAPTURE_METHOD_AUTOMATIC,
			ThreeDs: &v1.ThreeDsData{Eci: "05", AuthenticationValue: "AgAAAAAAAIR8CQrXcIhbQAAAAAA=", DsTransactionId: "MDAwMDAwMDAwMDAwMDAwMzIyNzY=", MessageVersion: "2.1.0"},
		})))
		if out.GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_CHARGED || out.GetCapturedAmount().GetMinorAmount() != 2500 {
			t.Fatalf("authorize = %v", out)
		}
		if ex := env.one(t, "POST", "/payments"); at(ex.Body, "3ds", "cryptogram") != "AgAAAAAAAIR8CQrXcIhbQAAAAAA=" || at(ex.Body, "capture") != true {
			t.Fatalf("request = %v", ex.Body)
		}
		must[v1.PaymentServiceCaptureResponse](t)(pay.Capture(ctx, call(t, &v1.PaymentServiceCaptureRequest{
			ConnectorTransactionId: payID, AmountToCapture: eur(2500), MerchantCaptureId: "capture_final", FinalCapture: true,
			Metadata: map[string]string{"shipping_ref": "MQIBN2"}})))
		if ex := env.one(t, "POST", "/payments/"+payID+"/captures"); at(ex.Body, "capture_type") != "Final" || at(ex.Body, "metadata", "shipping_ref") != "MQIBN2" {
			t.Fatalf("capture request = %v", ex.Body)
		}
	})

	t.Run("token with setup_future_usage, then MIT with the stored credential", func(t *testing.T) {
		out := must[v1.PaymentServiceAuthorizeResponse](t)(pay.Authorize(ctx, call(t, &v1.PaymentServiceAuthorizeRequest{
			MerchantTransactionId: "order_tok", Amount: eur(2500), SetupFutureUsage: v1.FutureUsage_FUTURE_USAGE_OFF_SESSION,
			PaymentMethod: &v1.PaymentMethod{Method: &v1.PaymentMethod_Token{Token: &v1.ProcessorToken{Token: tokID}}},
		})))
		if out.GetMandate().GetConnectorMandateId() != srcID || out.GetNetworkTransactionId() == "" {
			t.Fatalf("authorize = %v", out)
		}
		if ex := env.one(t, "POST", "/payments"); at(ex.Body, "source", "token") != tokID || at(ex.Body, "payment_type") != "Recurring" {
			t.Fatalf("request = %v", ex.Body)
		}
		mit := must[v1.PaymentServiceAuthorizeResponse](t)(pay.Authorize(ctx, call(t, &v1.PaymentServiceAuthorizeRequest{
			MerchantTransactionId: "order_mit", Amount: eur(2500), OffSession: true, Mandate: out.GetMandate(),
			PaymentMethod: &v1.PaymentMethod{Method: &v1.PaymentMethod_Token{Token: &v1.ProcessorToken{Token: srcID}}},
		})))
		if mit.GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_CHARGED {
			t.Fatalf("mit = %v", mit)
		}
		ex := env.one(t, "POST", "/payments")
		if at(ex.Body, "source", "id") != srcID || at(ex.Body, "merchant_initiated") != true || at(ex.Body, "previous_payment_id") != "489341065491658" {
			t.Fatalf("mit request = %v", ex.Body)
		}
	})

	t.Run("setup recurring, recurring charge", func(t *testing.T) {
		s := must[v1.PaymentServiceSetupRecurringResponse](t)(pay.SetupRecurring(ctx, call(t, &v1.PaymentServiceSetupRecurringRequest{
			MerchantSetupId: "setup_1", PaymentMethod: card(), Amount: eur(0), Customer: &v1.Customer{Email: "jokershere@gmail.com"},
		})))
		if s.GetStatus() != v1.MandateStatus_MANDATE_STATUS_ACTIVE || s.GetMandate().GetConnectorMandateId() != srcID {
			t.Fatalf("setup = %v", s)
		}
		env.one(t, "POST", "/payments")
		ch := must[v1.RecurringPaymentServiceChargeResponse](t)(env.recurring.Charge(ctx, call(t, &v1.RecurringPaymentServiceChargeRequest{
			MerchantTransactionId: "sub_1", Amount: eur(999), Mandate: s.GetMandate(), RecurringModel: "Subscription",
		})))
		if ch.GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_CHARGED || ch.GetAmount().GetMinorAmount() != 999 {
			t.Fatalf("charge = %v", ch)
		}
		if ex := env.one(t, "POST", "/payments"); at(ex.Body, "payment_type") != "Recurring" || at(ex.Body, "customer", "id") != cusID {
			t.Fatalf("charge request = %v", ex.Body)
		}
	})

	t.Run("customer create, tokenize", func(t *testing.T) {
		c := must[v1.CustomerServiceCreateResponse](t)(env.customers.Create(ctx, call(t, &v1.CustomerServiceCreateRequest{
			Customer: &v1.Customer{Id: "merchant_cust_1", Email: "jokershere@gmail.com", Name: "Jack Napier", Phone: "4155552671"},
		})))
		if c.GetConnectorCustomerId() != cusID {
			t.Fatalf("customer = %v", c)
		}
		env.one(t, "POST", "/customers")
		tk := must[v1.PaymentMethodServiceTokenizeResponse](t)(env.methods.Tokenize(ctx, call(t, &v1.PaymentMethodServiceTokenizeRequest{
			PaymentMethod:  &v1.PaymentMethod{Method: &v1.PaymentMethod_Token{Token: &v1.ProcessorToken{Token: tokID}}},
			Customer:       &v1.Customer{ConnectorCustomerId: c.GetConnectorCustomerId()},
			BillingAddress: &v1.Address{FirstName: "Jack", LastName: "Napier", Line1: "90 Tottenham Court Road", City: "London", Country: "GB"},
		})))
		if tk.GetPaymentMethodToken() != "src_wmlfc3zyhqzehihu7giusaaawu" || tk.GetCardLast4() != "9996" || tk.GetCardNetwork() != v1.CardNetwork_CARD_NETWORK_VISA {
			t.Fatalf("tokenize = %v", tk)
		}
		if ex := env.one(t, "POST", "/instruments"); at(ex.Body, "customer", "id") != cusID || at(ex.Body, "account_holder", "first_name") != "Jack" {
			t.Fatalf("instrument request = %v", ex.Body)
		}
	})

	t.Run("disputes: get, submit evidence, accept", func(t *testing.T) {
		d := must[v1.DisputeServiceGetResponse](t)(env.disputes.Get(ctx, call(t, &v1.DisputeServiceGetRequest{ConnectorDisputeId: dspID})))
		if d.GetStatus() != v1.DisputeStatus_DISPUTE_STATUS_NEEDS_RESPONSE || d.GetAmount().GetMinorAmount() != 2500 || d.GetConnectorTransactionId() != payID {
			t.Fatalf("dispute = %v", d)
		}
		env.one(t, "GET", "/disputes/"+dspID)
		ev := must[v1.DisputeServiceSubmitEvidenceResponse](t)(env.disputes.SubmitEvidence(ctx, call(t, &v1.DisputeServiceSubmitEvidenceRequest{
			ConnectorDisputeId: dspID, Evidence: []*v1.EvidenceDocument{
				{Type: v1.EvidenceType_EVIDENCE_TYPE_SHIPPING_DOCUMENTATION, ConnectorFileId: "file_jmbfgkjromvcrn9t4qu4", Text: "Delivered and signed for."},
				{Type: v1.EvidenceType_EVIDENCE_TYPE_CUSTOMER_COMMUNICATION, Text: "The shopper confirmed receipt by email."},
			}})))
		if len(ev.GetSubmittedEvidenceIds()) != 3 {
			t.Fatalf("evidence = %v", ev)
		}
		if ex := env.one(t, "PUT", "/disputes/"+dspID+"/evidence"); at(ex.Body, "proof_of_delivery_or_service_file") != "file_jmbfgkjromvcrn9t4qu4" {
			t.Fatalf("evidence request = %v", ex.Body)
		}
		ac := must[v1.DisputeServiceAcceptResponse](t)(env.disputes.Accept(ctx, call(t, &v1.DisputeServiceAcceptRequest{ConnectorDisputeId: dspID})))
		if ac.GetStatus() != v1.DisputeStatus_DISPUTE_STATUS_ACCEPTED {
			t.Fatalf("accept = %v", ac)
		}
		env.one(t, "POST", "/disputes/"+dspID+"/accept")
	})

	t.Run("declines and errors keep the raw codes", func(t *testing.T) {
		fake.once(func(ex specfake.Exchange) (int, any) {
			a := paymentAnswer(ex.Body, "Declined")
			a["approved"], a["response_code"], a["response_summary"] = false, "20051", "Insufficient Funds"
			return http.StatusCreated, a
		})
		out := must[v1.PaymentServiceAuthorizeResponse](t)(pay.Authorize(ctx, call(t, &v1.PaymentServiceAuthorizeRequest{
			MerchantTransactionId: "order_decl", Amount: eur(2500), PaymentMethod: card()})))
		if out.GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZATION_FAILED || out.GetError().GetCode() != v1.ErrorCode_ERROR_CODE_INSUFFICIENT_FUNDS ||
			out.GetError().GetConnector().GetCode() != "20051" || out.GetError().GetConnector().GetMessage() != "Insufficient Funds" {
			t.Fatalf("declined = %v", out)
		}
		env.one(t, "POST", "/payments")
		fake.once(func(specfake.Exchange) (int, any) {
			return http.StatusUnprocessableEntity, map[string]any{"request_id": "0HL80RJLS76I7", "error_type": "request_invalid", "error_codes": []any{"payment_source_required"}}
		})
		_, err := pay.Authorize(ctx, call(t, &v1.PaymentServiceAuthorizeRequest{MerchantTransactionId: "order_422", Amount: eur(2500), PaymentMethod: card()}))
		var ce *connect.Error
		if !errors.As(err, &ce) || ce.Code() != connect.CodeFailedPrecondition && ce.Code() != connect.CodeInvalidArgument || !strings.Contains(ce.Message(), "payment_source_required") {
			t.Fatalf("422 = %v", err)
		}
		if strings.Contains(ce.Message(), testSecretKey) || strings.Contains(ce.Message(), "4242424242424242") {
			t.Fatalf("a secret leaked: %s", ce.Message())
		}
		env.one(t, "POST", "/payments")
	})

	t.Run("webhooks", func(t *testing.T) { testHostWebhooks(t, env) })
}

// sign computes Cko-Signature independently of the plugin: the lower-case
// hex HMAC-SHA256 of the raw body keyed with the webhook signature key, as
// Checkout.com's documentation ("Webhooks: verify the signature") describes.
func sign(key string, body []byte) string {
	m := hmac.New(sha256.New, []byte(key))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

func testHostWebhooks(t *testing.T, env *hostEnv) {
	ctx := context.Background()
	body := []byte(`{"id":"evt_az5sblvku4ge3dwpztvyizgcau","type":"payment_captured","version":"1.0.0","created_on":"2026-01-02T03:04:05Z",` +
		`"data":{"id":"` + payID + `","action_id":"act_y3oqhf46pyzuxjbcn2giaqnb44","reference":"order_1","amount":1500,"currency":"EUR","response_code":"10000","response_summary":"Approved"}}`)
	hook := func(b []byte, sig string) *v1.WebhookRequest {
		w := &v1.WebhookRequest{Method: "POST", Url: "https://merchant.example/webhooks/checkout", Body: b,
			Headers: []*v1.HttpHeader{{Name: "Content-Type", Value: "application/json"}}}
		if sig != "" {
			w.Headers = append(w.Headers, &v1.HttpHeader{Name: "Cko-Signature", Value: sig})
		}
		return w
	}
	out := must[v1.EventServiceHandleEventResponse](t)(env.events.HandleEvent(ctx, call(t, &v1.EventServiceHandleEventRequest{Webhook: hook(body, sign(testWebhookSecret, body))})))
	if len(out.GetEvents()) != 1 {
		t.Fatalf("events = %v", out)
	}
	e := out.GetEvents()[0]
	if !e.GetVerified() || e.GetPayment().GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_CHARGED || e.GetPayment().GetCapturedAmount().GetMinorAmount() != 1500 ||
		e.GetPayment().GetConnectorTransactionId() != payID {
		t.Fatalf("event = %v", e)
	}
	tampered := append([]byte(nil), body...)
	tampered[len(tampered)-30] ^= 1
	for name, w := range map[string]*v1.WebhookRequest{
		"tampered body":    hook(tampered, sign(testWebhookSecret, body)),
		"wrong key":        hook(body, sign(testWebhookSecret+"x", body)),
		"signature cut":    hook(body, sign(testWebhookSecret, body)[:63]),
		"no signature":     hook(body, ""),
		"upper-case other": hook(body, strings.ToUpper(sign("other", body))),
	} {
		_, err := env.events.HandleEvent(ctx, call(t, &v1.EventServiceHandleEventRequest{Webhook: w}))
		var ce *connect.Error
		if !errors.As(err, &ce) || ce.Code() != connect.CodeUnauthenticated && ce.Code() != connect.CodeInvalidArgument && ce.Code() != connect.CodePermissionDenied {
			t.Errorf("%s: want a refusal, got %v", name, err)
		}
	}
}
