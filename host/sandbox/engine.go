package sandbox

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"strings"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"

	"github.com/connectorhost/connector-host/abi"
	"github.com/connectorhost/connector-host/host/sandbox/internal/interrupt"
)

// Limits bounds what one plugin may use.
type Limits struct {
	// MemoryBytes caps each instance's linear memory (default 32 MiB).
	MemoryBytes uint64
	// CallTimeout is the deadline of one transform (default 2 s).
	CallTimeout time.Duration
	// MaxInputBytes caps one transform's input (default 8 MiB).
	MaxInputBytes int
	// MaxOutputBytes caps one transform's output (default 4 MiB).
	MaxOutputBytes int
	// PoolSize is the most instances of one plugin alive at once (default GOMAXPROCS).
	PoolSize int
	// MaxCallsPerInstance recycles an instance after this many calls (default 50000).
	MaxCallsPerInstance int
	// RecycleMemoryBytes recycles an instance whose memory has grown past this (default 3/4 of MemoryBytes).
	RecycleMemoryBytes uint64
	// LoadTimeout bounds every guest call made while loading and warming a
	// plugin (_initialize, connector_abi_version, connector_manifest) and
	// each instance start (default 10 s).
	LoadTimeout time.Duration
}

// TableEntryBytes is what one table entry costs the host; tables count
// against Limits.MemoryBytes at this rate.
const TableEntryBytes = 8

// GlobalBytes is what one global costs the host at most (a v128).
const GlobalBytes = 16

func (l Limits) withDefaults() Limits {
	if l.MemoryBytes == 0 {
		l.MemoryBytes = 32 << 20
	}
	if l.CallTimeout == 0 {
		l.CallTimeout = 2 * time.Second
	}
	if l.MaxInputBytes == 0 {
		l.MaxInputBytes = 8 << 20
	}
	if l.MaxOutputBytes == 0 {
		l.MaxOutputBytes = 4 << 20
	}
	if l.PoolSize == 0 {
		l.PoolSize = runtime.GOMAXPROCS(0)
	}
	if l.MaxCallsPerInstance == 0 {
		l.MaxCallsPerInstance = 50000
	}
	if l.LoadTimeout == 0 {
		l.LoadTimeout = 10 * time.Second
	}
	if l.RecycleMemoryBytes == 0 {
		l.RecycleMemoryBytes = l.MemoryBytes / 4 * 3
	}
	return l
}

// Observer receives runtime events, for metrics. Any method may be called
// concurrently. A nil Observer in Options is a no-op.
type Observer interface {
	// Transform reports one export call and how long it took; fault is nil on success.
	Transform(plugin, export string, d time.Duration, fault *Fault)
	// InstanceStarted reports a new instance (and how long _initialize took).
	InstanceStarted(plugin string, d time.Duration)
	// InstanceStopped reports an instance leaving the pool: "recycled_calls",
	// "recycled_memory", "fault" or "closed".
	InstanceStopped(plugin, reason string)
}

// Options configure an Engine.
type Options struct {
	Limits Limits
	// CacheDir keeps compiled machine code on disk so a restart does not
	// recompile. Empty keeps it in memory only.
	CacheDir string
	Logger   *slog.Logger
	Observer Observer
	// CompileWorkers is how many goroutines compile one module's functions
	// in parallel (default GOMAXPROCS). Loading from the compilation cache
	// compiles nothing.
	CompileWorkers int

	contextDoneChecks bool
}

// compileWorkersKey is the context key of WithCompileWorkers.
type compileWorkersKey struct{}

// WithCompileWorkers returns ctx asking Engine.Load to compile with n
// goroutines instead of Options.CompileWorkers. The registry compiles a new
// version of a plugin that is serving with one: no caller waits for that
// compile, and on a small host parallel workers would take every core from
// the calls the serving version answers meanwhile.
func WithCompileWorkers(ctx context.Context, n int) context.Context {
	return context.WithValue(ctx, compileWorkersKey{}, n)
}

// compileWorkers is the worker count for a Load with ctx.
func (e *Engine) compileWorkers(ctx context.Context) int {
	if n, ok := ctx.Value(compileWorkersKey{}).(int); ok && n > 0 {
		return n
	}
	return e.opts.CompileWorkers
}

// ContextDoneChecks makes the engine rely on wazero's close-on-context-done
// instead of the host's loop-head instrumentation. Both enforce the same
// deadlines; this one costs Go plugins several times the transform time. It
// exists for comparison benchmarks.
func ContextDoneChecks(o *Options) { o.contextDoneChecks = true }

// Engine compiles and loads plugins. It is safe for concurrent use.
type Engine struct {
	opts  Options
	cache wazero.CompilationCache
	log   *slog.Logger
}

// NewEngine returns an Engine with opts.
func NewEngine(opts Options) (*Engine, error) {
	opts.Limits = opts.Limits.withDefaults()
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Observer == nil {
		opts.Observer = nopObserver{}
	}
	if opts.CompileWorkers <= 0 {
		opts.CompileWorkers = runtime.GOMAXPROCS(0)
	}
	var cache wazero.CompilationCache
	if opts.CacheDir != "" {
		c, err := wazero.NewCompilationCacheWithDir(opts.CacheDir)
		if err != nil {
			return nil, fmt.Errorf("compilation cache %s: %w", opts.CacheDir, err)
		}
		cache = c
	} else {
		cache = wazero.NewCompilationCache()
	}
	return &Engine{opts: opts, cache: cache, log: opts.Logger}, nil
}

// Limits returns the limits plugins run under.
func (e *Engine) Limits() Limits { return e.opts.Limits }

// Close releases the compilation cache. Close plugins first.
func (e *Engine) Close(ctx context.Context) error { return e.cache.Close(ctx) }

// Load compiles wasm, checks its imports, exports and ABI version, reads the
// bytes its connector_manifest export returns, and returns the module ready
// to serve. name is the connector name the file was found under (its base
// name), used in faults and logs. Load starts one instance to read the
// manifest and keeps it in the pool. Decoding and validating the manifest is
// the plugin-ABI client's job (host/plugin).
func (e *Engine) Load(ctx context.Context, name string, wasm []byte) (*Module, error) {
	sum := sha256.Sum256(wasm)
	p, err := e.load(ctx, name, wasm)
	var f *Fault
	if errors.As(err, &f) && f.Plugin == name {
		return nil, err // it names the plugin already
	}
	if err != nil {
		return nil, fmt.Errorf("plugin %q: %w", name, err)
	}
	p.sha256 = hex.EncodeToString(sum[:])
	return p, nil
}

func (e *Engine) load(ctx context.Context, name string, wasm []byte) (*Module, error) {
	lim := e.opts.Limits
	analysis, extra, err := outsideMemory(wasm, lim)
	if err != nil {
		return nil, err
	}
	// Tables and globals live outside linear memory; they take their share
	// of the plugin's memory budget first.
	pages := uint32((lim.MemoryBytes - extra) / 65536)
	// The data segments become one image in a memfd that every instance
	// maps copy-on-write, instead of a decoded copy in the compiled module
	// plus a private copy in each instance. (Before the rewrite, which then
	// has no data segments to merge.)
	var image *memoryImage
	if mmapSupported {
		if stripped, img, ok := interrupt.ExtractImage(wasm); ok {
			if mi, err := newMemoryImage(img); err == nil {
				wasm, image = stripped, mi
			} else {
				e.log.Warn("keeping the plugin's data segments in the module", "plugin", name, "error", err)
			}
		}
	}
	// Deadlines: instrument loop headers and function entries with a cheap
	// interrupt check; only a module the rewriter cannot handle falls back
	// to wazero's close-on-context-done (correct, but it exits to Go at
	// every loop).
	instrumented, ierr := interrupt.Instrument(wasm)
	useInterrupt := ierr == nil && !e.opts.contextDoneChecks
	switch {
	case e.opts.contextDoneChecks:
	case errors.Is(ierr, interrupt.ErrUnsupported):
		e.log.Warn("plugin uses instructions the interrupt rewriter does not handle; using wazero's slower deadline checks", "plugin", name, "error", ierr)
	case ierr != nil:
		return nil, fmt.Errorf("not a valid WebAssembly module: %w", ierr)
	default:
		wasm = instrumented
	}
	cfg := wazero.NewRuntimeConfig().
		WithCloseOnContextDone(!useInterrupt).
		WithMemoryLimitPages(pages).
		WithCompilationCache(e.cache)
	rt := wazero.NewRuntimeWithConfig(ctx, cfg)
	var compiled wazero.CompiledModule
	fail := func(err error) (*Module, error) {
		_ = rt.Close(context.WithoutCancel(ctx))
		if compiled != nil {
			// The compilation cache holds compiled modules until they are
			// closed, also after their runtime closes.
			_ = compiled.Close(context.WithoutCancel(ctx))
		}
		return nil, err
	}
	compiled, err = compileModule(experimental.WithCompilationWorkers(ctx, e.compileWorkers(ctx)), rt, wasm)
	if err != nil {
		if strings.Contains(err.Error(), "over limit") {
			return fail(fmt.Errorf("needs more memory at start than the %d MiB limit: %w", lim.MemoryBytes>>20, err))
		}
		return fail(fmt.Errorf("not a valid WebAssembly module: %w", err))
	}
	if err := checkImports(analysis); err != nil {
		return fail(err)
	}
	if err := checkExports(analysis); err != nil {
		return fail(err)
	}
	for _, mem := range compiled.ExportedMemories() {
		if uint64(mem.Min())*65536+extra > lim.MemoryBytes {
			return fail(fmt.Errorf("needs %d MiB of memory at start; the limit is %d MiB", (uint64(mem.Min())*65536+extra)>>20, lim.MemoryBytes>>20))
		}
	}
	if _, err := wasi_snapshot_preview1.Instantiate(ctx, rt); err != nil {
		return fail(fmt.Errorf("instantiate WASI: %w", err))
	}
	if err := instantiateCrypto(ctx, rt); err != nil {
		return fail(fmt.Errorf("instantiate the crypto functions: %w", err))
	}
	if useInterrupt {
		if err := interrupt.InstantiateYield(ctx, rt); err != nil {
			return fail(fmt.Errorf("instantiate the interrupt yield: %w", err))
		}
	}
	p := &Module{
		name: name, rt: rt, compiled: compiled, image: image, hasGC: hasGC(analysis), limits: lim, log: e.log.With("plugin", name), obs: e.opts.Observer,
		slots: make(chan struct{}, lim.PoolSize), idle: make(chan *instance, lim.PoolSize),
		shrinkAfter: shrinkAfter,
	}
	p.lastOverlap.Store(time.Now().UnixNano())
	// Every guest call below runs under the load deadline: a plugin that
	// never returns from one is refused, naming the export.
	lctx, cancel := context.WithTimeout(ctx, lim.LoadTimeout)
	defer cancel()
	inst, err := p.newInstance(lctx)
	if err != nil {
		return fail(loadFault(err, lim))
	}
	version, err := p.abiVersion(lctx, inst)
	if err != nil {
		p.stop(ctx, inst, "fault")
		return fail(loadFault(err, lim))
	}
	if version != abi.Version {
		p.stop(ctx, inst, "fault")
		return fail(fmt.Errorf("speaks plugin ABI v%d; this host speaks ABI v%d", version, abi.Version))
	}
	m, err := p.readManifest(lctx, inst)
	if err != nil {
		p.stop(ctx, inst, "fault")
		return fail(loadFault(err, lim))
	}
	p.manifest = m
	p.slots <- struct{}{}
	p.release(ctx, inst)
	return p, nil
}

// compileModule is rt.CompileModule with a panic in wazero's validator
// (which some malformed modules trigger) turned into an error: a bad plugin
// file must not take the host down.
func compileModule(ctx context.Context, rt wazero.Runtime, wasm []byte) (c wazero.CompiledModule, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("the module crashed the validator: %v", r)
		}
	}()
	return rt.CompileModule(ctx, wasm)
}

// loadFault words a timeout at load in terms of the load deadline.
func loadFault(err error, lim Limits) error {
	var f *Fault
	if errors.As(err, &f) && f.Kind == FaultTimeout {
		f.Detail = fmt.Sprintf("did not return within the %s load deadline (plugins.load_timeout)", lim.LoadTimeout)
	}
	return err
}

// outsideMemory checks what wasm allocates besides its linear memory and
// returns its analysis and that size in bytes: tables (TableEntryBytes an
// entry, at their largest) and globals. Imports of tables or globals are
// refused (the sandbox provides none), as is a table that can grow without
// bound.
func outsideMemory(wasm []byte, lim Limits) (*interrupt.Analysis, uint64, error) {
	a, err := interrupt.Analyze(wasm)
	if err != nil {
		return nil, 0, fmt.Errorf("not a valid WebAssembly module: %w", err)
	}
	var bad []string
	for _, imp := range a.Imports {
		if imp.Kind == "table" || imp.Kind == "global" {
			bad = append(bad, fmt.Sprintf("%s.%s (%s)", imp.Module, imp.Name, imp.Kind))
		}
	}
	if len(bad) > 0 {
		return nil, 0, fmt.Errorf("imports %s, which the sandbox does not provide (a plugin may import only WASI functions)", strings.Join(bad, ", "))
	}
	bytes := uint64(a.Globals) * GlobalBytes
	for i, t := range a.Tables {
		n, ok := t.MaxEntries()
		if !ok {
			return nil, 0, fmt.Errorf("table %d can grow without limit (table.grow with no declared maximum); declare a maximum", i)
		}
		bytes += uint64(n) * TableEntryBytes
	}
	if bytes >= lim.MemoryBytes {
		return nil, 0, fmt.Errorf("its tables and globals need %d KiB at their largest, over the %d MiB memory limit", bytes>>10, lim.MemoryBytes>>20)
	}
	return a, bytes, nil
}

// requiredExports are the functions every ABI v1 plugin exports, with their signatures.
var requiredExports = map[string][2][]api.ValueType{
	abi.ExportABIVersion:    {nil, {api.ValueTypeI32}},
	abi.ExportAlloc:         {{api.ValueTypeI32}, {api.ValueTypeI32}},
	abi.ExportManifest:      {nil, {api.ValueTypeI64}},
	abi.ExportBuildRequest:  {{api.ValueTypeI32, api.ValueTypeI32}, {api.ValueTypeI64}},
	abi.ExportParseResponse: {{api.ValueTypeI32, api.ValueTypeI32}, {api.ValueTypeI64}},
	abi.ExportVerifyWebhook: {{api.ValueTypeI32, api.ValueTypeI32}, {api.ValueTypeI64}},
}

// checkExports checks the ABI's exports and their signatures, and that the
// module exports its memory, from a (see interrupt.Analysis).
func checkExports(a *interrupt.Analysis) error {
	var errs []error
	for _, name := range []string{abi.ExportABIVersion, abi.ExportAlloc, abi.ExportManifest, abi.ExportBuildRequest, abi.ExportParseResponse, abi.ExportVerifyWebhook} {
		want := requiredExports[name]
		f, ok := a.ExportedFuncs[name]
		if !ok {
			errs = append(errs, fmt.Errorf("does not export %s: not a connector plugin (build it with the PDK or implement docs/plugin-abi.md)", name))
			continue
		}
		params, results := valueTypes(f.Params), valueTypes(f.Results)
		if !sameTypes(params, want[0]) || !sameTypes(results, want[1]) {
			errs = append(errs, fmt.Errorf("export %s has signature %v -> %v; ABI v1 wants %v -> %v", name, params, results, want[0], want[1]))
		}
	}
	if len(a.ExportedMemories) == 0 {
		errs = append(errs, errors.New("does not export its memory"))
	}
	return errors.Join(errs...)
}

// valueTypes converts the binary format's value type bytes.
func valueTypes(b []byte) []api.ValueType {
	out := make([]api.ValueType, len(b))
	for i, t := range b {
		out[i] = api.ValueType(t)
	}
	return out
}

func sameTypes(a, b []api.ValueType) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// readManifest calls connector_manifest, under ctx's deadline, and returns a
// copy of the bytes it points to.
func (p *Module) readManifest(ctx context.Context, inst *instance) ([]byte, error) {
	var res []uint64
	var err error
	tripped := inst.guard(ctx, func() { res, err = inst.manifest.Call(ctx) })
	if err == nil && tripped {
		err = ctx.Err()
	}
	if err != nil {
		return nil, p.fault(ctx, abi.ExportManifest, inst, err)
	}
	ptr, n := abi.UnpackPtrLen(res[0])
	if n > abi.MaxManifestBytes {
		return nil, fmt.Errorf("manifest of %d bytes exceeds %d", n, abi.MaxManifestBytes)
	}
	b, ok := inst.mem.Read(ptr, n)
	if !ok {
		return nil, fmt.Errorf("manifest pointer %d+%d is outside memory", ptr, n)
	}
	return bytes.Clone(b), nil
}

func (p *Module) abiVersion(ctx context.Context, inst *instance) (uint32, error) {
	var res []uint64
	var err error
	tripped := inst.guard(ctx, func() { res, err = inst.abiVersion.Call(ctx) })
	if err == nil && tripped {
		err = ctx.Err()
	}
	if err != nil {
		return 0, p.fault(ctx, abi.ExportABIVersion, inst, err)
	}
	return uint32(res[0]), nil
}

type nopObserver struct{}

func (nopObserver) Transform(string, string, time.Duration, *Fault) {}
func (nopObserver) InstanceStarted(string, time.Duration)           {}
func (nopObserver) InstanceStopped(string, string)                  {}
