package razorpay

import (
	"testing"

	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk/jsonr"
)

// A payment's token_id is reported as a mandate whose status follows the
// payment (Razorpay's "Token States": only a confirmed token can be debited,
// https://razorpay.com/docs/payments/payment-gateway/s2s-integration/recurring-payments/cards/tokens).
// A created or failed authorization must never report its token ACTIVE.
func TestMandateStatusFollowsThePayment(t *testing.T) {
	// payment status and method -> the token's status
	want := map[[2]string]v1.MandateStatus{
		{"captured", "card"}:        v1.MandateStatus_MANDATE_STATUS_ACTIVE,
		{"authorized", "upi"}:       v1.MandateStatus_MANDATE_STATUS_ACTIVE,
		{"created", "upi"}:          v1.MandateStatus_MANDATE_STATUS_PENDING,
		{"failed", "card"}:          v1.MandateStatus_MANDATE_STATUS_UNKNOWN,
		{"failed", "upi"}:           v1.MandateStatus_MANDATE_STATUS_UNKNOWN,
		{"authorized", "emandate"}:  v1.MandateStatus_MANDATE_STATUS_PENDING,
		{"created", "emandate"}:     v1.MandateStatus_MANDATE_STATUS_PENDING,
		{"failed", "emandate"}:      v1.MandateStatus_MANDATE_STATUS_UNKNOWN,
		{"some_new_status", "card"}: v1.MandateStatus_MANDATE_STATUS_UNKNOWN,
	}
	for k, w := range want {
		status, method := k[0], k[1]
		body := `{"id":"pay_G8VQzjPLoAvm6D","entity":"payment","amount":100,"currency":"INR","status":"` + status +
			`","method":"` + method + `","customer_id":"cust_DtHaBuooGHTuyZ","token_id":"token_FHfAzGzREc1ug6"}`
		p, err := paymentOf(jsonr.TryObject([]byte(body)), nil, 200)
		if err != nil {
			t.Fatalf("%s %s: %v", status, method, err)
		}
		if got := p.mandate().GetStatus(); got != w {
			t.Errorf("%s %s payment: mandate status %v, want %v", method, status, got, w)
		}
	}
}

// payment.failed on a payment that names a token (a failed UPI AutoPay
// authorization) must not announce the token as an active mandate.
func TestWebhookFailedAuthorizationTokenNotActive(t *testing.T) {
	body := `{"entity":"event","account_id":"acc_BFQ7uQEaa7j2z7","event":"payment.failed","contains":["payment"],` +
		`"payload":{"payment":{"entity":{"id":"pay_G8VQzjPLoAvm6D","entity":"payment","amount":100,"currency":"INR",` +
		`"status":"failed","order_id":"order_IluGWxBm9U8zJ8","method":"upi","customer_id":"cust_DtHaBuooGHTuyZ",` +
		`"token_id":"token_FHfAzGzREc1ug6","error_code":"BAD_REQUEST_ERROR","error_reason":"payment_timed_out"}}},` +
		`"created_at":1567674607}`
	ev, err := normalize(hook(body, "", ""))
	if err != nil {
		t.Fatal(err)
	}
	m := ev.GetPayment().GetMandate()
	if m.GetConnectorMandateId() != "token_FHfAzGzREc1ug6" || m.GetStatus() == v1.MandateStatus_MANDATE_STATUS_ACTIVE {
		t.Fatalf("mandate = %v, want token_FHfAzGzREc1ug6 not ACTIVE", m)
	}
}
