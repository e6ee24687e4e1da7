//go:build wasip1

package pdk

import "runtime"

// The host calls connector_gc on an instance it has just finished a call
// with, off the caller's path (docs/plugin-abi.md). Collecting there, a little
// before Go's own trigger would fire inside a later call, keeps the guest's
// garbage collector out of the transforms' latency.
//
// The heap figures come from runtime.ReadMemStats rather than runtime/metrics,
// whose metric descriptions alone add ~50 KB to a module; MemStats has no
// live-heap figure, so the PDK notes the heap right after each collection it
// runs (an instance is single-threaded: this is the one piece of guest state
// the PDK keeps between calls besides the registered connector).
var lastCollection struct {
	live  uint64 // heap bytes right after it
	numGC uint32 // the runtime's collection count then
}

//go:wasmexport connector_gc
func exportGC() uint32 {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	live, known := lastCollection.live, ms.NumGC == lastCollection.numGC
	if !gcDue(ms.HeapAlloc, ms.NextGC, live, known) {
		return 0
	}
	runtime.GC()
	runtime.ReadMemStats(&ms)
	lastCollection.live, lastCollection.numGC = ms.HeapAlloc, ms.NumGC
	return 1
}
