package conformance_test

import (
	"context"
	"fmt"
	"hash/fnv"
	"maps"
	"os"
	"slices"
	"sync"
	"testing"

	"github.com/connectorhost/connector-host/conformance"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/host/plugin"
	"github.com/connectorhost/connector-host/internal/wasmbuild"
)

// The fuzz targets run inputs against plugins inside the runtime: the good
// test plugin, and each bundled plugin that exists (plugins/<name>/wasm).
// `go test` runs the seeds (testdata/fuzz/... and every fixture); fuzz with
//
//	go test ./conformance -run '^$' -fuzz FuzzParseResponse -fuzztime 60s

var harnesses struct {
	sync.Mutex
	m map[string]*conformance.Harness
}

// fuzzPlugins maps the plugins the targets know to their fixtures directories.
func fuzzPlugins() map[string]string {
	out := map[string]string{"good": testFixtures}
	ps, err := conformance.BundledPlugins(wasmbuild.ModuleRoot())
	if err == nil {
		for _, p := range ps {
			out[p.Name] = p.FixturesDir
		}
	}
	return out
}

// pick maps any string to one of names (sorted), so mutated inputs stay useful.
func pick(s string, names []string) string {
	for _, n := range names {
		if n == s {
			return s
		}
	}
	h := fnv.New32a()
	h.Write([]byte(s))
	return names[int(h.Sum32()%uint32(len(names)))]
}

// harness loads plugin name (or, for an unknown name, a known plugin) once
// per process, or skips when it does not build (TestBundledPluginsConform
// reports that).
func harness(t *testing.T, name string) *conformance.Harness {
	t.Helper()
	names := slices.Sorted(maps.Keys(fuzzPlugins()))
	name = pick(name, names)
	harnesses.Lock()
	defer harnesses.Unlock()
	if h, ok := harnesses.m[name]; ok {
		if h == nil {
			t.Skipf("plugin %s is not available", name)
		}
		return h
	}
	if harnesses.m == nil {
		harnesses.m = map[string]*conformance.Harness{}
	}
	dir, ok := fuzzPlugins()[name]
	if !ok {
		harnesses.m[name] = nil
		t.Skipf("no plugin %s", name)
	}
	pkg := "./plugins/" + name + "/wasm"
	if name == "good" {
		pkg = "./conformance/testdata/good"
	}
	wasm, err := buildQuietly(pkg, name)
	if err != nil {
		harnesses.m[name] = nil
		t.Skipf("plugin %s does not build: %v", name, err)
	}
	p, err := plugin.Load(context.Background(), testEngine(t), name, wasm)
	if err != nil {
		harnesses.m[name] = nil
		t.Skipf("plugin %s does not load: %v", name, err)
	}
	h := conformance.NewHarness(p, p.Manifest(), dir, conformance.Options{})
	harnesses.m[name] = h
	return h
}

// buildQuietly builds a plugin, turning a build failure into an error.
func buildQuietly(pkg, name string) (wasm []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	return os.ReadFile(wasmbuild.Must(pkg, name))
}

// fixtureSeeds reads a plugin's fixtures without building it.
func fixtureSeeds(dir string) []*conformance.Fixture {
	fs, _ := conformance.LoadFixtures(dir)
	return fs
}

func FuzzParseResponse(f *testing.F) {
	for name, dir := range fuzzPlugins() {
		for _, fx := range fixtureSeeds(dir) {
			if fx.Response != nil && !fx.IsWebhook() {
				f.Add(name, fx.Flow, fx.Response.Status, fx.Response.Bytes())
			}
		}
	}
	f.Fuzz(func(t *testing.T, plugin, flow string, status int, body []byte) {
		h := harness(t, plugin)
		var names []string
		for _, fl := range h.Flows() {
			names = append(names, fl.String())
		}
		flow = pick(flow, names)
		if status < 100 || status > 599 {
			status = 200
		}
		if err := h.ParseResponse(context.Background(), v1.Flow(v1.Flow_value[flow]), status, body); err != nil {
			t.Fatalf("%s %s: HTTP %d body %q: %v", plugin, flow, status, body, err)
		}
	})
}

func FuzzVerifyWebhook(f *testing.F) {
	for name, dir := range fuzzPlugins() {
		i := 0
		for _, fx := range fixtureSeeds(dir) {
			if fx.IsWebhook() {
				f.Add(name, i, []byte(fx.Webhook.BodyText), "")
				i++
			}
		}
	}
	f.Fuzz(func(t *testing.T, plugin string, fixture int, body []byte, header string) {
		h := harness(t, plugin)
		if err := h.VerifyWebhook(context.Background(), fixture, body, header); err != nil {
			t.Fatalf("%s webhook %d: body %q header %q: %v", plugin, fixture, body, header, err)
		}
	})
}
