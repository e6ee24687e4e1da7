package razorpay

import (
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk/statusmap"
)

// paymentStatuses maps the payment entity's status ("Payment States" in
// Razorpay's docs) to a unified status. A refunded payment stays CHARGED
// (its refunds are in refunded_amount) unless it was never captured (an
// auto-refund: paymentOf makes it REVERSED). Anything else is UNKNOWN, never a success.
func paymentStatuses() statusmap.Map[string, v1.PaymentStatus] {
	return statusmap.New(map[string]v1.PaymentStatus{
		"created":    v1.PaymentStatus_PAYMENT_STATUS_PENDING,
		"pending":    v1.PaymentStatus_PAYMENT_STATUS_PENDING,
		"authorized": v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZED,
		"captured":   v1.PaymentStatus_PAYMENT_STATUS_CHARGED,
		"refunded":   v1.PaymentStatus_PAYMENT_STATUS_CHARGED,
		"failed":     v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZATION_FAILED,
	}, v1.PaymentStatus_PAYMENT_STATUS_UNKNOWN)
}

// refundStatuses maps the refund entity's status.
func refundStatuses() statusmap.Map[string, v1.RefundStatus] {
	return statusmap.New(map[string]v1.RefundStatus{
		"pending":   v1.RefundStatus_REFUND_STATUS_PENDING,
		"created":   v1.RefundStatus_REFUND_STATUS_PENDING,
		"processed": v1.RefundStatus_REFUND_STATUS_SUCCEEDED,
		"failed":    v1.RefundStatus_REFUND_STATUS_FAILED,
	}, v1.RefundStatus_REFUND_STATUS_UNKNOWN)
}

// reasons maps Razorpay's error reasons ("Payment Errors": error_reason of
// a failed payment) to unified error codes.
func reasons() map[string]v1.ErrorCode {
	return map[string]v1.ErrorCode{
		"insufficient_balance":                 v1.ErrorCode_ERROR_CODE_INSUFFICIENT_FUNDS,
		"insufficient_funds":                   v1.ErrorCode_ERROR_CODE_INSUFFICIENT_FUNDS,
		"card_expired":                         v1.ErrorCode_ERROR_CODE_EXPIRED_CARD,
		"incorrect_card_details":               v1.ErrorCode_ERROR_CODE_INCORRECT_NUMBER,
		"invalid_card_number":                  v1.ErrorCode_ERROR_CODE_INCORRECT_NUMBER,
		"incorrect_cvv":                        v1.ErrorCode_ERROR_CODE_INCORRECT_CVC,
		"incorrect_otp":                        v1.ErrorCode_ERROR_CODE_AUTHENTICATION_FAILED,
		"incorrect_pin":                        v1.ErrorCode_ERROR_CODE_AUTHENTICATION_FAILED,
		"authentication_failed":                v1.ErrorCode_ERROR_CODE_AUTHENTICATION_FAILED,
		"payment_risk_check_failed":            v1.ErrorCode_ERROR_CODE_RISK_BLOCKED,
		"suspected_fraud":                      v1.ErrorCode_ERROR_CODE_FRAUD_SUSPECTED,
		"card_stolen_or_lost":                  v1.ErrorCode_ERROR_CODE_LOST_OR_STOLEN_CARD,
		"transaction_limit_exceeded":           v1.ErrorCode_ERROR_CODE_LIMIT_EXCEEDED,
		"amount_exceeds_limit":                 v1.ErrorCode_ERROR_CODE_LIMIT_EXCEEDED,
		"international_transaction_blocked":    v1.ErrorCode_ERROR_CODE_CARD_NOT_SUPPORTED,
		"card_not_enabled_for_online_payments": v1.ErrorCode_ERROR_CODE_CARD_NOT_SUPPORTED,
		"payment_declined":                     v1.ErrorCode_ERROR_CODE_CARD_DECLINED,
		"payment_failed":                       v1.ErrorCode_ERROR_CODE_CARD_DECLINED,
		"bank_technical_error":                 v1.ErrorCode_ERROR_CODE_PROCESSOR_UNAVAILABLE,
		"gateway_technical_error":              v1.ErrorCode_ERROR_CODE_PROCESSOR_UNAVAILABLE,
		"server_error":                         v1.ErrorCode_ERROR_CODE_PROCESSOR_UNAVAILABLE,
		"payment_timed_out":                    v1.ErrorCode_ERROR_CODE_TIMEOUT,
		"payment_cancelled":                    v1.ErrorCode_ERROR_CODE_AUTHENTICATION_FAILED,
		"invalid_vpa":                          v1.ErrorCode_ERROR_CODE_INVALID_REQUEST,
		"input_validation_failed":              v1.ErrorCode_ERROR_CODE_INVALID_REQUEST,
	}
}

// reasonCode maps a failed payment's reason (else its error code) to a
// unified code: unlisted GATEWAY_ERROR and SERVER_ERROR are the processor's
// fault, any other failure a decline.
func reasonCode(reason, code string) v1.ErrorCode {
	if c, ok := reasons()[reason]; ok {
		return c
	}
	switch code {
	case "GATEWAY_ERROR", "SERVER_ERROR":
		return v1.ErrorCode_ERROR_CODE_PROCESSOR_UNAVAILABLE
	}
	return v1.ErrorCode_ERROR_CODE_CARD_DECLINED
}
