package sandbox_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectorhost/connector-host/abi"
	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/host/sandbox"
	"github.com/connectorhost/connector-host/internal/wasmbuild"
)

// faultyPkg is a PDK plugin whose authorize misbehaves on request: the
// merchant transaction id names the behaviour (trap, loop, oom, huge, ok_*).
const faultyPkg = "./host/sandbox/testdata/faulty"

func load(t *testing.T, e *sandbox.Engine, pkg, name string, ldflags ...string) *sandbox.Module {
	t.Helper()
	m, err := e.Load(context.Background(), name, wasmbuild.Read(t, pkg, name, ldflags...))
	require.NoError(t, err)
	t.Cleanup(m.Close)
	return m
}

// authorize calls the faulty plugin's connector_build_request with an
// authorize of the given behaviour and returns the body of the request it
// built. (The test speaks the ABI's messages itself; the sandbox passes
// bytes.)
func authorize(t *testing.T, m *sandbox.Module, behaviour string) ([]byte, error) {
	t.Helper()
	req, err := (&v1.PaymentServiceAuthorizeRequest{MerchantTransactionId: behaviour, Amount: &v1.Money{MinorAmount: 100, Currency: "USD"}}).MarshalVT()
	require.NoError(t, err)
	in, err := (&pluginv1.BuildRequestInput{
		Flow: v1.Flow_FLOW_AUTHORIZE, Request: req,
		Context: &pluginv1.CallContext{BaseUrl: "https://faulty.test", NowUnixMs: 1},
	}).MarshalVT()
	require.NoError(t, err)
	raw, f := m.Call(context.Background(), abi.ExportBuildRequest, in, nil)
	if f != nil {
		return nil, f
	}
	out := &pluginv1.BuildRequestOutput{}
	require.NoError(t, out.UnmarshalVT(raw))
	if out.GetHttpRequest() == nil {
		return nil, errors.New("no request built")
	}
	return out.GetHttpRequest().GetBody(), nil
}

func requireFault(t *testing.T, err error, kind sandbox.FaultKind, contains string) {
	t.Helper()
	var f *sandbox.Fault
	require.True(t, errors.As(err, &f), "want a *sandbox.Fault, got %v", err)
	assert.Equal(t, kind, f.Kind, f.Error())
	assert.Contains(t, f.Error(), `plugin "faulty"`)
	assert.Contains(t, f.Error(), contains)
}

func TestLoadKeepsTheManifestBytesAndHash(t *testing.T) {
	e := newEngine(t, sandbox.Limits{}, nil)
	m := load(t, e, faultyPkg, "faulty")
	assert.Equal(t, "faulty", m.Name())
	assert.Len(t, m.SHA256(), 64)
	var man v1.Manifest
	require.NoError(t, man.UnmarshalVT(m.ManifestBytes()))
	assert.Equal(t, "faulty", man.GetName())
}

func TestFaultsFailOnlyTheirOwnCall(t *testing.T) {
	e := newEngine(t, sandbox.Limits{CallTimeout: 20 * time.Second, MemoryBytes: 32 << 20}, nil)
	m := load(t, e, faultyPkg, "faulty")

	_, err := authorize(t, m, "trap")
	requireFault(t, err, sandbox.FaultTrap, "assignment to entry in nil map")

	short := newEngine(t, sandbox.Limits{CallTimeout: 300 * time.Millisecond}, nil)
	_, err = authorize(t, load(t, short, faultyPkg, "faulty"), "loop")
	requireFault(t, err, sandbox.FaultTimeout, "did not finish within 300ms")

	_, err = authorize(t, m, "oom")
	requireFault(t, err, sandbox.FaultOutOfMemory, "ran out of memory (limit 32 MiB)")

	_, err = authorize(t, m, "huge")
	requireFault(t, err, sandbox.FaultOutputTooLarge, "over the 4194304-byte limit")

	// The module still serves: faulty instances were discarded and replaced.
	body, err := authorize(t, m, "ok_after")
	require.NoError(t, err)
	assert.Equal(t, []byte("ok_after"), body)
}

func TestHealthyModuleKeepsServingDuringFaults(t *testing.T) {
	e := newEngine(t, sandbox.Limits{CallTimeout: 300 * time.Millisecond}, nil)
	bad := load(t, e, faultyPkg, "faulty")
	good := load(t, e, faultyPkg, "faulty")

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
			_, err := authorize(t, good, "ok")
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		assert.NoError(t, err)
	}
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

	small := newEngine(t, sandbox.Limits{MemoryBytes: 1 << 20}, nil)
	_, err = small.Load(ctx, "faulty", wasmbuild.Read(t, faultyPkg, "faulty"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "needs more memory at start than the 1 MiB limit")
}

func TestInputTooLarge(t *testing.T) {
	e := newEngine(t, sandbox.Limits{MaxInputBytes: 1024}, nil)
	m := load(t, e, faultyPkg, "faulty")
	_, f := m.Call(context.Background(), abi.ExportBuildRequest, make([]byte, 2048), nil)
	require.NotNil(t, f)
	assert.Equal(t, sandbox.FaultInputTooLarge, f.Kind)
}

// An output the caller's check rejects fails the call as bad output and
// discards the instance; the next call runs on a fresh one.
func TestRejectedOutputDiscardsTheInstance(t *testing.T) {
	rec := &recorder{stopped: map[string]int{}}
	e := newEngine(t, sandbox.Limits{PoolSize: 1}, rec)
	m := load(t, e, faultyPkg, "faulty")
	_, f := m.Call(context.Background(), abi.ExportBuildRequest, nil, func([]byte) error { return errors.New("not what I asked for") })
	require.NotNil(t, f)
	assert.Equal(t, sandbox.FaultBadOutput, f.Kind)
	assert.Contains(t, f.Error(), `plugin "faulty": connector_build_request: not what I asked for`)
	_, err := authorize(t, m, "ok")
	require.NoError(t, err)
	rec.mu.Lock()
	defer rec.mu.Unlock()
	assert.Equal(t, 1, rec.stopped["fault"])
	assert.Equal(t, 2, rec.started)
}

func TestInstancesAreRecycledAfterMaxCalls(t *testing.T) {
	rec := &recorder{stopped: map[string]int{}, startedCh: make(chan struct{}, 16)}
	e := newEngine(t, sandbox.Limits{MaxCallsPerInstance: 3, PoolSize: 1}, rec)
	m := load(t, e, faultyPkg, "faulty")
	rec.waitStarted(t, 1)
	// Calls follow each other without waiting: a replacement starts in the
	// background on the recycled instance's pool slot, so the next call
	// waits for it rather than starting one more instance than PoolSize.
	for range 7 {
		_, err := authorize(t, m, "ok")
		require.NoError(t, err)
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	// Each instance serves 3 calls, then is replaced.
	assert.Equal(t, 2, rec.stopped["recycled_calls"])
	assert.Equal(t, 3, rec.started)
}

func TestRetireWaitsForReferences(t *testing.T) {
	e := newEngine(t, sandbox.Limits{}, nil)
	m, err := e.Load(context.Background(), "faulty", wasmbuild.Read(t, faultyPkg, "faulty"))
	require.NoError(t, err)
	require.True(t, m.Acquire())
	done := m.Retire()
	assert.False(t, m.Acquire(), "a retiring module takes no new references")
	select {
	case <-done:
		t.Fatal("closed while a reference was held")
	default:
	}
	_, err = authorize(t, m, "ok_in_flight")
	require.NoError(t, err, "calls holding a reference finish on the retiring version")
	m.Release()
	<-done
	_, err = authorize(t, m, "ok")
	var f *sandbox.Fault
	require.ErrorAs(t, err, &f)
	assert.Equal(t, sandbox.FaultUnavailable, f.Kind)
}

func TestWarmFillsThePoolAndNoMore(t *testing.T) {
	rec := &recorder{stopped: map[string]int{}}
	e := newEngine(t, sandbox.Limits{PoolSize: 2}, rec)
	m := load(t, e, faultyPkg, "faulty")
	m.Warm(5)
	m.Warm(5)
	rec.mu.Lock()
	started := rec.started
	rec.mu.Unlock()
	assert.Equal(t, 2, started, "the load instance plus one warmed: the pool size")
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := authorize(t, m, "ok")
			assert.NoError(t, err)
		}()
	}
	wg.Wait()
	rec.mu.Lock()
	defer rec.mu.Unlock()
	assert.Equal(t, 2, rec.started, "warm instances served the burst; none was started on the request path")
	assert.Zero(t, rec.stopped["surplus"])
}
