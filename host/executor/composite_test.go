package executor_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/host/credentials"
	"github.com/connectorhost/connector-host/host/egress"
	"github.com/connectorhost/connector-host/host/executor"
	"github.com/connectorhost/connector-host/host/registry"
)

// versioned is a hand-written plugin (no PDK: the host never imports it)
// that needs an access token and stamps its version on every request it
// builds, so a test sees which version served each step.
type versioned struct {
	version string
	m       *v1.Manifest
	mu      sync.Mutex
	nows    []int64 // the clock each build was told
}

func newVersioned(version string) *versioned {
	return &versioned{version: version, m: &v1.Manifest{
		Name: "vers", Version: version, SandboxBaseUrl: "https://proc.test", EgressHosts: []string{"proc.test"},
		RequiresAccessToken: true, IdempotencyHeader: "Idempotency-Key",
		Flows:            []v1.Flow{v1.Flow_FLOW_CREATE_ACCESS_TOKEN, v1.Flow_FLOW_CAPTURE},
		CredentialFields: []*v1.CredentialField{{Name: "api_key", Required: true, Secret: true}},
	}}
}

func (p *versioned) Manifest() *v1.Manifest { return p.m }
func (p *versioned) SHA256() string         { return "sha-" + p.version }

func (p *versioned) BuildRequest(_ context.Context, in *pluginv1.BuildRequestInput) (*pluginv1.BuildRequestOutput, error) {
	p.mu.Lock()
	p.nows = append(p.nows, in.GetContext().GetNowUnixMs())
	p.mu.Unlock()
	hdr := []*v1.HttpHeader{{Name: "X-Version", Value: p.version}, {Name: "X-Token", Value: in.GetState().GetAccessToken().GetToken()}}
	path := "/token"
	if in.GetFlow() == v1.Flow_FLOW_CAPTURE {
		path = "/capture"
		hdr = append(hdr, &v1.HttpHeader{Name: "Idempotency-Key", Value: "cap"})
	}
	return &pluginv1.BuildRequestOutput{Result: &pluginv1.BuildRequestOutput_HttpRequest{HttpRequest: &pluginv1.HttpRequest{
		Method: "POST", Url: in.GetContext().GetBaseUrl() + path, Headers: hdr}}}, nil
}

func (p *versioned) ParseResponse(_ context.Context, in *pluginv1.ParseResponseInput) (*pluginv1.ParseResponseOutput, error) {
	var resp interface{ MarshalVT() ([]byte, error) }
	switch in.GetFlow() {
	case v1.Flow_FLOW_CREATE_ACCESS_TOKEN:
		resp = &v1.MerchantAuthenticationServiceCreateAccessTokenResponse{AccessToken: &v1.AccessToken{
			Token: "tok_" + p.version, ExpiresAtUnix: in.GetContext().GetNowUnixMs()/1000 + 3600}}
	case v1.Flow_FLOW_CAPTURE:
		// The ids and the HTTP status are left to the host.
		resp = &v1.PaymentServiceCaptureResponse{Status: v1.PaymentStatus_PAYMENT_STATUS_CHARGED}
	default:
		return nil, fmt.Errorf("unexpected flow %v", in.GetFlow())
	}
	b, err := resp.MarshalVT()
	return &pluginv1.ParseResponseOutput{Result: &pluginv1.ParseResponseOutput_Response{Response: b}}, err
}

func (p *versioned) VerifyWebhook(context.Context, *pluginv1.VerifyWebhookInput) (*pluginv1.VerifyWebhookOutput, error) {
	return nil, fmt.Errorf("no webhooks")
}

// hotLoading serves v1 to the first Acquire and v2 (a hot-loaded version)
// to every later one.
type hotLoading struct {
	mu       sync.Mutex
	versions []*versioned
	acquired int
}

func (h *hotLoading) Acquire(_ context.Context, name string) (executor.Plugin, func(), error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if name != "vers" {
		return nil, nil, registry.ErrNotFound
	}
	p := h.versions[min(h.acquired, len(h.versions)-1)]
	h.acquired++
	return p, func() {}, nil
}

// recorder answers every processor request and records its headers.
type recorder struct {
	mu   sync.Mutex
	seen []string // "path version token"
}

func (r *recorder) Do(_ context.Context, req egress.Request) (*pluginv1.HttpResponse, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var version, token string
	for _, h := range req.HTTP.GetHeaders() {
		switch h.GetName() {
		case "X-Version":
			version = h.GetValue()
		case "X-Token":
			token = h.GetValue()
		}
	}
	r.seen = append(r.seen, req.HTTP.GetUrl()+" "+version+" "+token)
	return &pluginv1.HttpResponse{Status: 201, Body: []byte(`{}`)}, nil
}

var versCall = executor.Call{Connector: "vers", Source: credentials.Source{AuthJSON: `{"api_key":"k_abcdefgh123"}`}, RequestID: "req_c"}

// clock is the injected clock: far from the machine's, so a composite call
// that read time.Now() would judge token expiry differently.
var clock = time.Date(2031, 5, 6, 7, 8, 9, 0, time.UTC)

func TestCompositeRunsOnOnePluginVersionAndTheExecutorsClock(t *testing.T) {
	plugins := &hotLoading{versions: []*versioned{newVersioned("v1"), newVersioned("v2")}}
	rec := &recorder{}
	x := executor.New(executor.Options{Plugins: plugins, Sender: rec, Now: func() time.Time { return clock }})

	out, err := x.CompositeCapture(context.Background(), versCall, &v1.CompositePaymentServiceCompositeCaptureRequest{
		Capture: &v1.PaymentServiceCaptureRequest{ConnectorTransactionId: "pay_1", MerchantCaptureId: "cap_1"}})
	require.NoError(t, err)
	assert.Equal(t, []string{"https://proc.test/token v1 ", "https://proc.test/capture v1 tok_v1"}, rec.seen,
		"the token step and the capture ran on the version the call started on, although v2 was loaded meanwhile")
	assert.Equal(t, 1, plugins.acquired, "a composite call acquires its plugin once")
	assert.Equal(t, "tok_v1", out.GetAccessToken().GetToken())
	assert.Equal(t, clock.Unix()+3600, out.GetAccessToken().GetExpiresAtUnix(), "the plugin was told the executor's clock")
	assert.Equal(t, []int64{clock.UnixMilli(), clock.UnixMilli()}, plugins.versions[0].nows)
	assert.Equal(t, "tok_v1", out.GetCapture().GetState().GetAccessToken().GetToken(), "the token comes back in the state too")

	// The host fills what the plugin left out: the processor's status and
	// the ids the request named.
	assert.Equal(t, int32(201), out.GetCapture().GetConnectorHttpStatus())
	assert.Equal(t, "pay_1", out.GetCapture().GetConnectorTransactionId())
	assert.Equal(t, "cap_1", out.GetCapture().GetMerchantCaptureId())
}

func TestCompositeJudgesTokenExpiryByTheExecutorsClock(t *testing.T) {
	for name, tc := range map[string]struct {
		expires int64
		fetch   bool
	}{
		"valid an hour more on the executor's clock (long expired on the machine's)": {clock.Unix() + 3600, false},
		"expiring within 30s on the executor's clock":                                {clock.Unix() + 10, true},
	} {
		t.Run(name, func(t *testing.T) {
			plugins := &hotLoading{versions: []*versioned{newVersioned("v1")}}
			rec := &recorder{}
			x := executor.New(executor.Options{Plugins: plugins, Sender: rec, Now: func() time.Time { return clock }})
			_, err := x.CompositeCapture(context.Background(), versCall, &v1.CompositePaymentServiceCompositeCaptureRequest{
				Capture: &v1.PaymentServiceCaptureRequest{ConnectorTransactionId: "pay_1", MerchantCaptureId: "cap_1",
					State: &v1.ConnectorState{AccessToken: &v1.AccessToken{Token: "tok_old", ExpiresAtUnix: tc.expires}}}})
			require.NoError(t, err)
			if tc.fetch {
				assert.Equal(t, []string{"https://proc.test/token v1 tok_old", "https://proc.test/capture v1 tok_v1"}, rec.seen)
			} else {
				assert.Equal(t, []string{"https://proc.test/capture v1 tok_old"}, rec.seen)
			}
		})
	}
}

func TestCompositeRequiresItsFlowsRequest(t *testing.T) {
	x := executor.New(executor.Options{Plugins: &hotLoading{versions: []*versioned{newVersioned("v1")}}, Sender: &recorder{}})
	_, err := x.CompositeCapture(context.Background(), versCall, &v1.CompositePaymentServiceCompositeCaptureRequest{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "capture: required")
}
