package sandbox

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/sys"

	"github.com/connectorhost/connector-host/abi"
	"github.com/connectorhost/connector-host/host/sandbox/internal/interrupt"
)

// Module is one loaded WebAssembly module (one version of a connector
// plugin) with its pool of instances. Its methods are safe for concurrent
// use; each call runs on an instance of its own. It deals in bytes and export
// names only; host/plugin speaks the plugin ABI's messages on top of it.
type Module struct {
	name     string
	sha256   string
	manifest []byte
	rt       wazero.Runtime
	compiled wazero.CompiledModule
	// image is the initial memory taken out of the module's data segments
	// (mapped copy-on-write into each instance); nil when they stayed in.
	image *memoryImage
	// hasGC: the module exports connector_gc with the ABI's signature.
	hasGC  bool
	limits Limits
	log    *slog.Logger
	obs    Observer

	// slots bounds calls in progress; idle holds instances ready for a call;
	// live counts instances (idle, busy or starting), which Warm keeps within
	// the pool size.
	slots chan struct{}
	idle  chan *instance
	live  atomic.Int32
	// lastOverlap is when (Unix ns) a call last started while another held
	// an instance; after shrinkAfter without one, a released instance beyond
	// the first is stopped rather than kept idle (release).
	lastOverlap atomic.Int64
	shrinkAfter time.Duration

	// warming tracks Warm calls so close waits for them before closing the runtime.
	warming sync.WaitGroup
	// collecting tracks connector_gc calls on instances between calls, and
	// collections counts those that collected (idle.go).
	collecting  sync.WaitGroup
	collections atomic.Int64

	mu       sync.Mutex
	refs     int
	retiring bool
	closed   bool
	done     chan struct{}
}

// Name is the connector name the module was loaded under.
func (p *Module) Name() string { return p.name }

// SHA256 is the hex SHA-256 of the .wasm this plugin was loaded from.
func (p *Module) SHA256() string { return p.sha256 }

// ManifestBytes is what the module's connector_manifest export returned at
// load (undecoded). Do not modify it.
func (p *Module) ManifestBytes() []byte { return p.manifest }

// Acquire takes a reference that keeps the plugin open until Release, and
// reports false when the plugin is retiring or closed.
func (p *Module) Acquire() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.retiring || p.closed {
		return false
	}
	p.refs++
	return true
}

// Release drops a reference taken by Acquire.
func (p *Module) Release() {
	p.mu.Lock()
	p.refs--
	last := p.refs == 0 && p.retiring
	p.mu.Unlock()
	if last {
		p.close()
	}
}

// Retire stops new references and closes the plugin once the last reference
// is released (immediately when there is none). It returns a channel closed
// when the plugin has closed.
func (p *Module) Retire() <-chan struct{} {
	p.mu.Lock()
	if p.done == nil {
		p.done = make(chan struct{})
	}
	done := p.done
	p.retiring = true
	idle := p.refs == 0
	p.mu.Unlock()
	if idle {
		p.close()
	}
	return done
}

// Close closes the plugin now, failing calls in flight. Prefer Retire.
func (p *Module) Close() { p.Retire(); p.close() }

func (p *Module) close() {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return
	}
	p.closed = true
	if p.done == nil {
		p.done = make(chan struct{})
	}
	done := p.done
	p.mu.Unlock()
	p.warming.Wait() // a warm-up in progress must not race the runtime's close
	p.collecting.Wait()
	ctx := context.Background()
	for {
		select {
		case inst := <-p.idle:
			p.stop(ctx, inst, "closed")
			continue
		default:
		}
		break
	}
	_ = p.rt.Close(ctx)
	// The engine's compilation cache (shared by every module) keeps a
	// compiled module, its machine code and its decoded form, until the
	// module is closed; closing the runtime does not do it. Without this
	// every version ever loaded (each reload, each start-up manifest read,
	// each idle deactivation) would stay in memory until the host exits.
	_ = p.compiled.Close(ctx)
	p.image.close()
	close(done)
}

// Call runs a transform export on raw ABI bytes and returns its raw output.
// check, when not nil, judges the output: an error from it means the
// instance returned garbage, so the instance is discarded (not pooled, as
// docs/plugin-abi.md promises) and the call fails with a FaultBadOutput
// fault whose detail is the error's message. Failures are returned as a
// *Fault; the Observer sees every call.
func (p *Module) Call(ctx context.Context, export string, input []byte, check func(output []byte) error) ([]byte, *Fault) {
	start := time.Now()
	var checkOut func([]byte) *Fault
	if check != nil {
		checkOut = func(out []byte) *Fault {
			if err := check(out); err != nil {
				return &Fault{Plugin: p.name, Export: export, Kind: FaultBadOutput, Detail: err.Error(), Err: err}
			}
			return nil
		}
	}
	out, fault := p.call(ctx, export, input, checkOut)
	p.obs.Transform(p.name, export, time.Since(start), fault)
	return out, fault
}

// call is Call with a check of the output: an instance whose output fails
// it (garbage) is discarded, not pooled, as docs/plugin-abi.md promises.
func (p *Module) call(ctx context.Context, export string, input []byte, check func([]byte) *Fault) ([]byte, *Fault) {
	if len(input) > p.limits.MaxInputBytes {
		return nil, &Fault{Plugin: p.name, Export: export, Kind: FaultInputTooLarge,
			Detail: fmt.Sprintf("input of %d bytes exceeds the %d-byte limit", len(input), p.limits.MaxInputBytes)}
	}
	inst, fault := p.acquire(ctx, export)
	if fault != nil {
		return nil, fault
	}
	ctx, cancel := context.WithTimeout(ctx, p.limits.CallTimeout)
	defer cancel()
	ctx = inst.startClock(ctx)
	var out []byte
	var err error
	tripped := inst.guard(ctx, func() { out, err = inst.invoke(ctx, export, input, p.limits.MaxOutputBytes) })
	if tripped && err == nil {
		// The deadline hit as the call returned: keep the answer, drop the flagged instance.
		p.discard(ctx, inst, "fault")
		if check != nil {
			if f := check(out); f != nil {
				return nil, f
			}
		}
		return out, nil
	}
	if err != nil {
		var f *Fault
		if !errors.As(err, &f) {
			f = p.fault(ctx, export, inst, err)
		}
		f.Plugin, f.Export = p.name, export
		p.discard(ctx, inst, "fault")
		return nil, f
	}
	if check != nil {
		if f := check(out); f != nil {
			p.discard(ctx, inst, "fault")
			return nil, f
		}
	}
	inst.calls++
	switch {
	case inst.calls >= p.limits.MaxCallsPerInstance:
		p.stop(ctx, inst, "recycled_calls")
		go p.replace()
	case uint64(inst.mem.Size()) > p.limits.RecycleMemoryBytes:
		p.stop(ctx, inst, "recycled_memory")
		go p.replace()
	default:
		p.releaseAfterGC(ctx, inst)
	}
	return out, nil
}

func (p *Module) isClosed() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.closed
}

// Live is how many instances of this module exist now (idle, busy or starting).
func (p *Module) Live() int { return int(p.live.Load()) }

// PoolSize is the most instances this plugin runs at once.
func (p *Module) PoolSize() int { return cap(p.slots) }

// Warm starts up to n idle instances ahead of demand, as far as free pool
// slots allow, so calls do not pay an instance's start-up (tens of
// milliseconds for a Go plugin). The host warms a pool when a plugin is
// activated and replaces recycled instances this way.
func (p *Module) Warm(n int) { p.WarmContext(context.Background(), n) }

// WarmContext is Warm with a context: when ctx ends, the instance starting
// is interrupted and warming stops. Each start is also bounded by the load
// deadline.
func (p *Module) WarmContext(ctx context.Context, n int) {
	p.mu.Lock()
	if p.closed || p.retiring {
		p.mu.Unlock()
		return
	}
	p.warming.Add(1)
	p.mu.Unlock()
	defer p.warming.Done()
	// Warming takes no call slot: calls keep every slot while an instance
	// starts beside them.
	for i := 0; i < n && int(p.live.Load()) < cap(p.slots) && !p.isClosed(); i++ {
		ctx, cancel := context.WithTimeout(ctx, p.limits.LoadTimeout)
		inst, err := p.newInstance(ctx)
		cancel()
		if err != nil {
			return
		}
		if p.isClosed() {
			p.stop(context.Background(), inst, "closed")
			return
		}
		select {
		case p.idle <- inst:
		default:
			p.stop(context.Background(), inst, "surplus")
			return
		}
	}
}

// replace starts an instance in place of a recycled one, off the caller's
// path, on the pool slot the recycled instance's call held, and frees that
// slot once the new instance is idle (or could not start). A call arriving
// meanwhile waits for it, as for any busy instance, instead of starting one
// more instance than the pool holds.
func (p *Module) replace() {
	defer func() { <-p.slots }()
	p.Warm(1)
}

// acquire takes a pool slot and an idle instance, or starts a new one.
func (p *Module) acquire(ctx context.Context, export string) (*instance, *Fault) {
	p.mu.Lock()
	closed := p.closed
	p.mu.Unlock()
	if closed {
		return nil, &Fault{Plugin: p.name, Export: export, Kind: FaultUnavailable, Detail: "plugin is unloaded"}
	}
	select {
	case p.slots <- struct{}{}:
	case <-ctx.Done():
		kind := FaultTimeout
		if errors.Is(ctx.Err(), context.Canceled) {
			kind = FaultCanceled
		}
		return nil, &Fault{Plugin: p.name, Export: export, Kind: kind,
			Detail: fmt.Sprintf("all %d instances stayed busy until the deadline", cap(p.slots)), Err: ctx.Err()}
	}
	if len(p.slots) > 1 {
		p.lastOverlap.Store(time.Now().UnixNano())
	}
	select {
	case inst := <-p.idle:
		if len(p.idle) == 0 && len(p.slots) > 1 && int(p.live.Load()) < cap(p.slots) {
			// Concurrent calls took the last warm instance: start one more
			// ahead of the next, so the pool grows with the traffic rather
			// than on a call's path (a plugin starts with one instance).
			go p.Warm(1)
		}
		return inst, nil
	default:
	}
	ictx, cancel := context.WithTimeout(ctx, p.limits.CallTimeout)
	defer cancel()
	inst, err := p.newInstance(ictx)
	if err != nil {
		<-p.slots
		var f *Fault
		if errors.As(err, &f) {
			return nil, f
		}
		return nil, &Fault{Plugin: p.name, Export: export, Kind: FaultUnavailable, Detail: err.Error(), Err: err}
	}
	return inst, nil
}

// shrinkAfter is how long a module's calls must go without overlapping
// before its pool shrinks back towards one instance, one instance a call.
const shrinkAfter = time.Minute

// release returns a healthy instance to the pool and frees its slot. When
// no two calls have overlapped for shrinkAfter, an instance beyond the first
// is stopped instead: the pool grew for a burst that is over.
func (p *Module) release(ctx context.Context, inst *instance) {
	p.mu.Lock()
	closed := p.closed
	p.mu.Unlock()
	switch {
	case closed:
		p.stop(ctx, inst, "closed")
	case time.Since(time.Unix(0, p.lastOverlap.Load())) >= p.shrinkAfter && p.leave():
		inst.close(ctx)
		p.obs.InstanceStopped(p.name, "surplus")
	default:
		select {
		case p.idle <- inst:
		default: // never more idle instances than the pool size
			p.stop(ctx, inst, "surplus")
		}
	}
	<-p.slots
}

// leave takes one instance off the live count unless it is the last: the
// caller then closes that instance itself. Concurrent releases cannot stop
// the pool's last instance between them.
func (p *Module) leave() bool {
	for {
		n := p.live.Load()
		if n <= 1 {
			return false
		}
		if p.live.CompareAndSwap(n, n-1) {
			return true
		}
	}
}

// discard closes an instance and frees its slot.
func (p *Module) discard(ctx context.Context, inst *instance, reason string) {
	p.stop(ctx, inst, reason)
	<-p.slots
}

// stop closes an instance and accounts for it.
func (p *Module) stop(ctx context.Context, inst *instance, reason string) {
	inst.close(ctx)
	p.live.Add(-1)
	p.obs.InstanceStopped(p.name, reason)
}

// newInstance instantiates the module and runs its _initialize.
func (p *Module) newInstance(ctx context.Context) (*instance, error) {
	start := time.Now()
	stderr := &tailBuffer{limit: 4096}
	cfg := wazero.NewModuleConfig().
		WithName("").
		WithStartFunctions(). // _initialize runs below, under the deadline guard
		WithStderr(stderr).
		WithStdout(discard{})
	startFault := func(err error, mem api.Memory) *Fault {
		f := classify(ctx, err, stderr, mem, p.limits)
		f.Plugin, f.Export = p.name, abi.ExportInitialize
		f.Detail = "failed to start: " + f.Detail
		return f
	}
	memory := &memoryRecorder{}
	mod, err := p.rt.InstantiateModule(memory.context(ctx, p.limits.MemoryBytes, p.image), p.compiled, cfg)
	if err != nil {
		memory.release()
		return nil, startFault(err, nil)
	}
	if err := memory.failed(); err != nil {
		_ = mod.Close(ctx)
		memory.release()
		return nil, fmt.Errorf("start an instance: %w", err)
	}
	var interruptFlag api.MutableGlobal
	if g, ok := mod.ExportedGlobal(interrupt.ExportName).(api.MutableGlobal); ok {
		interruptFlag = g
	}
	if init := mod.ExportedFunction(abi.ExportInitialize); init != nil {
		probe := &instance{mod: mod, interrupt: interruptFlag}
		var ierr error
		tripped := probe.guard(ctx, func() { _, ierr = init.Call(ctx) })
		if ierr != nil || tripped {
			_ = mod.Close(ctx)
			if ierr == nil {
				ierr = ctx.Err()
			}
			f := startFault(ierr, mod.ExportedMemory(abi.ExportMemory))
			memory.release()
			return nil, f
		}
	}
	inst := &instance{
		hasGC:     p.hasGC,
		interrupt: interruptFlag, stack: mod.ExportedGlobal(interrupt.StackExportName),
		mod: mod, mem: mod.ExportedMemory(abi.ExportMemory), memory: memory, stderr: stderr,
	}
	if g, ok := mod.ExportedGlobal(interrupt.StackLimitExportName).(api.MutableGlobal); ok {
		inst.stackLimit = g
	}
	inst.exports()
	if inst.mem == nil {
		inst.close(ctx)
		return nil, fmt.Errorf("does not export its memory as %q", abi.ExportMemory)
	}
	p.live.Add(1)
	p.obs.InstanceStarted(p.name, time.Since(start))
	return inst, nil
}

// fault classifies an error from calling into inst.
func (p *Module) fault(ctx context.Context, export string, inst *instance, err error) *Fault {
	var mem api.Memory
	var stderr *tailBuffer
	if inst != nil {
		mem, stderr = inst.mem, inst.stderr
	}
	f := classify(ctx, err, stderr, mem, p.limits)
	f.Plugin, f.Export = p.name, export
	if f.Kind == FaultTrap && inst != nil && inst.stack != nil && inst.stack.Get() > interrupt.MaxStackBytes {
		f.Kind = FaultOutOfMemory
		f.Detail = fmt.Sprintf("exceeded the call stack limit of %d MiB (recursion too deep)", interrupt.MaxStackBytes>>20)
	}
	return f
}

// classify turns a wazero error into a Fault.
func classify(ctx context.Context, err error, stderr *tailBuffer, mem api.Memory, lim Limits) *Fault {
	msg := ""
	if stderr != nil {
		msg = stderr.firstLine()
	}
	var exit *sys.ExitError
	switch {
	case errors.As(err, &exit) && exit.ExitCode() == sys.ExitCodeDeadlineExceeded,
		errors.Is(ctx.Err(), context.DeadlineExceeded):
		return &Fault{Kind: FaultTimeout, Detail: fmt.Sprintf("did not finish within %s", lim.CallTimeout), Err: err}
	case errors.As(err, &exit) && exit.ExitCode() == sys.ExitCodeContextCanceled,
		errors.Is(ctx.Err(), context.Canceled):
		return &Fault{Kind: FaultCanceled, Detail: "the call was canceled", Err: err}
	case strings.Contains(msg, "out of memory") || (mem != nil && uint64(mem.Size())+(1<<20) > lim.MemoryBytes):
		return &Fault{Kind: FaultOutOfMemory, Detail: fmt.Sprintf("ran out of memory (limit %d MiB)", lim.MemoryBytes>>20), Err: err}
	case errors.As(err, &exit):
		d := fmt.Sprintf("crashed (exit code %d)", exit.ExitCode())
		if msg != "" {
			d += ": " + msg
		}
		return &Fault{Kind: FaultTrap, Detail: d, Err: err}
	default:
		d := "trapped: " + firstLine(err.Error())
		if msg != "" {
			d += ": " + msg
		}
		return &Fault{Kind: FaultTrap, Detail: d, Err: err}
	}
}

// guard runs fn; if ctx ends first it sets the instance's interrupt flag so
// the module traps at its next loop head. It reports whether the flag was
// set, in which case the instance must not be reused.
func (i *instance) guard(ctx context.Context, fn func()) (tripped bool) {
	if i.interrupt == nil { // wazero's close-on-context-done is in charge
		fn()
		return false
	}
	stop := context.AfterFunc(ctx, func() { i.interrupt.Set(1) })
	fn()
	return !stop()
}

// startClock starts a call's yield clock and returns ctx carrying it: the
// call yields its goroutine every interrupt.YieldInterval, not at every
// slow path of the instrumentation.
func (i *instance) startClock(ctx context.Context) context.Context {
	i.clock.Start()
	return interrupt.WithClock(ctx, &i.clock)
}

// instance is one instantiated module with its export handles cached.
type instance struct {
	// interrupt is the flag the loop-head checks read (nil without instrumentation).
	interrupt api.MutableGlobal
	// stack is the rewriter's estimate of the call's stack use (nil without instrumentation).
	stack                                             api.Global
	mod                                               api.Module
	mem                                               api.Memory
	memory                                            *memoryRecorder
	abiVersion, alloc, manifest, build, parse, verify api.Function
	stderr                                            *tailBuffer
	calls                                             int

	// gc is the optional connector_gc export (nil when the plugin lacks it);
	// sinceGC counts calls since it last ran (idle.go).
	gc      api.Function
	hasGC   bool // the module exports connector_gc (gc is taken with the other handles)
	sinceGC int

	// clock spaces the yields of the instance's calls (interrupt.Clock).
	clock interrupt.Clock

	// stackLimit is the rewriter's stack limit global (nil without
	// instrumentation): it leaves interrupt.SoftStackBytes when a call goes
	// deep (see reuse).
	stackLimit api.MutableGlobal
}

// exports (re)takes the instance's export handles.
func (i *instance) exports() {
	mod := i.mod
	i.abiVersion = mod.ExportedFunction(abi.ExportABIVersion)
	i.alloc = mod.ExportedFunction(abi.ExportAlloc)
	i.manifest = mod.ExportedFunction(abi.ExportManifest)
	i.build = mod.ExportedFunction(abi.ExportBuildRequest)
	i.parse = mod.ExportedFunction(abi.ExportParseResponse)
	i.verify = mod.ExportedFunction(abi.ExportVerifyWebhook)
	if i.hasGC {
		i.gc = mod.ExportedFunction(abi.ExportGC)
	}
}

// reuse readies the export handles for the next call. wazero keeps the stack
// a call grew in the handle that made it; a pooled handle that made a deep
// call (up to interrupt.MaxStackBytes, estimated) would keep that stack alive
// outside the memory cap. The rewriter flags such a call by raising the
// stack limit global past interrupt.SoftStackBytes; then the handles are
// taken afresh (the grown stacks become garbage) and the flag is reset.
// Handles of an ordinary call are kept: a fresh one costs a 10 KiB stack
// that the call then grows by copying, on every call.
func (i *instance) reuse() {
	if i.stackLimit == nil || uint32(i.stackLimit.Get()) == interrupt.SoftStackBytes {
		return
	}
	i.exports()
	i.stackLimit.Set(interrupt.SoftStackBytes)
}

func (i *instance) fn(export string) api.Function {
	switch export {
	case abi.ExportBuildRequest:
		return i.build
	case abi.ExportParseResponse:
		return i.parse
	case abi.ExportVerifyWebhook:
		return i.verify
	}
	return nil
}

// invoke writes input into guest memory, calls export and copies its output.
func (i *instance) invoke(ctx context.Context, export string, input []byte, maxOut int) ([]byte, error) {
	if i.fn(export) == nil {
		return nil, &Fault{Kind: FaultUnavailable, Detail: "unknown export " + export}
	}
	// The instance's handles, retaken after a deep call (reuse); without
	// the rewriter's deep-call flag, fresh handles for every call.
	fn, alloc := i.fn(export), i.alloc
	if i.stackLimit == nil {
		fn, alloc = i.mod.ExportedFunction(export), i.mod.ExportedFunction(abi.ExportAlloc)
	} else {
		defer i.reuse()
	}
	i.stderr.reset()
	res, err := alloc.Call(ctx, uint64(len(input)))
	if err != nil {
		return nil, err
	}
	ptr := uint32(res[0])
	if len(input) > 0 && !i.mem.Write(ptr, input) {
		return nil, &Fault{Kind: FaultBadOutput, Detail: fmt.Sprintf("connector_alloc returned %d, outside memory for %d bytes", ptr, len(input))}
	}
	res, err = fn.Call(ctx, uint64(ptr), uint64(len(input)))
	if err != nil {
		return nil, err
	}
	outPtr, outLen := abi.UnpackPtrLen(res[0])
	if int(outLen) > maxOut {
		return nil, &Fault{Kind: FaultOutputTooLarge, Detail: fmt.Sprintf("returned %d bytes, over the %d-byte limit", outLen, maxOut)}
	}
	view, ok := i.mem.Read(outPtr, outLen)
	if !ok {
		return nil, &Fault{Kind: FaultBadOutput, Detail: fmt.Sprintf("returned output %d+%d outside its memory", outPtr, outLen)}
	}
	return bytes.Clone(view), nil
}

// close closes the module and releases its linear memory: call it only
// once no call of the instance runs (memory.go).
func (i *instance) close(ctx context.Context) {
	_ = i.mod.Close(ctx)
	i.memory.release()
}

// tailBuffer keeps the first limit bytes written to it (a Go panic message
// comes first) for fault messages.
type tailBuffer struct {
	mu    sync.Mutex
	buf   []byte
	limit int
}

func (b *tailBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if room := b.limit - len(b.buf); room > 0 {
		if len(p) < room {
			room = len(p)
		}
		b.buf = append(b.buf, p[:room]...)
	}
	return len(p), nil
}

func (b *tailBuffer) reset() {
	b.mu.Lock()
	b.buf = b.buf[:0]
	b.mu.Unlock()
}

// firstLine returns the first non-empty line written, trimmed to 300 bytes.
func (b *tailBuffer) firstLine() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return firstLine(string(b.buf))
}

func firstLine(s string) string {
	for _, line := range strings.Split(s, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			if len(line) > 300 {
				line = line[:300] + "..."
			}
			return line
		}
	}
	return ""
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
