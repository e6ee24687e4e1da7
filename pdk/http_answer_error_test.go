package pdk

import (
	"testing"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
)

func TestHTTPAnswerError(t *testing.T) {
	conn := &v1.ConnectorError{Code: "mandate_is_inactive", HttpStatus: 422}
	e := HTTPAnswerError(pluginv1.ErrorKind_ERROR_KIND_PROCESSOR_REJECTED, v1.ErrorCode_ERROR_CODE_PERMISSION_DENIED, 422,
		"mandate_is_inactive", "The mandate is inactive", conn)
	if e.Kind != pluginv1.ErrorKind_ERROR_KIND_PROCESSOR_REJECTED || e.Message != "HTTP 422 mandate_is_inactive: The mandate is inactive" ||
		e.Detail.GetCode() != v1.ErrorCode_ERROR_CODE_PERMISSION_DENIED || e.Detail.GetMessage() != "The mandate is inactive" ||
		e.Detail.GetConnector() != conn {
		t.Errorf("HTTPAnswerError: %+v", e)
	}
	bare := HTTPAnswerError(pluginv1.ErrorKind_ERROR_KIND_PROCESSOR_UNAVAILABLE, v1.ErrorCode_ERROR_CODE_PROCESSOR_UNAVAILABLE, 502, "", "", nil)
	if bare.Message != "HTTP 502: HTTP 502" || bare.Detail.GetMessage() != "HTTP 502" {
		t.Errorf("without code or message: %q, %q", bare.Message, bare.Detail.GetMessage())
	}
	if e := HTTPAnswerError(pluginv1.ErrorKind_ERROR_KIND_NOT_FOUND, v1.ErrorCode_ERROR_CODE_NOT_FOUND, 404, "NOT_FOUND", "", nil); e.Message !=
		"HTTP 404 NOT_FOUND: HTTP 404" {
		t.Errorf("a code without a message: %q", e.Message)
	}
}
