// Command connector-host serves the unified payments API with connector
// plugins loaded from a directory.
//
//	connector-host serve --listen 127.0.0.1:8080 --plugins DIR [--config FILE] [--base-url NAME=URL ...]
//	connector-host config check FILE
//	connector-host version
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

	"github.com/connectorhost/connector-host/host/app"
	"github.com/connectorhost/connector-host/host/config"
)

// version is set at link time.
var version = "dev"

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return 2
	}
	switch args[0] {
	case "serve":
		return serve(args[1:], stderr)
	case "config":
		if len(args) != 3 || args[1] != "check" {
			fmt.Fprintln(stderr, "usage: connector-host config check FILE")
			return 2
		}
		if _, err := config.Load(args[2], os.Getenv); err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
		fmt.Fprintf(stdout, "%s: ok\n", args[2])
		return 0
	case "version":
		fmt.Fprintln(stdout, "connector-host", version)
		return 0
	case "help", "-h", "--help":
		usage(stdout)
		return 0
	}
	if code, ok := runExtra(args, stdout, stderr); ok {
		return code
	}
	fmt.Fprintf(stderr, "unknown command %q\n", args[0])
	usage(stderr)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprint(w, `usage:
  connector-host serve --listen ADDR --plugins DIR [--config FILE] [--base-url NAME=URL ...]
  connector-host conformance PATH.wasm [--fixtures DIR] [--json FILE]
  connector-host config check FILE
  connector-host version
`)
}

// baseURLs collects repeated --base-url NAME=URL flags.
type baseURLs map[string]string

func (b baseURLs) String() string { return fmt.Sprint(map[string]string(b)) }

func (b baseURLs) Set(v string) error {
	name, u, ok := strings.Cut(v, "=")
	if !ok || name == "" || u == "" {
		return fmt.Errorf("want NAME=URL, got %q", v)
	}
	b[name] = u
	return nil
}

func serve(args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfgPath := fs.String("config", "", "YAML configuration file")
	listen := fs.String("listen", "", "API address (default 127.0.0.1:8080)")
	plugins := fs.String("plugins", "", "directory of NAME.wasm connector plugins")
	cacheDir := fs.String("cache-dir", "", "compiled-code and manifest cache directory")
	logLevel := fs.String("log-level", "", "debug, info, warn or error")
	drain := fs.Duration("drain-timeout", 30*time.Second, "how long shutdown waits for in-flight calls")
	urls := baseURLs{}
	fs.Var(urls, "base-url", "point connector NAME at URL (repeatable), e.g. stripe=http://127.0.0.1:12111")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	cfg := config.Default()
	if *cfgPath != "" {
		c, err := config.Load(*cfgPath, os.Getenv)
		if err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
		cfg = c
	}
	if *listen != "" {
		cfg.Listen = *listen
	}
	if *plugins != "" {
		cfg.PluginsDir = *plugins
	}
	if *cacheDir != "" {
		cfg.CacheDir = *cacheDir
	}
	if *logLevel != "" {
		cfg.LogLevel = *logLevel
	}
	for name, u := range urls {
		conn := cfg.Connectors[name]
		conn.BaseURL = u
		cfg.Connectors[name] = conn
	}
	if err := cfg.Validate(); err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	log := newLogger(stderr, cfg.LogLevel)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	h, err := app.New(ctx, cfg, app.Options{Logger: log})
	if err != nil {
		log.Error("start failed", "error", err)
		return 1
	}
	if err := h.Serve(ctx, *drain); err != nil {
		log.Error("server stopped", "error", err)
		return 1
	}
	return 0
}

func newLogger(w io.Writer, level string) *slog.Logger {
	var l slog.Level
	_ = l.UnmarshalText([]byte(level))
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: l}))
}
