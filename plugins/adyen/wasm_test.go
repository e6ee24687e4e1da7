package adyen

import (
	"context"
	"os/exec"
	"testing"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/host/plugin"
	"github.com/connectorhost/connector-host/host/sandbox"
	"github.com/connectorhost/connector-host/internal/wasmbuild"
	"google.golang.org/protobuf/proto"
)

// TestWasmPlugin builds plugins/adyen/wasm for wasip1 and runs the fixtures
// and the spec-validated flows inside the host's WebAssembly runtime, the way
// the host serves the plugin.
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
	tr := wasmTransformer{ctx: ctx, p: p}
	t.Run("fixtures", func(t *testing.T) { runFixtures(t, tr) })
	t.Run("spec", func(t *testing.T) { runSpecConformance(t, tr) })
}

// wasmTransformer runs pdktest against a plugin loaded in the runtime.
type wasmTransformer struct {
	ctx context.Context //nolint:containedctx // pdktest.Transformer has no context parameter.
	p   *plugin.Plugin
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
