package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"connectrpc.com/connect"

	"github.com/connectorhost/connector-host/abi"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
)

var errPanic = errors.New("internal error (logged)")

func asConnectError(err error, target **connect.Error) bool { return errors.As(err, target) }

// run executes flow for an RPC and wraps the typed response.
func run[Resp any](ctx context.Context, s *Server, flow v1.Flow, h http.Header, msg abi.Message) (*connect.Response[Resp], error) {
	out, err := s.x.Run(ctx, s.call(ctx, h), flow, msg)
	if err != nil {
		return nil, err
	}
	resp, ok := any(out).(*Resp)
	if !ok {
		return nil, connect.NewError(connect.CodeInternal, fmt.Errorf("flow %v returned %T", flow, out))
	}
	return connect.NewResponse(resp), nil
}
