package conformance

import (
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
)

func TestMatchSubset(t *testing.T) {
	got := &v1.PaymentServiceAuthorizeResponse{
		ConnectorTransactionId: "pi_1", Status: v1.PaymentStatus_PAYMENT_STATUS_CHARGED,
		Amount: &v1.Money{MinorAmount: 1000, Currency: "USD"}, ConnectorHttpStatus: 200,
		State: &v1.ConnectorState{Values: map[string]string{"k": "v"}},
	}
	for _, tc := range []struct {
		want     string
		problems []string
	}{
		{`{"connectorTransactionId":"pi_1","status":"PAYMENT_STATUS_CHARGED","amount":{"minorAmount":"1000","currency":"USD"}}`, nil},
		{`{"connector_transaction_id":"pi_1","status":10,"amount":{"minorAmount":1000},"connectorHttpStatus":200}`, nil},
		{`{"state":{"values":{"k":"v"}},"error":null,"merchantTransactionId":""}`, nil},
		{`{"status":"PAYMENT_STATUS_AUTHORIZED"}`, []string{"status: want PAYMENT_STATUS_AUTHORIZED, got PAYMENT_STATUS_CHARGED"}},
		{`{"amount":{"minorAmount":"999"}}`, []string{"amount.minorAmount: want 999, got 1000"}},
		{`{"error":{"code":"ERROR_CODE_CARD_DECLINED"}}`, []string{"error: want a PaymentError, got none"}},
		{`{"amount":null}`, []string{"amount: want unset"}},
		{`{"state":{"values":{"x":"y"}}}`, []string{"state.values[x]: missing"}},
		{`{"stauts":"x"}`, []string{"stauts: connectorhost.v1.PaymentServiceAuthorizeResponse has no such field"}},
	} {
		want, err := decodeObject([]byte(tc.want))
		if err != nil {
			t.Fatal(err)
		}
		probs := matchSubset(want, got.ProtoReflect())
		if len(probs) != len(tc.problems) {
			t.Errorf("%s: problems %q, want %q", tc.want, probs, tc.problems)
			continue
		}
		for i := range probs {
			if !strings.HasPrefix(probs[i], tc.problems[i]) {
				t.Errorf("%s: problem %q, want prefix %q", tc.want, probs[i], tc.problems[i])
			}
		}
	}
}

func TestSuccessVerdict(t *testing.T) {
	for _, tc := range []struct {
		msg     proto.Message
		success bool
	}{
		{&v1.PaymentServiceAuthorizeResponse{Status: v1.PaymentStatus_PAYMENT_STATUS_CHARGED}, true},
		{&v1.PaymentServiceAuthorizeResponse{Status: v1.PaymentStatus_PAYMENT_STATUS_PARTIALLY_AUTHORIZED}, true},
		{&v1.PaymentServiceAuthorizeResponse{Status: v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZATION_FAILED}, false},
		{&v1.PaymentServiceAuthorizeResponse{Status: v1.PaymentStatus_PAYMENT_STATUS_UNKNOWN}, false},
		{&v1.PaymentServiceAuthorizeResponse{}, true}, // UNSPECIFIED is not a defined fallback
		{&v1.PaymentServiceVoidResponse{Status: v1.PaymentStatus_PAYMENT_STATUS_VOIDED}, true},
		{&v1.PaymentServiceCaptureResponse{Status: v1.PaymentStatus_PAYMENT_STATUS_CAPTURE_PENDING}, false},
		{&v1.PaymentServiceCreateOrderResponse{Status: v1.PaymentStatus_PAYMENT_STATUS_STARTED}, true},
		{&v1.PaymentServiceAuthorizeResponse{Status: v1.PaymentStatus_PAYMENT_STATUS_STARTED}, false},
		{&v1.PaymentServiceRefundResponse{Status: v1.RefundStatus_REFUND_STATUS_SUCCEEDED}, true},
		{&v1.PaymentServiceRefundResponse{Status: v1.RefundStatus_REFUND_STATUS_PENDING}, false},
		{&v1.DisputeServiceAcceptResponse{Status: v1.DisputeStatus_DISPUTE_STATUS_ACCEPTED}, true},
		{&v1.DisputeServiceGetResponse{Status: v1.DisputeStatus_DISPUTE_STATUS_NEEDS_RESPONSE}, false},
		{&v1.PaymentServiceSetupRecurringResponse{Status: v1.MandateStatus_MANDATE_STATUS_PENDING, PaymentStatus: v1.PaymentStatus_PAYMENT_STATUS_CHARGED}, true},
		{&v1.PaymentServiceSetupRecurringResponse{Status: v1.MandateStatus_MANDATE_STATUS_FAILED}, false},
		{&v1.CustomerServiceCreateResponse{ConnectorCustomerId: "cus_1"}, true},
		{&v1.CustomerServiceCreateResponse{Error: &v1.PaymentError{Code: v1.ErrorCode_ERROR_CODE_PROCESSING_ERROR}}, false},
	} {
		if got, why := successVerdict(tc.msg.ProtoReflect()); got != tc.success {
			t.Errorf("%T %v: success = %v (%s), want %v", tc.msg, tc.msg, got, why, tc.success)
		}
	}
}
