package pdk

import (
	"strings"
	"testing"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
)

func TestHInfersTheFlowTypes(t *testing.T) {
	build := func(c *Context, req *v1.PaymentServiceGetRequest) (*pluginv1.HttpRequest, error) {
		return NewRequest("GET", c.URL("/p/"+req.GetConnectorTransactionId())).Build(), nil
	}
	parse := func(_ *Context, req *v1.PaymentServiceGetRequest, _ *Response) (*v1.PaymentServiceGetResponse, error) {
		return &v1.PaymentServiceGetResponse{ConnectorTransactionId: req.GetConnectorTransactionId()}, nil
	}
	c := &Connector{Flows: []Flow{Get(H(build, parse))}}
	d := NewDispatcher(c)
	if got := c.Manifest.GetFlows(); len(got) != 1 || got[0] != v1.Flow_FLOW_GET {
		t.Fatalf("flows = %v", got)
	}
	req, _ := (&v1.PaymentServiceGetRequest{ConnectorTransactionId: "p1"}).MarshalVT()
	in, _ := (&pluginv1.BuildRequestInput{Flow: v1.Flow_FLOW_GET, Request: req, Context: &pluginv1.CallContext{BaseUrl: "https://x.test"}}).MarshalVT()
	out := &pluginv1.BuildRequestOutput{}
	if err := out.UnmarshalVT(d.BuildRequest(in)); err != nil {
		t.Fatal(err)
	}
	if out.GetHttpRequest().GetUrl() != "https://x.test/p/p1" {
		t.Fatalf("build = %v", out)
	}
}

// A StepRequired not made with NeedStep (which carries the request's
// encoder) is an internal error naming NeedStep, not a panic.
func TestStepRequiredWithoutNeedStepIsAnError(t *testing.T) {
	build := func(*Context, *v1.PaymentServiceGetRequest) (*pluginv1.HttpRequest, error) {
		return nil, &StepRequired{Flow: v1.Flow_FLOW_CREATE_ACCESS_TOKEN, Request: &v1.MerchantAuthenticationServiceCreateAccessTokenRequest{}}
	}
	d := NewDispatcher(&Connector{Flows: []Flow{Get(H(build, func(*Context, *v1.PaymentServiceGetRequest, *Response) (*v1.PaymentServiceGetResponse, error) {
		return &v1.PaymentServiceGetResponse{}, nil
	}))}})
	in, _ := (&pluginv1.BuildRequestInput{Flow: v1.Flow_FLOW_GET, Context: &pluginv1.CallContext{BaseUrl: "https://x.test"}}).MarshalVT()
	out := &pluginv1.BuildRequestOutput{}
	if err := out.UnmarshalVT(d.BuildRequest(in)); err != nil {
		t.Fatal(err)
	}
	if out.GetNextStep() != nil || out.GetError().GetKind() != pluginv1.ErrorKind_ERROR_KIND_INTERNAL || !strings.Contains(out.GetError().GetMessage(), "pdk.NeedStep") {
		t.Errorf("output = %v, want an internal error naming pdk.NeedStep", out)
	}
}

// A Parse that returns neither a response nor an error is a plugin bug, not
// a successful call with an empty response.
func TestParseWithoutResponseOrErrorIsAnError(t *testing.T) {
	build := func(c *Context, _ *v1.PaymentServiceGetRequest) (*pluginv1.HttpRequest, error) {
		return NewRequest("GET", c.URL("/p")).Build(), nil
	}
	parse := func(*Context, *v1.PaymentServiceGetRequest, *Response) (*v1.PaymentServiceGetResponse, error) {
		return nil, nil
	}
	d := NewDispatcher(&Connector{Flows: []Flow{Get(H(build, parse))}})
	in, _ := (&pluginv1.ParseResponseInput{Flow: v1.Flow_FLOW_GET, Context: &pluginv1.CallContext{BaseUrl: "https://x.test"},
		HttpResponse: &pluginv1.HttpResponse{Status: 200, Body: []byte(`{}`)}}).MarshalVT()
	out := &pluginv1.ParseResponseOutput{}
	if err := out.UnmarshalVT(d.ParseResponse(in)); err != nil {
		t.Fatal(err)
	}
	if out.GetError().GetKind() != pluginv1.ErrorKind_ERROR_KIND_INTERNAL || len(out.GetResponse()) != 0 {
		t.Errorf("output = %v, want an internal error", out)
	}
}
