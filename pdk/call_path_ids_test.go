package pdk

import (
	"strings"
	"testing"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
)

// A placeholder named after a connector id of the request is filled from
// it without a Param: escaped, and required as a Param is.
func TestCallPathRequestIDs(t *testing.T) {
	c := testContext(map[string]string{"api_key": "sk_1"})
	read := func(*Answer) *v1.RefundServiceGetResponse { return nil }
	get := &Call[*refundGetReq, *v1.RefundServiceGetResponse]{API: testAPI, Path: "/v1/payments/{connector_transaction_id}/refunds/{connector_refund_id}",
		Read: read}
	r, err := get.Build(c, &refundGetReq{ConnectorTransactionId: "pi_1", ConnectorRefundId: "re 1/x"})
	if err != nil || r.GetUrl() != "https://api.acme.test/v1/payments/pi_1/refunds/re%201%2Fx" {
		t.Fatalf("Build = %v, %v", r.GetUrl(), err)
	}
	_, err = get.Build(c, &refundGetReq{ConnectorTransactionId: "pi_1", ConnectorRefundId: " "})
	if err == nil || kindOf(t, err) != pluginv1.ErrorKind_ERROR_KIND_INVALID_REQUEST || err.Error() != "connector_refund_id: is required" {
		t.Errorf("empty id: %v", err)
	}

	// A Param of the same name wins.
	own := *get
	own.Params = Params[*refundGetReq]{"connector_refund_id": {Field: "refund", Get: func(*refundGetReq) string { return "re_own" }}}
	if r, err := own.Build(c, &refundGetReq{ConnectorTransactionId: "pi_1", ConnectorRefundId: "re_1"}); err != nil ||
		!strings.HasSuffix(r.GetUrl(), "/refunds/re_own") {
		t.Errorf("own Param: %v, %v", r.GetUrl(), err)
	}

	// An id the request does not have, or a name that is no connector id,
	// is the call's own mistake, as any placeholder without a Param.
	for _, path := range []string{"/v1/disputes/{connector_dispute_id}", "/v1/x/{merchant_refund_id}"} {
		bad := &Call[*refundGetReq, *v1.RefundServiceGetResponse]{API: testAPI, Path: path, Read: read}
		if _, err := bad.Build(c, &refundGetReq{ConnectorRefundId: "re_1"}); err == nil || kindOf(t, err) != pluginv1.ErrorKind_ERROR_KIND_INTERNAL {
			t.Errorf("%s: %v", path, err)
		}
	}
}
