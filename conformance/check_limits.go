package conformance

import (
	"context"
	"fmt"
)

const idLimits = "limits"

// checkLimits reports the calls that ran out of time or memory (or produced
// too much output) during the whole run.
func (s *suite) checkLimits(context.Context) error {
	pass := fmt.Sprintf("%d calls within the time and memory limits (slowest: %s, %s)", s.stats.calls, s.stats.slowest.Round(1000), s.stats.slowestCall)
	s.report.add(result(idLimits, CategoryLimits, 0, s.stats.faults, pass,
		"Every call must finish within the host's deadline and memory cap: avoid quadratic work on the body, unbounded buffers and loops that depend on input."))
	return nil
}
