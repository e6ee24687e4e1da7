//go:build !wasip1

package braintree

// End to end through the real host: the plugin is built to .wasm, served by
// host/app (internal/hosttest) and called through the generated Connect
// clients; it talks to fakeBraintree, a GraphQL endpoint that records every
// request so each test checks it field by field.

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"

	"connectrpc.com/connect"

	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/gen/connectorhost/v1/connectorhostv1connect"
	"github.com/connectorhost/connector-host/internal/hosttest"
)

// exchange is one request the fake received.
type exchange struct {
	method, path string
	header       http.Header
	query        string
	variables    map[string]any
}

// fakeBraintree answers POST /graphql with the answer queued for the
// operation (the field after "{" in the query) and records each request.
type fakeBraintree struct {
	*httptest.Server
	mu      sync.Mutex
	got     []exchange
	answers map[string]string
}

func newFakeBraintree(t *testing.T) *fakeBraintree {
	f := &fakeBraintree{answers: map[string]string{}}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		dec := json.NewDecoder(strings.NewReader(string(raw)))
		dec.DisallowUnknownFields()
		var b graphqlBody
		if err := dec.Decode(&b); err != nil {
			t.Errorf("fake Braintree: body %s: %v", raw, err)
		}
		op := operation(b.Query)
		f.mu.Lock()
		f.got = append(f.got, exchange{r.Method, r.URL.Path, r.Header.Clone(), b.Query, b.Variables})
		answer, ok := f.answers[op]
		f.mu.Unlock()
		if !ok {
			t.Errorf("fake Braintree: no answer queued for %q", op)
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, answer)
	}))
	t.Cleanup(f.Close)
	return f
}

// operation is the first field selected by a query or mutation.
func operation(q string) string {
	_, rest, _ := strings.Cut(q, "{ ")
	name, _, _ := strings.Cut(rest, "(")
	return strings.TrimSpace(name)
}

func (f *fakeBraintree) answer(op, body string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.answers[op] = body
}

// take returns the one request received since the last take, after
// checking its transport: POST /graphql, Basic auth of the key pair,
// Braintree-Version and JSON.
func (f *fakeBraintree) take(t *testing.T, op string) exchange {
	t.Helper()
	f.mu.Lock()
	got := f.got
	f.got = nil
	f.mu.Unlock()
	if len(got) != 1 || operation(got[0].query) != op {
		var ops []string
		for _, g := range got {
			ops = append(ops, operation(g.query))
		}
		t.Fatalf("Braintree received %v, want [%s]", ops, op)
	}
	ex := got[0]
	if ex.method != "POST" || ex.path != "/graphql" {
		t.Fatalf("request = %s %s", ex.method, ex.path)
	}
	for name, want := range map[string]string{"Authorization": "Basic " + docBasicToken, "Braintree-Version": APIVersion, "Content-Type": "application/json"} {
		if g := ex.header.Get(name); g != want {
			t.Fatalf("%s: header %s = %q, want %q", op, name, g, want)
		}
	}
	return ex
}

// wantVars compares a request's variables with the JSON want exactly.
func wantVars(t *testing.T, ex exchange, want string) {
	t.Helper()
	var w map[string]any
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(ex.variables, w) {
		got, _ := json.Marshal(ex.variables)
		t.Fatalf("variables =\n %s\nwant\n %s", got, want)
	}
}

func bt[T any](t *testing.T, msg *T) *connect.Request[T] {
	t.Helper()
	auth, _ := json.Marshal(testCredentials())
	r := connect.NewRequest(msg)
	r.Header().Set("x-connector", "braintree")
	r.Header().Set("x-connector-auth", string(auth))
	return r
}

func ok[T any](t *testing.T) func(*connect.Response[T], error) *T {
	return func(res *connect.Response[T], err error) *T {
		t.Helper()
		if err != nil {
			t.Fatalf("RPC failed: %v", err)
		}
		return res.Msg
	}
}

const txJSON = `{"id":"%s","status":"%s","orderId":"order_e2e","amount":{"value":"%s","currencyCode":"USD"},"processorResponse":{"legacyCode":"1000","message":"Approved"},"paymentMethod":%s,"customer":null}`

func txAnswer(field, id, status, value, pm string) string {
	return `{"data":{"` + field + `":{"transaction":` + sprintf(txJSON, id, status, value, pm) + `}},"extensions":{"requestId":"r"}}`
}

func sprintf(format string, args ...string) string {
	for _, a := range args {
		format = strings.Replace(format, "%s", a, 1)
	}
	return format
}

// TestHostEndToEnd runs every flow through the host against the fake and
// checks each GraphQL request Braintree receives, field by field.
func TestHostEndToEnd(t *testing.T) {
	fake := newFakeBraintree(t)
	base, hc := hosttest.Start(t, "braintree", fake.URL), http.DefaultClient
	payments := connectorhostv1connect.NewPaymentServiceClient(hc, base)
	recurring := connectorhostv1connect.NewRecurringPaymentServiceClient(hc, base)
	customers := connectorhostv1connect.NewCustomerServiceClient(hc, base)
	methods := connectorhostv1connect.NewPaymentMethodServiceClient(hc, base)
	disputes := connectorhostv1connect.NewDisputeServiceClient(hc, base)
	events := connectorhostv1connect.NewEventServiceClient(hc, base)
	ctx := t.Context()

	// Authorize (manual capture) and keep the card for later.
	fake.answer("authorizePaymentMethod", txAnswer("authorizePaymentMethod", "tx_e2e", "AUTHORIZED", "42.50", `{"id":"pm_vaulted"}`))
	auth := ok[v1.PaymentServiceAuthorizeResponse](t)(payments.Authorize(ctx, bt(t, &v1.PaymentServiceAuthorizeRequest{
		MerchantTransactionId: "order_e2e", Amount: usd(4250), PaymentMethod: token("fake-valid-nonce"),
		CaptureMethod: v1.CaptureMethod_CAPTURE_METHOD_MANUAL, SetupFutureUsage: v1.FutureUsage_FUTURE_USAGE_OFF_SESSION})))
	ex := fake.take(t, "authorizePaymentMethod")
	wantVars(t, ex, `{"input":{"clientMutationId":"order_e2e","paymentMethodId":"fake-valid-nonce","transaction":{"amount":"42.50","orderId":"order_e2e","vaultPaymentMethodAfterTransacting":{"when":"ON_SUCCESSFUL_TRANSACTION"}}}}`)
	if ex.header.Get("Idempotency-Key") != "authorizePaymentMethod:order_e2e" {
		t.Fatalf("Idempotency-Key = %q", ex.header.Get("Idempotency-Key"))
	}
	if auth.GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZED || auth.GetConnectorTransactionId() != "tx_e2e" ||
		auth.GetAmount().GetMinorAmount() != 4250 || auth.GetMandate().GetConnectorMandateId() != "pm_vaulted" {
		t.Fatalf("authorize = %v", auth)
	}

	// Capture part of it.
	fake.answer("captureTransaction", txAnswer("captureTransaction", "tx_e2e", "SUBMITTED_FOR_SETTLEMENT", "40.00", "null"))
	capt := ok[v1.PaymentServiceCaptureResponse](t)(payments.Capture(ctx, bt(t, &v1.PaymentServiceCaptureRequest{
		ConnectorTransactionId: "tx_e2e", AmountToCapture: usd(4000), MerchantCaptureId: "cap_e2e"})))
	wantVars(t, fake.take(t, "captureTransaction"), `{"input":{"clientMutationId":"cap_e2e","transactionId":"tx_e2e","transaction":{"amount":"40.00"}}}`)
	if capt.GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_CHARGED || capt.GetCapturedAmount().GetMinorAmount() != 4000 {
		t.Fatalf("capture = %v", capt)
	}

	// Refund some of it.
	fake.answer("refundTransaction", `{"data":{"refundTransaction":{"refund":{"id":"rf_e2e","status":"SETTLED","orderId":"rf_1","amount":{"value":"5.00","currencyCode":"USD"},"refundedTransaction":{"id":"tx_e2e"}}}}}`)
	rf := ok[v1.PaymentServiceRefundResponse](t)(payments.Refund(ctx, bt(t, &v1.PaymentServiceRefundRequest{
		ConnectorTransactionId: "tx_e2e", MerchantRefundId: "rf_1", RefundAmount: usd(500)})))
	wantVars(t, fake.take(t, "refundTransaction"), `{"input":{"clientMutationId":"rf_1","transactionId":"tx_e2e","refund":{"amount":"5.00","orderId":"rf_1"}}}`)
	if rf.GetStatus() != v1.RefundStatus_REFUND_STATUS_SUCCEEDED || rf.GetConnectorRefundId() != "rf_e2e" {
		t.Fatalf("refund = %v", rf)
	}

	refunds := connectorhostv1connect.NewRefundServiceClient(hc, base)
	fake.answer("node", `{"data":{"node":{"id":"rf_e2e","status":"SETTLED","amount":{"value":"5.00","currencyCode":"USD"},"refundedTransaction":{"id":"tx_e2e"}}}}`)
	rg := ok[v1.RefundServiceGetResponse](t)(refunds.Get(ctx, bt(t, &v1.RefundServiceGetRequest{ConnectorRefundId: "rf_e2e"})))
	if ex := fake.take(t, "node"); !strings.Contains(ex.query, "... on Refund {") {
		t.Fatalf("refund get query = %s", ex.query)
	}
	if rg.GetStatus() != v1.RefundStatus_REFUND_STATUS_SUCCEEDED || rg.GetConnectorTransactionId() != "tx_e2e" || rg.GetRefundAmount().GetMinorAmount() != 500 {
		t.Fatalf("refund get = %v", rg)
	}

	// Get it.
	fake.answer("node", `{"data":{"node":`+sprintf(txJSON, "tx_e2e", "SETTLED", "40.00", "null")+`}}`)
	got := ok[v1.PaymentServiceGetResponse](t)(payments.Get(ctx, bt(t, &v1.PaymentServiceGetRequest{ConnectorTransactionId: "tx_e2e"})))
	wantVars(t, fake.take(t, "node"), `{"id":"tx_e2e"}`)
	if got.GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_CHARGED || got.GetMerchantTransactionId() != "order_e2e" {
		t.Fatalf("get = %v", got)
	}

	// Void another one.
	fake.answer("reverseTransaction", `{"data":{"reverseTransaction":{"reversal":`+strings.Replace(sprintf(txJSON, "tx_void", "VOIDED", "1.00", "null"), "{", `{"__typename":"Transaction",`, 1)+`}}}`)
	vd := ok[v1.PaymentServiceVoidResponse](t)(payments.Void(ctx, bt(t, &v1.PaymentServiceVoidRequest{ConnectorTransactionId: "tx_void", MerchantVoidId: "void_e2e"})))
	wantVars(t, fake.take(t, "reverseTransaction"), `{"input":{"clientMutationId":"void_e2e","transactionId":"tx_void"}}`)
	if vd.GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_VOIDED {
		t.Fatalf("void = %v", vd)
	}

	// Customer, vault, and a merchant-initiated charge of the vaulted card.
	fake.answer("createCustomer", `{"data":{"createCustomer":{"customer":{"id":"cust_e2e"}}}}`)
	cu := ok[v1.CustomerServiceCreateResponse](t)(customers.Create(ctx, bt(t, &v1.CustomerServiceCreateRequest{
		MerchantRequestId: "cust_req", Customer: &v1.Customer{Name: "Jane Doe", Email: "jane@example.com"}})))
	wantVars(t, fake.take(t, "createCustomer"), `{"input":{"clientMutationId":"cust_req","customer":{"firstName":"Jane","lastName":"Doe","email":"jane@example.com"}}}`)
	if cu.GetConnectorCustomerId() != "cust_e2e" {
		t.Fatalf("customer = %v", cu)
	}
	fake.answer("vaultPaymentMethod", `{"data":{"vaultPaymentMethod":{"paymentMethod":{"id":"pm_e2e","usage":"MULTI_USE","customer":{"id":"cust_e2e"},"details":{"__typename":"CreditCardDetails","brandCode":"MASTERCARD","last4":"4444","expirationMonth":"09","expirationYear":"2031"}},"verification":{"id":"v1","status":"VERIFIED"}}}}`)
	tok := ok[v1.PaymentMethodServiceTokenizeResponse](t)(methods.Tokenize(ctx, bt(t, &v1.PaymentMethodServiceTokenizeRequest{
		MerchantRequestId: "tok_e2e", PaymentMethod: token("fake-valid-mastercard-nonce"), Customer: &v1.Customer{ConnectorCustomerId: "cust_e2e"}})))
	wantVars(t, fake.take(t, "vaultPaymentMethod"), `{"input":{"clientMutationId":"tok_e2e","paymentMethodId":"fake-valid-mastercard-nonce","customerId":"cust_e2e"}}`)
	if tok.GetPaymentMethodToken() != "pm_e2e" || tok.GetCardLast4() != "4444" || tok.GetCardNetwork() != v1.CardNetwork_CARD_NETWORK_MASTERCARD || tok.GetCardExpMonth() != 9 {
		t.Fatalf("tokenize = %v", tok)
	}
	fake.answer("chargePaymentMethod", txAnswer("chargePaymentMethod", "tx_rec", "SUBMITTED_FOR_SETTLEMENT", "9.99", "null"))
	rc := ok[v1.RecurringPaymentServiceChargeResponse](t)(recurring.Charge(ctx, bt(t, &v1.RecurringPaymentServiceChargeRequest{
		MerchantTransactionId: "sub_e2e", Amount: usd(999), Mandate: &v1.MandateReference{ConnectorMandateId: "pm_e2e"}})))
	wantVars(t, fake.take(t, "chargePaymentMethod"), `{"input":{"clientMutationId":"sub_e2e","paymentMethodId":"pm_e2e","transaction":{"amount":"9.99","orderId":"sub_e2e","paymentInitiator":"RECURRING"}}}`)
	if rc.GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_CHARGED || rc.GetConnectorTransactionId() != "tx_rec" {
		t.Fatalf("recurring charge = %v", rc)
	}

	// A decline (GraphQL error, HTTP 200) is a response with the three layers.
	fake.answer("chargePaymentMethod", `{"data":{"chargePaymentMethod":null},"errors":[{"message":"Insufficient Funds","extensions":{"errorClass":"VALIDATION","legacyCode":"2001","inputPath":["input","paymentMethodId"]}}]}`)
	dec := ok[v1.PaymentServiceAuthorizeResponse](t)(payments.Authorize(ctx, bt(t, &v1.PaymentServiceAuthorizeRequest{
		MerchantTransactionId: "order_dec", Amount: usd(200100), PaymentMethod: token("fake-processor-declined-visa-nonce")})))
	fake.take(t, "chargePaymentMethod")
	if dec.GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZATION_FAILED || dec.GetError().GetCode() != v1.ErrorCode_ERROR_CODE_INSUFFICIENT_FUNDS ||
		dec.GetError().GetConnector().GetCode() != "2001" {
		t.Fatalf("decline = %v", dec)
	}

	// Dispute: add text evidence, then finalize.
	fake.answer("createDisputeTextEvidence", `{"data":{"createDisputeTextEvidence":{"evidence":{"id":"ev_e2e"}}}}`)
	se := ok[v1.DisputeServiceSubmitEvidenceResponse](t)(disputes.SubmitEvidence(ctx, bt(t, &v1.DisputeServiceSubmitEvidenceRequest{
		ConnectorDisputeId: "dp_e2e", MerchantRequestId: "ev_req", Evidence: []*v1.EvidenceDocument{{Type: v1.EvidenceType_EVIDENCE_TYPE_RECEIPT, Text: "signed delivery receipt"}}})))
	wantVars(t, fake.take(t, "createDisputeTextEvidence"), `{"input":{"clientMutationId":"ev_req","disputeId":"dp_e2e","category":"GENERAL","content":"signed delivery receipt"}}`)
	if len(se.GetSubmittedEvidenceIds()) != 1 || se.GetSubmittedEvidenceIds()[0] != "ev_e2e" {
		t.Fatalf("submit evidence = %v", se)
	}
	fake.answer("finalizeDispute", `{"data":{"finalizeDispute":{"dispute":{"id":"dp_e2e","status":"DISPUTED","type":"CHARGEBACK","processorResponse":{"reason":"FRAUD"},"amountDisputed":{"value":"40.00","currencyCode":"USD"},"transaction":{"id":"tx_e2e"}}}}}`)
	df := ok[v1.DisputeServiceDefendResponse](t)(disputes.Defend(ctx, bt(t, &v1.DisputeServiceDefendRequest{ConnectorDisputeId: "dp_e2e"})))
	wantVars(t, fake.take(t, "finalizeDispute"), `{"input":{"disputeId":"dp_e2e"}}`)
	if df.GetStatus() != v1.DisputeStatus_DISPUTE_STATUS_UNDER_REVIEW {
		t.Fatalf("defend = %v", df)
	}

	// Bad credentials are an RPC error that never echoes the private key.
	fake.answer("node", `{"data":null,"errors":[{"message":"Authentication credentials are invalid","extensions":{"errorClass":"AUTHENTICATION"}}]}`)
	_, err := disputes.Get(ctx, bt(t, &v1.DisputeServiceGetRequest{ConnectorDisputeId: "dp_1"}))
	fake.take(t, "node")
	if err == nil || strings.Contains(err.Error(), docPrivateKey) {
		t.Fatalf("authentication error = %v", err)
	}

	// A signed notification is verified by HandleEvent and read by ParseEvent.
	body, _ := sample(docPublicKey, docPrivateKey, settledXML, "")
	wh := &v1.WebhookRequest{Method: "POST", Url: "https://merchant.example/webhooks/braintree", Body: []byte(body),
		Headers: []*v1.HttpHeader{{Name: "Content-Type", Value: "application/x-www-form-urlencoded"}}}
	he := ok[v1.EventServiceHandleEventResponse](t)(events.HandleEvent(ctx, bt(t, &v1.EventServiceHandleEventRequest{Webhook: wh})))
	if len(he.GetEvents()) != 1 || !he.GetEvents()[0].GetVerified() || he.GetEvents()[0].GetPayment().GetConnectorTransactionId() != "my_id" {
		t.Fatalf("handle event = %v", he)
	}
	pe := ok[v1.EventServiceParseEventResponse](t)(events.ParseEvent(ctx, bt(t, &v1.EventServiceParseEventRequest{Webhook: wh})))
	if len(pe.GetEvents()) != 1 || pe.GetEvents()[0].GetReferences().GetConnectorTransactionId() != "my_id" {
		t.Fatalf("parse event = %v", pe)
	}
	forged := strings.Replace(body, "bt_payload=PG", "bt_payload=PH", 1)
	if _, err := events.HandleEvent(ctx, bt(t, &v1.EventServiceHandleEventRequest{Webhook: &v1.WebhookRequest{Method: "POST", Body: []byte(forged)}})); err == nil {
		t.Fatal("a forged notification was accepted")
	}
}
