package interrupt

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/tetratelabs/wazero"
)

// genModule builds a valid module from fuzz bytes: up to four functions
// "f0".."f3" of type () -> i32, each a sequence of statements on an i32
// accumulator (arithmetic, bounded loops that cross the budget, blocks
// with br_if, if/else, memory stores and loads, direct calls to later
// functions). Calls only go to later functions, so every
// module terminates.
func genModule(seed []byte) []byte {
	pos := 0
	next := func() byte {
		if pos >= len(seed) {
			return 0
		}
		pos++
		return seed[pos-1]
	}
	nfn := int(next()%4) + 1
	const acc, ctr = 0, 1 // locals
	bodies := make([][]byte, nfn)
	for f := 0; f < nfn; f++ {
		var b []byte
		constI32 := func(v int32) { b = appendS32(append(b, 0x41), v) }
		get := func(l uint32) { b = appendU32(append(b, 0x20), l) }
		set := func(l uint32) { b = appendU32(append(b, 0x21), l) }
		loops, calls := 0, 0
		nstmt := int(next() % 12)
		for s := 0; s < nstmt; s++ {
			k := int32(next()) | int32(next())<<8
			switch next() % 11 {
			case 0: // acc += k
				get(acc)
				constI32(k)
				b = append(b, 0x6a)
				set(acc)
			case 1: // acc = acc*k ^ 0x5bd1
				get(acc)
				constI32(k | 1)
				b = append(b, 0x6c)
				constI32(0x5bd1)
				b = append(b, 0x73)
				set(acc)
			case 2: // loop k%40000+1 times: acc = acc*3+1
				if loops == 2 {
					continue
				}
				loops++
				constI32(k%40000 + 1)
				set(ctr)
				b = append(b, 0x03, 0x40) // loop
				get(acc)
				constI32(3)
				b = append(b, 0x6c)
				constI32(1)
				b = append(b, 0x6a)
				set(acc)
				get(ctr)
				constI32(1)
				b = append(b, 0x6b)
				b = appendU32(append(b, 0x22), ctr) // local.tee
				b = append(b, 0x0d, 0x00, 0x0b)     // br_if 0, end
			case 3: // block: if acc&1 skip acc += k
				b = append(b, 0x02, 0x40) // block
				get(acc)
				constI32(1)
				b = append(b, 0x71, 0x0d, 0x00) // i32.and, br_if 0
				get(acc)
				constI32(k)
				b = append(b, 0x6a)
				set(acc)
				b = append(b, 0x0b)
			case 4: // if acc&2 then acc -= k else acc ^= k
				get(acc)
				constI32(2)
				b = append(b, 0x71, 0x04, 0x40) // and, if
				get(acc)
				constI32(k)
				b = append(b, 0x6b)
				set(acc)
				b = append(b, 0x05) // else
				get(acc)
				constI32(k)
				b = append(b, 0x73)
				set(acc)
				b = append(b, 0x0b)
			case 5: // mem[k%60000] = acc; acc += mem[(k*7)%60000]
				constI32(k % 60000)
				get(acc)
				b = append(b, 0x36, 0x00, 0x00) // i32.store align 0 offset 0
				get(acc)
				constI32((k * 7) % 60000)
				b = append(b, 0x28, 0x00, 0x00, 0x6a) // i32.load, add
				set(acc)
			case 8: // if acc&4 { return acc }
				get(acc)
				constI32(4)
				b = append(b, 0x71, 0x04, 0x40) // and, if
				get(acc)
				b = append(b, 0x0f, 0x0b) // return, end
			case 9: // br_if to the function's label with acc when acc&8, from inside a block
				b = append(b, 0x02, 0x40) // block
				get(acc)
				get(acc)
				constI32(8)
				b = append(b, 0x71, 0x0d, 0x01, 0x1a, 0x0b) // and, br_if 1 (the function), drop, end
			case 10: // br_table over (block, function) by acc&1, default the block
				b = append(b, 0x02, 0x7f) // block (result i32)
				get(acc)
				get(acc)
				constI32(1)
				b = append(b, 0x71, 0x0e, 0x01, 0x01, 0x00, 0x0b, 0x1a) // and, br_table [1] 0, end, drop
			case 6, 7: // acc += f_j(), j > f
				if f+1 >= nfn || calls == 2 {
					continue
				}
				calls++
				j := f + 1 + int(k)%(nfn-f-1)
				get(acc)
				b = appendU32(append(b, 0x10), uint32(j))
				b = append(b, 0x6a)
				set(acc)
			}
		}
		get(acc)
		b = append(b, 0x0b)
		bodies[f] = append([]byte{0x01, 0x02, 0x7f}, b...) // two i32 locals
	}
	sec := func(out []byte, id byte, body []byte) []byte {
		return append(appendU32(append(out, id), uint32(len(body))), body...)
	}
	m := []byte("\x00asm\x01\x00\x00\x00")
	m = sec(m, 1, []byte{0x01, 0x60, 0x00, 0x01, 0x7f})
	fns := appendU32(nil, uint32(nfn))
	for range nfn {
		fns = append(fns, 0)
	}
	m = sec(m, 3, fns)
	m = sec(m, 5, []byte{0x01, 0x00, 0x01})
	exp := appendU32(nil, uint32(nfn))
	for f := range nfn {
		exp = append(appendName(exp, "f"+string(rune('0'+f))), 0x00)
		exp = appendU32(exp, uint32(f))
	}
	m = sec(m, 7, exp)
	code := appendU32(nil, uint32(nfn))
	for _, b := range bodies {
		code = append(appendU32(code, uint32(len(b))), b...)
	}
	return sec(m, 10, code)
}

// run instantiates wasm and calls every "fN" export, returning their results.
func run(t *testing.T, rt wazero.Runtime, wasm []byte) ([]uint64, error) {
	ctx := context.Background()
	mod, err := rt.Instantiate(ctx, wasm)
	if err != nil {
		return nil, err
	}
	defer mod.Close(ctx)
	var out []uint64
	for f := 0; ; f++ {
		fn := mod.ExportedFunction("f" + string(rune('0'+f)))
		if fn == nil {
			return out, nil
		}
		for range 2 { // twice: an instance must come back to a zero stack estimate
			res, err := fn.Call(ctx)
			if err != nil {
				return nil, err
			}
			if g := mod.ExportedGlobal(StackExportName); g != nil && g.Get() != 0 {
				t.Fatalf("f%d left the stack estimate at %d", f, g.Get())
			}
			out = append(out, res...)
		}
	}
}

// FuzzRewriteSameResults: a valid module in gives a valid module out that
// computes the same results when it finishes within budget (the interrupt
// flag is never set here).
func FuzzRewriteSameResults(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{3, 5, 0xff, 0xff, 2, 1, 2, 6, 7, 0, 0, 5, 9, 9, 3, 4, 4, 4, 1})
	f.Add([]byte{1, 11, 0x40, 0x9c, 2, 0x40, 0x9c, 2, 1, 1, 0, 2, 2, 0, 3, 3, 0, 4})
	f.Add([]byte{2, 4, 1, 0, 6, 2, 0, 6, 0x10, 0x27, 2, 0, 0, 0, 3, 7, 7, 5, 0})
	ctx := context.Background()
	rt := wazero.NewRuntime(ctx)
	if err := InstantiateYield(ctx, rt); err != nil {
		f.Fatal(err)
	}
	defer rt.Close(ctx)
	f.Fuzz(func(t *testing.T, seed []byte) {
		orig := genModule(seed)
		want, err := run(t, rt, orig)
		if err != nil {
			t.Fatalf("generated module does not run: %v", err)
		}
		out, err := Instrument(orig)
		if err != nil {
			t.Fatalf("Instrument: %v", err)
		}
		got, err := run(t, rt, out)
		if err != nil {
			t.Fatalf("rewritten module: %v", err)
		}
		if len(got) != len(want) {
			t.Fatalf("results %v, want %v", got, want)
		}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("f%d = %d after rewriting, %d before", i, got[i], want[i])
			}
		}
	})
}

// FuzzRewriteValidInValidOut: whatever bytes wazero accepts as a module,
// Instrument either refuses (ErrUnsupported or a decoding error) or
// returns a module wazero accepts too, with the same exports.
func FuzzRewriteValidInValidOut(f *testing.F) {
	f.Add(loopModule)
	f.Add(genModule([]byte{3, 5, 0xff, 0xff, 2, 1, 2, 6, 7, 0, 0, 5, 9, 9, 3, 4, 4, 4, 1}))
	ctx := context.Background()
	rt := wazero.NewRuntime(ctx)
	if err := InstantiateYield(ctx, rt); err != nil {
		f.Fatal(err)
	}
	defer rt.Close(ctx)
	f.Fuzz(func(t *testing.T, wasm []byte) {
		if _, err := Analyze(wasm); err != nil {
			return // the engine refuses it before compiling
		}
		c, err := compile(ctx, rt, wasm)
		if err != nil {
			return // not a valid module: nothing to preserve
		}
		defer c.Close(ctx)
		if len(c.ExportedMemories()) == 0 && !hasMemory(wasm) {
			return
		}
		out, err := Instrument(wasm)
		if err != nil {
			if errors.Is(err, ErrUnsupported) {
				return
			}
			t.Fatalf("Instrument refused a valid module: %v", err)
		}
		c2, err := compile(ctx, rt, out)
		if err != nil {
			t.Fatalf("rewritten module is invalid: %v", err)
		}
		defer c2.Close(ctx)
		for name := range c.ExportedFunctions() {
			if _, ok := c2.ExportedFunctions()[name]; !ok {
				t.Fatalf("export %s lost", name)
			}
		}
	})
}

func hasMemory(wasm []byte) bool {
	secs, err := sections(wasm)
	if err != nil {
		return false
	}
	for _, s := range secs {
		if s.id == secMemory {
			return true
		}
	}
	return false
}

// compile is rt.CompileModule, with wazero's validator panics (it panics on
// some malformed modules, e.g. testdata/fuzz/FuzzRewriteValidInValidOut/
// 2b4dedb73c5109d8) turned into errors as the engine does.
func compile(ctx context.Context, rt wazero.Runtime, wasm []byte) (c wazero.CompiledModule, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("wazero panicked: %v", r)
		}
	}()
	return rt.CompileModule(ctx, wasm)
}
