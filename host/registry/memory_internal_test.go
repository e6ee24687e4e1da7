package registry

import (
	"context"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectorhost/connector-host/host/sandbox"
	"github.com/connectorhost/connector-host/internal/wasmbuild"
)

// The call that activates a plugin waits for the heap the load freed (the
// compiler's garbage) to go back to the operating system before it goes on,
// and no longer than activationMemoryWait when that is slow.
func TestActivationWaitsBrieflyForTheMemoryRelease(t *testing.T) {
	dir := t.TempDir()
	b, err := os.ReadFile(wasmbuild.Build(t, "./host/sandbox/testdata/faulty", "faulty"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "faulty.wasm"), b, 0o644))
	eng, err := sandbox.NewEngine(sandbox.Options{CacheDir: filepath.Join(t.TempDir(), "code")})
	require.NoError(t, err)
	var armed atomic.Bool
	unblock := make(chan struct{})
	r, err := New(context.Background(), Options{Dir: dir, Engine: eng, CacheDir: t.TempDir(), freeOSMemory: func() {
		if armed.Load() {
			<-unblock // a release that takes long
		}
	}})
	require.NoError(t, err)
	t.Cleanup(func() { r.Close(); _ = eng.Close(context.Background()) })
	t.Cleanup(func() { close(unblock) })
	require.NoError(t, r.WaitLoaded(context.Background()))

	armed.Store(true)
	start := time.Now()
	_, release, err := r.Acquire(context.Background(), "faulty")
	require.NoError(t, err)
	release()
	waited := time.Since(start)
	assert.GreaterOrEqual(t, waited, activationMemoryWait, "the activating call waited for the release")
	assert.Less(t, waited, 30*time.Second, "and not for ever")
}
