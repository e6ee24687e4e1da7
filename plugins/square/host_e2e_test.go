//go:build !wasip1

package square

// End to end through the real host: the plugin is built to .wasm, served by
// host/app on a loopback port, called through the generated Connect
// clients, and talks to the fake Square of spec_harness_test.go, which fails
// the test on any request (or answer of its own) that breaks Square's
// published OpenAPI document.

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"connectrpc.com/connect"

	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/gen/connectorhost/v1/connectorhostv1connect"
	"github.com/connectorhost/connector-host/host/app"
	"github.com/connectorhost/connector-host/host/config"
	"github.com/connectorhost/connector-host/internal/wasmbuild"
	"github.com/connectorhost/connector-host/pdk/sig"
)

// hostEnv is a running host serving the Square plugin, pointed at the fake.
type hostEnv struct {
	fake      *fakeSquare
	payments  connectorhostv1connect.PaymentServiceClient
	refunds   connectorhostv1connect.RefundServiceClient
	recurring connectorhostv1connect.RecurringPaymentServiceClient
	customers connectorhostv1connect.CustomerServiceClient
	methods   connectorhostv1connect.PaymentMethodServiceClient
	disputes  connectorhostv1connect.DisputeServiceClient
	events    connectorhostv1connect.EventServiceClient
}

// startHost builds the plugin, starts the fake Square and a host serving the
// .wasm with the fake as square's base URL, and stops both when t ends.
func startHost(t *testing.T) *hostEnv {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the .wasm and starts a host: skipped with -short")
	}
	fake := newFakeSquare(t) // skips when ../shared/oracles is absent
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("go command not found: cannot build the .wasm")
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "square.wasm"), wasmbuild.Read(t, "./plugins/square/wasm", "square"), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := config.Default()
	cfg.Listen = "127.0.0.1:0"
	cfg.PluginsDir = dir
	cfg.CacheDir = t.TempDir()
	cfg.Plugins.CallTimeout = 10 * time.Second // a shared CI machine may be slow
	cfg.Connectors["square"] = config.Connector{BaseURL: fake.URL()}
	ctx, cancel := context.WithCancel(context.Background())
	h, err := app.New(ctx, cfg, app.Options{})
	if err != nil {
		cancel()
		t.Fatalf("start the host: %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- h.Serve(ctx, 5*time.Second) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("host shutdown: %v", err)
		}
	})
	if err := h.Registry().WaitLoaded(ctx); err != nil {
		t.Fatalf("load the plugin: %v", err)
	}
	base, c := "http://"+h.Addr(), http.DefaultClient
	return &hostEnv{fake: fake,
		payments: connectorhostv1connect.NewPaymentServiceClient(c, base), refunds: connectorhostv1connect.NewRefundServiceClient(c, base),
		recurring: connectorhostv1connect.NewRecurringPaymentServiceClient(c, base), customers: connectorhostv1connect.NewCustomerServiceClient(c, base),
		methods: connectorhostv1connect.NewPaymentMethodServiceClient(c, base), disputes: connectorhostv1connect.NewDisputeServiceClient(c, base),
		events: connectorhostv1connect.NewEventServiceClient(c, base)}
}

// call wraps msg with the headers that select Square and carry creds.
func call[T any](t *testing.T, msg *T, creds map[string]string) *connect.Request[T] {
	t.Helper()
	auth, err := json.Marshal(creds)
	if err != nil {
		t.Fatal(err)
	}
	r := connect.NewRequest(msg)
	r.Header().Set("x-connector", "square")
	r.Header().Set("x-connector-auth", string(auth))
	return r
}

func req[T any](t *testing.T, msg *T) *connect.Request[T] {
	t.Helper()
	return call(t, msg, testCredentials())
}

// must fails t on an RPC error and returns the response message.
func must[T any](t *testing.T) func(*connect.Response[T], error) *T {
	return func(res *connect.Response[T], err error) *T {
		t.Helper()
		if err != nil {
			t.Fatalf("RPC failed: %v", err)
		}
		return res.Msg
	}
}

// wantOps checks the operations the fake received since the last call, in order.
func (e *hostEnv) wantOps(t *testing.T, ops ...string) []map[string]any {
	t.Helper()
	ex := e.fake.Take()
	got, bodies := make([]string, len(ex)), make([]map[string]any, len(ex))
	for i, x := range ex {
		got[i], bodies[i] = x.Operation, x.Body
	}
	if strings.Join(got, ",") != strings.Join(ops, ",") {
		t.Fatalf("Square received %v, want %v", got, ops)
	}
	return bodies
}

// wantConnectError checks err's Connect code and that no secret leaked.
func wantConnectError(t *testing.T, err error, code connect.Code, contains ...string) {
	t.Helper()
	var ce *connect.Error
	if !errors.As(err, &ce) {
		t.Fatalf("want a Connect %v error, got %v", code, err)
	}
	if ce.Code() != code {
		t.Fatalf("code = %v (%s), want %v", ce.Code(), ce.Message(), code)
	}
	for _, s := range contains {
		if !strings.Contains(ce.Message(), s) {
			t.Errorf("message %q does not mention %q", ce.Message(), s)
		}
	}
	if strings.Contains(ce.Message(), testAccessToken) || strings.Contains(ce.Message(), testWebhookKey) {
		t.Errorf("a secret leaked into the error: %s", ce.Message())
	}
}

func usd(minor int64) *v1.Money { return &v1.Money{MinorAmount: minor, Currency: "USD"} }

func tokenAuthorize(id string, capture v1.CaptureMethod, amount *v1.Money) *v1.PaymentServiceAuthorizeRequest {
	return &v1.PaymentServiceAuthorizeRequest{MerchantTransactionId: id, Amount: amount, CaptureMethod: capture,
		PaymentMethod: &v1.PaymentMethod{Method: &v1.PaymentMethod_Token{Token: &v1.ProcessorToken{Token: "cnon:card-nonce-ok"}}},
		Customer:      &v1.Customer{Email: "amelia@example.com"}, StatementDescriptor: "ORDER 42"}
}

// TestHostConnectAPI runs every flow the plugin declares, the multi-step
// card-on-file setup, webhooks and error mapping through one real host.
func TestHostConnectAPI(t *testing.T) {
	env := startHost(t)
	ctx := context.Background()

	t.Run("authorize, capture, get, refund, refund get", func(t *testing.T) {
		auth := must[v1.PaymentServiceAuthorizeResponse](t)(env.payments.Authorize(ctx, req(t, tokenAuthorize("order_e2e_1", v1.CaptureMethod_CAPTURE_METHOD_MANUAL, usd(1000)))))
		if auth.GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZED || auth.GetConnectorTransactionId() == "" || auth.GetCapturedAmount() != nil {
			t.Fatalf("authorize = %v", auth)
		}
		b := env.wantOps(t, "CreatePayment")[0]
		if b["autocomplete"] != false || b["idempotency_key"] != "pay:order_e2e_1" || b["location_id"] != testLocation {
			t.Fatalf("CreatePayment body = %v", b)
		}
		id := auth.GetConnectorTransactionId()
		capt := must[v1.PaymentServiceCaptureResponse](t)(env.payments.Capture(ctx, req(t, &v1.PaymentServiceCaptureRequest{
			ConnectorTransactionId: id, AmountToCapture: usd(1000), MerchantCaptureId: "cap_e2e_1"})))
		if capt.GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_CHARGED || capt.GetCapturedAmount().GetMinorAmount() != 1000 {
			t.Fatalf("capture = %v", capt)
		}
		env.wantOps(t, "GetPayment", "CompletePayment") // no payment_amount: the authorized amount is read first
		got := must[v1.PaymentServiceGetResponse](t)(env.payments.Get(ctx, req(t, &v1.PaymentServiceGetRequest{ConnectorTransactionId: id, Amount: usd(1000)})))
		if got.GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_CHARGED || got.GetMerchantTransactionId() != "order_e2e_1" {
			t.Fatalf("get = %v", got)
		}
		env.wantOps(t, "GetPayment")
		ref := must[v1.PaymentServiceRefundResponse](t)(env.payments.Refund(ctx, req(t, &v1.PaymentServiceRefundRequest{
			ConnectorTransactionId: id, MerchantRefundId: "refund_e2e_1", RefundAmount: usd(400), Reason: "requested_by_customer"})))
		if ref.GetStatus() != v1.RefundStatus_REFUND_STATUS_PENDING || ref.GetRefundAmount().GetMinorAmount() != 400 || ref.GetConnectorRefundId() == "" {
			t.Fatalf("refund = %v", ref)
		}
		env.wantOps(t, "RefundPayment")
		rg := must[v1.RefundServiceGetResponse](t)(env.refunds.Get(ctx, req(t, &v1.RefundServiceGetRequest{ConnectorRefundId: ref.GetConnectorRefundId(), RefundAmount: usd(400)})))
		if rg.GetStatus() != v1.RefundStatus_REFUND_STATUS_SUCCEEDED || rg.GetConnectorTransactionId() != id {
			t.Fatalf("refund get = %v", rg)
		}
		env.wantOps(t, "GetPaymentRefund")
		got = must[v1.PaymentServiceGetResponse](t)(env.payments.Get(ctx, req(t, &v1.PaymentServiceGetRequest{ConnectorTransactionId: id})))
		if got.GetRefundedAmount().GetMinorAmount() != 400 {
			t.Fatalf("get after refund = %v", got)
		}
		env.wantOps(t, "GetPayment")
	})

	t.Run("authorize and void", func(t *testing.T) {
		auth := must[v1.PaymentServiceAuthorizeResponse](t)(env.payments.Authorize(ctx, req(t, tokenAuthorize("order_e2e_2", v1.CaptureMethod_CAPTURE_METHOD_MANUAL, usd(2500)))))
		// A partial capture without payment_amount: the payment is read, and
		// the capture refused before CompletePayment (which would complete all of it).
		_, err := env.payments.Capture(ctx, req(t, &v1.PaymentServiceCaptureRequest{
			ConnectorTransactionId: auth.GetConnectorTransactionId(), AmountToCapture: usd(1000), MerchantCaptureId: "cap_e2e_2"}))
		wantConnectError(t, err, connect.CodeUnimplemented, "partial capture")
		env.wantOps(t, "CreatePayment", "GetPayment")
		void := must[v1.PaymentServiceVoidResponse](t)(env.payments.Void(ctx, req(t, &v1.PaymentServiceVoidRequest{
			ConnectorTransactionId: auth.GetConnectorTransactionId(), MerchantVoidId: "void_e2e_2"})))
		if void.GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_VOIDED {
			t.Fatalf("void = %v", void)
		}
		env.wantOps(t, "CancelPayment")
	})

	t.Run("automatic capture in zero-decimal JPY", func(t *testing.T) {
		auth := must[v1.PaymentServiceAuthorizeResponse](t)(env.payments.Authorize(ctx, req(t, tokenAuthorize("order_e2e_3", v1.CaptureMethod_CAPTURE_METHOD_AUTOMATIC,
			&v1.Money{MinorAmount: 1500, Currency: "JPY"}))))
		if auth.GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_CHARGED || auth.GetCapturedAmount().GetMinorAmount() != 1500 {
			t.Fatalf("authorize = %v", auth)
		}
		b := env.wantOps(t, "CreatePayment")[0]
		if m := b["amount_money"].(map[string]any); m["amount"] != float64(1500) || m["currency"] != "JPY" || b["autocomplete"] != true {
			t.Fatalf("CreatePayment body = %v", b)
		}
	})

	t.Run("card on file: setup creates the customer first, then recurring charge", func(t *testing.T) {
		setup := must[v1.PaymentServiceSetupRecurringResponse](t)(env.payments.SetupRecurring(ctx, req(t, &v1.PaymentServiceSetupRecurringRequest{
			MerchantSetupId: "setup_e2e_1", Amount: usd(0), FutureUsage: v1.FutureUsage_FUTURE_USAGE_OFF_SESSION,
			PaymentMethod:  &v1.PaymentMethod{Method: &v1.PaymentMethod_Token{Token: &v1.ProcessorToken{Token: "cnon:card-nonce-ok"}}},
			Customer:       &v1.Customer{Id: "user-1", Name: "Amelia Earhart", Email: "amelia@example.com"},
			BillingAddress: &v1.Address{FirstName: "Amelia", LastName: "Earhart", Line1: "500 Electric Ave", City: "New York", State: "NY", PostalCode: "10003", Country: "US"},
		})))
		m := setup.GetMandate()
		if setup.GetStatus() != v1.MandateStatus_MANDATE_STATUS_ACTIVE || !strings.HasPrefix(m.GetConnectorMandateId(), "ccof:") || m.GetConnectorCustomerId() == "" {
			t.Fatalf("setup = %v", setup)
		}
		bodies := env.wantOps(t, "CreateCustomer", "CreateCard")
		if bodies[0]["given_name"] != "Amelia" || bodies[0]["reference_id"] != "user-1" {
			t.Fatalf("CreateCustomer body = %v", bodies[0])
		}
		if c := bodies[1]["card"].(map[string]any); c["customer_id"] != m.GetConnectorCustomerId() || c["cardholder_name"] != "Amelia Earhart" {
			t.Fatalf("CreateCard body = %v", bodies[1])
		}
		charge := must[v1.RecurringPaymentServiceChargeResponse](t)(env.recurring.Charge(ctx, req(t, &v1.RecurringPaymentServiceChargeRequest{
			MerchantTransactionId: "sub_e2e_1", Amount: usd(1999), Mandate: m})))
		if charge.GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_CHARGED || charge.GetAmount().GetMinorAmount() != 1999 {
			t.Fatalf("charge = %v", charge)
		}
		b := env.wantOps(t, "CreatePayment")[0]
		if b["source_id"] != m.GetConnectorMandateId() || b["customer_id"] != m.GetConnectorCustomerId() {
			t.Fatalf("CreatePayment body = %v", b)
		}
	})

	t.Run("customer create and tokenize", func(t *testing.T) {
		cust := must[v1.CustomerServiceCreateResponse](t)(env.customers.Create(ctx, req(t, &v1.CustomerServiceCreateRequest{
			Customer: &v1.Customer{Id: "user-2", Name: "Grace Hopper", Phone: "+1-212-555-4240"}, MerchantRequestId: "cust_e2e_2"})))
		if cust.GetConnectorCustomerId() == "" {
			t.Fatalf("customer = %v", cust)
		}
		tok := must[v1.PaymentMethodServiceTokenizeResponse](t)(env.methods.Tokenize(ctx, req(t, &v1.PaymentMethodServiceTokenizeRequest{
			PaymentMethod: &v1.PaymentMethod{Method: &v1.PaymentMethod_Token{Token: &v1.ProcessorToken{Token: "cnon:card-nonce-ok"}}},
			Customer:      &v1.Customer{ConnectorCustomerId: cust.GetConnectorCustomerId()}, MerchantRequestId: "tok_e2e_2"})))
		if !strings.HasPrefix(tok.GetPaymentMethodToken(), "ccof:") || tok.GetCardLast4() != "1111" || tok.GetCardNetwork() != v1.CardNetwork_CARD_NETWORK_VISA {
			t.Fatalf("tokenize = %v", tok)
		}
		env.wantOps(t, "CreateCustomer", "CreateCard")
	})

	t.Run("disputes", func(t *testing.T) {
		const id = "XDgyFu7yo1E2S5lQGGpYn"
		d := must[v1.DisputeServiceGetResponse](t)(env.disputes.Get(ctx, req(t, &v1.DisputeServiceGetRequest{ConnectorDisputeId: id})))
		if d.GetStatus() != v1.DisputeStatus_DISPUTE_STATUS_NEEDS_RESPONSE || d.GetAmount().GetMinorAmount() != 2500 || d.GetEvidenceDueByUnix() == 0 {
			t.Fatalf("dispute get = %v", d)
		}
		ev := must[v1.DisputeServiceSubmitEvidenceResponse](t)(env.disputes.SubmitEvidence(ctx, req(t, &v1.DisputeServiceSubmitEvidenceRequest{
			ConnectorDisputeId: id, Evidence: []*v1.EvidenceDocument{{Type: v1.EvidenceType_EVIDENCE_TYPE_RECEIPT, Text: "Receipt #1234 signed by the cardholder."}}})))
		if len(ev.GetSubmittedEvidenceIds()) != 1 {
			t.Fatalf("submit evidence = %v", ev)
		}
		def := must[v1.DisputeServiceDefendResponse](t)(env.disputes.Defend(ctx, req(t, &v1.DisputeServiceDefendRequest{ConnectorDisputeId: id})))
		if def.GetStatus() != v1.DisputeStatus_DISPUTE_STATUS_UNDER_REVIEW {
			t.Fatalf("defend = %v", def)
		}
		acc := must[v1.DisputeServiceAcceptResponse](t)(env.disputes.Accept(ctx, req(t, &v1.DisputeServiceAcceptRequest{ConnectorDisputeId: id})))
		if acc.GetStatus() != v1.DisputeStatus_DISPUTE_STATUS_ACCEPTED {
			t.Fatalf("accept = %v", acc)
		}
		b := env.wantOps(t, "RetrieveDispute", "CreateDisputeEvidenceText", "SubmitEvidence", "AcceptDispute")
		if b[1]["evidence_type"] != "RECEIPT" {
			t.Fatalf("evidence body = %v", b[1])
		}
	})

	t.Run("webhooks", func(t *testing.T) {
		body := []byte(`{"merchant_id":"6SSW7HV8K2ST5","type":"payment.updated","event_id":"6a8f5f28-54a1-4eb0-a98a-3111513fd4fc","created_at":"2020-02-06T21:27:34.308Z",` +
			`"data":{"type":"payment","id":"hYy9","object":{"payment":{"id":"hYy9","status":"COMPLETED","amount_money":{"amount":100,"currency":"USD"},"reference_id":"order_9"}}}}`)
		sign := func(key, url string, b []byte) string {
			return sig.HMACSHA256Base64([]byte(key), append([]byte(url), b...))
		}
		hook := func(b []byte, signature string) *v1.WebhookRequest {
			return &v1.WebhookRequest{Method: http.MethodPost, Url: "https://host.internal/hooks/square", Body: b,
				Headers: []*v1.HttpHeader{{Name: "Content-Type", Value: "application/json"}, {Name: "X-Square-Hmacsha256-Signature", Value: signature}}}
		}
		out := must[v1.EventServiceHandleEventResponse](t)(env.events.HandleEvent(ctx, req(t, &v1.EventServiceHandleEventRequest{
			Webhook: hook(body, sign(testWebhookKey, testWebhookURL, body))})))
		evs := out.GetEvents()
		if len(evs) != 1 || !evs[0].GetVerified() || evs[0].GetPayment().GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_CHARGED ||
			evs[0].GetPayment().GetMerchantTransactionId() != "order_9" || out.GetAcknowledgement().GetStatus() != 200 {
			t.Fatalf("events = %v, ack = %v", evs, out.GetAcknowledgement())
		}
		for name, w := range map[string]*v1.WebhookRequest{
			"tampered body":        hook([]byte(strings.Replace(string(body), `"amount":100`, `"amount":900`, 1)), sign(testWebhookKey, testWebhookURL, body)),
			"signed for other URL": hook(body, sign(testWebhookKey, "https://attacker.example/", body)),
			"wrong key":            hook(body, sign("another-key", testWebhookURL, body)),
			"no signature":         hook(body, ""),
		} {
			_, err := env.events.HandleEvent(ctx, req(t, &v1.EventServiceHandleEventRequest{Webhook: w}))
			if err == nil {
				t.Fatalf("%s: webhook accepted", name)
			}
			wantConnectError(t, err, connect.CodeUnauthenticated, "square")
		}
		env.wantOps(t) // verifying webhooks never calls Square
	})

	t.Run("errors", func(t *testing.T) {
		card := tokenAuthorize("order_e2e_card", v1.CaptureMethod_CAPTURE_METHOD_AUTOMATIC, usd(1000))
		card.PaymentMethod = &v1.PaymentMethod{Method: &v1.PaymentMethod_Card{Card: &v1.Card{Number: "4111111111111111", ExpMonth: 11, ExpYear: 2030, Cvc: "111"}}}
		_, err := env.payments.Authorize(ctx, req(t, card))
		wantConnectError(t, err, connect.CodeUnimplemented, "payment_method.card")
		_, err = env.payments.Capture(ctx, req(t, &v1.PaymentServiceCaptureRequest{ConnectorTransactionId: "any_payment",
			AmountToCapture: usd(500), PaymentAmount: usd(1000), MerchantCaptureId: "cap_partial"}))
		wantConnectError(t, err, connect.CodeUnimplemented, "partial capture")
		env.wantOps(t) // refused before calling Square
		// Square's answers to errors (404, 402 declines, 401) are outside its
		// published document; their mapping is proven by the fixtures
		// (get_not_found_404, authorize_declined_*, authorize_unauthorized_401).
	})
}
