package pdk_test

import (
	"strings"
	"testing"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk"
	"github.com/connectorhost/connector-host/pdk/pdktest"
)

// TestErrorsAreRedactedInEveryLayer: a processor that quotes the API key in
// its error body must not get it back to the caller through any layer of
// the typed error (the connector layer is what plugins copy from the body).
func TestErrorsAreRedactedInEveryLayer(t *testing.T) {
	const key = "sk_live_0123456789abcdef"
	c := &pdk.Connector{
		Manifest: &v1.Manifest{Name: "acme", CredentialFields: []*v1.CredentialField{{Name: "api_key", Secret: true}}},
		Flows: []pdk.Flow{pdk.Authorize(pdk.H(
			func(c *pdk.Context, r *v1.PaymentServiceAuthorizeRequest) (*pluginv1.HttpRequest, error) {
				return pdk.NewRequest("POST", c.URL("/pay")).Build(), nil
			},
			func(c *pdk.Context, r *v1.PaymentServiceAuthorizeRequest, res *pdk.Response) (*v1.PaymentServiceAuthorizeResponse, error) {
				msg := "invalid key " + key
				return nil, &pdk.Error{Kind: pluginv1.ErrorKind_ERROR_KIND_CREDENTIALS, Message: msg, Detail: &v1.PaymentError{Message: msg,
					Connector: &v1.ConnectorError{Message: msg, Code: key, RequestId: key}, Issuer: &v1.IssuerError{Message: msg}}}
			})),
		},
	}
	req, _ := (&v1.PaymentServiceAuthorizeRequest{}).MarshalVT()
	out, err := pdktest.New(c).ParseResponse(&pluginv1.ParseResponseInput{Flow: v1.Flow_FLOW_AUTHORIZE, Request: req,
		Context:      (&pdktest.Call{Credentials: map[string]string{"api_key": key}}).Context(),
		HttpResponse: &pluginv1.HttpResponse{Status: 401}})
	if err != nil {
		t.Fatal(err)
	}
	if e := out.GetError(); e.GetKind() != pluginv1.ErrorKind_ERROR_KIND_CREDENTIALS || strings.Contains(e.String(), key) ||
		!strings.HasPrefix(e.GetDetail().GetConnector().GetMessage(), "invalid key ****") {
		t.Fatalf("error = %v", e)
	}
}
