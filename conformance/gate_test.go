package conformance_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/connectorhost/connector-host/conformance"
	"github.com/connectorhost/connector-host/host/plugin"
	"github.com/connectorhost/connector-host/host/registry"
)

// TestGate: the registry gate admits a conforming plugin and refuses a
// broken one with a summary naming the failed check.
func TestGate(t *testing.T) {
	// The host keeps fixtures as FixturesRoot/<name>/fixtures.
	root := t.TempDir()
	for _, name := range []string{"good", "wrong_status"} {
		if err := os.MkdirAll(filepath.Join(root, name), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(copyFixtures(t, nil), filepath.Join(root, name, "fixtures")); err != nil {
			t.Fatal(err)
		}
	}
	var gate registry.Gate = conformance.Gate(conformance.Options{FixturesRoot: root, Engine: testEngine(t)})
	ctx := context.Background()
	for _, tc := range []struct {
		dir, name string
		wantErr   string
	}{
		{"good", "good", ""},
		{"broken/wrong_status", "wrong_status", "response.expected [AUTHORIZE]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wasm := testPlugin(t, tc.dir, tc.name)
			p, err := plugin.Load(ctx, testEngine(t), tc.name, wasm)
			if err != nil {
				t.Fatal(err)
			}
			defer p.Close()
			err = gate(ctx, p, wasm)
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("gate refused a conforming plugin: %v", err)
				}
				return
			}
			var ge *conformance.GateError
			if !errors.As(err, &ge) {
				t.Fatalf("gate error = %v, want a *GateError", err)
			}
			requireContains(t, err.Error(), "conformance: wrong_status 1.0.0 failed 1 checks", tc.wantErr, "PAYMENT_STATUS_AUTHORIZED")
			if ge.Report.Passed() {
				t.Fatal("GateError carries a passing report")
			}
		})
	}
}
