package pdk

import (
	"strings"
	"testing"

	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
)

func TestFirstAndCustomerState(t *testing.T) {
	if First("", "b", "c") != "b" || First() != "" {
		t.Error("First")
	}
	if CustomerState("") != nil || CustomerState("cus_1").GetConnectorCustomerId() != "cus_1" {
		t.Error("CustomerState")
	}
}

func TestMandateStatusOf(t *testing.T) {
	for s, want := range map[v1.PaymentStatus]v1.MandateStatus{
		v1.PaymentStatus_PAYMENT_STATUS_CHARGED:                v1.MandateStatus_MANDATE_STATUS_ACTIVE,
		v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZED:             v1.MandateStatus_MANDATE_STATUS_ACTIVE,
		v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZATION_FAILED:   v1.MandateStatus_MANDATE_STATUS_FAILED,
		v1.PaymentStatus_PAYMENT_STATUS_AUTHENTICATION_PENDING: v1.MandateStatus_MANDATE_STATUS_ACTION_REQUIRED,
		v1.PaymentStatus_PAYMENT_STATUS_PENDING:                v1.MandateStatus_MANDATE_STATUS_PENDING,
		v1.PaymentStatus_PAYMENT_STATUS_VOIDED:                 v1.MandateStatus_MANDATE_STATUS_FAILED,
		v1.PaymentStatus_PAYMENT_STATUS_UNKNOWN:                v1.MandateStatus_MANDATE_STATUS_UNKNOWN,
	} {
		if got := MandateStatusOf(s); got != want {
			t.Errorf("%v -> %v, want %v", s, got, want)
		}
	}
}

func TestMetadataMerge(t *testing.T) {
	l := Metadata{MaxKeys: 3, MaxKeyLen: 5, MaxValueLen: 4}
	got, err := l.Merge(map[string]string{"a": "1", "own": "mine"}, "own", "plugin", "ref", "r1", "skip", "")
	if err != nil || len(got) != 3 || got["own"] != "mine" || got["ref"] != "r1" {
		t.Errorf("merge = %v, %v", got, err)
	}
	for name, md := range map[string]map[string]string{
		"keys": {"a": "", "b": "", "c": "", "d": ""}, "empty key": {"": "x"}, "long key": {"abcdef": "x"}, "long value": {"a": "12345"},
	} {
		if _, err := l.Merge(md); err == nil || !strings.HasPrefix(err.Error(), "metadata:") {
			t.Errorf("%s: %v", name, err)
		}
	}
}
