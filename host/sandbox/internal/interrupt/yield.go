package interrupt

import (
	"context"
	"fmt"
	goruntime "runtime"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
)

// YieldModule and YieldName name the host function the slow path calls:
// it yields the goroutine, so a plugin running on every processor lets the
// host's other goroutines (health checks, other calls, timers) run instead
// of waiting for the Go scheduler, which cannot preempt compiled WebAssembly.
const (
	YieldModule = "connector_host"
	YieldName   = "yield"
)

// YieldInterval is the least time a call runs between two yields when it
// carries a Clock (WithClock). A yield (runtime.Gosched) with an idle
// processor wakes a thread for it, two system calls and usually a move of
// the call to another thread: at every slow path (Budget checks, tens of
// microseconds of a Go plugin) that was a tenth of a transform's time.
// One millisecond is a tenth of the Go scheduler's own time slice (10 ms),
// so goroutines waiting behind a running plugin wait no longer than behind
// ordinary Go code; a transform shorter than it never yields.
const YieldInterval = time.Millisecond

// Clock is the time of a call's last yield (or its start). The host keeps
// one per instance, which runs one call at a time, and resets it with Start
// before each call.
type Clock struct{ last time.Time }

// Start marks the start of a call: its first yield comes YieldInterval later.
func (c *Clock) Start() { c.last = time.Now() }

// due reports whether YieldInterval has passed since the last yield, and if
// so restarts the interval.
func (c *Clock) due() bool {
	now := time.Now()
	if now.Sub(c.last) < YieldInterval {
		return false
	}
	c.last = now
	return true
}

type clockKey struct{}

// WithClock returns ctx carrying c: the yields of a call made with it are
// spaced by YieldInterval. A call without a Clock yields at every slow path.
func WithClock(ctx context.Context, c *Clock) context.Context {
	return context.WithValue(ctx, clockKey{}, c)
}

// InstantiateYield adds the YieldModule host module to rt; every module
// Instrument returns imports it.
func InstantiateYield(ctx context.Context, rt wazero.Runtime) error {
	_, err := rt.NewHostModuleBuilder(YieldModule).
		NewFunctionBuilder().WithGoFunction(api.GoFunc(yield), nil, nil).Export(YieldName).
		Instantiate(ctx)
	return err
}

// yield is the slow path's host function (an api.GoFunc: wazero calls it
// without reflection).
func yield(ctx context.Context, _ []uint64) {
	if c, ok := ctx.Value(clockKey{}).(*Clock); ok && !c.due() {
		return
	}
	goruntime.Gosched()
}

// addYield appends the yield function to the imports (and its type to the
// types) and returns its function index and the shift to apply to every
// other function index: the new import is the last imported function, so
// the module's own functions move up by one. The "name" custom section,
// indexed by function, is dropped.
func addYield(secs []section) ([]section, uint32, func(uint32) uint32, error) {
	// Type () -> ().
	typeIdx := uint32(0)
	ti := indexOf(secs, secType)
	if ti >= 0 {
		r := &reader{b: secs[ti].body}
		n, err := r.u32()
		if err != nil {
			return nil, 0, nil, err
		}
		typeIdx = n
		secs[ti].body = append(append(appendU32(nil, n+1), secs[ti].body[r.pos:]...), 0x60, 0x00, 0x00)
	} else {
		secs = insertSection(secs, section{secType, []byte{0x01, 0x60, 0x00, 0x00}})
	}
	imp := appendName(nil, YieldModule)
	imp = appendName(imp, YieldName)
	imp = appendU32(append(imp, 0x00), typeIdx)
	var funcs uint32
	ii := indexOf(secs, secImport)
	if ii >= 0 {
		r := &reader{b: secs[ii].body}
		n, err := r.u32()
		if err != nil {
			return nil, 0, nil, err
		}
		if funcs, err = countImports(secs[ii].body, 0); err != nil {
			return nil, 0, nil, err
		}
		secs[ii].body = append(append(appendU32(nil, n+1), secs[ii].body[r.pos:]...), imp...)
	} else {
		secs = insertSection(secs, section{secImport, append(appendU32(nil, 1), imp...)})
	}
	out := secs[:0]
	for _, s := range secs {
		if s.id == secCustom {
			r := &reader{b: s.body}
			if l, err := r.u32(); err == nil {
				if name, err := r.take(int(l)); err == nil && string(name) == "name" {
					continue
				}
			}
		}
		out = append(out, s)
	}
	yield := funcs
	return out, yield, func(i uint32) uint32 {
		if i >= yield {
			return i + 1
		}
		return i
	}, nil
}

func indexOf(secs []section, id byte) int {
	for i, s := range secs {
		if s.id == id {
			return i
		}
	}
	return -1
}

// countImports counts the imports of kind in an import section body.
func countImports(body []byte, kind byte) (uint32, error) {
	r := &reader{b: body}
	count, err := r.u32()
	if err != nil {
		return 0, err
	}
	var n uint32
	for i := uint32(0); i < count; i++ {
		for j := 0; j < 2; j++ {
			l, err := r.u32()
			if err != nil {
				return 0, err
			}
			if _, err := r.take(int(l)); err != nil {
				return 0, err
			}
		}
		k, err := r.byte()
		if err != nil {
			return 0, err
		}
		switch k {
		case 0:
			_, err = r.u32()
		case 1:
			if _, err = r.byte(); err == nil {
				err = r.limits()
			}
		case 2:
			err = r.limits()
		case 3:
			_, err = r.take(2)
		default:
			return 0, fmt.Errorf("%w: import kind %d", ErrUnsupported, k)
		}
		if err != nil {
			return 0, err
		}
		if k == kind {
			n++
		}
	}
	return n, nil
}

// shiftSections renumbers function indices outside the code section:
// exports, the start function, element segments and global initialisers.
func shiftSections(secs []section, shift func(uint32) uint32) error {
	for i, s := range secs {
		var body []byte
		var err error
		switch s.id {
		case secExport:
			body, err = shiftExports(s.body, shift)
		case secStart:
			r := &reader{b: s.body}
			var f uint32
			if f, err = r.u32(); err == nil {
				body = appendU32(nil, shift(f))
			}
		case secElem:
			body, err = shiftElems(s.body, shift)
		case secGlobal:
			body, err = shiftGlobals(s.body, shift)
		default:
			continue
		}
		if err != nil {
			return fmt.Errorf("section %d: %w", s.id, err)
		}
		secs[i].body = body
	}
	return nil
}

func shiftExports(b []byte, shift func(uint32) uint32) ([]byte, error) {
	r := &reader{b: b}
	n, err := r.u32()
	if err != nil {
		return nil, err
	}
	out := appendU32(nil, n)
	for i := uint32(0); i < n; i++ {
		start := r.pos
		l, err := r.u32()
		if err != nil {
			return nil, err
		}
		if _, err := r.take(int(l)); err != nil {
			return nil, err
		}
		kind, err := r.byte()
		if err != nil {
			return nil, err
		}
		idx, err := r.u32()
		if err != nil {
			return nil, err
		}
		out = append(out, b[start:r.pos-len(appendU32(nil, idx))]...)
		if kind == 0 {
			idx = shift(idx)
		}
		out = appendU32(out, idx)
	}
	return out, nil
}

func shiftGlobals(b []byte, shift func(uint32) uint32) ([]byte, error) {
	r := &reader{b: b}
	n, err := r.u32()
	if err != nil {
		return nil, err
	}
	out := appendU32(nil, n)
	for i := uint32(0); i < n; i++ {
		t, err := r.take(2) // valtype, mutability
		if err != nil {
			return nil, err
		}
		out = append(out, t...)
		if out, err = shiftExpr(out, r, shift); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// shiftExpr copies one constant expression (up to and including its end)
// from r to out, renumbering ref.func.
func shiftExpr(out []byte, r *reader, shift func(uint32) uint32) ([]byte, error) {
	for {
		start := r.pos
		op, err := r.byte()
		if err != nil {
			return nil, err
		}
		if op == opRefFunc {
			f, err := r.u32()
			if err != nil {
				return nil, err
			}
			out = appendU32(append(out, op), shift(f))
			continue
		}
		if err := r.skipImmediates(op); err != nil {
			return nil, err
		}
		out = append(out, r.b[start:r.pos]...)
		if op == 0x0b {
			return out, nil
		}
	}
}

func shiftElems(b []byte, shift func(uint32) uint32) ([]byte, error) {
	r := &reader{b: b}
	n, err := r.u32()
	if err != nil {
		return nil, err
	}
	out := appendU32(nil, n)
	for i := uint32(0); i < n; i++ {
		flags, err := r.u32()
		if err != nil {
			return nil, err
		}
		if flags > 7 {
			return nil, fmt.Errorf("%w: element segment flags %d", ErrUnsupported, flags)
		}
		out = appendU32(out, flags)
		if flags&2 != 0 && flags&1 == 0 { // explicit table index
			t, err := r.u32()
			if err != nil {
				return nil, err
			}
			out = appendU32(out, t)
		}
		if flags&1 == 0 { // active: offset expression
			if out, err = shiftExpr(out, r, shift); err != nil {
				return nil, err
			}
		}
		if flags&3 != 0 { // elemkind or reftype byte
			k, err := r.byte()
			if err != nil {
				return nil, err
			}
			out = append(out, k)
		}
		count, err := r.u32()
		if err != nil {
			return nil, err
		}
		out = appendU32(out, count)
		for j := uint32(0); j < count; j++ {
			if flags&4 != 0 { // expressions
				if out, err = shiftExpr(out, r, shift); err != nil {
					return nil, err
				}
				continue
			}
			f, err := r.u32()
			if err != nil {
				return nil, err
			}
			out = appendU32(out, shift(f))
		}
	}
	return out, nil
}
