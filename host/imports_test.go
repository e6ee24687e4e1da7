package host_test

import (
	"errors"
	"go/build"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/connectorhost/connector-host"

// graph reads the module's import graph with go/build, in the test process
// (so `go test`'s cache sees every file it reads and reruns when one
// changes).
type graph struct {
	ctx  build.Context
	root string
	pkgs map[string]*build.Package // by path relative to the module root
}

func newGraph(t *testing.T, goos, goarch string) *graph {
	t.Helper()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	ctx := build.Default
	ctx.GOOS, ctx.GOARCH = goos, goarch
	return &graph{ctx: ctx, root: root, pkgs: map[string]*build.Package{}}
}

// pkg reads the package at rel (relative to the module root); nil when the
// directory holds no Go package for this GOOS/GOARCH.
func (g *graph) pkg(t *testing.T, rel string) *build.Package {
	t.Helper()
	if p, ok := g.pkgs[rel]; ok {
		return p
	}
	p, err := g.ctx.ImportDir(filepath.Join(g.root, filepath.FromSlash(rel)), 0)
	var none *build.NoGoError
	if errors.As(err, &none) {
		p = nil
	} else if err != nil {
		t.Fatalf("read package %s: %v", rel, err)
	}
	g.pkgs[rel] = p
	return p
}

// under lists the packages in the tree rooted at rel, as go's "./rel/..."
// does (testdata and directories starting with . or _ are not packages).
func (g *graph) under(t *testing.T, rel string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(filepath.Join(g.root, rel), func(path string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return err
		}
		if n := d.Name(); path != filepath.Join(g.root, rel) && (n == "testdata" || strings.HasPrefix(n, ".") || strings.HasPrefix(n, "_")) {
			return filepath.SkipDir
		}
		r, _ := filepath.Rel(g.root, path)
		if g.pkg(t, filepath.ToSlash(r)) != nil {
			out = append(out, filepath.ToSlash(r))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) == 0 {
		t.Fatalf("no packages under %s", rel)
	}
	return out
}

// deps returns the module's packages rel imports, directly or not, in its
// code (with tests: also its own test files' direct imports, not what those
// import in turn), as paths relative to the module root, each with the chain
// that reaches it.
func (g *graph) deps(t *testing.T, rel string, tests bool) map[string]string {
	t.Helper()
	seen := map[string]string{}
	var walk func(rel, via string, imports []string)
	walk = func(rel, via string, imports []string) {
		for _, imp := range imports {
			dep, ok := strings.CutPrefix(imp, module+"/")
			if !ok {
				continue
			}
			if _, done := seen[dep]; done {
				continue
			}
			chain := via + " -> " + dep
			seen[dep] = chain
			if p := g.pkg(t, dep); p != nil {
				walk(dep, chain, p.Imports)
			}
		}
	}
	p := g.pkg(t, rel)
	walk(rel, rel, p.Imports)
	if tests {
		for _, imp := range slices.Concat(p.TestImports, p.XTestImports) {
			if dep, ok := strings.CutPrefix(imp, module+"/"); ok {
				if _, done := seen[dep]; !done {
					seen[dep] = rel + " (test) -> " + dep
				}
			}
		}
	}
	return seen
}

// violations lists, for each package under each root, the dependencies
// under banned.
func violations(t *testing.T, g *graph, roots []string, banned string, tests bool) []string {
	t.Helper()
	var bad []string
	for _, root := range roots {
		for _, rel := range g.under(t, root) {
			for dep, chain := range g.deps(t, rel, tests) {
				if dep == banned || strings.HasPrefix(dep, banned+"/") {
					bad = append(bad, chain)
				}
			}
		}
	}
	slices.Sort(bad)
	return bad
}

// The host never imports the PDK: not in its code, directly or through
// another package, and not directly in its tests (which may run the
// conformance suite, whose native runs use the PDK). What both sides need
// lives in abi, money and mask.
func TestHostImportsNoPDK(t *testing.T) {
	g := newGraph(t, build.Default.GOOS, build.Default.GOARCH)
	if bad := violations(t, g, []string{"host"}, "pdk", true); len(bad) > 0 {
		t.Errorf("the host imports the PDK:\n%s", strings.Join(bad, "\n"))
	}
}

// The PDK and the plugins never import the host, natively or built for
// wasip1 (their end-to-end tests may start a host; their code may not).
func TestPDKAndPluginsImportNoHost(t *testing.T) {
	for _, target := range [][2]string{{build.Default.GOOS, build.Default.GOARCH}, {"wasip1", "wasm"}} {
		g := newGraph(t, target[0], target[1])
		if bad := violations(t, g, []string{"pdk", "plugins"}, "host", false); len(bad) > 0 {
			t.Errorf("%s/%s: the PDK or a plugin imports the host:\n%s", target[0], target[1], strings.Join(bad, "\n"))
		}
	}
}

// The checks above can fail: the same walk finds the host packages
// host/server depends on, and the PDK under the conformance suite.
func TestImportWalkFindsDependencies(t *testing.T) {
	g := newGraph(t, build.Default.GOOS, build.Default.GOARCH)
	deps := g.deps(t, "host/server", false)
	for _, want := range []string{"host/executor", "host/plugin", "host/sandbox", "abi"} {
		if _, ok := deps[want]; !ok {
			t.Errorf("host/server's dependencies lack %s: %v", want, deps)
		}
	}
	if bad := violations(t, g, []string{"conformance"}, "pdk", false); len(bad) == 0 {
		t.Error("the walk finds no pdk/ dependency of conformance (which uses pdktest)")
	}
}

// The sandbox deals in bytes and export names: its code imports no payments
// types (gen/...) and no other host package; the ABI's constants come from
// abi, the crypto functions it serves plugins from abi/hostcrypto.
func TestSandboxKnowsNoPaymentsTypes(t *testing.T) {
	g := newGraph(t, build.Default.GOOS, build.Default.GOARCH)
	for _, rel := range g.under(t, "host/sandbox") {
		for _, imp := range g.pkg(t, rel).Imports {
			dep, ok := strings.CutPrefix(imp, module+"/")
			if !ok || dep == "abi" || dep == "abi/hostcrypto" || strings.HasPrefix(dep, "host/sandbox/") {
				continue
			}
			t.Errorf("%s imports %s", rel, dep)
		}
	}
}

// connectEdge lists the host packages that may import connectrpc.com/connect,
// each with the reason. Everywhere else an error is a typed Go error
// (*executor.Error, *sandbox.Fault, the registry's and credentials'
// sentinels), and host/server's one table gives it its Connect code.
var connectEdge = map[string]string{
	"host/server":  "the API edge: handlers, and the one table that gives errors their codes",
	"host/app":     "wires the server; its tests call the API as a client would",
	"host/auth":    "an interceptor: it answers Unauthenticated before any handler runs",
	"host/metrics": "an interceptor: it counts API calls by the code callers got",
}

// Connect codes are given at the API edge only: no host package outside
// connectEdge imports connectrpc.com/connect, in its code or its tests.
func TestConnectOnlyAtTheEdge(t *testing.T) {
	g := newGraph(t, build.Default.GOOS, build.Default.GOARCH)
	bad := connectImporters(t, g, "host")
	if len(bad) > 0 {
		t.Errorf("host packages outside the API edge import connectrpc.com/connect (return a typed error and map it in host/server/errors.go):\n%s", strings.Join(bad, "\n"))
	}
	// The check can fail: it finds the edge packages themselves.
	for rel := range connectEdge {
		if p := g.pkg(t, rel); p == nil || !importsConnect(slices.Concat(p.Imports, p.TestImports, p.XTestImports)) {
			t.Errorf("%s is exempted but imports no connectrpc.com/connect: drop it from connectEdge", rel)
		}
	}
}

// connectImporters lists the packages under root, outside connectEdge, whose
// code or tests import connectrpc.com/connect (or a package under it).
func connectImporters(t *testing.T, g *graph, root string) []string {
	t.Helper()
	var bad []string
	for _, rel := range g.under(t, root) {
		if _, ok := connectEdge[rel]; ok {
			continue
		}
		p := g.pkg(t, rel)
		if importsConnect(slices.Concat(p.Imports, p.TestImports, p.XTestImports)) {
			bad = append(bad, rel)
		}
	}
	slices.Sort(bad)
	return bad
}

func importsConnect(imports []string) bool {
	for _, imp := range imports {
		if imp == "connectrpc.com/connect" || strings.HasPrefix(imp, "connectrpc.com/connect/") {
			return true
		}
	}
	return false
}
