package sandbox

import "fmt"

// FaultKind classifies why a plugin call failed in the sandbox (as opposed to
// a typed error the plugin returned on purpose).
type FaultKind int

const (
	// FaultTrap: the plugin crashed (panic, unreachable, out-of-bounds access).
	FaultTrap FaultKind = iota + 1
	// FaultTimeout: the call did not finish within the deadline.
	FaultTimeout
	// FaultOutOfMemory: the plugin hit its memory cap.
	FaultOutOfMemory
	// FaultBadOutput: the plugin returned bytes that are not a valid ABI message.
	FaultBadOutput
	// FaultOutputTooLarge: the plugin's output exceeded the host's cap.
	FaultOutputTooLarge
	// FaultInputTooLarge: the input exceeded the host's cap; the plugin was not called.
	FaultInputTooLarge
	// FaultUnavailable: the plugin is closed (unloaded) or could not start an instance.
	FaultUnavailable
	// FaultCanceled: the caller went away.
	FaultCanceled
)

func (k FaultKind) String() string {
	switch k {
	case FaultTrap:
		return "trap"
	case FaultTimeout:
		return "timeout"
	case FaultOutOfMemory:
		return "out_of_memory"
	case FaultBadOutput:
		return "bad_output"
	case FaultOutputTooLarge:
		return "output_too_large"
	case FaultInputTooLarge:
		return "input_too_large"
	case FaultUnavailable:
		return "unavailable"
	case FaultCanceled:
		return "canceled"
	}
	return "unknown"
}

// Fault is a plugin call that failed in the sandbox. Its message names the
// plugin and the export; Kind says what happened (host/server maps it to the
// Connect code callers see).
type Fault struct {
	Plugin string
	Export string
	Kind   FaultKind
	Detail string
	Err    error
}

func (f *Fault) Error() string {
	msg := fmt.Sprintf("plugin %q: %s: %s", f.Plugin, f.Export, f.Detail)
	return msg
}

func (f *Fault) Unwrap() error { return f.Err }
