//go:build !wasip1

package paypal_test

import (
	"bytes"
	"io"
	"mime"
	"mime/multipart"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/connectorhost/connector-host/conformance/conformancetest"
	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk/pdktest"
	"github.com/connectorhost/connector-host/plugins/paypal"
)

var testCreds = map[string]string{"client_id": testClientID, "client_secret": testClientSecret}

func tokenState(expires time.Time, vals map[string]string) *v1.ConnectorState {
	return &v1.ConnectorState{AccessToken: &v1.AccessToken{Token: "A21AAtoken", ExpiresAtUnix: expires.Unix()}, Values: vals}
}

func runFlow(t *testing.T, c pdktest.Call) *pdktest.Result {
	t.Helper()
	if c.Credentials == nil {
		c.Credentials = testCreds
	}
	if c.Now.IsZero() {
		c.Now = now
	}
	res, err := conformancetest.Run(paypal.New(), c)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestTokenIsRenewedBeforeItExpires: a token valid for less than a minute,
// or none, makes every flow ask for FLOW_CREATE_ACCESS_TOKEN first.
func TestTokenIsRenewedBeforeItExpires(t *testing.T) {
	get := &v1.PaymentServiceGetRequest{ConnectorTransactionId: "5O190127TN364715T"}
	for name, st := range map[string]*v1.ConnectorState{
		"no state":            nil,
		"expired":             tokenState(now.Add(-time.Hour), nil),
		"expires in 30s":      tokenState(now.Add(30*time.Second), nil),
		"token without value": {AccessToken: &v1.AccessToken{ExpiresAtUnix: now.Add(time.Hour).Unix()}},
	} {
		res := runFlow(t, pdktest.Call{Flow: v1.Flow_FLOW_GET, Request: get, State: st})
		if res.NextStep.GetFlow() != v1.Flow_FLOW_CREATE_ACCESS_TOKEN {
			t.Errorf("%s: got %v / %v, want a token step", name, res.HTTP, res.BuildError)
		}
	}
	res := runFlow(t, pdktest.Call{Flow: v1.Flow_FLOW_GET, Request: get, State: tokenState(now.Add(2*time.Minute), nil), Status: 200,
		Body: []byte(`{"id":"5O190127TN364715T","status":"CREATED"}`)})
	if res.HTTP == nil || pdktest.HeaderValue(res.HTTP, "Authorization") != "Bearer A21AAtoken" {
		t.Fatalf("a valid token was not used: %v", res.HTTP)
	}
	if len(res.HTTP.GetSecretHeaders()) != 1 || res.HTTP.GetSecretHeaders()[0] != "Authorization" {
		t.Errorf("Authorization is not a secret header: %v", res.HTTP.GetSecretHeaders())
	}
}

// TestCaptureReadsTheOrderWhenStateLacksIt: the authorization id comes from
// the state only when the state describes the same order; otherwise the
// plugin asks for a Get of that order first, and an order without an
// authorization is a conflict, not a loop.
func TestCaptureReadsTheOrderWhenStateLacksIt(t *testing.T) {
	capture := &v1.PaymentServiceCaptureRequest{ConnectorTransactionId: "ORDER2", AmountToCapture: usd(100)}
	later := now.Add(time.Hour)
	res := runFlow(t, pdktest.Call{Flow: v1.Flow_FLOW_CAPTURE, Request: capture,
		State: tokenState(later, map[string]string{"paypal.order_id": "ORDER1", "paypal.authorization_id": "AUTH1"})})
	if res.NextStep.GetFlow() != v1.Flow_FLOW_GET {
		t.Fatalf("state of another order used: %v %v", res.HTTP, res.BuildError)
	}
	res = runFlow(t, pdktest.Call{Flow: v1.Flow_FLOW_CAPTURE, Request: capture, State: tokenState(later, map[string]string{"paypal.order_id": "ORDER2"})})
	if res.NextStep.GetFlow() != v1.Flow_FLOW_GET {
		t.Fatalf("a state without the authorization (read in an earlier call) did not re-read the order: %v", res.BuildError)
	}
	readNow := strconv.FormatInt(now.UnixMilli(), 10)
	res = runFlow(t, pdktest.Call{Flow: v1.Flow_FLOW_CAPTURE, Request: capture,
		State: tokenState(later, map[string]string{"paypal.order_id": "ORDER2", "paypal.read_at_ms": readNow})})
	if res.BuildError.GetKind() != pluginv1.ErrorKind_ERROR_KIND_CONFLICT || !strings.Contains(res.BuildError.GetMessage(), "ORDER2 has no authorization") {
		t.Fatalf("order without authorization: %v", res.BuildError)
	}
	res = runFlow(t, pdktest.Call{Flow: v1.Flow_FLOW_CAPTURE, Request: capture,
		State: tokenState(later, map[string]string{"paypal.order_id": "ORDER2", "paypal.authorization_id": "../admin"})})
	if res.BuildError.GetKind() != pluginv1.ErrorKind_ERROR_KIND_INVALID_REQUEST {
		t.Fatalf("a path-changing id was used: %v %v", res.HTTP, res.BuildError)
	}
}

// TestAmounts: PayPal's decimal strings per currency, and amounts PayPal
// cannot take refused naming the field.
func TestAmounts(t *testing.T) {
	later := now.Add(time.Hour)
	for _, c := range []struct {
		m    *v1.Money
		want string
	}{{usd(1050), `"value":"10.50"`}, {&v1.Money{MinorAmount: 1050, Currency: "JPY"}, `"value":"1050"`}, {&v1.Money{MinorAmount: 100000, Currency: "HUF"}, `"value":"1000"`}} {
		res := runFlow(t, pdktest.Call{Flow: v1.Flow_FLOW_AUTHORIZE, Request: &v1.PaymentServiceAuthorizeRequest{Amount: c.m, PaymentMethod: testCard()}, State: tokenState(later, nil)})
		if res.HTTP == nil || !strings.Contains(string(res.HTTP.GetBody()), c.want) {
			t.Errorf("%v: body %s, want %s (%v)", c.m, res.HTTP.GetBody(), c.want, res.BuildError)
		}
	}
	for _, m := range []*v1.Money{{MinorAmount: 1050, Currency: "HUF"}, {MinorAmount: 1000, Currency: "BHD"}, {MinorAmount: 0, Currency: "USD"}} {
		res := runFlow(t, pdktest.Call{Flow: v1.Flow_FLOW_AUTHORIZE, Request: &v1.PaymentServiceAuthorizeRequest{Amount: m, PaymentMethod: testCard()}, State: tokenState(later, nil)})
		if res.BuildError.GetKind() != pluginv1.ErrorKind_ERROR_KIND_INVALID_REQUEST || !strings.Contains(res.BuildError.GetMessage(), "amount.") {
			t.Errorf("%v: %v", m, res.BuildError)
		}
	}
}

// TestUnauthorizedAsksForANewTokenOnlyWhenTheTokenIsBad: a 401 saying the
// token is invalid renews it; a 401 of the token endpoint is a credentials error.
func TestUnauthorizedAsksForANewTokenOnlyWhenTheTokenIsBad(t *testing.T) {
	get := &v1.PaymentServiceGetRequest{ConnectorTransactionId: "5O190127TN364715T"}
	for _, body := range []string{`{"error":"invalid_token","error_description":"Token signature verification failed"}`,
		`{"name":"AUTHENTICATION_FAILURE","message":"Authentication failed due to invalid authentication credentials or a missing Authorization header."}`} {
		res := runFlow(t, pdktest.Call{Flow: v1.Flow_FLOW_GET, Request: get, State: tokenState(now.Add(time.Hour), nil), Status: 401, Body: []byte(body)})
		if res.NextStep.GetFlow() != v1.Flow_FLOW_CREATE_ACCESS_TOKEN {
			t.Errorf("%s: %v", body, res.ParseError)
		}
	}
	// The read flows renew it too, and keep PayPal's typed error (with its
	// debug_id) for any other refusal.
	for _, call := range []pdktest.Call{
		{Flow: v1.Flow_FLOW_REFUND_GET, Request: &v1.RefundServiceGetRequest{ConnectorRefundId: "1JU08902781691411"}},
		{Flow: v1.Flow_FLOW_DISPUTE_GET, Request: &v1.DisputeServiceGetRequest{ConnectorDisputeId: "PP-D-27803"}},
	} {
		call.State, call.Status = tokenState(now.Add(time.Hour), nil), 401
		call.Body = []byte(`{"error":"invalid_token","error_description":"Token signature verification failed"}`)
		if res := runFlow(t, call); res.NextStep.GetFlow() != v1.Flow_FLOW_CREATE_ACCESS_TOKEN {
			t.Errorf("%v expired token: %v", call.Flow, res.ParseError)
		}
		call.Status, call.Body = 404, []byte(`{"name":"RESOURCE_NOT_FOUND","message":"The specified resource does not exist.","debug_id":"d1"}`)
		res := runFlow(t, call)
		if res.NextStep != nil || res.ParseError.GetKind() != pluginv1.ErrorKind_ERROR_KIND_NOT_FOUND ||
			res.ParseError.GetDetail().GetConnector().GetRequestId() != "d1" {
			t.Errorf("%v 404: %v %v", call.Flow, res.NextStep, res.ParseError)
		}
	}
	res := runFlow(t, pdktest.Call{Flow: v1.Flow_FLOW_CREATE_ACCESS_TOKEN, Request: &v1.MerchantAuthenticationServiceCreateAccessTokenRequest{}, Status: 401,
		Body: []byte(`{"error":"invalid_token","error_description":"x"}`)})
	if res.ParseError.GetKind() != pluginv1.ErrorKind_ERROR_KIND_CREDENTIALS {
		t.Errorf("token endpoint 401: %v %v", res.NextStep, res.ParseError)
	}
	res = runFlow(t, pdktest.Call{Flow: v1.Flow_FLOW_CREATE_ACCESS_TOKEN, Request: &v1.MerchantAuthenticationServiceCreateAccessTokenRequest{},
		Credentials: map[string]string{"client_id": testClientID}})
	if res.BuildError.GetKind() != pluginv1.ErrorKind_ERROR_KIND_CREDENTIALS || !strings.Contains(res.BuildError.GetMessage(), "client_secret") {
		t.Errorf("missing secret: %v", res.BuildError)
	}
}

// TestCreateOrderAndAuthorizeKeysDiffer: CreateOrder and an Authorize with
// the same merchant id (fixtures 03 and 04 both use order_1) create two
// different orders, so they must not share a PayPal-Request-Id: PayPal
// answers a reused one with the first request's order, and the card of the
// Authorize would never be charged.
func TestCreateOrderAndAuthorizeKeysDiffer(t *testing.T) {
	st := tokenState(now.Add(time.Hour), nil)
	created := runFlow(t, pdktest.Call{Flow: v1.Flow_FLOW_CREATE_ORDER, State: st,
		Request: &v1.PaymentServiceCreateOrderRequest{MerchantOrderId: "pay_1", Amount: usd(1000), ReturnUrl: "https://merchant.example/return"}})
	authorized := runFlow(t, pdktest.Call{Flow: v1.Flow_FLOW_AUTHORIZE, State: st,
		Request: &v1.PaymentServiceAuthorizeRequest{MerchantTransactionId: "pay_1", Amount: usd(1000), PaymentMethod: testCard()}})
	if created.HTTP == nil || authorized.HTTP == nil {
		t.Fatalf("build: %v %v", created.BuildError, authorized.BuildError)
	}
	k1, k2 := pdktest.HeaderValue(created.HTTP, "PayPal-Request-Id"), pdktest.HeaderValue(authorized.HTTP, "PayPal-Request-Id")
	if k1 == "" || k1 == k2 {
		t.Fatalf("CreateOrder key %q, Authorize key %q: one key for two orders", k1, k2)
	}
}

// TestDisputeStageIsTheUnifiedVocabulary: dispute_life_cycle_stage
// (INQUIRY, CHARGEBACK, PRE_ARBITRATION, ARBITRATION) is answered in the
// unified stage vocabulary (inquiry, chargeback, pre_arbitration,
// arbitration), as the other connectors answer it; an inquiry awaiting the
// seller stays INQUIRY.
func TestDisputeStageIsTheUnifiedVocabulary(t *testing.T) {
	for stage, want := range map[string]struct {
		stage  string
		status v1.DisputeStatus
	}{
		"INQUIRY":         {"inquiry", v1.DisputeStatus_DISPUTE_STATUS_INQUIRY},
		"CHARGEBACK":      {"chargeback", v1.DisputeStatus_DISPUTE_STATUS_NEEDS_RESPONSE},
		"PRE_ARBITRATION": {"pre_arbitration", v1.DisputeStatus_DISPUTE_STATUS_NEEDS_RESPONSE},
		"ARBITRATION":     {"arbitration", v1.DisputeStatus_DISPUTE_STATUS_NEEDS_RESPONSE},
	} {
		body := `{"dispute_id":"PP-D-27803","status":"WAITING_FOR_SELLER_RESPONSE","dispute_life_cycle_stage":"` + stage +
			`","dispute_amount":{"currency_code":"USD","value":"10.00"}}`
		res := runFlow(t, pdktest.Call{Flow: v1.Flow_FLOW_DISPUTE_GET, Request: &v1.DisputeServiceGetRequest{ConnectorDisputeId: "PP-D-27803"},
			State: tokenState(now.Add(time.Hour), nil), Status: 200, Body: []byte(body)})
		got, ok := res.Response.(*v1.DisputeServiceGetResponse)
		if !ok || got.GetStage() != want.stage || got.GetStatus() != want.status {
			t.Errorf("%s: %v %v, want stage %q status %v", stage, res.Response, res.ParseError, want.stage, want.status)
		}
	}
}

// TestVerifyRedirectCompletesTheOrderAsAuthorizeAsked: a VerifyRedirectResponse
// without capture_method (the proto: UNSPECIFIED uses the capture method
// remembered in the state Authorize returned) authorizes an order created
// with intent AUTHORIZE instead of capturing it; without that state it
// captures, as before.
func TestVerifyRedirectCompletesTheOrderAsAuthorizeAsked(t *testing.T) {
	later := now.Add(time.Hour)
	auth := runFlow(t, pdktest.Call{Flow: v1.Flow_FLOW_AUTHORIZE, State: tokenState(later, nil), Status: 201,
		Request: &v1.PaymentServiceAuthorizeRequest{MerchantTransactionId: "pay_2", Amount: usd(1000), CaptureMethod: v1.CaptureMethod_CAPTURE_METHOD_MANUAL,
			ReturnUrl: "https://merchant.example/return",
			PaymentMethod: &v1.PaymentMethod{Method: &v1.PaymentMethod_Wallet{Wallet: &v1.Wallet{
				Wallet: &v1.Wallet_Paypal{Paypal: &v1.PayPalWallet{}}}}}},
		Body: []byte(`{"id":"5O190127TN364715T","intent":"AUTHORIZE","status":"PAYER_ACTION_REQUIRED",
			"purchase_units":[{"amount":{"currency_code":"USD","value":"10.00"}}],
			"links":[{"rel":"payer-action","href":"https://www.sandbox.paypal.com/checkoutnow?token=5O190127TN364715T"}]}`)})
	resp, ok := auth.Response.(*v1.PaymentServiceAuthorizeResponse)
	if !ok {
		t.Fatalf("authorize: %v %v %v", auth.BuildError, auth.ParseError, auth.Response)
	}
	verify := &v1.PaymentServiceVerifyRedirectResponseRequest{ConnectorTransactionId: "5O190127TN364715T",
		Params: map[string]string{"token": "5O190127TN364715T"}}
	for name, c := range map[string]struct {
		vals map[string]string
		want string
	}{
		"state of the authorize": {resp.GetState().GetValues(), "/v2/checkout/orders/5O190127TN364715T/authorize"},
		"no state":               {nil, "/v2/checkout/orders/5O190127TN364715T/capture"},
		"state of another order": {map[string]string{"paypal.order_id": "OTHER", "paypal.intent": "AUTHORIZE"}, "/v2/checkout/orders/5O190127TN364715T/capture"},
	} {
		res := runFlow(t, pdktest.Call{Flow: v1.Flow_FLOW_VERIFY_REDIRECT_RESPONSE, Request: verify, State: tokenState(later, c.vals)})
		if res.HTTP == nil || !strings.HasSuffix(res.HTTP.GetUrl(), c.want) {
			t.Errorf("%s: %v %v, want POST %s", name, res.HTTP.GetUrl(), res.BuildError, c.want)
		}
	}
}

// TestTextEvidenceIsSentAsNotes: PayPal takes JPG, GIF, PNG and PDF evidence
// files only (https://developer.paypal.com/platforms/disputes/reference/supported-file-types-sizes);
// text evidence is an evidence's notes (customer_disputes_v1 evidence.notes,
// at most 2000 characters) in the form's JSON part "input". So a text is
// never uploaded as a .txt file, a file keeps its own part and name, the
// caller's connector_evidence_type wins over the type's mapping, and notes
// longer than PayPal takes are refused before sending.
func TestTextEvidenceIsSentAsNotes(t *testing.T) {
	req := &v1.DisputeServiceSubmitEvidenceRequest{ConnectorDisputeId: "PP-D-27803", MerchantRequestId: "ev_1", Evidence: []*v1.EvidenceDocument{
		{Type: v1.EvidenceType_EVIDENCE_TYPE_SHIPPING_DOCUMENTATION, Text: "Delivered 2026-01-01"},
		{Type: v1.EvidenceType_EVIDENCE_TYPE_RECEIPT, Content: []byte("%PDF-1.4 receipt"), MimeType: "application/pdf"},
		{Type: v1.EvidenceType_EVIDENCE_TYPE_CUSTOMER_COMMUNICATION, Text: "Customer confirmed receipt by e-mail", ConnectorEvidenceType: "MERCHANT_RESPONSE"},
		{Type: v1.EvidenceType_EVIDENCE_TYPE_UNCATEGORIZED, Text: "See the attached receipt"},
	}}
	res := runFlow(t, pdktest.Call{Flow: v1.Flow_FLOW_DISPUTE_SUBMIT_EVIDENCE, Request: req, State: tokenState(now.Add(time.Hour), nil)})
	if res.HTTP == nil {
		t.Fatalf("build: %v", res.BuildError)
	}
	_, params, err := mime.ParseMediaType(pdktest.HeaderValue(res.HTTP, "Content-Type"))
	if err != nil {
		t.Fatal(err)
	}
	type part struct{ name, file, ctype, body string }
	var got []part
	r := multipart.NewReader(bytes.NewReader(res.HTTP.GetBody()), params["boundary"])
	for {
		p, err := r.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(p)
		got = append(got, part{p.FormName(), p.FileName(), p.Header.Get("Content-Type"), string(b)})
	}
	want := []part{
		{"input", "", "application/json", `{"evidences":[{"evidence_type":"PROOF_OF_FULFILLMENT","notes":"Delivered 2026-01-01"},` +
			`{"evidence_type":"MERCHANT_RESPONSE","notes":"Customer confirmed receipt by e-mail"},{"evidence_type":"OTHER","notes":"See the attached receipt"}]}`},
		{"evidence-file", "receipt.pdf", "application/pdf", "%PDF-1.4 receipt"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("parts:\n%+v\nwant\n%+v", got, want)
	}

	long := &v1.DisputeServiceSubmitEvidenceRequest{ConnectorDisputeId: "PP-D-27803", MerchantRequestId: "ev_2", Evidence: []*v1.EvidenceDocument{
		{Type: v1.EvidenceType_EVIDENCE_TYPE_UNCATEGORIZED, Text: strings.Repeat("x", 2001)}}}
	res = runFlow(t, pdktest.Call{Flow: v1.Flow_FLOW_DISPUTE_SUBMIT_EVIDENCE, Request: long, State: tokenState(now.Add(time.Hour), nil)})
	if e := res.GetBuildError(); e.GetKind() != pluginv1.ErrorKind_ERROR_KIND_INVALID_REQUEST || !strings.Contains(e.GetMessage(), "evidence[0].text") {
		t.Fatalf("notes of 2001 characters: %v, want INVALID_REQUEST naming evidence[0].text", e)
	}
}

// TestBankRedirectOrderCompletesOnApproval: PayPal requires
// processing_instruction ORDER_COMPLETE_ON_PAYMENT_APPROVAL on an order
// created with an alternative payment method as payment_source (Orders v2:
// orders.create answers 422 ORDER_COMPLETE_ON_PAYMENT_APPROVAL without it)
// and then captures the order itself once the payer approves. So a bank
// redirect order carries it (a card order does not), the Authorize state
// remembers it, and the VerifyRedirectResponse after the bank reads the
// order (GET) instead of capturing it a second time.
func TestBankRedirectOrderCompletesOnApproval(t *testing.T) {
	later := now.Add(time.Hour)
	ideal := &v1.PaymentServiceAuthorizeRequest{MerchantTransactionId: "pay_3", Amount: &v1.Money{MinorAmount: 1000, Currency: "EUR"},
		ReturnUrl: "https://merchant.example/return", BillingAddress: &v1.Address{FirstName: "Jan", LastName: "de Vries", Country: "NL"},
		PaymentMethod: &v1.PaymentMethod{Method: &v1.PaymentMethod_BankRedirect{BankRedirect: &v1.BankRedirect{Kind: v1.BankRedirectKind_BANK_REDIRECT_KIND_IDEAL}}}}
	auth := runFlow(t, pdktest.Call{Flow: v1.Flow_FLOW_AUTHORIZE, State: tokenState(later, nil), Request: ideal, Status: 200,
		Body: []byte(`{"id":"5O190127TN364715T","intent":"CAPTURE","status":"PAYER_ACTION_REQUIRED",
			"purchase_units":[{"amount":{"currency_code":"EUR","value":"10.00"}}],
			"links":[{"rel":"payer-action","href":"https://www.sandbox.paypal.com/checkoutnow?token=5O190127TN364715T"}]}`)})
	if !strings.Contains(string(auth.HTTP.GetBody()), `"processing_instruction":"ORDER_COMPLETE_ON_PAYMENT_APPROVAL"`) {
		t.Fatalf("iDEAL order body = %s", auth.HTTP.GetBody())
	}
	resp, ok := auth.Response.(*v1.PaymentServiceAuthorizeResponse)
	if !ok || resp.GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_AUTHENTICATION_PENDING {
		t.Fatalf("authorize: %v %v %v", auth.BuildError, auth.ParseError, auth.Response)
	}
	card := runFlow(t, pdktest.Call{Flow: v1.Flow_FLOW_AUTHORIZE, State: tokenState(later, nil), Request: &v1.PaymentServiceAuthorizeRequest{
		MerchantTransactionId: "pay_4", Amount: usd(1000), PaymentMethod: &v1.PaymentMethod{Method: &v1.PaymentMethod_Card{Card: &v1.Card{
			Number: "4111111111111111", ExpMonth: 3, ExpYear: 2030, Cvc: "123", HolderName: "Jane Doe"}}}}})
	if card.HTTP == nil || strings.Contains(string(card.HTTP.GetBody()), "processing_instruction") {
		t.Fatalf("card order: %v, body without processing_instruction expected", card.BuildError)
	}

	verify := &v1.PaymentServiceVerifyRedirectResponseRequest{ConnectorTransactionId: "5O190127TN364715T", Amount: &v1.Money{MinorAmount: 1000, Currency: "EUR"},
		Params: map[string]string{"token": "5O190127TN364715T"}}
	done := runFlow(t, pdktest.Call{Flow: v1.Flow_FLOW_VERIFY_REDIRECT_RESPONSE, Request: verify, State: tokenState(later, resp.GetState().GetValues()), Status: 200,
		Body: []byte(`{"id":"5O190127TN364715T","intent":"CAPTURE","status":"COMPLETED","processing_instruction":"ORDER_COMPLETE_ON_PAYMENT_APPROVAL",
			"purchase_units":[{"amount":{"currency_code":"EUR","value":"10.00"},"payments":{"captures":[{"id":"42311647XV020574X","status":"COMPLETED",
			"amount":{"currency_code":"EUR","value":"10.00"}}]}}]}`)})
	if done.HTTP.GetMethod() != "GET" || !strings.HasSuffix(done.HTTP.GetUrl(), "/v2/checkout/orders/5O190127TN364715T") {
		t.Fatalf("after the bank: %s %s, want GET of the order", done.HTTP.GetMethod(), done.HTTP.GetUrl())
	}
	if out, _ := done.Response.(*v1.PaymentServiceVerifyRedirectResponseResponse); out.GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_CHARGED {
		t.Fatalf("after the bank: %v %v", done.Response, done.Err)
	}
}
