package stripe

import (
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk/statusmap"
)

// Status tables. Each has an explicit fallback for statuses Stripe may add
// later: *_UNKNOWN, which callers treat as pending (never as success).

// paymentIntentStatuses maps PaymentIntent.status to the base unified
// status; paymentStatus refines it with the rest of the object.
var paymentIntentStatuses = statusmap.New(map[string]v1.PaymentStatus{
	"requires_payment_method": v1.PaymentStatus_PAYMENT_STATUS_STARTED,
	"requires_confirmation":   v1.PaymentStatus_PAYMENT_STATUS_STARTED,
	"requires_action":         v1.PaymentStatus_PAYMENT_STATUS_AUTHENTICATION_PENDING,
	"processing":              v1.PaymentStatus_PAYMENT_STATUS_PENDING,
	"requires_capture":        v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZED,
	"canceled":                v1.PaymentStatus_PAYMENT_STATUS_VOIDED,
	"succeeded":               v1.PaymentStatus_PAYMENT_STATUS_CHARGED,
}, v1.PaymentStatus_PAYMENT_STATUS_UNKNOWN)

// refundStatuses maps Refund.status.
var refundStatuses = statusmap.New(map[string]v1.RefundStatus{
	"pending":         v1.RefundStatus_REFUND_STATUS_PENDING,
	"requires_action": v1.RefundStatus_REFUND_STATUS_ACTION_REQUIRED,
	"succeeded":       v1.RefundStatus_REFUND_STATUS_SUCCEEDED,
	"failed":          v1.RefundStatus_REFUND_STATUS_FAILED,
	"canceled":        v1.RefundStatus_REFUND_STATUS_CANCELED,
}, v1.RefundStatus_REFUND_STATUS_UNKNOWN)

// setupIntentStatuses maps SetupIntent.status to the mandate's status.
// requires_payment_method with a last_setup_error is refined to FAILED.
var setupIntentStatuses = statusmap.New(map[string]v1.MandateStatus{
	"requires_payment_method": v1.MandateStatus_MANDATE_STATUS_PENDING,
	"requires_confirmation":   v1.MandateStatus_MANDATE_STATUS_PENDING,
	"requires_action":         v1.MandateStatus_MANDATE_STATUS_ACTION_REQUIRED,
	"processing":              v1.MandateStatus_MANDATE_STATUS_PENDING,
	"canceled":                v1.MandateStatus_MANDATE_STATUS_FAILED,
	"succeeded":               v1.MandateStatus_MANDATE_STATUS_ACTIVE,
}, v1.MandateStatus_MANDATE_STATUS_UNKNOWN)

// mandateStatuses maps the Mandate object's status (mandate.updated events).
var mandateStatuses = statusmap.New(map[string]v1.MandateStatus{
	"active":   v1.MandateStatus_MANDATE_STATUS_ACTIVE,
	"inactive": v1.MandateStatus_MANDATE_STATUS_INACTIVE,
	"pending":  v1.MandateStatus_MANDATE_STATUS_PENDING,
}, v1.MandateStatus_MANDATE_STATUS_UNKNOWN)

// disputeStatuses maps Dispute.status. warning_* statuses are inquiries
// (retrieval requests) that have not become chargebacks.
var disputeStatuses = statusmap.New(map[string]v1.DisputeStatus{
	"warning_needs_response": v1.DisputeStatus_DISPUTE_STATUS_INQUIRY,
	"warning_under_review":   v1.DisputeStatus_DISPUTE_STATUS_UNDER_REVIEW,
	"warning_closed":         v1.DisputeStatus_DISPUTE_STATUS_WARNING_CLOSED,
	"needs_response":         v1.DisputeStatus_DISPUTE_STATUS_NEEDS_RESPONSE,
	"under_review":           v1.DisputeStatus_DISPUTE_STATUS_UNDER_REVIEW,
	"won":                    v1.DisputeStatus_DISPUTE_STATUS_WON,
	"lost":                   v1.DisputeStatus_DISPUTE_STATUS_LOST,
	"prevented":              v1.DisputeStatus_DISPUTE_STATUS_CLOSED,
	"charge_refunded":        v1.DisputeStatus_DISPUTE_STATUS_CLOSED,
}, v1.DisputeStatus_DISPUTE_STATUS_UNKNOWN)

// mandateFromPayment is the status of a mandate stored by a payment
// (setup_future_usage), from the payment's status.
func mandateFromPayment(s v1.PaymentStatus) v1.MandateStatus {
	switch s {
	case v1.PaymentStatus_PAYMENT_STATUS_CHARGED, v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZED,
		v1.PaymentStatus_PAYMENT_STATUS_PARTIALLY_AUTHORIZED, v1.PaymentStatus_PAYMENT_STATUS_PARTIALLY_CAPTURED:
		return v1.MandateStatus_MANDATE_STATUS_ACTIVE
	case v1.PaymentStatus_PAYMENT_STATUS_AUTHENTICATION_PENDING, v1.PaymentStatus_PAYMENT_STATUS_ACTION_REQUIRED:
		return v1.MandateStatus_MANDATE_STATUS_ACTION_REQUIRED
	case v1.PaymentStatus_PAYMENT_STATUS_STARTED, v1.PaymentStatus_PAYMENT_STATUS_PENDING:
		return v1.MandateStatus_MANDATE_STATUS_PENDING
	case v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZATION_FAILED, v1.PaymentStatus_PAYMENT_STATUS_AUTHENTICATION_FAILED,
		v1.PaymentStatus_PAYMENT_STATUS_FAILURE, v1.PaymentStatus_PAYMENT_STATUS_VOIDED:
		return v1.MandateStatus_MANDATE_STATUS_FAILED
	}
	return v1.MandateStatus_MANDATE_STATUS_UNKNOWN
}
