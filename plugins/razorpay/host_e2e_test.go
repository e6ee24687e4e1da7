//go:build !wasip1

package razorpay_test

// End to end through the real host: the plugin is built to .wasm, served by
// host/app on a loopback port (internal/hosttest), called through the
// generated Connect clients, and talks to a fake Razorpay that records every
// request. Each test checks the requests field by field against the shapes
// of Razorpay's API documentation (the same pages the fixtures cite), and
// the host's next steps (CreateOrder, CreateCustomer) as Razorpay sees them.

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"connectrpc.com/connect"

	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/gen/connectorhost/v1/connectorhostv1connect"
	"github.com/connectorhost/connector-host/internal/hosttest"
	"github.com/connectorhost/connector-host/pdk/sig"
)

const (
	testKeyID         = "rzp_test_e2eKeyId7Q"
	testKeySecret     = "rzp_e2e_key_secret_5b7f0c"
	testWebhookSecret = "whsec_rzp_e2e_webhook_3c9d"
	testCard          = "4111111111111111"
)

// exchange is one request the fake received.
type exchange struct {
	method, path, idemKey, auth string
	body                        map[string]any
}

// fakeRazorpay answers like Razorpay's documented examples, echoing the request.
type fakeRazorpay struct {
	t   *testing.T
	mu  sync.Mutex
	got []exchange
	n   int
}

func (f *fakeRazorpay) id(prefix string) string {
	f.n++
	return fmt.Sprintf("%s_E2e%011d", prefix, f.n)
}

func (f *fakeRazorpay) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	raw, _ := io.ReadAll(r.Body)
	ex := exchange{method: r.Method, path: r.URL.Path, idemKey: r.Header.Get("X-Refund-Idempotency"), auth: r.Header.Get("Authorization")}
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &ex.body); err != nil {
			f.t.Errorf("%s %s: body is not JSON: %v", r.Method, r.URL.Path, err)
		}
		if ct := r.Header.Get("Content-Type"); ct != "application/json" {
			f.t.Errorf("%s %s: Content-Type %q", r.Method, r.URL.Path, ct)
		}
	}
	f.mu.Lock()
	f.got = append(f.got, ex)
	status, answer := f.answer(ex)
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(answer)
}

func payment(id, status string, amount any) map[string]any {
	return map[string]any{"id": id, "entity": "payment", "amount": amount, "currency": "INR", "status": status,
		"order_id": "order_E2e00000000001", "method": "card", "amount_refunded": 0, "captured": status == "captured",
		"email": "gaurav.kumar@example.com", "contact": "+919000090000", "error_code": nil, "created_at": 1606985209}
}

func (f *fakeRazorpay) answer(ex exchange) (int, any) {
	b := ex.body
	switch {
	case ex.method == "POST" && ex.path == "/v1/orders":
		return 200, map[string]any{"id": f.id("order"), "entity": "order", "amount": b["amount"], "amount_paid": 0, "amount_due": b["amount"],
			"currency": b["currency"], "receipt": b["receipt"], "status": "created", "attempts": 0, "created_at": 1642662092}
	case ex.method == "POST" && ex.path == "/v1/customers":
		return 200, map[string]any{"id": f.id("cust"), "entity": "customer", "name": b["name"], "email": b["email"], "contact": b["contact"], "created_at": 1582033731}
	case ex.method == "POST" && ex.path == "/v1/payments/create/json":
		id := f.id("pay")
		if b["email"] == "decline@example.com" { // the documented failed-payment error
			return 400, map[string]any{"error": map[string]any{"code": "BAD_REQUEST_ERROR", "description": "Payment failed due to insufficient balance.",
				"source": "customer", "step": "payment_authorization", "reason": "insufficient_balance", "metadata": map[string]any{"payment_id": id, "order_id": b["order_id"]}}}
		}
		if upi, _ := b["upi"].(map[string]any); upi != nil {
			if upi["flow"] == "intent" {
				return 200, map[string]any{"razorpay_payment_id": id, "next": []any{map[string]any{"action": "intent", "url": "upi://pay?pa=upi@razopay&am=1.00&cu=INR"}}}
			}
			return 200, map[string]any{"razorpay_payment_id": id, "next": []any{map[string]any{"action": "poll", "url": "https://api.razorpay.com/v1/payments/" + id + "/status"}}}
		}
		return 200, map[string]any{"razorpay_payment_id": id, "next": []any{map[string]any{"action": "redirect", "url": "https://api.razorpay.com/v1/payments/" + id + "/authenticate"}}}
	case ex.method == "POST" && ex.path == "/v1/payments/create/recurring":
		return 200, map[string]any{"razorpay_payment_id": f.id("pay"), "razorpay_order_id": b["order_id"], "razorpay_signature": "9ef4dffbfd84f1318f6739a3ce19f9d85851857ae648f114332d8401e0949a3d"}
	case ex.method == "POST" && strings.HasSuffix(ex.path, "/capture"):
		return 200, payment(strings.Split(ex.path, "/")[3], "captured", b["amount"])
	case ex.method == "POST" && strings.HasSuffix(ex.path, "/refund"):
		return 200, map[string]any{"id": "rfnd_E2e00000000009", "entity": "refund", "amount": b["amount"], "currency": "INR",
			"payment_id": strings.Split(ex.path, "/")[3], "receipt": b["receipt"], "status": "pending", "speed_requested": "normal"}
	case ex.method == "GET" && strings.HasPrefix(ex.path, "/v1/refunds/"):
		return 200, map[string]any{"id": strings.TrimPrefix(ex.path, "/v1/refunds/"), "entity": "refund", "amount": 2000, "currency": "INR",
			"payment_id": "pay_E2e00000000002", "receipt": "refund_e2e_1", "status": "processed"}
	case ex.method == "GET" && strings.HasPrefix(ex.path, "/v1/payments/"):
		p := payment(strings.TrimPrefix(ex.path, "/v1/payments/"), "captured", 50000)
		p["amount_refunded"], p["token_id"], p["customer_id"] = 2000, "token_E2e00000000077", "cust_E2e00000000066"
		return 200, p
	}
	f.t.Errorf("unexpected request %s %s", ex.method, ex.path)
	return 404, map[string]any{"error": map[string]any{"code": "BAD_REQUEST_ERROR", "description": "The requested URL was not found on the server."}}
}

// take returns the requests received since the last call and checks each carried the Basic auth.
func (f *fakeRazorpay) take(t *testing.T, want ...string) []exchange {
	t.Helper()
	f.mu.Lock()
	got := f.got
	f.got = nil
	f.mu.Unlock()
	var names []string
	wantAuth := "Basic " + base64.StdEncoding.EncodeToString([]byte(testKeyID+":"+testKeySecret))
	for _, ex := range got {
		names = append(names, ex.method+" "+ex.path)
		if ex.auth != wantAuth {
			t.Errorf("%s %s: Authorization %q", ex.method, ex.path, ex.auth)
		}
	}
	if strings.Join(names, ", ") != strings.Join(want, ", ") {
		t.Fatalf("Razorpay received [%s], want [%s]", strings.Join(names, ", "), strings.Join(want, ", "))
	}
	return got
}

// wantFields checks body fields one by one (numbers decode as float64).
func wantFields(t *testing.T, what string, body map[string]any, want map[string]any) {
	t.Helper()
	for k, v := range want {
		got, _ := json.Marshal(body[k])
		exp, _ := json.Marshal(v)
		if string(got) != string(exp) {
			t.Errorf("%s: %s = %s, want %s", what, k, got, exp)
		}
	}
}

// call selects the razorpay connector with the test credentials.
func call[T any](t *testing.T, msg *T) *connect.Request[T] {
	return hosttest.Request(t, "razorpay", map[string]string{"key_id": testKeyID, "key_secret": testKeySecret, "webhook_secret": testWebhookSecret}, msg)
}

func inr(minor int64) *v1.Money { return &v1.Money{MinorAmount: minor, Currency: "INR"} }

var gaurav = &v1.Customer{Name: "Gaurav Kumar", Email: "gaurav.kumar@example.com", Phone: "9000090000"}

// TestHostEndToEnd runs every declared flow through one real host.
func TestHostEndToEnd(t *testing.T) {
	fake := &fakeRazorpay{t: t}
	srv := httptest.NewServer(fake)
	defer srv.Close()
	base := hosttest.Start(t, "razorpay", srv.URL)
	c := http.DefaultClient
	payments := connectorhostv1connect.NewPaymentServiceClient(c, base)
	refunds := connectorhostv1connect.NewRefundServiceClient(c, base)
	recurring := connectorhostv1connect.NewRecurringPaymentServiceClient(c, base)
	customers := connectorhostv1connect.NewCustomerServiceClient(c, base)
	events := connectorhostv1connect.NewEventServiceClient(c, base)
	ctx := context.Background()

	t.Run("card authorize creates the order first, then the signed 3DS return, capture, get, refund, refund get", func(t *testing.T) {
		auth := hosttest.RPC(payments.Authorize(ctx, call(t, &v1.PaymentServiceAuthorizeRequest{
			MerchantTransactionId: "order_e2e_1", Amount: inr(50000), CaptureMethod: v1.CaptureMethod_CAPTURE_METHOD_MANUAL, Customer: gaurav,
			PaymentMethod: &v1.PaymentMethod{Method: &v1.PaymentMethod_Card{Card: &v1.Card{Number: testCard, ExpMonth: 3, ExpYear: 2031, Cvc: "123", HolderName: "Gaurav Kumar"}}},
			ReturnUrl:     "https://merchant.example/return", Metadata: map[string]string{"cart": "42"},
		}))).Msg(t)
		ex := fake.take(t, "POST /v1/orders", "POST /v1/payments/create/json")
		wantFields(t, "order", ex[0].body, map[string]any{"amount": 50000, "currency": "INR", "receipt": "order_e2e_1", "unique_receipt": true,
			"payment_capture": false, "notes": map[string]any{"cart": "42"}})
		if ex[0].idemKey != "order_order_e2e_1" || ex[1].idemKey != "payment_order_e2e_1" {
			t.Errorf("idempotency keys = %q, %q", ex[0].idemKey, ex[1].idemKey)
		}
		wantFields(t, "payment", ex[1].body, map[string]any{"amount": 50000, "currency": "INR", "order_id": "order_E2e00000000001",
			"email": "gaurav.kumar@example.com", "contact": "9000090000", "method": "card", "callback_url": "https://merchant.example/return",
			"card":  map[string]any{"number": testCard, "name": "Gaurav Kumar", "expiry_month": "03", "expiry_year": "2031", "cvv": "123"},
			"notes": map[string]any{"cart": "42"}})
		if auth.GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_AUTHENTICATION_PENDING || auth.GetConnectorTransactionId() != "pay_E2e00000000002" ||
			auth.GetNextAction().GetRedirect().GetUrl() != "https://api.razorpay.com/v1/payments/pay_E2e00000000002/authenticate" ||
			auth.GetConnectorReferenceId() != "order_E2e00000000001" {
			t.Fatalf("authorize = %v", auth)
		}
		id := auth.GetConnectorTransactionId()
		if auth.GetState().GetValues()["razorpay_order_id"] != "order_E2e00000000001" {
			t.Fatalf("authorize state = %v", auth.GetState())
		}

		// The shopper returns to callback_url with Razorpay's signed parameters.
		signed := func(order string) map[string]string {
			return map[string]string{"razorpay_payment_id": id, "razorpay_order_id": order,
				"razorpay_signature": sig.HMACSHA256Hex([]byte(testKeySecret), []byte(order+"|"+id))}
		}
		_, err := payments.VerifyRedirectResponse(ctx, call(t, &v1.PaymentServiceVerifyRedirectResponseRequest{
			ConnectorTransactionId: id, State: auth.GetState(), Params: signed("order_E2e00000000099")}))
		if connect.CodeOf(err) != connect.CodeInvalidArgument || !strings.Contains(err.Error(), "params.razorpay_signature") {
			t.Fatalf("a callback signed for another order: %v", err)
		}
		fake.take(t)
		back := hosttest.RPC(payments.VerifyRedirectResponse(ctx, call(t, &v1.PaymentServiceVerifyRedirectResponseRequest{
			ConnectorTransactionId: id, State: auth.GetState(), Amount: inr(50000), Params: signed("order_E2e00000000001")}))).Msg(t)
		fake.take(t, "GET /v1/payments/"+id)
		if back.GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_CHARGED || back.GetAmount().GetMinorAmount() != 50000 {
			t.Fatalf("verify redirect = %v", back)
		}

		capt := hosttest.RPC(payments.Capture(ctx, call(t, &v1.PaymentServiceCaptureRequest{
			ConnectorTransactionId: id, AmountToCapture: inr(50000), MerchantCaptureId: "cap_e2e_1"}))).Msg(t)
		ex = fake.take(t, "POST /v1/payments/"+id+"/capture")
		wantFields(t, "capture", ex[0].body, map[string]any{"amount": 50000, "currency": "INR"})
		if len(ex[0].body) != 2 || capt.GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_CHARGED || capt.GetCapturedAmount().GetMinorAmount() != 50000 {
			t.Fatalf("capture body %v, response %v", ex[0].body, capt)
		}

		got := hosttest.RPC(payments.Get(ctx, call(t, &v1.PaymentServiceGetRequest{ConnectorTransactionId: id}))).Msg(t)
		fake.take(t, "GET /v1/payments/"+id)
		if got.GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_CHARGED || got.GetRefundedAmount().GetMinorAmount() != 2000 ||
			got.GetMandate().GetConnectorMandateId() != "token_E2e00000000077" {
			t.Fatalf("get = %v", got)
		}

		ref := hosttest.RPC(payments.Refund(ctx, call(t, &v1.PaymentServiceRefundRequest{
			ConnectorTransactionId: id, MerchantRefundId: "refund_e2e_1", RefundAmount: inr(2000)}))).Msg(t)
		ex = fake.take(t, "POST /v1/payments/"+id+"/refund")
		wantFields(t, "refund", ex[0].body, map[string]any{"amount": 2000, "speed": "normal", "receipt": "refund_e2e_1"})
		if ex[0].idemKey != "refund_refund_e2e_1" || ref.GetStatus() != v1.RefundStatus_REFUND_STATUS_PENDING || ref.GetConnectorRefundId() != "rfnd_E2e00000000009" {
			t.Fatalf("refund key %q, response %v", ex[0].idemKey, ref)
		}

		rg := hosttest.RPC(refunds.Get(ctx, call(t, &v1.RefundServiceGetRequest{ConnectorRefundId: ref.GetConnectorRefundId(), RefundAmount: inr(2000)}))).Msg(t)
		fake.take(t, "GET /v1/refunds/rfnd_E2e00000000009")
		if rg.GetStatus() != v1.RefundStatus_REFUND_STATUS_SUCCEEDED || rg.GetConnectorTransactionId() != id {
			t.Fatalf("refund get = %v", rg)
		}
	})

	t.Run("UPI intent and collect", func(t *testing.T) {
		intent := hosttest.RPC(payments.Authorize(ctx, call(t, &v1.PaymentServiceAuthorizeRequest{
			MerchantTransactionId: "upi_e2e_1", Amount: inr(100), Customer: gaurav,
			PaymentMethod: &v1.PaymentMethod{Method: &v1.PaymentMethod_Upi{Upi: &v1.Upi{Flow: &v1.Upi_Intent{Intent: true}}}},
		}))).Msg(t)
		ex := fake.take(t, "POST /v1/orders", "POST /v1/payments/create/json")
		wantFields(t, "order", ex[0].body, map[string]any{"payment_capture": true, "receipt": "upi_e2e_1"})
		wantFields(t, "payment", ex[1].body, map[string]any{"method": "upi", "upi": map[string]any{"flow": "intent"}})
		if !strings.HasPrefix(intent.GetNextAction().GetRedirect().GetUrl(), "upi://pay?") {
			t.Fatalf("intent = %v", intent)
		}
		collect := hosttest.RPC(payments.Authorize(ctx, call(t, &v1.PaymentServiceAuthorizeRequest{
			MerchantTransactionId: "upi_e2e_2", Amount: inr(100), Customer: gaurav,
			PaymentMethod: &v1.PaymentMethod{Method: &v1.PaymentMethod_Upi{Upi: &v1.Upi{Flow: &v1.Upi_Vpa{Vpa: "gaurav.kumar@exampleupi"}}}},
		}))).Msg(t)
		ex = fake.take(t, "POST /v1/orders", "POST /v1/payments/create/json")
		wantFields(t, "payment", ex[1].body, map[string]any{"upi": map[string]any{"flow": "collect", "vpa": "gaurav.kumar@exampleupi"}})
		if collect.GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_PENDING || collect.GetNextAction() != nil {
			t.Fatalf("collect = %v", collect)
		}
	})

	t.Run("UPI AutoPay setup creates customer and mandate order, then recurring charge", func(t *testing.T) {
		setup := hosttest.RPC(payments.SetupRecurring(ctx, call(t, &v1.PaymentServiceSetupRecurringRequest{
			MerchantSetupId: "setup_e2e_1", Amount: inr(100), Customer: gaurav, Metadata: map[string]string{"max_amount": "200000"},
			PaymentMethod: &v1.PaymentMethod{Method: &v1.PaymentMethod_Upi{Upi: &v1.Upi{Flow: &v1.Upi_Intent{Intent: true}}}},
		}))).Msg(t)
		ex := fake.take(t, "POST /v1/customers", "POST /v1/orders", "POST /v1/payments/create/json")
		wantFields(t, "customer", ex[0].body, map[string]any{"name": "Gaurav Kumar", "email": "gaurav.kumar@example.com", "contact": "9000090000", "fail_existing": "0"})
		cust := setup.GetMandate().GetConnectorCustomerId()
		wantFields(t, "mandate order", ex[1].body, map[string]any{"amount": 100, "receipt": "setup_e2e_1", "method": "upi", "customer_id": cust,
			"token": map[string]any{"max_amount": 200000, "frequency": "as_presented"}})
		if notes, _ := ex[1].body["notes"].(map[string]any); notes["max_amount"] != nil {
			t.Errorf("max_amount leaked into the notes: %v", ex[1].body)
		}
		wantFields(t, "authorization payment", ex[2].body, map[string]any{"customer_id": cust, "recurring": "1", "order_id": "order_E2e00000000008"})
		if !strings.HasPrefix(cust, "cust_") || setup.GetStatus() != v1.MandateStatus_MANDATE_STATUS_ACTION_REQUIRED {
			t.Fatalf("setup = %v", setup)
		}

		charge := hosttest.RPC(recurring.Charge(ctx, call(t, &v1.RecurringPaymentServiceChargeRequest{
			MerchantTransactionId: "sub_e2e_1", Amount: inr(49900), Customer: gaurav,
			Mandate: &v1.MandateReference{ConnectorMandateId: "token_E2e00000000077", ConnectorCustomerId: cust},
		}))).Msg(t)
		ex = fake.take(t, "POST /v1/orders", "POST /v1/payments/create/recurring")
		wantFields(t, "charge order", ex[0].body, map[string]any{"amount": 49900, "receipt": "sub_e2e_1", "payment_capture": true})
		wantFields(t, "recurring payment", ex[1].body, map[string]any{"email": "gaurav.kumar@example.com", "contact": "9000090000", "amount": 49900,
			"currency": "INR", "order_id": "order_E2e00000000010", "customer_id": cust, "token": "token_E2e00000000077", "recurring": "1"})
		if charge.GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_PENDING || charge.GetConnectorTransactionId() != "pay_E2e00000000011" {
			t.Fatalf("charge = %v", charge)
		}
	})

	t.Run("customer create", func(t *testing.T) {
		out := hosttest.RPC(customers.Create(ctx, call(t, &v1.CustomerServiceCreateRequest{
			Customer: &v1.Customer{Id: "user-9", Email: "grace@example.com"}, MerchantRequestId: "cust_req_e2e"}))).Msg(t)
		ex := fake.take(t, "POST /v1/customers")
		wantFields(t, "customer", ex[0].body, map[string]any{"email": "grace@example.com", "fail_existing": "0", "notes": map[string]any{"merchant_customer_id": "user-9"}})
		if ex[0].idemKey != "customer_cust_req_e2e" || !strings.HasPrefix(out.GetConnectorCustomerId(), "cust_") {
			t.Fatalf("key %q, customer %v", ex[0].idemKey, out)
		}
	})

	t.Run("webhooks verify and tampering is refused", func(t *testing.T) {
		body := []byte(`{"entity":"event","account_id":"acc_BFQ7uQEaa7j2z7","event":"payment.captured","contains":["payment"],` +
			`"payload":{"payment":{"entity":{"id":"pay_E2e00000000002","entity":"payment","amount":50000,"currency":"INR","status":"captured"}}},"created_at":1567674606}`)
		hook := func(b []byte, signature string) *v1.WebhookRequest {
			return &v1.WebhookRequest{Method: http.MethodPost, Url: "https://host.internal/hooks/razorpay", Body: b, Headers: []*v1.HttpHeader{
				{Name: "Content-Type", Value: "application/json"}, {Name: "X-Razorpay-Signature", Value: signature}, {Name: "X-Razorpay-Event-Id", Value: "EvE2e0000001"}}}
		}
		good := sig.HMACSHA256Hex([]byte(testWebhookSecret), body)
		out := hosttest.RPC(events.HandleEvent(ctx, call(t, &v1.EventServiceHandleEventRequest{Webhook: hook(body, good)}))).Msg(t)
		if evs := out.GetEvents(); len(evs) != 1 || !evs[0].GetVerified() || evs[0].GetEventId() != "EvE2e0000001" ||
			evs[0].GetPayment().GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_CHARGED || evs[0].GetPayment().GetAmount().GetMinorAmount() != 50000 {
			t.Fatalf("events = %v", evs)
		}
		tampered := []byte(strings.Replace(string(body), `"amount":50000`, `"amount":90000`, 1))
		for name, w := range map[string]*v1.WebhookRequest{
			"tampered body": hook(tampered, good),
			"wrong secret":  hook(body, sig.HMACSHA256Hex([]byte("whsec_other"), body)),
			"no signature":  hook(body, ""),
		} {
			_, err := events.HandleEvent(ctx, call(t, &v1.EventServiceHandleEventRequest{Webhook: w}))
			if connect.CodeOf(err) != connect.CodeUnauthenticated {
				t.Errorf("%s: err = %v, want unauthenticated", name, err)
			} else if strings.Contains(err.Error(), testWebhookSecret) {
				t.Errorf("%s: the secret leaked: %v", name, err)
			}
		}
		fake.take(t) // verifying webhooks never calls Razorpay
	})

	t.Run("a decline is a failed payment with Razorpay's reason kept", func(t *testing.T) {
		out := hosttest.RPC(payments.Authorize(ctx, call(t, &v1.PaymentServiceAuthorizeRequest{
			MerchantTransactionId: "order_e2e_decline", Amount: inr(50000), Customer: &v1.Customer{Email: "decline@example.com", Phone: "9000090000"},
			PaymentMethod: &v1.PaymentMethod{Method: &v1.PaymentMethod_Card{Card: &v1.Card{Number: testCard, ExpMonth: 3, ExpYear: 2031, Cvc: "123"}}},
		}))).Msg(t)
		fake.take(t, "POST /v1/orders", "POST /v1/payments/create/json")
		e := out.GetError()
		if out.GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZATION_FAILED || !strings.HasPrefix(out.GetConnectorTransactionId(), "pay_") ||
			e.GetCode() != v1.ErrorCode_ERROR_CODE_INSUFFICIENT_FUNDS || e.GetConnector().GetCode() != "insufficient_balance" || e.GetConnector().GetHttpStatus() != 400 {
			t.Fatalf("decline = %v", out)
		}
	})

	t.Run("refusals name the field and never echo the card", func(t *testing.T) {
		_, err := payments.Authorize(ctx, call(t, &v1.PaymentServiceAuthorizeRequest{
			MerchantTransactionId: "order_e2e_bad", Amount: inr(50000), Customer: &v1.Customer{Phone: "9000090000"},
			PaymentMethod: &v1.PaymentMethod{Method: &v1.PaymentMethod_Card{Card: &v1.Card{Number: testCard, ExpMonth: 3, ExpYear: 2031, Cvc: "123"}}},
		}))
		if connect.CodeOf(err) != connect.CodeInvalidArgument || !strings.Contains(err.Error(), "customer.email") || strings.Contains(err.Error(), testCard) {
			t.Fatalf("err = %v", err)
		}
		fake.take(t)
	})

	t.Run("NACH e-mandate setup creates customer and emandate order, then the authorization redirect", func(t *testing.T) {
		const account = "1121431121541121"
		req := &v1.PaymentServiceSetupRecurringRequest{
			MerchantSetupId: "setup_e2e_nach", Amount: inr(0), Customer: gaurav, ReturnUrl: "https://merchant.example/razorpay/return",
			Metadata: map[string]string{"max_amount": "9999900", "auth_type": "aadhaar"},
			PaymentMethod: &v1.PaymentMethod{Method: &v1.PaymentMethod_BankDebit{BankDebit: &v1.BankDebit{Kind: v1.BankDebitKind_BANK_DEBIT_KIND_NACH,
				AccountNumber: account, RoutingNumber: "HDFC0000001", AccountHolderName: "Gaurav Kumar", AccountType: "savings"}}},
		}
		setup := hosttest.RPC(payments.SetupRecurring(ctx, call(t, req))).Msg(t)
		ex := fake.take(t, "POST /v1/customers", "POST /v1/orders", "POST /v1/payments/create/json")
		cust := setup.GetMandate().GetConnectorCustomerId()
		wantFields(t, "emandate order", ex[1].body, map[string]any{"amount": 0, "currency": "INR", "receipt": "setup_e2e_nach", "method": "emandate", "customer_id": cust,
			"token": map[string]any{"auth_type": "aadhaar", "max_amount": 9999900,
				"bank_account": map[string]any{"beneficiary_name": "Gaurav Kumar", "account_number": account, "account_type": "savings", "ifsc_code": "HDFC0000001"}}})
		order, _ := ex[1].body["receipt"].(string)
		wantFields(t, "authorization payment", ex[2].body, map[string]any{"amount": 0, "currency": "INR", "customer_id": cust, "recurring": "1",
			"method": "emandate", "bank": "HDFC", "auth_type": "aadhaar",
			"bank_account": map[string]any{"account_number": account, "ifsc": "HDFC0000001", "name": "Gaurav Kumar", "account_type": "savings"}})
		if order != "setup_e2e_nach" || !strings.HasPrefix(fmt.Sprint(ex[2].body["order_id"]), "order_") {
			t.Fatalf("the authorization payment is not on the emandate order: %v", ex[2].body)
		}
		if setup.GetStatus() != v1.MandateStatus_MANDATE_STATUS_ACTION_REQUIRED || !strings.HasSuffix(setup.GetNextAction().GetRedirect().GetUrl(), "/authenticate") ||
			!strings.HasPrefix(cust, "cust_") {
			t.Fatalf("setup = %v", setup)
		}
		if b, _ := json.Marshal(setup.GetState()); strings.Contains(string(b), account) {
			t.Fatalf("the bank account number came back in the state: %s", b)
		}

		_, err := payments.Authorize(ctx, call(t, &v1.PaymentServiceAuthorizeRequest{
			MerchantTransactionId: "order_e2e_nach", Amount: inr(50000), Customer: gaurav, PaymentMethod: req.GetPaymentMethod(),
		}))
		if connect.CodeOf(err) != connect.CodeInvalidArgument || !strings.Contains(err.Error(), "SetupRecurring") || strings.Contains(err.Error(), account) {
			t.Fatalf("authorize with NACH: %v", err)
		}
		fake.take(t)
	})
}
