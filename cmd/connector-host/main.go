// Command connector-host serves the unified payments API with connector
// plugins loaded from a directory.
//
//	connector-host serve [--config FILE] [--listen ADDR] [--plugins DIR] [--base-url NAME=URL ...] [--SETTING VALUE ...]
//	connector-host config check FILE
//	connector-host hash-key < key
//	connector-host sign --key KEY.pem NAME.wasm ... | --generate-key KEY.pem
//	connector-host version
//
// Every setting of the configuration file can also be given as a
// CONNECTOR_HOST_* environment variable and as a serve flag; see
// config.example.yaml and docs/operations.md.
package main

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/connectorhost/connector-host/conformance"
	"github.com/connectorhost/connector-host/host/app"
	"github.com/connectorhost/connector-host/host/config"
)

// version is set at link time.
var version = "dev"

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Environ()))
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer, environ []string) int {
	if len(args) == 0 {
		usage(stderr)
		return 2
	}
	switch args[0] {
	case "serve":
		return serve(args[1:], stderr, environ)
	case "config":
		if len(args) != 3 || args[1] != "check" {
			fmt.Fprintln(stderr, "usage: connector-host config check FILE")
			return 2
		}
		return checkConfig(args[2], stdout, stderr, environ)
	case "hash-key":
		return hashKey(stdin, stdout, stderr)
	case "sign":
		return sign(args[1:], stdout, stderr)
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
  connector-host serve [--config FILE] [--listen ADDR] [--plugins DIR] [--base-url NAME=URL ...] [--SETTING VALUE ...]
  connector-host conformance PATH.wasm [--fixtures DIR] [--json FILE]
  connector-host config check FILE
  connector-host hash-key < KEY     (prints the SHA-256 to put in api_keys)
  connector-host sign --key KEY.pem NAME.wasm ...   (writes NAME.wasm.sig)
  connector-host sign --generate-key KEY.pem        (prints the key for plugin_limits.trusted_keys)
  connector-host version

'connector-host serve --help' lists every setting's flag. Each is also a
CONNECTOR_HOST_* environment variable (see config.example.yaml).
`)
}

// checkConfig loads path as serve would (with the environment's overrides)
// and reports every problem, one per line.
func checkConfig(path string, stdout, stderr io.Writer, environ []string) int {
	if _, err := config.Load(path, environ); err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	fmt.Fprintf(stdout, "%s: ok\n", path)
	return 0
}

// hashKey prints the hex SHA-256 of the key on stdin (one line; a trailing
// newline is not part of the key).
func hashKey(stdin io.Reader, stdout, stderr io.Writer) int {
	line, err := bufio.NewReader(io.LimitReader(stdin, 1<<16)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		fmt.Fprintln(stderr, "hash-key: read the key from stdin:", err)
		return 1
	}
	key := strings.TrimRight(line, "\r\n")
	if key == "" {
		io.WriteString(stderr, "hash-key: give the key on stdin, e.g. printf '%s' \"$KEY\" | connector-host hash-key\n")
		return 2
	}
	if len(key) < 16 {
		fmt.Fprintln(stderr, "hash-key: warning: keys shorter than 16 characters are easy to guess; use e.g. 32 random bytes, hex-encoded")
	}
	sum := sha256.Sum256([]byte(key))
	fmt.Fprintln(stdout, hex.EncodeToString(sum[:]))
	return 0
}

// serveConfig builds the configuration from the file, the environment and
// the flags, in that order of precedence (flags win), and validates it.
func serveConfig(args []string, stderr io.Writer, environ []string) (*config.Config, error) {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfgPath := fs.String("config", "", "YAML configuration file (see config.example.yaml)")
	var sets []func(*config.Config) error
	for _, k := range config.Keys() {
		set := func(v string) error {
			sets = append(sets, func(c *config.Config) error { return c.Set(k.Path, v) })
			return nil
		}
		if k.Bool {
			fs.BoolFunc(k.Flag, k.Help+" ("+k.Path+")", set)
		} else {
			fs.Func(k.Flag, k.Help+" ("+k.Path+")", set)
		}
	}
	fs.Func("plugins", "same as --plugins-dir", func(v string) error {
		sets = append(sets, func(c *config.Config) error { return c.Set("plugins_dir", v) })
		return nil
	})
	fs.Func("base-url", "point connector NAME at URL (repeatable), e.g. stripe=http://127.0.0.1:12111", func(v string) error {
		name, u, ok := strings.Cut(v, "=")
		if !ok || name == "" || u == "" {
			return fmt.Errorf("want NAME=URL, got %q", v)
		}
		sets = append(sets, func(c *config.Config) error { return c.SetConnector(name, "base_url", u) })
		return nil
	})
	fs.Func("connector", "set a connector's setting (repeatable), e.g. stripe.egress.total_timeout=10s", func(v string) error {
		key, val, ok := strings.Cut(v, "=")
		name, path, ok2 := strings.Cut(key, ".")
		if !ok || !ok2 {
			return fmt.Errorf("want NAME.KEY=VALUE, got %q", v)
		}
		sets = append(sets, func(c *config.Config) error { return c.SetConnector(name, path, val) })
		return nil
	})
	fs.Func("api-keys", "callers' keys as name:sha256,... (replaces api_keys)", func(v string) error {
		sets = append(sets, func(c *config.Config) error { return c.SetAPIKeys(v) })
		return nil
	})
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("serve: unexpected argument %q", fs.Arg(0))
	}
	cfg, err := config.Read(*cfgPath)
	if err != nil {
		return nil, err
	}
	errs := []error{cfg.ApplyEnv(environ)}
	for _, set := range sets {
		errs = append(errs, set(cfg))
	}
	errs = append(errs, cfg.Expand(config.Getenv(environ)), cfg.Validate())
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return cfg, nil
}

func serve(args []string, stderr io.Writer, environ []string) int {
	cfg, err := serveConfig(args, stderr, environ)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	log := newLogger(stderr, cfg.LogLevel)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	opts := app.Options{Logger: log, Version: version}
	if cfg.RequireConformance {
		opts.Gate = conformance.Gate(conformance.Options{FixturesRoot: cfg.ConformanceFixtures, Logger: log})
		opts.GateKey = gateKey(cfg.ConformanceFixtures)
	}
	h, err := app.New(ctx, cfg, opts)
	if err != nil {
		log.Error("start failed", "error", err)
		return 1
	}
	if err := h.Serve(ctx, cfg.DrainTimeout); err != nil {
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
