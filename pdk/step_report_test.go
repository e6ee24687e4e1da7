package pdk

import (
	"testing"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
)

// TestStampedTrustsOnlyThisCallsReport: a step's report reaches the handler
// that asked for it; the same report replayed in a later call (the caller
// sending back an earlier call's state) or a value without a stamp is not
// trusted.
func TestStampedTrustsOnlyThisCallsReport(t *testing.T) {
	const key = "amount_check:P1"
	asked := AskState(key)
	if !Asked(asked, key) || Asked(asked, "other") || Asked(nil, key) {
		t.Fatalf("Asked on %v: wrong answer", asked)
	}
	at := func(ms int64, st *v1.ConnectorState) *Context {
		return NewContext(v1.Flow_FLOW_CAPTURE, &pluginv1.CallContext{NowUnixMs: ms}, st)
	}
	report := at(1000, nil).Stamp("555 USD")
	st := &v1.ConnectorState{Values: map[string]string{key: report}}
	if v, ok := at(1000, st).Stamped(key); !ok || v != "555 USD" {
		t.Fatalf("this call's report = %q, %v; want 555 USD", v, ok)
	}
	if v, ok := at(2000, st).Stamped(key); ok {
		t.Fatalf("a later call trusted an earlier call's report %q", v)
	}
	for _, v := range []string{"", askedValue, "555 USD", "1000"} {
		if got, ok := at(1000, &v1.ConnectorState{Values: map[string]string{key: v}}).Stamped(key); ok {
			t.Fatalf("value %q read as a report %q", v, got)
		}
	}
}
