//go:build !wasip1

package stripe

import (
	"testing"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
)

// TestErrorWithoutStripeBody covers answers whose body is not Stripe's
// error object (a proxy's page, an empty body): the status decides.
func TestErrorWithoutStripeBody(t *testing.T) {
	for _, tc := range []struct {
		status int
		kind   pluginv1.ErrorKind
		code   v1.ErrorCode
	}{
		{400, pluginv1.ErrorKind_ERROR_KIND_PROCESSOR_REJECTED, v1.ErrorCode_ERROR_CODE_INVALID_REQUEST},
		{401, pluginv1.ErrorKind_ERROR_KIND_CREDENTIALS, v1.ErrorCode_ERROR_CODE_INVALID_CREDENTIALS},
		{403, pluginv1.ErrorKind_ERROR_KIND_CREDENTIALS, v1.ErrorCode_ERROR_CODE_PERMISSION_DENIED},
		{404, pluginv1.ErrorKind_ERROR_KIND_NOT_FOUND, v1.ErrorCode_ERROR_CODE_NOT_FOUND},
		{409, pluginv1.ErrorKind_ERROR_KIND_CONFLICT, v1.ErrorCode_ERROR_CODE_CONFLICT},
		{418, pluginv1.ErrorKind_ERROR_KIND_PROCESSOR_REJECTED, v1.ErrorCode_ERROR_CODE_INVALID_REQUEST},
		{429, pluginv1.ErrorKind_ERROR_KIND_RATE_LIMITED, v1.ErrorCode_ERROR_CODE_RATE_LIMITED},
		{503, pluginv1.ErrorKind_ERROR_KIND_PROCESSOR_UNAVAILABLE, v1.ErrorCode_ERROR_CODE_PROCESSOR_UNAVAILABLE},
		{302, pluginv1.ErrorKind_ERROR_KIND_INVALID_RESPONSE, v1.ErrorCode_ERROR_CODE_PROCESSING_ERROR},
	} {
		e := parseErr(t, call{flow: v1.Flow_FLOW_GET, req: &v1.PaymentServiceGetRequest{ConnectorTransactionId: testPI}, status: tc.status,
			body: "upstream said no", headers: map[string]string{"Request-Id": "req_x"}})
		if e.GetKind() != tc.kind || e.GetDetail().GetCode() != tc.code || e.GetDetail().GetConnector().GetHttpStatus() != int32(tc.status) ||
			e.GetDetail().GetConnector().GetRequestId() != "req_x" || e.GetDetail().GetMessage() == "" {
			t.Errorf("HTTP %d: %v", tc.status, e)
		}
	}
}

func TestUnifiedErrorCodePrecedence(t *testing.T) {
	for _, tc := range []struct {
		status             int
		typ, code, decline string
		want               v1.ErrorCode
	}{
		{402, "card_error", "card_declined", "insufficient_funds", v1.ErrorCode_ERROR_CODE_INSUFFICIENT_FUNDS},
		{402, "card_error", "expired_card", "", v1.ErrorCode_ERROR_CODE_EXPIRED_CARD},
		{402, "card_error", "", "", v1.ErrorCode_ERROR_CODE_CARD_DECLINED},
		{402, "", "", "", v1.ErrorCode_ERROR_CODE_CARD_DECLINED},
		{400, "invalid_request_error", "parameter_unknown", "", v1.ErrorCode_ERROR_CODE_INVALID_REQUEST},
		{429, "invalid_request_error", "", "", v1.ErrorCode_ERROR_CODE_RATE_LIMITED},
		{500, "api_error", "", "", v1.ErrorCode_ERROR_CODE_PROCESSOR_UNAVAILABLE},
		{400, "idempotency_error", "", "", v1.ErrorCode_ERROR_CODE_CONFLICT},
		{401, "authentication_error", "", "", v1.ErrorCode_ERROR_CODE_INVALID_CREDENTIALS},
		{200, "", "", "", v1.ErrorCode_ERROR_CODE_PROCESSING_ERROR},
	} {
		if got := unifiedErrorCode(tc.status, tc.typ, tc.code, tc.decline); got != tc.want {
			t.Errorf("%d %s/%s/%s = %v, want %v", tc.status, tc.typ, tc.code, tc.decline, got, tc.want)
		}
	}
}
