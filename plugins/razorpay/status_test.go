//go:build !wasip1

package razorpay

import (
	"strings"
	"testing"

	"github.com/connectorhost/connector-host/conformance/conformancetest"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk"
	"github.com/connectorhost/connector-host/pdk/pdktest"
)

// Razorpay auto-refunds an authorized payment that is not captured in time
// (https://razorpay.com/docs/payments/refunds/auto-refunds: "An auto-refunded
// payment was never captured, so the value [captured] is always false"); its
// status becomes refunded. It was never charged: REVERSED with no captured
// amount, not CHARGED. A captured payment refunded later stays CHARGED.
func TestGetAutoRefundedPaymentIsNotCharged(t *testing.T) {
	for _, tc := range []struct {
		captured string
		want     v1.PaymentStatus
		charged  bool
	}{
		{"false", v1.PaymentStatus_PAYMENT_STATUS_REVERSED, false},
		{"true", v1.PaymentStatus_PAYMENT_STATUS_CHARGED, true},
	} {
		body := `{"id":"pay_G8VQzjPLoAvm6D","entity":"payment","amount":50000,"currency":"INR","status":"refunded",` +
			`"order_id":"order_IluGWxBm9U8zJ8","method":"card","amount_refunded":50000,"refund_status":"full","captured":` + tc.captured + `}`
		r, err := parseGet(nil, &v1.PaymentServiceGetRequest{ConnectorTransactionId: "pay_G8VQzjPLoAvm6D"},
			&pdk.Response{Status: 200, Body: []byte(body)})
		if err != nil {
			t.Fatal(err)
		}
		if r.GetStatus() != tc.want || (r.GetCapturedAmount() != nil) != tc.charged || r.GetRefundedAmount().GetMinorAmount() != 50000 {
			t.Errorf("captured %s: status %v, captured amount %v, refunded %v; want %v, captured amount set %v, refunded 50000",
				tc.captured, r.GetStatus(), r.GetCapturedAmount(), r.GetRefundedAmount(), tc.want, tc.charged)
		}
	}
}

// PaymentService.Get and VerifyRedirectResponse read GET /v1/payments/{id}:
// an answer about another payment is an integrity error, as it already is
// for Capture, Refund and RefundService.Get, never that payment's status.
func TestPaymentReadAnswerForAnotherPaymentRefused(t *testing.T) {
	body := []byte(`{"id":"pay_Other000000001","entity":"payment","amount":50000,"currency":"INR","status":"captured",` +
		`"order_id":"order_IluGWxBm9U8zJ8","method":"card","amount_refunded":0,"captured":true}`)
	res := &pdk.Response{Status: 200, Body: body}
	// Get answers the payment's own id, which the host's executor compares
	// with the request's.
	get, err := conformancetest.Run(New(), pdktest.Call{Flow: v1.Flow_FLOW_GET, Credentials: testCreds, Status: 200, Body: body,
		Request: &v1.PaymentServiceGetRequest{ConnectorTransactionId: "pay_G8VQzjPLoAvm6D"}})
	if err != nil {
		t.Fatal(err)
	}
	if get.Err == nil || !strings.Contains(get.Err.Error(), "pay_Other000000001") {
		t.Errorf("Get accepted an answer about pay_Other000000001: %v / %v", get.Response, get.Err)
	}
	ctx := &pdk.Context{}
	vr := &v1.PaymentServiceVerifyRedirectResponseRequest{Params: map[string]string{"razorpay_payment_id": "pay_G8VQzjPLoAvm6D"}}
	if r, err := parseVerifyRedirect(ctx, vr, res); err == nil {
		t.Errorf("VerifyRedirectResponse accepted an answer about pay_Other000000001: %v", r)
	}
	same := &pdk.Response{Status: 200, Body: []byte(strings.Replace(string(body), "pay_Other000000001", "pay_G8VQzjPLoAvm6D", 1))}
	if _, err := parseGet(nil, &v1.PaymentServiceGetRequest{ConnectorTransactionId: "pay_G8VQzjPLoAvm6D"}, same); err != nil {
		t.Errorf("Get refused its own payment: %v", err)
	}
	if _, err := parseVerifyRedirect(ctx, vr, same); err != nil {
		t.Errorf("VerifyRedirectResponse refused its own payment: %v", err)
	}
}

// CreateOrder sends the merchant id as the receipt with unique_receipt, so
// the order answered must carry that receipt: an order made for another
// receipt (another purchase) must not be paid for this one.
func TestCreateOrderAnswerForAnotherReceiptRefused(t *testing.T) {
	req := &v1.PaymentServiceCreateOrderRequest{MerchantOrderId: "rcptid_11", Amount: &v1.Money{MinorAmount: 50000, Currency: "INR"}}
	answer := func(receipt string) *pdk.Response {
		return &pdk.Response{Status: 200, Body: []byte(`{"id":"order_IluGWxBm9U8zJ8","entity":"order","amount":50000,` +
			`"amount_paid":0,"amount_due":50000,"currency":"INR","receipt":` + receipt + `,"status":"created","attempts":0}`)}
	}
	if r, err := parseCreateOrder(nil, req, answer(`"rcptid_99"`)); err == nil {
		t.Errorf("CreateOrder accepted the order of receipt rcptid_99: %v", r)
	}
	for _, receipt := range []string{`"rcptid_11"`, `null`} {
		if _, err := parseCreateOrder(nil, req, answer(receipt)); err != nil {
			t.Errorf("receipt %s: %v", receipt, err)
		}
	}
}
