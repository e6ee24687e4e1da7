package pdk

import (
	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
)

// StatusKind classifies a processor's non-2xx HTTP status by the project's
// default table (CONTRIBUTING.md, "Parse"): the ErrorKind a typed error
// carries and the unified ErrorCode of its PaymentError. Connectors
// override it only where their processor documents otherwise.
//
//	401 -> CREDENTIALS / INVALID_CREDENTIALS
//	403 -> PROCESSOR_REJECTED / PERMISSION_DENIED
//	404 -> NOT_FOUND; 409 -> CONFLICT; 429 -> RATE_LIMITED
//	5xx -> PROCESSOR_UNAVAILABLE; other 4xx -> PROCESSOR_REJECTED / INVALID_REQUEST
//	1xx, 2xx, 3xx -> INVALID_RESPONSE (not an answer to classify as a refusal)
func StatusKind(status int) (pluginv1.ErrorKind, v1.ErrorCode) {
	switch {
	case status == 401:
		return pluginv1.ErrorKind_ERROR_KIND_CREDENTIALS, v1.ErrorCode_ERROR_CODE_INVALID_CREDENTIALS
	case status == 403:
		return pluginv1.ErrorKind_ERROR_KIND_PROCESSOR_REJECTED, v1.ErrorCode_ERROR_CODE_PERMISSION_DENIED
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
	}
	return pluginv1.ErrorKind_ERROR_KIND_INVALID_RESPONSE, v1.ErrorCode_ERROR_CODE_INVALID_RESPONSE
}
