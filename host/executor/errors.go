package executor

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"google.golang.org/protobuf/proto"

	"github.com/connectorhost/connector-host/abi"
	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/host/breaker"
	"github.com/connectorhost/connector-host/host/egress"
	"github.com/connectorhost/connector-host/mask"
)

// pluginKinds maps a plugin's typed error kind to the executor's error kind
// (and so to the Connect code host/server gives it).
var pluginKinds = map[pluginv1.ErrorKind]Kind{
	pluginv1.ErrorKind_ERROR_KIND_INVALID_REQUEST:       KindInvalidRequest,
	pluginv1.ErrorKind_ERROR_KIND_CREDENTIALS:           KindUnauthenticated,
	pluginv1.ErrorKind_ERROR_KIND_UNSUPPORTED:           KindUnsupported,
	pluginv1.ErrorKind_ERROR_KIND_INVALID_RESPONSE:      KindInternal,
	pluginv1.ErrorKind_ERROR_KIND_PROCESSOR_UNAVAILABLE: KindUnavailable,
	pluginv1.ErrorKind_ERROR_KIND_RATE_LIMITED:          KindRateLimited,
	pluginv1.ErrorKind_ERROR_KIND_NOT_FOUND:             KindNotFound,
	pluginv1.ErrorKind_ERROR_KIND_CONFLICT:              KindFailedPrecondition,
	pluginv1.ErrorKind_ERROR_KIND_PROCESSOR_REJECTED:    KindInvalidRequest,
	pluginv1.ErrorKind_ERROR_KIND_INTERNAL:              KindInternal,
	pluginv1.ErrorKind_ERROR_KIND_IN_PROGRESS:           KindInProgress,
}

// kindErrorCodes gives a unified ErrorCode for a plugin error that carries none.
var kindErrorCodes = map[pluginv1.ErrorKind]v1.ErrorCode{
	pluginv1.ErrorKind_ERROR_KIND_INVALID_REQUEST:       v1.ErrorCode_ERROR_CODE_INVALID_REQUEST,
	pluginv1.ErrorKind_ERROR_KIND_CREDENTIALS:           v1.ErrorCode_ERROR_CODE_INVALID_CREDENTIALS,
	pluginv1.ErrorKind_ERROR_KIND_UNSUPPORTED:           v1.ErrorCode_ERROR_CODE_PAYMENT_METHOD_NOT_SUPPORTED,
	pluginv1.ErrorKind_ERROR_KIND_INVALID_RESPONSE:      v1.ErrorCode_ERROR_CODE_INVALID_RESPONSE,
	pluginv1.ErrorKind_ERROR_KIND_PROCESSOR_UNAVAILABLE: v1.ErrorCode_ERROR_CODE_PROCESSOR_UNAVAILABLE,
	pluginv1.ErrorKind_ERROR_KIND_RATE_LIMITED:          v1.ErrorCode_ERROR_CODE_RATE_LIMITED,
	pluginv1.ErrorKind_ERROR_KIND_NOT_FOUND:             v1.ErrorCode_ERROR_CODE_NOT_FOUND,
	pluginv1.ErrorKind_ERROR_KIND_CONFLICT:              v1.ErrorCode_ERROR_CODE_CONFLICT,
	pluginv1.ErrorKind_ERROR_KIND_PROCESSOR_REJECTED:    v1.ErrorCode_ERROR_CODE_INVALID_REQUEST,
	pluginv1.ErrorKind_ERROR_KIND_INTERNAL:              v1.ErrorCode_ERROR_CODE_PROCESSING_ERROR,
	pluginv1.ErrorKind_ERROR_KIND_IN_PROGRESS:           v1.ErrorCode_ERROR_CODE_CONFLICT,
}

// PluginKind is the executor's error kind for a plugin error of kind
// (KindInternal for a kind it does not know).
func PluginKind(kind pluginv1.ErrorKind) Kind {
	if k, ok := pluginKinds[kind]; ok {
		return k
	}
	return KindInternal
}

// pluginError turns a plugin's typed error into an *Error with the
// three-layer PaymentError attached as its detail.
func pluginError(connector string, pe *pluginv1.PluginError) error {
	detail := pe.GetDetail()
	if detail == nil {
		detail = &v1.PaymentError{Code: kindErrorCodes[pe.GetKind()], Message: pe.GetMessage()}
	} else {
		detail = proto.Clone(detail).(*v1.PaymentError)
	}
	if detail.GetCode() == v1.ErrorCode_ERROR_CODE_UNSPECIFIED {
		detail.Code = kindErrorCodes[pe.GetKind()]
	}
	// Only the host knows whether a request reached the processor: a
	// plugin's claim is dropped (run marks build-phase errors itself).
	detail.NotSent = false
	err := newError(PluginKind(pe.GetKind()), fmt.Errorf("%s: %s", connector, pe.GetMessage()))
	err.Detail = detail
	return err
}

// egressError turns a failed processor call into an *Error.
func egressError(err error, info abi.FlowInfo) error {
	var e *egress.Error
	if !errors.As(err, &e) {
		var xe *Error
		if errors.As(err, &xe) {
			return xe
		}
		return newError(KindUnavailable, err)
	}
	var kind Kind
	var unified v1.ErrorCode
	msg := e.Error()
	switch e.Kind {
	case egress.KindBlocked:
		kind, unified = KindInternal, v1.ErrorCode_ERROR_CODE_PROCESSING_ERROR
	case egress.KindTimeout:
		kind, unified = KindTimeout, v1.ErrorCode_ERROR_CODE_TIMEOUT
	case egress.KindConnect:
		kind, unified = KindUnavailable, v1.ErrorCode_ERROR_CODE_PROCESSOR_UNAVAILABLE
	case egress.KindCanceled:
		kind, unified = KindCanceled, v1.ErrorCode_ERROR_CODE_TIMEOUT
	case egress.KindCircuitOpen:
		kind, unified = KindUnavailable, v1.ErrorCode_ERROR_CODE_PROCESSOR_UNAVAILABLE
		msg = e.Msg // "circuit open for stripe; retry after N s"
	case egress.KindClientCert:
		kind, unified = KindInvalidRequest, v1.ErrorCode_ERROR_CODE_INVALID_CREDENTIALS
	default:
		kind, unified = KindUnavailable, v1.ErrorCode_ERROR_CODE_PROCESSOR_UNAVAILABLE
	}
	if info.Mutating && (e.Kind == egress.KindTimeout || e.Kind == egress.KindReset) {
		msg += "; the processor may have acted on it: retry with the same merchant id (it is the idempotency key) or read the status with a Get"
	}
	if e.Attempts > 1 {
		msg += fmt.Sprintf(" (after %d attempts)", e.Attempts)
	}
	out := &Error{Kind: kind, Message: msg, Detail: &v1.PaymentError{Code: unified, Message: msg, NotSent: e.NotSent()}, Err: err}
	if e.Kind == egress.KindCircuitOpen {
		out.RetryAfter = strconv.Itoa(breaker.RetryAfterSeconds(e.RetryAfter))
	}
	return out
}

// kindCodes gives the unified ErrorCode of a not-sent *Error that carries
// no PaymentError of its own.
var kindCodes = map[Kind]v1.ErrorCode{
	KindInvalidRequest:     v1.ErrorCode_ERROR_CODE_INVALID_REQUEST,
	KindUnauthenticated:    v1.ErrorCode_ERROR_CODE_INVALID_CREDENTIALS,
	KindUnsupported:        v1.ErrorCode_ERROR_CODE_PAYMENT_METHOD_NOT_SUPPORTED,
	KindNotFound:           v1.ErrorCode_ERROR_CODE_NOT_FOUND,
	KindFailedPrecondition: v1.ErrorCode_ERROR_CODE_INVALID_REQUEST,
	KindUnavailable:        v1.ErrorCode_ERROR_CODE_PROCESSOR_UNAVAILABLE,
	KindRateLimited:        v1.ErrorCode_ERROR_CODE_RATE_LIMITED,
	KindTimeout:            v1.ErrorCode_ERROR_CODE_TIMEOUT,
	KindCanceled:           v1.ErrorCode_ERROR_CODE_TIMEOUT,
	KindInProgress:         v1.ErrorCode_ERROR_CODE_CONFLICT,
}

// notSentError marks an error of the packages below the executor (a
// *sandbox.Fault, a registry or credentials error) as one that happened
// before any request reached the processor; errors.Is and errors.As still
// see the error it wraps, and its message is that error's.
type notSentError struct{ err error }

func (e *notSentError) Error() string { return e.err.Error() }
func (e *notSentError) Unwrap() error { return e.err }

// markNotSent marks err as a failure before any request reached the
// processor (PaymentError.not_sent): an *Error gets a copy of its detail
// (a new one when it had none) with not_sent set; any other error is
// wrapped so NotSent reports it.
func markNotSent(err error) error {
	if err == nil || NotSent(err) {
		return err
	}
	var xe *Error
	if !errors.As(err, &xe) {
		return &notSentError{err: err}
	}
	out := *xe
	if xe.Detail != nil {
		out.Detail = proto.Clone(xe.Detail).(*v1.PaymentError)
	} else {
		code, ok := kindCodes[xe.Kind]
		if !ok {
			code = v1.ErrorCode_ERROR_CODE_PROCESSING_ERROR
		}
		out.Detail = &v1.PaymentError{Code: code, Message: xe.Message}
	}
	out.Detail.NotSent = true
	return &out
}

// clearNotSent is err without the not-sent mark of its *Error's detail.
func clearNotSent(err error) error {
	var xe *Error
	if !errors.As(err, &xe) || !xe.Detail.GetNotSent() {
		return err
	}
	out := *xe
	out.Detail = proto.Clone(xe.Detail).(*v1.PaymentError)
	out.Detail.NotSent = false
	return &out
}

// NotSent reports whether err, an error of an executor call, happened
// before any request of the call could have reached the processor, so
// nothing happened there (the PaymentError's not_sent).
func NotSent(err error) bool {
	var ns *notSentError
	if errors.As(err, &ns) {
		return true
	}
	var xe *Error
	return errors.As(err, &xe) && xe.Detail.GetNotSent()
}

// integrityError reports a processor answer that does not match the request.
func integrityError(connector string, info abi.FlowInfo, err error) error {
	msg := fmt.Sprintf("%s: the processor's %s answer does not match the request: %v; the outcome is uncertain, read it with a Get before acting", connector, info.Name(), err)
	return &Error{Kind: KindInternal, Message: msg, Detail: &v1.PaymentError{Code: v1.ErrorCode_ERROR_CODE_INTEGRITY_MISMATCH, Message: msg}, Err: err}
}

// redact removes every secret of the session from an error's message and
// detail; a plugin or processor that echoes a key must not leak it. An
// *Error keeps its kind and detail; another typed error (a *sandbox.Fault, a
// registry error) keeps its type for host/server to map; only its message is
// redacted.
func (s *session) redact(err error) error {
	var xe *Error
	if !errors.As(err, &xe) {
		return &redactedError{msg: redactText(err.Error(), s.secrets), err: err}
	}
	out := &Error{Kind: xe.Kind, Message: redactText(xe.Message, s.secrets), RetryAfter: redactText(xe.RetryAfter, s.secrets)}
	if xe.Err != nil {
		// The cause stays reachable for errors.Is and errors.As, its
		// message redacted too.
		out.Err = &redactedError{msg: redactText(xe.Err.Error(), s.secrets), err: xe.Err}
	}
	if xe.Detail != nil {
		pe := proto.Clone(xe.Detail).(*v1.PaymentError)
		pe.Message = redactText(pe.GetMessage(), s.secrets)
		if pe.GetConnector() != nil {
			pe.Connector.Message = redactText(pe.GetConnector().GetMessage(), s.secrets)
		}
		if pe.GetIssuer() != nil {
			pe.Issuer.Message = redactText(pe.GetIssuer().GetMessage(), s.secrets)
		}
		out.Detail = pe
	}
	return out
}

// redactedError is an error whose message had the session's secrets
// removed; errors.Is and errors.As still see the error it came from.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

// kindOf names the kind of err for logs: "ok" for nil, the *Error's kind,
// or "unknown" for an error of the packages below (a sandbox fault, a
// registry or credentials error) that host/server maps itself.
func kindOf(err error) string {
	if err == nil {
		return "ok"
	}
	var xe *Error
	if errors.As(err, &xe) {
		return xe.Kind.String()
	}
	return "unknown"
}

// redactText removes secrets from text: every occurrence of those of 4
// bytes or more, and of a shorter all-digit secret (a 3-digit CVC) wherever
// it stands alone, not inside a longer number.
func redactText(text string, secrets []string) string {
	text = mask.Redact(text, secrets...)
	for _, sec := range secrets {
		if len(sec) < 3 || len(sec) >= 4 || strings.Trim(sec, "0123456789") != "" {
			continue
		}
		re := regexp.MustCompile(`(^|[^0-9])` + sec + `([^0-9]|$)`)
		for {
			next := re.ReplaceAllString(text, "${1}[redacted]${2}")
			if next == text {
				break
			}
			text = next
		}
	}
	return text
}
