package pdk

import (
	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/internal/textf"
)

// IntegrityMismatch reports a processor answer that does not match the
// request: another payment's id, another amount or currency than the one
// asked for. It is an INVALID_RESPONSE error whose PaymentError code is
// INTEGRITY_MISMATCH, so the caller never reads the answer as the result of
// what it asked.
func IntegrityMismatch(format string, args ...any) *Error {
	return integrityMismatch(textf.Sprintf(format, args...))
}

func integrityMismatch(msg string) *Error {
	return &Error{
		Kind:    pluginv1.ErrorKind_ERROR_KIND_INVALID_RESPONSE,
		Message: msg,
		Detail:  &v1.PaymentError{Code: v1.ErrorCode_ERROR_CODE_INTEGRITY_MISMATCH, Message: msg},
	}
}
