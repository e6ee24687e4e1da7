package checkout

import (
	"cmp"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk/statusmap"
)

// paymentStatuses maps a payment's status (PaymentResponse, PaymentDetails)
// to a unified status. "Authorized" is resolved by paymentStatus (it depends
// on the capture mode). Refunded payments stay CHARGED (their refunds are
// in refunded_amount); an expired or canceled authorization released the
// funds, so it reads VOIDED. Anything else is UNKNOWN, never a success.
func paymentStatuses() statusmap.Map[string, v1.PaymentStatus] {
	return statusmap.New(map[string]v1.PaymentStatus{
		"Authorized":         v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZED,
		"Card Verified":      v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZED,
		"Pending":            v1.PaymentStatus_PAYMENT_STATUS_PENDING,
		"Captured":           v1.PaymentStatus_PAYMENT_STATUS_CHARGED,
		"Paid":               v1.PaymentStatus_PAYMENT_STATUS_CHARGED,
		"Partially Captured": v1.PaymentStatus_PAYMENT_STATUS_PARTIALLY_CAPTURED,
		"Refunded":           v1.PaymentStatus_PAYMENT_STATUS_CHARGED,
		"Partially Refunded": v1.PaymentStatus_PAYMENT_STATUS_CHARGED,
		"Declined":           v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZATION_FAILED,
		"Voided":             v1.PaymentStatus_PAYMENT_STATUS_VOIDED,
		"Canceled":           v1.PaymentStatus_PAYMENT_STATUS_VOIDED,
		"Expired":            v1.PaymentStatus_PAYMENT_STATUS_VOIDED,
	}, v1.PaymentStatus_PAYMENT_STATUS_UNKNOWN)
}

// paymentStatus maps status: "Authorized" is CHARGED when the payment
// captures automatically (Checkout.com captures it without another call) and
// AUTHORIZED otherwise.
func paymentStatus(status string, mode string) v1.PaymentStatus {
	if status == "Authorized" && mode == modeAuto {
		return v1.PaymentStatus_PAYMENT_STATUS_CHARGED
	}
	return paymentStatuses().Get(status)
}

// responseCodes maps Checkout.com's response codes (docs: "API response
// codes") to unified error codes. Codes not listed fall back by class:
// 20xxx soft and 30xxx hard declines are CARD_DECLINED, 40xxx risk blocks
// RISK_BLOCKED, anything else PROCESSING_ERROR.
func responseCodes() map[string]v1.ErrorCode {
	return map[string]v1.ErrorCode{
		"20005": v1.ErrorCode_ERROR_CODE_DO_NOT_HONOR,
		"20012": v1.ErrorCode_ERROR_CODE_CARD_DECLINED,
		"20013": v1.ErrorCode_ERROR_CODE_INVALID_REQUEST,
		"20014": v1.ErrorCode_ERROR_CODE_INCORRECT_NUMBER,
		"20051": v1.ErrorCode_ERROR_CODE_INSUFFICIENT_FUNDS,
		"20054": v1.ErrorCode_ERROR_CODE_EXPIRED_CARD,
		"20057": v1.ErrorCode_ERROR_CODE_CARD_NOT_SUPPORTED,
		"20058": v1.ErrorCode_ERROR_CODE_CARD_NOT_SUPPORTED,
		"20059": v1.ErrorCode_ERROR_CODE_FRAUD_SUSPECTED,
		"20061": v1.ErrorCode_ERROR_CODE_LIMIT_EXCEEDED,
		"20065": v1.ErrorCode_ERROR_CODE_LIMIT_EXCEEDED,
		"20082": v1.ErrorCode_ERROR_CODE_INCORRECT_CVC,
		"20087": v1.ErrorCode_ERROR_CODE_INCORRECT_CVC,
		"20091": v1.ErrorCode_ERROR_CODE_PROCESSOR_UNAVAILABLE,
		"20150": v1.ErrorCode_ERROR_CODE_AUTHENTICATION_FAILED,
		"20151": v1.ErrorCode_ERROR_CODE_AUTHENTICATION_FAILED,
		"20153": v1.ErrorCode_ERROR_CODE_AUTHENTICATION_FAILED,
		"20154": v1.ErrorCode_ERROR_CODE_AUTHENTICATION_REQUIRED,
		"30004": v1.ErrorCode_ERROR_CODE_CARD_DECLINED,
		"30041": v1.ErrorCode_ERROR_CODE_LOST_OR_STOLEN_CARD,
		"30043": v1.ErrorCode_ERROR_CODE_LOST_OR_STOLEN_CARD,
	}
}

// declineCode maps a response code to a unified error code.
func declineCode(code string) v1.ErrorCode {
	if c, ok := responseCodes()[code]; ok {
		return c
	}
	if len(code) == 5 {
		switch code[:2] {
		case "20", "30":
			return v1.ErrorCode_ERROR_CODE_CARD_DECLINED
		case "40":
			return v1.ErrorCode_ERROR_CODE_RISK_BLOCKED
		}
	}
	return v1.ErrorCode_ERROR_CODE_PROCESSING_ERROR
}

// declineError is the three-layer error of a declined payment or action.
func declineError(code, summary string, httpStatus int, requestID string) *v1.PaymentError {
	return &v1.PaymentError{
		Code:    declineCode(code),
		Message: cmp.Or(summary, "Declined"),
		Connector: &v1.ConnectorError{
			Code: code, Message: summary, HttpStatus: int32(httpStatus), Type: "Declined", RequestId: requestID,
		},
	}
}

// disputeStatuses maps Dispute.status to a unified status.
func disputeStatuses() statusmap.Map[string, v1.DisputeStatus] {
	return statusmap.New(map[string]v1.DisputeStatus{
		"evidence_required":        v1.DisputeStatus_DISPUTE_STATUS_NEEDS_RESPONSE,
		"evidence_under_review":    v1.DisputeStatus_DISPUTE_STATUS_UNDER_REVIEW,
		"resolved":                 v1.DisputeStatus_DISPUTE_STATUS_CLOSED,
		"won":                      v1.DisputeStatus_DISPUTE_STATUS_WON,
		"lost":                     v1.DisputeStatus_DISPUTE_STATUS_LOST,
		"canceled":                 v1.DisputeStatus_DISPUTE_STATUS_CLOSED,
		"expired":                  v1.DisputeStatus_DISPUTE_STATUS_LOST,
		"accepted":                 v1.DisputeStatus_DISPUTE_STATUS_ACCEPTED,
		"arbitration_under_review": v1.DisputeStatus_DISPUTE_STATUS_UNDER_REVIEW,
		"arbitration_won":          v1.DisputeStatus_DISPUTE_STATUS_WON,
		"arbitration_lost":         v1.DisputeStatus_DISPUTE_STATUS_LOST,
	}, v1.DisputeStatus_DISPUTE_STATUS_UNKNOWN)
}
