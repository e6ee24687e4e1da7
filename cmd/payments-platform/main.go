// Command payments-platform serves the payments platform's REST API (see
// README, "The payments platform").
//
//	payments-platform serve [--listen ADDR] [--database URL] [--plugins DIR] [--base-url NAME=URL ...]
//	payments-platform gen-key [ID]
//	payments-platform tzero gen-key
//	payments-platform tzero [--database URL] provider put FILE.json|- | provider list | settlement run | settlement list | settlement settled ID
//
// The T-0 network's PaymentIntentService (docs/tzero.md) is served beside the
// REST API when TZERO_NETWORK_KEY holds the network's secp256k1 private key
// (hex); `tzero gen-key` makes one.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/connectorhost/connector-host/platform/api"
	"github.com/connectorhost/connector-host/platform/app"
	"github.com/connectorhost/connector-host/platform/payments"
	"github.com/connectorhost/connector-host/platform/secrets"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "payments-platform:", err)
		os.Exit(1)
	}
}

type multi []string

func (m *multi) String() string     { return strings.Join(*m, ",") }
func (m *multi) Set(v string) error { *m = append(*m, v); return nil }

func env(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return fmt.Errorf("usage: payments-platform serve|gen-key (see --help)")
	}
	switch args[0] {
	case "gen-key":
		id := "k1"
		if len(args) > 1 {
			id = args[1]
		}
		fmt.Fprintln(stdout, secrets.NewKey(id))
		return nil
	case "tzero":
		return runTzero(ctx, args[1:], os.Stdin, stdout)
	case "serve":
	default:
		return fmt.Errorf("unknown command %q: want serve, gen-key or tzero", args[0])
	}
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	listen := fs.String("listen", env("PAYMENTS_LISTEN", "127.0.0.1:8090"), "API address (env PAYMENTS_LISTEN)")
	dbURL := fs.String("database", env("PAYMENTS_DATABASE_URL", "sqlite:payments.db"), "sqlite:PATH or postgres://… (env PAYMENTS_DATABASE_URL)")
	plugins := fs.String("plugins", env("PAYMENTS_PLUGINS_DIR", "bin/plugins"), "plugin directory for the in-process connector host; empty: none (env PAYMENTS_PLUGINS_DIR)")
	level := fs.String("log-level", "info", "debug, info, warn or error")
	rateLimit := fs.Float64("rate-limit", 100, "requests per second per API key (bursts of the same size); 0: unlimited")
	connectorTimeout := fs.Duration("connector-timeout", 60*time.Second, "bound on each call to a connector host; a call past it has an unknown outcome")
	resolveBackoff := fs.Duration("resolve-backoff", 30*time.Second, "delay before the resolver first resends a call without a definite answer (doubled after each)")
	resolveMaxBackoff := fs.Duration("resolve-max-backoff", time.Hour, "longest delay between the resolver's resends of one call")
	resolvePoll := fs.Duration("resolve-poll", 10*time.Second, "how often the resolver looks for calls due for a resend")
	var baseURLs multi
	fs.Var(&baseURLs, "base-url", "NAME=URL: point the in-process host's connector NAME at URL (repeatable)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	for _, d := range []struct {
		name string
		v    time.Duration
	}{{"connector-timeout", *connectorTimeout}, {"resolve-backoff", *resolveBackoff}, {"resolve-max-backoff", *resolveMaxBackoff}, {"resolve-poll", *resolvePoll}} {
		if d.v <= 0 {
			return fmt.Errorf("--%s must be a positive duration (like 30s), got %v", d.name, d.v)
		}
	}
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(*level)); err != nil {
		return fmt.Errorf("--log-level: %w", err)
	}
	log := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: lvl}))
	bases, err := app.ParseBaseURLs(baseURLs)
	if err != nil {
		return err
	}
	var opts []app.Option
	if key := os.Getenv(envTzeroKey); key != "" {
		m, err := tzeroModule(key, log)
		if err != nil {
			return err
		}
		opts = append(opts, app.WithModule("tzero", m))
	} else {
		log.Info("T-0 PaymentIntentService not served: set " + envTzeroKey + " (payments-platform tzero gen-key)")
	}
	a, err := app.New(ctx, app.Config{Listen: *listen, DatabaseURL: *dbURL, EncryptionKeys: os.Getenv(secrets.EnvKeys),
		PluginsDir: *plugins, BaseURLs: bases, RateLimit: *rateLimit, Logger: log, ConnectorTimeout: *connectorTimeout,
		Resolve: payments.ResolveOptions{Backoff: *resolveBackoff, MaxBackoff: *resolveMaxBackoff, Poll: *resolvePoll}}, opts...)
	if err != nil {
		return err
	}
	n, err := api.CountKeys(ctx, a.Store())
	if err != nil {
		return err
	}
	if n == 0 {
		k, err := api.CreateKey(ctx, a.Store(), "default", "bootstrap", []string{"*"})
		if err != nil {
			return err
		}
		// Shown once: only its hash is stored.
		fmt.Fprintf(stdout, "first start: created an admin API key for tenant %q (shown once, store it now):\n%s\n", k.Tenant, k.Secret)
	}
	return a.Serve(ctx)
}
