package example_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/connectorhost/connector-host/conformance"
	"github.com/connectorhost/connector-host/internal/wasmbuild"
	example "github.com/connectorhost/connector-host/templates/connector"
)

// The template is a starting point that works: it builds to WebAssembly
// and passes `connector-host conformance` (the same entry point, run on
// the built .wasm with this folder's fixtures).
func TestTemplateBuildsAndConforms(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the .wasm: skipped with -short")
	}
	wasm := wasmbuild.Build(t, "./templates/connector/wasm", "example")
	var out strings.Builder
	code := conformance.Main(context.Background(),
		[]string{wasm, "--fixtures", "fixtures", "--cache-dir", filepath.Join(t.TempDir(), "cache")}, &out, &out)
	if code != 0 {
		t.Fatalf("connector-host conformance %s exited %d:\n%s", wasm, code, out.String())
	}
	if !strings.Contains(out.String(), "example 0.1.0: PASSED") {
		t.Fatalf("no PASSED verdict:\n%s", out.String())
	}
}

// The same suite natively (no .wasm, no limits): the quick loop while
// writing a connector.
func TestTemplateConformsNatively(t *testing.T) {
	r, err := conformance.RunConnector(context.Background(), example.New, conformance.Options{FixturesDir: "fixtures"})
	if err != nil {
		t.Fatal(err)
	}
	if !r.Passed() {
		var b strings.Builder
		_ = r.WriteText(&b)
		t.Fatal(b.String())
	}
}
