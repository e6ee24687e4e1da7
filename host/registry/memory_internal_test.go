package registry

import (
	"context"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/connectorhost/connector-host/host/sandbox"
	"github.com/connectorhost/connector-host/internal/wasmbuild"
)

// An activation returns the compiler's garbage to the operating system in
// the background: the call that activated the plugin is served while the
// release is still running.
func TestActivationDoesNotWaitForTheMemoryRelease(t *testing.T) {
	dir := t.TempDir()
	b, err := os.ReadFile(wasmbuild.Build(t, "./host/sandbox/testdata/faulty", "faulty"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "faulty.wasm"), b, 0o644))
	eng, err := sandbox.NewEngine(sandbox.Options{CacheDir: filepath.Join(t.TempDir(), "code")})
	require.NoError(t, err)
	var armed atomic.Bool
	entered, unblock := make(chan struct{}, 1), make(chan struct{})
	r, err := New(context.Background(), Options{Dir: dir, Engine: eng, CacheDir: t.TempDir(), freeOSMemory: func() {
		if armed.Load() {
			entered <- struct{}{}
			<-unblock // a release that never ends while the call is served
		}
	}})
	require.NoError(t, err)
	t.Cleanup(func() { r.Close(); _ = eng.Close(context.Background()) })
	t.Cleanup(func() { close(unblock) })
	require.NoError(t, r.WaitLoaded(context.Background()))

	armed.Store(true)
	_, release, err := r.Acquire(context.Background(), "faulty")
	require.NoError(t, err, "the activating call is served while the release runs")
	release()
	<-entered // and the activation did ask for a release
}
