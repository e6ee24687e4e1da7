//go:build !wasip1

package razorpay

import (
	"context"
	"net/http/httptest"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/connectorhost/connector-host/conformance/conformancetest"
	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk/pdktest"
)

// TestRetriedAuthorizeOfAPaidOrderAnswersItsPayment: an Authorize retried
// after its answer was lost gets the same order back from CreateOrder (its
// receipt is the merchant id, with unique_receipt), already paid or
// attempted, and Razorpay allows no further payment on a paid order nor on
// one whose payment is authorized (docs/payments/orders). The connector reads
// the order's payments first (GET /v1/orders/{id}/payments, a Get step) and
// answers the payment that paid it; an order with only failed payments is
// paid as before. A payment read with another amount than requested is an
// integrity error, never a success.
func TestRetriedAuthorizeOfAPaidOrderAnswersItsPayment(t *testing.T) {
	const orderID, payID = "order_Rtry0000000001", "pay_Rtry0000000001"
	order := func(status string) conformancetest.Answer {
		return conformancetest.Answer{Status: 200, Body: `{"id":"` + orderID + `","entity":"order","amount":50000,"amount_paid":0,"amount_due":50000,` +
			`"currency":"INR","receipt":"ord_retry","status":"` + status + `","attempts":1,"created_at":1642662092}`}
	}
	payment := func(status string, amount string) string {
		return `{"id":"` + payID + `","entity":"payment","amount":` + amount + `,"currency":"INR","status":"` + status + `","order_id":"` + orderID +
			`","method":"card","amount_refunded":0,"captured":` + strconv.FormatBool(status == "captured") + `,"created_at":1606985209}`
	}
	payments := func(items ...string) conformancetest.Answer {
		return conformancetest.Answer{Status: 200, Body: `{"entity":"collection","count":` + strconv.Itoa(len(items)) +
			`,"items":[` + strings.Join(items, ",") + `]}`}
	}
	failed := `{"id":"pay_Rtry000000000F","entity":"payment","amount":50000,"currency":"INR","status":"failed","order_id":"` + orderID + `","captured":false}`
	redirect := conformancetest.Answer{Status: 200, Body: `{"razorpay_payment_id":"pay_Rtry0000000002","next":[{"action":"redirect","url":"https://api.razorpay.com/v1/payments/pay_Rtry0000000002/authenticate"}]}`}
	readOrder, readPayments, readPayment, pay := "POST /v1/orders", "GET /v1/orders/"+orderID+"/payments", "GET /v1/payments/"+payID, "POST /v1/payments/create/json"
	kit, err := conformancetest.Native(New())
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		capture v1.CaptureMethod
		answers []conformancetest.Answer
		asked   []string
		want    v1.PaymentStatus // UNSPECIFIED: an integrity error
		payment string
	}{
		{"paid order", v1.CaptureMethod_CAPTURE_METHOD_AUTOMATIC,
			[]conformancetest.Answer{order("paid"), payments(failed, payment("captured", "50000")), {Status: 200, Body: payment("captured", "50000")}},
			[]string{readOrder, readPayments, readPayment}, v1.PaymentStatus_PAYMENT_STATUS_CHARGED, payID},
		{"attempted order, authorized payment", v1.CaptureMethod_CAPTURE_METHOD_MANUAL,
			[]conformancetest.Answer{order("attempted"), payments(payment("authorized", "50000")), {Status: 200, Body: payment("authorized", "50000")}},
			[]string{readOrder, readPayments, readPayment}, v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZED, payID},
		{"attempted order, failed payment only", v1.CaptureMethod_CAPTURE_METHOD_AUTOMATIC,
			[]conformancetest.Answer{order("attempted"), payments(failed), redirect},
			[]string{readOrder, readPayments, pay}, v1.PaymentStatus_PAYMENT_STATUS_AUTHENTICATION_PENDING, "pay_Rtry0000000002"},
		{"paid order, payment of another amount", v1.CaptureMethod_CAPTURE_METHOD_AUTOMATIC,
			[]conformancetest.Answer{order("paid"), payments(payment("captured", "40000")), {Status: 200, Body: payment("captured", "40000")}},
			[]string{readOrder, readPayments, readPayment}, v1.PaymentStatus_PAYMENT_STATUS_UNSPECIFIED, ""},
	} {
		fake := &conformancetest.Scripted{T: t, Answers: tc.answers}
		srv := httptest.NewServer(fake)
		cc := (&pdktest.Call{Credentials: testCreds, BaseURL: srv.URL}).Context()
		ex, err := kit.Execute(context.Background(), srv.Client(), v1.Flow_FLOW_AUTHORIZE, cardAuthorize("ord_retry", tc.capture), cc)
		srv.Close()
		if err != nil {
			t.Fatal(err)
		}
		if got := fake.Asked(); !reflect.DeepEqual(got, tc.asked) {
			t.Fatalf("%s: requests %v, want %v", tc.name, got, tc.asked)
		}
		if tc.want == v1.PaymentStatus_PAYMENT_STATUS_UNSPECIFIED {
			if ex.Err == nil || ex.Error.GetKind() != pluginv1.ErrorKind_ERROR_KIND_INVALID_RESPONSE ||
				ex.Error.GetDetail().GetCode() != v1.ErrorCode_ERROR_CODE_INTEGRITY_MISMATCH {
				t.Fatalf("%s: response %v, error %v (plugin %v), want an integrity error", tc.name, ex.Response, ex.Err, ex.Error)
			}
			continue
		}
		out, _ := ex.Response.(*v1.PaymentServiceAuthorizeResponse)
		if ex.Err != nil || out.GetStatus() != tc.want || out.GetConnectorTransactionId() != tc.payment || out.GetConnectorReferenceId() != orderID {
			t.Fatalf("%s: authorize = %v, error %v, want %v of %s", tc.name, out, ex.Err, tc.want, tc.payment)
		}
		if tc.payment == payID && (out.GetAmount().GetMinorAmount() != 50000 || out.GetAmount().GetCurrency() != "INR") {
			t.Fatalf("%s: amount %v, want INR 50000", tc.name, out.GetAmount())
		}
	}
}
