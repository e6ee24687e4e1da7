package server

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"connectrpc.com/connect"

	"github.com/connectorhost/connector-host/host/credentials"
	"github.com/connectorhost/connector-host/host/registry"
	"github.com/connectorhost/connector-host/host/sandbox"
)

// redacted mimics the executor's redaction wrapper: another message, the
// typed error underneath.
type redacted struct{ err error }

func (r redacted) Error() string { return "[redacted] message" }
func (r redacted) Unwrap() error { return r.err }

func TestConnectErrorCodes(t *testing.T) {
	fault := func(k sandbox.FaultKind) error {
		return &sandbox.Fault{Plugin: "stripe", Export: "connector_build_request", Kind: k, Detail: "what happened"}
	}
	for name, tc := range map[string]struct {
		err  error
		code connect.Code
	}{
		"trap":                     {fault(sandbox.FaultTrap), connect.CodeInternal},
		"garbage output":           {fault(sandbox.FaultBadOutput), connect.CodeInternal},
		"plugin deadline":          {fault(sandbox.FaultTimeout), connect.CodeDeadlineExceeded},
		"out of memory":            {fault(sandbox.FaultOutOfMemory), connect.CodeResourceExhausted},
		"output too large":         {fault(sandbox.FaultOutputTooLarge), connect.CodeResourceExhausted},
		"input too large":          {fault(sandbox.FaultInputTooLarge), connect.CodeResourceExhausted},
		"unloaded plugin":          {fault(sandbox.FaultUnavailable), connect.CodeUnavailable},
		"caller went away":         {fault(sandbox.FaultCanceled), connect.CodeCanceled},
		"a kind the table lacks":   {fault(sandbox.FaultKind(99)), connect.CodeInternal},
		"redacted fault":           {redacted{fault(sandbox.FaultTimeout)}, connect.CodeDeadlineExceeded},
		"unknown connector":        {fmt.Errorf("%w (more)", registry.ErrNotFound), connect.CodeNotFound},
		"connector not ready":      {fmt.Errorf("x: %w", registry.ErrNotReady), connect.CodeUnavailable},
		"still loading at timeout": {errors.Join(registry.ErrNotReady, context.DeadlineExceeded), connect.CodeUnavailable},
		"malformed credentials":    {fmt.Errorf("open: %w", credentials.ErrInvalid), connect.CodeInvalidArgument},
		"no credentials":           {credentials.ErrMissing, connect.CodeUnauthenticated},
		"another's account":        {credentials.ErrWrongConnector, connect.CodePermissionDenied},
		"context deadline":         {fmt.Errorf("send: %w", context.DeadlineExceeded), connect.CodeDeadlineExceeded},
		"canceled":                 {context.Canceled, connect.CodeCanceled},
		"coded already":            {fmt.Errorf("wrapped: %w", connect.NewError(connect.CodeNotFound, errors.New("x"))), connect.CodeNotFound},
		"anything else":            {errors.New("encode input: bad"), connect.CodeInternal},
	} {
		t.Run(name, func(t *testing.T) {
			got := connectError(tc.err)
			var ce *connect.Error
			if !errors.As(got, &ce) {
				t.Fatalf("connectError(%v) = %T, want a *connect.Error", tc.err, got)
			}
			if ce.Code() != tc.code {
				t.Errorf("code %v, want %v", ce.Code(), tc.code)
			}
			if want := tc.err.Error(); ce.Message() != want && !errors.As(tc.err, new(*connect.Error)) {
				t.Errorf("message %q, want the error's own %q", ce.Message(), want)
			}
		})
	}
	if connectError(nil) != nil {
		t.Error("connectError(nil) is not nil")
	}
}

// Every fault kind the sandbox defines has a row in the table.
func TestEveryFaultKindHasACode(t *testing.T) {
	for k := sandbox.FaultTrap; k.String() != "unknown"; k++ {
		if _, ok := faultCodes[k]; !ok {
			t.Errorf("fault kind %v has no Connect code", k)
		}
	}
}
