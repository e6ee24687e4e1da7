package pdk

import (
	"errors"
	"testing"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
)

func TestPathID(t *testing.T) {
	if got, err := PathID("connector_transaction_id", "pay 1/2?x"); err != nil || got != "pay%201%2F2%3Fx" {
		t.Errorf("PathID = %q, %v", got, err)
	}
	for _, id := range []string{"", "  "} {
		_, err := PathID("connector_refund_id", id)
		var e *Error
		if !errors.As(err, &e) || e.Kind != pluginv1.ErrorKind_ERROR_KIND_INVALID_REQUEST || e.Message != "connector_refund_id: is required" {
			t.Errorf("PathID(%q) err = %v", id, err)
		}
	}
}

func TestSameID(t *testing.T) {
	if err := SameID("Acme", "pay_1", "pay_1"); err != nil {
		t.Errorf("same id: %v", err)
	}
	if err := SameID("Acme", "pay_1", ""); err != nil {
		t.Errorf("nothing asked for: %v", err)
	}
	err := SameID("Acme", "pay_2", "pay_1")
	var e *Error
	if !errors.As(err, &e) || e.Detail.GetCode() != v1.ErrorCode_ERROR_CODE_INTEGRITY_MISMATCH ||
		e.Message != `Acme answered about "pay_2", not the requested "pay_1"` {
		t.Errorf("other id: %v", err)
	}
}

func TestCheckID(t *testing.T) {
	valid := func(s string) bool { return len(s) == 6 && s[:4] == "pay_" }
	if err := CheckID("connector_transaction_id", "pay_12", valid, "pay_12"); err != nil {
		t.Errorf("a valid id: %v", err)
	}
	for id, want := range map[string]string{
		"":         "connector_transaction_id: is required",
		"pi_1234":  "connector_transaction_id: must be an id like pay_12",
		"pay_1/..": "connector_transaction_id: must be an id like pay_12",
	} {
		err := CheckID("connector_transaction_id", id, valid, "pay_12")
		var e *Error
		if !errors.As(err, &e) || e.Kind != pluginv1.ErrorKind_ERROR_KIND_INVALID_REQUEST || e.Message != want {
			t.Errorf("CheckID(%q) = %v, want %q", id, err, want)
		}
	}
}
