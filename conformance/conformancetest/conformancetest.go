// Package conformancetest runs a plugin's fixtures from go test. A plugin's
// fixture test is one line:
//
//	func TestFixtures(t *testing.T) { conformancetest.Fixtures(t, New) }
//
// Every file of the plugin's fixtures/ directory runs natively through the
// host's production executor (state seeding, integrity checks, secret-header
// stripping, the ids and HTTP status the host fills, error mapping, webhook
// verification), one subtest per fixture; see conformance.ExecuteFixtures
// and conformance/FIXTURES.md.
package conformancetest

import (
	"context"
	"testing"

	"github.com/connectorhost/connector-host/abi"
	"github.com/connectorhost/connector-host/conformance"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk"
)

// Dir is the fixture directory Fixtures reads, relative to the test's
// package directory.
const Dir = "fixtures"

// Fixtures runs every fixture in Dir on the connector newConnector returns.
func Fixtures(t *testing.T, newConnector func() *pdk.Connector) {
	t.Helper()
	FixturesIn(t, newConnector, Dir)
}

// FixturesIn runs every fixture in dir on the connector newConnector returns.
func FixturesIn(t *testing.T, newConnector func() *pdk.Connector, dir string) {
	t.Helper()
	out, err := conformance.ExecuteFixtures(context.Background(), newConnector, dir)
	report(t, out, err)
}

// FixturesOn runs every fixture in dir on any plugin (e.g. a .wasm loaded
// into the host runtime) whose manifest is m.
func FixturesOn(t *testing.T, p abi.Transformer, m *v1.Manifest, dir string) {
	t.Helper()
	out, err := conformance.ExecuteFixturesOn(context.Background(), p, m, dir)
	report(t, out, err)
}

func report(t *testing.T, out []conformance.FixtureOutcome, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range out {
		t.Run(o.Name, func(t *testing.T) {
			for _, p := range o.Problems {
				t.Error(p)
			}
		})
	}
}
