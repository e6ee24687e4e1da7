package pdk

import (
	"strings"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
)

// Endpoint is what a Call (or any handler value) offers: the two halves
// of a flow.
type Endpoint[Req, Resp Message] interface {
	Build(c *Context, req Req) (*pluginv1.HttpRequest, error)
	Parse(c *Context, req Req, res *Response) (Resp, error)
}

// Choice is a flow the processor serves with two endpoints, chosen by the
// request: Then when If(req) holds, else Else (a zero-amount setup is a
// verification, one with an amount a first charge). Build and Parse see the
// same request, so they always agree on the endpoint.
type Choice[Req, Resp Message] struct {
	// If chooses Then by the request.
	If func(Req) bool
	// When, set instead of If, chooses Then by the call's context too: the
	// credentials or config (a balance account id selects another API).
	When       func(c *Context, req Req) bool
	Then, Else Endpoint[Req, Resp]
}

// ByCredential is a Choice.When that holds when the credential named name
// is set: not empty nor only spaces (a blank field in an operator's
// credential form is unset).
func ByCredential[Req any](name string) func(c *Context, req Req) bool {
	return func(c *Context, _ Req) bool { return strings.TrimSpace(c.Credentials[name]) != "" }
}

func (h *Choice[Req, Resp]) pick(c *Context, req Req) Endpoint[Req, Resp] {
	if h.When != nil {
		if h.When(c, req) {
			return h.Then
		}
		return h.Else
	}
	if h.If(req) {
		return h.Then
	}
	return h.Else
}

// Build builds the chosen endpoint's request (Handler).
func (h *Choice[Req, Resp]) Build(c *Context, req Req) (*pluginv1.HttpRequest, error) {
	return h.pick(c, req).Build(c, req)
}

// Parse reads the chosen endpoint's answer (Handler).
func (h *Choice[Req, Resp]) Parse(c *Context, req Req, res *Response) (Resp, error) {
	return h.pick(c, req).Parse(c, req, res)
}
