package conformance

import (
	"fmt"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/reflect/protoreflect"

	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
)

var marshalJSON = protojson.MarshalOptions{}

// successStatuses are, per status enum, the values that tell a caller the
// operation succeeded or money moved. A processor answer that is an error
// (4xx/5xx) or cannot be understood (empty, HTML, truncated, unknown status)
// must never parse into one of them. Everything else (failed, pending,
// unknown, action required) is an acceptable, defined fallback.
var successStatuses = map[protoreflect.FullName]map[string]bool{
	"connectorhost.v1.PaymentStatus": set(
		v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZED.String(),
		v1.PaymentStatus_PAYMENT_STATUS_PARTIALLY_AUTHORIZED.String(),
		v1.PaymentStatus_PAYMENT_STATUS_CHARGED.String(),
		v1.PaymentStatus_PAYMENT_STATUS_PARTIALLY_CAPTURED.String(),
		v1.PaymentStatus_PAYMENT_STATUS_VOIDED.String(),
		v1.PaymentStatus_PAYMENT_STATUS_REVERSED.String(),
	),
	"connectorhost.v1.RefundStatus": set(v1.RefundStatus_REFUND_STATUS_SUCCEEDED.String()),
	"connectorhost.v1.DisputeStatus": set(
		v1.DisputeStatus_DISPUTE_STATUS_UNDER_REVIEW.String(),
		v1.DisputeStatus_DISPUTE_STATUS_WON.String(),
		v1.DisputeStatus_DISPUTE_STATUS_ACCEPTED.String(),
		v1.DisputeStatus_DISPUTE_STATUS_WARNING_CLOSED.String(),
	),
	"connectorhost.v1.MandateStatus": set(
		v1.MandateStatus_MANDATE_STATUS_ACTIVE.String(),
		v1.MandateStatus_MANDATE_STATUS_INACTIVE.String(),
		v1.MandateStatus_MANDATE_STATUS_REVOKED.String(),
	),
	"connectorhost.v1.AuthenticationStatus": set(v1.AuthenticationStatus_AUTHENTICATION_STATUS_SUCCEEDED.String()),
	"connectorhost.v1.PayoutStatus": set(
		v1.PayoutStatus_PAYOUT_STATUS_IN_TRANSIT.String(),
		v1.PayoutStatus_PAYOUT_STATUS_PAID.String(),
		v1.PayoutStatus_PAYOUT_STATUS_CANCELED.String(),
	),
}

// createOrderSuccess: for CreateOrder, STARTED (the order exists) is a success too.
const createOrderStarted = "PAYMENT_STATUS_STARTED"

func set(values ...string) map[string]bool {
	m := make(map[string]bool, len(values))
	for _, v := range values {
		m[v] = true
	}
	return m
}

// successVerdict says whether a parsed unified response claims success, and
// why. Responses with a status enum claim success when any status field holds
// a success status, or when the main "status" field is UNSPECIFIED (not a
// defined status). Responses without a status (customers, tokens, sessions)
// claim success when their error field is unset.
func successVerdict(msg protoreflect.Message) (bool, string) {
	fields := msg.Descriptor().Fields()
	hasStatus := false
	for i := 0; i < fields.Len(); i++ {
		fd := fields.Get(i)
		if fd.Kind() != protoreflect.EnumKind || fd.IsList() || fd.IsMap() {
			continue
		}
		successes, ok := successStatuses[fd.Enum().FullName()]
		if !ok {
			continue
		}
		hasStatus = true
		name := string(fd.Enum().Values().ByNumber(msg.Get(fd).Enum()).Name())
		if successes[name] || (name == createOrderStarted && msg.Descriptor().Name() == "PaymentServiceCreateOrderResponse") {
			return true, fmt.Sprintf("%s %s", fd.Name(), name)
		}
		if fd.Name() == "status" && msg.Get(fd).Enum() == 0 {
			return true, fmt.Sprintf("status %s (not a defined status)", name)
		}
	}
	if hasStatus {
		return false, ""
	}
	if fd := fields.ByName("error"); fd != nil && msg.Has(fd) {
		return false, ""
	}
	return true, "a response without error"
}
