package executor_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/host/credentials"
	"github.com/connectorhost/connector-host/host/egress"
	"github.com/connectorhost/connector-host/host/executor"
)

// withToken is an authorize request carrying a valid access token, so the
// plugin's first request is the payment itself.
func withToken(id string) *v1.PaymentServiceAuthorizeRequest {
	req := authorize(id)
	req.State = &v1.ConnectorState{AccessToken: &v1.AccessToken{Token: "tok_held"}}
	return req
}

// notSent is the not_sent the caller would read from err's PaymentError.
func notSent(t *testing.T, err error) bool {
	t.Helper()
	require.Error(t, err)
	var xe *executor.Error
	if errors.As(err, &xe) {
		assert.Equal(t, xe.Detail.GetNotSent(), executor.NotSent(err), "the detail and NotSent agree")
	}
	return executor.NotSent(err)
}

// PaymentError.not_sent is true exactly when no request of the call can
// have reached the processor.
func TestNotSentSaysWhetherTheProcessorCanHaveActed(t *testing.T) {
	p := &processor{}
	srv := httptest.NewServer(p)
	t.Cleanup(srv.Close)
	reg := loadTokenized(t)
	x := executor.New(executor.Options{Registry: reg, Sender: egress.New(egress.Options{}), BaseURLs: map[string]string{"tokenized": srv.URL}})
	ctx := context.Background()

	// Before any request: missing credentials, a flow the connector lacks.
	bad := call
	bad.Source = credentials.Source{AuthJSON: `{}`}
	_, err := x.Run(ctx, bad, v1.Flow_FLOW_AUTHORIZE, authorize("order_ns1"))
	assert.ErrorIs(t, err, credentials.ErrMissing, "the typed error stays visible to host/server")
	assert.True(t, notSent(t, err), "missing credentials")
	_, err = x.Run(ctx, call, v1.Flow_FLOW_GET, &v1.PaymentServiceGetRequest{ConnectorTransactionId: "pay_1"})
	assert.True(t, notSent(t, err), "unsupported flow")
	unknown := call
	unknown.Connector = "nosuch"
	_, err = x.Run(ctx, unknown, v1.Flow_FLOW_AUTHORIZE, authorize("order_ns2"))
	assert.True(t, notSent(t, err), "unknown connector")

	// Blocked by the egress allowlist: as the first request, nothing was
	// sent; after the token request reached the processor, the call did
	// reach it.
	_, err = x.Run(ctx, call, v1.Flow_FLOW_AUTHORIZE, withToken("evil"))
	assert.Equal(t, executor.KindInternal, kindOf(err))
	assert.True(t, notSent(t, err), "blocked before anything was sent")
	_, err = x.Run(ctx, call, v1.Flow_FLOW_AUTHORIZE, authorize("evil"))
	assert.False(t, notSent(t, err), "the token request had reached the processor")

	// The processor answered with an error: it acted.
	p.status = 503
	_, err = x.Run(ctx, call, v1.Flow_FLOW_AUTHORIZE, withToken("order_ns3"))
	assert.Equal(t, executor.KindUnavailable, kindOf(err))
	assert.False(t, notSent(t, err), "a 5xx answer is not a refusal to connect")
	p.status = 400
	_, err = x.Run(ctx, call, v1.Flow_FLOW_AUTHORIZE, withToken("order_ns4"))
	assert.False(t, notSent(t, err))
	p.status = 0

	// Connection refused (a fresh client: no kept-alive connection to
	// reuse): nothing was sent.
	srv.Close()
	x = executor.New(executor.Options{Registry: reg, Sender: egress.New(egress.Options{}), BaseURLs: map[string]string{"tokenized": srv.URL}})
	_, err = x.Run(ctx, call, v1.Flow_FLOW_AUTHORIZE, withToken("order_ns5"))
	assert.Equal(t, executor.KindUnavailable, kindOf(err))
	assert.True(t, notSent(t, err), "connection refused")
}

// A processor that takes the request and does not answer in time may have
// acted: not_sent is false.
func TestTimeoutIsNotNotSent(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) })
	x := executor.New(executor.Options{
		Registry: loadTokenized(t), BaseURLs: map[string]string{"tokenized": srv.URL},
		Sender: egress.New(egress.Options{Defaults: egress.Settings{
			Timeouts: egress.Timeouts{Total: 100 * time.Millisecond},
			Retry:    egress.RetryPolicy{MaxAttempts: 1},
		}}),
	})
	_, err := x.Run(context.Background(), call, v1.Flow_FLOW_AUTHORIZE, withToken("order_ns6"))
	assert.Equal(t, executor.KindTimeout, kindOf(err))
	assert.False(t, notSent(t, err))
}
