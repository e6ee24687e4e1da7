package adyen

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk"
	"github.com/valyala/fastjson"
)

// serviceError is Adyen's error body (ServiceError in Checkout v71 and Disputes v30).
type serviceError struct {
	status       int
	errorCode    string
	message      string
	errorType    string
	pspReference string
}

// readServiceError reads a ServiceError body; fields stay empty when the body
// is not one (an HTML page from a proxy, an empty body).
func readServiceError(body []byte) serviceError {
	var se serviceError
	body = bytes.TrimSpace(body)
	if len(body) == 0 || body[0] != '{' {
		return se
	}
	var p fastjson.Parser
	v, err := p.ParseBytes(body)
	if err != nil {
		return se
	}
	se.errorCode = str(v, "errorCode")
	se.message = str(v, "message")
	se.errorType = str(v, "errorType")
	se.pspReference = str(v, "pspReference")
	if n, err := strconv.Atoi(numberText(v, "status")); err == nil {
		se.status = n
	}
	return se
}

// httpError classifies a non-2xx answer into a typed error carrying the
// three-layer PaymentError. It returns nil for 2xx.
//
//	401                      -> CREDENTIALS (INVALID_CREDENTIALS)
//	403                      -> CREDENTIALS (PERMISSION_DENIED)
//	404                      -> NOT_FOUND
//	409, 422 "704"/idempotency -> CONFLICT
//	400, 422, other 4xx      -> PROCESSOR_REJECTED (INVALID_REQUEST)
//	429                      -> RATE_LIMITED
//	5xx                      -> PROCESSOR_UNAVAILABLE
//	1xx, 3xx                 -> INVALID_RESPONSE
func httpError(res *pdk.Response) error {
	if res.Status >= 200 && res.Status < 300 {
		return nil
	}
	se := readServiceError(res.Body)
	kind, code := classifyHTTP(res.Status, se)
	msg := se.message
	if msg == "" {
		msg = fmt.Sprintf("HTTP %d", res.Status)
	}
	// No "adyen:" prefix: the host names the connector in every error it returns.
	text := "HTTP " + strconv.Itoa(res.Status)
	if se.errorCode != "" {
		text += " error " + se.errorCode
	}
	text += ": " + msg
	return &pdk.Error{
		Kind:    kind,
		Message: text,
		Detail: &v1.PaymentError{
			Code:    code,
			Message: msg,
			Connector: &v1.ConnectorError{
				Code:       se.errorCode,
				Message:    se.message,
				HttpStatus: int32(res.Status),
				Type:       se.errorType,
				RequestId:  se.pspReference,
			},
		},
	}
}

func classifyHTTP(status int, se serviceError) (pluginv1.ErrorKind, v1.ErrorCode) {
	switch {
	case status == 401:
		return pluginv1.ErrorKind_ERROR_KIND_CREDENTIALS, v1.ErrorCode_ERROR_CODE_INVALID_CREDENTIALS
	case status == 403:
		return pluginv1.ErrorKind_ERROR_KIND_CREDENTIALS, v1.ErrorCode_ERROR_CODE_PERMISSION_DENIED
	case status == 404:
		return pluginv1.ErrorKind_ERROR_KIND_NOT_FOUND, v1.ErrorCode_ERROR_CODE_NOT_FOUND
	case status == 409, status == 422 && isIdempotencyConflict(se):
		return pluginv1.ErrorKind_ERROR_KIND_CONFLICT, v1.ErrorCode_ERROR_CODE_CONFLICT
	case status == 429:
		return pluginv1.ErrorKind_ERROR_KIND_RATE_LIMITED, v1.ErrorCode_ERROR_CODE_RATE_LIMITED
	case status >= 500:
		return pluginv1.ErrorKind_ERROR_KIND_PROCESSOR_UNAVAILABLE, v1.ErrorCode_ERROR_CODE_PROCESSOR_UNAVAILABLE
	case status >= 400:
		return pluginv1.ErrorKind_ERROR_KIND_PROCESSOR_REJECTED, v1.ErrorCode_ERROR_CODE_INVALID_REQUEST
	default:
		return pluginv1.ErrorKind_ERROR_KIND_INVALID_RESPONSE, v1.ErrorCode_ERROR_CODE_INVALID_RESPONSE
	}
}

// isIdempotencyConflict reports Adyen's "request already processed or in
// progress" (error 704) and other idempotency-key refusals.
func isIdempotencyConflict(se serviceError) bool {
	return se.errorCode == "704" || strings.Contains(strings.ToLower(se.message), "idempotency")
}

// integrityError reports an answer that does not match the request.
func integrityError(format string, args ...any) *pdk.Error {
	msg := fmt.Sprintf(format, args...)
	return &pdk.Error{
		Kind:    pluginv1.ErrorKind_ERROR_KIND_INVALID_RESPONSE,
		Message: msg,
		Detail:  &v1.PaymentError{Code: v1.ErrorCode_ERROR_CODE_INTEGRITY_MISMATCH, Message: msg},
	}
}
