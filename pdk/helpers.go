package pdk

import (
	"sort"
	"strconv"

	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
)

// First returns the first non-empty string: the request's value, else a
// fallback from the answer or the state.
func First(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

// CustomerState is the connector state to hand back for a processor
// customer id (nil without one).
func CustomerState(customerID string) *v1.ConnectorState {
	if customerID == "" {
		return nil
	}
	return &v1.ConnectorState{ConnectorCustomerId: customerID}
}

// MandateStatusOf is the status of a mandate stored by a payment (a card
// saved for future use while paying), from the payment's status.
func MandateStatusOf(s v1.PaymentStatus) v1.MandateStatus {
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

// Metadata is a processor's limits on merchant metadata.
type Metadata struct{ MaxKeys, MaxKeyLen, MaxValueLen int }

// Merge returns the caller's metadata plus the connector's own
// reconciliation pairs (key, value, key, value...), each added unless the
// caller set the same key or its value is empty, after checking the
// limits: an InvalidRequest on "metadata" naming the first bad key in key
// order (the same on every call).
func (l Metadata) Merge(md map[string]string, extra ...string) (map[string]string, error) {
	all := make(map[string]string, len(md)+len(extra)/2)
	for k, v := range md {
		all[k] = v
	}
	for i := 0; i+1 < len(extra); i += 2 {
		if _, ok := all[extra[i]]; !ok && extra[i+1] != "" {
			all[extra[i]] = extra[i+1]
		}
	}
	if len(all) > l.MaxKeys {
		return nil, InvalidRequest("metadata", "has "+strconv.Itoa(len(all))+" keys; the processor allows "+strconv.Itoa(l.MaxKeys))
	}
	keys := make([]string, 0, len(all))
	for k := range all {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		switch {
		case k == "":
			return nil, InvalidRequest("metadata", "keys must not be empty")
		case len(k) > l.MaxKeyLen:
			return nil, InvalidRequest("metadata", "key "+strconv.Quote(k)+" is longer than "+strconv.Itoa(l.MaxKeyLen)+" characters")
		case len(all[k]) > l.MaxValueLen:
			return nil, InvalidRequest("metadata", "value of "+strconv.Quote(k)+" is longer than "+strconv.Itoa(l.MaxValueLen)+" characters")
		}
	}
	return all, nil
}
