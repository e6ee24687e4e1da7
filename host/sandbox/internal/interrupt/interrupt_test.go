package interrupt

import (
	"bytes"
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
)

// loopModule exports "run", an endless loop, and defines one memory page.
var loopModule = []byte{
	0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
	0x01, 0x04, 0x01, 0x60, 0x00, 0x00, // type: () -> ()
	0x03, 0x02, 0x01, 0x00, // function 0: type 0
	0x05, 0x03, 0x01, 0x00, 0x01, // memory: min 1
	0x07, 0x07, 0x01, 0x03, 'r', 'u', 'n', 0x00, 0x00, // export "run" = func 0
	0x0a, 0x09, 0x01, 0x07, 0x00, 0x03, 0x40, 0x0c, 0x00, 0x0b, 0x0b, // loop br 0 end end
}

func TestInterruptStopsAnEndlessLoop(t *testing.T) {
	out, err := Instrument(loopModule)
	require.NoError(t, err)
	ctx := context.Background()
	rt := wazero.NewRuntime(ctx) // no close-on-context-done: only the rewrite can stop it
	require.NoError(t, InstantiateYield(ctx, rt))
	defer rt.Close(ctx)
	mod, err := rt.Instantiate(ctx, out)
	require.NoError(t, err, "the rewritten module must validate")
	flag, ok := mod.ExportedGlobal(ExportName).(api.MutableGlobal)
	require.True(t, ok, "the interrupt flag is exported and mutable")
	assert.Equal(t, uint64(0), flag.Get())

	done := make(chan error, 1)
	go func() {
		_, err := mod.ExportedFunction("run").Call(ctx)
		done <- err
	}()
	flag.Set(1)
	select {
	case err := <-done:
		require.Error(t, err)
		assert.Contains(t, err.Error(), "unreachable")
	case <-time.After(30 * time.Second):
		t.Fatal("the loop did not stop after the interrupt flag was set")
	}
}

// The slow path exits to Go, so a timer can set the flag even when every
// processor is busy running looping modules, whether each call yields at
// every slow path or (with a Clock, as the host calls) every YieldInterval.
func TestInterruptWorksWithEveryProcessorLooping(t *testing.T) {
	for _, clocked := range []bool{false, true} {
		t.Run(map[bool]string{false: "yield at every slow path", true: "yield every interval"}[clocked], func(t *testing.T) {
			interruptEveryProcessorLooping(t, clocked)
		})
	}
}

func interruptEveryProcessorLooping(t *testing.T, clocked bool) {
	out, err := Instrument(loopModule)
	require.NoError(t, err)
	ctx := context.Background()
	rt := wazero.NewRuntime(ctx)
	require.NoError(t, InstantiateYield(ctx, rt))
	defer rt.Close(ctx)
	compiled, err := rt.CompileModule(ctx, out)
	require.NoError(t, err)
	const n = 8 // more than the test machine's processors
	done := make(chan error, n)
	for i := 0; i < n; i++ {
		mod, err := rt.InstantiateModule(ctx, compiled, wazero.NewModuleConfig().WithName(""))
		require.NoError(t, err)
		flag := mod.ExportedGlobal(ExportName).(api.MutableGlobal)
		tctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
		defer cancel()
		context.AfterFunc(tctx, func() { flag.Set(1) })
		cctx := ctx
		if clocked {
			c := &Clock{}
			c.Start()
			cctx = WithClock(ctx, c)
		}
		go func() {
			_, err := mod.ExportedFunction("run").Call(cctx)
			done <- err
		}()
	}
	for i := 0; i < n; i++ {
		select {
		case err := <-done:
			assert.Error(t, err)
		case <-time.After(60 * time.Second):
			t.Fatal("timers starved: loops did not stop")
		}
	}
}

// A call's Clock lets it yield once YieldInterval has passed since its start
// or its last yield, and not again before the next interval has passed.
func TestClockSpacesYields(t *testing.T) {
	var c Clock
	c.Start()
	assert.False(t, c.due(), "a call that just started does not yield")
	c.last = time.Now().Add(-2 * YieldInterval)
	assert.True(t, c.due(), "a call running for two intervals yields")
	assert.False(t, c.due(), "and not again right after")
}

func TestRefusesWhatItCannotRewrite(t *testing.T) {
	noMemory := []byte{
		0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
		0x01, 0x04, 0x01, 0x60, 0x00, 0x00,
		0x03, 0x02, 0x01, 0x00,
		0x0a, 0x04, 0x01, 0x02, 0x00, 0x0b,
	}
	_, err := Instrument(noMemory)
	assert.True(t, errors.Is(err, ErrUnsupported), "%v", err)

	simd := append([]byte{}, loopModule[:len(loopModule)-11]...)
	simd = append(simd, 0x0a, 0x08, 0x01, 0x06, 0x00, 0xfd, 0x0c, 0x00, 0x0b, 0x0b) // a v128 op
	_, err = Instrument(simd)
	assert.True(t, errors.Is(err, ErrUnsupported), "%v", err)

	_, err = Instrument([]byte("not wasm"))
	assert.Error(t, err)
	_, err = Instrument(loopModule[:len(loopModule)-3])
	assert.Error(t, err, "a truncated module is an error, not a panic")
}

func TestCountsImportedGlobals(t *testing.T) {
	// import "env" "g" global i32 const; import "env" "f" func type 0
	imports := []byte{0x02, 0x01, 0x03, 'e', 'n', 'v', 0x01, 'g', 0x03, 0x7f, 0x00, 0x03, 'e', 'n', 'v', 0x01, 'f', 0x00, 0x00}
	imports[1] = 0x02
	n, err := countImportedGlobals([]section{{id: secImport, body: imports[1:]}})
	require.NoError(t, err)
	assert.Equal(t, uint32(1), n)
}

func TestSignedLEB(t *testing.T) {
	assert.Equal(t, []byte{0x80, 0x80, 0x01}, appendS32(nil, Budget))
	assert.Equal(t, []byte{0x7f}, appendS32(nil, -1))
	assert.Equal(t, []byte{0x3f}, appendS32(nil, 63))
	assert.Equal(t, []byte{0xc0, 0x00}, appendS32(nil, 64))
}

// Function indices are renumbered everywhere (calls, call_indirect through
// active, passive and expression element segments, ref.func in code and
// globals, the start function, exports) after the yield import is added.
func TestInstrumentRenumbersFunctions(t *testing.T) {
	wasm, err := os.ReadFile("testdata/shift.wasm")
	require.NoError(t, err)
	out, err := Instrument(wasm)
	require.NoError(t, err)
	ctx := context.Background()
	rt := wazero.NewRuntime(ctx)
	defer rt.Close(ctx)
	require.NoError(t, InstantiateYield(ctx, rt))
	_, err = rt.NewHostModuleBuilder("env").NewFunctionBuilder().WithFunc(func() int32 { return 1000 }).Export("imported").Instantiate(ctx)
	require.NoError(t, err)
	for name, m := range map[string][]byte{"original": wasm, "instrumented": out} {
		mod, err := rt.InstantiateWithConfig(ctx, m, wazero.NewModuleConfig().WithName(""))
		require.NoError(t, err, name)
		res, err := mod.ExportedFunction("run").Call(ctx)
		require.NoError(t, err, name)
		assert.Equal(t, uint64(7+8+9+9+10+1000+100), res[0], name)
		if g := mod.ExportedGlobal(StackExportName); g != nil {
			assert.Zero(t, g.Get(), "the start function and run left no stack estimate behind")
		}
	}
}

// A function whose body starts with a loop is checked once a call, at its
// loop head, not also at its entry; recursion through such functions still
// stops when the flag is set, and computes the same result when it is not.
func TestLoopFirstFunctionsAreCheckedOnceAndStillStop(t *testing.T) {
	wasm, err := os.ReadFile("testdata/recurse_loop.wasm")
	require.NoError(t, err)
	out, err := Instrument(wasm)
	require.NoError(t, err)
	secs, err := sections(out)
	require.NoError(t, err)
	code := secs[indexOf(secs, secCode)].body
	assert.Equal(t, 1, bytes.Count(code, check(0, 1, 0)), "one budget check (the loop head's) in the rewritten function")

	ctx := context.Background()
	rt := wazero.NewRuntime(ctx)
	require.NoError(t, InstantiateYield(ctx, rt))
	defer rt.Close(ctx)
	mod, err := rt.Instantiate(ctx, out)
	require.NoError(t, err)
	res, err := mod.ExportedFunction("run").Call(ctx, 10)
	require.NoError(t, err)
	assert.Equal(t, uint64(1<<11-1), res[0], "2^11-1 calls, each adding one")

	flag := mod.ExportedGlobal(ExportName).(api.MutableGlobal)
	tctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	context.AfterFunc(tctx, func() { flag.Set(1) })
	done := make(chan error, 1)
	go func() {
		_, err := mod.ExportedFunction("run").Call(ctx, 40) // 2^40 calls
		done <- err
	}()
	select {
	case err := <-done:
		require.Error(t, err)
		assert.Contains(t, err.Error(), "unreachable")
	case <-time.After(30 * time.Second):
		t.Fatal("recursion through loop-first functions did not stop after the flag was set")
	}
}
