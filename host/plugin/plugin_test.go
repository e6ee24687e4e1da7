package plugin_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/host/plugin"
	"github.com/connectorhost/connector-host/host/sandbox"
	"github.com/connectorhost/connector-host/internal/wasmbuild"
)

// The sandbox's own behaviour (faults, limits, pool, retirement) is tested
// in host/sandbox; these tests cover what the ABI client adds.

const faultyPkg = "./host/sandbox/testdata/faulty"

func newEngine(t *testing.T) *sandbox.Engine {
	t.Helper()
	e, err := sandbox.NewEngine(sandbox.Options{CacheDir: t.TempDir()})
	require.NoError(t, err)
	t.Cleanup(func() { _ = e.Close(context.Background()) })
	return e
}

func TestLoadReadsManifestAndServes(t *testing.T) {
	p, err := plugin.Load(context.Background(), newEngine(t), "faulty", wasmbuild.Read(t, faultyPkg, "faulty"))
	require.NoError(t, err)
	t.Cleanup(p.Close)
	assert.Equal(t, "faulty", p.Manifest().GetName())
	assert.Equal(t, []v1.Flow{v1.Flow_FLOW_AUTHORIZE}, p.Manifest().GetFlows(), "the PDK derives flows from handlers")
	assert.Len(t, p.SHA256(), 64)

	req, err := (&v1.PaymentServiceAuthorizeRequest{MerchantTransactionId: "ok_1", Amount: &v1.Money{MinorAmount: 100, Currency: "USD"}}).MarshalVT()
	require.NoError(t, err)
	out, err := p.BuildRequest(context.Background(), &pluginv1.BuildRequestInput{
		Flow: v1.Flow_FLOW_AUTHORIZE, Request: req,
		Context: &pluginv1.CallContext{BaseUrl: "https://faulty.test", NowUnixMs: 1},
	})
	require.NoError(t, err)
	hr := out.GetHttpRequest()
	require.NotNil(t, hr, "%v", out)
	assert.Equal(t, "https://faulty.test/pay", hr.GetUrl())
	assert.True(t, hr.GetIdempotent())
	assert.Equal(t, []byte("ok_1"), hr.GetBody())
}

// Output that does not decode as the export's message is a bad-output fault
// (and the sandbox discards the instance); so is output outside memory.
func TestGarbageAndOutOfBoundsOutput(t *testing.T) {
	p, err := plugin.Load(context.Background(), newEngine(t), "rawabi", wasmbuild.Read(t, "./host/sandbox/testdata/rawabi", "rawabi"))
	require.NoError(t, err)
	defer p.Close()

	_, err = p.BuildRequest(context.Background(), &pluginv1.BuildRequestInput{Flow: v1.Flow_FLOW_GET})
	var f *sandbox.Fault
	require.ErrorAs(t, err, &f)
	assert.Equal(t, sandbox.FaultBadOutput, f.Kind)
	assert.Contains(t, f.Error(), `plugin "rawabi": connector_build_request: returned bytes that are not a valid *pluginv1.BuildRequestOutput`)

	_, err = p.VerifyWebhook(context.Background(), &pluginv1.VerifyWebhookInput{})
	require.ErrorAs(t, err, &f)
	assert.Equal(t, sandbox.FaultBadOutput, f.Kind)
	assert.Contains(t, f.Error(), "outside its memory")
}

// The manifest must be valid and name the connector the file was found
// under; the sandbox's refusals come through naming the plugin.
func TestLoadRefusals(t *testing.T) {
	e := newEngine(t)
	ctx := context.Background()

	_, err := plugin.Load(ctx, e, "other_name", wasmbuild.Read(t, faultyPkg, "faulty"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), `plugin "other_name": invalid manifest`)
	assert.Contains(t, err.Error(), `manifest.name "faulty" must equal the file's base name "other_name"`)

	_, err = plugin.Load(ctx, e, "junk", []byte("not wasm at all"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), `plugin "junk": not a valid WebAssembly module`)
}
