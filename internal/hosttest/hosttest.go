// Package hosttest starts a real connector host for end-to-end tests of a
// bundled plugin: the plugin is built to .wasm (internal/wasmbuild), served
// by host/app on a loopback port with its base URL pointed at a fake
// processor, and stopped when the test ends.
//
//	base := hosttest.Start(t, "paypal", fake.URL())
//	payments := connectorhostv1connect.NewPaymentServiceClient(http.DefaultClient, base)
package hosttest

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/connectorhost/connector-host/host/app"
	"github.com/connectorhost/connector-host/host/config"
	"github.com/connectorhost/connector-host/internal/wasmbuild"
)

// Start builds ./plugins/<name>/wasm, serves it from a host whose base URL
// for the connector is baseURL, waits until the plugin is loaded, and
// returns the host's http://address. It skips with -short (the build and
// start take seconds) and when the go command is missing.
func Start(t *testing.T, name, baseURL string) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the .wasm and starts a host: skipped with -short")
	}
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("go command not found: cannot build the .wasm")
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, name+".wasm"), wasmbuild.Read(t, "./plugins/"+name+"/wasm", name), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := config.Default()
	cfg.Listen = "127.0.0.1:0"
	cfg.PluginsDir = dir
	cfg.CacheDir = t.TempDir()
	cfg.Plugins.CallTimeout = 10 * time.Second // a shared CI machine may be slow
	cfg.Connectors[name] = config.Connector{BaseURL: baseURL}

	ctx, cancel := context.WithCancel(context.Background())
	h, err := app.New(ctx, cfg, app.Options{})
	if err != nil {
		cancel()
		t.Fatalf("start the host: %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- h.Serve(ctx, 5*time.Second) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("host shutdown: %v", err)
		}
	})
	if err := h.Registry().WaitLoaded(ctx); err != nil {
		t.Fatalf("load the plugin: %v", err)
	}
	return "http://" + h.Addr()
}
