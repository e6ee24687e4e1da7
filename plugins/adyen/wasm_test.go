package adyen

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
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
	tr := wasmTransformer{ctx: ctx, p: p}
	t.Run("fixtures", func(t *testing.T) { runFixtures(t, tr) })
	t.Run("spec", func(t *testing.T) { runSpecConformance(t, tr) })
}

// wasmTransformer runs pdktest against a plugin loaded in the runtime.
type wasmTransformer struct {
	ctx context.Context //nolint:containedctx // pdktest.Transformer has no context parameter.
	p   *runtime.Plugin
}

func (w wasmTransformer) Manifest() (*v1.Manifest, error) { return w.p.Manifest(), nil }

func (w wasmTransformer) BuildRequest(in *pluginv1.BuildRequestInput) (*pluginv1.BuildRequestOutput, error) {
	return w.p.BuildRequest(w.ctx, in)
}

func (w wasmTransformer) ParseResponse(in *pluginv1.ParseResponseInput) (*pluginv1.ParseResponseOutput, error) {
	return w.p.ParseResponse(w.ctx, in)
}

func (w wasmTransformer) VerifyWebhook(in *pluginv1.VerifyWebhookInput) (*pluginv1.VerifyWebhookOutput, error) {
	return w.p.VerifyWebhook(w.ctx, in)
}
