package pdk

import (
	"testing"

	"github.com/connectorhost/connector-host/abi"
	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
)

// Every flow of the ABI has a registration function, and each one decodes its
// own flow's request and answers with its own flow's response.
func TestEveryABIFlowCanBeRegistered(t *testing.T) {
	c := &Connector{Flows: everyFlow(func(c *Context) (*pluginv1.HttpRequest, error) {
		return NewRequest("GET", c.URL("/"+c.Flow.String())).Build(), nil
	})}
	d := NewDispatcher(c)
	if got, want := len(c.Manifest.GetFlows()), len(abi.Flows()); got != want {
		t.Fatalf("manifest lists %d flows, the ABI has %d", got, want)
	}
	for i, info := range abi.Flows() {
		if c.Manifest.GetFlows()[i] != info.Flow {
			t.Fatalf("manifest flow %d = %v, want %v", i, c.Manifest.GetFlows()[i], info.Flow)
		}
		req, _ := info.NewRequest().MarshalVT()
		in, _ := (&pluginv1.BuildRequestInput{Flow: info.Flow, Request: req, Context: &pluginv1.CallContext{BaseUrl: "https://x.test"}}).MarshalVT()
		out := &pluginv1.BuildRequestOutput{}
		if err := out.UnmarshalVT(d.BuildRequest(in)); err != nil {
			t.Fatal(err)
		}
		if got := out.GetHttpRequest().GetUrl(); got != "https://x.test/"+info.Flow.String() {
			t.Fatalf("%v: built %q (error %v)", info.Flow, got, out.GetError())
		}
		pin, _ := (&pluginv1.ParseResponseInput{Flow: info.Flow, Request: req, HttpResponse: &pluginv1.HttpResponse{Status: 200}}).MarshalVT()
		pout := &pluginv1.ParseResponseOutput{}
		if err := pout.UnmarshalVT(d.ParseResponse(pin)); err != nil {
			t.Fatal(err)
		}
		if pout.GetError() != nil {
			t.Fatalf("%v: parse error %v", info.Flow, pout.GetError())
		}
		if err := info.NewResponse().UnmarshalVT(pout.GetResponse()); err != nil {
			t.Fatalf("%v: response does not decode as %s: %v", info.Flow, info.Response, err)
		}
	}
}

// A flow registered twice is a programming error caught at start-up.
func TestRegisteringAFlowTwicePanics(t *testing.T) {
	h := H(func(*Context, *v1.PaymentServiceGetRequest) (*pluginv1.HttpRequest, error) { return nil, nil },
		func(*Context, *v1.PaymentServiceGetRequest, *Response) (*v1.PaymentServiceGetResponse, error) {
			return nil, nil
		})
	defer func() {
		if recover() == nil {
			t.Fatal("no panic")
		}
	}()
	NewDispatcher(&Connector{Flows: []Flow{Get(h), Get(h)}})
}
