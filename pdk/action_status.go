package pdk

import v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"

// ActionStatus is the status to report for a capture or void whose answer
// shows the payment in status s, the action's goal being want (CHARGED,
// VOIDED): s when it reached want or is UNKNOWN (nothing known yet), else
// failed (CAPTURE_FAILED, VOID_FAILED): a payment still authorized after a
// capture was not captured, and must never read as if it were.
func ActionStatus(s, want, failed v1.PaymentStatus) v1.PaymentStatus {
	if s == want || s == v1.PaymentStatus_PAYMENT_STATUS_UNKNOWN {
		return s
	}
	return failed
}
