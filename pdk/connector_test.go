package pdk_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectorhost/connector-host/abi"
	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk"
	"github.com/connectorhost/connector-host/pdk/pdktest"
)

func connector() *pdk.Connector {
	return &pdk.Connector{
		Manifest: &v1.Manifest{Name: "acme", IdempotencyHeader: "Idempotency-Key"},
		Flows: []pdk.Flow{
			pdk.Authorize(fns[*v1.PaymentServiceAuthorizeRequest, *v1.PaymentServiceAuthorizeResponse]{
				Build: func(c *pdk.Context, r *v1.PaymentServiceAuthorizeRequest) (*pluginv1.HttpRequest, error) {
					if c.State.GetAccessToken().GetToken() == "" {
						return nil, pdk.NeedStep(v1.Flow_FLOW_CREATE_ACCESS_TOKEN, &v1.MerchantAuthenticationServiceCreateAccessTokenRequest{})
					}
					key, err := c.Credential("api_key")
					if err != nil {
						return nil, err
					}
					if r.GetAmount().GetCurrency() == "XXX" {
						return nil, pdk.InvalidRequest("amount.currency", "XXX is not accepted")
					}
					return pdk.NewRequest("POST", c.URL("/pay")).SecretHeader("Authorization", "Bearer "+key).
						IdempotencyKey("Idempotency-Key", r.GetMerchantTransactionId()).Build(), nil
				},
				Parse: func(c *pdk.Context, r *v1.PaymentServiceAuthorizeRequest, res *pdk.Response) (*v1.PaymentServiceAuthorizeResponse, error) {
					if res.Status >= 500 {
						return nil, pdk.Errorf(pluginv1.ErrorKind_ERROR_KIND_PROCESSOR_UNAVAILABLE, "processor answered %d", res.Status)
					}
					if res.Status == 418 {
						return nil, errors.New("plain error")
					}
					return &v1.PaymentServiceAuthorizeResponse{ConnectorTransactionId: res.Header("X-Id"), Status: v1.PaymentStatus_PAYMENT_STATUS_CHARGED}, nil
				},
			}.h()),
		},
		VerifyWebhook: func(c *pdk.Context, w *v1.WebhookRequest) (*pluginv1.VerifiedWebhook, error) {
			if pdk.Header(w.GetHeaders(), "Sig") != "good" {
				return nil, pdk.Reject(pluginv1.RejectionReason_REJECTION_REASON_SIGNATURE_MISMATCH, "bad signature")
			}
			return &pluginv1.VerifiedWebhook{Events: []*v1.Event{{EventId: "evt_1", Verified: true}}}, nil
		},
	}
}

// dispatch runs c's build_request then, when it built a request, its
// parse_response on the Kit: the PDK's dispatch of one flow, without the
// host (conformancetest.Run runs a Call through the host's executor).
func dispatch(kit *pdktest.Kit, c pdktest.Call) (*pdktest.Result, error) {
	info, err := abi.Lookup(c.Flow)
	if err != nil {
		return nil, err
	}
	reqB, err := c.Request.MarshalVT()
	if err != nil {
		return nil, err
	}
	cc := c.Context()
	bo, err := kit.BuildRequest(&pluginv1.BuildRequestInput{Flow: c.Flow, Request: reqB, Context: cc, State: c.State})
	if err != nil {
		return nil, err
	}
	res := &pdktest.Result{BuildError: bo.GetError(), NextStep: bo.GetNextStep(), HTTP: bo.GetHttpRequest()}
	if res.HTTP == nil {
		return res, nil
	}
	status := c.Status
	if status == 0 {
		status = 200
	}
	var headers []*v1.HttpHeader
	for k, v := range c.Headers {
		headers = append(headers, &v1.HttpHeader{Name: k, Value: v})
	}
	po, err := kit.ParseResponse(&pluginv1.ParseResponseInput{Flow: c.Flow, Request: reqB, Context: cc, State: c.State, HttpRequest: res.HTTP,
		HttpResponse: &pluginv1.HttpResponse{Status: int32(status), Headers: headers, Body: c.Body}})
	if err != nil {
		return nil, err
	}
	res.ParseError, res.NextStep = po.GetError(), po.GetNextStep()
	if b := po.GetResponse(); b != nil {
		res.Response = info.NewResponse()
		if err := res.Response.UnmarshalVT(b); err != nil {
			return nil, err
		}
	}
	return res, nil
}

func TestDispatchBuildParseStepsAndErrors(t *testing.T) {
	kit := pdktest.New(connector())
	req := &v1.PaymentServiceAuthorizeRequest{MerchantTransactionId: "o1", Amount: &v1.Money{MinorAmount: 5, Currency: "USD"}}

	res, err := dispatch(kit, pdktest.Call{Flow: v1.Flow_FLOW_AUTHORIZE, Request: req})
	require.NoError(t, err)
	require.NotNil(t, res.NextStep, "no token in state: the plugin asks for one first")
	assert.Equal(t, v1.Flow_FLOW_CREATE_ACCESS_TOKEN, res.NextStep.GetFlow())

	withToken := &v1.ConnectorState{AccessToken: &v1.AccessToken{Token: "tok"}}
	res, err = dispatch(kit, pdktest.Call{Flow: v1.Flow_FLOW_AUTHORIZE, Request: req, State: withToken})
	require.NoError(t, err)
	require.NotNil(t, res.BuildError)
	assert.Equal(t, pluginv1.ErrorKind_ERROR_KIND_CREDENTIALS, res.BuildError.GetKind())
	assert.Contains(t, res.BuildError.GetMessage(), `"api_key"`)

	creds := map[string]string{"api_key": "sk_1"}
	res, err = dispatch(kit, pdktest.Call{Flow: v1.Flow_FLOW_AUTHORIZE, Request: req, State: withToken, Credentials: creds,
		Headers: map[string]string{"X-Id": "pay_9"}, BaseURL: "https://acme.test/"})
	require.NoError(t, err)
	assert.Equal(t, "https://acme.test/pay", res.HTTP.GetUrl(), "the base URL's trailing slash is trimmed")
	assert.Equal(t, []string{"Authorization"}, res.HTTP.GetSecretHeaders())
	assert.True(t, res.HTTP.GetIdempotent())
	assert.Equal(t, "o1", pdktest.HeaderValue(res.HTTP, "idempotency-key"))
	assert.Equal(t, "pay_9", res.Response.(*v1.PaymentServiceAuthorizeResponse).GetConnectorTransactionId())

	res, err = dispatch(kit, pdktest.Call{Flow: v1.Flow_FLOW_AUTHORIZE, Request: req, State: withToken, Credentials: creds, Status: 503})
	require.NoError(t, err)
	assert.Equal(t, pluginv1.ErrorKind_ERROR_KIND_PROCESSOR_UNAVAILABLE, res.ParseError.GetKind())

	res, err = dispatch(kit, pdktest.Call{Flow: v1.Flow_FLOW_AUTHORIZE, Request: req, State: withToken, Credentials: creds, Status: 418})
	require.NoError(t, err)
	assert.Equal(t, pluginv1.ErrorKind_ERROR_KIND_INTERNAL, res.ParseError.GetKind(), "an untyped error is a plugin bug")

	bad := &v1.PaymentServiceAuthorizeRequest{MerchantTransactionId: "o2", Amount: &v1.Money{MinorAmount: 5, Currency: "XXX"}}
	res, err = dispatch(kit, pdktest.Call{Flow: v1.Flow_FLOW_AUTHORIZE, Request: bad, State: withToken, Credentials: creds})
	require.NoError(t, err)
	assert.Equal(t, pluginv1.ErrorKind_ERROR_KIND_INVALID_REQUEST, res.BuildError.GetKind())
	assert.Equal(t, "amount.currency: XXX is not accepted", res.BuildError.GetMessage())

	res, err = dispatch(kit, pdktest.Call{Flow: v1.Flow_FLOW_CAPTURE, Request: &v1.PaymentServiceCaptureRequest{}})
	require.NoError(t, err)
	assert.Equal(t, pluginv1.ErrorKind_ERROR_KIND_UNSUPPORTED, res.BuildError.GetKind())
}

func TestDispatchWebhook(t *testing.T) {
	kit := pdktest.New(connector())
	out, err := kit.VerifyWebhook(&pluginv1.VerifyWebhookInput{Webhook: &v1.WebhookRequest{Headers: []*v1.HttpHeader{{Name: "sig", Value: "good"}}}})
	require.NoError(t, err)
	assert.Equal(t, "evt_1", out.GetVerified().GetEvents()[0].GetEventId())

	out, err = kit.VerifyWebhook(&pluginv1.VerifyWebhookInput{Webhook: &v1.WebhookRequest{}})
	require.NoError(t, err)
	assert.Nil(t, out.GetVerified())
	assert.Equal(t, pluginv1.RejectionReason_REJECTION_REASON_SIGNATURE_MISMATCH, out.GetRejection().GetReason())

	m, err := kit.Manifest()
	require.NoError(t, err)
	assert.True(t, m.GetWebhooks().GetSupported(), "a verifier implies webhook support")
}

func TestDispatchRejectsUndecodableInput(t *testing.T) {
	d := pdk.NewDispatcher(connector())
	out := &pluginv1.BuildRequestOutput{}
	require.NoError(t, out.UnmarshalVT(d.BuildRequest([]byte{0xff, 0xff})))
	assert.Equal(t, pluginv1.ErrorKind_ERROR_KIND_INTERNAL, out.GetError().GetKind())
}

// The same response with map entries must encode to the same bytes every time.
func TestResponsesWithMapsEncodeDeterministically(t *testing.T) {
	c := &pdk.Connector{Flows: []pdk.Flow{pdk.Get(fns[*v1.PaymentServiceGetRequest, *v1.PaymentServiceGetResponse]{
		Build: func(c *pdk.Context, r *v1.PaymentServiceGetRequest) (*pluginv1.HttpRequest, error) {
			return pdk.NewRequest("GET", c.URL("/p")).Idempotent().Build(), nil
		},
		Parse: func(c *pdk.Context, r *v1.PaymentServiceGetRequest, res *pdk.Response) (*v1.PaymentServiceGetResponse, error) {
			vals := map[string]string{}
			fields := map[string]string{}
			for i := 0; i < 20; i++ {
				vals[string(rune('a'+i))] = "v"
				fields[string(rune('A'+i))] = "f"
			}
			return &v1.PaymentServiceGetResponse{State: &v1.ConnectorState{Values: vals},
				NextAction: &v1.NextAction{Action: &v1.NextAction_Redirect{Redirect: &v1.Redirect{FormFields: fields}}}}, nil
		},
	}.h())}}
	kit := pdktest.New(c)
	in := &pluginv1.ParseResponseInput{Flow: v1.Flow_FLOW_GET, HttpResponse: &pluginv1.HttpResponse{Status: 200}}
	first, err := kit.ParseResponse(in)
	require.NoError(t, err)
	for i := 0; i < 20; i++ {
		again, err := kit.ParseResponse(in)
		require.NoError(t, err)
		require.Equal(t, first.GetResponse(), again.GetResponse())
	}
	res, err := dispatch(kit, pdktest.Call{Flow: v1.Flow_FLOW_GET, Request: &v1.PaymentServiceGetRequest{}})
	require.NoError(t, err)
	assert.True(t, res.HTTP.GetIdempotent())
	assert.Empty(t, res.HTTP.GetHeaders(), "Idempotent adds no header")
}

// fns spells a handler's two functions out as a literal in these tests.
type fns[Req, Resp pdk.Message] struct {
	Build func(c *pdk.Context, req Req) (*pluginv1.HttpRequest, error)
	Parse func(c *pdk.Context, req Req, res *pdk.Response) (Resp, error)
}

func (f fns[Req, Resp]) h() pdk.Handler[Req, Resp] { return pdk.H(f.Build, f.Parse) }
