package registry_test

import (
	"context"
	"crypto/ed25519"
	"errors"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectorhost/connector-host/host/plugin"
	"github.com/connectorhost/connector-host/host/registry"
	"github.com/connectorhost/connector-host/host/sandbox"
	"github.com/connectorhost/connector-host/internal/wasmbuild"
)

// codeCache is the compiled-code cache the hardening tests share, so each
// test does not compile the Go plugin again.
var codeCache string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "registry-code-")
	if err != nil {
		panic(err)
	}
	codeCache = dir
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

func newEngine(t *testing.T, lim sandbox.Limits, obs sandbox.Observer) *sandbox.Engine {
	t.Helper()
	eng, err := sandbox.NewEngine(sandbox.Options{Limits: lim, Observer: obs, CacheDir: codeCache})
	require.NoError(t, err)
	t.Cleanup(func() { _ = eng.Close(context.Background()) })
	return eng
}

func start(t *testing.T, opts registry.Options) (*registry.Registry, *events) {
	t.Helper()
	ev := &events{ch: make(chan registry.Event, 1000)}
	if opts.OnEvent == nil {
		opts.OnEvent = ev.on
	}
	r, err := registry.New(context.Background(), opts)
	require.NoError(t, err)
	t.Cleanup(r.Close)
	require.NoError(t, r.WaitLoaded(context.Background()))
	return r, ev
}

// countingGate passes every version except those whose manifest version is refuse.
func countingGate(runs *atomic.Int32, refuse string) registry.Gate {
	return func(_ context.Context, p *plugin.Plugin, _ []byte) error {
		runs.Add(1)
		if p.Manifest().GetVersion() == refuse {
			return errors.New("check X failed")
		}
		return nil
	}
}

// The gate runs for every version before it serves, also when the manifest
// cache is warm from a run without the gate, and a pass is remembered by
// module hash and gate settings.
func TestGateRunsWithAWarmManifestCache(t *testing.T) {
	dir, cache := t.TempDir(), t.TempDir()
	install(t, dir, wasmbuild.Build(t, faultyPkg, "faulty"))
	eng := newEngine(t, sandbox.Limits{}, nil)

	first, _ := start(t, registry.Options{Dir: dir, Engine: eng, CacheDir: cache})
	first.Close() // the manifest cache now knows faulty

	var runs atomic.Int32
	refusing, _ := start(t, registry.Options{Dir: dir, Engine: eng, CacheDir: cache, Gate: countingGate(&runs, "1.0.0"), GateKey: "strict"})
	info, _ := refusing.Get("faulty")
	assert.Equal(t, registry.StateFailed, info.State, "a warm manifest cache does not skip the gate")
	assert.Contains(t, info.LoadError, "failed the conformance gate")
	_, _, err := refusing.Acquire(context.Background(), "faulty")
	assert.ErrorIs(t, err, registry.ErrNotReady)
	refusing.Close()

	runs.Store(0)
	passing, _ := start(t, registry.Options{Dir: dir, Engine: eng, CacheDir: cache, Gate: countingGate(&runs, ""), GateKey: "v1"})
	assert.Equal(t, int32(1), runs.Load())
	_, err = call(context.Background(), passing, "ok")
	require.NoError(t, err)
	info, _ = passing.Get("faulty")
	assert.True(t, info.ConformancePassed)
	assert.Equal(t, int32(1), runs.Load(), "activation reuses this version's pass")
	passing.Close()

	runs.Store(0)
	again, _ := start(t, registry.Options{Dir: dir, Engine: eng, CacheDir: cache, Gate: countingGate(&runs, ""), GateKey: "v1"})
	info, _ = again.Get("faulty")
	assert.True(t, info.ConformancePassed)
	assert.Zero(t, runs.Load(), "same module hash and gate settings: the cached pass stands")
	again.Close()

	changed, _ := start(t, registry.Options{Dir: dir, Engine: eng, CacheDir: cache, Gate: countingGate(&runs, ""), GateKey: "v2"})
	assert.Equal(t, int32(1), runs.Load(), "changed gate settings gate again")
	info, _ = changed.Get("faulty")
	assert.True(t, info.ConformancePassed)
}

// Lazy activation of a file that changed since its manifest was read (no
// watcher) gates the new version before it serves.
func TestGateRunsOnLazyActivation(t *testing.T) {
	dir := t.TempDir()
	install(t, dir, wasmbuild.Build(t, faultyPkg, "faulty"))
	eng := newEngine(t, sandbox.Limits{}, nil)
	var runs atomic.Int32
	r, _ := start(t, registry.Options{Dir: dir, Engine: eng, CacheDir: t.TempDir(), Gate: countingGate(&runs, "2.0.0")})
	info, _ := r.Get("faulty")
	require.False(t, info.Active)
	require.True(t, info.ConformancePassed)

	install(t, dir, wasmbuild.Build(t, faultyPkg, "faulty", "-X main.version=2.0.0"))
	_, err := call(context.Background(), r, "ok")
	require.ErrorIs(t, err, registry.ErrNotReady)
	assert.Contains(t, err.Error(), "failed the conformance gate")
	assert.Equal(t, int32(2), runs.Load())
}

// A plugin stuck at load does not hold up the others, and Close interrupts
// it promptly. (That it is refused at the load deadline naming the export is
// TestLoadDeadlineNamesTheExport in host/sandbox.)
func TestStuckLoadBlocksNoOtherPlugin(t *testing.T) {
	b, err := os.ReadFile("../sandbox/testdata/hostile/hang_initialize.wasm")
	require.NoError(t, err)
	hang := func(dir string) {
		require.NoError(t, os.WriteFile(filepath.Join(dir, "hang_initialize.wasm"), b, 0o644))
	}
	dir := t.TempDir()
	install(t, dir, wasmbuild.Build(t, faultyPkg, "faulty"))
	hang(dir)
	eng := newEngine(t, sandbox.Limits{LoadTimeout: time.Hour}, nil)
	ev := &events{ch: make(chan registry.Event, 100)}
	r, err := registry.New(context.Background(), registry.Options{Dir: dir, Engine: eng, Eager: true, OnEvent: ev.on})
	require.NoError(t, err)
	ev.wait(t, registry.EventLoaded, "faulty")
	info, _ := r.Get("hang_initialize")
	assert.Equal(t, registry.StateLoading, info.State, "faulty loaded while the other plugin is stuck")
	_, err = call(context.Background(), r, "ok")
	require.NoError(t, err)
	began := time.Now()
	r.Close()
	assert.Less(t, time.Since(began), 2*time.Second, "Close interrupts the stuck load")
}

// A plugin starts with one warm instance (the one that read its manifest),
// not a pool's worth: a connector called now and then holds one instance's
// memory. A new version of a serving plugin is warmed to as many instances as
// the serving version runs before it is published, so the traffic that pool
// carried moves over without waiting for instances to start.
func TestNewVersionIsWarmBeforeItServes(t *testing.T) {
	dir := t.TempDir()
	install(t, dir, wasmbuild.Build(t, faultyPkg, "faulty"))
	var started atomic.Int32
	obs := &startCounter{n: &started}
	eng := newEngine(t, sandbox.Limits{PoolSize: 3}, obs)
	var atLoad atomic.Int32
	r, _ := start(t, registry.Options{Dir: dir, Engine: eng, Eager: true, OnEvent: func(e registry.Event) {
		if e.Kind == registry.EventLoaded {
			atLoad.Store(started.Load())
		}
	}})
	assert.Equal(t, int32(1), atLoad.Load(), "the first version starts with one warm instance")
	p, release, err := r.Acquire(context.Background(), "faulty")
	require.NoError(t, err)
	p.Warm(2) // the serving version now runs three instances (as under traffic)
	require.Equal(t, 3, p.Live())
	release()

	// A new version replaces it (Reload is the watcher's path, synchronous).
	install(t, dir, wasmbuild.Build(t, faultyPkg, "faulty", "-X main.version=2.0.0"))
	before := started.Load()
	r.Reload(context.Background(), "faulty")
	assert.Equal(t, int32(3), atLoad.Load()-before, "all three instances of the new version started before it was published")
	m, err := call(context.Background(), r, "ok")
	require.NoError(t, err)
	assert.Equal(t, "2.0.0", m.GetVersion())
}

type startCounter struct{ n *atomic.Int32 }

func (s *startCounter) Transform(string, string, time.Duration, *sandbox.Fault) {}
func (s *startCounter) InstanceStarted(string, time.Duration)                   { s.n.Add(1) }
func (s *startCounter) InstanceStopped(string, string)                          {}

// With trusted keys, an unsigned or badly signed file is refused with a
// clear error and the signed version keeps serving.
func TestSignedPluginsOnly(t *testing.T) {
	pub, priv, err := ed25519.GenerateKey(nil)
	require.NoError(t, err)
	_, other, err := ed25519.GenerateKey(nil)
	require.NoError(t, err)
	dir := t.TempDir()
	v1 := wasmbuild.Build(t, faultyPkg, "faulty")
	install(t, dir, v1)
	eng := newEngine(t, sandbox.Limits{}, nil)

	r, _ := start(t, registry.Options{Dir: dir, Engine: eng, Eager: true, TrustedKeys: []ed25519.PublicKey{pub}})
	info, _ := r.Get("faulty")
	assert.Equal(t, registry.StateFailed, info.State)
	assert.Contains(t, info.LoadError, "unsigned plugin: plugins.trusted_keys is set and")
	assert.Contains(t, info.LoadError, "faulty.wasm.sig does not exist")
	r.Close()

	sign := func(key ed25519.PrivateKey, src string) {
		b, err := os.ReadFile(src)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, "faulty.wasm.sig"), registry.Sign(key, b), 0o644))
	}
	sign(priv, v1)
	r, ev := start(t, registry.Options{Dir: dir, Engine: eng, Eager: true, TrustedKeys: []ed25519.PublicKey{pub}, Debounce: 20 * time.Millisecond})
	m, err := call(context.Background(), r, "ok")
	require.NoError(t, err)
	assert.Equal(t, "1.0.0", m.GetVersion())
	require.NoError(t, r.Watch(context.Background()))

	// Version 2 signed by an untrusted key: refused, version 1 keeps serving.
	v2 := wasmbuild.Build(t, faultyPkg, "faulty", "-X main.version=2.0.0")
	sign(other, v2)
	install(t, dir, v2)
	failed := ev.wait(t, registry.EventFailed, "faulty")
	assert.Contains(t, failed.Err.Error(), "does not match the file under any of the 1 keys in plugins.trusted_keys")
	m, err = call(context.Background(), r, "ok")
	require.NoError(t, err)
	assert.Equal(t, "1.0.0", m.GetVersion())

	// Signed properly (the .sig change alone triggers the reload): served.
	sign(priv, v2)
	ev.wait(t, registry.EventLoaded, "faulty")
	m, err = call(context.Background(), r, "ok")
	require.NoError(t, err)
	assert.Equal(t, "2.0.0", m.GetVersion())
}
