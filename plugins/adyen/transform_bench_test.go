//go:build !wasip1

package adyen_test

import (
	"os"
	"testing"

	"github.com/connectorhost/connector-host/internal/flowbench"
	"github.com/connectorhost/connector-host/internal/wasmbuild"
	"github.com/connectorhost/connector-host/plugins/adyen"
)

// BenchmarkTransforms measures Adyen build_request + parse_response in Wasm
// (all limits on) beside the same handlers compiled natively, for every
// declared flow's happy-path fixture.
func BenchmarkTransforms(b *testing.B) {
	wasm, err := os.ReadFile(wasmbuild.Build(b, "./plugins/adyen/wasm", "adyen"))
	if err != nil {
		b.Fatal(err)
	}
	cases, err := flowbench.FixtureCases("fixtures")
	if err != nil {
		b.Fatal(err)
	}
	flowbench.Run(b, adyen.New(), "adyen", wasm, cases)
}
