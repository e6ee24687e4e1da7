package app_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"connectrpc.com/connect"
	"connectrpc.com/grpcreflect"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/gen/connectorhost/v1/connectorhostv1connect"
	"github.com/connectorhost/connector-host/host/app"
	"github.com/connectorhost/connector-host/host/config"
	"github.com/connectorhost/connector-host/internal/wasmbuild"
)

// Test values that must never appear in a log line or an error.
const (
	testPAN       = "4242424242424242"
	testCVC       = "123"
	testAPIKey    = "sk_test_SECRET_abcdefghij"
	testWebhookSK = "whsec_TOPSECRET_0123456789"
)

var plugins = map[string]string{"faulty": "./host/sandbox/testdata/faulty", "leaky": "./host/app/testdata/leaky"}

// pluginDir is a plugin directory holding the named test plugins.
func pluginDir(t *testing.T, names ...string) string {
	t.Helper()
	dir := t.TempDir()
	for _, n := range names {
		b, err := os.ReadFile(wasmbuild.Build(t, plugins[n], n))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, n+".wasm"), b, 0o644))
	}
	return dir
}

// hostConfig is a loopback configuration serving the named plugins.
func hostConfig(t *testing.T, names ...string) *config.Config {
	cfg := config.Default()
	cfg.Listen = "127.0.0.1:0"
	cfg.PluginsDir = pluginDir(t, names...)
	cfg.CacheDir = codeCache
	cfg.Plugins.CallTimeout = 5 * time.Second
	return cfg
}

type running struct {
	base string
	host *app.Host
	stop func() error
}

// launch starts a host and stops it (checking it stopped cleanly) at cleanup.
func launch(t *testing.T, cfg *config.Config, opts app.Options) *running {
	t.Helper()
	require.NoError(t, cfg.Validate())
	ctx, cancel := context.WithCancel(context.Background())
	h, err := app.New(ctx, cfg, opts)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- h.Serve(ctx, cfg.DrainTimeout) }()
	var once sync.Once
	var stopErr error
	r := &running{base: "http://" + h.Addr(), host: h, stop: func() error {
		once.Do(func() { cancel(); stopErr = <-done })
		return stopErr
	}}
	t.Cleanup(func() { require.NoError(t, r.stop()) })
	require.NoError(t, h.Registry().WaitLoaded(ctx))
	return r
}

// fakeProcessor answers the test plugins, counts requests and can hold them.
type fakeProcessor struct {
	srv      *httptest.Server
	requests atomic.Int32
	mu       sync.Mutex
	status   int
	headers  []http.Header
	auth     []string
	bodies   []string
	paths    []string
	arrived  chan string   // receives the body of each held request
	release  chan struct{} // closed to let held requests answer
	hold     func(body string) bool
}

func newFakeProcessor(t *testing.T) *fakeProcessor {
	p := &fakeProcessor{status: 200, arrived: make(chan string, 16), release: make(chan struct{})}
	p.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.requests.Add(1)
		b, _ := io.ReadAll(r.Body)
		p.mu.Lock()
		p.auth = append(p.auth, r.Header.Get("Authorization"))
		p.headers = append(p.headers, r.Header.Clone())
		p.bodies = append(p.bodies, string(b))
		p.paths = append(p.paths, r.URL.Path)
		status, hold := p.status, p.hold
		p.mu.Unlock()
		if hold != nil && hold(string(b)) {
			p.arrived <- string(b)
			select {
			case <-p.release:
			case <-r.Context().Done():
				return
			}
		}
		// Echo everything received, as a careless processor might.
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(map[string]any{"authorization": r.Header.Get("Authorization"), "body": string(b)})
	}))
	t.Cleanup(func() {
		p.mu.Lock()
		if p.hold != nil {
			p.hold = nil
			select {
			case <-p.release:
			default:
				close(p.release)
			}
		}
		p.mu.Unlock()
		p.srv.Close()
	})
	return p
}

func (p *fakeProcessor) setStatus(s int) { p.mu.Lock(); p.status = s; p.mu.Unlock() }

func (p *fakeProcessor) sawAuth() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.auth...)
}

// sawHeader returns the values of a header across every request received.
func (p *fakeProcessor) sawHeader(name string) []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []string
	for _, h := range p.headers {
		out = append(out, h.Values(name)...)
	}
	return out
}

func (p *fakeProcessor) sawBodies() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.bodies...)
}

func cardRequest(id string) *v1.PaymentServiceAuthorizeRequest {
	return &v1.PaymentServiceAuthorizeRequest{
		MerchantTransactionId: id,
		Amount:                &v1.Money{MinorAmount: 1000, Currency: "USD"},
		PaymentMethod:         &v1.PaymentMethod{Method: &v1.PaymentMethod_Card{Card: &v1.Card{Number: testPAN, Cvc: testCVC, ExpMonth: 12, ExpYear: 2030}}},
	}
}

func leakyAuth(key string) string {
	return `{"api_key":"` + key + `","webhook_secret":"` + testWebhookSK + `"}`
}

func hashHex(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:])
}

func TestAPIKeysOverTheWire(t *testing.T) {
	proc := newFakeProcessor(t)
	cfg := hostConfig(t, "faulty")
	cfg.Connectors["faulty"] = config.Connector{BaseURL: proc.srv.URL}
	cfg.APIKeys = []config.APIKey{{Name: "shop-backend", SHA256: hashHex("key-shop-0123456789")}, {Name: "ops", SHA256: hashHex("key-ops-0123456789")}}
	h := launch(t, cfg, app.Options{})
	client := connectorhostv1connect.NewPaymentServiceClient(http.DefaultClient, h.base)
	ctx := context.Background()
	call := func(kv ...string) error {
		_, err := client.Authorize(ctx, withHeaders(authorizeRequest("order_auth"), append([]string{"x-connector", "faulty", "x-connector-auth", "{}"}, kv...)...))
		return err
	}

	err := call()
	assert.Equal(t, connect.CodeUnauthenticated, connect.CodeOf(err))
	assert.Contains(t, err.Error(), `send "Authorization: Bearer <key>" or "x-api-key: <key>"`)
	err = call("Authorization", "Bearer key-shop-wrong")
	assert.Equal(t, connect.CodeUnauthenticated, connect.CodeOf(err))
	assert.Contains(t, err.Error(), "API key not recognised")
	assert.NotContains(t, err.Error(), "key-shop-wrong")
	assert.Equal(t, int32(0), proc.requests.Load(), "nothing reached the processor without a key")

	require.NoError(t, call("Authorization", "Bearer key-shop-0123456789"))
	require.NoError(t, call("x-api-key", "key-ops-0123456789"))
	assert.Equal(t, int32(2), proc.requests.Load())

	// gRPC callers send the key as metadata.
	conn, err := grpc.NewClient(strings.TrimPrefix(h.base, "http://"), grpc.WithTransportCredentials(insecure.NewCredentials()))
	require.NoError(t, err)
	defer conn.Close()
	out := &v1.PaymentServiceAuthorizeResponse{}
	gctx := metadata.AppendToOutgoingContext(ctx, "x-connector", "faulty", "x-connector-auth", "{}")
	err = conn.Invoke(gctx, "/connectorhost.v1.PaymentService/Authorize", authorizeRequest("order_grpc_auth"), out)
	assert.Equal(t, "Unauthenticated", status.Code(err).String())
	err = conn.Invoke(metadata.AppendToOutgoingContext(gctx, "authorization", "Bearer key-shop-0123456789"), "/connectorhost.v1.PaymentService/Authorize", authorizeRequest("order_grpc_auth"), out)
	require.NoError(t, err)

	// Health stays open; reflection and the other services do not.
	hres, err := healthpb.NewHealthClient(conn).Check(ctx, &healthpb.HealthCheckRequest{})
	require.NoError(t, err)
	assert.Equal(t, healthpb.HealthCheckResponse_SERVING, hres.GetStatus())
	res, err := http.Get(h.base + "/healthz")
	require.NoError(t, err)
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	assert.Equal(t, 200, res.StatusCode)
	assert.Equal(t, "ok\n", string(body))
	res, err = http.Get(h.base + "/readyz")
	require.NoError(t, err)
	res.Body.Close()
	assert.Equal(t, 200, res.StatusCode, "ready once the plugins loaded, without a key")

	_, err = connectorhostv1connect.NewConnectorServiceClient(http.DefaultClient, h.base).ListConnectors(ctx, connect.NewRequest(&v1.ConnectorServiceListConnectorsRequest{}))
	assert.Equal(t, connect.CodeUnauthenticated, connect.CodeOf(err))
	protocols := new(http.Protocols)
	protocols.SetUnencryptedHTTP2(true)
	h2c := &http.Client{Transport: &http.Transport{Protocols: protocols}}
	defer h2c.CloseIdleConnections()
	stream := grpcreflect.NewClient(h2c, h.base, connect.WithGRPC()).NewStream(ctx)
	_, err = stream.ListServices()
	_, _ = stream.Close()
	assert.Equal(t, connect.CodeUnauthenticated, connect.CodeOf(err), "reflection needs a key too")
}

func TestRequestSizeAndConcurrencyLimits(t *testing.T) {
	proc := newFakeProcessor(t)
	proc.hold = func(body string) bool { return body == "slow" }
	cfg := hostConfig(t, "faulty")
	cfg.Connectors["faulty"] = config.Connector{BaseURL: proc.srv.URL}
	cfg.Limits = config.Limits{MaxRequestBytes: 2048, MaxConcurrentCalls: 1}
	h := launch(t, cfg, app.Options{})
	client := connectorhostv1connect.NewPaymentServiceClient(http.DefaultClient, h.base)
	ctx := context.Background()
	headers := []string{"x-connector", "faulty", "x-connector-auth", "{}"}

	big := authorizeRequest("order_big")
	big.Metadata = map[string]string{"note": strings.Repeat("x", 4096)}
	_, err := client.Authorize(ctx, withHeaders(big, headers...))
	assert.Equal(t, connect.CodeResourceExhausted, connect.CodeOf(err), "%v", err)
	assert.Equal(t, int32(0), proc.requests.Load())

	slow := make(chan error, 1)
	go func() {
		_, err := client.Authorize(ctx, withHeaders(authorizeRequest("slow"), headers...))
		slow <- err
	}()
	<-proc.arrived // the slow call holds the only slot
	_, err = client.Authorize(ctx, withHeaders(authorizeRequest("order_2"), headers...))
	assert.Equal(t, connect.CodeResourceExhausted, connect.CodeOf(err))
	assert.Contains(t, err.Error(), "host at its concurrency limit of 1; retry")
	hres, err := connectorhostv1connect.NewConnectorServiceClient(http.DefaultClient, h.base).ListConnectors(ctx, connect.NewRequest(&v1.ConnectorServiceListConnectorsRequest{}))
	_ = hres
	assert.Equal(t, connect.CodeResourceExhausted, connect.CodeOf(err), "every unary call counts")
	res, err := http.Get(h.base + "/healthz")
	require.NoError(t, err)
	res.Body.Close()
	assert.Equal(t, 200, res.StatusCode, "health is never limited")

	close(proc.release)
	require.NoError(t, <-slow)
	_, err = client.Authorize(ctx, withHeaders(authorizeRequest("order_3"), headers...))
	require.NoError(t, err, "the slot is free again")
}

// SIGTERM (the context ending) stops new connections while a slow call in
// flight completes.
func TestGracefulDrainOverTheWire(t *testing.T) {
	proc := newFakeProcessor(t)
	proc.hold = func(body string) bool { return body == "slow" }
	cfg := hostConfig(t, "faulty")
	cfg.Connectors["faulty"] = config.Connector{BaseURL: proc.srv.URL}
	draining := make(chan struct{})
	var once sync.Once
	h := launch(t, cfg, app.Options{OnDrain: func() { once.Do(func() { close(draining) }) }})
	client := connectorhostv1connect.NewPaymentServiceClient(&http.Client{Transport: &http.Transport{}}, h.base)

	type result struct {
		res *connect.Response[v1.PaymentServiceAuthorizeResponse]
		err error
	}
	inflight := make(chan result, 1)
	go func() {
		res, err := client.Authorize(context.Background(), withHeaders(authorizeRequest("slow"), "x-connector", "faulty", "x-connector-auth", "{}"))
		inflight <- result{res, err}
	}()
	<-proc.arrived

	stopped := make(chan error, 1)
	go func() { stopped <- h.stop() }()
	<-draining
	_, err := net.DialTimeout("tcp", h.host.Addr(), time.Second)
	require.Error(t, err, "the listener is closed: new connections are refused")
	select {
	case err := <-stopped:
		t.Fatalf("Serve returned (%v) with a call in flight", err)
	default:
	}

	close(proc.release)
	r := <-inflight
	require.NoError(t, r.err, "the call in flight completed")
	assert.Equal(t, v1.PaymentStatus_PAYMENT_STATUS_CHARGED, r.res.Msg.GetStatus())
	require.NoError(t, <-stopped, "drained cleanly")
}

type manualClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *manualClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *manualClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// assertMetric checks the exposition has the sample want, and on failure
// shows only the samples of the same metric.
func assertMetric(t *testing.T, exposition, want string) {
	t.Helper()
	if strings.Contains(exposition, want) {
		return
	}
	name, _, _ := strings.Cut(want, "{")
	var same []string
	for _, line := range strings.Split(exposition, "\n") {
		if strings.HasPrefix(line, name) {
			same = append(same, line)
		}
	}
	t.Errorf("metrics lack %s; have:\n%s", want, strings.Join(same, "\n"))
}

func scrape(t *testing.T, addr string) string {
	t.Helper()
	res, err := http.Get("http://" + addr + "/metrics")
	require.NoError(t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return string(b)
}

// A 5xx storm: idempotent calls are retried (counted at the processor), the
// breaker opens and fails calls fast, shows in ConnectorService and in
// metrics, and closes through a probe once the processor recovers.
func TestOutageRetriesBreakerAndMetricsOverTheWire(t *testing.T) {
	proc := newFakeProcessor(t)
	proc.setStatus(503)
	cfg := hostConfig(t, "leaky", "faulty")
	cfg.MetricsListen = "127.0.0.1:0"
	cfg.Egress.Retry = config.Retry{MaxAttempts: 2, InitialBackoff: time.Millisecond, MaxBackoff: 2 * time.Millisecond, Budget: time.Minute}
	cfg.Egress.Breaker = config.Breaker{FailureThreshold: 4, OpenFor: 30 * time.Second}
	cfg.Connectors["leaky"] = config.Connector{BaseURL: proc.srv.URL}
	cfg.Connectors["faulty"] = config.Connector{BaseURL: proc.srv.URL}
	clk := &manualClock{now: time.Unix(1_800_000_000, 0)}
	h := launch(t, cfg, app.Options{Now: clk.Now})
	client := connectorhostv1connect.NewPaymentServiceClient(http.DefaultClient, h.base)
	connectors := connectorhostv1connect.NewConnectorServiceClient(http.DefaultClient, h.base)
	ctx := context.Background()
	authorize := func(id, key string) error {
		_, err := client.Authorize(ctx, withHeaders(cardRequest(id), "x-connector", "leaky", "x-connector-auth", leakyAuth(key)))
		return err
	}
	breakerState := func() v1.BreakerState {
		res, err := connectors.GetConnector(ctx, connect.NewRequest(&v1.ConnectorServiceGetConnectorRequest{Name: "leaky"}))
		require.NoError(t, err)
		return res.Msg.GetConnector().GetBreakerState()
	}

	// A request without an idempotency key is sent once.
	err := authorize("no-idempotency", "sk_test_other_tenant_1")
	assert.Equal(t, connect.CodeUnavailable, connect.CodeOf(err))
	assert.Equal(t, int32(1), proc.requests.Load())

	err = authorize("order_1", testAPIKey)
	assert.Equal(t, connect.CodeUnavailable, connect.CodeOf(err), "%v", err)
	assert.Equal(t, int32(3), proc.requests.Load(), "an idempotent request is retried after a 503")
	assert.Equal(t, v1.BreakerState_BREAKER_STATE_CLOSED, breakerState())
	_ = authorize("order_2", testAPIKey)
	assert.Equal(t, int32(5), proc.requests.Load())

	err = authorize("order_3", testAPIKey)
	var ce *connect.Error
	require.True(t, errors.As(err, &ce))
	assert.Equal(t, connect.CodeUnavailable, ce.Code())
	assert.Equal(t, "circuit open for leaky; retry after 30 s", ce.Message())
	assert.Equal(t, "30", ce.Meta().Get("Retry-After"))
	assert.Equal(t, int32(5), proc.requests.Load(), "an open breaker fails fast: nothing is sent")
	assert.Equal(t, v1.BreakerState_BREAKER_STATE_OPEN, breakerState())

	// Other connectors and other credentials have breakers of their own.
	_, err = client.Authorize(ctx, withHeaders(authorizeRequest("order_f"), "x-connector", "faulty", "x-connector-auth", "{}"))
	require.NoError(t, err)
	err = authorize("order_4", "sk_test_other_tenant_1")
	assert.Equal(t, connect.CodeUnavailable, connect.CodeOf(err))
	assert.NotContains(t, err.Error(), "circuit open")

	m := scrape(t, h.host.MetricsAddr())
	for _, want := range []string{
		`connector_host_breaker_state{connector="leaky"} 2`,
		`connector_host_breakers_open{connector="leaky"} 1`,
		`connector_host_breaker_transitions_total{connector="leaky",to="open"} 1`,
		`connector_host_processor_retries_total{connector="leaky",reason="503"} 3`,
		`connector_host_processor_calls_refused_total{connector="leaky",reason="circuit_open"} 1`,
		`connector_host_processor_request_duration_seconds_count{connector="leaky",outcome="5xx"} 7`,
		`connector_host_api_calls_total{code="unavailable",connector="leaky",rpc="Authorize",service="connectorhost.v1.PaymentService"} 5`,
		`connector_host_api_calls_total{code="ok",connector="faulty",rpc="Authorize",service="connectorhost.v1.PaymentService"} 1`,
		`connector_host_wasm_transform_duration_seconds_count{export="connector_build_request",plugin="leaky",result="ok"}`,
		`connector_host_wasm_instances{plugin="leaky"}`,
		`connector_host_plugin_loads_total{connector="leaky",kind="loaded"}`,
	} {
		assertMetric(t, m, want)
	}

	// The processor recovers; after open_for one probe closes the breaker.
	proc.setStatus(200)
	clk.Advance(29 * time.Second)
	err = authorize("order_5", testAPIKey)
	assert.Contains(t, err.Error(), "circuit open for leaky; retry after 1 s")
	clk.Advance(time.Second)
	require.NoError(t, authorize("order_6", testAPIKey))
	assert.Equal(t, v1.BreakerState_BREAKER_STATE_CLOSED, breakerState())
	assertMetric(t, scrape(t, h.host.MetricsAddr()), `connector_host_breaker_state{connector="leaky"} 0`)

	// A caller-chosen x-connector cannot grow the metrics' label set.
	_, _ = client.Authorize(ctx, withHeaders(authorizeRequest("o"), "x-connector", "made_up_name", "x-connector-auth", "{}"))
	m = scrape(t, h.host.MetricsAddr())
	assert.False(t, strings.Contains(m, "made_up_name"), "a caller's x-connector value became a label")
	assertMetric(t, m, `connector_host_api_calls_total{code="not_found",connector="unknown",rpc="Authorize",service="connectorhost.v1.PaymentService"} 1`)
}

func TestProcessorMisbehaviourOverTheWire(t *testing.T) {
	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		<-r.Context().Done()
	}))
	defer hang.Close()
	var resets atomic.Int32
	reset := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		resets.Add(1)
		io.Copy(io.Discard, r.Body)
		if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
			conn.(*net.TCPConn).SetLinger(0)
			conn.Close()
		}
	}))
	defer reset.Close()
	huge := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		chunk := bytes.Repeat([]byte("y"), 64<<10)
		for i := 0; i < 512; i++ {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	}))
	defer huge.Close()
	closedLn, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	refused := "http://" + closedLn.Addr().String()
	closedLn.Close()

	cases := []struct {
		base     string
		egress   config.EgressPolicy
		code     connect.Code
		contains string
	}{
		{hang.URL, config.EgressPolicy{TotalTimeout: 200 * time.Millisecond, Retry: config.Retry{MaxAttempts: 1}}, connect.CodeDeadlineExceeded, "processor did not answer in time (200ms); the processor may have acted on it"},
		{reset.URL, config.EgressPolicy{Retry: config.Retry{MaxAttempts: 3, InitialBackoff: time.Millisecond}}, connect.CodeUnavailable, "the connection to the processor failed during the call; the processor may have acted on it: retry with the same merchant id (it is the idempotency key) or read the status with a Get (after 3 attempts)"},
		{refused, config.EgressPolicy{Retry: config.Retry{MaxAttempts: 2, InitialBackoff: time.Millisecond}}, connect.CodeUnavailable, "could not connect to the processor: connection refused (after 2 attempts)"},
	}
	for _, tc := range cases {
		cfg := hostConfig(t, "faulty")
		cfg.Connectors["faulty"] = config.Connector{BaseURL: tc.base, Egress: tc.egress}
		h := launch(t, cfg, app.Options{})
		client := connectorhostv1connect.NewPaymentServiceClient(http.DefaultClient, h.base)
		_, err := client.Authorize(context.Background(), withHeaders(authorizeRequest("order_x"), "x-connector", "faulty", "x-connector-auth", "{}"))
		assert.Equal(t, tc.code, connect.CodeOf(err), "%s: %v", tc.base, err)
		assert.Contains(t, err.Error(), tc.contains)
		require.NoError(t, h.stop())
	}
	assert.Equal(t, int32(3), resets.Load(), "faulty's Authorize carries an idempotency key: retried after resets")

	// A huge answer is cut at max_response_bytes before the plugin sees it.
	cfg := hostConfig(t, "faulty")
	cfg.Connectors["faulty"] = config.Connector{BaseURL: huge.URL, Egress: config.EgressPolicy{MaxResponseBytes: 4096}}
	h := launch(t, cfg, app.Options{})
	res, err := connectorhostv1connect.NewPaymentServiceClient(http.DefaultClient, h.base).Authorize(context.Background(),
		withHeaders(authorizeRequest("order_huge"), "x-connector", "faulty", "x-connector-auth", "{}"))
	require.NoError(t, err)
	assert.Len(t, res.Msg.GetConnectorTransactionId(), 4096)
}

// Named accounts take their secrets from the environment; callers name the
// account and never hold the key.
func TestNamedAccountWithSecretFromEnvironment(t *testing.T) {
	proc := newFakeProcessor(t)
	path := filepath.Join(t.TempDir(), "config.yaml")
	require.NoError(t, os.WriteFile(path, []byte(fmt.Sprintf(`
listen: 127.0.0.1:0
plugins_dir: %s
cache_dir: %s
connectors:
  leaky: {base_url: %s}
accounts:
  - name: leaky-main
    connector: leaky
    credentials: {api_key: "${LEAKY_API_KEY}"}
  - name: faulty-main
    connector: faulty
    credentials: {note: "belongs to another connector"}
`, pluginDir(t, "leaky", "faulty"), t.TempDir(), proc.srv.URL)), 0o600))
	_, err := config.Load(path, nil)
	require.ErrorContains(t, err, "accounts[0].credentials.api_key: environment variable LEAKY_API_KEY is not set")
	cfg, err := config.Load(path, []string{"LEAKY_API_KEY=sk_test_from_env_0123456789", "CONNECTOR_HOST_LOG_LEVEL=debug"})
	require.NoError(t, err)
	h := launch(t, cfg, app.Options{})
	client := connectorhostv1connect.NewPaymentServiceClient(http.DefaultClient, h.base)
	ctx := context.Background()

	res, err := client.Authorize(ctx, withHeaders(cardRequest("order_acct"), "x-connector", "leaky", "x-connector-account", "leaky-main"))
	require.NoError(t, err)
	assert.Equal(t, "pay_order_acct", res.Msg.GetConnectorTransactionId())
	assert.Equal(t, []string{"Bearer sk_test_from_env_0123456789"}, proc.sawAuth())

	_, err = client.Authorize(ctx, withHeaders(cardRequest("o2"), "x-connector", "leaky", "x-connector-account", "faulty-main"))
	assert.Equal(t, connect.CodePermissionDenied, connect.CodeOf(err))
	_, err = client.Authorize(ctx, withHeaders(cardRequest("o3"), "x-connector", "leaky", "x-connector-account", "nope"))
	assert.Equal(t, connect.CodeUnauthenticated, connect.CodeOf(err))
	_, err = client.Authorize(ctx, withHeaders(cardRequest("o4"), "x-connector", "leaky", "x-connector-account", "leaky-main", "x-connector-auth", leakyAuth(testAPIKey)))
	assert.Equal(t, connect.CodeInvalidArgument, connect.CodeOf(err))
	assert.Len(t, proc.sawAuth(), 1)
}

// syncBuffer is a bytes.Buffer safe for concurrent writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// No card number, CVC, credential or webhook secret appears in any log
// line (at debug level) or any error, whatever the plugin and the processor
// do with them.
func TestSecretsNeverReachLogsOrErrors(t *testing.T) {
	proc := newFakeProcessor(t)
	cfg := hostConfig(t, "leaky", "faulty")
	cfg.LogLevel = "debug"
	cfg.Connectors["leaky"] = config.Connector{BaseURL: proc.srv.URL}
	cfg.Connectors["faulty"] = config.Connector{BaseURL: proc.srv.URL}
	cfg.Egress.Retry.InitialBackoff = time.Millisecond
	logs := &syncBuffer{}
	log := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	h := launch(t, cfg, app.Options{Logger: log})
	client := connectorhostv1connect.NewPaymentServiceClient(http.DefaultClient, h.base)
	events := connectorhostv1connect.NewEventServiceClient(http.DefaultClient, h.base)
	ctx := context.Background()

	var errs []error
	n := 0
	authorize := func(connector, id, creds string) {
		n++
		_, err := client.Authorize(ctx, withHeaders(cardRequest(id), "x-connector", connector, "x-connector-auth", creds, "x-request-id", fmt.Sprintf("rid-secrets-%d", n)))
		if err != nil {
			errs = append(errs, err)
		}
	}
	authorize("leaky", "order_ok", leakyAuth(testAPIKey))  // succeeds
	authorize("leaky", "leak-path", leakyAuth(testAPIKey)) // card number, CVC and key in the URL path; succeeds
	authorize("leaky", "echo", leakyAuth(testAPIKey))      // the plugin returns the processor's echo: the PDK masks it; succeeds
	proc.setStatus(402)
	authorize("leaky", "order_declined", leakyAuth(testAPIKey)) // the plugin quotes the echo and the key
	proc.setStatus(503)
	authorize("leaky", "order_down", leakyAuth(testAPIKey)) // retried, then quoted
	proc.setStatus(200)
	authorize("faulty", "order_faulty", "{}")
	authorize("faulty", "trap", "{}")                                                         // a plugin crash
	authorize("leaky", "order_typo", `{"api_kye":"`+testAPIKey+`"}`)                          // a credential typo
	authorize("leaky", "order_bad_json", `{"api_key":"`+testAPIKey+`", "webhook_secret": 7}`) // malformed credentials
	authorize("leaky", "order_unknown_account", "")                                           // no credentials
	bad := cardRequest("order_bad_currency")
	bad.Amount.Currency = "XYZ"
	_, err := client.Authorize(ctx, withHeaders(bad, "x-connector", "leaky", "x-connector-auth", leakyAuth(testAPIKey)))
	errs = append(errs, err)

	body := []byte(`{"id":"evt_1","ref":"order_ok"}`)
	webhook := func(sig string) error {
		_, err := events.HandleEvent(ctx, withHeaders(&v1.EventServiceHandleEventRequest{Webhook: &v1.WebhookRequest{
			Method: "POST", Url: "https://merchant.example/hooks", Body: body,
			Headers: []*v1.HttpHeader{{Name: "X-Signature", Value: sig}},
		}}, "x-connector", "leaky", "x-connector-auth", leakyAuth(testAPIKey)))
		return err
	}
	errs = append(errs, webhook("deadbeef")) // the plugin quotes the webhook secret
	mac := hmacHex(testWebhookSK, body)
	require.NoError(t, webhook(mac))

	// The secrets did flow through the host: the processor got them.
	assert.Contains(t, proc.sawAuth(), "Bearer "+testAPIKey)
	assert.Contains(t, proc.sawBodies()[0], testPAN)
	assert.Contains(t, proc.sawBodies()[0], `"cvc":"`+testCVC+`"`)
	proc.mu.Lock()
	assert.Contains(t, proc.paths, "/v1/leak/"+testPAN+"/"+testCVC+"/"+testAPIKey, "the plugin put them in the path")
	proc.mu.Unlock()

	require.Len(t, errs, 8)
	cvc := regexp.MustCompile(`(^|[^0-9])` + testCVC + `([^0-9]|$)`)
	redacted := 0
	for _, err := range errs {
		require.Error(t, err)
		var ce *connect.Error
		require.True(t, errors.As(err, &ce))
		texts := []string{ce.Error()}
		for _, d := range ce.Details() {
			if v, derr := d.Value(); derr == nil {
				b, _ := json.Marshal(v)
				texts = append(texts, string(b))
			}
		}
		for _, text := range texts {
			for _, secret := range []string{testPAN, testAPIKey, testWebhookSK} {
				assert.NotContains(t, text, secret, "error %q", text)
			}
			assert.False(t, cvc.MatchString(text), "error %q has the CVC", text)
			if strings.Contains(text, "[redacted]") || strings.Contains(text, "*****") {
				redacted++
			}
		}
	}
	assert.GreaterOrEqual(t, redacted, 3, "the plugin's attempts to quote secrets were redacted (by the PDK's masks or the host's [redacted])")

	lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
	require.Greater(t, len(lines), 20)
	cvcInLog := regexp.MustCompile(`(?i)cvc\W{0,4}` + testCVC)
	calls := 0
	for _, line := range lines {
		for _, secret := range []string{testPAN, testAPIKey, testWebhookSK} {
			assert.NotContains(t, line, secret)
		}
		assert.False(t, cvcInLog.MatchString(line), "log line %s", line)
		var rec map[string]any
		require.NoError(t, json.Unmarshal([]byte(line), &rec), line)
		for k, v := range rec {
			assert.NotEqual(t, testCVC, v, "log attribute %s is the CVC", k)
		}
		switch rec["msg"] {
		case "call", "processor call", "processor call failed", "retrying processor call", "flow", "webhook":
			calls++
			assert.Regexp(t, `^rid-secrets-\d+$|^req_[0-9a-f]+$`, rec["request_id"], "every line of a call has its request id: %s", line)
		}
	}
	assert.Greater(t, calls, 20)
	assert.Contains(t, logs.String(), `"request_id":"rid-secrets-4"`)
	assert.Contains(t, logs.String(), `"msg":"retrying processor call"`)
}

func hmacHex(secret string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return hex.EncodeToString(mac.Sum(nil))
}

// Past the drain deadline, calls still in flight are canceled and the host
// stops; it does not wait for a processor that never answers.
func TestDrainDeadlineCancelsCallsInFlight(t *testing.T) {
	proc := newFakeProcessor(t)
	proc.hold = func(body string) bool { return body == "slow" }
	cfg := hostConfig(t, "faulty")
	cfg.Connectors["faulty"] = config.Connector{BaseURL: proc.srv.URL}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	h, err := app.New(ctx, cfg, app.Options{})
	require.NoError(t, err)
	done := make(chan error, 1)
	go func() { done <- h.Serve(ctx, 200*time.Millisecond) }()
	require.NoError(t, h.Registry().WaitLoaded(ctx))
	client := connectorhostv1connect.NewPaymentServiceClient(&http.Client{Transport: &http.Transport{}}, "http://"+h.Addr())
	inflight := make(chan error, 1)
	go func() {
		_, err := client.Authorize(context.Background(), withHeaders(authorizeRequest("slow"), "x-connector", "faulty", "x-connector-auth", "{}"))
		inflight <- err
	}()
	<-proc.arrived
	start := time.Now()
	cancel()
	select {
	case err := <-done:
		require.Error(t, err)
		assert.Contains(t, err.Error(), "drain: context deadline exceeded")
	case <-time.After(20 * time.Second):
		t.Fatal("Serve waited for a call past its drain deadline")
	}
	assert.Less(t, time.Since(start), 10*time.Second)
	select {
	case err := <-inflight:
		require.Error(t, err, "the abandoned call fails")
	case <-time.After(20 * time.Second):
		t.Fatal("the call in flight was not ended")
	}
	assert.Equal(t, int32(1), proc.requests.Load(), "a canceled call is not retried")
}
