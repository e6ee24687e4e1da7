package executor

import (
	"strconv"

	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
)

// Kind says what went wrong in an executor call, in terms a caller acts on;
// host/server's one table gives each kind its Connect code.
type Kind int

// The kinds of *Error.
const (
	// KindInternal is a fault of the host or the plugin (a plugin that
	// misbehaves, a processor answer that does not match the request).
	KindInternal Kind = iota + 1
	// KindInvalidRequest is a request the caller must fix (or one the
	// processor rejected as invalid).
	KindInvalidRequest
	// KindUnauthenticated is a credential the processor refused, or a
	// webhook whose signature could not be verified.
	KindUnauthenticated
	// KindUnsupported is a flow, payment method or feature the connector
	// does not offer.
	KindUnsupported
	// KindNotFound is an object the processor does not know.
	KindNotFound
	// KindFailedPrecondition is a call the connector's configuration or the
	// object's state does not allow (a conflict, no live environment, no
	// webhook secret).
	KindFailedPrecondition
	// KindUnavailable is a processor or host that could not be reached or
	// is not ready; the call may be retried.
	KindUnavailable
	// KindRateLimited is a processor that asked the host to slow down.
	KindRateLimited
	// KindTimeout is a processor that did not answer in time.
	KindTimeout
	// KindCanceled is a call its caller gave up on.
	KindCanceled
	// KindInProgress is a call the processor refused because an earlier
	// one with the same idempotency key is still running: its outcome is
	// unknown; the caller retries later with the same key.
	KindInProgress
)

var kindNames = map[Kind]string{
	KindInternal:           "internal",
	KindInvalidRequest:     "invalid_request",
	KindUnauthenticated:    "unauthenticated",
	KindUnsupported:        "unsupported",
	KindNotFound:           "not_found",
	KindFailedPrecondition: "failed_precondition",
	KindUnavailable:        "unavailable",
	KindRateLimited:        "rate_limited",
	KindTimeout:            "timeout",
	KindCanceled:           "canceled",
	KindInProgress:         "in_progress",
}

// Kinds lists every kind, in order.
func Kinds() []Kind {
	out := make([]Kind, 0, len(kindNames))
	for k := KindInternal; k <= KindInProgress; k++ {
		out = append(out, k)
	}
	return out
}

// String is the kind's name for logs ("invalid_request"); "kind(N)" for an
// unknown kind.
func (k Kind) String() string {
	if n, ok := kindNames[k]; ok {
		return n
	}
	return "kind(" + strconv.Itoa(int(k)) + ")"
}

// Error is an error of an executor call the executor itself decided on: its
// kind (host/server gives it the Connect code), the message callers see and,
// where there is one, the three-layer PaymentError callers get as the
// error's detail. Errors of the packages below (a *sandbox.Fault, a registry
// or credentials error) are returned as they are (their messages redacted),
// for host/server to map.
type Error struct {
	// Kind says what went wrong.
	Kind Kind
	// Message is what the caller reads, secrets removed.
	Message string
	// Detail is the PaymentError attached to the error, nil when none.
	Detail *v1.PaymentError
	// RetryAfter is the Retry-After value (seconds) a caller should wait
	// before it tries again; empty when there is none.
	RetryAfter string
	// Err is the cause, if any (errors.Is and errors.As see it).
	Err error
}

// newError is an *Error of kind whose message is err's and whose cause is err.
func newError(kind Kind, err error) *Error {
	return &Error{Kind: kind, Message: err.Error(), Err: err}
}

// Error returns the message callers see.
func (e *Error) Error() string { return e.Message }

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }
