package adyen

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/connectorhost/connector-host/conformance"
	"github.com/connectorhost/connector-host/host/runtime"
	"google.golang.org/protobuf/proto"
)

// TestWasmPlugin builds plugins/adyen/wasm for wasip1 and runs the fixtures
// and the spec-validated flows inside the host's WebAssembly runtime, the way
// the host serves the plugin.
func TestWasmPlugin(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the .wasm: skipped with -short")
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go command not found: cannot build the .wasm")
	}
	root, err := repoRoot()
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "adyen.wasm")
	cmd := exec.Command(goBin, "build", "-buildmode=c-shared", "-ldflags=-s -w", "-o", out, "./plugins/adyen/wasm")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build the .wasm: %v\n%s", err, b)
	}
	wasm, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	engine, err := runtime.NewEngine(runtime.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = engine.Close(ctx) })
	p, err := engine.Load(ctx, "adyen", wasm)
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
	tr := conformance.PluginTransformer(ctx, p)
	t.Run("fixtures", func(t *testing.T) { runFixtures(t, tr) })
	t.Run("spec", func(t *testing.T) { runSpecConformance(t, tr) })
}
