package pdk

import (
	"errors"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/internal/textf"
)

// Error is a typed error a handler returns; its Kind decides the Connect code
// the caller sees (see docs/plugin-abi.md).
type Error struct {
	Kind    pluginv1.ErrorKind
	Message string
	// Detail is the three-layer error when the processor gave one.
	Detail *v1.PaymentError
}

func (e *Error) Error() string { return e.Message }

// Errorf returns an *Error of kind with a formatted message. The format is
// printed as fmt.Sprintf prints it, by internal/textf (plugins do not link
// fmt): %v %s %q %d %x and the flags for strings, integers, bools, floats,
// errors, Stringers (enums), []string and []byte. %T and other types print
// a %!verb(...) marker; name a payment method's type with MethodGoType.
// Unsupported, InvalidResponse, IntegrityMismatch and Reject format alike.
func Errorf(kind pluginv1.ErrorKind, format string, args ...any) *Error {
	return &Error{Kind: kind, Message: textf.Sprintf(format, args...)}
}

// InvalidRequest reports that the unified request lacks or has a wrong field.
// Name the field: InvalidRequest("payment_method.card.cvc", "is required by Adyen").
func InvalidRequest(field, problem string) *Error {
	return Errorf(pluginv1.ErrorKind_ERROR_KIND_INVALID_REQUEST, "%s: %s", field, problem)
}

// Unsupported reports a payment method, currency or option the connector does not handle.
func Unsupported(format string, args ...any) *Error {
	return Errorf(pluginv1.ErrorKind_ERROR_KIND_UNSUPPORTED, format, args...)
}

// InvalidResponse reports a processor answer the plugin cannot understand.
func InvalidResponse(format string, args ...any) *Error {
	return Errorf(pluginv1.ErrorKind_ERROR_KIND_INVALID_RESPONSE, format, args...)
}

// MissingCredential reports a credential field the caller did not send.
func MissingCredential(field string) *Error {
	return Errorf(pluginv1.ErrorKind_ERROR_KIND_CREDENTIALS, "credential %q is missing", field)
}

// Rejection is a webhook refusal; return it from VerifyWebhook.
type Rejection struct {
	Reason  pluginv1.RejectionReason
	Message string
}

func (r *Rejection) Error() string { return r.Message }

// Reject returns a webhook rejection with a reason and message.
func Reject(reason pluginv1.RejectionReason, format string, args ...any) *Rejection {
	return &Rejection{Reason: reason, Message: textf.Sprintf(format, args...)}
}

// StepRequired asks the host to run another flow first (e.g. get an access
// token). Build it with NeedStep.
type StepRequired struct {
	Flow    v1.Flow
	Request Message

	// encode encodes Request (deterministically) with its concrete type's
	// encoder (see NeedStep).
	encode func() ([]byte, error)
}

func (s *StepRequired) Error() string { return "step " + s.Flow.String() + " required first" }

// NeedStep returns an error telling the host to run flow with req first, then
// call this flow again with the resulting state.
//
// NeedStep is generic so that the request is encoded with its own type's
// method: a call through the Message interface would make the linker keep
// the codec of every message that reaches an interface (see Flow).
func NeedStep[Req Message](flow v1.Flow, req Req) *StepRequired {
	return &StepRequired{Flow: flow, Request: req, encode: stepEncoder(req)}
}

// toPluginError converts any handler error to the ABI's PluginError.
func toPluginError(err error) *pluginv1.PluginError {
	var e *Error
	if errors.As(err, &e) {
		return &pluginv1.PluginError{Kind: e.Kind, Message: e.Message, Detail: e.Detail}
	}
	return &pluginv1.PluginError{Kind: pluginv1.ErrorKind_ERROR_KIND_INTERNAL, Message: err.Error()}
}
