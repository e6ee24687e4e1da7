package pdk

import (
	"testing"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
)

// readTestRefund is the short form of an Answer, shared by the flows that
// answer from the same object.
func readTestRefund(a *Answer) *v1.RefundServiceGetResponse {
	return &v1.RefundServiceGetResponse{ConnectorRefundId: a.Require("id"), RefundAmount: a.Money("amount", "currency")}
}

func TestCallRead(t *testing.T) {
	call := &Call[*refundGetReq, *v1.RefundServiceGetResponse]{API: testAPI, Path: "/v1/refunds/{id}",
		Params: Params[*refundGetReq]{"id": {Field: "connector_refund_id", Get: (*refundGetReq).GetConnectorRefundId}},
		Read:   readTestRefund}
	c, req := testContext(map[string]string{"api_key": "k"}), &refundGetReq{ConnectorRefundId: "re_1"}
	if _, err := call.Build(c, req); err != nil {
		t.Fatalf("a Call with Read and no Answer builds: %v", err)
	}
	out, err := call.Parse(c, req, &Response{Status: 200, Body: []byte(`{"id":"re_1","amount":1200,"currency":"isk"}`)})
	if err != nil || out.GetConnectorRefundId() != "re_1" || out.GetRefundAmount().GetMinorAmount() != 12 {
		t.Errorf("Read's response: %v, %v", out, err)
	}
	// The reads' problems are Parse's error, as with Answer.
	if _, err := call.Parse(c, req, &Response{Status: 200, Body: []byte(`{"amount":1,"currency":"usd"}`)}); err == nil ||
		kindOf(t, err) != pluginv1.ErrorKind_ERROR_KIND_INVALID_RESPONSE {
		t.Errorf("no id: %v", err)
	}
	// Answer wins when both are set.
	both := *call
	both.Answer = func(_ *Context, _ *refundGetReq, a *Answer) (*v1.RefundServiceGetResponse, error) {
		return &v1.RefundServiceGetResponse{MerchantRefundId: "from answer"}, nil
	}
	if out, _ := both.Parse(c, req, &Response{Status: 200, Body: []byte(`{"id":"re_1"}`)}); out.GetMerchantRefundId() != "from answer" {
		t.Errorf("Answer must be used when set: %v", out)
	}
}
