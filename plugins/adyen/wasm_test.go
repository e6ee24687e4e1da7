//go:build !wasip1

package adyen

import (
	"context"
	"os/exec"
	"testing"

	"github.com/connectorhost/connector-host/conformance/conformancetest"
	"github.com/connectorhost/connector-host/host/plugin"
	"github.com/connectorhost/connector-host/host/sandbox"
	"github.com/connectorhost/connector-host/internal/wasmbuild"
	"google.golang.org/protobuf/proto"
)

// TestWasmPlugin builds plugins/adyen/wasm for wasip1 and runs the fixtures
// and the spec-validated flows inside the host's WebAssembly runtime through
// the host's executor, the way the host serves the plugin.
func TestWasmPlugin(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the .wasm: skipped with -short")
	}
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("go command not found: cannot build the .wasm")
	}
	// Built once per test process: the host end-to-end test serves the same file.
	wasm := wasmbuild.Read(t, "./plugins/adyen/wasm", "adyen")
	ctx := context.Background()
	engine, err := sandbox.NewEngine(sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = engine.Close(ctx) })
	p, err := plugin.Load(ctx, engine, "adyen", wasm)
	if err != nil {
		t.Fatalf("the runtime refuses the plugin: %v", err)
	}
	t.Cleanup(p.Close)
	native, err := newKit().Manifest()
	if err != nil {
		t.Fatal(err)
	}
	if !proto.Equal(p.Manifest(), native) {
		t.Fatalf("wasm manifest differs from the native one:\n%v\n%v", p.Manifest(), native)
	}
	t.Run("fixtures", func(t *testing.T) { conformancetest.FixturesOn(t, p, p.Manifest(), "fixtures") })
	t.Run("spec", func(t *testing.T) { runSpecConformance(t, conformancetest.On(p, p.Manifest())) })
}
