package pdk

import (
	"testing"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
)

func TestIntegrityMismatch(t *testing.T) {
	err := IntegrityMismatch("answer currency %s differs from the requested %s", "EUR", "USD")
	if err.Kind != pluginv1.ErrorKind_ERROR_KIND_INVALID_RESPONSE {
		t.Errorf("kind = %v, want INVALID_RESPONSE", err.Kind)
	}
	const want = "answer currency EUR differs from the requested USD"
	if err.Error() != want || err.Detail.GetMessage() != want {
		t.Errorf("message = %q, detail %q, want %q", err.Error(), err.Detail.GetMessage(), want)
	}
	if err.Detail.GetCode() != v1.ErrorCode_ERROR_CODE_INTEGRITY_MISMATCH {
		t.Errorf("code = %v, want INTEGRITY_MISMATCH", err.Detail.GetCode())
	}
	if pe := toPluginError(err); pe.GetDetail().GetCode() != v1.ErrorCode_ERROR_CODE_INTEGRITY_MISMATCH || pe.GetKind() != err.Kind {
		t.Errorf("on the ABI: %v", pe)
	}
}
