package square

import (
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk/statusmap"
)

// paymentStatuses maps Payment.status. Unknown values are UNKNOWN: never a success.
func paymentStatuses() statusmap.Map[string, v1.PaymentStatus] {
	return statusmap.New(map[string]v1.PaymentStatus{
		"APPROVED":  v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZED,
		"PENDING":   v1.PaymentStatus_PAYMENT_STATUS_PENDING,
		"COMPLETED": v1.PaymentStatus_PAYMENT_STATUS_CHARGED,
		"CANCELED":  v1.PaymentStatus_PAYMENT_STATUS_VOIDED,
		"FAILED":    v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZATION_FAILED,
	}, v1.PaymentStatus_PAYMENT_STATUS_UNKNOWN)
}

// refundStatuses maps PaymentRefund.status.
func refundStatuses() statusmap.Map[string, v1.RefundStatus] {
	return statusmap.New(map[string]v1.RefundStatus{
		"PENDING":   v1.RefundStatus_REFUND_STATUS_PENDING,
		"COMPLETED": v1.RefundStatus_REFUND_STATUS_SUCCEEDED,
		"REJECTED":  v1.RefundStatus_REFUND_STATUS_FAILED,
		"FAILED":    v1.RefundStatus_REFUND_STATUS_FAILED,
	}, v1.RefundStatus_REFUND_STATUS_UNKNOWN)
}

// disputeStates maps Dispute.state.
func disputeStates() statusmap.Map[string, v1.DisputeStatus] {
	return statusmap.New(map[string]v1.DisputeStatus{
		"INQUIRY_EVIDENCE_REQUIRED": v1.DisputeStatus_DISPUTE_STATUS_INQUIRY,
		"INQUIRY_PROCESSING":        v1.DisputeStatus_DISPUTE_STATUS_UNDER_REVIEW,
		"INQUIRY_CLOSED":            v1.DisputeStatus_DISPUTE_STATUS_CLOSED,
		"EVIDENCE_REQUIRED":         v1.DisputeStatus_DISPUTE_STATUS_NEEDS_RESPONSE,
		"PROCESSING":                v1.DisputeStatus_DISPUTE_STATUS_UNDER_REVIEW,
		"WON":                       v1.DisputeStatus_DISPUTE_STATUS_WON,
		"LOST":                      v1.DisputeStatus_DISPUTE_STATUS_LOST,
		"ACCEPTED":                  v1.DisputeStatus_DISPUTE_STATUS_ACCEPTED,
	}, v1.DisputeStatus_DISPUTE_STATUS_UNKNOWN)
}

// declineCodes maps Square's ErrorCodes (the spec's ErrorCode enum; the
// codes its x-endpoint-errors list for CreatePayment, RefundPayment and
// CreateCard) to unified codes. A code not listed is
// CARD_DECLINED on a declined payment and INVALID_REQUEST on other errors.
func declineCodes() map[string]v1.ErrorCode {
	return map[string]v1.ErrorCode{
		"GENERIC_DECLINE":                        v1.ErrorCode_ERROR_CODE_CARD_DECLINED,
		"CARD_DECLINED":                          v1.ErrorCode_ERROR_CODE_CARD_DECLINED,
		"CARD_DECLINED_CALL_ISSUER":              v1.ErrorCode_ERROR_CODE_DO_NOT_HONOR,
		"CARD_DECLINED_VERIFICATION_REQUIRED":    v1.ErrorCode_ERROR_CODE_AUTHENTICATION_REQUIRED,
		"CVV_FAILURE":                            v1.ErrorCode_ERROR_CODE_INCORRECT_CVC,
		"VERIFY_CVV_FAILURE":                     v1.ErrorCode_ERROR_CODE_INCORRECT_CVC,
		"ADDRESS_VERIFICATION_FAILURE":           v1.ErrorCode_ERROR_CODE_CARD_DECLINED,
		"VERIFY_AVS_FAILURE":                     v1.ErrorCode_ERROR_CODE_CARD_DECLINED,
		"INVALID_POSTAL_CODE":                    v1.ErrorCode_ERROR_CODE_CARD_DECLINED,
		"INSUFFICIENT_FUNDS":                     v1.ErrorCode_ERROR_CODE_INSUFFICIENT_FUNDS,
		"GIFT_CARD_AVAILABLE_AMOUNT":             v1.ErrorCode_ERROR_CODE_INSUFFICIENT_FUNDS,
		"CARD_EXPIRED":                           v1.ErrorCode_ERROR_CODE_EXPIRED_CARD,
		"INVALID_EXPIRATION":                     v1.ErrorCode_ERROR_CODE_EXPIRED_CARD,
		"INVALID_EXPIRATION_YEAR":                v1.ErrorCode_ERROR_CODE_EXPIRED_CARD,
		"INVALID_EXPIRATION_DATE":                v1.ErrorCode_ERROR_CODE_EXPIRED_CARD,
		"EXPIRATION_FAILURE":                     v1.ErrorCode_ERROR_CODE_EXPIRED_CARD,
		"BAD_EXPIRATION":                         v1.ErrorCode_ERROR_CODE_EXPIRED_CARD,
		"INVALID_CARD":                           v1.ErrorCode_ERROR_CODE_INCORRECT_NUMBER,
		"INVALID_CARD_DATA":                      v1.ErrorCode_ERROR_CODE_INCORRECT_NUMBER,
		"PAN_FAILURE":                            v1.ErrorCode_ERROR_CODE_INCORRECT_NUMBER,
		"INVALID_ACCOUNT":                        v1.ErrorCode_ERROR_CODE_CARD_DECLINED,
		"ACCOUNT_UNUSABLE":                       v1.ErrorCode_ERROR_CODE_CARD_DECLINED,
		"CARD_NOT_SUPPORTED":                     v1.ErrorCode_ERROR_CODE_CARD_NOT_SUPPORTED,
		"UNSUPPORTED_CARD_BRAND":                 v1.ErrorCode_ERROR_CODE_CARD_NOT_SUPPORTED,
		"UNSUPPORTED_ENTRY_METHOD":               v1.ErrorCode_ERROR_CODE_PAYMENT_METHOD_NOT_SUPPORTED,
		"MANUALLY_ENTERED_PAYMENT_NOT_SUPPORTED": v1.ErrorCode_ERROR_CODE_PAYMENT_METHOD_NOT_SUPPORTED,
		"UNSUPPORTED_INSTRUMENT_TYPE":            v1.ErrorCode_ERROR_CODE_PAYMENT_METHOD_NOT_SUPPORTED,
		"UNSUPPORTED_SOURCE_TYPE":                v1.ErrorCode_ERROR_CODE_PAYMENT_METHOD_NOT_SUPPORTED,
		"CARDHOLDER_INSUFFICIENT_PERMISSIONS":    v1.ErrorCode_ERROR_CODE_CARD_DECLINED,
		"TRANSACTION_LIMIT":                      v1.ErrorCode_ERROR_CODE_LIMIT_EXCEEDED,
		"PAYMENT_LIMIT_EXCEEDED":                 v1.ErrorCode_ERROR_CODE_LIMIT_EXCEEDED,
		"ALLOWABLE_PIN_TRIES_EXCEEDED":           v1.ErrorCode_ERROR_CODE_LIMIT_EXCEEDED,
		"AMOUNT_TOO_HIGH":                        v1.ErrorCode_ERROR_CODE_AMOUNT_TOO_LARGE,
		"VOICE_FAILURE":                          v1.ErrorCode_ERROR_CODE_DO_NOT_HONOR,
		"INVALID_PIN":                            v1.ErrorCode_ERROR_CODE_CARD_DECLINED,
		"MISSING_PIN":                            v1.ErrorCode_ERROR_CODE_AUTHENTICATION_REQUIRED,
		"CHIP_INSERTION_REQUIRED":                v1.ErrorCode_ERROR_CODE_AUTHENTICATION_REQUIRED,
		"CARD_PRESENCE_REQUIRED":                 v1.ErrorCode_ERROR_CODE_AUTHENTICATION_REQUIRED,
		"BUYER_REFUSED_PAYMENT":                  v1.ErrorCode_ERROR_CODE_AUTHENTICATION_FAILED,
		"CARD_TOKEN_EXPIRED":                     v1.ErrorCode_ERROR_CODE_INVALID_REQUEST,
		"CARD_TOKEN_USED":                        v1.ErrorCode_ERROR_CODE_INVALID_REQUEST,
		"SOURCE_USED":                            v1.ErrorCode_ERROR_CODE_INVALID_REQUEST,
		"SOURCE_EXPIRED":                         v1.ErrorCode_ERROR_CODE_INVALID_REQUEST,
		"UNSUPPORTED_CURRENCY":                   v1.ErrorCode_ERROR_CODE_CURRENCY_NOT_SUPPORTED,
		"CURRENCY_MISMATCH":                      v1.ErrorCode_ERROR_CODE_CURRENCY_NOT_SUPPORTED,
		"TEMPORARY_ERROR":                        v1.ErrorCode_ERROR_CODE_PROCESSING_ERROR,
		"APPLE_TTP_PIN_TOKEN":                    v1.ErrorCode_ERROR_CODE_AUTHENTICATION_REQUIRED,
		"INSUFFICIENT_PERMISSIONS":               v1.ErrorCode_ERROR_CODE_PERMISSION_DENIED,
		"INSUFFICIENT_PERMISSIONS_FOR_REFUND":    v1.ErrorCode_ERROR_CODE_PERMISSION_DENIED,
		"CARD_PROCESSING_NOT_ENABLED":            v1.ErrorCode_ERROR_CODE_PERMISSION_DENIED,
		"CUSTOMER_NOT_FOUND":                     v1.ErrorCode_ERROR_CODE_NOT_FOUND,
		"UNSUPPORTED_COUNTRY":                    v1.ErrorCode_ERROR_CODE_PAYMENT_METHOD_NOT_SUPPORTED,
		"REFUND_DECLINED":                        v1.ErrorCode_ERROR_CODE_PROCESSING_ERROR,
	}
}

// declineCode maps a decline's Square code; unknown codes are CARD_DECLINED.
func declineCode(code string) v1.ErrorCode {
	if c, ok := declineCodes()[code]; ok {
		return c
	}
	return v1.ErrorCode_ERROR_CODE_CARD_DECLINED
}
