package conformance

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"github.com/connectorhost/connector-host/abi"
	"path/filepath"
	"strings"

	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/host/plugin"
	"github.com/connectorhost/connector-host/host/sandbox"
	"github.com/connectorhost/connector-host/pdk"
)

// Run loads wasm as connector name into the real runtime, with every limit
// on, and runs the whole suite on it, offline. It returns a report for any
// plugin, even one that fails to load; the error is for the suite itself
// (context canceled, an engine that cannot start).
func Run(ctx context.Context, wasm []byte, name string, opts Options) (*Report, error) {
	opts = opts.withDefaults()
	eng := opts.Engine
	if eng == nil {
		lim := opts.Limits
		lim.PoolSize = 1
		e, err := sandbox.NewEngine(sandbox.Options{Limits: lim, CacheDir: opts.CacheDir, Logger: opts.Logger})
		if err != nil {
			return nil, fmt.Errorf("conformance: start runtime: %w", err)
		}
		defer func() { _ = e.Close(context.WithoutCancel(ctx)) }()
		eng = e
	}
	sum := sha256.Sum256(wasm)
	report := &Report{Plugin: name, SHA256: hex.EncodeToString(sum[:])}
	p, err := plugin.Load(ctx, eng, name, wasm)
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("conformance: load %s: %w", name, ctx.Err())
		}
		reportLoadFailure(report, err)
		opts.Logger.Info("conformance: plugin failed to load", "plugin", name, "error", err)
		return report, nil
	}
	defer p.Close()
	fresh := func(ctx context.Context) (abi.Transformer, func(), error) {
		q, err := plugin.Load(ctx, eng, name, wasm)
		if err != nil {
			return nil, nil, err
		}
		return q, q.Close, nil
	}
	return runSuite(ctx, p.Manifest(), p, fresh, report, opts, false)
}

// RunPlugin runs the suite on a plugin the caller already loaded (the
// registry's gate). wasm, when not nil, is loaded once more into a private
// engine for the determinism check's second instance.
func RunPlugin(ctx context.Context, p *plugin.Plugin, wasm []byte, opts Options) (*Report, error) {
	opts = opts.withDefaults()
	report := &Report{Plugin: p.Name(), SHA256: p.SHA256()}
	var fresh freshFunc
	if wasm != nil {
		fresh = func(ctx context.Context) (abi.Transformer, func(), error) {
			eng := opts.Engine
			closeEngine := func() {}
			if eng == nil {
				lim := opts.Limits
				lim.PoolSize = 1
				e, err := sandbox.NewEngine(sandbox.Options{Limits: lim, CacheDir: opts.CacheDir, Logger: opts.Logger})
				if err != nil {
					return nil, nil, err
				}
				eng, closeEngine = e, func() { _ = e.Close(context.WithoutCancel(ctx)) }
			}
			q, err := plugin.Load(ctx, eng, p.Name(), wasm)
			if err != nil {
				closeEngine()
				return nil, nil, err
			}
			return q, func() { q.Close(); closeEngine() }, nil
		}
	}
	return runSuite(ctx, p.Manifest(), p, fresh, report, opts, false)
}

// RunConnector runs the suite natively on the Connector newConnector returns
// (called once per instance the suite needs). It is fast and gives Go stack
// traces, but it has no time or memory limits and does not prove the .wasm
// loads: run Run on the built plugin before shipping.
func RunConnector(ctx context.Context, newConnector func() *pdk.Connector, opts Options) (*Report, error) {
	opts = opts.withDefaults()
	t, m, err := NativeTransformer(newConnector())
	if err != nil {
		return nil, fmt.Errorf("conformance: %w", err)
	}
	report := &Report{Plugin: m.GetName()}
	fresh := func(context.Context) (abi.Transformer, func(), error) {
		t, _, err := NativeTransformer(newConnector())
		return t, func() {}, err
	}
	return runSuite(ctx, m, t, fresh, report, opts, true)
}

// freshFunc starts a second, independent instance of the plugin and returns
// it with its close function.
type freshFunc func(ctx context.Context) (abi.Transformer, func(), error)

// runSuite runs every check in order and fills report.
func runSuite(ctx context.Context, m *v1.Manifest, t abi.Transformer, fresh freshFunc, report *Report, opts Options, native bool) (*Report, error) {
	dir := opts.FixturesDir
	if dir == "" && opts.FixturesRoot != "" {
		dir = filepath.Join(opts.FixturesRoot, m.GetName(), "fixtures")
	}
	s := newSuite(m, t, fresh, report, opts, dir)
	s.native = native
	report.Plugin = m.GetName()
	report.Version = m.GetVersion()
	report.AbiVersion = m.GetAbiVersion()
	report.Manifest = m
	steps := []struct {
		name string
		run  func(context.Context) error
	}{
		{"manifest", s.checkManifest},
		{"fixtures", s.checkFixtures},
		{"flows", s.checkFlowsHandled},
		{"payment methods", s.checkPaymentMethods},
		{"credentials", s.checkCredentials},
		{"fixture cases", s.checkFixtureCases},
		{"robustness", s.checkRobustness},
		{"money", s.checkMoney},
		{"webhooks", s.checkWebhooks},
		{"determinism", s.checkDeterminism},
		{"fuzz", s.checkFuzz},
		{"limits", s.checkLimits},
	}
	for _, st := range steps {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("conformance: %w", err)
		}
		s.log.Debug("conformance: running checks", "plugin", m.GetName(), "step", st.name)
		if err := st.run(ctx); err != nil {
			return nil, fmt.Errorf("conformance: %s checks on %s: %w", st.name, m.GetName(), err)
		}
	}
	s.log.Info("conformance: done", "plugin", m.GetName(), "passed", report.Passed(), "failed", len(report.Failed()), "calls", s.stats.calls)
	return report, nil
}

// reportLoadFailure turns a runtime load error into failed checks: the
// manifest's problems each under the check they belong to, an ABI mismatch
// under manifest.abi_version, anything else under plugin.load.
func reportLoadFailure(r *Report, err error) {
	r.add(CheckResult{ID: "plugin.load", Category: CategoryManifest, Passed: false,
		Message: fmt.Sprintf("the runtime refused the plugin: %v", err)})
	var probs []error
	for e := err; e != nil && strings.Contains(err.Error(), "invalid manifest:"); e = errors.Unwrap(e) {
		if j, ok := e.(interface{ Unwrap() []error }); ok {
			probs = j.Unwrap()
			break
		}
	}
	if len(probs) > 0 {
		for _, c := range classifyManifestProblems(probs) {
			r.add(c)
		}
		return
	}
	if abiMismatch(err) {
		r.add(CheckResult{ID: "manifest.abi_version", Category: CategoryManifest, Passed: false,
			Message: fmt.Sprintf("%v: rebuild the plugin with this repository's PDK (abi.Version)", err)})
	}
}
