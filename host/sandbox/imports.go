package sandbox

import (
	"fmt"
	"sort"
	"strings"

	"github.com/connectorhost/connector-host/abi"
	"github.com/connectorhost/connector-host/host/sandbox/internal/interrupt"
)

// wasiModule is the module of the WASI functions plugins may import; the
// host's crypto functions (abi.CryptoModule) are the only others.
const wasiModule = "wasi_snapshot_preview1"

// allowedWASI is the set of WASI functions a Go (GOOS=wasip1) reactor
// imports. wazero serves them with no filesystem, environment, arguments or
// sockets, a fake clock and a deterministic random source.
var allowedWASI = map[string]bool{
	"args_get": true, "args_sizes_get": true, "environ_get": true, "environ_sizes_get": true,
	"clock_time_get": true, "clock_res_get": true, "fd_write": true, "fd_read": true, "fd_close": true,
	"fd_fdstat_get": true, "fd_fdstat_set_flags": true, "fd_prestat_get": true, "fd_prestat_dir_name": true,
	"random_get": true, "poll_oneoff": true, "proc_exit": true, "sched_yield": true,
}

// AllowedImports lists the imports the sandbox provides, sorted, as "module.name".
func AllowedImports() []string {
	out := make([]string, 0, len(allowedWASI)+len(cryptoFunctions))
	for n := range allowedWASI {
		out = append(out, wasiModule+"."+n)
	}
	for n := range cryptoFunctions {
		out = append(out, abi.CryptoModule+"."+n)
	}
	sort.Strings(out)
	return out
}

// allowedImport reports whether the sandbox provides module.name.
func allowedImport(module, name string) bool {
	switch module {
	case wasiModule:
		return allowedWASI[name]
	case abi.CryptoModule:
		_, ok := cryptoFunctions[name]
		return ok
	}
	return false
}

// checkImports refuses a module that imports anything but the allowed WASI
// and crypto functions: a filesystem, socket or custom host function is a sandbox escape
// attempt or a plugin built for another host. a is the analysis of the
// module as the plugin shipped it (before the interrupt rewriter adds its
// yield import); tables and globals are refused by outsideMemory.
func checkImports(a *interrupt.Analysis) error {
	var bad []string
	for _, imp := range a.Imports {
		switch imp.Kind {
		case "func":
			if !allowedImport(imp.Module, imp.Name) {
				bad = append(bad, imp.Module+"."+imp.Name)
			}
		case "memory":
			bad = append(bad, imp.Module+"."+imp.Name+" (memory)")
		}
	}
	if len(bad) > 0 {
		return fmt.Errorf("imports %s, which the sandbox does not provide (allowed: WASI functions a Go wasip1 module needs, with no filesystem, network or environment, and the host's %s functions)", strings.Join(bad, ", "), abi.CryptoModule)
	}
	return nil
}
