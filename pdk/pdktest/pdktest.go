// Package pdktest lets a plugin author test handlers natively with go test,
// through the same encode/dispatch/decode path the WebAssembly exports use.
// Kit works on a *pdk.Connector; the host's runtime tests run the same cases
// against the built .wasm (see host/sandbox and conformance).
package pdktest

import (
	"fmt"
	"time"

	"github.com/connectorhost/connector-host/abi"
	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk"
)

// Transformer is what runs a plugin's transforms: Kit natively, or the host
// runtime on a .wasm (an adapter in conformance). Inputs and outputs are the
// ABI's messages.
type Transformer interface {
	Manifest() (*v1.Manifest, error)
	BuildRequest(in *pluginv1.BuildRequestInput) (*pluginv1.BuildRequestOutput, error)
	ParseResponse(in *pluginv1.ParseResponseInput) (*pluginv1.ParseResponseOutput, error)
	VerifyWebhook(in *pluginv1.VerifyWebhookInput) (*pluginv1.VerifyWebhookOutput, error)
}

// Kit runs a Connector natively.
type Kit struct{ d *pdk.Dispatcher }

// New prepares c and returns a Kit for it.
func New(c *pdk.Connector) *Kit { return &Kit{d: pdk.NewDispatcher(c)} }

// Manifest returns the connector's manifest as the host would read it.
func (k *Kit) Manifest() (*v1.Manifest, error) {
	m := &v1.Manifest{}
	return m, m.UnmarshalVT(k.d.Manifest())
}

// BuildRequest runs build_request.
func (k *Kit) BuildRequest(in *pluginv1.BuildRequestInput) (*pluginv1.BuildRequestOutput, error) {
	b, err := in.MarshalVT()
	if err != nil {
		return nil, err
	}
	out := &pluginv1.BuildRequestOutput{}
	return out, out.UnmarshalVT(k.d.BuildRequest(b))
}

// ParseResponse runs parse_response.
func (k *Kit) ParseResponse(in *pluginv1.ParseResponseInput) (*pluginv1.ParseResponseOutput, error) {
	b, err := in.MarshalVT()
	if err != nil {
		return nil, err
	}
	out := &pluginv1.ParseResponseOutput{}
	return out, out.UnmarshalVT(k.d.ParseResponse(b))
}

// VerifyWebhook runs verify_webhook.
func (k *Kit) VerifyWebhook(in *pluginv1.VerifyWebhookInput) (*pluginv1.VerifyWebhookOutput, error) {
	b, err := in.MarshalVT()
	if err != nil {
		return nil, err
	}
	out := &pluginv1.VerifyWebhookOutput{}
	return out, out.UnmarshalVT(k.d.VerifyWebhook(b))
}

// Call is one flow invocation for Run: the request, the context, and the
// processor answer to feed to parse.
type Call struct {
	Flow        v1.Flow
	Request     pdk.Message
	Credentials map[string]string
	Config      map[string]string
	BaseURL     string
	// Environment defaults to sandbox.
	Environment pluginv1.Environment
	Now         time.Time
	State       *v1.ConnectorState
	// Status, Headers and Body are the processor's answer.
	Status  int
	Headers map[string]string
	Body    []byte
	// Truncated marks the body as cut at the host's size limit.
	Truncated bool
}

// Result is what Run observed.
type Result struct {
	// HTTP is the request build produced (nil when build failed or asked for a step).
	HTTP *pluginv1.HttpRequest
	// BuildError, ParseError are the typed errors, when any.
	BuildError *pluginv1.PluginError
	ParseError *pluginv1.PluginError
	// NextStep is set when build or parse asked for another flow first.
	NextStep *pluginv1.NextStep
	// Response is the decoded unified response.
	Response pdk.Message
}

// GetBuildError returns the build error, nil-safe.
func (r *Result) GetBuildError() *pluginv1.PluginError {
	if r == nil {
		return nil
	}
	return r.BuildError
}

// GetParseError returns the parse error, nil-safe.
func (r *Result) GetParseError() *pluginv1.PluginError {
	if r == nil {
		return nil
	}
	return r.ParseError
}

// Context returns the CallContext Run sends for c.
func (c *Call) Context() *pluginv1.CallContext {
	now := c.Now
	if now.IsZero() {
		now = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	}
	base := c.BaseURL
	if base == "" {
		base = "https://processor.test"
	}
	random := make([]byte, abi.DefaultRandomBytes)
	for i := range random {
		random[i] = byte(i)
	}
	env := c.Environment
	if env == pluginv1.Environment_ENVIRONMENT_UNSPECIFIED {
		env = pluginv1.Environment_ENVIRONMENT_SANDBOX
	}
	return &pluginv1.CallContext{
		Credentials: c.Credentials, Config: c.Config, BaseUrl: base,
		Environment: env,
		NowUnixMs:   now.UnixMilli(), Random: random, RequestId: "req_test",
	}
}

// Run builds the request for c, then (if build succeeded) parses c's answer.
func Run(t Transformer, c Call) (*Result, error) {
	info, err := abi.Lookup(c.Flow)
	if err != nil {
		return nil, err
	}
	reqBytes, err := c.Request.MarshalVT()
	if err != nil {
		return nil, fmt.Errorf("marshal request: %w", err)
	}
	cc := c.Context()
	bo, err := t.BuildRequest(&pluginv1.BuildRequestInput{Flow: c.Flow, Request: reqBytes, Context: cc, State: c.State})
	if err != nil {
		return nil, fmt.Errorf("build_request: %w", err)
	}
	res := &Result{}
	switch r := bo.GetResult().(type) {
	case *pluginv1.BuildRequestOutput_Error:
		res.BuildError = r.Error
		return res, nil
	case *pluginv1.BuildRequestOutput_NextStep:
		res.NextStep = r.NextStep
		return res, nil
	case *pluginv1.BuildRequestOutput_HttpRequest:
		res.HTTP = r.HttpRequest
	default:
		return nil, fmt.Errorf("build_request returned no result")
	}
	headers := make([]*v1.HttpHeader, 0, len(c.Headers))
	for k, v := range c.Headers {
		headers = append(headers, &v1.HttpHeader{Name: k, Value: v})
	}
	status := c.Status
	if status == 0 {
		status = 200
	}
	po, err := t.ParseResponse(&pluginv1.ParseResponseInput{
		Flow: c.Flow, Request: reqBytes, Context: cc, State: c.State, HttpRequest: res.HTTP,
		HttpResponse: &pluginv1.HttpResponse{Status: int32(status), Headers: headers, Body: c.Body, Truncated: c.Truncated},
	})
	if err != nil {
		return nil, fmt.Errorf("parse_response: %w", err)
	}
	switch r := po.GetResult().(type) {
	case *pluginv1.ParseResponseOutput_Error:
		res.ParseError = r.Error
	case *pluginv1.ParseResponseOutput_NextStep:
		res.NextStep = r.NextStep
	case *pluginv1.ParseResponseOutput_Response:
		msg := info.NewResponse()
		if err := msg.UnmarshalVT(r.Response); err != nil {
			return nil, fmt.Errorf("decode %s response: %w", info.Name(), err)
		}
		res.Response = msg
	default:
		return nil, fmt.Errorf("parse_response returned no result")
	}
	return res, nil
}

// HeaderValue returns a header of an HttpRequest (case-insensitive), or "".
func HeaderValue(r *pluginv1.HttpRequest, name string) string {
	return pdk.Header(r.GetHeaders(), name)
}
