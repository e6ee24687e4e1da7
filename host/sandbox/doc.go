// Package sandbox runs connector plugins: WebAssembly modules that implement
// plugin ABI v1 (docs/plugin-abi.md), on wazero.
//
// Each plugin gets its own wazero runtime, so its memory cap applies to it
// alone, and a pool of instances sized to the cores, created lazily. Every
// call runs under a deadline with wazero's close-on-context-done, so a plugin
// that loops forever fails its own call with DeadlineExceeded and nothing
// else. An instance that traps, times out or runs out of memory is discarded;
// healthy instances are recycled after a number of calls or when their memory
// has grown past a threshold.
//
// The sandbox denies by default: a plugin may import only the WASI functions a
// Go wasip1 module needs, served by wazero with no filesystem, no environment,
// no arguments, no sockets, a fake clock and a deterministic random source.
// Any other import refuses the module at load, naming the import. Time and
// randomness reach the plugin in each request instead.
package sandbox
