package conformance

import (
	"context"
	"fmt"
	"time"

	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
)

const idLimits = "limits"

const fixLimits = "Every call must finish within the host's deadline and memory cap: avoid quadratic work on the body, " +
	"unbounded buffers and loops that depend on input; check an answer's shape (e.g. that it starts with '{') before parsing it whole."

// checkLimits reports the calls that ran out of time or memory (or produced
// too much output) during the whole run: one result per flow that had such
// a fault (so the feature matrix marks it), and one for the whole run.
func (s *suite) checkLimits(context.Context) error {
	var all []string
	for _, flow := range append(s.declaredFlows(), v1.Flow_FLOW_UNSPECIFIED) {
		faults := s.stats.faults[flow]
		if len(faults) == 0 {
			continue
		}
		all = append(all, faults...)
		c := result(idLimits, CategoryLimits, flow, faults, "", fixLimits)
		if flow == v1.Flow_FLOW_UNSPECIFIED {
			c = forWebhooks(c)
		}
		s.report.add(c)
	}
	pass := fmt.Sprintf("%d calls within the time and memory limits (slowest: %s, %s)", s.stats.calls, s.stats.slowest.Round(time.Microsecond), s.stats.slowestCall)
	if len(all) > 0 {
		all = []string{fmt.Sprintf("%d calls ran out of time or memory, first: %s", len(all), all[0])}
	}
	s.report.add(result(idLimits, CategoryLimits, 0, all, pass, fixLimits))
	return nil
}
