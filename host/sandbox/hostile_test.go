package sandbox_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/encoding/protowire"

	"github.com/connectorhost/connector-host/abi"
	"github.com/connectorhost/connector-host/host/sandbox"
)

// hostile reads a WAT-built hostile plugin from testdata/hostile.
func hostile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "hostile", name+".wasm"))
	require.NoError(t, err, "rebuild with go generate ./host/sandbox/")
	return b
}

// hostileBuild calls connector_build_request (the hostile modules ignore
// their input) and checks, as the plugin-ABI client would, that the output is
// well-formed protobuf wire format.
func hostileBuild(ctx context.Context, p *sandbox.Module) error {
	_, f := p.Call(ctx, abi.ExportBuildRequest, []byte("any input"), func(out []byte) error {
		for len(out) > 0 {
			_, typ, n := protowire.ConsumeTag(out)
			if n < 0 {
				return fmt.Errorf("returned bytes that are not protobuf: %w", protowire.ParseError(n))
			}
			out = out[n:]
			if n = protowire.ConsumeFieldValue(0, typ, out); n < 0 {
				return fmt.Errorf("returned bytes that are not protobuf: %w", protowire.ParseError(n))
			}
			out = out[n:]
		}
		return nil
	})
	if f != nil {
		return f
	}
	return nil
}

// A guest call at load that never returns is refused at the load deadline,
// naming the export, whether it loops or recurses without a loop.
func TestLoadDeadlineNamesTheExport(t *testing.T) {
	const deadline = 300 * time.Millisecond
	e := newEngine(t, sandbox.Limits{LoadTimeout: deadline}, nil)
	for name, export := range map[string]string{
		"hang_initialize":    "_initialize",
		"recurse_initialize": "_initialize",
		"hang_abi_version":   "connector_abi_version",
		"hang_manifest":      "connector_manifest",
	} {
		t.Run(name, func(t *testing.T) {
			start := time.Now()
			p, err := e.Load(context.Background(), name, hostile(t, name))
			took := time.Since(start)
			require.Error(t, err)
			assert.Nil(t, p)
			assert.Contains(t, err.Error(), export)
			assert.Contains(t, err.Error(), "load deadline")
			var f *sandbox.Fault
			require.True(t, errors.As(err, &f))
			assert.Equal(t, sandbox.FaultTimeout, f.Kind)
			// Compilation comes before the deadline starts; a generous bound
			// still tells a deadline from a hang.
			assert.Less(t, took, deadline+3*time.Second)
		})
	}
}

// Binary recursion of depth 40 (10^12 calls, no loop instruction) fails at
// the call deadline: function entries count against the budget.
func TestRecursionWithoutLoopsHitsTheDeadline(t *testing.T) {
	const deadline = 300 * time.Millisecond
	e := newEngine(t, sandbox.Limits{CallTimeout: deadline}, nil)
	p, err := e.Load(context.Background(), "recurse", hostile(t, "recurse"))
	require.NoError(t, err)
	t.Cleanup(p.Close)
	start := time.Now()
	err = hostileBuild(context.Background(), p)
	took := time.Since(start)
	var f *sandbox.Fault
	require.True(t, errors.As(err, &f), "want a fault, got %v", err)
	assert.Equal(t, sandbox.FaultTimeout, f.Kind)
	assert.Less(t, took, deadline+250*time.Millisecond)
}

// Tables live outside linear memory: an unbounded growable one is refused,
// one whose maximum exceeds the memory cap is refused, and a bounded one is
// counted against the cap.
func TestTablesCountAgainstTheMemoryCap(t *testing.T) {
	e := newEngine(t, sandbox.Limits{MemoryBytes: 32 << 20}, nil)
	_, err := e.Load(context.Background(), "table_unbounded", hostile(t, "table_unbounded"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "table 0 can grow without limit")
	_, err = e.Load(context.Background(), "table_huge", hostile(t, "table_huge"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "tables and globals need 2097152 KiB")

	p, err := e.Load(context.Background(), "table_capped", hostile(t, "table_capped"))
	require.NoError(t, err, "a table bounded at 8 MiB fits a 32 MiB budget")
	t.Cleanup(p.Close)
	for range 3 { // the table reaches its maximum; growing past it fails in the guest, not the host
		require.NoError(t, hostileBuild(context.Background(), p))
	}
	// The same plugin with a budget its table alone exceeds is refused.
	small := newEngine(t, sandbox.Limits{MemoryBytes: 8 << 20}, nil)
	_, err = small.Load(context.Background(), "table_capped", hostile(t, "table_capped"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "over the 8 MiB memory limit")
}

func TestImportsOfGlobalsAndTablesAreRefusedByName(t *testing.T) {
	e := newEngine(t, sandbox.Limits{}, nil)
	_, err := e.Load(context.Background(), "import_global", hostile(t, "import_global"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "imports env.secret_base (global)")
	_, err = e.Load(context.Background(), "import_table", hostile(t, "import_table"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "imports env.tbl (table)")
}

// An instance that returned garbage is discarded, not pooled.
func TestGarbageOutputDiscardsTheInstance(t *testing.T) {
	eachCallFaultsAndDiscards(t, sandbox.Limits{}, "garbage", sandbox.FaultBadOutput, "")
}

// eachCallFaultsAndDiscards calls build_request of the hostile module name
// twice: each call fails with a fault of kind whose message holds detail,
// and discards its instance (the module keeps serving on a new one).
func eachCallFaultsAndDiscards(t *testing.T, lim sandbox.Limits, name string, kind sandbox.FaultKind, detail string) {
	t.Helper()
	rec := &recorder{stopped: map[string]int{}}
	e := newEngine(t, lim, rec)
	p, err := e.Load(context.Background(), name, hostile(t, name))
	require.NoError(t, err)
	t.Cleanup(p.Close)
	for range 2 {
		err := hostileBuild(context.Background(), p)
		var f *sandbox.Fault
		require.True(t, errors.As(err, &f), "want a fault, got %v", err)
		assert.Equal(t, kind, f.Kind, f.Error())
		assert.Contains(t, f.Error(), detail)
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	assert.Equal(t, 2, rec.stopped["fault"], "each failed call discards its instance")
}

// A deep (not long) recursion, 400,000 frames, hits the call stack limit
// (issue 11: stacks were outside the memory cap; wazero grows them to
// ~100 MiB): ResourceExhausted naming the limit, and the next call works
// on a fresh instance.
func TestDeepStackHitsTheStackLimit(t *testing.T) {
	eachCallFaultsAndDiscards(t, sandbox.Limits{PoolSize: 1}, "deep_stack", sandbox.FaultOutOfMemory, "exceeded the call stack limit of 16 MiB")
}

// The host's crypto functions read and write only the guest memory their
// arguments name: a range past the end of memory fails that call as a trap,
// the instance is discarded, and the module keeps serving.
func TestCryptoFunctionOutsideMemoryFailsOnlyItsCall(t *testing.T) {
	eachCallFaultsAndDiscards(t, sandbox.Limits{PoolSize: 1}, "crypto_out_of_bounds", sandbox.FaultTrap, "outside the plugin's memory")
}

// An import of a crypto function with another signature than the ABI's is
// refused at load, naming it.
func TestCryptoFunctionWithAnotherSignatureIsRefused(t *testing.T) {
	e := newEngine(t, sandbox.Limits{}, nil)
	_, err := e.Load(context.Background(), "crypto_wrong_type", hostile(t, "crypto_wrong_type"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "digest")
}
