package pdk

import (
	"testing"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
)

func TestIntegrityMismatch(t *testing.T) {
	if m := IntegrityMismatch("for payment %s", "P2"); m.Kind != pluginv1.ErrorKind_ERROR_KIND_INVALID_RESPONSE ||
		m.Detail.GetCode() != v1.ErrorCode_ERROR_CODE_INTEGRITY_MISMATCH || m.Message != "for payment P2" {
		t.Fatalf("integrity = %+v", m)
	}
}
