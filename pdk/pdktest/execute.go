package pdktest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"

	"github.com/connectorhost/connector-host/abi"
	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk"
)

// Exchange is one HTTP round trip Execute made.
type Exchange struct {
	Request  *pluginv1.HttpRequest
	Status   int
	Body     []byte
	Flow     v1.Flow
	Response pdk.Message
}

// Execution is the outcome of Execute: the final response or typed error, and every exchange made.
type Execution struct {
	Response  pdk.Message
	Error     *pluginv1.PluginError
	Exchanges []Exchange
}

// Execute runs flow end to end against a real HTTP server (a mock processor
// such as stripe-mock): build, send with client, parse, following next steps.
// It is a test helper with no limits or retries; the host's executor is the
// production path.
func Execute(ctx context.Context, t Transformer, client *http.Client, flow v1.Flow, req pdk.Message, cc *pluginv1.CallContext) (*Execution, error) {
	ex := &Execution{}
	state := &v1.ConnectorState{}
	resp, perr, err := execute(ctx, t, client, flow, req, cc, state, ex, 0)
	ex.Response, ex.Error = resp, perr
	return ex, err
}

func execute(ctx context.Context, t Transformer, client *http.Client, flow v1.Flow, req pdk.Message, cc *pluginv1.CallContext, state *v1.ConnectorState, ex *Execution, depth int) (pdk.Message, *pluginv1.PluginError, error) {
	if depth > abi.MaxNextSteps {
		return nil, nil, fmt.Errorf("more than %d next steps", abi.MaxNextSteps)
	}
	info, err := abi.Lookup(flow)
	if err != nil {
		return nil, nil, err
	}
	reqBytes, err := req.MarshalVT()
	if err != nil {
		return nil, nil, err
	}
	for attempt := 0; attempt <= abi.MaxNextSteps; attempt++ {
		bo, err := t.BuildRequest(&pluginv1.BuildRequestInput{Flow: flow, Request: reqBytes, Context: cc, State: state})
		if err != nil {
			return nil, nil, err
		}
		var hr *pluginv1.HttpRequest
		switch r := bo.GetResult().(type) {
		case *pluginv1.BuildRequestOutput_Error:
			return nil, r.Error, nil
		case *pluginv1.BuildRequestOutput_NextStep:
			if err := runStep(ctx, t, client, r.NextStep, cc, state, ex, depth); err != nil {
				return nil, nil, err
			}
			continue
		case *pluginv1.BuildRequestOutput_HttpRequest:
			hr = r.HttpRequest
		default:
			return nil, nil, fmt.Errorf("build_request returned no result")
		}
		hreq, err := http.NewRequestWithContext(ctx, hr.GetMethod(), hr.GetUrl(), bytes.NewReader(hr.GetBody()))
		if err != nil {
			return nil, nil, fmt.Errorf("plugin built an invalid request: %w", err)
		}
		for _, h := range hr.GetHeaders() {
			hreq.Header.Add(h.GetName(), h.GetValue())
		}
		hres, err := client.Do(hreq)
		if err != nil {
			return nil, nil, err
		}
		body, err := io.ReadAll(hres.Body)
		hres.Body.Close()
		if err != nil {
			return nil, nil, err
		}
		var headers []*v1.HttpHeader
		for k, vs := range hres.Header {
			for _, v := range vs {
				headers = append(headers, &v1.HttpHeader{Name: k, Value: v})
			}
		}
		exch := Exchange{Request: hr, Status: hres.StatusCode, Body: body, Flow: flow}
		po, err := t.ParseResponse(&pluginv1.ParseResponseInput{
			Flow: flow, Request: reqBytes, Context: cc, State: state, HttpRequest: hr,
			HttpResponse: &pluginv1.HttpResponse{Status: int32(hres.StatusCode), Headers: headers, Body: body},
		})
		if err != nil {
			return nil, nil, err
		}
		switch r := po.GetResult().(type) {
		case *pluginv1.ParseResponseOutput_Error:
			ex.Exchanges = append(ex.Exchanges, exch)
			return nil, r.Error, nil
		case *pluginv1.ParseResponseOutput_NextStep:
			ex.Exchanges = append(ex.Exchanges, exch)
			if err := runStep(ctx, t, client, r.NextStep, cc, state, ex, depth); err != nil {
				return nil, nil, err
			}
			continue
		case *pluginv1.ParseResponseOutput_Response:
			msg := info.NewResponse()
			if err := msg.UnmarshalVT(r.Response); err != nil {
				return nil, nil, err
			}
			echoHTTPStatus(msg, hres.StatusCode)
			exch.Response = msg
			ex.Exchanges = append(ex.Exchanges, exch)
			return msg, nil, nil
		default:
			return nil, nil, fmt.Errorf("parse_response returned no result")
		}
	}
	return nil, nil, fmt.Errorf("flow %v kept asking for next steps", flow)
}

// runStep runs a next step and merges the state its response carries.
func runStep(ctx context.Context, t Transformer, client *http.Client, step *pluginv1.NextStep, cc *pluginv1.CallContext, state *v1.ConnectorState, ex *Execution, depth int) error {
	info, err := abi.Lookup(step.GetFlow())
	if err != nil {
		return err
	}
	sub := info.NewRequest()
	if err := sub.UnmarshalVT(step.GetRequest()); err != nil {
		return err
	}
	resp, perr, err := execute(ctx, t, client, step.GetFlow(), sub, cc, state, ex, depth+1)
	if err != nil {
		return err
	}
	if perr != nil {
		return fmt.Errorf("next step %v failed: %s", step.GetFlow(), perr.GetMessage())
	}
	if s, ok := resp.(interface{ GetState() *v1.ConnectorState }); ok && s.GetState() != nil {
		mergeState(state, s.GetState())
	}
	if tok, ok := resp.(*v1.MerchantAuthenticationServiceCreateAccessTokenResponse); ok && tok.GetAccessToken() != nil {
		state.AccessToken = tok.GetAccessToken()
	}
	return nil
}

func mergeState(dst, src *v1.ConnectorState) {
	if src.GetAccessToken() != nil {
		dst.AccessToken = src.GetAccessToken()
	}
	if src.GetConnectorCustomerId() != "" {
		dst.ConnectorCustomerId = src.GetConnectorCustomerId()
	}
	for k, v := range src.GetValues() {
		if dst.Values == nil {
			dst.Values = map[string]string{}
		}
		dst.Values[k] = v
	}
}
