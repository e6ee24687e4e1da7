package sandbox

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectorhost/connector-host/abi"
	"github.com/connectorhost/connector-host/host/sandbox/internal/interrupt"
)

// An instance keeps its export handles from call to call (no 10 KiB stack
// to allocate and grow each time), except after a call that went deep: its
// handle holds the grown stack outside the memory cap, so the handles are
// taken afresh and the deep-call flag is reset.
func TestHandlesAreKeptUntilACallGoesDeep(t *testing.T) {
	ctx := context.Background()
	wasm, err := os.ReadFile(filepath.Join("testdata", "hostile", "deep_return.wasm"))
	require.NoError(t, err, "rebuild with go generate ./host/sandbox/")
	e, err := NewEngine(Options{Limits: Limits{PoolSize: 1}})
	require.NoError(t, err)
	t.Cleanup(func() { _ = e.Close(ctx) })
	p, err := e.Load(ctx, "deep_return", wasm)
	require.NoError(t, err)
	t.Cleanup(p.Close)

	inst := <-p.idle
	require.NotNil(t, inst.stackLimit, "the rewriter exports its stack limit")
	assert.Equal(t, uint64(interrupt.SoftStackBytes), inst.stackLimit.Get())
	parse := inst.parse
	_, err = inst.invoke(ctx, abi.ExportParseResponse, nil, 1<<20)
	require.NoError(t, err)
	assert.Same(t, parse, inst.parse, "a shallow call keeps the handles")

	build := inst.build
	_, err = inst.invoke(ctx, abi.ExportBuildRequest, nil, 1<<20)
	require.NoError(t, err, "10,000 frames are within the stack limit")
	assert.NotSame(t, build, inst.build, "a deep call's handles are replaced")
	assert.Equal(t, uint64(interrupt.SoftStackBytes), inst.stackLimit.Get(), "and the flag is reset")
	p.idle <- inst
}

// A plugin starts with one instance and keeps one under sequential calls; a
// call that takes the last warm instance while another call is in flight
// starts one more in the background, so the pool grows with concurrency
// instead of on a call's path.
func TestPoolGrowsAheadOfConcurrentCalls(t *testing.T) {
	p := loadLimited(t, Limits{PoolSize: 3}, nil, "./host/sandbox/testdata/rawabi", "rawabi")
	ctx := context.Background()
	for i := 0; i < 5; i++ {
		_, f := p.Call(ctx, abi.ExportBuildRequest, []byte{1}, nil)
		require.Nil(t, f)
		p.collecting.Wait()
	}
	assert.Equal(t, 1, p.Live(), "sequential calls share one instance")

	p.slots <- struct{}{} // another call in flight
	defer func() { <-p.slots }()
	_, f := p.Call(ctx, abi.ExportBuildRequest, []byte{1}, nil)
	require.Nil(t, f)
	require.Eventually(t, func() bool { return p.Live() == 2 }, 30*time.Second, time.Millisecond,
		"the call that took the last warm instance beside another call starts one more")
}

// Once calls stop overlapping (for shrinkAfter), each call's instance beyond
// the first is stopped as it is released, down to one.
func TestPoolShrinksWhenCallsStopOverlapping(t *testing.T) {
	obs := &stops{}
	p := loadLimited(t, Limits{PoolSize: 3}, obs, "./host/sandbox/testdata/rawabi", "rawabi")
	ctx := context.Background()
	p.Warm(2)
	require.Equal(t, 3, p.Live())
	_, f := p.Call(ctx, abi.ExportBuildRequest, []byte{1}, nil)
	require.Nil(t, f)
	assert.Equal(t, 3, p.Live(), "within shrinkAfter of the load the pool is kept")

	p.shrinkAfter = 0 // calls have not overlapped for long enough
	for i := 0; i < 4; i++ {
		_, f := p.Call(ctx, abi.ExportBuildRequest, []byte{1}, nil)
		require.Nil(t, f)
	}
	assert.Equal(t, 1, p.Live(), "one instance a call goes, the last stays")
	assert.Equal(t, 2, obs.count("surplus"))
}
