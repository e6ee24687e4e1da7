package egress_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptrace"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectorhost/connector-host/host/breaker"
	"github.com/connectorhost/connector-host/host/egress"
)

// script is a transport whose first attempt gets a connection and hangs
// until the attempt's timeout, and whose later attempts cannot connect:
// what a processor that took the request and then went away looks like.
type script struct{ n atomic.Int32 }

func (s *script) RoundTrip(r *http.Request) (*http.Response, error) {
	if s.n.Add(1) == 1 {
		if tr := httptrace.ContextClientTrace(r.Context()); tr != nil && tr.GotConn != nil {
			tr.GotConn(httptrace.GotConnInfo{})
		}
		<-r.Context().Done()
		return nil, r.Context().Err()
	}
	return nil, &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}
}

func egressErr(t *testing.T, err error) *egress.Error {
	t.Helper()
	var e *egress.Error
	require.True(t, errors.As(err, &e), "want *egress.Error, got %v", err)
	return e
}

// A call none of whose attempts could have reached the processor is
// NotSent; one an earlier attempt of which timed out after connecting is
// not, even when its last attempt could not connect.
func TestNotSentOnlyWhenNoAttemptReachedTheProcessor(t *testing.T) {
	opts := fastRetries(&sleeps{})
	opts.Transport = &script{}
	c := newClient(t, opts)
	_, err := c.Do(context.Background(), request("http://127.0.0.1:9", true))
	e := egressErr(t, err)
	assert.Equal(t, egress.KindConnect, e.Kind, "the last attempt could not connect")
	assert.Equal(t, 3, e.Attempts)
	assert.True(t, e.Reached)
	assert.False(t, e.NotSent(), "the first attempt timed out after connecting: the processor may have acted")

	// Connection refused on every attempt: nothing was sent.
	never := &script{}
	never.n.Store(1)
	opts.Transport = never
	c = newClient(t, opts)
	_, err = c.Do(context.Background(), request("http://127.0.0.1:9", true))
	e = egressErr(t, err)
	assert.Equal(t, egress.KindConnect, e.Kind)
	assert.True(t, e.NotSent())

	// A timeout is never NotSent; nor a blocked request sent nowhere is sent.
	p := newProcessor(t, func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
	c = newClient(t, fastRetries(&sleeps{}))
	_, err = c.Do(context.Background(), request(p.srv.URL, false))
	e = egressErr(t, err)
	assert.Equal(t, egress.KindTimeout, e.Kind)
	assert.False(t, e.NotSent())
	blocked := request(p.srv.URL, false)
	blocked.BaseURL = ""
	_, err = c.Do(context.Background(), blocked)
	e = egressErr(t, err)
	assert.Equal(t, egress.KindBlocked, e.Kind)
	assert.True(t, e.NotSent())
}

// An open breaker sends nothing; a breaker that opens during a call that
// already reached the processor reports that answer, not a NotSent error.
func TestOpenCircuitIsNotSent(t *testing.T) {
	p := newProcessor(t, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(503) })
	set := breaker.NewSet(breaker.Options{Settings: func(string) breaker.Settings { return breaker.Settings{FailureThreshold: 1} }})
	c := newClient(t, egress.Options{Breakers: set, Sleep: (&sleeps{}).Sleep})
	_, err := c.Do(context.Background(), request(p.srv.URL, true))
	require.NoError(t, err)
	_, err = c.Do(context.Background(), request(p.srv.URL, true))
	e := egressErr(t, err)
	assert.Equal(t, egress.KindCircuitOpen, e.Kind)
	assert.True(t, e.NotSent())
}
