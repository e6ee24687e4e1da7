// Package sandbox runs WebAssembly modules on wazero under hard limits: the
// sandbox of connector plugins. It deals in bytes and export names (the
// plugin ABI's export names and pointer/length packing, from package abi);
// it knows no payments types. host/plugin speaks the ABI's messages on top of
// it.
//
// Each module gets its own wazero runtime, so its memory cap applies to it
// alone, and a pool of instances sized to the cores, created lazily. Every
// call runs under a deadline enforced by loop-head instrumentation
// (internal/interrupt), so a module that loops forever fails its own call with
// a timeout fault and nothing else. An instance that traps, times out, runs
// out of memory or returns output its caller rejects is discarded; healthy
// instances are recycled after a number of calls or when their memory has
// grown past a threshold, and run the optional connector_gc between calls.
// Failures are *Fault values with a FaultKind; the API edge (host/server)
// maps them to Connect codes.
//
// The sandbox denies by default: a module may import only the WASI functions a
// Go wasip1 module needs, served by wazero with no filesystem, no environment,
// no arguments, no sockets, a fake clock and a deterministic random source.
// Any other import refuses the module at load, naming the import. Time and
// randomness reach the plugin in each request instead.
package sandbox
