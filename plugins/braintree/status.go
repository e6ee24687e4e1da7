package braintree

import (
	"strconv"
	"strings"

	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk/statusmap"
)

// transactionStatuses maps Transaction.status (the GraphQL TransactionStatus
// enum). Unknown values are UNKNOWN: never a success.
func transactionStatuses() statusmap.Map[string, v1.PaymentStatus] {
	return statusmap.New(map[string]v1.PaymentStatus{
		"AUTHORIZING":              v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZING,
		"AUTHORIZED":               v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZED,
		"AUTHORIZATION_EXPIRED":    v1.PaymentStatus_PAYMENT_STATUS_VOIDED,
		"SUBMITTED_FOR_SETTLEMENT": v1.PaymentStatus_PAYMENT_STATUS_CHARGED,
		"SETTLING":                 v1.PaymentStatus_PAYMENT_STATUS_CHARGED,
		"SETTLEMENT_PENDING":       v1.PaymentStatus_PAYMENT_STATUS_CHARGED,
		"SETTLED":                  v1.PaymentStatus_PAYMENT_STATUS_CHARGED,
		"SETTLEMENT_CONFIRMED":     v1.PaymentStatus_PAYMENT_STATUS_CHARGED,
		"SETTLEMENT_DECLINED":      v1.PaymentStatus_PAYMENT_STATUS_FAILURE,
		"VOIDED":                   v1.PaymentStatus_PAYMENT_STATUS_VOIDED,
		"FAILED":                   v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZATION_FAILED,
		"GATEWAY_REJECTED":         v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZATION_FAILED,
		"PROCESSOR_DECLINED":       v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZATION_FAILED,
	}, v1.PaymentStatus_PAYMENT_STATUS_UNKNOWN)
}

// refundStatuses maps Refund.status (also a TransactionStatus).
func refundStatuses() statusmap.Map[string, v1.RefundStatus] {
	return statusmap.New(map[string]v1.RefundStatus{
		"AUTHORIZING":              v1.RefundStatus_REFUND_STATUS_PENDING,
		"AUTHORIZED":               v1.RefundStatus_REFUND_STATUS_PENDING,
		"SUBMITTED_FOR_SETTLEMENT": v1.RefundStatus_REFUND_STATUS_PENDING,
		"SETTLING":                 v1.RefundStatus_REFUND_STATUS_PENDING,
		"SETTLEMENT_PENDING":       v1.RefundStatus_REFUND_STATUS_PENDING,
		"SETTLED":                  v1.RefundStatus_REFUND_STATUS_SUCCEEDED,
		"SETTLEMENT_CONFIRMED":     v1.RefundStatus_REFUND_STATUS_SUCCEEDED,
		"VOIDED":                   v1.RefundStatus_REFUND_STATUS_CANCELED,
		"FAILED":                   v1.RefundStatus_REFUND_STATUS_FAILED,
		"GATEWAY_REJECTED":         v1.RefundStatus_REFUND_STATUS_FAILED,
		"PROCESSOR_DECLINED":       v1.RefundStatus_REFUND_STATUS_FAILED,
		"SETTLEMENT_DECLINED":      v1.RefundStatus_REFUND_STATUS_FAILED,
	}, v1.RefundStatus_REFUND_STATUS_UNKNOWN)
}

// disputeStatuses maps Dispute.status (GraphQL DisputeStatus) and the
// webhook's dispute status (lower case, mapped through upper case).
func disputeStatuses() statusmap.Map[string, v1.DisputeStatus] {
	return statusmap.New(map[string]v1.DisputeStatus{
		"OPEN":          v1.DisputeStatus_DISPUTE_STATUS_NEEDS_RESPONSE,
		"UNDER_REVIEW":  v1.DisputeStatus_DISPUTE_STATUS_UNDER_REVIEW,
		"DISPUTED":      v1.DisputeStatus_DISPUTE_STATUS_UNDER_REVIEW,
		"ACCEPTED":      v1.DisputeStatus_DISPUTE_STATUS_ACCEPTED,
		"AUTO_ACCEPTED": v1.DisputeStatus_DISPUTE_STATUS_ACCEPTED,
		"EXPIRED":       v1.DisputeStatus_DISPUTE_STATUS_LOST,
		"LOST":          v1.DisputeStatus_DISPUTE_STATUS_LOST,
		"WON":           v1.DisputeStatus_DISPUTE_STATUS_WON,
	}, v1.DisputeStatus_DISPUTE_STATUS_UNKNOWN)
}

// legacyCodes maps Braintree's legacy codes: processor response codes
// (https://developer.paypal.com/braintree/articles/control-panel/transactions/declines)
// and the validation codes of amounts and transaction state.
func legacyCodes() map[string]v1.ErrorCode {
	return map[string]v1.ErrorCode{
		"2000":           v1.ErrorCode_ERROR_CODE_DO_NOT_HONOR,
		"2001":           v1.ErrorCode_ERROR_CODE_INSUFFICIENT_FUNDS,
		"2002":           v1.ErrorCode_ERROR_CODE_LIMIT_EXCEEDED,
		"2003":           v1.ErrorCode_ERROR_CODE_LIMIT_EXCEEDED,
		"2004":           v1.ErrorCode_ERROR_CODE_EXPIRED_CARD,
		"2005":           v1.ErrorCode_ERROR_CODE_INCORRECT_NUMBER,
		"2006":           v1.ErrorCode_ERROR_CODE_EXPIRED_CARD,
		"2007":           v1.ErrorCode_ERROR_CODE_INCORRECT_NUMBER,
		"2008":           v1.ErrorCode_ERROR_CODE_INCORRECT_NUMBER,
		"2010":           v1.ErrorCode_ERROR_CODE_INCORRECT_CVC,
		"2012":           v1.ErrorCode_ERROR_CODE_LOST_OR_STOLEN_CARD,
		"2013":           v1.ErrorCode_ERROR_CODE_LOST_OR_STOLEN_CARD,
		"2014":           v1.ErrorCode_ERROR_CODE_FRAUD_SUSPECTED,
		"2015":           v1.ErrorCode_ERROR_CODE_CARD_NOT_SUPPORTED,
		"2044":           v1.ErrorCode_ERROR_CODE_DO_NOT_HONOR,
		"2047":           v1.ErrorCode_ERROR_CODE_LOST_OR_STOLEN_CARD,
		"2099":           v1.ErrorCode_ERROR_CODE_AUTHENTICATION_REQUIRED,
		"3000":           v1.ErrorCode_ERROR_CODE_PROCESSOR_UNAVAILABLE,
		"cvv":            v1.ErrorCode_ERROR_CODE_INCORRECT_CVC,
		"avs":            v1.ErrorCode_ERROR_CODE_CARD_DECLINED,
		"fraud":          v1.ErrorCode_ERROR_CODE_FRAUD_SUSPECTED,
		"risk_threshold": v1.ErrorCode_ERROR_CODE_RISK_BLOCKED,
		"81528":          v1.ErrorCode_ERROR_CODE_AMOUNT_TOO_LARGE,
		"81531":          v1.ErrorCode_ERROR_CODE_AMOUNT_TOO_SMALL,
		"91521":          v1.ErrorCode_ERROR_CODE_AMOUNT_TOO_LARGE,
		"91522":          v1.ErrorCode_ERROR_CODE_AMOUNT_TOO_LARGE,
	}
}

// legacyCode maps a legacy code; codes not listed are fallback. The
// GraphQL GatewayRejectionReason values (CVV, RISK_THRESHOLD) map like the
// lower-case gateway rejection reasons listed.
func legacyCode(code string, fallback v1.ErrorCode) v1.ErrorCode {
	if c, ok := legacyCodes()[strings.ToLower(code)]; ok {
		return c
	}
	return fallback
}

func parseInt(s string) (int64, error) { return strconv.ParseInt(s, 10, 64) }
