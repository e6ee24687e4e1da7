package connectors

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/connectorhost/connector-host/host/app"
	"github.com/connectorhost/connector-host/host/config"
)

// LocalOptions configure the in-process connector host.
type LocalOptions struct {
	// PluginsDir holds the NAME.wasm plugins.
	PluginsDir string
	// CacheDir keeps compiled plugin code across restarts ("" = the host's default).
	CacheDir string
	// BaseURLs point connectors at other endpoints (a mock processor), as
	// the host's --base-url does.
	BaseURLs map[string]string
	// Logger receives the host's logs.
	Logger *slog.Logger
}

// Local is a connector host running inside the platform's process, on a
// loopback port.
type Local struct {
	host *app.Host
	url  string
	done chan error
	stop context.CancelFunc
}

// StartLocal starts a connector host over opts.PluginsDir, listening on an
// ephemeral loopback port, and returns once it accepts calls.
func StartLocal(ctx context.Context, opts LocalOptions) (*Local, error) {
	cfg := config.Default()
	cfg.Listen = "127.0.0.1:0"
	cfg.PluginsDir = opts.PluginsDir
	cfg.CacheDir = opts.CacheDir
	cfg.DrainTimeout = 5 * time.Second
	for name, u := range opts.BaseURLs {
		c := cfg.Connectors[name]
		c.BaseURL = u
		cfg.Connectors[name] = c
	}
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("in-process connector host: %w", err)
	}
	h, err := app.New(ctx, cfg, app.Options{Logger: opts.Logger})
	if err != nil {
		return nil, fmt.Errorf("in-process connector host: %w", err)
	}
	sctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	l := &Local{host: h, url: "http://" + h.Addr(), done: make(chan error, 1), stop: cancel}
	go func() { l.done <- h.Serve(sctx, cfg.DrainTimeout) }()
	return l, nil
}

// URL is the host's base URL.
func (l *Local) URL() string { return l.url }

// WaitLoaded blocks until the host has finished loading each plugin
// present when it started (its manifest served), or ctx ends.
func (l *Local) WaitLoaded(ctx context.Context) error {
	return l.host.Registry().WaitLoaded(ctx)
}

// Close stops the host, draining calls in flight.
func (l *Local) Close() error {
	l.stop()
	return <-l.done
}
