//go:build !wasip1

package gocardless

// End to end through the real host: the plugin is built to .wasm, served by
// host/app (internal/hosttest) and pointed at a fake GoCardless that
// expects a scripted sequence of requests and checks each one field by
// field (method, path, headers, idempotency key, the whole JSON body)
// before answering with the documented response shapes.

import (
	"bytes"
	"context"
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

// exchange is one expected request and the fake's answer to it.
type exchange struct {
	method, path, key, body string // key "" means no Idempotency-Key; body "" means none
	status                  int
	answer                  string
}

// fakeGoCardless serves the exchanges in order and fails t on any request
// that differs from the next one expected.
type fakeGoCardless struct {
	t    *testing.T
	mu   sync.Mutex
	want []exchange
}

func (f *fakeGoCardless) expect(ex ...exchange) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.want = append(f.want, ex...)
}

// done fails t when expected requests were not received.
func (f *fakeGoCardless) done() {
	f.t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.want) != 0 {
		f.t.Errorf("GoCardless did not receive %d expected requests, first %s %s", len(f.want), f.want[0].method, f.want[0].path)
		f.want = nil
	}
}

func (f *fakeGoCardless) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	body, _ := io.ReadAll(r.Body)
	if len(f.want) == 0 {
		f.t.Errorf("unexpected request %s %s %s", r.Method, r.URL.Path, body)
		w.WriteHeader(http.StatusTeapot)
		return
	}
	ex := f.want[0]
	f.want = f.want[1:]
	where := r.Method + " " + r.URL.Path
	check := func(what, got, want string) {
		if got != want {
			f.t.Errorf("%s: %s = %q, want %q", where, what, got, want)
		}
	}
	check("method", r.Method, ex.method)
	check("path", r.URL.Path, ex.path)
	check("query", r.URL.RawQuery, "")
	check("Authorization", r.Header.Get("Authorization"), "Bearer "+testAccessToken)
	check("GoCardless-Version", r.Header.Get("GoCardless-Version"), "2015-07-06")
	check("Accept", r.Header.Get("Accept"), "application/json")
	check("Idempotency-Key", r.Header.Get("Idempotency-Key"), ex.key)
	if ex.body == "" {
		check("body", string(body), "")
	} else {
		check("Content-Type", r.Header.Get("Content-Type"), "application/json")
		var got, want any
		if err := json.Unmarshal(body, &got); err != nil {
			f.t.Errorf("%s: body is not JSON: %v", where, err)
		}
		if err := json.Unmarshal([]byte(ex.body), &want); err != nil {
			f.t.Fatalf("bad expectation %s: %v", ex.body, err)
		}
		if !reflect.DeepEqual(got, want) {
			f.t.Errorf("%s: body\n%s\nwant\n%s", where, body, ex.body)
		}
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(ex.status)
	_, _ = w.Write([]byte(ex.answer))
}

func gcCall[T any](t *testing.T, msg *T) *connect.Request[T] {
	t.Helper()
	auth, err := json.Marshal(map[string]string{credAccessToken: testAccessToken, credWebhookSecret: sdkSecret})
	if err != nil {
		t.Fatal(err)
	}
	r := connect.NewRequest(msg)
	r.Header().Set("x-connector", "gocardless")
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

// TestHostEndToEnd runs every flow through a real host: a mandate set up
// from nothing (customer, bank account, mandate as three host-run steps), a
// payment on it, a refund that reads the refunded total first, the refund's
// status, a cancel, an authorize on a mandate, a mandate revoke, an API
// error, and webhooks.
func TestHostEndToEnd(t *testing.T) {
	fake := &fakeGoCardless{t: t}
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	base, hc := hosttest.Start(t, "gocardless", srv.URL), http.DefaultClient
	payments := connectorhostv1connect.NewPaymentServiceClient(hc, base)
	recurring := connectorhostv1connect.NewRecurringPaymentServiceClient(hc, base)
	refunds := connectorhostv1connect.NewRefundServiceClient(hc, base)
	events := connectorhostv1connect.NewEventServiceClient(hc, base)
	ctx := context.Background()

	t.Run("setup recurring from nothing", func(t *testing.T) {
		fake.expect(
			exchange{"POST", "/customers", "customer:setup_e2e",
				`{"customers":{"email":"frank@example.com","given_name":"Frank","family_name":"Osborne","address_line1":"27 Acer Road","city":"London","postal_code":"E8 3GX","country_code":"GB"}}`,
				201, `{"customers":{"id":"CU123","email":"frank@example.com","given_name":"Frank","family_name":"Osborne","country_code":"GB","metadata":{}}}`},
			exchange{"POST", "/customer_bank_accounts", "bank_account:setup_e2e",
				`{"customer_bank_accounts":{"account_holder_name":"Frank Osborne","account_number":"55779911","branch_code":"200000","country_code":"GB","currency":"GBP","links":{"customer":"CU123"}}}`,
				201, `{"customer_bank_accounts":{"id":"BA123","account_holder_name":"Frank Osborne","account_number_ending":"11","country_code":"GB","currency":"GBP","enabled":true,"links":{"customer":"CU123"}}}`},
			exchange{"POST", "/mandates", "mandate:setup_e2e",
				`{"mandates":{"scheme":"bacs","metadata":{"merchant_setup_id":"setup_e2e"},"links":{"customer_bank_account":"BA123"}}}`,
				201, `{"mandates":{"id":"MD123","scheme":"bacs","status":"pending_submission","metadata":{"merchant_setup_id":"setup_e2e"},"links":{"customer_bank_account":"BA123","creditor":"CR123","customer":"CU123"}}}`},
		)
		out := ok[v1.PaymentServiceSetupRecurringResponse](t)(payments.SetupRecurring(ctx, gcCall(t, &v1.PaymentServiceSetupRecurringRequest{
			MerchantSetupId: "setup_e2e", PaymentMethod: bacs(), Amount: gbp(0),
			Customer:       &v1.Customer{Name: "Frank Osborne", Email: "frank@example.com"},
			BillingAddress: &v1.Address{Line1: "27 Acer Road", City: "London", PostalCode: "E8 3GX", Country: "GB"}})))
		fake.done()
		m := out.GetMandate()
		if out.GetStatus() != v1.MandateStatus_MANDATE_STATUS_PENDING || m.GetConnectorMandateId() != "MD123" || m.GetConnectorCustomerId() != "CU123" ||
			out.GetState().GetConnectorCustomerId() != "CU123" {
			t.Fatalf("setup = %v", out)
		}
	})

	t.Run("charge, refund, refund get, cancel", func(t *testing.T) {
		fake.expect(exchange{"POST", "/payments", "payment:order_e2e",
			`{"payments":{"amount":1250,"currency":"GBP","description":"Wine box","metadata":{"merchant_transaction_id":"order_e2e"},"links":{"mandate":"MD123"}}}`,
			201, `{"payments":{"id":"PM123","amount":1250,"amount_refunded":0,"currency":"GBP","status":"pending_submission","charge_date":"2014-05-21","metadata":{"merchant_transaction_id":"order_e2e"},"links":{"mandate":"MD123","creditor":"CR123"}}}`})
		ch := ok[v1.RecurringPaymentServiceChargeResponse](t)(recurring.Charge(ctx, gcCall(t, &v1.RecurringPaymentServiceChargeRequest{
			MerchantTransactionId: "order_e2e", Amount: gbp(1250), Description: "Wine box", Mandate: &v1.MandateReference{ConnectorMandateId: "MD123"}})))
		fake.done()
		if ch.GetConnectorTransactionId() != "PM123" || ch.GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_PENDING || ch.GetAmount().GetMinorAmount() != 1250 {
			t.Fatalf("charge = %v", ch)
		}

		fake.expect(
			exchange{"GET", "/payments/PM123", "", "", 200,
				`{"payments":{"id":"PM123","amount":1250,"amount_refunded":200,"currency":"GBP","status":"confirmed","links":{"mandate":"MD123"}}}`},
			exchange{"POST", "/refunds", "refund:refund_e2e",
				`{"refunds":{"amount":300,"total_amount_confirmation":500,"metadata":{"merchant_refund_id":"refund_e2e","reason":"damaged"},"links":{"payment":"PM123"}}}`,
				201, `{"refunds":{"id":"RF123","amount":300,"currency":"GBP","status":"created","metadata":{"merchant_refund_id":"refund_e2e","reason":"damaged"},"links":{"payment":"PM123","mandate":"MD123"}}}`},
		)
		rf := ok[v1.PaymentServiceRefundResponse](t)(payments.Refund(ctx, gcCall(t, &v1.PaymentServiceRefundRequest{
			ConnectorTransactionId: "PM123", MerchantRefundId: "refund_e2e", RefundAmount: gbp(300), Reason: "damaged"})))
		fake.done()
		if rf.GetConnectorRefundId() != "RF123" || rf.GetStatus() != v1.RefundStatus_REFUND_STATUS_PENDING || rf.GetRefundAmount().GetMinorAmount() != 300 {
			t.Fatalf("refund = %v", rf)
		}

		fake.expect(exchange{"GET", "/refunds/RF123", "", "", 200,
			`{"refunds":{"id":"RF123","amount":300,"currency":"GBP","status":"paid","metadata":{"merchant_refund_id":"refund_e2e"},"links":{"payment":"PM123"}}}`})
		rg := ok[v1.RefundServiceGetResponse](t)(refunds.Get(ctx, gcCall(t, &v1.RefundServiceGetRequest{ConnectorRefundId: "RF123"})))
		fake.done()
		if rg.GetStatus() != v1.RefundStatus_REFUND_STATUS_SUCCEEDED || rg.GetMerchantRefundId() != "refund_e2e" || rg.GetConnectorTransactionId() != "PM123" {
			t.Fatalf("refund get = %v", rg)
		}

		fake.expect(exchange{"POST", "/payments/PM123/actions/cancel", "cancel:void_e2e", `{"data":{"metadata":{"merchant_void_id":"void_e2e"}}}`, 200,
			`{"payments":{"id":"PM123","amount":1250,"amount_refunded":0,"currency":"GBP","status":"cancelled","links":{"mandate":"MD123"}}}`})
		vd := ok[v1.PaymentServiceVoidResponse](t)(payments.Void(ctx, gcCall(t, &v1.PaymentServiceVoidRequest{ConnectorTransactionId: "PM123", MerchantVoidId: "void_e2e"})))
		fake.done()
		if vd.GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_VOIDED {
			t.Fatalf("void = %v", vd)
		}
	})

	t.Run("authorize on a mandate, revoke the mandate", func(t *testing.T) {
		fake.expect(exchange{"POST", "/payments", "payment:order_auth",
			`{"payments":{"amount":990,"currency":"AUD","metadata":{"merchant_transaction_id":"order_auth"},"links":{"mandate":"MD777"}}}`,
			201, `{"payments":{"id":"PM777","amount":990,"amount_refunded":0,"currency":"AUD","status":"pending_submission","links":{"mandate":"MD777"}}}`})
		becs := &v1.PaymentMethod{Method: &v1.PaymentMethod_BankDebit{BankDebit: &v1.BankDebit{Kind: v1.BankDebitKind_BANK_DEBIT_KIND_BECS, AccountHolderName: "Bruce Wayne"}}}
		au := ok[v1.PaymentServiceAuthorizeResponse](t)(payments.Authorize(ctx, gcCall(t, &v1.PaymentServiceAuthorizeRequest{
			MerchantTransactionId: "order_auth", Amount: &v1.Money{MinorAmount: 990, Currency: "AUD"}, PaymentMethod: becs,
			Mandate: &v1.MandateReference{ConnectorMandateId: "MD777"}})))
		fake.done()
		if au.GetConnectorTransactionId() != "PM777" || au.GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_PENDING || au.GetMandate().GetConnectorMandateId() != "MD777" {
			t.Fatalf("authorize = %v", au)
		}
		fake.expect(exchange{"POST", "/mandates/MD777/actions/cancel", "revoke:revoke_e2e", `{"data":{"metadata":{"merchant_revoke_id":"revoke_e2e"}}}`, 200,
			`{"mandates":{"id":"MD777","scheme":"becs","status":"cancelled","links":{"customer_bank_account":"BA7","customer":"CU7"}}}`})
		rv := ok[v1.RecurringPaymentServiceRevokeResponse](t)(recurring.Revoke(ctx, gcCall(t, &v1.RecurringPaymentServiceRevokeRequest{
			Mandate: &v1.MandateReference{ConnectorMandateId: "MD777"}, MerchantRevokeId: "revoke_e2e"})))
		fake.done()
		if rv.GetStatus() != v1.MandateStatus_MANDATE_STATUS_REVOKED || rv.GetConnectorMandateId() != "MD777" {
			t.Fatalf("revoke = %v", rv)
		}
	})

	t.Run("api error", func(t *testing.T) {
		fake.expect(exchange{"POST", "/payments", "payment:order_inactive",
			`{"payments":{"amount":100,"currency":"EUR","metadata":{"merchant_transaction_id":"order_inactive"},"links":{"mandate":"MD999"}}}`,
			422, `{"error":{"message":"The mandate is not active","type":"invalid_state","code":422,"request_id":"req-e2e","errors":[{"reason":"mandate_is_inactive","message":"The mandate is not active"}]}}`})
		_, err := recurring.Charge(ctx, gcCall(t, &v1.RecurringPaymentServiceChargeRequest{
			MerchantTransactionId: "order_inactive", Amount: &v1.Money{MinorAmount: 100, Currency: "EUR"}, Mandate: &v1.MandateReference{ConnectorMandateId: "MD999"}}))
		fake.done()
		if err == nil || !strings.Contains(err.Error(), "mandate_is_inactive") || strings.Contains(err.Error(), testAccessToken) {
			t.Fatalf("error = %v, want mandate_is_inactive without the token", err)
		}
	})

	t.Run("webhooks", func(t *testing.T) {
		hook := func(body []byte, signature string) *v1.WebhookRequest {
			return &v1.WebhookRequest{Method: http.MethodPost, Url: "https://host.internal/hooks/gocardless", Body: body,
				Headers: []*v1.HttpHeader{{Name: "Content-Type", Value: "application/json"}, {Name: "Webhook-Signature", Value: signature}}}
		}
		out := ok[v1.EventServiceHandleEventResponse](t)(events.HandleEvent(ctx, gcCall(t, &v1.EventServiceHandleEventRequest{
			Webhook: hook([]byte(sdkBody), sdkSignature)})))
		evs := out.GetEvents()
		if len(evs) != 2 || !evs[1].GetVerified() || evs[1].GetMandate().GetConnectorSetupId() != "MD000AMA19XGEC" {
			t.Fatalf("events = %v", evs)
		}
		tampered := bytes.Replace([]byte(sdkBody), []byte("MD000AMA19XGEC"), []byte("MD000AMA19XGEX"), 1)
		if _, err := events.HandleEvent(ctx, gcCall(t, &v1.EventServiceHandleEventRequest{Webhook: hook(tampered, sdkSignature)})); connect.CodeOf(err) != connect.CodeUnauthenticated {
			t.Fatalf("tampered webhook: err = %v, want Unauthenticated", err)
		}
	})
}
