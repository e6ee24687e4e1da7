package executor

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"connectrpc.com/connect"
	"google.golang.org/protobuf/proto"

	"github.com/connectorhost/connector-host/abi"
	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/host/breaker"
	"github.com/connectorhost/connector-host/host/egress"
	"github.com/connectorhost/connector-host/mask"
)

// kindCodes maps a plugin's typed error kind to the Connect code callers see.
var kindCodes = map[pluginv1.ErrorKind]connect.Code{
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
}

// KindCode is the Connect code callers see for a plugin error of kind.
func KindCode(kind pluginv1.ErrorKind) connect.Code {
	if code, ok := kindCodes[kind]; ok {
		return code
	}
	return connect.CodeInternal
}

// pluginError turns a plugin's typed error into a Connect error with the
// three-layer PaymentError attached as a detail.
func pluginError(connector string, pe *pluginv1.PluginError) error {
	err := connect.NewError(KindCode(pe.GetKind()), fmt.Errorf("%s: %s", connector, pe.GetMessage()))
	detail := pe.GetDetail()
	if detail == nil {
		detail = &v1.PaymentError{Code: kindErrorCodes[pe.GetKind()], Message: pe.GetMessage()}
	} else {
		detail = proto.Clone(detail).(*v1.PaymentError)
	}
	if detail.GetCode() == v1.ErrorCode_ERROR_CODE_UNSPECIFIED {
		detail.Code = kindErrorCodes[pe.GetKind()]
	}
	addDetail(err, detail)
	return err
}

// egressError turns a failed processor call into a Connect error.
func egressError(err error, info abi.FlowInfo) error {
	var e *egress.Error
	if !errors.As(err, &e) {
		var ce *connect.Error
		if errors.As(err, &ce) {
			return ce
		}
		return connect.NewError(connect.CodeUnavailable, err)
	}
	var code connect.Code
	var unified v1.ErrorCode
	msg := e.Error()
	switch e.Kind {
	case egress.KindBlocked:
		code, unified = connect.CodeInternal, v1.ErrorCode_ERROR_CODE_PROCESSING_ERROR
	case egress.KindTimeout:
		code, unified = connect.CodeDeadlineExceeded, v1.ErrorCode_ERROR_CODE_TIMEOUT
	case egress.KindConnect:
		code, unified = connect.CodeUnavailable, v1.ErrorCode_ERROR_CODE_PROCESSOR_UNAVAILABLE
	case egress.KindCanceled:
		code, unified = connect.CodeCanceled, v1.ErrorCode_ERROR_CODE_TIMEOUT
	case egress.KindCircuitOpen:
		code, unified = connect.CodeUnavailable, v1.ErrorCode_ERROR_CODE_PROCESSOR_UNAVAILABLE
		msg = e.Msg // "circuit open for stripe; retry after N s"
	case egress.KindClientCert:
		code, unified = connect.CodeInvalidArgument, v1.ErrorCode_ERROR_CODE_INVALID_CREDENTIALS
	default:
		code, unified = connect.CodeUnavailable, v1.ErrorCode_ERROR_CODE_PROCESSOR_UNAVAILABLE
	}
	if info.Mutating && (e.Kind == egress.KindTimeout || e.Kind == egress.KindReset) {
		msg += "; the processor may have acted on it: retry with the same merchant id (it is the idempotency key) or read the status with a Get"
	}
	if e.Attempts > 1 {
		msg += fmt.Sprintf(" (after %d attempts)", e.Attempts)
	}
	ce := connect.NewError(code, errors.New(msg))
	if e.Kind == egress.KindCircuitOpen {
		ce.Meta().Set("Retry-After", strconv.Itoa(breaker.RetryAfterSeconds(e.RetryAfter)))
	}
	addDetail(ce, &v1.PaymentError{Code: unified, Message: msg})
	return ce
}

// integrityError reports a processor answer that does not match the request.
func integrityError(connector string, info abi.FlowInfo, err error) error {
	msg := fmt.Sprintf("%s: the processor's %s answer does not match the request: %v; the outcome is uncertain, read it with a Get before acting", connector, info.Name(), err)
	ce := connect.NewError(connect.CodeInternal, errors.New(msg))
	addDetail(ce, &v1.PaymentError{Code: v1.ErrorCode_ERROR_CODE_INTEGRITY_MISMATCH, Message: msg})
	return ce
}

func addDetail(err *connect.Error, m proto.Message) {
	if d, derr := connect.NewErrorDetail(m); derr == nil {
		err.AddDetail(d)
	}
}

// redact removes every secret of the session from an error's message and
// details; a plugin or processor that echoes a key must not leak it. A typed
// error without a Connect code (a *sandbox.Fault, a registry error) keeps its
// type for host/server to map; only its message is redacted.
func (s *session) redact(err error) error {
	var ce *connect.Error
	if !errors.As(err, &ce) {
		return &redactedError{msg: redactText(err.Error(), s.secrets), err: err}
	}
	msg := redactText(ce.Message(), s.secrets)
	out := connect.NewError(ce.Code(), errors.New(msg))
	for k, vs := range ce.Meta() {
		for _, v := range vs {
			out.Meta().Add(k, redactText(v, s.secrets))
		}
	}
	for _, d := range ce.Details() {
		v, derr := d.Value()
		if derr != nil {
			continue
		}
		if pe, ok := v.(*v1.PaymentError); ok {
			pe.Message = redactText(pe.GetMessage(), s.secrets)
			if pe.GetConnector() != nil {
				pe.Connector.Message = redactText(pe.GetConnector().GetMessage(), s.secrets)
			}
			if pe.GetIssuer() != nil {
				pe.Issuer.Message = redactText(pe.GetIssuer().GetMessage(), s.secrets)
			}
			addDetail(out, pe)
			continue
		}
		out.AddDetail(d)
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

// codeOf names the Connect code of err for logs ("ok" for nil).
func codeOf(err error) string {
	if err == nil {
		return "ok"
	}
	return connect.CodeOf(err).String()
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
