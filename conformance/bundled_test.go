package conformance_test

import (
	"testing"

	"github.com/connectorhost/connector-host/conformance"
	"github.com/connectorhost/connector-host/internal/wasmbuild"
)

// bundled lists the repository's plugins (plugins/<name>/wasm) that exist now.
func bundled(t *testing.T) []conformance.BundledPlugin {
	t.Helper()
	ps, err := conformance.BundledPlugins(wasmbuild.ModuleRoot())
	if err != nil {
		t.Fatal(err)
	}
	return ps
}

// bundledReport builds a bundled plugin and runs the suite on it (once per process).
func bundledReport(t *testing.T, p conformance.BundledPlugin) *conformance.Report {
	t.Helper()
	wasm := wasmbuild.Read(t, p.Package, p.Name)
	return runWasm(t, wasm, p.Name, conformance.Options{FixturesDir: p.FixturesDir})
}

// TestBundledPluginsConform is the bar every plugin of this repository must
// clear: the whole suite, inside the runtime, with its own fixtures.
func TestBundledPluginsConform(t *testing.T) {
	ps := bundled(t)
	if len(ps) == 0 {
		t.Skip("no plugins/*/wasm in this tree yet")
	}
	for _, p := range ps {
		t.Run(p.Name, func(t *testing.T) {
			r := bundledReport(t, p)
			if !r.Passed() {
				t.Errorf("%s does not conform; fix the plugin or its fixtures:\n%s", p.Name, reportText(r))
			}
		})
	}
}
