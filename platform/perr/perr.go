// Package perr is the platform's error: a kind (which becomes the HTTP
// status), a stable machine code, a message for people, and the request
// field at fault, named as the caller wrote it.
package perr

import (
	"errors"
	"fmt"
	"net/http"
)

// Kind classifies an error; the API turns it into a status code and a type.
type Kind int

// Kinds.
const (
	Internal Kind = iota
	InvalidRequest
	Unauthenticated
	Forbidden
	NotFound
	Conflict
	PreconditionFailed
	Unprocessable
	RateLimited
	ConnectorUnavailable
)

// Error is a platform error.
type Error struct {
	Kind    Kind
	Code    string
	Message string
	Param   string
	// Err is the cause, logged but never returned to callers.
	Err error
}

func (e *Error) Error() string {
	if e.Param != "" {
		return fmt.Sprintf("%s (%s): %s", e.Code, e.Param, e.Message)
	}
	return e.Code + ": " + e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// Status is the HTTP status of the kind.
func (e *Error) Status() int {
	switch e.Kind {
	case InvalidRequest:
		return http.StatusBadRequest
	case Unauthenticated:
		return http.StatusUnauthorized
	case Forbidden:
		return http.StatusForbidden
	case NotFound:
		return http.StatusNotFound
	case Conflict:
		return http.StatusConflict
	case PreconditionFailed:
		return http.StatusPreconditionFailed
	case Unprocessable:
		return http.StatusUnprocessableEntity
	case RateLimited:
		return http.StatusTooManyRequests
	case ConnectorUnavailable:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// Type is the error shape's "type".
func (e *Error) Type() string {
	switch e.Kind {
	case InvalidRequest, Unprocessable:
		return "invalid_request_error"
	case Unauthenticated, Forbidden:
		return "authentication_error"
	case NotFound:
		return "not_found_error"
	case Conflict, PreconditionFailed:
		return "conflict_error"
	case RateLimited:
		return "rate_limit_error"
	case ConnectorUnavailable:
		return "connector_error"
	}
	return "api_error"
}

// Invalid is a 400 naming param.
func Invalid(param, format string, args ...any) *Error {
	return &Error{Kind: InvalidRequest, Code: "parameter_invalid", Param: param, Message: fmt.Sprintf(format, args...)}
}

// Missing is a 400 for a required param.
func Missing(param string) *Error {
	return &Error{Kind: InvalidRequest, Code: "parameter_missing", Param: param, Message: param + " is required"}
}

// NotFoundf is a 404 for an object.
func NotFoundf(param, format string, args ...any) *Error {
	return &Error{Kind: NotFound, Code: "resource_missing", Param: param, Message: fmt.Sprintf(format, args...)}
}

// Conflictf is a 409.
func Conflictf(code, format string, args ...any) *Error {
	return &Error{Kind: Conflict, Code: code, Message: fmt.Sprintf(format, args...)}
}

// As returns err as an *Error, wrapping anything else as Internal.
func As(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Kind: Internal, Code: "internal_error", Message: "internal error", Err: err}
}
