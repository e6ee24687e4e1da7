//go:build !wasip1

package braintree

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
	if testing.Verbose() {
		var b strings.Builder
		_ = r.WriteText(&b)
		t.Log(b.String())
	}
	if !r.Passed() {
		var b strings.Builder
		_ = r.WriteText(&b)
		t.Fatal(b.String())
	}
}
