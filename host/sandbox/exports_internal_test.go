package sandbox

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"

	"github.com/connectorhost/connector-host/host/sandbox/internal/interrupt"
	"github.com/connectorhost/connector-host/internal/wasmbuild"
)

// The host checks a plugin's imports and export signatures from its own
// reading of the module (so wazero never builds its per-function
// definitions for a healthy plugin); that reading agrees with wazero's on a
// Go plugin and on every hand-written hostile module.
func TestAnalysisReadsExportsAndImportsAsWazeroDoes(t *testing.T) {
	modules := map[string][]byte{"faulty": wasmbuild.Read(t, "./host/sandbox/testdata/faulty", "faulty")}
	paths, err := filepath.Glob("testdata/hostile/*.wasm")
	require.NoError(t, err)
	for _, p := range paths {
		b, err := os.ReadFile(p)
		require.NoError(t, err)
		modules[filepath.Base(p)] = b
	}
	ctx := context.Background()
	for name, wasm := range modules {
		t.Run(name, func(t *testing.T) {
			rt := wazero.NewRuntime(ctx)
			defer rt.Close(ctx)
			compiled, err := rt.CompileModule(ctx, wasm)
			if err != nil {
				t.Skipf("wazero refuses it: %v", err)
			}
			a, err := interrupt.Analyze(wasm)
			require.NoError(t, err)
			want := map[string][2][]api.ValueType{}
			for n, f := range compiled.ExportedFunctions() {
				want[n] = [2][]api.ValueType{f.ParamTypes(), f.ResultTypes()}
			}
			got := map[string][2][]api.ValueType{}
			for n, f := range a.ExportedFuncs {
				got[n] = [2][]api.ValueType{valueTypes(f.Params), valueTypes(f.Results)}
			}
			assert.Equal(t, len(want), len(got))
			for n, w := range want {
				assert.Truef(t, sameTypes(w[0], got[n][0]) && sameTypes(w[1], got[n][1]), "%s: wazero %v, analysis %v", n, w, got[n])
			}
			var mems []string
			for n := range compiled.ExportedMemories() {
				mems = append(mems, n)
			}
			assert.ElementsMatch(t, mems, a.ExportedMemories)
			var imports []string
			for _, f := range compiled.ImportedFunctions() {
				m, n, _ := f.Import()
				imports = append(imports, m+"."+n)
			}
			var analysed []string
			for _, imp := range a.Imports {
				if imp.Kind == "func" {
					analysed = append(analysed, imp.Module+"."+imp.Name)
				}
			}
			assert.ElementsMatch(t, imports, analysed)
		})
	}
}
