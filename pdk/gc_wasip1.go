//go:build wasip1

package pdk

import (
	"runtime"
	"runtime/metrics"
)

// The host calls connector_gc on an instance it has just finished a call
// with, off the caller's path (docs/plugin-abi.md). Collecting there, a little
// before Go's own trigger would fire inside a later call, keeps the guest's
// garbage collector out of the transforms' latency.

var gcSamples = []metrics.Sample{
	{Name: "/gc/heap/live:bytes"},
	{Name: "/gc/heap/goal:bytes"},
	{Name: "/memory/classes/heap/objects:bytes"},
}

//go:wasmexport connector_gc
func exportGC() uint32 {
	if !gcDue() {
		return 0
	}
	runtime.GC()
	return 1
}

// gcDue reports whether the heap has used half of its allocation budget
// since the last collection (the budget is what Go would allocate before its
// own trigger: goal minus live). Collecting at half-way leaves the other half
// for the next call, so a transform rarely starts a collection itself.
func gcDue() bool {
	metrics.Read(gcSamples)
	live, goal, objects := gcSamples[0].Value.Uint64(), gcSamples[1].Value.Uint64(), gcSamples[2].Value.Uint64()
	if goal <= live || objects <= live {
		return false
	}
	return objects-live >= (goal-live)/2
}
