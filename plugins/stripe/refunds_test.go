//go:build !wasip1

package stripe

import (
	"testing"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"google.golang.org/protobuf/proto"
)

func refundReq() *v1.PaymentServiceRefundRequest {
	return &v1.PaymentServiceRefundRequest{ConnectorTransactionId: testPI, MerchantRefundId: "refund_1", RefundAmount: usd(400), Reason: "requested_by_customer"}
}

func TestRefundPartial(t *testing.T) {
	req := refundReq()
	req.Metadata = map[string]string{"ticket": "T-9"}
	resp, http := ok[*v1.PaymentServiceRefundResponse](t, call{flow: v1.Flow_FLOW_REFUND, req: req, status: 200, body: refundBody(nil)})
	wantRequest(t, http, "POST", "/v1/refunds", "refund:refund_1")
	wantForm(t, http, map[string]string{"payment_intent": testPI, "amount": "400", "reason": "requested_by_customer",
		"metadata[merchant_refund_id]": "refund_1", "metadata[ticket]": "T-9", "metadata[refund_reason]": "-"})
	want := &v1.PaymentServiceRefundResponse{
		ConnectorHttpStatus: 200, // filled by the host's executor
		ConnectorRefundId:   "re_3MtwBwLkdIwHu7ix0ezqsBbC", Status: v1.RefundStatus_REFUND_STATUS_SUCCEEDED, RefundAmount: usd(400),
		MerchantRefundId: "refund_1", ConnectorTransactionId: testPI,
	}
	if !proto.Equal(resp, want) {
		t.Errorf("response =\n%v\nwant\n%v", resp, want)
	}
}

func TestRefundReasons(t *testing.T) {
	for _, tc := range []struct{ reason, stripe, meta string }{
		{"duplicate", "duplicate", "-"},
		{"fraud", "fraudulent", "fraud"},
		{"Fraudulent", "fraudulent", "Fraudulent"},
		// fraudulent blocks the card and email: a text that only mentions
		// fraud never sends it (the text is kept in metadata).
		{"Fraud on the card", "-", "Fraud on the card"},
		{"customer says it is not fraud", "requested_by_customer", "customer says it is not fraud"},
		{"customer request", "requested_by_customer", "customer request"},
		{"damaged goods", "-", "damaged goods"},
		{"", "-", "-"},
	} {
		req := refundReq()
		req.Reason = tc.reason
		wantForm(t, build(t, v1.Flow_FLOW_REFUND, req), map[string]string{"reason": tc.stripe, "metadata[refund_reason]": tc.meta})
	}
}

func TestRefundStatuses(t *testing.T) {
	for _, tc := range []struct {
		over obj
		want v1.RefundStatus
		code v1.ErrorCode
	}{
		{obj{"status": "pending"}, v1.RefundStatus_REFUND_STATUS_PENDING, 0},
		{obj{"status": "requires_action"}, v1.RefundStatus_REFUND_STATUS_ACTION_REQUIRED, 0},
		{obj{"status": "succeeded"}, v1.RefundStatus_REFUND_STATUS_SUCCEEDED, 0},
		{obj{"status": "failed", "failure_reason": "expired_or_canceled_card"}, v1.RefundStatus_REFUND_STATUS_FAILED, v1.ErrorCode_ERROR_CODE_EXPIRED_CARD},
		{obj{"status": "failed", "failure_reason": "unknown"}, v1.RefundStatus_REFUND_STATUS_FAILED, v1.ErrorCode_ERROR_CODE_PROCESSING_ERROR},
		{obj{"status": "canceled"}, v1.RefundStatus_REFUND_STATUS_CANCELED, 0},
		{obj{"status": "in_transit"}, v1.RefundStatus_REFUND_STATUS_UNKNOWN, 0},
	} {
		resp, _ := ok[*v1.PaymentServiceRefundResponse](t, call{flow: v1.Flow_FLOW_REFUND, req: refundReq(), status: 200, body: refundBody(tc.over)})
		if resp.GetStatus() != tc.want || resp.GetError().GetCode() != tc.code {
			t.Errorf("%v: %v %v", tc.over, resp.GetStatus(), resp.GetError())
		}
	}
}

func TestRefundZeroDecimal(t *testing.T) {
	req := refundReq()
	req.RefundAmount = &v1.Money{MinorAmount: 500, Currency: "JPY"}
	resp, http := ok[*v1.PaymentServiceRefundResponse](t, call{flow: v1.Flow_FLOW_REFUND, req: req, status: 200, body: refundBody(obj{"amount": 500, "currency": "jpy"})})
	wantForm(t, http, map[string]string{"amount": "500"})
	if !proto.Equal(resp.GetRefundAmount(), req.RefundAmount) {
		t.Errorf("amount = %v", resp.GetRefundAmount())
	}
	// Stripe refunding another amount than asked is an integrity error.
	integrityErr(t, call{flow: v1.Flow_FLOW_REFUND, req: refundReq(), status: 200, body: refundBody(obj{"amount": 1000})})
}

func TestRefundErrors(t *testing.T) {
	e := parseErr(t, call{flow: v1.Flow_FLOW_REFUND, req: refundReq(), status: 400,
		body: errorBody(obj{"type": "invalid_request_error", "code": "charge_already_refunded", "message": "Charge ch_1 has already been refunded."})})
	wantKind(t, e, pluginv1.ErrorKind_ERROR_KIND_CONFLICT)
	e = parseErr(t, call{flow: v1.Flow_FLOW_REFUND, req: refundReq(), status: 400,
		body: errorBody(obj{"type": "invalid_request_error", "param": "amount", "message": "Refund amount ($20.00) is greater than charge amount ($10.00)"})})
	wantKind(t, e, pluginv1.ErrorKind_ERROR_KIND_PROCESSOR_REJECTED)
	if e.GetDetail().GetCode() != v1.ErrorCode_ERROR_CODE_INVALID_REQUEST || e.GetDetail().GetConnector().GetType() != "invalid_request_error" {
		t.Errorf("detail = %v", e.GetDetail())
	}
	req := refundReq()
	req.MerchantRefundId = ""
	wantKind(t, buildErr(t, v1.Flow_FLOW_REFUND, req), pluginv1.ErrorKind_ERROR_KIND_INVALID_REQUEST)
}

func TestRefundGet(t *testing.T) {
	req := &v1.RefundServiceGetRequest{ConnectorRefundId: "re_3MtwBwLkdIwHu7ix0ezqsBbC"}
	resp, http := ok[*v1.RefundServiceGetResponse](t, call{flow: v1.Flow_FLOW_REFUND_GET, req: req, status: 200, body: refundBody(obj{"status": "pending"})})
	wantRequest(t, http, "GET", "/v1/refunds/re_3MtwBwLkdIwHu7ix0ezqsBbC", "")
	want := &v1.RefundServiceGetResponse{
		ConnectorHttpStatus: 200, // filled by the host's executor
		ConnectorRefundId:   "re_3MtwBwLkdIwHu7ix0ezqsBbC", Status: v1.RefundStatus_REFUND_STATUS_PENDING, RefundAmount: usd(400),
		MerchantRefundId: "refund_1", ConnectorTransactionId: testPI,
	}
	if !proto.Equal(resp, want) {
		t.Errorf("response =\n%v\nwant\n%v", resp, want)
	}
	wantKind(t, buildErr(t, v1.Flow_FLOW_REFUND_GET, &v1.RefundServiceGetRequest{}), pluginv1.ErrorKind_ERROR_KIND_INVALID_REQUEST)
}

// TestRefundGetAnotherMerchantRefund: a Refund whose metadata names another
// merchant_refund_id than the request's is refused by the host's integrity
// check, not answered as the requested refund.
func TestRefundGetAnotherMerchantRefund(t *testing.T) {
	integrityErr(t, call{flow: v1.Flow_FLOW_REFUND_GET, status: 200, body: refundBody(nil),
		req: &v1.RefundServiceGetRequest{ConnectorRefundId: "re_3MtwBwLkdIwHu7ix0ezqsBbC", MerchantRefundId: "refund_other"}})
}
