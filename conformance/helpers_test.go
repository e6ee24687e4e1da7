package conformance_test

import (
	"bytes"
	"context"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/connectorhost/connector-host/conformance"
	"github.com/connectorhost/connector-host/host/sandbox"
	"github.com/connectorhost/connector-host/internal/wasmbuild"
)

// testFixtures are TestPay's fixtures, shared by the good and broken test plugins.
const testFixtures = "testdata/testconn/fixtures"

// engine is shared by the package's tests so each module compiles once per
// process (loading the same bytes again hits the compilation cache).
var engine struct {
	once sync.Once
	e    *sandbox.Engine
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if engine.e != nil {
		_ = engine.e.Close(context.Background())
	}
	os.Exit(code)
}

func testEngine(t testing.TB) *sandbox.Engine {
	t.Helper()
	engine.once.Do(func() {
		engine.e, engine.err = sandbox.NewEngine(sandbox.Options{Limits: sandbox.Limits{PoolSize: 1}})
	})
	if engine.err != nil {
		t.Fatalf("runtime engine: %v", engine.err)
	}
	return engine.e
}

// testPlugin builds a test plugin package under conformance/testdata.
func testPlugin(t testing.TB, dir, name string) []byte {
	t.Helper()
	return wasmbuild.Read(t, "./conformance/testdata/"+dir, name)
}

// reports caches suite results by plugin name within the test process.
var reports struct {
	sync.Mutex
	m map[string]*conformance.Report
}

// runWasm runs the suite on a wasm with the shared engine (once per name
// and options' fixtures dir).
func runWasm(t testing.TB, wasm []byte, name string, opts conformance.Options) *conformance.Report {
	t.Helper()
	key := name + "|" + opts.FixturesDir
	reports.Lock()
	defer reports.Unlock()
	if r, ok := reports.m[key]; ok && opts.Limits == (sandbox.Limits{}) {
		return r
	}
	if opts.Engine == nil && opts.Limits == (sandbox.Limits{}) {
		opts.Engine = testEngine(t)
	}
	r, err := conformance.Run(context.Background(), wasm, name, opts)
	if err != nil {
		t.Fatalf("conformance.Run(%s): %v", name, err)
	}
	if reports.m == nil {
		reports.m = map[string]*conformance.Report{}
	}
	if opts.Limits == (sandbox.Limits{}) {
		reports.m[key] = r
	}
	return r
}

// reportText renders a report for failure messages.
func reportText(r *conformance.Report) string {
	var b bytes.Buffer
	_ = r.WriteText(&b)
	return b.String()
}

// requireFailedExactly fails unless the report's failed check IDs are exactly ids.
func requireFailedExactly(t *testing.T, r *conformance.Report, ids ...string) {
	t.Helper()
	sort.Strings(ids)
	got := r.FailedIDs()
	if strings.Join(got, ",") != strings.Join(ids, ",") {
		t.Fatalf("failed checks = %v, want exactly %v\n%s", got, ids, reportText(r))
	}
}

// failure returns the first failed result with id, failing the test when none.
func failure(t *testing.T, r *conformance.Report, id string) conformance.CheckResult {
	t.Helper()
	for _, c := range r.Failed() {
		if c.ID == id {
			return c
		}
	}
	t.Fatalf("no failed %s check\n%s", id, reportText(r))
	return conformance.CheckResult{}
}

// requireContains fails unless s contains every sub.
func requireContains(t *testing.T, s string, subs ...string) {
	t.Helper()
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			t.Fatalf("%q\ndoes not contain %q", s, sub)
		}
	}
}
