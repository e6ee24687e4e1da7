package executor

import (
	"testing"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
)

// A plugin cannot claim that nothing reached the processor: only the host
// knows, and marks build-phase errors itself.
func TestPluginCannotClaimNotSent(t *testing.T) {
	pe := &pluginv1.PluginError{Kind: pluginv1.ErrorKind_ERROR_KIND_PROCESSOR_UNAVAILABLE, Message: "503",
		Detail: &v1.PaymentError{Code: v1.ErrorCode_ERROR_CODE_PROCESSOR_UNAVAILABLE, NotSent: true}}
	if err := pluginError("acme", pe); NotSent(err) {
		t.Fatalf("a plugin's not_sent was kept: %v", err.(*Error).Detail)
	}
	if !pe.GetDetail().GetNotSent() {
		t.Fatal("the plugin's own message was changed")
	}
	if err := markNotSent(pluginError("acme", pe)); !NotSent(err) {
		t.Fatal("a build-phase plugin error is not marked not_sent")
	}
}
