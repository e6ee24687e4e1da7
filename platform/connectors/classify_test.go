package connectors_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"testing"
	"time"

	"connectrpc.com/connect"

	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/platform/connectors"
)

// withDetail is a connector host error of code carrying pe.
func withDetail(code connect.Code, pe *v1.PaymentError) error {
	err := connect.NewError(code, errors.New("host said no"))
	if pe != nil {
		d, derr := connect.NewErrorDetail(pe)
		if derr != nil {
			panic(derr)
		}
		err.AddDetail(d)
	}
	return err
}

func TestClassify(t *testing.T) {
	notSent := &v1.PaymentError{Code: v1.ErrorCode_ERROR_CODE_PROCESSOR_UNAVAILABLE, NotSent: true}
	for name, tc := range map[string]struct {
		err         error
		want        connectors.Outcome
		unreachable bool
	}{
		"connection refused by the processor": {withDetail(connect.CodeUnavailable, notSent), connectors.NotSent, true},
		"circuit open":                        {withDetail(connect.CodeUnavailable, notSent), connectors.NotSent, true},
		"plugin deadline before sending":      {withDetail(connect.CodeDeadlineExceeded, &v1.PaymentError{NotSent: true}), connectors.NotSent, true},
		"credentials refused before sending":  {withDetail(connect.CodeUnauthenticated, &v1.PaymentError{NotSent: true}), connectors.NotSent, false},
		"plugin refused to build":             {withDetail(connect.CodeInvalidArgument, &v1.PaymentError{NotSent: true}), connectors.NotSent, false},
		"processor timeout":                   {withDetail(connect.CodeDeadlineExceeded, &v1.PaymentError{Code: v1.ErrorCode_ERROR_CODE_TIMEOUT}), connectors.Unknown, false},
		"5xx answer":                          {withDetail(connect.CodeUnavailable, &v1.PaymentError{Code: v1.ErrorCode_ERROR_CODE_PROCESSOR_UNAVAILABLE}), connectors.Unknown, false},
		"unavailable without detail":          {connect.NewError(connect.CodeUnavailable, errors.New("x")), connectors.Unknown, false},
		"same key still running":              {withDetail(connect.CodeAborted, &v1.PaymentError{Code: v1.ErrorCode_ERROR_CODE_CONFLICT}), connectors.Unknown, false},
		"integrity mismatch":                  {withDetail(connect.CodeInternal, &v1.PaymentError{Code: v1.ErrorCode_ERROR_CODE_INTEGRITY_MISMATCH}), connectors.Unknown, false},
		"canceled":                            {connect.NewError(connect.CodeCanceled, errors.New("x")), connectors.Unknown, false},
		"unknown":                             {connect.NewError(connect.CodeUnknown, errors.New("x")), connectors.Unknown, false},
		"platform's own deadline":             {fmt.Errorf("call: %w", context.DeadlineExceeded), connectors.Unknown, false},
		"processor rejected":                  {withDetail(connect.CodeInvalidArgument, &v1.PaymentError{Code: v1.ErrorCode_ERROR_CODE_INVALID_REQUEST}), connectors.Rejected, false},
		"conflict":                            {connect.NewError(connect.CodeFailedPrecondition, errors.New("x")), connectors.Rejected, false},
		"unsupported":                         {connect.NewError(connect.CodeUnimplemented, errors.New("x")), connectors.Rejected, false},
		"bad key at the processor":            {connect.NewError(connect.CodeUnauthenticated, errors.New("x")), connectors.Rejected, false},
		"permission":                          {connect.NewError(connect.CodePermissionDenied, errors.New("x")), connectors.Rejected, false},
		"not found":                           {connect.NewError(connect.CodeNotFound, errors.New("x")), connectors.Rejected, false},
		"out of range":                        {connect.NewError(connect.CodeOutOfRange, errors.New("x")), connectors.Rejected, false},
		"rate limited":                        {withDetail(connect.CodeResourceExhausted, &v1.PaymentError{Code: v1.ErrorCode_ERROR_CODE_RATE_LIMITED}), connectors.Rejected, false},
		"plugin out of memory while parsing":  {connect.NewError(connect.CodeResourceExhausted, errors.New("x")), connectors.Unknown, false},
	} {
		t.Run(name, func(t *testing.T) {
			if got := connectors.Classify(tc.err); got != tc.want {
				t.Errorf("Classify = %v, want %v", got, tc.want)
			}
			if got := connectors.Unreachable(tc.err); got != tc.unreachable {
				t.Errorf("Unreachable = %v, want %v", got, tc.unreachable)
			}
		})
	}
}

// A connector host the platform cannot connect to received nothing: the
// dial failure, as connect-go reports it, is NotSent.
func TestClassifyHostDown(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	g := connectors.NewGateway("http://"+addr, 5*time.Second)
	_, err = g.Authorize(context.Background(), connectors.Target{Plugin: "stripe"}, &v1.PaymentServiceAuthorizeRequest{})
	if err == nil {
		t.Fatal("a call to a closed port succeeded")
	}
	if got := connectors.Classify(err); got != connectors.NotSent || !connectors.Unreachable(err) {
		t.Errorf("Classify(%v) = %v, Unreachable %v; want not_sent, unreachable", err, got, connectors.Unreachable(err))
	}
	none := connectors.NewGateway("", 0)
	_, err = none.Authorize(context.Background(), connectors.Target{Plugin: "stripe"}, &v1.PaymentServiceAuthorizeRequest{})
	if got := connectors.Classify(err); got != connectors.NotSent {
		t.Errorf("no host: Classify = %v, want not_sent", got)
	}
}
