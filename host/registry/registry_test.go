package registry_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/host/plugin"
	"github.com/connectorhost/connector-host/host/registry"
	"github.com/connectorhost/connector-host/host/sandbox"
	"github.com/connectorhost/connector-host/internal/wasmbuild"
)

const faultyPkg = "./host/sandbox/testdata/faulty"

// events collects registry events so tests wait on them instead of sleeping.
type events struct {
	ch chan registry.Event
}

func (e *events) on(ev registry.Event) { e.ch <- ev }

func (e *events) wait(t *testing.T, kind registry.EventKind, name string) registry.Event {
	t.Helper()
	timeout := time.After(60 * time.Second)
	for {
		select {
		case ev := <-e.ch:
			if ev.Kind == kind && ev.Name == name {
				return ev
			}
		case <-timeout:
			t.Fatalf("no %s event for %s", kind, name)
		}
	}
}

func setup(t *testing.T, eager bool) (*registry.Registry, string, *events) {
	t.Helper()
	dir := t.TempDir()
	install(t, dir, wasmbuild.Build(t, faultyPkg, "faulty"))
	eng, err := sandbox.NewEngine(sandbox.Options{CacheDir: filepath.Join(t.TempDir(), "code")})
	require.NoError(t, err)
	ev := &events{ch: make(chan registry.Event, 1000)}
	r, err := registry.New(context.Background(), registry.Options{
		Dir: dir, Engine: eng, CacheDir: t.TempDir(), Eager: eager, OnEvent: ev.on, Debounce: 20 * time.Millisecond,
	})
	require.NoError(t, err)
	t.Cleanup(func() { r.Close(); _ = eng.Close(context.Background()) })
	require.NoError(t, r.WaitLoaded(context.Background()))
	ev.wait(t, registry.EventLoaded, "faulty") // the start-up load
	return r, dir, ev
}

// install copies src into dir as faulty.wasm the way operators should: write
// elsewhere, then rename into place.
func install(t *testing.T, dir, src string) {
	t.Helper()
	b, err := os.ReadFile(src)
	require.NoError(t, err)
	tmp := filepath.Join(dir, ".faulty.tmp")
	require.NoError(t, os.WriteFile(tmp, b, 0o644))
	require.NoError(t, os.Rename(tmp, filepath.Join(dir, "faulty.wasm")))
}

func call(ctx context.Context, r *registry.Registry, id string) (*v1.Manifest, error) {
	p, release, err := r.Acquire(ctx, "faulty")
	if err != nil {
		return nil, err
	}
	defer release()
	req, _ := (&v1.PaymentServiceAuthorizeRequest{MerchantTransactionId: id}).MarshalVT()
	out, err := p.BuildRequest(ctx, &pluginv1.BuildRequestInput{Flow: v1.Flow_FLOW_AUTHORIZE, Request: req,
		Context: &pluginv1.CallContext{BaseUrl: "https://faulty.test"}})
	if err != nil {
		return nil, err
	}
	if out.GetHttpRequest() == nil {
		return nil, errors.New("no request built")
	}
	return p.Manifest(), nil
}

func TestLazyActivation(t *testing.T) {
	r, _, _ := setup(t, false)
	info, ok := r.Get("faulty")
	require.True(t, ok)
	assert.Equal(t, registry.StateReady, info.State)
	assert.Equal(t, "faulty", info.Manifest.GetName())
	assert.False(t, info.Active, "a plugin is not activated before its first call")

	m, err := call(context.Background(), r, "ok")
	require.NoError(t, err)
	assert.Equal(t, "1.0.0", m.GetVersion())
	info, _ = r.Get("faulty")
	assert.True(t, info.Active)

	_, _, err = r.Acquire(context.Background(), "nope")
	assert.ErrorIs(t, err, registry.ErrNotFound)
}

func TestHotReloadBrokenFileAndRemoval(t *testing.T) {
	r, dir, ev := setup(t, true)
	require.NoError(t, r.Watch(context.Background()))

	install(t, dir, wasmbuild.Build(t, faultyPkg, "faulty", "-X main.version=2.0.0"))
	ev.wait(t, registry.EventLoaded, "faulty")
	m, err := call(context.Background(), r, "ok")
	require.NoError(t, err)
	assert.Equal(t, "2.0.0", m.GetVersion())

	// A broken file is reported and leaves version 2 serving.
	require.NoError(t, os.WriteFile(filepath.Join(dir, "faulty.wasm"), []byte("\x00asm broken"), 0o644))
	failed := ev.wait(t, registry.EventFailed, "faulty")
	assert.Contains(t, failed.Err.Error(), "not a valid WebAssembly module")
	m, err = call(context.Background(), r, "ok")
	require.NoError(t, err)
	assert.Equal(t, "2.0.0", m.GetVersion())
	info, _ := r.Get("faulty")
	assert.Equal(t, registry.StateReady, info.State)
	assert.Contains(t, info.LoadError, "not a valid WebAssembly module")

	require.NoError(t, os.Remove(filepath.Join(dir, "faulty.wasm")))
	ev.wait(t, registry.EventUnloaded, "faulty")
	_, err = call(context.Background(), r, "ok")
	assert.ErrorIs(t, err, registry.ErrNotFound)
}

func TestTwentySwapsUnderTrafficLoseNoCall(t *testing.T) {
	r, dir, ev := setup(t, true)
	v1path := wasmbuild.Build(t, faultyPkg, "faulty")
	v2path := wasmbuild.Build(t, faultyPkg, "faulty", "-X main.version=2.0.0")

	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	var calls, failures atomic.Int64
	var firstErr atomic.Value
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				_, err := call(context.Background(), r, "ok")
				calls.Add(1)
				if err != nil {
					failures.Add(1)
					firstErr.CompareAndSwap(nil, err.Error())
				}
			}
		}()
	}
	for i := 0; i < 20; i++ {
		src := v1path
		if i%2 == 0 {
			src = v2path
		}
		install(t, dir, src)
		r.Reload(context.Background(), "faulty")
		ev.wait(t, registry.EventLoaded, "faulty")
	}
	cancel()
	wg.Wait()
	assert.Zero(t, failures.Load(), "first error: %v", firstErr.Load())
	assert.Greater(t, calls.Load(), int64(20))
	info, _ := r.Get("faulty")
	assert.Equal(t, "1.0.0", info.Manifest.GetVersion())
}

func TestGateRefusesPlugin(t *testing.T) {
	dir := t.TempDir()
	install(t, dir, wasmbuild.Build(t, faultyPkg, "faulty"))
	eng, err := sandbox.NewEngine(sandbox.Options{})
	require.NoError(t, err)
	defer eng.Close(context.Background())
	r, err := registry.New(context.Background(), registry.Options{Dir: dir, Engine: eng,
		Gate: func(context.Context, *plugin.Plugin, []byte) error { return errors.New("check X failed") }})
	require.NoError(t, err)
	defer r.Close()
	require.NoError(t, r.WaitLoaded(context.Background()))
	info, _ := r.Get("faulty")
	assert.Equal(t, registry.StateFailed, info.State)
	assert.Contains(t, info.LoadError, "failed the conformance gate: check X failed")
	_, _, err = r.Acquire(context.Background(), "faulty")
	assert.ErrorIs(t, err, registry.ErrNotReady)
}

func TestIdlePluginsAreDeactivatedAndComeBack(t *testing.T) {
	r, _, _ := setup(t, false)
	_, err := call(context.Background(), r, "ok")
	require.NoError(t, err)
	info, _ := r.Get("faulty")
	require.True(t, info.Active)

	assert.Zero(t, r.DeactivateIdle(time.Hour), "used a moment ago: kept")
	assert.Equal(t, 1, r.DeactivateIdle(0))
	info, _ = r.Get("faulty")
	assert.False(t, info.Active, "deactivated")
	assert.Equal(t, registry.StateReady, info.State, "still listed and ready")

	m, err := call(context.Background(), r, "ok")
	require.NoError(t, err, "the next call activates it again")
	assert.Equal(t, "faulty", m.GetName())
}
