package main

import "io"

// runExtra dispatches the subcommands that live in other packages
// (conformance). It reports false for an unknown command.
func runExtra(args []string, stdout, stderr io.Writer) (int, bool) {
	return 0, false
}
