// Package pdktest holds what a plugin author's unit tests share with the
// fixture runner: Kit calls ONE transform of a *pdk.Connector natively,
// through the same encode/dispatch/decode path the WebAssembly exports use;
// Call and Result describe a flow invocation and what it produced. pdktest
// executes nothing itself: conformancetest.Run runs a Call through the
// host's production executor, and conformancetest.Fixtures runs a plugin's
// fixtures (the PDK never imports the host, so the runner lives under
// conformance/).
package pdktest

import (
	"time"

	"github.com/connectorhost/connector-host/abi"
	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk"
)

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

// Call is one flow invocation (conformancetest.Run runs it through the
// host's executor): the request, the context, and the processor's answer.
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

// Result is what running a Call observed.
type Result struct {
	// HTTP is the request build produced (nil when build failed or asked for a step).
	HTTP *pluginv1.HttpRequest
	// BuildError, ParseError are the typed errors, when any.
	BuildError *pluginv1.PluginError
	ParseError *pluginv1.PluginError
	// NextStep is set when build or parse asked for another flow first.
	NextStep *pluginv1.NextStep
	// Response is the decoded unified response (nil when the call failed).
	Response pdk.Message
	// Err is the error the host's caller gets when the call failed: a
	// Connect error from the executor (a plugin error mapped to its code,
	// an integrity mismatch, refused credentials, ...).
	Err error
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

// Context returns the CallContext a run of c gives the plugin.
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

// HeaderValue returns a header of an HttpRequest (case-insensitive), or "".
func HeaderValue(r *pluginv1.HttpRequest, name string) string {
	return pdk.Header(r.GetHeaders(), name)
}
