// Package app assembles a connector host from its configuration: the Wasm
// engine, the plugin registry (watching the plugin directory), the egress
// client, the executor and the API server, and runs it until its context
// ends, then drains in-flight calls.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/connectorhost/connector-host/host/config"
	"github.com/connectorhost/connector-host/host/egress"
	"github.com/connectorhost/connector-host/host/executor"
	"github.com/connectorhost/connector-host/host/registry"
	"github.com/connectorhost/connector-host/host/runtime"
	"github.com/connectorhost/connector-host/host/server"
)

// Host is a running connector host.
type Host struct {
	cfg      *config.Config
	log      *slog.Logger
	engine   *runtime.Engine
	registry *registry.Registry
	handler  http.Handler
	ln       net.Listener
	srv      *http.Server
}

// Options are what tests and the command add to the configuration.
type Options struct {
	Logger *slog.Logger
	// Gate, when set, must pass before a plugin version serves.
	Gate registry.Gate
	// OnPluginEvent observes plugin loads (tests wait on it).
	OnPluginEvent func(registry.Event)
}

// New builds a host from cfg and binds its listener (so Addr is known before Serve).
func New(ctx context.Context, cfg *config.Config, opts Options) (*Host, error) {
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
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
	engine, err := runtime.NewEngine(runtime.Options{
		CacheDir: codeDir, Logger: log,
		Limits: runtime.Limits{MemoryBytes: uint64(cfg.Plugins.MemoryMiB) << 20, CallTimeout: cfg.Plugins.CallTimeout, PoolSize: cfg.Plugins.PoolSize},
	})
	if err != nil {
		return nil, err
	}
	reg, err := registry.New(ctx, registry.Options{
		Dir: cfg.PluginsDir, Engine: engine, CacheDir: cacheDir, Logger: log, Eager: cfg.EagerPlugins,
		Gate: opts.Gate, OnEvent: opts.OnPluginEvent,
	})
	if err != nil {
		_ = engine.Close(ctx)
		return nil, err
	}
	if err := reg.Watch(ctx); err != nil {
		reg.Close()
		_ = engine.Close(ctx)
		return nil, err
	}
	baseURLs := cfg.BaseURLs()
	x := executor.New(executor.Options{
		Registry: reg, Sender: egress.New(egress.Options{}), BaseURLs: baseURLs,
		Config: cfg.Settings(), Accounts: cfg.AccountLookup(), Logger: log,
	})
	h := server.New(server.Options{Executor: x, Registry: reg, BaseURLs: baseURLs, Logger: log})
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		reg.Close()
		_ = engine.Close(ctx)
		return nil, fmt.Errorf("listen: %w", err)
	}
	protocols := new(http.Protocols)
	protocols.SetHTTP1(true)
	protocols.SetUnencryptedHTTP2(true)
	srv := &http.Server{
		Handler: h, Protocols: protocols,
		ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 120 * time.Second,
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	return &Host{cfg: cfg, log: log, engine: engine, registry: reg, handler: h, ln: ln, srv: srv}, nil
}

// Addr is the address the API listens on.
func (h *Host) Addr() string { return h.ln.Addr().String() }

// Registry is the host's plugin registry.
func (h *Host) Registry() *registry.Registry { return h.registry }

// Serve serves until ctx ends, then stops accepting, waits up to drain for
// in-flight calls to finish, and releases every plugin.
func (h *Host) Serve(ctx context.Context, drain time.Duration) error {
	errc := make(chan error, 1)
	go func() { errc <- h.srv.Serve(h.ln) }()
	h.log.Info("connector host serving", "addr", h.Addr(), "plugins_dir", h.cfg.PluginsDir)
	var serveErr error
	select {
	case serveErr = <-errc:
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), drain)
	defer cancel()
	shutErr := h.srv.Shutdown(sctx)
	h.registry.Close()
	_ = h.engine.Close(context.Background())
	if serveErr != nil && !errors.Is(serveErr, http.ErrServerClosed) {
		return serveErr
	}
	if shutErr != nil {
		return fmt.Errorf("drain: %w", shutErr)
	}
	return nil
}
