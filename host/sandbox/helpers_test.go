package sandbox_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/connectorhost/connector-host/host/sandbox"
)

func newEngine(t *testing.T, lim sandbox.Limits, obs sandbox.Observer) *sandbox.Engine {
	t.Helper()
	e, err := sandbox.NewEngine(sandbox.Options{Limits: lim, Observer: obs, CacheDir: t.TempDir()})
	require.NoError(t, err)
	t.Cleanup(func() { _ = e.Close(context.Background()) })
	return e
}

// recorder counts instance starts and stops by reason.
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
