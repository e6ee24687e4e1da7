package conformance_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"connectrpc.com/connect"

	"github.com/connectorhost/connector-host/conformance/conformancetest"
	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk"
	"github.com/connectorhost/connector-host/pdk/pdktest"
)

// probe is a native connector that reports what the executor gave it: its
// Get needs an access token (a next step) and records, in its state, the
// Authorization header parse saw on the request it built.
func probe() *pdk.Connector {
	return &pdk.Connector{
		Manifest: &v1.Manifest{Name: "probe", Version: "1.0.0", SandboxBaseUrl: "https://probe.test", EgressHosts: []string{"probe.test"},
			IdempotencyHeader: "Idempotency-Key",
			CredentialFields:  []*v1.CredentialField{{Name: "api_key", Required: true, Secret: true}}},
		Flows: []pdk.Flow{
			pdk.CreateAccessToken(pdk.H(
				func(c *pdk.Context, _ *v1.MerchantAuthenticationServiceCreateAccessTokenRequest) (*pluginv1.HttpRequest, error) {
					return pdk.NewRequest("POST", c.URL("/token")).Build(), nil
				},
				func(_ *pdk.Context, _ *v1.MerchantAuthenticationServiceCreateAccessTokenRequest, _ *pdk.Response) (*v1.MerchantAuthenticationServiceCreateAccessTokenResponse, error) {
					return &v1.MerchantAuthenticationServiceCreateAccessTokenResponse{AccessToken: &v1.AccessToken{Token: "tok_new"}}, nil
				})),
			pdk.Get(pdk.H(
				func(c *pdk.Context, _ *v1.PaymentServiceGetRequest) (*pluginv1.HttpRequest, error) {
					tok := c.State.GetAccessToken().GetToken()
					if tok == "" {
						return nil, pdk.NeedStep(v1.Flow_FLOW_CREATE_ACCESS_TOKEN, &v1.MerchantAuthenticationServiceCreateAccessTokenRequest{})
					}
					key, err := c.Credential("api_key")
					if err != nil {
						return nil, err
					}
					return pdk.NewRequest("GET", c.URL("/p")).SecretHeader("Authorization", key+" "+tok).Idempotent().Build(), nil
				},
				func(_ *pdk.Context, _ *v1.PaymentServiceGetRequest, res *pdk.Response) (*v1.PaymentServiceGetResponse, error) {
					if res.Status >= 500 {
						return nil, pdk.Errorf(pluginv1.ErrorKind_ERROR_KIND_PROCESSOR_UNAVAILABLE, "processor answered %d", res.Status)
					}
					return &v1.PaymentServiceGetResponse{Status: v1.PaymentStatus_PAYMENT_STATUS_CHARGED,
						State: &v1.ConnectorState{Values: map[string]string{"auth_seen": pdk.Header(res.Request.GetHeaders(), "Authorization")}}}, nil
				})),
		},
	}
}

var probeCreds = map[string]string{"api_key": "key_abcdefgh12345"}

// A native connector runs through the production executor path: state
// seeding, secret headers stripped before parse, the fields the host
// fills, next steps, error mapping.
func TestRunCallIsTheExecutorPath(t *testing.T) {
	get := &v1.PaymentServiceGetRequest{ConnectorTransactionId: "pay_7"}
	withToken := &v1.ConnectorState{AccessToken: &v1.AccessToken{Token: "tok_caller"}}

	res, err := conformancetest.Run(probe(), pdktest.Call{Flow: v1.Flow_FLOW_GET, Request: get, Credentials: probeCreds, State: withToken})
	if err != nil || res.Err != nil {
		t.Fatalf("run: %v %v", err, res.Err)
	}
	if got := pdktest.HeaderValue(res.HTTP, "Authorization"); got != "key_abcdefgh12345 tok_caller" {
		t.Errorf("the caller's state did not seed the call: Authorization %q", got)
	}
	out := res.Response.(*v1.PaymentServiceGetResponse)
	if got := out.GetState().GetValues()["auth_seen"]; got != "[redacted]" {
		t.Errorf("parse saw the secret header as %q, want it stripped", got)
	}
	if out.GetConnectorHttpStatus() != 200 || out.GetConnectorTransactionId() != "pay_7" {
		t.Errorf("the host did not fill the status and the request's id: %v", out)
	}
	if out.GetState().GetAccessToken().GetToken() != "tok_caller" {
		t.Errorf("the state does not travel back: %v", out.GetState())
	}

	res, err = conformancetest.Run(probe(), pdktest.Call{Flow: v1.Flow_FLOW_GET, Request: get, Credentials: probeCreds})
	if err != nil || res.NextStep.GetFlow() != v1.Flow_FLOW_CREATE_ACCESS_TOKEN || res.HTTP != nil {
		t.Errorf("without a token the call must stop at the token step: %v %+v", err, res)
	}

	res, err = conformancetest.Run(probe(), pdktest.Call{Flow: v1.Flow_FLOW_GET, Request: get, Credentials: probeCreds, State: withToken, Status: 503})
	if err != nil || res.ParseError.GetKind() != pluginv1.ErrorKind_ERROR_KIND_PROCESSOR_UNAVAILABLE || connect.CodeOf(res.Err) != connect.CodeUnavailable {
		t.Errorf("a 503 must be PROCESSOR_UNAVAILABLE, Unavailable to the caller: %v %v", res.ParseError, res.Err)
	}

	res, err = conformancetest.Run(probe(), pdktest.Call{Flow: v1.Flow_FLOW_GET, Request: get, State: withToken})
	if err != nil || res.BuildError.GetKind() != pluginv1.ErrorKind_ERROR_KIND_CREDENTIALS || connect.CodeOf(res.Err) != connect.CodeUnauthenticated {
		t.Errorf("missing credentials: the host refuses first: %v %v", res.BuildError, res.Err)
	}
}

func TestExecuteHTTPFollowsNextSteps(t *testing.T) {
	var paths []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		paths = append(paths, r.Method+" "+r.URL.Path)
		_, _ = w.Write([]byte(`{}`))
	}))
	t.Cleanup(srv.Close)
	p, err := conformancetest.Native(probe())
	if err != nil {
		t.Fatal(err)
	}
	cc := (&pdktest.Call{Credentials: probeCreds, BaseURL: srv.URL}).Context()
	ex, err := p.Execute(context.Background(), srv.Client(), v1.Flow_FLOW_GET, &v1.PaymentServiceGetRequest{ConnectorTransactionId: "pay_8"}, cc)
	if err != nil || ex.Err != nil {
		t.Fatalf("execute: %v %v", err, ex.Err)
	}
	if len(ex.Exchanges) != 2 || len(paths) != 2 || paths[0] != "POST /token" || paths[1] != "GET /p" {
		t.Fatalf("want the token step, then the get: %v", paths)
	}
	out := ex.Response.(*v1.PaymentServiceGetResponse)
	if out.GetState().GetAccessToken().GetToken() != "tok_new" || out.GetConnectorTransactionId() != "pay_8" {
		t.Errorf("response = %v", out)
	}
}
