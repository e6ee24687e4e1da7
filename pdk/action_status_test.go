package pdk

import (
	"testing"

	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
)

func TestActionStatus(t *testing.T) {
	const (
		charged    = v1.PaymentStatus_PAYMENT_STATUS_CHARGED
		failed     = v1.PaymentStatus_PAYMENT_STATUS_CAPTURE_FAILED
		unknown    = v1.PaymentStatus_PAYMENT_STATUS_UNKNOWN
		authorized = v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZED
	)
	for s, want := range map[v1.PaymentStatus]v1.PaymentStatus{charged: charged, unknown: unknown, authorized: failed, v1.PaymentStatus_PAYMENT_STATUS_VOIDED: failed} {
		if got := ActionStatus(s, charged, failed); got != want {
			t.Errorf("ActionStatus(%v) = %v, want %v", s, got, want)
		}
	}
}
