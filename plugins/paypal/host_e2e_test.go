//go:build !wasip1

package paypal_test

// End to end through the real host: the plugin is built to .wasm, served by
// host/app on a loopback port, called through the generated Connect clients,
// and talks to the spec-validating fake PayPal (fake_test.go). Every request
// of every declared flow and payment method, the token request included, is
// checked against PayPal's published documents; any violation fails the test.

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"connectrpc.com/connect"

	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/gen/connectorhost/v1/connectorhostv1connect"
	"github.com/connectorhost/connector-host/internal/hosttest"
	"github.com/connectorhost/connector-host/internal/specfake"
)

type hostEnv struct {
	fake      *fakePayPal
	payments  connectorhostv1connect.PaymentServiceClient
	composite connectorhostv1connect.CompositePaymentServiceClient
	refunds   connectorhostv1connect.RefundServiceClient
	recurring connectorhostv1connect.RecurringPaymentServiceClient
	disputes  connectorhostv1connect.DisputeServiceClient
	events    connectorhostv1connect.EventServiceClient
	signer    *webhookSigner
}

func startHost(t *testing.T) *hostEnv {
	t.Helper()
	fake := newFakePayPal(t) // skips when ../shared/oracles is absent
	base, c := hosttest.Start(t, "paypal", fake.URL()), http.DefaultClient
	return &hostEnv{
		fake:      fake,
		payments:  connectorhostv1connect.NewPaymentServiceClient(c, base),
		composite: connectorhostv1connect.NewCompositePaymentServiceClient(c, base),
		refunds:   connectorhostv1connect.NewRefundServiceClient(c, base),
		recurring: connectorhostv1connect.NewRecurringPaymentServiceClient(c, base),
		disputes:  connectorhostv1connect.NewDisputeServiceClient(c, base),
		events:    connectorhostv1connect.NewEventServiceClient(c, base),
		signer:    newWebhookSigner(t, false),
	}
}

func (e *hostEnv) creds() map[string]string {
	return map[string]string{"client_id": testClientID, "client_secret": testClientSecret,
		"webhook_id": e.signer.webhookID, "webhook_cert_pem": e.signer.rootPEM}
}

func call[T any](t *testing.T, e *hostEnv, msg *T) *connect.Request[T] {
	t.Helper()
	return hosttest.Request(t, "paypal", e.creds(), msg)
}

// wantOps checks the operations the fake received, in order.
func wantOps(t *testing.T, f *fakePayPal, ops ...string) []specfake.Exchange {
	t.Helper()
	ex := f.Take()
	got := make([]string, len(ex))
	for i, e := range ex {
		got[i] = e.Operation
	}
	if strings.Join(got, ",") != strings.Join(ops, ",") {
		t.Fatalf("PayPal received %v, want %v", got, ops)
	}
	return ex
}

func usd(minor int64) *v1.Money { return &v1.Money{MinorAmount: minor, Currency: "USD"} }

func testCard() *v1.PaymentMethod {
	return &v1.PaymentMethod{Method: &v1.PaymentMethod_Card{Card: &v1.Card{Number: "4111111111111111", ExpMonth: 3, ExpYear: 2030, Cvc: "123", HolderName: "Jane Doe"}}}
}

func cardAuthorize(id string, capture v1.CaptureMethod) *v1.PaymentServiceAuthorizeRequest {
	return &v1.PaymentServiceAuthorizeRequest{
		MerchantTransactionId: id, Amount: usd(1000), PaymentMethod: testCard(), CaptureMethod: capture,
		ReturnUrl: "https://merchant.example/return", CancelUrl: "https://merchant.example/cancel", Description: "Order " + id,
		StatementDescriptor: "ACME SHOP", MerchantOrderReference: "inv-" + id,
		Customer:       &v1.Customer{Name: "Jane Doe", Email: "jane@example.com"},
		BillingAddress: &v1.Address{FirstName: "Jane", LastName: "Doe", Line1: "2211 N First Street", City: "San Jose", State: "CA", PostalCode: "95131", Country: "US"},
		ShippingAddress: &v1.Address{FirstName: "Jane", LastName: "Doe", Line1: "2211 N First Street", City: "San Jose", State: "CA",
			PostalCode: "95131", Country: "US"},
	}
}

// TestHostEndToEnd runs every declared flow and payment method through one
// host against the spec-validating fake.
func TestHostEndToEnd(t *testing.T) {
	env := startHost(t)
	ctx := context.Background()
	f := env.fake

	var manual *v1.PaymentServiceAuthorizeResponse
	t.Run("token fetched first, then authorize (manual capture)", func(t *testing.T) {
		f.Take()
		manual = hosttest.RPC(env.payments.Authorize(ctx, call(t, env, cardAuthorize("order_m1", v1.CaptureMethod_CAPTURE_METHOD_MANUAL)))).Msg(t)
		ex := wantOps(t, f, "oauth2.token", "orders.create")
		if ex[1].Body["intent"] != "AUTHORIZE" {
			t.Errorf("intent = %v", ex[1].Body["intent"])
		}
		if manual.GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZED || manual.GetConnectorTransactionId() == "" ||
			manual.GetState().GetAccessToken().GetToken() == "" || manual.GetState().GetValues()["paypal.authorization_id"] == "" {
			t.Fatalf("authorize = %v", manual)
		}
	})
	t.Run("capture with the returned state: no token, no read", func(t *testing.T) {
		f.Take()
		res := hosttest.RPC(env.payments.Capture(ctx, call(t, env, &v1.PaymentServiceCaptureRequest{
			ConnectorTransactionId: manual.GetConnectorTransactionId(), AmountToCapture: usd(400), MerchantCaptureId: "cap_1",
			PaymentAmount: usd(1000), State: manual.GetState()}))).Msg(t)
		wantOps(t, f, "authorizations.capture")
		if res.GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_PARTIALLY_CAPTURED || res.GetCapturedAmount().GetMinorAmount() != 400 || res.GetConnectorCaptureId() == "" {
			t.Fatalf("capture = %v", res)
		}
	})
	t.Run("refund without state: token, read the order, refund; then refund get", func(t *testing.T) {
		f.Take()
		res := hosttest.RPC(env.payments.Refund(ctx, call(t, env, &v1.PaymentServiceRefundRequest{
			ConnectorTransactionId: manual.GetConnectorTransactionId(), MerchantRefundId: "refund_1", RefundAmount: usd(250), Reason: "Damaged"}))).Msg(t)
		ex := wantOps(t, f, "oauth2.token", "orders.get", "captures.refund")
		if ex[2].Header.Get("PayPal-Request-Id") != "refund:refund_1" {
			t.Errorf("PayPal-Request-Id = %q", ex[2].Header.Get("PayPal-Request-Id"))
		}
		if res.GetStatus() != v1.RefundStatus_REFUND_STATUS_SUCCEEDED || res.GetRefundAmount().GetMinorAmount() != 250 {
			t.Fatalf("refund = %v", res)
		}
		got := hosttest.RPC(env.refunds.Get(ctx, call(t, env, &v1.RefundServiceGetRequest{ConnectorRefundId: res.GetConnectorRefundId(),
			RefundAmount: usd(250), State: res.GetState()}))).Msg(t)
		wantOps(t, f, "refunds.get")
		if got.GetStatus() != v1.RefundStatus_REFUND_STATUS_SUCCEEDED || got.GetMerchantRefundId() != "refund_1" {
			t.Fatalf("refund get = %v", got)
		}
	})
	t.Run("refund with a stale state (no capture id yet): the order is read again", func(t *testing.T) {
		f.Take()
		res := hosttest.RPC(env.payments.Refund(ctx, call(t, env, &v1.PaymentServiceRefundRequest{
			ConnectorTransactionId: manual.GetConnectorTransactionId(), MerchantRefundId: "refund_2", RefundAmount: usd(100), State: manual.GetState()}))).Msg(t)
		wantOps(t, f, "orders.get", "captures.refund")
		if res.GetStatus() != v1.RefundStatus_REFUND_STATUS_SUCCEEDED || res.GetState().GetValues()["paypal.capture_id"] == "" {
			t.Fatalf("refund = %v", res)
		}
	})
	t.Run("void a second authorization", func(t *testing.T) {
		auth := hosttest.RPC(env.payments.Authorize(ctx, call(t, env, cardAuthorize("order_m2", v1.CaptureMethod_CAPTURE_METHOD_MANUAL)))).Msg(t)
		f.Take()
		res := hosttest.RPC(env.payments.Void(ctx, call(t, env, &v1.PaymentServiceVoidRequest{ConnectorTransactionId: auth.GetConnectorTransactionId(),
			MerchantVoidId: "void_1", State: auth.GetState()}))).Msg(t)
		wantOps(t, f, "authorizations.void")
		if res.GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_VOIDED {
			t.Fatalf("void = %v", res)
		}
	})
	t.Run("get", func(t *testing.T) {
		f.Take()
		res := hosttest.RPC(env.payments.Get(ctx, call(t, env, &v1.PaymentServiceGetRequest{ConnectorTransactionId: manual.GetConnectorTransactionId(),
			State: manual.GetState()}))).Msg(t)
		wantOps(t, f, "orders.get")
		if res.GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_PARTIALLY_CAPTURED || res.GetCapturedAmount().GetMinorAmount() != 400 ||
			res.GetAmount().GetMinorAmount() != 1000 {
			t.Fatalf("get = %v", res)
		}
	})
	t.Run("an expired token in the state is renewed", func(t *testing.T) {
		st := &v1.ConnectorState{AccessToken: &v1.AccessToken{Token: "A21AAstale", ExpiresAtUnix: time.Now().Add(-time.Minute).Unix()}}
		f.Take()
		res := hosttest.RPC(env.payments.Get(ctx, call(t, env, &v1.PaymentServiceGetRequest{ConnectorTransactionId: manual.GetConnectorTransactionId(), State: st}))).Msg(t)
		wantOps(t, f, "oauth2.token", "orders.get")
		if tok := res.GetState().GetAccessToken().GetToken(); tok == "" || tok == "A21AAstale" {
			t.Fatalf("state token = %q", tok)
		}
	})
	t.Run("a token PayPal no longer accepts (401 invalid_token) is renewed", func(t *testing.T) {
		f.Take()
		st := manual.GetState()
		f.Answer("orders.get", func(ex specfake.Exchange) (int, any) {
			f.Answer("orders.get", nil)
			return 401, map[string]any{"error": "invalid_token", "error_description": "Token signature verification failed"}
		})
		hosttest.RPC(env.payments.Get(ctx, call(t, env, &v1.PaymentServiceGetRequest{ConnectorTransactionId: manual.GetConnectorTransactionId(), State: st}))).Msg(t)
		wantOps(t, f, "orders.get", "oauth2.token", "orders.get")
	})
	t.Run("composite authorize fetches the token through the host", func(t *testing.T) {
		f.Take()
		res := hosttest.RPC(env.composite.CompositeAuthorize(ctx, call(t, env, &v1.CompositePaymentServiceCompositeAuthorizeRequest{
			Authorize: cardAuthorize("order_c1", v1.CaptureMethod_CAPTURE_METHOD_AUTOMATIC)}))).Msg(t)
		wantOps(t, f, "oauth2.token", "orders.create")
		if res.GetAccessToken().GetToken() == "" || res.GetAuthorize().GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_CHARGED {
			t.Fatalf("composite = %v", res)
		}
	})
	t.Run("PayPal wallet: approval redirect, then capture the approved order", func(t *testing.T) {
		req := cardAuthorize("order_w1", v1.CaptureMethod_CAPTURE_METHOD_AUTOMATIC)
		req.PaymentMethod = &v1.PaymentMethod{Method: &v1.PaymentMethod_Wallet{Wallet: &v1.Wallet{Wallet: &v1.Wallet_Paypal{Paypal: &v1.PayPalWallet{Email: "buyer@example.com"}}}}}
		req.SetupFutureUsage = v1.FutureUsage_FUTURE_USAGE_OFF_SESSION
		res := hosttest.RPC(env.payments.Authorize(ctx, call(t, env, req))).Msg(t)
		url := res.GetNextAction().GetRedirect().GetUrl()
		if res.GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_AUTHENTICATION_PENDING || !strings.Contains(url, res.GetConnectorTransactionId()) {
			t.Fatalf("authorize = %v", res)
		}
		f.Take()
		done := hosttest.RPC(env.payments.VerifyRedirectResponse(ctx, call(t, env, &v1.PaymentServiceVerifyRedirectResponseRequest{
			ConnectorTransactionId: res.GetConnectorTransactionId(), Params: map[string]string{"token": res.GetConnectorTransactionId(), "PayerID": "FSMVU44LF3YUS"},
			Amount: usd(1000), State: res.GetState()}))).Msg(t)
		wantOps(t, f, "orders.capture")
		if done.GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_CHARGED || done.GetAmount().GetMinorAmount() != 1000 {
			t.Fatalf("verify redirect = %v", done)
		}
	})
	t.Run("card with a 3-D Secure challenge: payer-action redirect, then capture", func(t *testing.T) {
		req := cardAuthorize("order_3ds", v1.CaptureMethod_CAPTURE_METHOD_AUTOMATIC)
		req.PaymentMethod.GetCard().Number = threeDSCard
		req.State = manual.GetState()
		f.Take()
		res := hosttest.RPC(env.payments.Authorize(ctx, call(t, env, req))).Msg(t)
		ex := wantOps(t, f, "orders.create")
		ctx3ds, _ := ex[0].Body["payment_source"].(map[string]any)["card"].(map[string]any)["experience_context"].(map[string]any)
		if ctx3ds["return_url"] != "https://merchant.example/return" {
			t.Errorf("card experience_context = %v", ctx3ds)
		}
		if res.GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_AUTHENTICATION_PENDING || !strings.Contains(res.GetNextAction().GetRedirect().GetUrl(), "authenticate") {
			t.Fatalf("authorize = %v", res)
		}
		done := hosttest.RPC(env.payments.VerifyRedirectResponse(ctx, call(t, env, &v1.PaymentServiceVerifyRedirectResponseRequest{
			ConnectorTransactionId: res.GetConnectorTransactionId(), Amount: usd(1000), State: res.GetState()}))).Msg(t)
		wantOps(t, f, "orders.capture")
		if done.GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_CHARGED {
			t.Fatalf("after 3-D Secure = %v", done)
		}
	})
	t.Run("create order, then authorize it after approval", func(t *testing.T) {
		f.Take()
		o := hosttest.RPC(env.payments.CreateOrder(ctx, call(t, env, &v1.PaymentServiceCreateOrderRequest{MerchantOrderId: "order_o1", Amount: usd(1000),
			ReturnUrl: "https://merchant.example/return"}))).Msg(t)
		wantOps(t, f, "oauth2.token", "orders.create")
		if o.GetConnectorOrderId() == "" || o.GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_STARTED {
			t.Fatalf("create order = %v", o)
		}
		req := cardAuthorize("order_o1", v1.CaptureMethod_CAPTURE_METHOD_AUTOMATIC)
		req.ConnectorOrderId, req.State = o.GetConnectorOrderId(), o.GetState()
		req.PaymentMethod = &v1.PaymentMethod{Method: &v1.PaymentMethod_Wallet{Wallet: &v1.Wallet{Wallet: &v1.Wallet_Paypal{Paypal: &v1.PayPalWallet{}}}}}
		res := hosttest.RPC(env.payments.Authorize(ctx, call(t, env, req))).Msg(t)
		wantOps(t, f, "orders.capture")
		if res.GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_CHARGED {
			t.Fatalf("authorize order = %v", res)
		}
	})
	t.Run("every bank redirect method", func(t *testing.T) {
		for _, k := range []v1.BankRedirectKind{v1.BankRedirectKind_BANK_REDIRECT_KIND_IDEAL, v1.BankRedirectKind_BANK_REDIRECT_KIND_SOFORT,
			v1.BankRedirectKind_BANK_REDIRECT_KIND_GIROPAY, v1.BankRedirectKind_BANK_REDIRECT_KIND_BANCONTACT, v1.BankRedirectKind_BANK_REDIRECT_KIND_EPS,
			v1.BankRedirectKind_BANK_REDIRECT_KIND_BLIK, v1.BankRedirectKind_BANK_REDIRECT_KIND_PRZELEWY24, v1.BankRedirectKind_BANK_REDIRECT_KIND_TRUSTLY} {
			req := cardAuthorize("order_"+strings.ToLower(k.String()[20:]), v1.CaptureMethod_CAPTURE_METHOD_AUTOMATIC)
			req.Amount = &v1.Money{MinorAmount: 1000, Currency: "EUR"}
			req.PaymentMethod = &v1.PaymentMethod{Method: &v1.PaymentMethod_BankRedirect{BankRedirect: &v1.BankRedirect{Kind: k, Country: "NL"}}}
			req.State = manual.GetState()
			res := hosttest.RPC(env.payments.Authorize(ctx, call(t, env, req))).Msg(t)
			if res.GetNextAction().GetRedirect().GetUrl() == "" {
				t.Errorf("%v: no redirect in %v", k, res)
			}
		}
	})
	t.Run("vault tokens as payment methods (card and PayPal wallet)", func(t *testing.T) {
		for _, tok := range []string{"card:nkq2y9g", "paypal:8kk8451t", "nkq2y9g"} {
			req := cardAuthorize("order_tok", v1.CaptureMethod_CAPTURE_METHOD_MANUAL)
			req.PaymentMethod = &v1.PaymentMethod{Method: &v1.PaymentMethod_Token{Token: &v1.ProcessorToken{Token: tok}}}
			req.State = manual.GetState()
			f.Take()
			res := hosttest.RPC(env.payments.Authorize(ctx, call(t, env, req))).Msg(t)
			ex := wantOps(t, f, "orders.create")
			src, id, found := strings.Cut(tok, ":")
			if !found {
				src, id = "card", tok
			}
			if got := ex[0].Body["payment_source"].(map[string]any)[src].(map[string]any)["vault_id"]; got != id {
				t.Errorf("%s: payment_source.%s.vault_id = %v", tok, src, got)
			}
			if res.GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZED {
				t.Errorf("%s: authorize = %v", tok, res)
			}
		}
	})
	t.Run("vaulted card: setup, merchant-initiated charge, revoke", func(t *testing.T) {
		f.Take()
		setup := hosttest.RPC(env.payments.SetupRecurring(ctx, call(t, env, &v1.PaymentServiceSetupRecurringRequest{MerchantSetupId: "setup_1",
			PaymentMethod: testCard(), Amount: usd(0), State: manual.GetState(),
			BillingAddress: &v1.Address{Line1: "2211 N First Street", City: "San Jose", PostalCode: "95131", Country: "US"}}))).Msg(t)
		wantOps(t, f, "payment-tokens.create")
		m := setup.GetMandate()
		if setup.GetStatus() != v1.MandateStatus_MANDATE_STATUS_ACTIVE || !strings.HasPrefix(m.GetConnectorMandateId(), "card:") {
			t.Fatalf("setup = %v", setup)
		}
		m.NetworkTransactionId = "123456789012345"
		charge := hosttest.RPC(env.recurring.Charge(ctx, call(t, env, &v1.RecurringPaymentServiceChargeRequest{MerchantTransactionId: "mit_1",
			Amount: usd(1500), Mandate: m, RecurringModel: "subscription", State: manual.GetState()}))).Msg(t)
		ex := wantOps(t, f, "orders.create")
		card, _ := ex[0].Body["payment_source"].(map[string]any)["card"].(map[string]any)
		if card["vault_id"] != strings.TrimPrefix(m.GetConnectorMandateId(), "card:") || card["stored_credential"] == nil {
			t.Errorf("payment_source.card = %v", card)
		}
		if charge.GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_CHARGED || charge.GetAmount().GetMinorAmount() != 1500 {
			t.Fatalf("charge = %v", charge)
		}
		rev := hosttest.RPC(env.recurring.Revoke(ctx, call(t, env, &v1.RecurringPaymentServiceRevokeRequest{Mandate: m, MerchantRevokeId: "rev_1", State: manual.GetState()}))).Msg(t)
		wantOps(t, f, "payment-tokens.delete")
		if rev.GetStatus() != v1.MandateStatus_MANDATE_STATUS_REVOKED {
			t.Fatalf("revoke = %v", rev)
		}
	})
	t.Run("disputes: get, accept, submit evidence", func(t *testing.T) {
		f.Take()
		st := manual.GetState()
		d := hosttest.RPC(env.disputes.Get(ctx, call(t, env, &v1.DisputeServiceGetRequest{ConnectorDisputeId: "PP-D-27803", State: st}))).Msg(t)
		if d.GetStatus() != v1.DisputeStatus_DISPUTE_STATUS_NEEDS_RESPONSE || d.GetAmount().GetMinorAmount() != 1000 || d.GetEvidenceDueByUnix() == 0 {
			t.Fatalf("dispute = %v", d)
		}
		a := hosttest.RPC(env.disputes.Accept(ctx, call(t, env, &v1.DisputeServiceAcceptRequest{ConnectorDisputeId: "PP-D-27803", MerchantRequestId: "acc_1", State: st}))).Msg(t)
		e := hosttest.RPC(env.disputes.SubmitEvidence(ctx, call(t, env, &v1.DisputeServiceSubmitEvidenceRequest{ConnectorDisputeId: "PP-D-27804", State: st,
			MerchantRequestId: "ev_1", Evidence: []*v1.EvidenceDocument{
				{Type: v1.EvidenceType_EVIDENCE_TYPE_SHIPPING_DOCUMENTATION, Text: "Delivered on 2026-01-01"},
				{Type: v1.EvidenceType_EVIDENCE_TYPE_RECEIPT, Content: []byte("%PDF-1.4 receipt"), FileName: "receipt.pdf", MimeType: "application/pdf"},
			}}))).Msg(t)
		ex := wantOps(t, f, "disputes.get", "disputes.accept-claim", "disputes.provide-evidence")
		if a.GetStatus() != v1.DisputeStatus_DISPUTE_STATUS_ACCEPTED || e.GetStatus() != v1.DisputeStatus_DISPUTE_STATUS_UNDER_REVIEW {
			t.Fatalf("accept = %v, evidence = %v", a, e)
		}
		if !strings.Contains(string(ex[2].Raw), `filename="receipt.pdf"`) || !strings.Contains(string(ex[2].Raw), "Delivered on 2026-01-01") {
			t.Errorf("evidence body = %s", ex[2].Raw)
		}
	})
	t.Run("errors keep PayPal's code and debug id", func(t *testing.T) {
		_, err := env.payments.Get(ctx, call(t, env, &v1.PaymentServiceGetRequest{ConnectorTransactionId: "ORD99999999999999", State: manual.GetState()}))
		var ce *connect.Error
		if !errors.As(err, &ce) || ce.Code() != connect.CodeNotFound || !strings.Contains(ce.Message(), "INVALID_RESOURCE_ID") {
			t.Fatalf("err = %v", err)
		}
		if strings.Contains(ce.Message(), testClientSecret) {
			t.Errorf("the client secret leaked: %s", ce.Message())
		}
	})
}
