// Package app assembles the payments platform: the database (migrated at
// start), the connector hosts (in-process over a plugin directory, and any
// remote host a connector names), the domain service, the outbound webhook
// dispatcher and the REST API, and serves them until its context ends.
package app

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/connectorhost/connector-host/platform/api"
	"github.com/connectorhost/connector-host/platform/connectors"
	"github.com/connectorhost/connector-host/platform/payments"
	"github.com/connectorhost/connector-host/platform/secrets"
	"github.com/connectorhost/connector-host/platform/store"
	"github.com/connectorhost/connector-host/platform/webhooks"
)

// Config is what the platform needs to start.
type Config struct {
	// Listen is the API's address.
	Listen string
	// DatabaseURL is a SQLite path ("sqlite:PATH") or a postgres:// URL.
	DatabaseURL string
	// EncryptionKeys is the secrets keyring (secrets.EnvKeys format).
	EncryptionKeys string
	// PluginsDir, when set, runs an in-process connector host over it.
	PluginsDir string
	// PluginCacheDir keeps compiled plugins across restarts.
	PluginCacheDir string
	// BaseURLs point the in-process host's connectors elsewhere (name → URL).
	BaseURLs map[string]string
	// Webhooks tune outbound delivery.
	Webhooks webhooks.DispatcherOptions
	// Lease is how long a claimed intent stays processing before a retry may re-drive it.
	Lease time.Duration
	// ConnectorTimeout bounds each call to a connector host (default 60 s).
	ConnectorTimeout time.Duration
	// Resolve tunes the background resolver, which resends each connector
	// call without a definite answer (same request, same idempotency key,
	// same connector) until the processor answers: first after 30 s, then
	// doubling up to 1 h, looking every 10 s, 20 intents and 20 refunds a
	// pass (the defaults).
	Resolve payments.ResolveOptions
	// RateLimit is each API key's requests per second (0: unlimited), RateBurst its burst.
	RateLimit float64
	RateBurst int
	Logger    *slog.Logger
}

// Option adds to the platform.
type Option func(*App)

// WithHandler mounts h at pattern (a net/http ServeMux pattern, e.g.
// "/v1/tzero/"), beside the payments API.
func WithHandler(pattern string, h http.Handler) Option {
	return func(a *App) { a.extra = append(a.extra, mount{pattern, h}) }
}

type mount struct {
	pattern string
	h       http.Handler
}

// ModuleStart starts a service that runs beside the payments API on the
// platform's database (the T-0 network today; settlements, reconciliation
// and reports later). It gets the opened, migrated database and answers the
// handlers to mount (ServeMux pattern → handler) and its background work, run
// from Serve until shutdown (nil for none). It runs its own migrations.
type ModuleStart func(ctx context.Context, db *sql.DB, dialect string) (mounts map[string]http.Handler, run func(context.Context) error, err error)

// WithModule adds a module, named in errors and logs.
func WithModule(name string, start ModuleStart) Option {
	return func(a *App) { a.modules = append(a.modules, module{name: name, start: start}) }
}

type module struct {
	name  string
	start ModuleStart
	run   func(context.Context) error
}

// App is a running platform.
type App struct {
	cfg        Config
	log        *slog.Logger
	db         *store.DB
	local      *connectors.Local
	svc        *payments.Service
	dispatcher *webhooks.Dispatcher
	resolver   *payments.Resolver
	ln         net.Listener
	srv        *http.Server
	extra      []mount
	modules    []module
	mux        *http.ServeMux
}

// New opens and migrates the database, starts the in-process connector
// host, and binds the listener (Addr is known before Serve).
func New(ctx context.Context, cfg Config, opts ...Option) (a *App, err error) {
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	a = &App{cfg: cfg, log: log}
	for _, o := range opts {
		o(a)
	}
	defer func() {
		if err != nil {
			a.close()
		}
	}()
	if cfg.EncryptionKeys == "" {
		return nil, fmt.Errorf("%s is required: the key that encrypts connector credentials (generate one with `payments-platform gen-key`)", secrets.EnvKeys)
	}
	ring, err := secrets.Parse(cfg.EncryptionKeys)
	if err != nil {
		return nil, err
	}
	if a.db, err = store.Open(ctx, cfg.DatabaseURL); err != nil {
		return nil, err
	}
	if err := a.db.Migrate(ctx); err != nil {
		return nil, err
	}
	if cfg.PluginsDir != "" {
		if a.local, err = connectors.StartLocal(ctx, connectors.LocalOptions{PluginsDir: cfg.PluginsDir, CacheDir: cfg.PluginCacheDir, BaseURLs: cfg.BaseURLs, Logger: log}); err != nil {
			return nil, err
		}
	}
	localURL := ""
	if a.local != nil {
		localURL = a.local.URL()
	}
	gw := connectors.NewGateway(localURL, cfg.ConnectorTimeout)
	whs := &webhooks.Store{DB: a.db, Ring: ring}
	wopts := cfg.Webhooks
	wopts.Logger = log
	a.dispatcher = webhooks.NewDispatcher(whs, wopts)
	a.svc = payments.New(payments.Options{DB: a.db, Ring: ring, Gateway: gw, OnEvent: a.dispatcher.Notify, Lease: cfg.Lease,
		Resolve: cfg.Resolve, Logger: log})
	a.resolver = payments.NewResolver(a.svc)
	if n, err := a.svc.RotateCredentials(ctx); err != nil {
		return nil, fmt.Errorf("re-encrypt stored secrets under the active key: %w", err)
	} else if n > 0 {
		log.Info("re-encrypted stored secrets under the active key", "count", n)
	}
	health := []api.HealthCheck{
		{Name: "database", Check: func(ctx context.Context) error { return a.db.SQL.PingContext(ctx) }},
		{Name: "queue", Check: func(ctx context.Context) error {
			var n int
			return a.db.SQL.QueryRowContext(ctx, `SELECT COUNT(*) FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at < $1`, store.Now()-int64(time.Hour/time.Millisecond)).Scan(&n)
		}},
	}
	if a.local != nil {
		health = append(health, api.HealthCheck{Name: "connector_host", Check: func(ctx context.Context) error {
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, a.local.URL()+"/healthz", nil)
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				return err
			}
			res.Body.Close()
			if res.StatusCode != http.StatusOK {
				return fmt.Errorf("HTTP %d", res.StatusCode)
			}
			return nil
		}})
	}
	for i := range a.modules {
		m := &a.modules[i]
		mounts, run, err := m.start(ctx, a.db.SQL, a.db.Dialect)
		if err != nil {
			return nil, fmt.Errorf("start %s: %w", m.name, err)
		}
		for _, pattern := range slices.Sorted(maps.Keys(mounts)) {
			a.extra = append(a.extra, mount{pattern, mounts[pattern]})
		}
		m.run = run
	}
	a.mux = http.NewServeMux()
	a.mux.Handle(api.Base+"/", api.New(api.Options{DB: a.db, Service: a.svc, Webhooks: whs, OnEvent: a.dispatcher.Notify, Health: health, Logger: log,
		RateLimit: cfg.RateLimit, RateBurst: cfg.RateBurst}))
	for _, m := range a.extra {
		a.mux.Handle(m.pattern, m.h)
	}
	if a.ln, err = net.Listen("tcp", cfg.Listen); err != nil {
		return nil, fmt.Errorf("listen: %w", err)
	}
	a.srv = &http.Server{Handler: a.mux, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 120 * time.Second,
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	return a, nil
}

// DB is the platform's database pool: other packages run their own
// migrations (store.DB.MigrateSet) and queries on it.
func (a *App) DB() *sql.DB { return a.db.SQL }

// Store is the platform's database with its dialect and helpers.
func (a *App) Store() *store.DB { return a.db }

// Dialect is "sqlite" or "postgres".
func (a *App) Dialect() string { return a.db.Dialect }

// Addr is the API's address.
func (a *App) Addr() string { return a.ln.Addr().String() }

// Handler is the whole HTTP handler (API and mounted handlers).
func (a *App) Handler() http.Handler { return a.mux }

// Service is the domain service.
func (a *App) Service() *payments.Service { return a.svc }

// Resolver is the background resolver of calls without a definite answer
// (Serve runs it; Notify starts a pass now, Pass makes one).
func (a *App) Resolver() *payments.Resolver { return a.resolver }

// LocalHostURL is the in-process connector host's URL ("" when none).
func (a *App) LocalHostURL() string {
	if a.local == nil {
		return ""
	}
	return a.local.URL()
}

// WaitConnectorsLoaded blocks until the in-process connector host (if any)
// has loaded each plugin present at its start, so it serves their
// manifests (a connector's idempotency window), or ctx ends.
func (a *App) WaitConnectorsLoaded(ctx context.Context) error {
	if a.local == nil {
		return nil
	}
	return a.local.WaitLoaded(ctx)
}

// Serve serves until ctx ends, then drains requests and stops the
// dispatcher, the resolver and the in-process connector host.
func (a *App) Serve(ctx context.Context) error {
	dctx, stopDispatch := context.WithCancel(context.WithoutCancel(ctx))
	dispatched := make(chan struct{})
	go func() { defer close(dispatched); a.dispatcher.Run(dctx) }()
	resolved := make(chan struct{})
	go func() {
		defer close(resolved)
		// The in-process host serves a plugin's manifest (its idempotency
		// window, without which nothing is resent) once the plugin is
		// loaded: the resolver starts then.
		if err := a.WaitConnectorsLoaded(dctx); err != nil {
			return
		}
		a.resolver.Run(dctx)
	}()
	go a.purge(dctx)
	var modules sync.WaitGroup
	for _, m := range a.modules {
		if m.run == nil {
			continue
		}
		modules.Add(1)
		go func() {
			defer modules.Done()
			if err := m.run(dctx); err != nil && dctx.Err() == nil {
				a.log.Error("module stopped", "module", m.name, "error", err)
			}
		}()
	}
	errc := make(chan error, 1)
	go func() { errc <- a.srv.Serve(a.ln) }()
	a.log.Info("payments platform serving", "addr", a.Addr(), "database", a.db.Dialect, "connector_host", a.LocalHostURL())
	var serveErr error
	select {
	case serveErr = <-errc:
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	shutErr := a.srv.Shutdown(sctx)
	stopDispatch()
	<-dispatched
	<-resolved
	modules.Wait()
	a.close()
	if serveErr != nil && !errors.Is(serveErr, http.ErrServerClosed) {
		return serveErr
	}
	return shutErr
}

// purge forgets expired idempotency keys every hour until ctx ends.
func (a *App) purge(ctx context.Context) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		if n, err := api.PurgeIdempotencyKeys(ctx, a.db); err != nil && ctx.Err() == nil {
			a.log.Warn("purge idempotency keys", "error", err)
		} else if n > 0 {
			a.log.Info("purged expired idempotency keys", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (a *App) close() {
	if a.local != nil {
		_ = a.local.Close()
	}
	if a.db != nil {
		_ = a.db.Close()
	}
	if a.ln != nil {
		a.ln.Close()
	}
}

// ParseBaseURLs reads "name=URL" pairs.
func ParseBaseURLs(pairs []string) (map[string]string, error) {
	out := map[string]string{}
	for _, p := range pairs {
		n, u, ok := strings.Cut(p, "=")
		if !ok || n == "" || u == "" {
			return nil, fmt.Errorf("--base-url %q: want NAME=URL", p)
		}
		out[n] = u
	}
	return out, nil
}
