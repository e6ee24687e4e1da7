package pdk

import (
	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
)

// KindForHTTPStatus is the default classification of a processor's non-2xx
// HTTP status (see CONTRIBUTING.md): 401 credentials, 403 permission denied,
// 404 not found, 409 conflict, 429 rate limited, 5xx unavailable, other 4xx
// rejected; anything else (1xx, 2xx, 3xx reaching an error path) is an
// answer the connector cannot read. Connectors refine it where their
// processor documents more (an idempotency conflict sent as 422, say).
func KindForHTTPStatus(status int) (pluginv1.ErrorKind, v1.ErrorCode) {
	switch {
	case status == 401:
		return pluginv1.ErrorKind_ERROR_KIND_CREDENTIALS, v1.ErrorCode_ERROR_CODE_INVALID_CREDENTIALS
	case status == 403:
		return pluginv1.ErrorKind_ERROR_KIND_CREDENTIALS, v1.ErrorCode_ERROR_CODE_PERMISSION_DENIED
	case status == 404:
		return pluginv1.ErrorKind_ERROR_KIND_NOT_FOUND, v1.ErrorCode_ERROR_CODE_NOT_FOUND
	case status == 409:
		return pluginv1.ErrorKind_ERROR_KIND_CONFLICT, v1.ErrorCode_ERROR_CODE_CONFLICT
	case status == 429:
		return pluginv1.ErrorKind_ERROR_KIND_RATE_LIMITED, v1.ErrorCode_ERROR_CODE_RATE_LIMITED
	case status >= 500 && status < 600:
		return pluginv1.ErrorKind_ERROR_KIND_PROCESSOR_UNAVAILABLE, v1.ErrorCode_ERROR_CODE_PROCESSOR_UNAVAILABLE
	case status >= 400 && status < 500:
		return pluginv1.ErrorKind_ERROR_KIND_PROCESSOR_REJECTED, v1.ErrorCode_ERROR_CODE_INVALID_REQUEST
	default:
		return pluginv1.ErrorKind_ERROR_KIND_INVALID_RESPONSE, v1.ErrorCode_ERROR_CODE_INVALID_RESPONSE
	}
}
