package paypal

import (
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk"
	"github.com/connectorhost/connector-host/pdk/jsonr"
	"github.com/connectorhost/connector-host/pdk/statusmap"
	"github.com/valyala/fastjson"
)

// orderStatuses map an order's status before any payment exists.
var orderStatuses = statusmap.New(map[string]v1.PaymentStatus{
	"CREATED":               v1.PaymentStatus_PAYMENT_STATUS_STARTED,
	"SAVED":                 v1.PaymentStatus_PAYMENT_STATUS_STARTED,
	"APPROVED":              v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZING,
	"PAYER_ACTION_REQUIRED": v1.PaymentStatus_PAYMENT_STATUS_AUTHENTICATION_PENDING,
	"VOIDED":                v1.PaymentStatus_PAYMENT_STATUS_VOIDED,
	// COMPLETED without a payment in the answer says nothing about money.
	"COMPLETED": v1.PaymentStatus_PAYMENT_STATUS_PENDING,
}, v1.PaymentStatus_PAYMENT_STATUS_UNKNOWN)

// authorizationStatuses map Payments v2 authorization statuses.
var authorizationStatuses = statusmap.New(map[string]v1.PaymentStatus{
	"CREATED":            v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZED,
	"PENDING":            v1.PaymentStatus_PAYMENT_STATUS_PENDING,
	"DENIED":             v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZATION_FAILED,
	"CAPTURED":           v1.PaymentStatus_PAYMENT_STATUS_CHARGED,
	"PARTIALLY_CAPTURED": v1.PaymentStatus_PAYMENT_STATUS_PARTIALLY_CAPTURED,
	"VOIDED":             v1.PaymentStatus_PAYMENT_STATUS_VOIDED,
}, v1.PaymentStatus_PAYMENT_STATUS_UNKNOWN)

// captureStatuses map Payments v2 capture statuses. Refunds do not change a
// payment's status (refunded_amount reports them).
var captureStatuses = statusmap.New(map[string]v1.PaymentStatus{
	"COMPLETED":          v1.PaymentStatus_PAYMENT_STATUS_CHARGED,
	"PARTIALLY_REFUNDED": v1.PaymentStatus_PAYMENT_STATUS_CHARGED,
	"REFUNDED":           v1.PaymentStatus_PAYMENT_STATUS_CHARGED,
	"PENDING":            v1.PaymentStatus_PAYMENT_STATUS_CAPTURE_PENDING,
	"DECLINED":           v1.PaymentStatus_PAYMENT_STATUS_CAPTURE_FAILED,
	"FAILED":             v1.PaymentStatus_PAYMENT_STATUS_CAPTURE_FAILED,
}, v1.PaymentStatus_PAYMENT_STATUS_UNKNOWN)

// refundStatuses map Payments v2 refund statuses.
var refundStatuses = statusmap.New(map[string]v1.RefundStatus{
	"COMPLETED": v1.RefundStatus_REFUND_STATUS_SUCCEEDED,
	"PENDING":   v1.RefundStatus_REFUND_STATUS_PENDING,
	"FAILED":    v1.RefundStatus_REFUND_STATUS_FAILED,
	"CANCELLED": v1.RefundStatus_REFUND_STATUS_CANCELED,
}, v1.RefundStatus_REFUND_STATUS_UNKNOWN)

// vaultStatuses map Vault v3 token statuses (and the vault status of an order).
var vaultStatuses = statusmap.New(map[string]v1.MandateStatus{
	"VAULTED":               v1.MandateStatus_MANDATE_STATUS_ACTIVE,
	"APPROVED":              v1.MandateStatus_MANDATE_STATUS_PENDING,
	"CREATED":               v1.MandateStatus_MANDATE_STATUS_PENDING,
	"PAYER_ACTION_REQUIRED": v1.MandateStatus_MANDATE_STATUS_ACTION_REQUIRED,
}, v1.MandateStatus_MANDATE_STATUS_UNKNOWN)

// disputeStatuses map Disputes v1 statuses; outcomes override them.
var disputeStatuses = statusmap.New(map[string]v1.DisputeStatus{
	"OPEN":                        v1.DisputeStatus_DISPUTE_STATUS_NEEDS_RESPONSE,
	"WAITING_FOR_SELLER_RESPONSE": v1.DisputeStatus_DISPUTE_STATUS_NEEDS_RESPONSE,
	"WAITING_FOR_BUYER_RESPONSE":  v1.DisputeStatus_DISPUTE_STATUS_UNDER_REVIEW,
	"UNDER_REVIEW":                v1.DisputeStatus_DISPUTE_STATUS_UNDER_REVIEW,
	"RESOLVED":                    v1.DisputeStatus_DISPUTE_STATUS_CLOSED,
}, v1.DisputeStatus_DISPUTE_STATUS_UNKNOWN)

// disputeOutcomes map dispute_outcome.outcome_code of a resolved dispute.
var disputeOutcomes = statusmap.New(map[string]v1.DisputeStatus{
	"RESOLVED_SELLER_FAVOUR": v1.DisputeStatus_DISPUTE_STATUS_WON,
	"RESOLVED_BUYER_FAVOUR":  v1.DisputeStatus_DISPUTE_STATUS_LOST,
	"RESOLVED_WITH_PAYOUT":   v1.DisputeStatus_DISPUTE_STATUS_LOST,
	"CANCELED_BY_BUYER":      v1.DisputeStatus_DISPUTE_STATUS_WON,
	"ACCEPTED":               v1.DisputeStatus_DISPUTE_STATUS_ACCEPTED,
	"DENIED":                 v1.DisputeStatus_DISPUTE_STATUS_WON,
}, v1.DisputeStatus_DISPUTE_STATUS_CLOSED)

// responseCodes map processor_response.response_code (PayPal's "Orders v2
// processor response codes") to unified codes.
var responseCodes = statusmap.New(map[string]v1.ErrorCode{
	"0500": v1.ErrorCode_ERROR_CODE_DO_NOT_HONOR,
	"0580": v1.ErrorCode_ERROR_CODE_CARD_DECLINED,
	"1330": v1.ErrorCode_ERROR_CODE_INCORRECT_NUMBER,
	"5100": v1.ErrorCode_ERROR_CODE_CARD_DECLINED,
	"5110": v1.ErrorCode_ERROR_CODE_INCORRECT_CVC,
	"00N7": v1.ErrorCode_ERROR_CODE_INCORRECT_CVC,
	"5120": v1.ErrorCode_ERROR_CODE_INSUFFICIENT_FUNDS,
	"5180": v1.ErrorCode_ERROR_CODE_CARD_NOT_SUPPORTED,
	"5400": v1.ErrorCode_ERROR_CODE_EXPIRED_CARD,
	"5650": v1.ErrorCode_ERROR_CODE_AUTHENTICATION_REQUIRED,
	"9500": v1.ErrorCode_ERROR_CODE_FRAUD_SUSPECTED,
	"9520": v1.ErrorCode_ERROR_CODE_LOST_OR_STOLEN_CARD,
	"9540": v1.ErrorCode_ERROR_CODE_CARD_DECLINED,
}, v1.ErrorCode_ERROR_CODE_CARD_DECLINED)

// declineIssues are the 422 issues PayPal answers a refused payment with.
var declineIssues = statusmap.New(map[string]v1.ErrorCode{
	"INSTRUMENT_DECLINED":                     v1.ErrorCode_ERROR_CODE_CARD_DECLINED,
	"TRANSACTION_REFUSED":                     v1.ErrorCode_ERROR_CODE_CARD_DECLINED,
	"CARD_EXPIRED":                            v1.ErrorCode_ERROR_CODE_EXPIRED_CARD,
	"PAYER_CANNOT_PAY":                        v1.ErrorCode_ERROR_CODE_CARD_DECLINED,
	"PAYER_ACTION_REQUIRED":                   v1.ErrorCode_ERROR_CODE_AUTHENTICATION_REQUIRED,
	"COMPLIANCE_VIOLATION":                    v1.ErrorCode_ERROR_CODE_RISK_BLOCKED,
	"MAX_NUMBER_OF_PAYMENT_ATTEMPTS_EXCEEDED": v1.ErrorCode_ERROR_CODE_LIMIT_EXCEEDED,
	"PAYEE_BLOCKED_TRANSACTION":               v1.ErrorCode_ERROR_CODE_RISK_BLOCKED,
	"AUTHORIZATION_VOIDED":                    v1.ErrorCode_ERROR_CODE_INVALID_REQUEST,
	"AUTHORIZATION_EXPIRED":                   v1.ErrorCode_ERROR_CODE_INVALID_REQUEST,
	"AUTHORIZATION_DENIED":                    v1.ErrorCode_ERROR_CODE_CARD_DECLINED,
}, v1.ErrorCode_ERROR_CODE_UNSPECIFIED)

// declined reads a 422 that refuses a payment: the error to put on a
// *_FAILED response. ok is false for other 422s (validation, state).
func declined(res *pdk.Response) (*v1.PaymentError, bool) {
	e := readAPIError(res.Body)
	code, ok := declineIssues.Lookup(e.issue)
	if !ok {
		return nil, false
	}
	return e.paymentError(res.Status, code), true
}

// processorError is the error of a failed authorization or capture: the
// card network's response code and PayPal's status reason.
func processorError(p *fastjson.Value, status v1.PaymentStatus) *v1.PaymentError {
	if status != v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZATION_FAILED && status != v1.PaymentStatus_PAYMENT_STATUS_CAPTURE_FAILED {
		return nil
	}
	rc := jsonr.Str(p, "processor_response", "response_code")
	reason := jsonr.Str(p, "status_details", "reason")
	msg := "PayPal declined the payment"
	if reason != "" {
		msg += " (" + reason + ")"
	}
	pe := &v1.PaymentError{Code: responseCodes.Get(rc), Message: msg, Connector: &v1.ConnectorError{Code: reason, Message: jsonr.Str(p, "status")}}
	if rc != "" {
		pe.Issuer = &v1.IssuerError{DeclineCode: rc, AdviceCode: jsonr.Str(p, "processor_response", "payment_advice_code")}
	}
	return pe
}
