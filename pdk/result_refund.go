package pdk

import v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"

// RefundResult is a refund as a hand-written Parse reads it from a
// processor's answer, and the Refund and RefundService.Get responses it
// makes: what Braintree, GoCardless and Square read from their refund
// objects.
type RefundResult struct {
	// ID is the processor's refund id; PaymentID the payment it refunds.
	ID, PaymentID string
	Status        v1.RefundStatus
	Amount        *v1.Money
	// Error is the failure the answer reports (ReportedFailure), or nil.
	Error *v1.PaymentError
}

// RefundResponse is Refund's response. A refund of another payment than req
// names is an IntegrityMismatch naming processor.
func (r *RefundResult) RefundResponse(processor string, req *v1.PaymentServiceRefundRequest) (*v1.PaymentServiceRefundResponse, error) {
	if err := SameID(processor, r.PaymentID, req.GetConnectorTransactionId()); err != nil {
		return nil, err
	}
	return &v1.PaymentServiceRefundResponse{ConnectorRefundId: r.ID, Status: r.Status, RefundAmount: r.Amount, Error: r.Error,
		ConnectorTransactionId: r.PaymentID}, nil
}

// GetResponse is RefundService.Get's response. An answer about another
// refund, or a refund of another payment, than req names is an
// IntegrityMismatch naming processor.
func (r *RefundResult) GetResponse(processor string, req *v1.RefundServiceGetRequest) (*v1.RefundServiceGetResponse, error) {
	if err := SameID(processor, r.ID, req.GetConnectorRefundId()); err != nil {
		return nil, err
	}
	if err := SameID(processor, r.PaymentID, req.GetConnectorTransactionId()); err != nil {
		return nil, err
	}
	return &v1.RefundServiceGetResponse{ConnectorRefundId: r.ID, Status: r.Status, RefundAmount: r.Amount, Error: r.Error,
		ConnectorTransactionId: r.PaymentID}, nil
}

// ReportedFailure is the error of an object that a processor's successful
// answer reports failed in its status (a refund "failed", a payment
// "cancelled"): PROCESSING_ERROR, the message "<processor> reports the
// <what> <raw>", the raw status as the processor's code, and the answer's
// HTTP status (0 leaves it out). Braintree, GoCardless and Square use it for
// their failed refunds and payments.
func ReportedFailure(processor, what, raw string, httpStatus int) *v1.PaymentError {
	return &v1.PaymentError{Code: v1.ErrorCode_ERROR_CODE_PROCESSING_ERROR, Message: processor + " reports the " + what + " " + raw,
		Connector: &v1.ConnectorError{Code: raw, HttpStatus: int32(httpStatus)}}
}
