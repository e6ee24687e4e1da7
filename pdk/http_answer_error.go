package pdk

import (
	"strconv"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
)

// HTTPAnswerError is the typed error of a non-2xx answer whose body names
// the processor's error code (raw) and a message, classified as kind and
// code (StatusKind and the connector's refinements): its Message is
// "HTTP <status> <raw>: <message>", the three-layer PaymentError's message
// is message, and conn is the processor's layer. Without a message, both
// read "HTTP <status>" in its place; without raw, the Message has no code.
// GoCardless and Square word their errors this way.
func HTTPAnswerError(kind pluginv1.ErrorKind, code v1.ErrorCode, status int, raw, message string, conn *v1.ConnectorError) *Error {
	head := "HTTP " + strconv.Itoa(status)
	if message == "" {
		message = head
	}
	if raw != "" {
		head += " " + raw
	}
	return &Error{Kind: kind, Message: head + ": " + message, Detail: &v1.PaymentError{Code: code, Message: message, Connector: conn}}
}
