package conformance_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/connectorhost/connector-host/conformance"
)

// writePlugin writes a test plugin's wasm to dir/name.wasm.
func writePlugin(t *testing.T, dir, pkgDir, name string) string {
	t.Helper()
	path := filepath.Join(dir, name+".wasm")
	if err := os.WriteFile(path, testPlugin(t, pkgDir, name), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestMainPassingPlugin(t *testing.T) {
	dir := t.TempDir()
	path := writePlugin(t, dir, "good", "good")
	jsonPath := filepath.Join(dir, "report.json")
	var stdout, stderr bytes.Buffer
	code := conformance.Main(context.Background(), []string{path, "--fixtures", testFixtures, "--json", jsonPath}, &stdout, &stderr)
	if code != conformance.ExitPassed {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout.String(), stderr.String())
	}
	requireContains(t, stdout.String(), "Conformance report for good 1.0.0", "CHECK", "RESULT", "webhook.tampered", "good 1.0.0: PASSED")

	var rep struct {
		Plugin, Version string
		Passed          bool
		Checks          []struct {
			ID, Category, Flow, Message string
			Passed                      bool
		}
	}
	b, err := os.ReadFile(jsonPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatalf("JSON report: %v", err)
	}
	if rep.Plugin != "good" || !rep.Passed || len(rep.Checks) < 50 || rep.Checks[0].ID != "plugin.load" {
		t.Fatalf("JSON report = %s", b)
	}
}

func TestMainFailingPluginAndDefaultFixtures(t *testing.T) {
	// The layout of this repository: bin/plugins/NAME.wasm and plugins/NAME/fixtures.
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "bin", "plugins"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(root, "plugins", "wrong_status"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(copyFixtures(t, nil), filepath.Join(root, "plugins", "wrong_status", "fixtures")); err != nil {
		t.Fatal(err)
	}
	path := writePlugin(t, filepath.Join(root, "bin", "plugins"), "broken/wrong_status", "wrong_status")
	if got, want := conformance.DefaultFixturesDir(path, "wrong_status"), filepath.Join(root, "plugins", "wrong_status", "fixtures"); !sameDir(got, want) {
		t.Fatalf("DefaultFixturesDir = %q, want %q", got, want)
	}

	var stdout, stderr bytes.Buffer
	code := conformance.Main(context.Background(), []string{"--fuzz", "50", path, "--json", "-"}, &stdout, &stderr)
	if code != conformance.ExitFailed {
		t.Fatalf("exit %d, want %d\n%s", code, conformance.ExitFailed, stderr.String())
	}
	requireContains(t, stderr.String(), "FAIL", "Failures (1):", "response.expected [AUTHORIZE]", "wrong_status 1.0.0: FAILED")
	var rep map[string]any
	if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil || rep["passed"] != false {
		t.Fatalf("stdout is not the failing JSON report (%v): %s", err, stdout.String())
	}
}

func sameDir(a, b string) bool {
	sa, errA := os.Stat(a)
	sb, errB := os.Stat(b)
	return errA == nil && errB == nil && os.SameFile(sa, sb)
}

func TestDefaultFixturesNextToWasm(t *testing.T) {
	dir := t.TempDir()
	if got := conformance.DefaultFixturesDir(filepath.Join(dir, "x.wasm"), "x"); got != "" {
		t.Fatalf("no fixtures anywhere: got %q", got)
	}
	if err := os.Mkdir(filepath.Join(dir, "fixtures"), 0o755); err != nil {
		t.Fatal(err)
	}
	if got := conformance.DefaultFixturesDir(filepath.Join(dir, "x.wasm"), "x"); !sameDir(got, filepath.Join(dir, "fixtures")) {
		t.Fatalf("got %q, want the fixtures next to the wasm", got)
	}
}

func TestMainUsage(t *testing.T) {
	for _, args := range [][]string{nil, {"a.wasm", "b.wasm"}, {"--nope", "a.wasm"}, {filepath.Join(t.TempDir(), "missing.wasm")}} {
		var stdout, stderr bytes.Buffer
		if code := conformance.Main(context.Background(), args, &stdout, &stderr); code != conformance.ExitUsage {
			t.Errorf("Main(%q) = %d, want %d", args, code, conformance.ExitUsage)
		}
		if stderr.Len() == 0 {
			t.Errorf("Main(%q) printed nothing to stderr", args)
		}
	}
}
