package pdk

import (
	"testing"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
)

func TestRequired(t *testing.T) {
	check := Required("customer", func(r *v1.CustomerServiceCreateRequest) bool { return r.GetCustomer() != nil })
	if err := check(nil, &v1.CustomerServiceCreateRequest{Customer: &v1.Customer{}}); err != nil {
		t.Errorf("present: %v", err)
	}
	err := check(nil, &v1.CustomerServiceCreateRequest{})
	if err == nil || kindOf(t, err) != pluginv1.ErrorKind_ERROR_KIND_INVALID_REQUEST || err.Error() != InvalidRequest("customer", "is required").Error() {
		t.Errorf("absent: %v", err)
	}
	call := &Call[*refundGetReq, *v1.RefundServiceGetResponse]{API: testAPI, Path: "/v1/refunds",
		Check: Required("connector_refund_id", func(r *refundGetReq) bool { return r.GetConnectorRefundId() != "" }),
		Read:  readTestRefund}
	if _, err := call.Build(testContext(map[string]string{"api_key": "k"}), &refundGetReq{}); err == nil {
		t.Error("a Call's Check must refuse the request")
	}
}
