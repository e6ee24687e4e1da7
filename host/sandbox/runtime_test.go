package sandbox_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"connectrpc.com/connect"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/host/sandbox"
	"github.com/connectorhost/connector-host/internal/wasmbuild"
)

const faultyPkg = "./host/sandbox/testdata/faulty"

func newEngine(t *testing.T, lim sandbox.Limits, obs sandbox.Observer) *sandbox.Engine {
	t.Helper()
	e, err := sandbox.NewEngine(sandbox.Options{Limits: lim, Observer: obs, CacheDir: t.TempDir()})
	require.NoError(t, err)
	t.Cleanup(func() { _ = e.Close(context.Background()) })
	return e
}

func load(t *testing.T, e *sandbox.Engine, pkg, name string, ldflags ...string) *sandbox.Plugin {
	t.Helper()
	p, err := e.Load(context.Background(), name, wasmbuild.Read(t, pkg, name, ldflags...))
	require.NoError(t, err)
	t.Cleanup(p.Close)
	return p
}

func authorize(t *testing.T, p *sandbox.Plugin, behaviour string) (*pluginv1.BuildRequestOutput, error) {
	t.Helper()
	req, err := (&v1.PaymentServiceAuthorizeRequest{MerchantTransactionId: behaviour, Amount: &v1.Money{MinorAmount: 100, Currency: "USD"}}).MarshalVT()
	require.NoError(t, err)
	return p.BuildRequest(context.Background(), &pluginv1.BuildRequestInput{
		Flow: v1.Flow_FLOW_AUTHORIZE, Request: req,
		Context: &pluginv1.CallContext{BaseUrl: "https://faulty.test", NowUnixMs: 1},
	})
}

func requireFault(t *testing.T, err error, kind sandbox.FaultKind, code connect.Code, contains string) {
	t.Helper()
	var f *sandbox.Fault
	require.True(t, errors.As(err, &f), "want a *sandbox.Fault, got %v", err)
	assert.Equal(t, kind, f.Kind, f.Error())
	assert.Equal(t, code, f.Code())
	assert.Contains(t, f.Error(), `plugin "faulty"`)
	assert.Contains(t, f.Error(), contains)
}

func TestLoadReadsManifestAndServes(t *testing.T) {
	e := newEngine(t, sandbox.Limits{}, nil)
	p := load(t, e, faultyPkg, "faulty")
	assert.Equal(t, "faulty", p.Manifest().GetName())
	assert.Equal(t, []v1.Flow{v1.Flow_FLOW_AUTHORIZE}, p.Manifest().GetFlows(), "the PDK derives flows from handlers")
	assert.Len(t, p.SHA256(), 64)

	out, err := authorize(t, p, "ok_1")
	require.NoError(t, err)
	hr := out.GetHttpRequest()
	require.NotNil(t, hr, "%v", out)
	assert.Equal(t, "https://faulty.test/pay", hr.GetUrl())
	assert.True(t, hr.GetIdempotent())
	assert.Equal(t, []byte("ok_1"), hr.GetBody())
}

func TestFaultsFailOnlyTheirOwnCall(t *testing.T) {
	e := newEngine(t, sandbox.Limits{CallTimeout: 20 * time.Second, MemoryBytes: 32 << 20}, nil)
	p := load(t, e, faultyPkg, "faulty")

	_, err := authorize(t, p, "trap")
	requireFault(t, err, sandbox.FaultTrap, connect.CodeInternal, "assignment to entry in nil map")

	short := newEngine(t, sandbox.Limits{CallTimeout: 300 * time.Millisecond}, nil)
	_, err = authorize(t, load(t, short, faultyPkg, "faulty"), "loop")
	requireFault(t, err, sandbox.FaultTimeout, connect.CodeDeadlineExceeded, "did not finish within 300ms")

	_, err = authorize(t, p, "oom")
	requireFault(t, err, sandbox.FaultOutOfMemory, connect.CodeResourceExhausted, "ran out of memory (limit 32 MiB)")

	_, err = authorize(t, p, "huge")
	requireFault(t, err, sandbox.FaultOutputTooLarge, connect.CodeResourceExhausted, "over the 4194304-byte limit")

	// The plugin still serves: faulty instances were discarded and replaced.
	out, err := authorize(t, p, "ok_after")
	require.NoError(t, err)
	assert.Equal(t, []byte("ok_after"), out.GetHttpRequest().GetBody())
}

func TestHealthyPluginKeepsServingDuringFaults(t *testing.T) {
	e := newEngine(t, sandbox.Limits{CallTimeout: 300 * time.Millisecond}, nil)
	bad := load(t, e, faultyPkg, "faulty")
	good, err := e.Load(context.Background(), "faulty", wasmbuild.Read(t, faultyPkg, "faulty"))
	require.NoError(t, err)
	t.Cleanup(good.Close)

	var wg sync.WaitGroup
	for _, b := range []string{"trap", "loop", "oom", "trap", "loop"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := authorize(t, bad, b)
			assert.Error(t, err)
		}()
	}
	errs := make(chan error, 40)
	for i := 0; i < 40; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out, err := authorize(t, good, "ok")
			if err == nil && out.GetHttpRequest() == nil {
				err = errors.New("no request")
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		assert.NoError(t, err)
	}
}

func TestGarbageAndOutOfBoundsOutput(t *testing.T) {
	e := newEngine(t, sandbox.Limits{}, nil)
	p, err := e.Load(context.Background(), "rawabi", wasmbuild.Read(t, "./host/sandbox/testdata/rawabi", "rawabi"))
	require.NoError(t, err)
	defer p.Close()

	_, err = p.BuildRequest(context.Background(), &pluginv1.BuildRequestInput{Flow: v1.Flow_FLOW_GET})
	var f *sandbox.Fault
	require.ErrorAs(t, err, &f)
	assert.Equal(t, sandbox.FaultBadOutput, f.Kind)
	assert.Equal(t, connect.CodeInternal, f.Code())
	assert.Contains(t, f.Error(), "not a valid")

	_, err = p.VerifyWebhook(context.Background(), &pluginv1.VerifyWebhookInput{})
	require.ErrorAs(t, err, &f)
	assert.Equal(t, sandbox.FaultBadOutput, f.Kind)
	assert.Contains(t, f.Error(), "outside its memory")
}

func TestLoadRefusals(t *testing.T) {
	e := newEngine(t, sandbox.Limits{}, nil)
	ctx := context.Background()

	_, err := e.Load(ctx, "junk", []byte("not wasm at all"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), `plugin "junk": not a valid WebAssembly module`)

	_, err = e.Load(ctx, "forbidden", wasmbuild.Read(t, "./host/sandbox/testdata/forbidden", "forbidden"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "env.open_socket")
	assert.Contains(t, err.Error(), "sandbox does not provide")

	_, err = e.Load(ctx, "rawabi", wasmbuild.Read(t, "./host/sandbox/testdata/rawabi", "rawabi", "-X main.abiVersion=2"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "speaks plugin ABI v2; this host speaks ABI v1")

	_, err = e.Load(ctx, "other_name", wasmbuild.Read(t, faultyPkg, "faulty"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), `manifest.name "faulty" must equal the file's base name "other_name"`)

	small := newEngine(t, sandbox.Limits{MemoryBytes: 1 << 20}, nil)
	_, err = small.Load(ctx, "faulty", wasmbuild.Read(t, faultyPkg, "faulty"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "needs more memory at start than the 1 MiB limit")
}

func TestInputTooLarge(t *testing.T) {
	e := newEngine(t, sandbox.Limits{MaxInputBytes: 1024}, nil)
	p := load(t, e, faultyPkg, "faulty")
	_, f := p.Call(context.Background(), "connector_build_request", make([]byte, 2048))
	require.NotNil(t, f)
	assert.Equal(t, sandbox.FaultInputTooLarge, f.Kind)
	assert.Equal(t, connect.CodeResourceExhausted, f.Code())
}

type recorder struct {
	mu      sync.Mutex
	stopped map[string]int
	started int
}

func (r *recorder) Transform(string, string, time.Duration, *sandbox.Fault) {}
func (r *recorder) InstanceStarted(string, time.Duration) {
	r.mu.Lock()
	r.started++
	r.mu.Unlock()
}
func (r *recorder) InstanceStopped(_, reason string) {
	r.mu.Lock()
	r.stopped[reason]++
	r.mu.Unlock()
}

func TestInstancesAreRecycledAfterMaxCalls(t *testing.T) {
	rec := &recorder{stopped: map[string]int{}}
	e := newEngine(t, sandbox.Limits{MaxCallsPerInstance: 3, PoolSize: 1}, rec)
	p := load(t, e, faultyPkg, "faulty")
	for i := 0; i < 7; i++ {
		_, err := authorize(t, p, "ok")
		require.NoError(t, err)
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	// Each instance serves 3 calls, then is replaced (in the background).
	assert.Equal(t, 2, rec.stopped["recycled_calls"])
	assert.GreaterOrEqual(t, rec.started, 3)
}

func TestRetireWaitsForReferences(t *testing.T) {
	e := newEngine(t, sandbox.Limits{}, nil)
	p, err := e.Load(context.Background(), "faulty", wasmbuild.Read(t, faultyPkg, "faulty"))
	require.NoError(t, err)
	require.True(t, p.Acquire())
	done := p.Retire()
	assert.False(t, p.Acquire(), "a retiring plugin takes no new references")
	select {
	case <-done:
		t.Fatal("closed while a reference was held")
	default:
	}
	_, err = authorize(t, p, "ok_in_flight")
	require.NoError(t, err, "calls holding a reference finish on the retiring version")
	p.Release()
	<-done
	_, err = authorize(t, p, "ok")
	var f *sandbox.Fault
	require.ErrorAs(t, err, &f)
	assert.Equal(t, sandbox.FaultUnavailable, f.Kind)
}

func TestWarmFillsThePoolAndNoMore(t *testing.T) {
	rec := &recorder{stopped: map[string]int{}}
	e := newEngine(t, sandbox.Limits{PoolSize: 2}, rec)
	p := load(t, e, faultyPkg, "faulty")
	p.Warm(5)
	p.Warm(5)
	rec.mu.Lock()
	started := rec.started
	rec.mu.Unlock()
	assert.Equal(t, 2, started, "the load instance plus one warmed: the pool size")
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := authorize(t, p, "ok")
			assert.NoError(t, err)
		}()
	}
	wg.Wait()
	rec.mu.Lock()
	defer rec.mu.Unlock()
	assert.Equal(t, 2, rec.started, "warm instances served the burst; none was started on the request path")
	assert.Zero(t, rec.stopped["surplus"])
}
