package pdk

import v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"

// Failure is the unified error of a failure an answer reports in its body
// rather than with an error status (a refund or payout that failed, a bank
// account that cannot be paid into): the unified code, the processor's raw
// code and the message, with the answer's HTTP status and the request id
// from its requestIDHeader ("" when the processor sends none).
func (a *Answer) Failure(code v1.ErrorCode, raw, msg, requestIDHeader string) *v1.PaymentError {
	return &v1.PaymentError{Code: code, Message: msg, Connector: &v1.ConnectorError{Code: raw, Message: msg,
		HttpStatus: int32(a.HTTPStatus()), RequestId: a.Header(requestIDHeader)}}
}
