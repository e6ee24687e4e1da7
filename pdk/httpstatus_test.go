package pdk

import (
	"testing"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
)

func TestStatusKindFollowsTheDefaultTable(t *testing.T) {
	cases := []struct {
		status int
		kind   pluginv1.ErrorKind
		code   v1.ErrorCode
	}{
		{401, pluginv1.ErrorKind_ERROR_KIND_CREDENTIALS, v1.ErrorCode_ERROR_CODE_INVALID_CREDENTIALS},
		{403, pluginv1.ErrorKind_ERROR_KIND_PROCESSOR_REJECTED, v1.ErrorCode_ERROR_CODE_PERMISSION_DENIED},
		{404, pluginv1.ErrorKind_ERROR_KIND_NOT_FOUND, v1.ErrorCode_ERROR_CODE_NOT_FOUND},
		{409, pluginv1.ErrorKind_ERROR_KIND_CONFLICT, v1.ErrorCode_ERROR_CODE_CONFLICT},
		{429, pluginv1.ErrorKind_ERROR_KIND_RATE_LIMITED, v1.ErrorCode_ERROR_CODE_RATE_LIMITED},
		{400, pluginv1.ErrorKind_ERROR_KIND_PROCESSOR_REJECTED, v1.ErrorCode_ERROR_CODE_INVALID_REQUEST},
		{422, pluginv1.ErrorKind_ERROR_KIND_PROCESSOR_REJECTED, v1.ErrorCode_ERROR_CODE_INVALID_REQUEST},
		{500, pluginv1.ErrorKind_ERROR_KIND_PROCESSOR_UNAVAILABLE, v1.ErrorCode_ERROR_CODE_PROCESSOR_UNAVAILABLE},
		{503, pluginv1.ErrorKind_ERROR_KIND_PROCESSOR_UNAVAILABLE, v1.ErrorCode_ERROR_CODE_PROCESSOR_UNAVAILABLE},
		{302, pluginv1.ErrorKind_ERROR_KIND_INVALID_RESPONSE, v1.ErrorCode_ERROR_CODE_INVALID_RESPONSE},
		{700, pluginv1.ErrorKind_ERROR_KIND_INVALID_RESPONSE, v1.ErrorCode_ERROR_CODE_INVALID_RESPONSE},
	}
	for _, c := range cases {
		if k, code := StatusKind(c.status); k != c.kind || code != c.code {
			t.Errorf("StatusKind(%d) = %v, %v; want %v, %v", c.status, k, code, c.kind, c.code)
		}
	}
}
