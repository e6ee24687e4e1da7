package server

import (
	"context"
	"errors"

	"connectrpc.com/connect"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/host/credentials"
	"github.com/connectorhost/connector-host/host/executor"
	"github.com/connectorhost/connector-host/host/registry"
	"github.com/connectorhost/connector-host/host/sandbox"
)

// kindCodes gives each kind of executor error its Connect code.
var kindCodes = map[executor.Kind]connect.Code{
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

// KindCode is the Connect code callers see for an executor error of kind
// (Internal for a kind the table lacks).
func KindCode(kind executor.Kind) connect.Code {
	if code, ok := kindCodes[kind]; ok {
		return code
	}
	return connect.CodeInternal
}

// PluginKindCode is the Connect code callers see for a plugin error of kind.
func PluginKindCode(kind pluginv1.ErrorKind) connect.Code {
	return KindCode(executor.PluginKind(kind))
}

// faultCodes gives each kind of sandbox fault (a plugin's own failure) its
// Connect code: a plugin past its deadline is DeadlineExceeded, one past a
// resource cap ResourceExhausted, an unloaded one Unavailable, and a crash
// or garbage output Internal.
var faultCodes = map[sandbox.FaultKind]connect.Code{
	sandbox.FaultTrap:           connect.CodeInternal,
	sandbox.FaultBadOutput:      connect.CodeInternal,
	sandbox.FaultTimeout:        connect.CodeDeadlineExceeded,
	sandbox.FaultOutOfMemory:    connect.CodeResourceExhausted,
	sandbox.FaultOutputTooLarge: connect.CodeResourceExhausted,
	sandbox.FaultInputTooLarge:  connect.CodeResourceExhausted,
	sandbox.FaultUnavailable:    connect.CodeUnavailable,
	sandbox.FaultCanceled:       connect.CodeCanceled,
}

// sentinelCodes gives the sentinel errors of the packages below the API edge
// their Connect codes, first match wins: the registry's before the context's
// (a connector still loading when the caller's deadline passed is
// Unavailable, as any connector not ready).
var sentinelCodes = []struct {
	err  error
	code connect.Code
}{
	{registry.ErrNotFound, connect.CodeNotFound},
	{registry.ErrNotReady, connect.CodeUnavailable},
	{credentials.ErrInvalid, connect.CodeInvalidArgument},
	{credentials.ErrMissing, connect.CodeUnauthenticated},
	{credentials.ErrWrongConnector, connect.CodePermissionDenied},
	{context.DeadlineExceeded, connect.CodeDeadlineExceeded},
	{context.Canceled, connect.CodeCanceled},
}

// codeOf is the Connect code callers see for err, an error from the
// executor, credentials, registry, plugin client or sandbox: the one table of
// the host.
// An error that already is a *connect.Error keeps its code; an
// *executor.Error gets its kind's code (before any cause it wraps); an error
// the table does not know is Internal.
func codeOf(err error) connect.Code {
	var ce *connect.Error
	if errors.As(err, &ce) {
		return ce.Code()
	}
	var xe *executor.Error
	if errors.As(err, &xe) {
		return KindCode(xe.Kind)
	}
	var f *sandbox.Fault
	if errors.As(err, &f) {
		if code, ok := faultCodes[f.Kind]; ok {
			return code
		}
		return connect.CodeInternal
	}
	for _, s := range sentinelCodes {
		if errors.Is(err, s.err) {
			return s.code
		}
	}
	return connect.CodeInternal
}

// ConnectError is the error a caller of the API gets for err, an error from
// the executor (or below it): err as a *connect.Error with the host's code for
// it. Tests that run the executor directly (conformance) use it to see what
// a caller would.
func ConnectError(err error) error { return connectError(err) }

// connectError is err as a *connect.Error with the code codeOf gives it and
// err's message (nil for nil); an *executor.Error's PaymentError becomes the
// error's detail and its Retry-After a header. A *connect.Error is returned
// as it is.
func connectError(err error) error {
	if err == nil {
		return nil
	}
	var ce *connect.Error
	if errors.As(err, &ce) {
		return err
	}
	out := connect.NewError(codeOf(err), err)
	var xe *executor.Error
	if errors.As(err, &xe) {
		if xe.Detail != nil {
			if d, derr := connect.NewErrorDetail(xe.Detail); derr == nil {
				out.AddDetail(d)
			}
		}
		if xe.RetryAfter != "" {
			out.Meta().Set("Retry-After", xe.RetryAfter)
		}
		return out
	}
	if notSent(err) {
		// An error that never reached a plugin's request (the connector not
		// loaded, credentials refused, a plugin fault while building): say
		// so, so the caller knows the processor did nothing.
		pe := &v1.PaymentError{Code: notSentCodes[out.Code()], Message: out.Message(), NotSent: true}
		if pe.Code == v1.ErrorCode_ERROR_CODE_UNSPECIFIED {
			pe.Code = v1.ErrorCode_ERROR_CODE_PROCESSING_ERROR
		}
		if d, derr := connect.NewErrorDetail(pe); derr == nil {
			out.AddDetail(d)
		}
	}
	return out
}

// notSentSentinels are the errors of the packages below the API edge that
// come before any request is built: nothing reached the processor.
var notSentSentinels = []error{registry.ErrNotFound, registry.ErrNotReady, credentials.ErrInvalid, credentials.ErrMissing, credentials.ErrWrongConnector}

// notSent reports whether err, an error that is not an *executor.Error,
// happened before any request could reach the processor.
func notSent(err error) bool {
	if executor.NotSent(err) {
		return true
	}
	for _, s := range notSentSentinels {
		if errors.Is(err, s) {
			return true
		}
	}
	return false
}

// notSentCodes gives the PaymentError code of a not-sent error by its
// Connect code.
var notSentCodes = map[connect.Code]v1.ErrorCode{
	connect.CodeNotFound:          v1.ErrorCode_ERROR_CODE_NOT_FOUND,
	connect.CodeUnavailable:       v1.ErrorCode_ERROR_CODE_PROCESSOR_UNAVAILABLE,
	connect.CodeInvalidArgument:   v1.ErrorCode_ERROR_CODE_INVALID_CREDENTIALS,
	connect.CodeUnauthenticated:   v1.ErrorCode_ERROR_CODE_INVALID_CREDENTIALS,
	connect.CodePermissionDenied:  v1.ErrorCode_ERROR_CODE_PERMISSION_DENIED,
	connect.CodeDeadlineExceeded:  v1.ErrorCode_ERROR_CODE_TIMEOUT,
	connect.CodeResourceExhausted: v1.ErrorCode_ERROR_CODE_PROCESSING_ERROR,
	connect.CodeInternal:          v1.ErrorCode_ERROR_CODE_PROCESSING_ERROR,
}

// errorCodes is the interceptor that gives every handler's error its Connect
// code (connectError). It runs innermost, so the request-id, metrics and
// logging interceptors see the code callers get.
func errorCodes() connect.Interceptor {
	return connect.UnaryInterceptorFunc(func(next connect.UnaryFunc) connect.UnaryFunc {
		return func(ctx context.Context, req connect.AnyRequest) (connect.AnyResponse, error) {
			res, err := next(ctx, req)
			return res, connectError(err)
		}
	})
}
