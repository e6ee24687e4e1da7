// Package interrupt rewrites a WebAssembly module so the host can stop it at
// any time, cheaply. It adds two mutable i32 globals, an interrupt flag
// (exported as ExportName) and a budget, and at the head of every loop and
// at the entry of every function (unless its body begins with a loop, whose
// head then counts the call: loopHeadFirst) inserts
//
//	budget -= 1
//	if budget == 0 {
//	  if interrupt { unreachable }
//	  budget = Budget
//	  call yield      ;; the host function YieldModule.YieldName
//	}
//
// A module can only run long by looping or by calling: recursion without a
// loop stays within the stack yet can make 2^depth calls (binary recursion of
// depth 40 is 10^12 calls). Counting both loop iterations and function
// entries, a module traps within Budget of either once the host sets the
// flag, and exits to Go at least every Budget of them.
// The slow path calls a host function that yields the goroutine (at most
// every YieldInterval of a call made WithClock): without it, calls looping
// on every processor would starve the timer that sets the flag and every
// other goroutine of the host (health checks, other calls), as the Go
// scheduler cannot preempt compiled WebAssembly. The yield is an import the
// rewriter appends to the module's function imports, so the module's own
// functions move up by one index (calls, exports, the start function,
// element segments and ref.func are renumbered; the "name" section is
// dropped).
// The fast path is a few instructions; wazero's own close-on-context-done
// instead exits to Go at every loop header, which costs Go-compiled plugins
// (whose every function body is a loop) about five times the transform time.
//
// The rewriter decodes the code section instruction by instruction. It
// understands the MVP, sign-extension, saturating conversions, bulk memory,
// reference types and tail calls; a module using anything else (SIMD,
// exceptions, threads) is refused with ErrUnsupported so the caller can fall
// back to wazero's mechanism.
//
// While it has the module apart, Instrument also merges the data segments
// where that is exact (data.go), and the stack accounting flags calls that go
// deep (StackLimitExportName) so the host can keep function handles between
// calls.
package interrupt

import (
	"errors"
	"fmt"
)

// ExportName is the export under which the interrupt global is published.
const ExportName = "connector_interrupt"

// StackExportName is the export of the estimated stack use (bytes) of the
// call in progress: 0 between calls, above MaxStackBytes when the module
// trapped on the stack limit.
const StackExportName = "connector_stack"

// StackLimitExportName is the export of the stack estimate past which a
// function entry takes its slow path: SoftStackBytes until a call goes
// deeper, then MaxStackBytes. The host reads it after a call to learn that
// the call went deep (wazero then holds a grown stack in the function handles
// it used, which the host drops) and sets it back to SoftStackBytes.
const StackLimitExportName = "connector_stack_limit"

// Budget is the number of loop iterations and function entries between two
// slow-path checks.
const Budget = 1 << 14

// ErrUnsupported reports a module the rewriter cannot instrument safely.
var ErrUnsupported = errors.New("interrupt: unsupported instruction")

// Section ids.
const (
	secCustom   = 0
	secType     = 1
	secFunction = 3
	secImport   = 2
	secTable    = 4
	secStart    = 8
	secElem     = 9
	opRefFunc   = 0xd2
	secGlobal   = 6
	secExport   = 7
	secCode     = 10
	secMemory   = 5
	kindGlobal  = 3
	opLoop      = 0x03
	opGlobalGet = 0x23
)

type section struct {
	id   byte
	body []byte
}

// Instrument returns the rewritten module.
func Instrument(wasm []byte) ([]byte, error) {
	secs, err := sections(wasm)
	if err != nil {
		return nil, err
	}
	if indexOf(secs, secMemory) < 0 {
		return nil, fmt.Errorf("%w: the module defines no memory", ErrUnsupported)
	}
	secs, yield, shift, err := addYield(secs)
	if err != nil {
		return nil, err
	}
	if err := shiftSections(secs, shift); err != nil {
		return nil, err
	}

	importedGlobals, err := countImportedGlobals(secs)
	if err != nil {
		return nil, err
	}
	// Add the global (appending to the global section, creating it if needed).
	gi := -1
	for i, s := range secs {
		if s.id == secGlobal {
			gi = i
		}
	}
	newGlobals := []byte{0x7f, 0x01, 0x41, 0x00, 0x0b} // flag: i32, mutable, i32.const 0, end
	newGlobals = append(newGlobals, 0x7f, 0x01, 0x41)  // budget: i32, mutable, i32.const Budget, end
	newGlobals = appendS32(newGlobals, Budget)
	newGlobals = append(newGlobals, 0x0b)
	newGlobals = append(newGlobals, 0x7f, 0x01, 0x41, 0x00, 0x0b) // stack use: i32, mutable, i32.const 0, end
	newGlobals = append(newGlobals, 0x7f, 0x01, 0x41)             // stack limit: i32, mutable, i32.const SoftStackBytes, end
	newGlobals = appendS32(newGlobals, SoftStackBytes)
	newGlobals = append(newGlobals, 0x0b)
	var globalIdx uint32
	if gi >= 0 {
		gr := &reader{b: secs[gi].body}
		n, err := gr.u32()
		if err != nil {
			return nil, err
		}
		globalIdx = importedGlobals + n
		body := appendU32(nil, n+4)
		body = append(body, secs[gi].body[gr.pos:]...)
		secs[gi].body = append(body, newGlobals...)
	} else {
		globalIdx = importedGlobals
		secs = insertSection(secs, section{secGlobal, append(appendU32(nil, 4), newGlobals...)})
	}
	// Export it.
	ei := -1
	for i, s := range secs {
		if s.id == secExport {
			ei = i
		}
	}
	exp := appendName(nil, ExportName)
	exp = append(exp, kindGlobal)
	exp = appendU32(exp, globalIdx)
	exp = appendName(exp, StackExportName)
	exp = appendU32(append(exp, kindGlobal), globalIdx+2)
	exp = appendName(exp, StackLimitExportName)
	exp = appendU32(append(exp, kindGlobal), globalIdx+3)
	if ei >= 0 {
		er := &reader{b: secs[ei].body}
		n, err := er.u32()
		if err != nil {
			return nil, err
		}
		body := appendU32(nil, n+3)
		body = append(body, secs[ei].body[er.pos:]...)
		secs[ei].body = append(body, exp...)
	} else {
		secs = insertSection(secs, section{secExport, append(appendU32(nil, 3), exp...)})
	}
	// Rewrite every function body.
	for i, s := range secs {
		if s.id != secCode {
			continue
		}
		params, err := definedParams(secs)
		if err != nil {
			return nil, err
		}
		body, err := rewriteCode(s.body, globalIdx, yield, shift, params)
		if err != nil {
			return nil, err
		}
		secs[i].body = body
	}
	if a, err := Analyze(wasm); err == nil { // else the caller's own Analyze reports it
		compactData(secs, a.DataIndices)
	}
	size := 8
	for _, s := range secs {
		size += 1 + 5 + len(s.body) // id, size (at most 5 bytes), body
	}
	out := make([]byte, 0, size)
	out = append(out, wasm[:8]...)
	for _, s := range secs {
		out = append(out, s.id)
		out = appendU32(out, uint32(len(s.body)))
		out = append(out, s.body...)
	}
	return out, nil
}

// order is the position of each non-custom section id in a valid module.
var order = map[byte]int{1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 13: 6, 6: 7, 7: 8, 8: 9, 9: 10, 12: 11, 10: 12, 11: 13}

// insertSection inserts s before the first non-custom section that must follow it.
func insertSection(secs []section, s section) []section {
	for i, x := range secs {
		if x.id != secCustom && order[x.id] > order[s.id] {
			return append(secs[:i], append([]section{s}, secs[i:]...)...)
		}
	}
	return append(secs, s)
}

func countImportedGlobals(secs []section) (uint32, error) {
	var n uint32
	for _, s := range secs {
		if s.id != secImport {
			continue
		}
		r := &reader{b: s.body}
		count, err := r.u32()
		if err != nil {
			return 0, err
		}
		for i := uint32(0); i < count; i++ {
			for j := 0; j < 2; j++ { // module and field names
				l, err := r.u32()
				if err != nil {
					return 0, err
				}
				if _, err := r.take(int(l)); err != nil {
					return 0, err
				}
			}
			kind, err := r.byte()
			if err != nil {
				return 0, err
			}
			switch kind {
			case 0: // func: type index
				_, err = r.u32()
			case 1: // table: reftype + limits
				if _, err = r.byte(); err == nil {
					err = r.limits()
				}
			case 2: // memory: limits
				err = r.limits()
			case 3: // global: valtype + mut
				_, err = r.take(2)
				n++
			default:
				return 0, fmt.Errorf("%w: import kind %d", ErrUnsupported, kind)
			}
			if err != nil {
				return 0, err
			}
		}
	}
	return n, nil
}

// check returns the instructions inserted at each loop head (see the package doc).
func check(flag, budget, yield uint32) []byte {
	var c []byte
	get := func(g uint32) { c = appendU32(append(c, 0x23), g) }
	set := func(g uint32) { c = appendU32(append(c, 0x24), g) }
	get(budget)
	c = append(c, 0x41, 0x01, 0x6b) // i32.const 1, i32.sub
	set(budget)
	get(budget)
	c = append(c, 0x45, 0x04, 0x40) // i32.eqz, if (empty)
	get(flag)
	c = append(c, 0x04, 0x40, 0x00, 0x0b) // if unreachable end
	c = appendS32(append(c, 0x41), Budget)
	set(budget)
	c = appendU32(append(c, 0x10), yield) // call yield: the host yields the goroutine
	return append(c, 0x0b)                // end
}

// rewriteCode rewrites the code section's bodies, inserting the check after each loop's block type.
func rewriteCode(sec []byte, global, yield uint32, shift func(uint32) uint32, params []uint32) ([]byte, error) {
	r := &reader{b: sec}
	n, err := r.u32()
	if err != nil {
		return nil, err
	}
	check := check(global, global+1, yield)
	if uint32(len(params)) != n {
		return nil, errors.New("interrupt: the function and code sections disagree")
	}
	out := appendU32(make([]byte, 0, len(sec)+len(sec)/8), n)
	var body []byte
	for i := uint32(0); i < n; i++ {
		size, err := r.u32()
		if err != nil {
			return nil, err
		}
		fn, err := r.take(int(size))
		if err != nil {
			return nil, err
		}
		body, err = rewriteBody(body[:0], fn, check, shift, params[i], global+2)
		if err != nil {
			return nil, fmt.Errorf("function %d: %w", i, err)
		}
		out = appendU32(out, uint32(len(body)))
		out = append(out, body...)
	}
	return out, nil
}

// Stack accounting: wazero grows a call's stack up to about 100 MiB, outside
// the memory cap. Each function's entry adds an estimate of its frame to a
// counter and every exit (return, a branch to the function's label, a tail
// call, the final end) subtracts it; past MaxStackBytes the module traps.
const (
	// MaxStackBytes bounds the estimated call stack of one call.
	MaxStackBytes = 16 << 20
	// SoftStackBytes is the estimate past which a call counts as deep (see
	// StackLimitExportName): far above what a transform of a Go plugin uses
	// (tens of KiB), far below MaxStackBytes.
	SoftStackBytes = 1 << 20
	// frameBytes and slotBytes estimate a frame: a base (return address,
	// saved registers, spills) and a slot per parameter and local. A
	// one-parameter function measured about 250 bytes a frame in wazero.
	frameBytes = 256
	slotBytes  = 16
)

// rewriteBody rewrites one function body; depth is the index of the stack
// estimate global and depth+1 that of its limit.
func rewriteBody(out, fn, check []byte, shift func(uint32) uint32, params, depth uint32) ([]byte, error) {
	r := &reader{b: fn}
	groups, err := r.u32()
	if err != nil {
		return nil, err
	}
	var locals uint64
	for g := uint32(0); g < groups; g++ {
		n, err := r.u32()
		if err != nil { // count
			return nil, err
		}
		locals += uint64(n)
		if _, err := r.byte(); err != nil { // valtype
			return nil, err
		}
	}
	if locals > MaxLocals {
		return nil, fmt.Errorf("declares more than %d locals", MaxLocals)
	}
	tmp := params + uint32(locals) // an i32 local added for conditional branches out of the function
	out = appendU32(out, groups+1)
	out = append(out, fn[len(appendU32(nil, groups)):r.pos]...)
	out = append(out, 0x01, 0x7f)
	weight := int32(min(uint64(frameBytes)+uint64(slotBytes)*(uint64(params)+locals+1), MaxStackBytes))
	// Entry: depth += weight; if depth > limit { if depth > MaxStackBytes
	// { unreachable }; limit = MaxStackBytes } (limit is SoftStackBytes
	// until a call goes deeper).
	out = appendU32(append(out, opGlobalGet), depth)
	out = appendS32(append(out, 0x41), weight)
	out = appendU32(append(out, 0x6a, 0x24), depth) // i32.add, global.set
	out = appendU32(append(out, opGlobalGet), depth)
	out = appendU32(append(out, opGlobalGet), depth+1)
	out = append(out, 0x4b, 0x04, 0x40) // i32.gt_u, if
	out = appendU32(append(out, opGlobalGet), depth)
	out = appendS32(append(out, 0x41), MaxStackBytes)
	out = append(out, 0x4b, 0x04, 0x40, 0x00, 0x0b) // i32.gt_u, if, unreachable, end
	out = appendS32(append(out, 0x41), MaxStackBytes)
	out = appendU32(append(out, 0x24), depth+1) // global.set limit
	out = append(out, 0x0b)                     // end
	if !loopHeadFirst(fn[r.pos:]) {
		out = append(out, check...) // function entry: calls count against the budget too
	}
	dec := appendU32([]byte{opGlobalGet}, depth)
	dec = appendS32(append(dec, 0x41), weight)
	dec = appendU32(append(dec, 0x6b, 0x24), depth)    // i32.sub, global.set
	condDec := func(out []byte, test ...byte) []byte { // if (tmp test) { depth -= weight }
		out = appendU32(append(out, 0x20), tmp) // local.get tmp
		out = append(out, test...)
		out = append(out, 0x04, 0x40)
		out = append(out, dec...)
		return append(out, 0x0b)
	}
	level := uint32(0) // blocks open inside the function body
	for r.pos < len(fn) {
		start := r.pos
		op, _ := r.byte()
		switch op {
		case 0x10, 0x12, opRefFunc: // call, return_call, ref.func: renumber
			f, err := r.u32()
			if err != nil {
				return nil, fmt.Errorf("at offset %d: %w", start, err)
			}
			if op == 0x12 {
				out = append(out, dec...)
			}
			out = appendU32(append(out, op), shift(f))
			continue
		case 0x0d: // br_if: leaving the function only when taken
			save := r.pos
			l, err := r.u32()
			if err != nil {
				return nil, fmt.Errorf("at offset %d: %w", start, err)
			}
			r.pos = save
			if l == level {
				out = appendU32(append(out, 0x22), tmp) // local.tee tmp
				out = condDec(out)                      // taken when non-zero
			}
		case 0x0e: // br_table
			save := r.pos
			n, err := r.u32()
			if err != nil {
				return nil, fmt.Errorf("at offset %d: %w", start, err)
			}
			targets := make([]uint32, n+1)
			for k := range targets {
				if targets[k], err = r.u32(); err != nil {
					return nil, fmt.Errorf("at offset %d: %w", start, err)
				}
			}
			r.pos = save
			if slicesContains(targets, level) {
				out = appendU32(append(out, 0x22), tmp)
				for k, t := range targets[:n] {
					if t == level {
						out = condDec(out, append(appendS32([]byte{0x41}, int32(k)), 0x46)...) // i32.const k, i32.eq
					}
				}
				if targets[n] == level {
					out = condDec(out, append(appendS32([]byte{0x41}, int32(n)), 0x4f)...) // i32.const n, i32.ge_u
				}
			}
		case 0x0c: // br
			save := r.pos
			l, err := r.u32()
			if err != nil {
				return nil, fmt.Errorf("at offset %d: %w", start, err)
			}
			r.pos = save
			if l == level {
				out = append(out, dec...)
			}
		case 0x0f, 0x13: // return, return_call_indirect
			out = append(out, dec...)
		case 0x0b: // end
			if level == 0 {
				out = append(out, dec...)
			} else {
				level--
			}
		case 0x02, 0x03, 0x04: // block, loop, if
			level++
		}
		if err := r.skipImmediates(op); err != nil {
			return nil, fmt.Errorf("at offset %d: %w", start, err)
		}
		out = append(out, fn[start:r.pos]...)
		if op == opLoop {
			out = append(out, check...)
		}
	}
	return out, nil
}

// loopHeadFirst reports whether every execution of body (a function's
// instructions) reaches a loop head, and so its check, before any call or
// branch: the body starts with straight-line instructions (locals, globals,
// constants, arithmetic, loads and stores, entering blocks) and then a loop.
// Such a function's entry check would count the same call twice, so it is
// left out; the call still counts once, before it can call anything. Go
// compiles every function that calls into this shape (a loop that resumes
// it at each call site), so this halves the checks a Go plugin's call runs.
func loopHeadFirst(body []byte) bool {
	r := &reader{b: body}
	for r.pos < len(body) {
		op, _ := r.byte()
		switch {
		case op == opLoop:
			return true
		case op == 0x02, op == 0x01, op == 0x1a, op == 0x1b, // block, nop, drop, select
			op >= 0x20 && op <= 0x24, // local.get/set/tee, global.get/set
			op >= 0x28 && op <= 0x3f, // loads, stores, memory.size
			op >= 0x41 && op <= 0xc4: // constants, comparisons, arithmetic, conversions
		default:
			return false
		}
		if r.skipImmediates(op) != nil {
			return false
		}
	}
	return false
}

func slicesContains(s []uint32, v uint32) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// definedParams returns the parameter count of each function the module
// defines, in code section order.
func definedParams(secs []section) ([]uint32, error) {
	var types []FuncType
	if ti := indexOf(secs, secType); ti >= 0 {
		var err error
		if types, err = readTypes(&reader{b: secs[ti].body}); err != nil {
			return nil, err
		}
	}
	var out []uint32
	if fi := indexOf(secs, secFunction); fi >= 0 {
		funcTypes, err := readFuncTypes(&reader{b: secs[fi].body})
		if err != nil {
			return nil, err
		}
		for _, t := range funcTypes {
			if int(t) >= len(types) {
				return nil, errors.New("interrupt: function of an undefined type")
			}
			out = append(out, uint32(len(types[t].Params)))
		}
	}
	return out, nil
}

// skipImmediates advances past op's immediates.
func (r *reader) skipImmediates(op byte) error {
	var err error
	switch {
	case op == 0x02 || op == 0x03 || op == 0x04: // block, loop, if
		err = r.blockType()
	case op == 0x0c || op == 0x0d: // br, br_if
		_, err = r.u32()
	case op == 0x0e: // br_table
		var n uint32
		if n, err = r.u32(); err == nil {
			for i := uint32(0); i <= n && err == nil; i++ {
				_, err = r.u32()
			}
		}
	case op == 0x10 || op == 0x12: // call, return_call
		_, err = r.u32()
	case op == 0x11 || op == 0x13: // call_indirect, return_call_indirect
		if _, err = r.u32(); err == nil {
			_, err = r.u32()
		}
	case op == 0x1c: // select t*
		var n uint32
		if n, err = r.u32(); err == nil {
			_, err = r.take(int(n))
		}
	case op >= 0x20 && op <= 0x26: // local.*, global.*, table.get/set
		_, err = r.u32()
	case op >= 0x28 && op <= 0x3e: // loads and stores: memarg
		err = r.memarg()
	case op == 0x3f || op == 0x40: // memory.size, memory.grow
		_, err = r.u32()
	case op == 0x41: // i32.const
		err = r.sleb(5)
	case op == 0x42: // i64.const
		err = r.sleb(10)
	case op == 0x43:
		_, err = r.take(4)
	case op == 0x44:
		_, err = r.take(8)
	case op == 0xd0: // ref.null t
		_, err = r.byte()
	case op == 0xd2: // ref.func
		_, err = r.u32()
	case op == 0xfc:
		err = r.prefixFC()
	case op <= 0x01, op == 0x05, op == 0x0b, op == 0x0f, op == 0x1a, op == 0x1b,
		op >= 0x45 && op <= 0xc4, op == 0xd1:
		// no immediates
	default:
		return fmt.Errorf("%w: opcode 0x%02x", ErrUnsupported, op)
	}
	return err
}

func (r *reader) prefixFC() error {
	sub, err := r.u32()
	if err != nil {
		return err
	}
	switch {
	case sub <= 7: // saturating truncations
		return nil
	case sub == 8: // memory.init data, mem
		if _, err = r.u32(); err == nil {
			_, err = r.u32()
		}
	case sub == 9, sub == 11, sub == 13, sub == 15, sub == 16, sub == 17: // data.drop, memory.fill, elem.drop, table.grow/size/fill
		_, err = r.u32()
	case sub == 10, sub == 12, sub == 14: // memory.copy, table.init, table.copy
		if _, err = r.u32(); err == nil {
			_, err = r.u32()
		}
	default:
		return fmt.Errorf("%w: 0xfc %d", ErrUnsupported, sub)
	}
	return err
}

// reader decodes the binary format.
type reader struct {
	b   []byte
	pos int
}

var errShort = errors.New("interrupt: unexpected end of module")

func (r *reader) byte() (byte, error) {
	if r.pos >= len(r.b) {
		return 0, errShort
	}
	c := r.b[r.pos]
	r.pos++
	return c, nil
}

func (r *reader) take(n int) ([]byte, error) {
	if n < 0 || r.pos+n > len(r.b) {
		return nil, errShort
	}
	s := r.b[r.pos : r.pos+n]
	r.pos += n
	return s, nil
}

func (r *reader) u32() (uint32, error) {
	var v uint32
	for shift := 0; shift < 35; shift += 7 {
		c, err := r.byte()
		if err != nil {
			return 0, err
		}
		v |= uint32(c&0x7f) << shift
		if c&0x80 == 0 {
			return v, nil
		}
	}
	return 0, errors.New("interrupt: LEB128 too long")
}

// sleb skips a signed LEB128 of at most max bytes.
func (r *reader) sleb(max int) error {
	for i := 0; i < max; i++ {
		c, err := r.byte()
		if err != nil {
			return err
		}
		if c&0x80 == 0 {
			return nil
		}
	}
	return errors.New("interrupt: LEB128 too long")
}

func (r *reader) blockType() error {
	if r.pos >= len(r.b) {
		return errShort
	}
	c := r.b[r.pos]
	if c == 0x40 || (c >= 0x6f && c <= 0x7f) { // empty or a value type
		r.pos++
		return nil
	}
	return r.sleb(5) // type index as s33
}

func (r *reader) memarg() error {
	align, err := r.u32()
	if err != nil {
		return err
	}
	if align&0x40 != 0 { // multi-memory: memory index follows
		if _, err := r.u32(); err != nil {
			return err
		}
	}
	_, err = r.u32()
	return err
}

func (r *reader) limits() error {
	flag, err := r.byte()
	if err != nil {
		return err
	}
	if _, err := r.u32(); err != nil {
		return err
	}
	if flag&1 != 0 {
		_, err = r.u32()
	}
	return err
}

func appendU32(b []byte, v uint32) []byte {
	for {
		c := byte(v & 0x7f)
		v >>= 7
		if v != 0 {
			b = append(b, c|0x80)
			continue
		}
		return append(b, c)
	}
}

func appendS32(b []byte, v int32) []byte {
	for {
		c := byte(v & 0x7f)
		v >>= 7
		if (v == 0 && c&0x40 == 0) || (v == -1 && c&0x40 != 0) {
			return append(b, c)
		}
		b = append(b, c|0x80)
	}
}

func appendName(b []byte, s string) []byte {
	b = appendU32(b, uint32(len(s)))
	return append(b, s...)
}

//go:generate wat2wasm testdata/shift.wat -o testdata/shift.wasm
//go:generate wat2wasm testdata/recurse_loop.wat -o testdata/recurse_loop.wasm
