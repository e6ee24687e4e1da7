package pdk

import (
	"cmp"

	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
)

// PaymentResult is a payment as a hand-written Parse reads it from a
// processor's answer (its own object, a GraphQL node), and the responses it
// makes: what Braintree, GoCardless and Square read from their payment or
// transaction objects. Add what a connector reads beside (a mandate, the
// connector state) to the response it returns.
type PaymentResult struct {
	// ID is the processor's payment id; MerchantID the merchant's id for it
	// as the answer echoes it (a reference, an order id), or "".
	ID, MerchantID string
	Status         v1.PaymentStatus
	// Amount is the payment's amount; Refunded its refunded total (nil when
	// the answer has none).
	Amount, Refunded *v1.Money
	// Error is the failure the answer reports, or nil.
	Error *v1.PaymentError
}

// Captured is the amount captured: the whole Amount once the payment is
// CHARGED, else nil.
func (p *PaymentResult) Captured() *v1.Money {
	if p.Status == v1.PaymentStatus_PAYMENT_STATUS_CHARGED {
		return p.Amount
	}
	return nil
}

// CaptureResponse is Capture's response. An answer about another payment
// than req names is an IntegrityMismatch naming processor; without an
// Error, a payment that is not CHARGED (nor UNKNOWN) reads CAPTURE_FAILED
// (ActionStatus).
func (p *PaymentResult) CaptureResponse(processor string, req *v1.PaymentServiceCaptureRequest) (*v1.PaymentServiceCaptureResponse, error) {
	if err := SameID(processor, p.ID, req.GetConnectorTransactionId()); err != nil {
		return nil, err
	}
	status := p.actionStatus(v1.PaymentStatus_PAYMENT_STATUS_CHARGED, v1.PaymentStatus_PAYMENT_STATUS_CAPTURE_FAILED)
	return &v1.PaymentServiceCaptureResponse{ConnectorTransactionId: p.ID, Status: status, Error: p.Error, CapturedAmount: p.Captured()}, nil
}

// VoidResponse is Void's response: as CaptureResponse, with VOIDED the goal
// and VOID_FAILED the failure.
func (p *PaymentResult) VoidResponse(processor string, req *v1.PaymentServiceVoidRequest) (*v1.PaymentServiceVoidResponse, error) {
	if err := SameID(processor, p.ID, req.GetConnectorTransactionId()); err != nil {
		return nil, err
	}
	status := p.actionStatus(v1.PaymentStatus_PAYMENT_STATUS_VOIDED, v1.PaymentStatus_PAYMENT_STATUS_VOID_FAILED)
	return &v1.PaymentServiceVoidResponse{ConnectorTransactionId: p.ID, Status: status, Error: p.Error}, nil
}

// actionStatus is the status after a capture or void: with an Error, the
// reported Status; else ActionStatus's.
func (p *PaymentResult) actionStatus(want, failed v1.PaymentStatus) v1.PaymentStatus {
	if p.Error != nil {
		return p.Status
	}
	return ActionStatus(p.Status, want, failed)
}

// GetResponse is PaymentService.Get's response, its merchant id the
// request's or else the answer's. An answer about another payment than req
// names is an IntegrityMismatch naming processor.
func (p *PaymentResult) GetResponse(processor string, req *v1.PaymentServiceGetRequest) (*v1.PaymentServiceGetResponse, error) {
	if err := SameID(processor, p.ID, req.GetConnectorTransactionId()); err != nil {
		return nil, err
	}
	return &v1.PaymentServiceGetResponse{ConnectorTransactionId: p.ID, Status: p.Status, Amount: p.Amount,
		CapturedAmount: p.Captured(), RefundedAmount: p.Refunded, Error: p.Error,
		MerchantTransactionId: cmp.Or(req.GetMerchantTransactionId(), p.MerchantID)}, nil
}
