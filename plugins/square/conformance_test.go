//go:build !wasip1

package square

import (
	"context"
	"strings"
	"testing"

	"github.com/connectorhost/connector-host/conformance"
)

// TestConformanceNative runs the whole conformance suite (every fixture,
// robustness, money, webhook forgeries, determinism, fuzz) on the connector
// in-process.
func TestConformanceNative(t *testing.T) {
	r, err := conformance.RunConnector(context.Background(), New, conformance.Options{FixturesDir: "fixtures"})
	if err != nil {
		t.Fatal(err)
	}
	if !r.Passed() {
		var b strings.Builder
		_ = r.WriteText(&b)
		t.Fatal(b.String())
	}
}
