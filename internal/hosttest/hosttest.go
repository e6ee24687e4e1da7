// Package hosttest starts a real connector host in a test: the plugin is
// built to .wasm (internal/wasmbuild), served by host/app on a loopback port
// with every runtime limit on, and pointed at a fake processor through the
// operator's base-URL override. Connector end-to-end tests call the host
// through the generated Connect clients on the returned base URL.
package hosttest

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/connectorhost/connector-host/host/app"
	"github.com/connectorhost/connector-host/host/config"
	"github.com/connectorhost/connector-host/internal/wasmbuild"
)

// Start builds ./plugins/<name>/wasm, serves it as connector name with
// baseURL as its base URL, and returns the host's "http://addr". The host
// stops when t ends; a test run with -short skips (it builds a .wasm).
func Start(t *testing.T, name, baseURL string) string {
	t.Helper()
	return StartWith(t, name, baseURL, nil)
}

// StartWith is Start with configure applied to the host's configuration
// last (e.g. an egress proxy and CA file that route an allowlisted
// processor host to a test server).
func StartWith(t *testing.T, name, baseURL string, configure func(*config.Config)) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the .wasm and starts a host: skipped with -short")
	}
	dir := t.TempDir()
	wasm := wasmbuild.Read(t, "./plugins/"+name+"/wasm", name)
	if err := os.WriteFile(filepath.Join(dir, name+".wasm"), wasm, 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := config.Default()
	cfg.Listen = "127.0.0.1:0"
	cfg.PluginsDir = dir
	cfg.CacheDir = t.TempDir()
	cfg.Plugins.CallTimeout = 10 * time.Second // a shared CI machine may be slow
	cfg.Connectors[name] = config.Connector{BaseURL: baseURL}
	if configure != nil {
		configure(cfg)
	}

	ctx, cancel := context.WithCancel(context.Background())
	h, err := app.New(ctx, cfg, app.Options{})
	if err != nil {
		cancel()
		t.Fatalf("hosttest: start the host: %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- h.Serve(ctx, 5*time.Second) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("hosttest: host shutdown: %v", err)
		}
	})
	if err := h.Registry().WaitLoaded(ctx); err != nil {
		t.Fatalf("hosttest: load the plugin: %v", err)
	}
	return "http://" + h.Addr()
}
