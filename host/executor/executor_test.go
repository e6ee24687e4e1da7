package executor_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/host/credentials"
	"github.com/connectorhost/connector-host/host/egress"
	"github.com/connectorhost/connector-host/host/executor"
	"github.com/connectorhost/connector-host/host/registry"
	"github.com/connectorhost/connector-host/host/sandbox"
	"github.com/connectorhost/connector-host/internal/wasmbuild"
)

const apiKey = "sk_test_SECRET_abcdefghij"

// processor is a fake processor for the tokenized test plugin.
type processor struct {
	mu       sync.Mutex
	paths    []string
	tokens   int
	expireN  int    // answer "token_expired" to the next N /pay calls
	amount   int64  // when set, the amount it reports
	currency string // when set, the currency it reports
	ref      string // when set, the reference it reports
	status   int    // when set, the status of /pay
}

func (p *processor) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.paths = append(p.paths, r.URL.Path)
	switch r.URL.Path {
	case "/token":
		if r.Header.Get("Authorization") != "Basic "+apiKey {
			w.WriteHeader(401)
			return
		}
		p.tokens++
		json.NewEncoder(w).Encode(map[string]any{"token": "tok_" + string(rune('a'+p.tokens)), "expires_in": 3600})
	case "/pay":
		if p.expireN > 0 {
			p.expireN--
			w.WriteHeader(401)
			io.WriteString(w, `{"error":"token_expired"}`)
			return
		}
		if p.status != 0 {
			w.WriteHeader(p.status)
			io.WriteString(w, `{"error":"bad request", "auth":"`+r.Header.Get("Authorization")+`", "echo":"`+apiKey+`"}`)
			return
		}
		var in struct {
			Amount   int64  `json:"amount"`
			Currency string `json:"currency"`
			Ref      string `json:"ref"`
		}
		json.NewDecoder(r.Body).Decode(&in)
		if p.amount != 0 {
			in.Amount = p.amount
		}
		if p.currency != "" {
			in.Currency = p.currency
		}
		if p.ref != "" {
			in.Ref = p.ref
		}
		json.NewEncoder(w).Encode(map[string]any{"id": "pay_1", "amount": in.Amount, "currency": in.Currency, "ref": in.Ref})
	}
}

func setup(t *testing.T) (*executor.Executor, *processor, *httptest.Server) {
	t.Helper()
	p := &processor{}
	srv := httptest.NewServer(p)
	t.Cleanup(srv.Close)
	x := executor.New(executor.Options{
		Registry: loadTokenized(t), Sender: egress.New(egress.Options{}), BaseURLs: map[string]string{"tokenized": srv.URL},
		Now: func() time.Time { return time.Unix(1_800_000_000, 0) },
	})
	return x, p, srv
}

// loadTokenized builds the tokenized test plugin and returns a registry serving it.
func loadTokenized(t *testing.T) *registry.Registry {
	t.Helper()
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
	return reg
}

var call = executor.Call{Connector: "tokenized", Source: credentials.Source{AuthJSON: `{"api_key":"` + apiKey + `"}`}, RequestID: "req_1"}

func authorize(id string) *v1.PaymentServiceAuthorizeRequest {
	return &v1.PaymentServiceAuthorizeRequest{MerchantTransactionId: id, Amount: &v1.Money{MinorAmount: 1000, Currency: "EUR"}}
}

func TestNextStepFetchesAccessTokenAndReturnsState(t *testing.T) {
	x, p, _ := setup(t)
	out, err := x.Run(context.Background(), call, v1.Flow_FLOW_AUTHORIZE, authorize("order_1"))
	require.NoError(t, err)
	res := out.(*v1.PaymentServiceAuthorizeResponse)
	assert.Equal(t, v1.PaymentStatus_PAYMENT_STATUS_CHARGED, res.GetStatus())
	assert.Equal(t, "tok_b", res.GetState().GetAccessToken().GetToken(), "the token travels back to the caller")
	assert.Equal(t, int64(1_800_000_000+3600), res.GetState().GetAccessToken().GetExpiresAtUnix(), "plugins get the host's clock")
	assert.NotEmpty(t, res.GetState().GetValues()["calls"], "the plugin's own state values are kept")
	assert.Equal(t, []string{"/token", "/pay"}, p.paths)

	// With the token sent back, no token call is made.
	req := authorize("order_2")
	req.State = res.GetState()
	_, err = x.Run(context.Background(), call, v1.Flow_FLOW_AUTHORIZE, req)
	require.NoError(t, err)
	assert.Equal(t, []string{"/token", "/pay", "/pay"}, p.paths)
}

func TestExpiredTokenIsRefreshedByAStep(t *testing.T) {
	x, p, _ := setup(t)
	p.expireN = 1
	req := authorize("order_3")
	req.State = &v1.ConnectorState{AccessToken: &v1.AccessToken{Token: "old"}}
	out, err := x.Run(context.Background(), call, v1.Flow_FLOW_AUTHORIZE, req)
	require.NoError(t, err)
	assert.Equal(t, []string{"/pay", "/token", "/pay"}, p.paths)
	assert.Equal(t, "tok_b", out.(*v1.PaymentServiceAuthorizeResponse).GetState().GetAccessToken().GetToken())
}

func TestIntegrityMismatchIsAnErrorNotASuccess(t *testing.T) {
	for name, mutate := range map[string]func(*processor){
		"amount above request": func(p *processor) { p.amount = 1001 },
		"other currency":       func(p *processor) { p.currency = "USD" },
		"other reference":      func(p *processor) { p.ref = "order_other" },
	} {
		t.Run(name, func(t *testing.T) {
			x, p, _ := setup(t)
			mutate(p)
			_, err := x.Run(context.Background(), call, v1.Flow_FLOW_AUTHORIZE, authorize("order_4"))
			var xe *executor.Error
			require.ErrorAs(t, err, &xe)
			assert.Equal(t, executor.KindInternal, xe.Kind)
			assert.Contains(t, xe.Message, "does not match the request")
			require.NotNil(t, xe.Detail)
			assert.Equal(t, v1.ErrorCode_ERROR_CODE_INTEGRITY_MISMATCH, xe.Detail.GetCode())
		})
	}
	x, p, _ := setup(t)
	p.amount = 600 // a partial authorization is fine
	_, err := x.Run(context.Background(), call, v1.Flow_FLOW_AUTHORIZE, authorize("order_5"))
	require.NoError(t, err)
}

func TestSecretsNeverLeave(t *testing.T) {
	x, p, _ := setup(t)
	// The plugin copies the API key into its response: the PDK masks it
	// before the response leaves the plugin (the host's own check, which
	// refuses such a response, is the net under plugins built without the PDK).
	resp, err := x.Run(context.Background(), call, v1.Flow_FLOW_AUTHORIZE, authorize("leak"))
	require.NoError(t, err)
	ref := resp.(*v1.PaymentServiceAuthorizeResponse).GetConnectorReferenceId()
	assert.Equal(t, strings.Repeat("*", len(apiKey)), ref)

	// A processor error that echoes the key and the bearer token is redacted.
	p.status = 400
	_, err = x.Run(context.Background(), call, v1.Flow_FLOW_AUTHORIZE, authorize("order_6"))
	require.Error(t, err)
	assert.Equal(t, executor.KindInvalidRequest, kindOf(err))
	assert.Contains(t, err.Error(), strings.Repeat("*", len(apiKey)), "the PDK masks the key the processor echoed")
	assert.NotContains(t, err.Error(), apiKey)
	var xe *executor.Error
	require.ErrorAs(t, err, &xe)
	require.NotNil(t, xe.Detail, "the caller gets the PaymentError")
	assert.NotContains(t, xe.Detail.GetMessage()+xe.Detail.GetConnector().GetMessage(), apiKey)
	if cause := errors.Unwrap(xe); cause != nil {
		assert.NotContains(t, cause.Error(), apiKey, "the cause is redacted too")
	}
}

func TestEgressFailuresAndRefusals(t *testing.T) {
	x, _, srv := setup(t)
	_, err := x.Run(context.Background(), call, v1.Flow_FLOW_AUTHORIZE, authorize("evil"))
	require.Error(t, err)
	assert.Equal(t, executor.KindInternal, kindOf(err))
	assert.Contains(t, err.Error(), "evil.test")
	assert.Contains(t, err.Error(), "refused")

	srv.Close()
	_, err = x.Run(context.Background(), call, v1.Flow_FLOW_AUTHORIZE, authorize("order_7"))
	require.Error(t, err)
	assert.Equal(t, executor.KindUnavailable, kindOf(err))
	assert.NotContains(t, err.Error(), apiKey)
}

func TestCredentialsAreChecked(t *testing.T) {
	x, _, _ := setup(t)
	bad := call
	bad.Source = credentials.Source{AuthJSON: `{}`}
	_, err := x.Run(context.Background(), bad, v1.Flow_FLOW_AUTHORIZE, authorize("order_8"))
	assert.ErrorIs(t, err, credentials.ErrMissing, "host/server answers Unauthenticated")
	assert.True(t, strings.Contains(err.Error(), `needs field "api_key"`), err.Error())

	_, err = x.Run(context.Background(), call, v1.Flow_FLOW_GET, &v1.PaymentServiceGetRequest{ConnectorTransactionId: "pay_1"})
	assert.Equal(t, executor.KindUnsupported, kindOf(err))
}

// kindOf is the kind of err, an *executor.Error (0 for any other error).
func kindOf(err error) executor.Kind {
	var xe *executor.Error
	if errors.As(err, &xe) {
		return xe.Kind
	}
	return 0
}

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
