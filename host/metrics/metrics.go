// Package metrics exposes the host's Prometheus metrics on a registry of its
// own (no global state): API calls by service, RPC, connector and code;
// processor call latency, retries and refusals by connector; Wasm transform
// time by plugin and export; plugin instance pools and recycles; plugin
// loads, reloads and failures; and circuit breaker states. A Metrics value
// is the sandbox.Observer and egress.Observer of the host it serves.
package metrics

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"time"

	"connectrpc.com/connect"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/connectorhost/connector-host/host/breaker"
	"github.com/connectorhost/connector-host/host/credentials"
	"github.com/connectorhost/connector-host/host/registry"
	"github.com/connectorhost/connector-host/host/sandbox"
)

const ns = "connector_host"

// Metrics holds the host's collectors.
type Metrics struct {
	reg *prometheus.Registry

	calls           *prometheus.CounterVec
	callDuration    *prometheus.HistogramVec
	inFlight        prometheus.Gauge
	processor       *prometheus.HistogramVec
	retries         *prometheus.CounterVec
	rejected        *prometheus.CounterVec
	transform       *prometheus.HistogramVec
	instances       *prometheus.GaugeVec
	instanceStarts  *prometheus.CounterVec
	instanceStops   *prometheus.CounterVec
	pluginEvents    *prometheus.CounterVec
	breakerChanges  *prometheus.CounterVec
	breakerStateVec *prometheus.Desc
	breakersOpen    *prometheus.Desc

	mu       sync.Mutex
	breakers *breaker.Set
}

// New returns Metrics on a new registry, with the Go runtime and process
// collectors included.
func New() *Metrics {
	latency := []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30}
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		calls: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Name: "api_calls_total",
			Help: "API calls by service, RPC, connector and Connect code."}, []string{"service", "rpc", "connector", "code"}),
		callDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Namespace: ns, Name: "api_call_duration_seconds",
			Help: "API call latency by service, RPC and connector.", Buckets: latency}, []string{"service", "rpc", "connector"}),
		inFlight: prometheus.NewGauge(prometheus.GaugeOpts{Namespace: ns, Name: "api_calls_in_flight",
			Help: "API calls being served."}),
		processor: prometheus.NewHistogramVec(prometheus.HistogramOpts{Namespace: ns, Name: "processor_request_duration_seconds",
			Help: "Latency of each exchange with a processor (each attempt), by connector and outcome (2xx..5xx, timeout, connect, reset, canceled).", Buckets: latency},
			[]string{"connector", "outcome"}),
		retries: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Name: "processor_retries_total",
			Help: "Processor calls retried, by connector and the reason (connect, timeout, reset, or the HTTP status)."}, []string{"connector", "reason"}),
		rejected: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Name: "processor_calls_refused_total",
			Help: "Processor calls refused before sending, by connector and reason (blocked, circuit_open, client_cert)."}, []string{"connector", "reason"}),
		transform: prometheus.NewHistogramVec(prometheus.HistogramOpts{Namespace: ns, Name: "wasm_transform_duration_seconds",
			Help: "Wasm transform time by plugin, export and result (ok or the fault kind).", Buckets: []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .5, 2}},
			[]string{"plugin", "export", "result"}),
		instances: prometheus.NewGaugeVec(prometheus.GaugeOpts{Namespace: ns, Name: "wasm_instances",
			Help: "Live Wasm instances (pool size) by plugin."}, []string{"plugin"}),
		instanceStarts: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Name: "wasm_instances_started_total",
			Help: "Wasm instances started by plugin."}, []string{"plugin"}),
		instanceStops: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Name: "wasm_instances_stopped_total",
			Help: "Wasm instances stopped by plugin and reason (recycled_calls, recycled_memory, fault, closed)."}, []string{"plugin", "reason"}),
		pluginEvents: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Name: "plugin_loads_total",
			Help: "Plugin file events by connector and kind (loaded, failed, unloaded); loads after the first are reloads."}, []string{"connector", "kind"}),
		breakerChanges: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Name: "breaker_transitions_total",
			Help: "Circuit breaker state changes by connector and new state."}, []string{"connector", "to"}),
		breakerStateVec: prometheus.NewDesc(ns+"_breaker_state",
			"Worst circuit breaker state among a connector's accounts: 0 closed, 1 half-open, 2 open.", []string{"connector"}, nil),
		breakersOpen: prometheus.NewDesc(ns+"_breakers_open",
			"Open circuit breakers (accounts failing fast) by connector.", []string{"connector"}, nil),
	}
	m.reg.MustRegister(
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.calls, m.callDuration, m.inFlight, m.processor, m.retries, m.rejected, m.transform,
		m.instances, m.instanceStarts, m.instanceStops, m.pluginEvents, m.breakerChanges,
		breakerCollector{m},
	)
	return m
}

// Registry is the registry the metrics live on (to add collectors or gather in tests).
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Handler serves the metrics in the Prometheus exposition format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// WatchBreakers reports set's states at each scrape.
func (m *Metrics) WatchBreakers(set *breaker.Set) {
	m.mu.Lock()
	m.breakers = set
	m.mu.Unlock()
}

// BreakerTransition counts a breaker changing state (breaker.Options.OnTransition).
func (m *Metrics) BreakerTransition(connector, _ string, _, to breaker.State) {
	m.breakerChanges.WithLabelValues(connector, to.String()).Inc()
}

// PluginEvent counts a registry event (registry.Options.OnEvent).
func (m *Metrics) PluginEvent(ev registry.Event) {
	m.pluginEvents.WithLabelValues(ev.Name, string(ev.Kind)).Inc()
}

// Transform implements sandbox.Observer.
func (m *Metrics) Transform(plugin, export string, d time.Duration, fault *sandbox.Fault) {
	result := "ok"
	if fault != nil {
		result = fault.Kind.String()
	}
	m.transform.WithLabelValues(plugin, export, result).Observe(d.Seconds())
}

// InstanceStarted implements sandbox.Observer.
func (m *Metrics) InstanceStarted(plugin string, _ time.Duration) {
	m.instanceStarts.WithLabelValues(plugin).Inc()
	m.instances.WithLabelValues(plugin).Inc()
}

// InstanceStopped implements sandbox.Observer.
func (m *Metrics) InstanceStopped(plugin, reason string) {
	m.instanceStops.WithLabelValues(plugin, reason).Inc()
	m.instances.WithLabelValues(plugin).Dec()
}

// Attempt implements egress.Observer.
func (m *Metrics) Attempt(connector, outcome string, d time.Duration) {
	m.processor.WithLabelValues(connector, outcome).Observe(d.Seconds())
}

// Retry implements egress.Observer.
func (m *Metrics) Retry(connector, reason string) {
	m.retries.WithLabelValues(connector, reason).Inc()
}

// Rejected implements egress.Observer.
func (m *Metrics) Rejected(connector, reason string) {
	m.rejected.WithLabelValues(connector, reason).Inc()
}

// Interceptor counts and times API calls. known tells which x-connector
// values are loaded connectors; others are labelled "unknown" so a caller
// cannot grow the label set.
func (m *Metrics) Interceptor(known func(string) bool) connect.Interceptor {
	return &interceptor{m: m, known: known}
}

type interceptor struct {
	m     *Metrics
	known func(string) bool
}

func (i *interceptor) WrapUnary(next connect.UnaryFunc) connect.UnaryFunc {
	return func(ctx context.Context, req connect.AnyRequest) (connect.AnyResponse, error) {
		if req.Spec().IsClient {
			return next(ctx, req)
		}
		start := time.Now()
		i.m.inFlight.Inc()
		defer i.m.inFlight.Dec()
		res, err := next(ctx, req)
		service, rpc := splitProcedure(req.Spec().Procedure)
		connector := req.Header().Get(credentials.HeaderConnector)
		switch {
		case connector == "":
		case i.known == nil || !i.known(connector):
			connector = "unknown"
		}
		code := "ok"
		if err != nil {
			code = connect.CodeOf(err).String()
		}
		i.m.calls.WithLabelValues(service, rpc, connector, code).Inc()
		i.m.callDuration.WithLabelValues(service, rpc, connector).Observe(time.Since(start).Seconds())
		return res, err
	}
}

func (i *interceptor) WrapStreamingClient(next connect.StreamingClientFunc) connect.StreamingClientFunc {
	return next
}

func (i *interceptor) WrapStreamingHandler(next connect.StreamingHandlerFunc) connect.StreamingHandlerFunc {
	return next
}

// splitProcedure turns "/pkg.Service/Method" into its service and method.
func splitProcedure(p string) (string, string) {
	p = strings.TrimPrefix(p, "/")
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		return p[:i], p[i+1:]
	}
	return p, ""
}

// breakerCollector reports breaker states at scrape time.
type breakerCollector struct{ m *Metrics }

func (c breakerCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.m.breakerStateVec
	ch <- c.m.breakersOpen
}

func (c breakerCollector) Collect(ch chan<- prometheus.Metric) {
	c.m.mu.Lock()
	set := c.m.breakers
	c.m.mu.Unlock()
	if set == nil {
		return
	}
	worst := map[string]breaker.State{}
	open := map[string]int{}
	for _, st := range set.Snapshot() {
		if st.State > worst[st.Connector] {
			worst[st.Connector] = st.State
		} else if _, ok := worst[st.Connector]; !ok {
			worst[st.Connector] = st.State
		}
		if st.State == breaker.Open {
			open[st.Connector]++
		}
	}
	for conn, st := range worst {
		ch <- prometheus.MustNewConstMetric(c.m.breakerStateVec, prometheus.GaugeValue, float64(st), conn)
		ch <- prometheus.MustNewConstMetric(c.m.breakersOpen, prometheus.GaugeValue, float64(open[conn]), conn)
	}
}
