//go:build !wasip1

package razorpay

import (
	"context"
	"strings"
	"testing"

	"github.com/connectorhost/connector-host/conformance"
)

// TestConformanceNative runs the whole conformance suite on the connector
// natively with the fixtures; TestBundledPluginsConform runs it on the .wasm.
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
