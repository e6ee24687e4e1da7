package pdk

import (
	"iter"
	"slices"
)

// EventTypes lists the processor event types of a connector's event tables,
// sorted and without repeats: its manifest's webhooks.event_types (the types
// it normalizes into typed events). Pass the tables' keys:
//
//	pdk.EventTypes(maps.Keys(paymentEvents()), maps.Keys(refundEvents()))
func EventTypes(tables ...iter.Seq[string]) []string {
	var out []string
	for _, keys := range tables {
		out = slices.AppendSeq(out, keys)
	}
	slices.Sort(out)
	return slices.Compact(out)
}
