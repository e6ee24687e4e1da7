// Package app assembles a connector host from its configuration: the Wasm
// engine, the plugin registry (watching the plugin directory), the egress
// client with its circuit breakers, the executor, the API server with its
// interceptors (tracing, metrics, API keys, limits), the optional metrics
// server, and runs it until its context ends, then drains in-flight calls.
package app

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	"connectrpc.com/connect"
	"connectrpc.com/otelconnect"
	"go.opentelemetry.io/otel/trace"

	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/host/auth"
	"github.com/connectorhost/connector-host/host/breaker"
	"github.com/connectorhost/connector-host/host/config"
	"github.com/connectorhost/connector-host/host/egress"
	"github.com/connectorhost/connector-host/host/executor"
	"github.com/connectorhost/connector-host/host/logging"
	"github.com/connectorhost/connector-host/host/metrics"
	"github.com/connectorhost/connector-host/host/registry"
	"github.com/connectorhost/connector-host/host/sandbox"
	"github.com/connectorhost/connector-host/host/server"
	"github.com/connectorhost/connector-host/host/tracing"
)

// bodyReadTimeout bounds how long a request body may take to arrive after
// its headers (which ReadHeaderTimeout bounds). It is not http.Server's
// ReadTimeout: on HTTP/1.1 that deadline stays set while the handler runs,
// and its expiry cancels calls that wait on a slow processor.
const bodyReadTimeout = 30 * time.Second

// Host is a running connector host.
type Host struct {
	cfg       *config.Config
	log       *slog.Logger
	engine    *sandbox.Engine
	registry  *registry.Registry
	egress    *egress.Client
	breakers  *breaker.Set
	metrics   *metrics.Metrics
	tracing   *tracing.Provider
	handler   http.Handler
	ln        net.Listener
	srv       *http.Server
	tls       bool
	metricsLn net.Listener
	metricsSv *http.Server
	draining  atomic.Bool
	// started: every plugin file present at start has finished its first load.
	started atomic.Bool
	// cancelCalls cancels every call's context: past the drain deadline,
	// calls still in flight are abandoned rather than waited for.
	cancelCalls context.CancelFunc
}

// ready reports whether the host should receive traffic: not draining, and
// every plugin file's first load at start-up has ended (ready or failed).
func (h *Host) ready() bool {
	if h.draining.Load() {
		return false
	}
	if h.started.Load() {
		// A plugin file added later loads beside the serving ones (bounded
		// by the load deadline) without taking the host out of rotation.
		return true
	}
	for _, info := range h.registry.List() {
		if info.State == registry.StateLoading {
			return false
		}
	}
	h.started.Store(true)
	return true
}

// Options are what tests, the command and embedders add to the configuration.
type Options struct {
	Logger *slog.Logger
	// Gate, when set, must pass before a plugin version serves.
	Gate registry.Gate
	// GateKey names the gate's settings; a pass is remembered per module
	// hash and GateKey (see registry.Options).
	GateKey string
	// OnPluginEvent observes plugin loads (tests wait on it).
	OnPluginEvent func(registry.Event)
	// TracerProvider, when set, replaces the one built from cfg.Tracing (an
	// embedder's own exporter). The host does not shut it down.
	TracerProvider trace.TracerProvider
	// Now is the circuit breakers' clock (default time.Now); tests drive it.
	Now func() time.Time
	// OnDrain is called when shutdown starts: the listener is closed and
	// in-flight calls are draining.
	OnDrain func()
	// Version names the build in spans.
	Version string
}

// New builds a host from cfg and binds its listeners (so Addr is known before Serve).
func New(ctx context.Context, cfg *config.Config, opts Options) (h *Host, err error) {
	base := opts.Logger
	if base == nil {
		base = slog.New(slog.DiscardHandler)
	}
	log := slog.New(logging.NewHandler(base.Handler()))
	var cleanups []func()
	defer func() {
		if err != nil {
			for i := len(cleanups) - 1; i >= 0; i-- {
				cleanups[i]()
			}
		}
	}()

	cacheDir := cfg.CacheDir
	if cacheDir == "" {
		if d, err := os.UserCacheDir(); err == nil {
			cacheDir = filepath.Join(d, "connector-host")
		}
	}
	var codeDir string
	if cacheDir != "" {
		codeDir = filepath.Join(cacheDir, "code")
		if err := os.MkdirAll(codeDir, 0o755); err != nil {
			return nil, fmt.Errorf("cache_dir: %w", err)
		}
	}
	m := metrics.New()
	engine, err := sandbox.NewEngine(sandbox.Options{
		CacheDir: codeDir, Logger: log, Observer: m,
		Limits: sandbox.Limits{MemoryBytes: uint64(cfg.Plugins.MemoryMiB) << 20, CallTimeout: cfg.Plugins.CallTimeout, PoolSize: cfg.Plugins.PoolSize, LoadTimeout: cfg.Plugins.LoadTimeout},
	})
	if err != nil {
		return nil, err
	}
	cleanups = append(cleanups, func() { _ = engine.Close(context.WithoutCancel(ctx)) })
	reg, err := registry.New(ctx, registry.Options{
		Dir: cfg.PluginsDir, Engine: engine, CacheDir: cacheDir, Logger: log, Eager: cfg.EagerPlugins, IdleTimeout: cfg.Plugins.IdleTimeout,
		Gate: opts.Gate, GateKey: opts.GateKey, TrustedKeys: cfg.Plugins.PublicKeys(), OnEvent: func(ev registry.Event) {
			m.PluginEvent(ev)
			if opts.OnPluginEvent != nil {
				opts.OnPluginEvent(ev)
			}
		},
	})
	if err != nil {
		return nil, err
	}
	cleanups = append(cleanups, reg.Close)
	if err := reg.Watch(ctx); err != nil {
		return nil, err
	}

	tp := &tracing.Provider{TracerProvider: opts.TracerProvider, Shutdown: func(context.Context) error { return nil }}
	if opts.TracerProvider == nil {
		if tp, err = tracing.New(ctx, cfg.Tracing, opts.Version); err != nil {
			return nil, err
		}
	}
	cleanups = append(cleanups, func() { _ = tp.Shutdown(context.WithoutCancel(ctx)) })

	breakers := breaker.NewSet(breaker.Options{
		Now: opts.Now,
		Settings: func(connector string) breaker.Settings {
			b := cfg.ConnectorEgress(connector).Breaker
			return breaker.Settings{FailureThreshold: b.FailureThreshold, OpenFor: b.OpenFor}
		},
		OnTransition: func(connector, tenant string, from, to breaker.State) {
			m.BreakerTransition(connector, tenant, from, to)
			level := slog.LevelWarn
			if to == breaker.Closed {
				level = slog.LevelInfo
			}
			log.LogAttrs(context.Background(), level, "circuit breaker", slog.String("connector", connector),
				slog.String("tenant", tenant), slog.String("from", from.String()), slog.String("to", to.String()))
		},
	})
	m.WatchBreakers(breakers)
	eopts, err := egressOptions(cfg)
	if err != nil {
		return nil, err
	}
	eopts.Breakers, eopts.Observer, eopts.Logger, eopts.TracerProvider = breakers, m, log, tp
	eg := egress.New(eopts)
	cleanups = append(cleanups, eg.Close)

	baseURLs := cfg.BaseURLs()
	x := executor.New(executor.Options{
		Registry: reg, Sender: eg, BaseURLs: baseURLs,
		Config: cfg.Settings(), Accounts: cfg.AccountLookup(), Logger: log, TracerProvider: tp,
	})
	otel, err := otelconnect.NewInterceptor(otelconnect.WithTracerProvider(tp), otelconnect.WithPropagator(tracing.Propagator()),
		otelconnect.WithoutMetrics(), otelconnect.WithTrustRemote())
	if err != nil {
		return nil, fmt.Errorf("tracing: %w", err)
	}
	keys := auth.New(cfg.APIKeyHashes())
	known := func(name string) bool { _, ok := reg.Get(name); return ok }
	h = &Host{cfg: cfg, log: log, engine: engine, registry: reg, egress: eg, breakers: breakers, metrics: m, tracing: tp}
	h.handler = server.New(server.Options{
		Executor: x, Registry: reg, BaseURLs: baseURLs, Logger: log,
		Interceptors:       []connect.Interceptor{otel, m.Interceptor(known), keys.Interceptor()},
		ConnectorStatus:    h.connectorStatus,
		ReadMaxBytes:       cfg.Limits.MaxRequestBytes,
		BodyReadTimeout:    bodyReadTimeout,
		MaxConcurrentCalls: cfg.Limits.MaxConcurrentCalls,
		Ready:              h.ready,
	})

	protocols := new(http.Protocols)
	protocols.SetHTTP1(true)
	var tlsCfg *tls.Config
	if cfg.TLS.CertFile != "" {
		if tlsCfg, err = serverTLS(cfg.TLS); err != nil {
			return nil, err
		}
		protocols.SetHTTP2(true)
	} else {
		protocols.SetUnencryptedHTTP2(true)
	}
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return nil, fmt.Errorf("listen: %w", err)
	}
	cleanups = append(cleanups, func() { ln.Close() })
	h.ln, h.tls = ln, tlsCfg != nil
	callsCtx, cancelCalls := context.WithCancel(context.WithoutCancel(ctx))
	h.cancelCalls = cancelCalls
	cleanups = append(cleanups, cancelCalls)
	h.srv = &http.Server{
		Handler: h.handler, Protocols: protocols, TLSConfig: tlsCfg,
		BaseContext:       func(net.Listener) context.Context { return callsCtx },
		ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 120 * time.Second, MaxHeaderBytes: 1 << 20,
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	if opts.OnDrain != nil {
		h.srv.RegisterOnShutdown(opts.OnDrain)
	}
	if cfg.MetricsListen != "" {
		mln, err := net.Listen("tcp", cfg.MetricsListen)
		if err != nil {
			return nil, fmt.Errorf("metrics_listen: %w", err)
		}
		mux := http.NewServeMux()
		mux.Handle("GET /metrics", m.Handler())
		h.metricsLn = mln
		h.metricsSv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, ErrorLog: h.srv.ErrorLog}
	}
	if !keys.Enabled() {
		if host, _, _ := net.SplitHostPort(cfg.Listen); !isLoopback(host) {
			log.Warn("no api_keys configured: the API is open to anyone who can reach " + cfg.Listen)
		}
	}
	return h, nil
}

// egressOptions turns the configuration's egress policy into the client's options.
func egressOptions(cfg *config.Config) (egress.Options, error) {
	opts := egress.Options{
		Defaults:            egressSettings(cfg.Egress.EgressPolicy),
		Connectors:          map[string]egress.Settings{},
		MaxIdleConnsPerHost: cfg.Egress.MaxIdleConnsPerHost,
	}
	for name := range cfg.Connectors {
		opts.Connectors[name] = egressSettings(cfg.ConnectorEgress(name))
	}
	if cfg.Egress.Proxy != "" {
		u, err := url.Parse(cfg.Egress.Proxy)
		if err != nil {
			return opts, errors.New("egress.proxy: not a URL")
		}
		opts.Proxy = u
	}
	if cfg.Egress.CAFile != "" {
		b, err := os.ReadFile(cfg.Egress.CAFile)
		if err != nil {
			return opts, fmt.Errorf("egress.ca_file: %w", err)
		}
		if opts.RootCAs, err = egress.RootCAsFromPEM(b); err != nil {
			return opts, fmt.Errorf("egress.ca_file: %w", err)
		}
	}
	return opts, nil
}

func egressSettings(p config.EgressPolicy) egress.Settings {
	return egress.Settings{
		Timeouts:         egress.Timeouts{Connect: p.ConnectTimeout, TLS: p.TLSTimeout, Total: p.TotalTimeout},
		MaxResponseBytes: p.MaxResponseBytes,
		Retry:            egress.RetryPolicy{MaxAttempts: p.Retry.MaxAttempts, InitialBackoff: p.Retry.InitialBackoff, MaxBackoff: p.Retry.MaxBackoff, Budget: p.Retry.Budget},
	}
}

// serverTLS loads the API's certificate and, when set, the client CA.
func serverTLS(c config.TLS) (*tls.Config, error) {
	cert, err := tls.LoadX509KeyPair(c.CertFile, c.KeyFile)
	if err != nil {
		return nil, fmt.Errorf("tls.cert_file/tls.key_file: %w", err)
	}
	out := &tls.Config{MinVersion: tls.VersionTLS12, Certificates: []tls.Certificate{cert}}
	if c.ClientCAFile != "" {
		b, err := os.ReadFile(c.ClientCAFile)
		if err != nil {
			return nil, fmt.Errorf("tls.client_ca_file: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(b) {
			return nil, errors.New("tls.client_ca_file: no PEM certificate found")
		}
		out.ClientCAs, out.ClientAuth = pool, tls.RequireAndVerifyClientCert
	}
	return out, nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// connectorStatus reports a connector's breaker state to ConnectorService.
func (h *Host) connectorStatus(name string) server.ConnectorStatus {
	st := v1.BreakerState_BREAKER_STATE_CLOSED
	switch h.breakers.State(name) {
	case breaker.Open:
		st = v1.BreakerState_BREAKER_STATE_OPEN
	case breaker.HalfOpen:
		st = v1.BreakerState_BREAKER_STATE_HALF_OPEN
	}
	info, _ := h.registry.Get(name)
	return server.ConnectorStatus{BreakerState: int32(st), ConformancePassed: info.ConformancePassed}
}

// Addr is the address the API listens on.
func (h *Host) Addr() string { return h.ln.Addr().String() }

// MetricsAddr is the address /metrics is served on, "" when off.
func (h *Host) MetricsAddr() string {
	if h.metricsLn == nil {
		return ""
	}
	return h.metricsLn.Addr().String()
}

// Registry is the host's plugin registry.
func (h *Host) Registry() *registry.Registry { return h.registry }

// Serve serves until ctx ends, then stops accepting connections, waits up
// to drain for in-flight calls to finish, cancels those still running, and
// releases every plugin, pooled connection and exporter.
func (h *Host) Serve(ctx context.Context, drain time.Duration) error {
	errc := make(chan error, 2)
	go func() {
		if h.tls {
			errc <- h.srv.ServeTLS(h.ln, "", "")
		} else {
			errc <- h.srv.Serve(h.ln)
		}
	}()
	if h.metricsSv != nil {
		go func() { errc <- h.metricsSv.Serve(h.metricsLn) }()
	}
	go func() {
		// The plugin files present now are the start-up set /readyz waits for.
		if h.registry.WaitLoaded(ctx) == nil {
			h.started.Store(true)
		}
	}()
	h.log.Info("connector host serving", "addr", h.Addr(), "tls", h.tls, "metrics_addr", h.MetricsAddr(), "plugins_dir", h.cfg.PluginsDir)
	var serveErr error
	select {
	case serveErr = <-errc:
	case <-ctx.Done():
	}
	h.draining.Store(true)
	h.log.Info("connector host draining", "timeout", drain)
	sctx, cancel := context.WithTimeout(context.Background(), drain)
	defer cancel()
	shutErr := h.srv.Shutdown(sctx)
	if shutErr != nil {
		// The drain deadline passed: fail the calls still in flight (their
		// callers see Canceled) instead of waiting for them.
		h.log.Warn("drain deadline passed; canceling calls in flight", "timeout", drain)
		h.cancelCalls()
		_ = h.srv.Close()
	}
	h.cancelCalls()
	if h.metricsSv != nil {
		_ = h.metricsSv.Shutdown(sctx)
	}
	h.registry.Close()
	_ = h.engine.Close(context.Background())
	h.egress.Close()
	_ = h.tracing.Shutdown(sctx)
	if serveErr != nil && !errors.Is(serveErr, http.ErrServerClosed) {
		return serveErr
	}
	if shutErr != nil {
		return fmt.Errorf("drain: %w", shutErr)
	}
	h.log.Info("connector host stopped")
	return nil
}
