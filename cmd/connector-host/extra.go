package main

import (
	"context"
	"io"
	"os"
	"os/signal"

	"github.com/connectorhost/connector-host/conformance"
)

// runExtra dispatches the subcommands that live in other packages
// (conformance). It reports false for an unknown command.
func runExtra(args []string, stdout, stderr io.Writer) (int, bool) {
	switch args[0] {
	case "conformance":
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
		defer stop()
		return conformance.Main(ctx, args[1:], stdout, stderr), true
	}
	return 0, false
}
