package pdk

import (
	"testing"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
)

func TestVerifiedEvents(t *testing.T) {
	live := &Context{Environment: pluginv1.Environment_ENVIRONMENT_LIVE}
	a, b := &v1.Event{EventId: "a"}, &v1.Event{EventId: "b"}
	out := VerifiedEvents(live, a, b)
	if len(out.GetEvents()) != 2 || out.GetAcknowledgement().GetStatus() != 200 {
		t.Fatalf("VerifiedEvents: %v", out)
	}
	for _, ev := range out.GetEvents() {
		if !ev.GetVerified() || !ev.GetLivemode() {
			t.Errorf("%s: verified %v, live %v", ev.GetEventId(), ev.GetVerified(), ev.GetLivemode())
		}
	}
	sandbox := VerifiedEvents(&Context{Environment: pluginv1.Environment_ENVIRONMENT_SANDBOX}, &v1.Event{EventId: "c"})
	if ev := sandbox.GetEvents()[0]; !ev.GetVerified() || ev.GetLivemode() {
		t.Errorf("a sandbox event: verified %v, live %v", ev.GetVerified(), ev.GetLivemode())
	}
}
