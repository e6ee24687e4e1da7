package pdk

import (
	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
)

// Context is what a handler knows besides its request: credentials, operator
// config, the base URL, the host's clock and randomness, and connector state.
type Context struct {
	// Flow is the flow being run.
	Flow v1.Flow
	// Credentials are the fields of x-connector-auth or the named account.
	Credentials map[string]string
	// Config is the operator's non-secret settings for this connector.
	Config map[string]string
	// BaseURL is where requests go (sandbox, live or operator override), no trailing slash.
	BaseURL string
	// Environment is sandbox or live.
	Environment pluginv1.Environment
	// RequestID is the caller's request id, for correlation headers.
	RequestID string
	// State is the connector state the caller sent plus earlier steps' results. Never nil.
	State *v1.ConnectorState

	nowUnixMs int64
	random    []byte
	documents []*pluginv1.FetchedDocument
	// accountNumbers are the request's card and bank account numbers, redacted from the response.
	accountNumbers []string
}

// NewContext makes a Context from the ABI's CallContext; tests use it through pdktest.
func NewContext(flow v1.Flow, cc *pluginv1.CallContext, state *v1.ConnectorState) *Context {
	if cc == nil {
		cc = &pluginv1.CallContext{}
	}
	if state == nil {
		state = &v1.ConnectorState{}
	}
	base := cc.GetBaseUrl()
	for len(base) > 0 && base[len(base)-1] == '/' {
		base = base[:len(base)-1]
	}
	creds := cc.GetCredentials()
	if creds == nil {
		creds = map[string]string{}
	}
	return &Context{
		Flow:        flow,
		Credentials: creds,
		Config:      cc.GetConfig(),
		BaseURL:     base,
		Environment: cc.GetEnvironment(),
		RequestID:   cc.GetRequestId(),
		State:       state,
		nowUnixMs:   cc.GetNowUnixMs(),
		random:      cc.GetRandom(),
	}
}

// NowUnix is the host's current time for this call, in Unix seconds. (The
// PDK does not use package time: it adds about a quarter of a megabyte to a
// plugin. pdk/timestamp reads processors' timestamps.)
func (c *Context) NowUnix() int64 { return c.nowUnixMs / 1000 }

// NowUnixMilli is the host's current time for this call, in Unix milliseconds.
func (c *Context) NowUnixMilli() int64 { return c.nowUnixMs }

// Random is the host's random bytes for this call (32 bytes).
func (c *Context) Random() []byte { return c.random }

// Credential returns a credential field, or an error naming it when it is missing or empty.
func (c *Context) Credential(name string) (string, error) {
	v := c.Credentials[name]
	if v == "" {
		return "", MissingCredential(name)
	}
	return v, nil
}

// URL joins the base URL and a path that starts with "/".
func (c *Context) URL(path string) string { return c.BaseURL + path }
