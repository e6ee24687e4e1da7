package metrics_test

import (
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectorhost/connector-host/host/breaker"
	"github.com/connectorhost/connector-host/host/metrics"
	"github.com/connectorhost/connector-host/host/registry"
	"github.com/connectorhost/connector-host/host/sandbox"
)

func TestMetricsExposition(t *testing.T) {
	m := metrics.New()
	m.Transform("stripe", "build_request", 2*time.Millisecond, nil)
	m.Transform("stripe", "parse_response", time.Millisecond, &sandbox.Fault{Kind: sandbox.FaultTrap})
	m.InstanceStarted("stripe", time.Millisecond)
	m.InstanceStarted("stripe", time.Millisecond)
	m.InstanceStopped("stripe", "recycled_calls")
	m.Attempt("stripe", "5xx", 30*time.Millisecond)
	m.Retry("stripe", "503")
	m.Rejected("stripe", "circuit_open")
	m.PluginEvent(registry.Event{Kind: registry.EventLoaded, Name: "stripe"})
	m.PluginEvent(registry.Event{Kind: registry.EventLoaded, Name: "stripe"})

	now := time.Unix(0, 0)
	set := breaker.NewSet(breaker.Options{Now: func() time.Time { return now }, OnTransition: m.BreakerTransition,
		Settings: func(string) breaker.Settings { return breaker.Settings{FailureThreshold: 1} }})
	m.WatchBreakers(set)
	tk, err := set.Allow("stripe", "acct")
	require.NoError(t, err)
	tk.Done(breaker.Failure)
	tk, err = set.Allow("adyen", "acct")
	require.NoError(t, err)
	tk.Done(breaker.Success)

	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body, _ := io.ReadAll(rec.Body)
	text := string(body)
	for _, want := range []string{
		`connector_host_wasm_transform_duration_seconds_count{export="build_request",plugin="stripe",result="ok"} 1`,
		`connector_host_wasm_transform_duration_seconds_count{export="parse_response",plugin="stripe",result="trap"} 1`,
		`connector_host_wasm_instances{plugin="stripe"} 1`,
		`connector_host_wasm_instances_stopped_total{plugin="stripe",reason="recycled_calls"} 1`,
		`connector_host_processor_request_duration_seconds_count{connector="stripe",outcome="5xx"} 1`,
		`connector_host_processor_retries_total{connector="stripe",reason="503"} 1`,
		`connector_host_processor_calls_refused_total{connector="stripe",reason="circuit_open"} 1`,
		`connector_host_plugin_loads_total{connector="stripe",kind="loaded"} 2`,
		`connector_host_breaker_state{connector="stripe"} 2`,
		`connector_host_breaker_state{connector="adyen"} 0`,
		`connector_host_breakers_open{connector="stripe"} 1`,
		`connector_host_breaker_transitions_total{connector="stripe",to="open"} 1`,
		`go_goroutines`,
	} {
		assert.Contains(t, text, want)
	}
	assert.Equal(t, 1, strings.Count(text, "# TYPE connector_host_breaker_state gauge"))
	_, err = m.Registry().Gather()
	require.NoError(t, err, "the registry is consistent")
}
