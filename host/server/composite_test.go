package server_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"connectrpc.com/connect"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/gen/connectorhost/v1/connectorhostv1connect"
	"github.com/connectorhost/connector-host/host/egress"
	"github.com/connectorhost/connector-host/host/executor"
	"github.com/connectorhost/connector-host/host/registry"
	"github.com/connectorhost/connector-host/host/sandbox"
	"github.com/connectorhost/connector-host/host/server"
	"github.com/connectorhost/connector-host/internal/wasmbuild"
)

const apiKey = "sk_test_SECRET_composite"

// tokenProcessor issues access tokens and records which token each
// modification carried.
type tokenProcessor struct {
	mu     sync.Mutex
	tokens int
	calls  []string // "path auth"
}

func (p *tokenProcessor) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.calls = append(p.calls, r.URL.Path+" "+r.Header.Get("Authorization"))
	if r.URL.Path == "/token" {
		p.tokens++
		_ = json.NewEncoder(w).Encode(map[string]any{"token": "tok_" + string(rune('a'+p.tokens)), "expires_in": 3600})
		return
	}
	_, _ = w.Write([]byte(`{}`))
}

func (p *tokenProcessor) take() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := p.calls
	p.calls = nil
	return out
}

// now is the host's clock in these tests.
var now = time.Unix(1_800_000_000, 0)

func compositeClient(t *testing.T) (connectorhostv1connect.CompositePaymentServiceClient, *tokenProcessor) {
	t.Helper()
	p := &tokenProcessor{}
	proc := httptest.NewServer(p)
	t.Cleanup(proc.Close)
	dir := t.TempDir()
	b, err := os.ReadFile(wasmbuild.Build(t, "./host/executor/testdata/tokenized", "tokenized"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "tokenized.wasm"), b, 0o644))
	eng, err := sandbox.NewEngine(sandbox.Options{Limits: sandbox.Limits{CallTimeout: 10 * time.Second}})
	require.NoError(t, err)
	reg, err := registry.New(context.Background(), registry.Options{Dir: dir, Engine: eng, Eager: true})
	require.NoError(t, err)
	t.Cleanup(func() { reg.Close(); eng.Close(context.Background()) })
	require.NoError(t, reg.WaitLoaded(context.Background()))
	bases := map[string]string{"tokenized": proc.URL}
	x := executor.New(executor.Options{Registry: reg, Sender: egress.New(egress.Options{}), BaseURLs: bases, Now: func() time.Time { return now }})
	api := httptest.NewServer(server.New(server.Options{Executor: x, Registry: reg, BaseURLs: bases}))
	t.Cleanup(api.Close)
	return connectorhostv1connect.NewCompositePaymentServiceClient(api.Client(), api.URL), p
}

func request[T any](msg *T) *connect.Request[T] {
	r := connect.NewRequest(msg)
	r.Header().Set("x-connector", "tokenized")
	r.Header().Set("x-connector-auth", `{"api_key":"`+apiKey+`"}`)
	return r
}

// TestCompositeModificationsFetchTheTokenOnlyWhenNeeded runs CompositeCapture,
// CompositeVoid and CompositeRefund on a connector whose modifications need
// an access token: without one in the state the host fetches it first and
// reports it; with a valid one it goes straight to the flow; with an expired
// one it fetches a new one.
func TestCompositeModificationsFetchTheTokenOnlyWhenNeeded(t *testing.T) {
	c, p := compositeClient(t)
	ctx := context.Background()
	eur := &v1.Money{MinorAmount: 500, Currency: "EUR"}

	capture, err := c.CompositeCapture(ctx, request(&v1.CompositePaymentServiceCompositeCaptureRequest{Capture: &v1.PaymentServiceCaptureRequest{
		ConnectorTransactionId: "pay_1", AmountToCapture: eur, MerchantCaptureId: "cap_1"}}))
	require.NoError(t, err)
	assert.Equal(t, v1.PaymentStatus_PAYMENT_STATUS_CHARGED, capture.Msg.GetCapture().GetStatus())
	assert.Equal(t, "tok_b", capture.Msg.GetAccessToken().GetToken(), "the token obtained is reported")
	assert.Equal(t, now.Unix()+3600, capture.Msg.GetAccessToken().GetExpiresAtUnix())
	assert.Equal(t, []string{"/token Basic " + apiKey, "/capture Bearer tok_b"}, p.take())

	valid := &v1.ConnectorState{AccessToken: &v1.AccessToken{Token: "tok_cached", ExpiresAtUnix: now.Unix() + 600}}
	void, err := c.CompositeVoid(ctx, request(&v1.CompositePaymentServiceCompositeVoidRequest{Void: &v1.PaymentServiceVoidRequest{
		ConnectorTransactionId: "pay_1", MerchantVoidId: "void_1", State: valid}}))
	require.NoError(t, err)
	assert.Equal(t, v1.PaymentStatus_PAYMENT_STATUS_VOIDED, void.Msg.GetVoid().GetStatus())
	assert.Nil(t, void.Msg.GetAccessToken(), "no token was fetched")
	assert.Equal(t, []string{"/void Bearer tok_cached"}, p.take())

	expired := &v1.ConnectorState{AccessToken: &v1.AccessToken{Token: "tok_old", ExpiresAtUnix: now.Unix() - 1}}
	refund, err := c.CompositeRefund(ctx, request(&v1.CompositePaymentServiceCompositeRefundRequest{Refund: &v1.PaymentServiceRefundRequest{
		ConnectorTransactionId: "pay_1", MerchantRefundId: "ref_1", RefundAmount: eur, State: expired}}))
	require.NoError(t, err)
	assert.Equal(t, v1.RefundStatus_REFUND_STATUS_SUCCEEDED, refund.Msg.GetRefund().GetStatus())
	assert.Equal(t, "tok_c", refund.Msg.GetAccessToken().GetToken())
	assert.Equal(t, []string{"/token Basic " + apiKey, "/refund Bearer tok_c"}, p.take())

	// A missing inner request is the caller's error, named.
	_, err = c.CompositeRefund(ctx, request(&v1.CompositePaymentServiceCompositeRefundRequest{}))
	assert.Equal(t, connect.CodeInvalidArgument, connect.CodeOf(err))
	assert.Contains(t, err.Error(), "refund")
}
