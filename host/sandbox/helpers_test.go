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
	// startedCh, when set, gets a value after each start (see waitStarted).
	startedCh chan struct{}
}

func (r *recorder) Transform(string, string, time.Duration, *sandbox.Fault) {}
func (r *recorder) InstanceStarted(string, time.Duration) {
	r.mu.Lock()
	r.started++
	ch := r.startedCh
	r.mu.Unlock()
	if ch != nil {
		ch <- struct{}{}
	}
}

// waitStarted waits until n instances have started in all (each start
// signals startedCh, which must be buffered or drained by this).
func (r *recorder) waitStarted(t *testing.T, n int) {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		r.mu.Lock()
		got := r.started
		r.mu.Unlock()
		if got >= n {
			return
		}
		select {
		case <-r.startedCh:
		case <-timeout:
			t.Fatalf("%d instances started, want %d", got, n)
		}
	}
}
func (r *recorder) InstanceStopped(_, reason string) {
	r.mu.Lock()
	r.stopped[reason]++
	r.mu.Unlock()
}
