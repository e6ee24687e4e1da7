// Package registry keeps the connector plugins of a directory loaded and
// current. It watches the directory: a new or changed NAME.wasm is compiled,
// its ABI and manifest checked (and, when configured, the conformance gate
// run) before it replaces the serving version atomically; calls in flight
// finish on the old version; a broken file leaves the old version serving and
// is reported; a removed file unloads once its calls drain.
//
// Plugins are activated lazily: at start the registry only learns each
// file's manifest (from a cache keyed by the file's SHA-256, or by loading it
// once in the background), so a host with a hundred plugin files serves at
// once and holds compiled code only for the connectors it is asked to use.
package registry

import (
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	goruntime "runtime"
	"runtime/debug"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/host/manifest"
	"github.com/connectorhost/connector-host/host/plugin"
	"github.com/connectorhost/connector-host/host/sandbox"
)

// Gate decides whether a freshly loaded plugin may serve (e.g. the
// conformance suite). A non-nil error refuses it.
type Gate func(ctx context.Context, p *plugin.Plugin, wasm []byte) error

// EventKind names what happened to a plugin file.
type EventKind string

// Event kinds reported to Options.OnEvent.
const (
	EventLoaded   EventKind = "loaded"   // a version is ready (dormant or active)
	EventFailed   EventKind = "failed"   // a version failed to load; an older one may still serve
	EventUnloaded EventKind = "unloaded" // the file was removed
)

// Event reports a load, failure or unload.
type Event struct {
	Kind   EventKind
	Name   string
	SHA256 string
	Err    error
}

// Options configure a Registry.
type Options struct {
	// Dir holds the NAME.wasm files.
	Dir    string
	Engine *sandbox.Engine
	// CacheDir keeps manifests by file hash so a restart need not load every
	// plugin to list it. Empty disables the cache.
	CacheDir string
	Logger   *slog.Logger
	// Gate, when set, must pass before a version serves: every version, on
	// every path (start-up, reload, lazy activation), once per module hash
	// and GateKey.
	Gate Gate
	// GateKey names the gate's settings (e.g. a hash of the conformance
	// fixtures); a pass is remembered for a module hash and this key, so
	// changed settings gate every plugin again.
	GateKey string
	// TrustedKeys, when not empty, requires every plugin file to carry a
	// signature file (NAME.wasm.sig) made by one of these keys.
	TrustedKeys []ed25519.PublicKey
	// Eager activates every plugin at load instead of on first use.
	Eager bool
	// Debounce is how long the watcher waits for writes to a file to settle (default 200ms).
	Debounce time.Duration
	// OnEvent, when set, is called after each load, failure and unload.
	OnEvent func(Event)
	// IdleTimeout deactivates a plugin unused for this long: its compiled code
	// and instances are released and the next call activates it again from
	// the on-disk cache. Zero keeps activated plugins for good.
	IdleTimeout time.Duration

	// freeOSMemory returns freed heap to the OS (debug.FreeOSMemory; tests
	// replace it).
	freeOSMemory func()
}

// LoadState is where a connector is in loading.
type LoadState int

// Load states.
const (
	StateLoading LoadState = iota + 1
	StateReady
	StateFailed
)

// Info describes one connector for ConnectorService.
type Info struct {
	Name     string
	Manifest *v1.Manifest
	State    LoadState
	// LoadError is why the newest file version failed, when it did.
	LoadError string
	SHA256    string
	LoadedAt  time.Time
	Active    bool
	// ConformancePassed reports that this version (by SHA256) passed the
	// gate; false when no gate is configured.
	ConformancePassed bool
}

// Registry is the set of connectors. It is safe for concurrent use.
type Registry struct {
	opts Options
	log  *slog.Logger

	mu      sync.RWMutex
	entries map[string]*entry

	timersMu sync.Mutex
	timers   map[string]*time.Timer

	// loadSem bounds concurrent loads; each guest call at load is bounded by
	// the engine's load deadline, so a stuck plugin holds a slot only that
	// long, and there are always at least two.
	loadSem chan struct{}
	wg      sync.WaitGroup
	closed  chan struct{}
	// ctx ends at Close, interrupting loads in progress.
	ctx    context.Context
	cancel context.CancelFunc

	// gatePassed remembers module hashes that passed the gate (with GateKey).
	gateMu     sync.Mutex
	gatePassed map[string]bool

	// freeMemory asks the memory releaser (releaseMemory) to return freed
	// heap to the operating system; one pending request stands for any number.
	freeMemory chan struct{}
	// freeRound is closed when the next collection has run (nil until
	// someone asks for one).
	freeMu    sync.Mutex
	freeRound chan struct{}
}

// entry is one connector name and its serving version.
type entry struct {
	name string

	mu        sync.Mutex
	manifest  *v1.Manifest
	sha       string
	plugin    *plugin.Plugin // nil while dormant
	state     LoadState
	loadErr   string
	loadedAt  time.Time
	ready     chan struct{} // closed when the first load attempt ends
	readyOnce sync.Once
	activate  sync.Mutex   // serialises activation
	loading   sync.Mutex   // serialises loads of this name
	gated     bool         // the serving version (sha) passed the gate
	lastUsed  atomic.Int64 // Unix nanoseconds of the last Acquire
}

// New scans opts.Dir and starts loading every plugin in the background.
// Call Watch to follow changes, and Close when done.
func New(ctx context.Context, opts Options) (*Registry, error) {
	if opts.Engine == nil {
		return nil, errors.New("registry: Engine is required")
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Debounce == 0 {
		opts.Debounce = 200 * time.Millisecond
	}
	if opts.freeOSMemory == nil {
		opts.freeOSMemory = debug.FreeOSMemory
	}
	st, err := os.Stat(opts.Dir)
	if err != nil {
		return nil, fmt.Errorf("plugin directory: %w", err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("plugin directory %s is not a directory", opts.Dir)
	}
	if opts.CacheDir != "" {
		if err := os.MkdirAll(filepath.Join(opts.CacheDir, "manifests"), 0o755); err != nil {
			return nil, fmt.Errorf("manifest cache: %w", err)
		}
	}
	r := &Registry{
		opts: opts, log: opts.Logger, entries: map[string]*entry{}, timers: map[string]*time.Timer{},
		loadSem: make(chan struct{}, max(2, goruntime.GOMAXPROCS(0))), closed: make(chan struct{}),
		gatePassed: map[string]bool{}, freeMemory: make(chan struct{}, 1),
	}
	r.wg.Add(1)
	go r.memoryReleaser()
	r.ctx, r.cancel = context.WithCancel(context.WithoutCancel(ctx))
	files, err := filepath.Glob(filepath.Join(opts.Dir, "*.wasm"))
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".wasm")
		if !manifest.ValidName(name) {
			r.log.Warn("ignoring plugin file with an invalid connector name", "file", f)
			continue
		}
		e := r.entry(name)
		r.wg.Add(1)
		go func() {
			defer r.wg.Done()
			r.load(r.ctx, e)
		}()
	}
	if opts.IdleTimeout > 0 {
		r.wg.Add(1)
		go r.janitor(opts.IdleTimeout)
	}
	return r, nil
}

// janitor deactivates idle plugins until the registry closes.
func (r *Registry) janitor(idle time.Duration) {
	defer r.wg.Done()
	t := time.NewTicker(max(idle/4, time.Second))
	defer t.Stop()
	for {
		select {
		case <-r.closed:
			return
		case <-t.C:
			r.DeactivateIdle(idle)
		}
	}
}

// DeactivateIdle releases the compiled code and instances of every active
// plugin not acquired for at least idle, keeping its manifest (it stays
// listed and ready); calls in flight finish first. It returns how many it
// deactivated.
func (r *Registry) DeactivateIdle(idle time.Duration) int {
	r.mu.RLock()
	entries := make([]*entry, 0, len(r.entries))
	for _, e := range r.entries {
		entries = append(entries, e)
	}
	r.mu.RUnlock()
	cutoff := time.Now().Add(-idle).UnixNano()
	n := 0
	for _, e := range entries {
		e.activate.Lock()
		e.mu.Lock()
		p := e.plugin
		if p != nil && e.lastUsed.Load() <= cutoff {
			e.plugin = nil
		} else {
			p = nil
		}
		e.mu.Unlock()
		e.activate.Unlock()
		if p != nil {
			p.Retire()
			n++
			r.log.Info("plugin deactivated after being idle", "connector", e.name, "idle_timeout", idle)
		}
	}
	return n
}

// releaseMemory asks for the heap freed by a load to be returned to the
// operating system soon, off the caller's path. Compiling a plugin leaves
// tens of MiB of the compiler's garbage behind (about twice the plugin's
// compiled code); the Go runtime would hand it back only gradually, so every
// activation would raise the host's RSS by that much for minutes.
// The returned channel is closed once a collection that started after the
// request has finished (never, if the registry closes first).
func (r *Registry) releaseMemory() <-chan struct{} {
	r.freeMu.Lock()
	if r.freeRound == nil {
		r.freeRound = make(chan struct{})
	}
	done := r.freeRound
	r.freeMu.Unlock()
	select {
	case r.freeMemory <- struct{}{}:
	default: // a request is pending already: it covers this one
	}
	return done
}

// memoryReleaser serves releaseMemory until the registry closes: one forced
// collection (debug.FreeOSMemory) per pending request, so a burst of
// activations costs a few collections, not one each. After each it rests for
// twice as long as the collection took, so with a large heap (many active
// plugins) and a burst of loads it takes at most a third of a core.
func (r *Registry) memoryReleaser() {
	defer r.wg.Done()
	for {
		select {
		case <-r.closed:
			return
		case <-r.freeMemory:
		}
		r.freeMu.Lock()
		done := r.freeRound
		r.freeRound = nil
		r.freeMu.Unlock()
		if done == nil {
			continue // the collection just run covered the request that signalled
		}
		start := time.Now()
		r.opts.freeOSMemory()
		close(done)
		rest := time.NewTimer(2 * time.Since(start))
		select {
		case <-r.closed:
			rest.Stop()
			return
		case <-rest.C:
		}
	}
}

// entry returns the entry for name, creating it in the loading state.
func (r *Registry) entry(name string) *entry {
	r.mu.Lock()
	defer r.mu.Unlock()
	e, ok := r.entries[name]
	if !ok {
		e = &entry{name: name, state: StateLoading, ready: make(chan struct{})}
		r.entries[name] = e
	}
	return e
}

func (r *Registry) path(name string) string { return filepath.Join(r.opts.Dir, name+".wasm") }

// load (re)loads name's file: learns its manifest and, when the entry is
// active or eager, compiles, gates and warms the new version before it
// replaces the serving one (no call waits for it). It is the single path for
// start-up, hot reload and removal. Loads of one name are serialised; loads
// of different names run side by side, so a stuck plugin (bounded by the
// load deadline) does not hold up the others.
func (r *Registry) load(ctx context.Context, e *entry) {
	e.loading.Lock()
	defer e.loading.Unlock()
	select {
	case r.loadSem <- struct{}{}:
		defer func() { <-r.loadSem }()
	case <-r.closed:
		return
	}
	wasm, err := os.ReadFile(r.path(e.name))
	if errors.Is(err, os.ErrNotExist) {
		r.unload(e)
		return
	}
	if err != nil {
		r.fail(e, "", fmt.Errorf("read %s: %w", r.path(e.name), err))
		return
	}
	sum := sha256.Sum256(wasm)
	sha := hex.EncodeToString(sum[:])
	if err := r.verify(e.name, wasm); err != nil {
		r.fail(e, sha, err)
		return
	}
	e.mu.Lock()
	unchanged := sha == e.sha && e.state == StateReady
	active := e.plugin != nil
	// The file serving was replaced by a broken one, then put back: the
	// version serving is the file's again, so its load error is stale.
	restored := unchanged && e.loadErr != ""
	if restored {
		e.loadErr = ""
	}
	e.mu.Unlock()
	if restored {
		r.log.Info("plugin file restored: the version serving matches it again; the earlier load error is cleared",
			"connector", e.name, "sha256", sha[:12])
		r.emit(Event{Kind: EventLoaded, Name: e.name, SHA256: sha})
	}
	if unchanged {
		return
	}
	if !active && !r.opts.Eager && (r.opts.Gate == nil || r.passedGate(sha)) {
		if m := r.cachedManifest(sha); m != nil {
			r.ready(ctx, e, m, sha, nil)
			return
		}
	}
	loadCtx := ctx
	if active {
		// A new version of a serving plugin: the old one answers until this
		// one is ready, so the compile need not take every core from it.
		loadCtx = sandbox.WithCompileWorkers(ctx, 1)
	}
	p, err := plugin.Load(loadCtx, r.opts.Engine, e.name, wasm)
	if err == nil {
		if err = r.gate(ctx, p, wasm); err != nil {
			p.Close()
		}
	}
	if err != nil {
		r.fail(e, sha, err)
		return
	}
	m := p.Manifest()
	r.storeManifest(sha, m)
	switch {
	case !active && !r.opts.Eager:
		// Dormant: keep only the manifest; the compiled code is cached on disk.
		p.Close()
		p = nil
	case active:
		// A new version of a serving plugin: warm as many instances as the
		// serving version runs before this one takes its traffic (the old
		// one serves until then), so no call of that traffic waits for an
		// instance to start.
		p.WarmContext(ctx, r.serving(e)-p.Live())
	}
	// Eager activation keeps the instance that read the manifest warm; the
	// pool grows with the traffic (sandbox.Module starts instances ahead of
	// concurrent calls).
	r.releaseMemory()
	r.ready(ctx, e, m, sha, p)
}

// serving is how many instances the version of e now serving runs (at least one).
func (r *Registry) serving(e *entry) int {
	e.mu.Lock()
	p := e.plugin
	e.mu.Unlock()
	if p == nil {
		return 1
	}
	return max(1, p.Live())
}

// verify checks name's signature when trusted keys are configured.
func (r *Registry) verify(name string, wasm []byte) error {
	if len(r.opts.TrustedKeys) == 0 {
		return nil
	}
	if err := verifySignature(r.path(name), wasm, r.opts.TrustedKeys); err != nil {
		return fmt.Errorf("plugin %q refused: %w", name, err)
	}
	return nil
}

// gate runs the gate on p unless its module hash already passed it with
// the current settings.
func (r *Registry) gate(ctx context.Context, p *plugin.Plugin, wasm []byte) error {
	if r.opts.Gate == nil || r.passedGate(p.SHA256()) {
		return nil
	}
	if err := r.opts.Gate(ctx, p, wasm); err != nil {
		return fmt.Errorf("plugin %q failed the conformance gate: %w", p.Name(), err)
	}
	r.gateMu.Lock()
	r.gatePassed[p.SHA256()] = true
	r.gateMu.Unlock()
	r.storeGatePass(p.SHA256())
	return nil
}

// passedGate reports whether the module hash sha passed the gate with the
// current settings (in this process or, through the cache, an earlier one).
func (r *Registry) passedGate(sha string) bool {
	r.gateMu.Lock()
	ok := r.gatePassed[sha]
	r.gateMu.Unlock()
	if ok {
		return true
	}
	if r.cachedGatePass(sha) {
		r.gateMu.Lock()
		r.gatePassed[sha] = true
		r.gateMu.Unlock()
		return true
	}
	return false
}

// ready records a successful load; when p is not nil it becomes the serving
// version and the previous one retires after its calls drain.
func (r *Registry) ready(ctx context.Context, e *entry, m *v1.Manifest, sha string, p *plugin.Plugin) {
	e.mu.Lock()
	old := e.plugin
	if p == nil && old != nil {
		// The entry was activated while this version loaded dormant: load it
		// again, fully, so the serving code and the manifest stay one version.
		e.mu.Unlock()
		r.wg.Add(1)
		go func() {
			defer r.wg.Done()
			r.load(ctx, e)
		}()
		return
	}
	e.plugin = p
	e.manifest, e.sha, e.state, e.loadErr, e.loadedAt = m, sha, StateReady, "", time.Now()
	e.gated = r.opts.Gate != nil && r.passedGate(sha)
	e.mu.Unlock()
	if old != nil {
		old.Retire()
	}
	e.readyOnce.Do(func() { close(e.ready) })
	meaning := "dormant: manifest read, compiled code cached on disk; it is compiled into memory on its first call (eager_plugins: true activates at start)"
	if p != nil {
		meaning = "active: compiled and in memory, serving calls"
	}
	r.log.Info("plugin loaded", "connector", e.name, "version", m.GetVersion(), "sha256", sha[:12], "active", p != nil, "active_means", meaning)
	r.emit(Event{Kind: EventLoaded, Name: e.name, SHA256: sha})
}

func (r *Registry) fail(e *entry, sha string, err error) {
	e.mu.Lock()
	e.loadErr = err.Error()
	if e.manifest == nil {
		e.state = StateFailed
	}
	e.mu.Unlock()
	e.readyOnce.Do(func() { close(e.ready) })
	r.log.Error("plugin failed to load; any previous version keeps serving", "connector", e.name, "error", err)
	r.emit(Event{Kind: EventFailed, Name: e.name, SHA256: sha, Err: err})
}

func (r *Registry) unload(e *entry) {
	r.mu.Lock()
	if r.entries[e.name] == e {
		delete(r.entries, e.name)
	}
	r.mu.Unlock()
	e.mu.Lock()
	old := e.plugin
	e.plugin = nil
	e.mu.Unlock()
	if old != nil {
		old.Retire()
	}
	e.readyOnce.Do(func() { close(e.ready) })
	r.log.Info("plugin unloaded", "connector", e.name)
	r.emit(Event{Kind: EventUnloaded, Name: e.name})
}

func (r *Registry) emit(ev Event) {
	if r.opts.OnEvent != nil {
		r.opts.OnEvent(ev)
	}
}

// ErrNotFound is returned by Acquire for a connector the registry does not know.
var ErrNotFound = errors.New("connector not found")

// ErrNotReady is returned by Acquire for a connector that failed to load,
// is still loading or is being replaced.
var ErrNotReady = errors.New("connector is not available")

// acquireError is an Acquire failure with a message written for the caller:
// errors.Is matches kind (ErrNotFound or ErrNotReady) and the cause, if any.
type acquireError struct {
	kind  error
	msg   string
	cause error
}

func (e *acquireError) Error() string { return e.msg }

func (e *acquireError) Unwrap() []error {
	if e.cause == nil {
		return []error{e.kind}
	}
	return []error{e.kind, e.cause}
}

// Acquire returns the serving version of name, activating it when dormant,
// with a release function the caller must call when the call is done (the
// version stays open until then, even if a new one replaces it).
func (r *Registry) Acquire(ctx context.Context, name string) (*plugin.Plugin, func(), error) {
	r.mu.RLock()
	e, ok := r.entries[name]
	r.mu.RUnlock()
	if !ok {
		return nil, nil, &acquireError{kind: ErrNotFound, msg: fmt.Sprintf("connector %q is not loaded on this host", name)}
	}
	select {
	case <-e.ready:
	case <-ctx.Done():
		return nil, nil, &acquireError{kind: ErrNotReady, msg: fmt.Sprintf("connector %q is still loading: %v", name, ctx.Err()), cause: ctx.Err()}
	}
	e.lastUsed.Store(time.Now().UnixNano())
	for attempt := 0; attempt < 3; attempt++ {
		e.mu.Lock()
		p, state, loadErr := e.plugin, e.state, e.loadErr
		e.mu.Unlock()
		if state != StateReady {
			return nil, nil, fmt.Errorf("%w: %q failed to load: %s", ErrNotReady, name, loadErr)
		}
		if p == nil {
			var err error
			if p, err = r.activate(ctx, e); err != nil {
				return nil, nil, err
			}
		}
		if p.Acquire() {
			return p, p.Release, nil
		}
		// p was retired between reading and acquiring: a newer version is in place.
	}
	return nil, nil, fmt.Errorf("%w: %q is being replaced; retry", ErrNotReady, name)
}

// activate loads a dormant entry's file for serving. The heap the load
// freed (the compiler's garbage) goes back to the operating system in the
// background (releaseMemory): no call waits for it.
func (r *Registry) activate(ctx context.Context, e *entry) (*plugin.Plugin, error) {
	e.activate.Lock()
	defer e.activate.Unlock()
	return r.activateLocked(ctx, e)
}

// activateLocked is activate under e.activate.
func (r *Registry) activateLocked(ctx context.Context, e *entry) (*plugin.Plugin, error) {
	e.mu.Lock()
	p, sha := e.plugin, e.sha
	e.mu.Unlock()
	if p != nil {
		return p, nil
	}
	wasm, err := os.ReadFile(r.path(e.name))
	if err != nil {
		return nil, fmt.Errorf("%w: %q: %v", ErrNotReady, e.name, err)
	}
	if err := r.verify(e.name, wasm); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNotReady, err)
	}
	p, err = plugin.Load(ctx, r.opts.Engine, e.name, wasm)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNotReady, err)
	}
	// Lazy activation gates too: the manifest may have come from the cache
	// of a run without the gate, or the file may have changed since.
	if err := r.gate(ctx, p, wasm); err != nil {
		p.Close()
		return nil, fmt.Errorf("%w: %v", ErrNotReady, err)
	}
	e.mu.Lock()
	if e.plugin != nil { // a reload won the race
		winner := e.plugin
		e.mu.Unlock()
		p.Close()
		return winner, nil
	}
	e.plugin = p
	// The instance that read the manifest stays warm for this call; the pool
	// grows with the traffic, so a plugin called now and then holds one
	// instance, not a pool's worth.
	r.releaseMemory()
	if p.SHA256() != sha {
		// The file changed since its manifest was read; the watcher will report it.
		e.manifest, e.sha = p.Manifest(), p.SHA256()
	}
	e.gated = r.opts.Gate != nil && r.passedGate(p.SHA256())
	e.mu.Unlock()
	r.log.Info("plugin activated", "connector", e.name)
	return p, nil
}

// List describes every known connector, sorted by name.
func (r *Registry) List() []Info {
	r.mu.RLock()
	entries := make([]*entry, 0, len(r.entries))
	for _, e := range r.entries {
		entries = append(entries, e)
	}
	r.mu.RUnlock()
	sort.Slice(entries, func(i, j int) bool { return entries[i].name < entries[j].name })
	out := make([]Info, 0, len(entries))
	for _, e := range entries {
		out = append(out, e.info())
	}
	return out
}

// Get describes one connector.
func (r *Registry) Get(name string) (Info, bool) {
	r.mu.RLock()
	e, ok := r.entries[name]
	r.mu.RUnlock()
	if !ok {
		return Info{}, false
	}
	return e.info(), true
}

func (e *entry) info() Info {
	e.mu.Lock()
	defer e.mu.Unlock()
	return Info{Name: e.name, Manifest: e.manifest, State: e.state, LoadError: e.loadErr, SHA256: e.sha, LoadedAt: e.loadedAt, Active: e.plugin != nil, ConformancePassed: e.gated}
}

// WaitLoaded blocks until every connector known now has finished its first
// load attempt, or ctx ends.
func (r *Registry) WaitLoaded(ctx context.Context) error {
	r.mu.RLock()
	entries := make([]*entry, 0, len(r.entries))
	for _, e := range r.entries {
		entries = append(entries, e)
	}
	r.mu.RUnlock()
	for _, e := range entries {
		select {
		case <-e.ready:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

// Reload reloads name from disk now (the watcher calls it after a change).
func (r *Registry) Reload(ctx context.Context, name string) {
	if !manifest.ValidName(name) {
		return
	}
	r.load(ctx, r.entry(name))
}

// Close stops watching and loading, and retires every plugin after its calls drain.
func (r *Registry) Close() {
	select {
	case <-r.closed:
		return
	default:
	}
	close(r.closed)
	r.cancel() // interrupts guest calls of loads in progress
	r.timersMu.Lock()
	for _, t := range r.timers {
		t.Stop()
	}
	r.timersMu.Unlock()
	r.wg.Wait()
	r.mu.Lock()
	entries := r.entries
	r.entries = map[string]*entry{}
	r.mu.Unlock()
	for _, e := range entries {
		e.mu.Lock()
		p := e.plugin
		e.plugin = nil
		e.mu.Unlock()
		if p != nil {
			<-p.Retire()
		}
	}
}
