package conformance

import (
	"context"
	"fmt"
	"strings"

	"github.com/connectorhost/connector-host/host/plugin"
	"github.com/connectorhost/connector-host/host/registry"
)

// Gate returns a registry.Gate that runs the suite on every freshly loaded
// plugin (with its wasm for the second-instance determinism check) and
// refuses it unless every check passes. Set opts.FixturesRoot (fixtures in
// FixturesRoot/<name>/fixtures) or opts.FixturesDir; without fixtures a
// plugin fails fixtures.coverage.
func Gate(opts Options) registry.Gate {
	return func(ctx context.Context, p *plugin.Plugin, wasm []byte) error {
		r, err := RunPlugin(ctx, p, wasm, opts)
		if err != nil {
			return err
		}
		if !r.Passed() {
			return &GateError{Report: r}
		}
		return nil
	}
}

// GateError is the error of a plugin that failed the suite; Report has every result.
type GateError struct{ Report *Report }

// maxGateFailures bounds the failures listed in a GateError's message.
const maxGateFailures = 5

// Error summarizes the failed checks (the first few, with their messages).
func (e *GateError) Error() string {
	failed := e.Report.Failed()
	var b strings.Builder
	fmt.Fprintf(&b, "conformance: %s %s failed %d checks", e.Report.Plugin, e.Report.Version, len(failed))
	for i, c := range failed {
		if i == maxGateFailures {
			fmt.Fprintf(&b, "; and %d more (run `connector-host conformance` for the report)", len(failed)-i)
			break
		}
		fmt.Fprintf(&b, "; %s [%s]: %s", c.ID, c.Subject(), short(oneLine(c.Message), 200))
	}
	return b.String()
}
