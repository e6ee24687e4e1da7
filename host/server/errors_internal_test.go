package server

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"connectrpc.com/connect"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/host/credentials"
	"github.com/connectorhost/connector-host/host/executor"
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
		"executor kind over cause": {&executor.Error{Kind: executor.KindInvalidRequest, Message: "m", Err: fault(sandbox.FaultTimeout)}, connect.CodeInvalidArgument},
		"executor kind unknown":    {&executor.Error{Kind: executor.Kind(99), Message: "m"}, connect.CodeInternal},
		"wrapped executor error":   {fmt.Errorf("%w", &executor.Error{Kind: executor.KindNotFound, Message: "m"}), connect.CodeNotFound},
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

// Each kind of executor error gets the Connect code callers have always
// seen for it: the one table of the host, row by row.
func TestExecutorKindCodes(t *testing.T) {
	want := map[executor.Kind]connect.Code{
		executor.KindInternal:           connect.CodeInternal,
		executor.KindInvalidRequest:     connect.CodeInvalidArgument,
		executor.KindUnauthenticated:    connect.CodeUnauthenticated,
		executor.KindUnsupported:        connect.CodeUnimplemented,
		executor.KindNotFound:           connect.CodeNotFound,
		executor.KindFailedPrecondition: connect.CodeFailedPrecondition,
		executor.KindUnavailable:        connect.CodeUnavailable,
		executor.KindRateLimited:        connect.CodeResourceExhausted,
		executor.KindTimeout:            connect.CodeDeadlineExceeded,
		executor.KindCanceled:           connect.CodeCanceled,
		executor.KindInProgress:         connect.CodeAborted,
	}
	kinds := executor.Kinds()
	if len(kinds) != len(want) {
		t.Fatalf("executor.Kinds() has %d kinds, the test knows %d: add the new kind's row here and to kindCodes", len(kinds), len(want))
	}
	for _, k := range kinds {
		t.Run(k.String(), func(t *testing.T) {
			code, ok := want[k]
			if !ok {
				t.Fatalf("kind %v has no expected code", k)
			}
			if _, ok := kindCodes[k]; !ok {
				t.Errorf("kind %v has no row in kindCodes", k)
			}
			err := connectError(&executor.Error{Kind: k, Message: "connector \"stripe\": what happened"})
			var ce *connect.Error
			if !errors.As(err, &ce) {
				t.Fatalf("connectError = %T, want a *connect.Error", err)
			}
			if ce.Code() != code {
				t.Errorf("code %v, want %v", ce.Code(), code)
			}
			if ce.Message() != `connector "stripe": what happened` {
				t.Errorf("message %q, want the executor's own", ce.Message())
			}
			if len(ce.Details()) != 0 || ce.Meta().Get("Retry-After") != "" {
				t.Errorf("an error without detail or Retry-After got details %v, meta %v", ce.Details(), ce.Meta())
			}
		})
	}
}

// A plugin error's kind keeps the code callers saw before the executor
// stopped naming codes itself.
func TestPluginKindCodes(t *testing.T) {
	for kind, code := range map[pluginv1.ErrorKind]connect.Code{
		pluginv1.ErrorKind_ERROR_KIND_INVALID_REQUEST:       connect.CodeInvalidArgument,
		pluginv1.ErrorKind_ERROR_KIND_CREDENTIALS:           connect.CodeUnauthenticated,
		pluginv1.ErrorKind_ERROR_KIND_UNSUPPORTED:           connect.CodeUnimplemented,
		pluginv1.ErrorKind_ERROR_KIND_INVALID_RESPONSE:      connect.CodeInternal,
		pluginv1.ErrorKind_ERROR_KIND_PROCESSOR_UNAVAILABLE: connect.CodeUnavailable,
		pluginv1.ErrorKind_ERROR_KIND_RATE_LIMITED:          connect.CodeResourceExhausted,
		pluginv1.ErrorKind_ERROR_KIND_NOT_FOUND:             connect.CodeNotFound,
		pluginv1.ErrorKind_ERROR_KIND_CONFLICT:              connect.CodeFailedPrecondition,
		pluginv1.ErrorKind_ERROR_KIND_PROCESSOR_REJECTED:    connect.CodeInvalidArgument,
		pluginv1.ErrorKind_ERROR_KIND_INTERNAL:              connect.CodeInternal,
		pluginv1.ErrorKind_ERROR_KIND_UNSPECIFIED:           connect.CodeInternal,
	} {
		if got := PluginKindCode(kind); got != code {
			t.Errorf("%v: code %v, want %v", kind, got, code)
		}
	}
}

// The executor's PaymentError becomes the Connect error's detail and its
// Retry-After a header, as callers read them.
func TestExecutorErrorDetailAndRetryAfter(t *testing.T) {
	detail := &v1.PaymentError{Code: v1.ErrorCode_ERROR_CODE_PROCESSOR_UNAVAILABLE, Message: "circuit open for stripe; retry after 30 s"}
	err := connectError(&executor.Error{Kind: executor.KindUnavailable, Message: detail.GetMessage(), Detail: detail, RetryAfter: "30"})
	var ce *connect.Error
	if !errors.As(err, &ce) {
		t.Fatalf("connectError = %T, want a *connect.Error", err)
	}
	if ce.Code() != connect.CodeUnavailable || ce.Message() != detail.GetMessage() {
		t.Errorf("got %v %q", ce.Code(), ce.Message())
	}
	if got := ce.Meta().Get("Retry-After"); got != "30" {
		t.Errorf("Retry-After %q, want 30", got)
	}
	if len(ce.Details()) != 1 {
		t.Fatalf("%d details, want the PaymentError", len(ce.Details()))
	}
	v, derr := ce.Details()[0].Value()
	if derr != nil {
		t.Fatal(derr)
	}
	pe, ok := v.(*v1.PaymentError)
	if !ok || pe.GetCode() != detail.GetCode() || pe.GetMessage() != detail.GetMessage() {
		t.Errorf("detail %v, want %v", v, detail)
	}
}

// paymentErrorOf is the PaymentError detail of err, nil when none.
func paymentErrorOf(t *testing.T, err error) *v1.PaymentError {
	t.Helper()
	var ce *connect.Error
	if !errors.As(err, &ce) {
		t.Fatalf("connectError = %T, want a *connect.Error", err)
	}
	for _, d := range ce.Details() {
		if v, derr := d.Value(); derr == nil {
			if pe, ok := v.(*v1.PaymentError); ok {
				return pe
			}
		}
	}
	return nil
}

// Errors that never reached a plugin's request (the connector unknown or
// not ready, credentials refused) carry a PaymentError saying not_sent: the
// caller may send the payment elsewhere. Errors that may have reached the
// processor do not say it.
func TestNotSentDetailAtTheEdge(t *testing.T) {
	for name, err := range map[string]error{
		"unknown connector":     fmt.Errorf("%w (more)", registry.ErrNotFound),
		"connector not ready":   fmt.Errorf("x: %w", registry.ErrNotReady),
		"malformed credentials": fmt.Errorf("open: %w", credentials.ErrInvalid),
		"no credentials":        redacted{credentials.ErrMissing},
		"another's account":     credentials.ErrWrongConnector,
	} {
		t.Run(name, func(t *testing.T) {
			pe := paymentErrorOf(t, connectError(err))
			if pe == nil || !pe.GetNotSent() || pe.GetCode() == v1.ErrorCode_ERROR_CODE_UNSPECIFIED {
				t.Errorf("detail %v, want not_sent with a code", pe)
			}
		})
	}
	for name, err := range map[string]error{
		"context deadline": fmt.Errorf("send: %w", context.DeadlineExceeded),
		"plugin fault":     &sandbox.Fault{Plugin: "stripe", Export: "connector_parse_response", Kind: sandbox.FaultTrap},
		"timeout":          &executor.Error{Kind: executor.KindTimeout, Message: "m", Detail: &v1.PaymentError{Code: v1.ErrorCode_ERROR_CODE_TIMEOUT}},
	} {
		t.Run(name, func(t *testing.T) {
			if pe := paymentErrorOf(t, connectError(err)); pe.GetNotSent() {
				t.Errorf("detail %v says not_sent", pe)
			}
		})
	}
	detail := &v1.PaymentError{Code: v1.ErrorCode_ERROR_CODE_PROCESSOR_UNAVAILABLE, NotSent: true}
	if pe := paymentErrorOf(t, connectError(&executor.Error{Kind: executor.KindUnavailable, Message: "m", Detail: detail})); !pe.GetNotSent() {
		t.Errorf("the executor's not_sent is lost: %v", pe)
	}
}
