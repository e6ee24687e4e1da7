package gocardless

import (
	"cmp"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk/statusmap"
)

// paymentStatuses maps Payment.status. A bank debit is PENDING from its
// creation until GoCardless confirms the collection. Unknown values are
// UNKNOWN: never a success.
func paymentStatuses() statusmap.Map[string, v1.PaymentStatus] {
	return statusmap.New(map[string]v1.PaymentStatus{
		"pending_customer_approval": v1.PaymentStatus_PAYMENT_STATUS_PENDING,
		"pending_submission":        v1.PaymentStatus_PAYMENT_STATUS_PENDING,
		"submitted":                 v1.PaymentStatus_PAYMENT_STATUS_PENDING,
		"confirmed":                 v1.PaymentStatus_PAYMENT_STATUS_CHARGED,
		"paid_out":                  v1.PaymentStatus_PAYMENT_STATUS_CHARGED,
		"cancelled":                 v1.PaymentStatus_PAYMENT_STATUS_VOIDED,
		"customer_approval_denied":  v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZATION_FAILED,
		"failed":                    v1.PaymentStatus_PAYMENT_STATUS_FAILURE,
		"charged_back":              v1.PaymentStatus_PAYMENT_STATUS_REVERSED,
	}, v1.PaymentStatus_PAYMENT_STATUS_UNKNOWN)
}

// paymentActions maps the action of a "payments" webhook event.
func paymentActions() statusmap.Map[string, v1.PaymentStatus] {
	return statusmap.New(map[string]v1.PaymentStatus{
		"created":                   v1.PaymentStatus_PAYMENT_STATUS_PENDING,
		"customer_approval_granted": v1.PaymentStatus_PAYMENT_STATUS_PENDING,
		"customer_approval_denied":  v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZATION_FAILED,
		"submitted":                 v1.PaymentStatus_PAYMENT_STATUS_PENDING,
		"resubmission_requested":    v1.PaymentStatus_PAYMENT_STATUS_PENDING,
		"confirmed":                 v1.PaymentStatus_PAYMENT_STATUS_CHARGED,
		"paid_out":                  v1.PaymentStatus_PAYMENT_STATUS_CHARGED,
		"chargeback_cancelled":      v1.PaymentStatus_PAYMENT_STATUS_CHARGED,
		"cancelled":                 v1.PaymentStatus_PAYMENT_STATUS_VOIDED,
		"failed":                    v1.PaymentStatus_PAYMENT_STATUS_FAILURE,
		"late_failure_settled":      v1.PaymentStatus_PAYMENT_STATUS_FAILURE,
		"charged_back":              v1.PaymentStatus_PAYMENT_STATUS_REVERSED,
		"chargeback_settled":        v1.PaymentStatus_PAYMENT_STATUS_REVERSED,
	}, v1.PaymentStatus_PAYMENT_STATUS_UNKNOWN)
}

// refundStatuses maps Refund.status.
func refundStatuses() statusmap.Map[string, v1.RefundStatus] {
	return statusmap.New(map[string]v1.RefundStatus{
		"created":            v1.RefundStatus_REFUND_STATUS_PENDING,
		"pending_submission": v1.RefundStatus_REFUND_STATUS_PENDING,
		"submitted":          v1.RefundStatus_REFUND_STATUS_PENDING,
		"paid":               v1.RefundStatus_REFUND_STATUS_SUCCEEDED,
		"cancelled":          v1.RefundStatus_REFUND_STATUS_CANCELED,
		"bounced":            v1.RefundStatus_REFUND_STATUS_FAILED,
		"funds_returned":     v1.RefundStatus_REFUND_STATUS_FAILED,
	}, v1.RefundStatus_REFUND_STATUS_UNKNOWN)
}

// refundActions maps the action of a "refunds" webhook event.
func refundActions() statusmap.Map[string, v1.RefundStatus] {
	return statusmap.New(map[string]v1.RefundStatus{
		"created":        v1.RefundStatus_REFUND_STATUS_PENDING,
		"paid":           v1.RefundStatus_REFUND_STATUS_SUCCEEDED,
		"refund_settled": v1.RefundStatus_REFUND_STATUS_SUCCEEDED,
		"failed":         v1.RefundStatus_REFUND_STATUS_FAILED,
		"bounced":        v1.RefundStatus_REFUND_STATUS_FAILED,
		"funds_returned": v1.RefundStatus_REFUND_STATUS_FAILED,
	}, v1.RefundStatus_REFUND_STATUS_UNKNOWN)
}

// mandateStatuses maps Mandate.status.
func mandateStatuses() statusmap.Map[string, v1.MandateStatus] {
	return statusmap.New(map[string]v1.MandateStatus{
		"pending_customer_approval": v1.MandateStatus_MANDATE_STATUS_ACTION_REQUIRED,
		"pending_submission":        v1.MandateStatus_MANDATE_STATUS_PENDING,
		"submitted":                 v1.MandateStatus_MANDATE_STATUS_PENDING,
		"active":                    v1.MandateStatus_MANDATE_STATUS_ACTIVE,
		"suspended_by_payer":        v1.MandateStatus_MANDATE_STATUS_INACTIVE,
		"failed":                    v1.MandateStatus_MANDATE_STATUS_FAILED,
		"blocked":                   v1.MandateStatus_MANDATE_STATUS_FAILED,
		"cancelled":                 v1.MandateStatus_MANDATE_STATUS_REVOKED,
		"expired":                   v1.MandateStatus_MANDATE_STATUS_INACTIVE,
		"consumed":                  v1.MandateStatus_MANDATE_STATUS_INACTIVE,
	}, v1.MandateStatus_MANDATE_STATUS_UNKNOWN)
}

// mandateActions maps the action of a "mandates" webhook event.
func mandateActions() statusmap.Map[string, v1.MandateStatus] {
	return statusmap.New(map[string]v1.MandateStatus{
		"created":                   v1.MandateStatus_MANDATE_STATUS_PENDING,
		"customer_approval_granted": v1.MandateStatus_MANDATE_STATUS_PENDING,
		"customer_approval_skipped": v1.MandateStatus_MANDATE_STATUS_PENDING,
		"submitted":                 v1.MandateStatus_MANDATE_STATUS_PENDING,
		"resubmission_requested":    v1.MandateStatus_MANDATE_STATUS_PENDING,
		"active":                    v1.MandateStatus_MANDATE_STATUS_ACTIVE,
		"reinstated":                v1.MandateStatus_MANDATE_STATUS_ACTIVE,
		"transferred":               v1.MandateStatus_MANDATE_STATUS_ACTIVE,
		"suspended_by_payer":        v1.MandateStatus_MANDATE_STATUS_INACTIVE,
		"expired":                   v1.MandateStatus_MANDATE_STATUS_INACTIVE,
		"replaced":                  v1.MandateStatus_MANDATE_STATUS_INACTIVE,
		"consumed":                  v1.MandateStatus_MANDATE_STATUS_INACTIVE,
		"cancelled":                 v1.MandateStatus_MANDATE_STATUS_REVOKED,
		"failed":                    v1.MandateStatus_MANDATE_STATUS_FAILED,
		"blocked":                   v1.MandateStatus_MANDATE_STATUS_FAILED,
	}, v1.MandateStatus_MANDATE_STATUS_UNKNOWN)
}

// failureCauses maps an event's details.cause (GoCardless's scheme-neutral
// failure key; details.reason_code is the scheme's raw code, kept as the
// connector code). A cause not listed is PROCESSING_ERROR.
func failureCauses() map[string]v1.ErrorCode {
	return map[string]v1.ErrorCode{
		"insufficient_funds":         v1.ErrorCode_ERROR_CODE_INSUFFICIENT_FUNDS,
		"refer_to_payer":             v1.ErrorCode_ERROR_CODE_DO_NOT_HONOR,
		"invalid_bank_details":       v1.ErrorCode_ERROR_CODE_INCORRECT_NUMBER,
		"bank_account_closed":        v1.ErrorCode_ERROR_CODE_PAYMENT_METHOD_NOT_SUPPORTED,
		"bank_account_transferred":   v1.ErrorCode_ERROR_CODE_PAYMENT_METHOD_NOT_SUPPORTED,
		"bank_account_disabled":      v1.ErrorCode_ERROR_CODE_PAYMENT_METHOD_NOT_SUPPORTED,
		"direct_debit_not_enabled":   v1.ErrorCode_ERROR_CODE_PAYMENT_METHOD_NOT_SUPPORTED,
		"mandate_cancelled":          v1.ErrorCode_ERROR_CODE_PERMISSION_DENIED,
		"mandate_expired":            v1.ErrorCode_ERROR_CODE_PERMISSION_DENIED,
		"mandate_suspended_by_payer": v1.ErrorCode_ERROR_CODE_PERMISSION_DENIED,
		"authorisation_disputed":     v1.ErrorCode_ERROR_CODE_AUTHENTICATION_FAILED,
		"return_on_odfi_request":     v1.ErrorCode_ERROR_CODE_DO_NOT_HONOR,
	}
}

// errorReasons maps the reason of an API error (4xx) to a unified code;
// other reasons keep pdk.StatusKind's code.
func errorReasons() map[string]v1.ErrorCode {
	return map[string]v1.ErrorCode{
		"idempotent_creation_conflict":         v1.ErrorCode_ERROR_CODE_CONFLICT,
		"total_amount_confirmation_invalid":    v1.ErrorCode_ERROR_CODE_CONFLICT,
		"available_refund_amount_insufficient": v1.ErrorCode_ERROR_CODE_AMOUNT_TOO_LARGE,
		"mandate_is_inactive":                  v1.ErrorCode_ERROR_CODE_PERMISSION_DENIED,
		"mandate_replaced":                     v1.ErrorCode_ERROR_CODE_PERMISSION_DENIED,
		"bank_account_disabled":                v1.ErrorCode_ERROR_CODE_PAYMENT_METHOD_NOT_SUPPORTED,
		"customer_bank_account_disabled":       v1.ErrorCode_ERROR_CODE_PAYMENT_METHOD_NOT_SUPPORTED,
		"insufficient_permissions":             v1.ErrorCode_ERROR_CODE_PERMISSION_DENIED,
		"access_token_not_active":              v1.ErrorCode_ERROR_CODE_INVALID_CREDENTIALS,
		"access_token_not_found":               v1.ErrorCode_ERROR_CODE_INVALID_CREDENTIALS,
	}
}

// failureError is the three-layer error of a failed payment, mandate or
// refund event: cause mapped, the scheme's reason code and GoCardless's
// description kept.
func failureError(cause, reasonCode, description string) *v1.PaymentError {
	code, ok := failureCauses()[cause]
	if !ok {
		code = v1.ErrorCode_ERROR_CODE_PROCESSING_ERROR
	}
	e := &v1.PaymentError{Code: code, Message: cmp.Or(description, cause),
		Connector: &v1.ConnectorError{Code: cmp.Or(reasonCode, cause), Message: description, Type: cause}}
	if reasonCode != "" {
		e.Issuer = &v1.IssuerError{DeclineCode: reasonCode, Message: description}
	}
	return e
}
