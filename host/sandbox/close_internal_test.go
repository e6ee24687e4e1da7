package sandbox

import (
	"context"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectorhost/connector-host/internal/wasmbuild"
)

// Closing a module releases its compiled form: the engine's compilation
// cache (shared by all modules) would otherwise keep every version ever
// loaded (each hot reload, each start-up manifest read, each idle
// deactivation) until the host exits.
func TestClosedModulesLeaveNothingInTheEngine(t *testing.T) {
	wasm := wasmbuild.Read(t, "./host/sandbox/testdata/faulty", "faulty")
	e, err := NewEngine(Options{CacheDir: t.TempDir()})
	require.NoError(t, err)
	t.Cleanup(func() { _ = e.Close(context.Background()) })
	heap := func() int64 {
		var ms runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&ms)
		return int64(ms.HeapAlloc)
	}
	loadClose := func(i byte) {
		variant := append(append([]byte(nil), wasm...), 0, 3, 1, 'v', i) // a custom section: a new version
		p, err := e.Load(context.Background(), "faulty", variant)
		require.NoError(t, err)
		p.Close()
	}
	loadClose(0) // and the engine's one-time state
	first := heap()
	for i := byte(1); i <= 8; i++ {
		loadClose(i)
	}
	grown := heap() - first
	t.Logf("heap grew %d bytes over 8 versions", grown)
	// Each version of this plugin holds ~5 MiB while open; eight kept would be ~40.
	assert.Less(t, grown, int64(16<<20), "eight closed versions hold (next to) nothing")
}
