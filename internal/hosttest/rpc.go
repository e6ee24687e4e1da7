package hosttest

import (
	"encoding/json"
	"testing"

	"connectrpc.com/connect"
)

// Request wraps msg with the headers that select connector and carry its
// credentials (x-connector, x-connector-auth).
func Request[T any](t *testing.T, connector string, creds map[string]string, msg *T) *connect.Request[T] {
	t.Helper()
	auth, err := json.Marshal(creds)
	if err != nil {
		t.Fatal(err)
	}
	r := connect.NewRequest(msg)
	r.Header().Set("x-connector", connector)
	r.Header().Set("x-connector-auth", string(auth))
	return r
}

// Result is an RPC's outcome, taken whole from the client call:
// hosttest.RPC(client.M(ctx, req)).Msg(t).
type Result[T any] struct {
	Res *connect.Response[T]
	Err error
}

// RPC captures a client call's two results.
func RPC[T any](res *connect.Response[T], err error) Result[T] { return Result[T]{res, err} }

// Msg fails t on an RPC error and returns the response message.
func (r Result[T]) Msg(t *testing.T) *T {
	t.Helper()
	if r.Err != nil {
		t.Fatalf("RPC failed: %v", r.Err)
	}
	return r.Res.Msg
}
