package pdk

import pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"

// H makes a Handler from its two functions, with the request and response
// types inferred from them:
//
//	Authorize: pdk.H(buildAuthorize, parseAuthorize),
//
// instead of spelling out pdk.Handler[*v1.PaymentServiceAuthorizeRequest, ...]{...}.
// A pair whose types do not match the flow's field does not compile.
func H[Req, Resp Message](build func(c *Context, req Req) (*pluginv1.HttpRequest, error), parse func(c *Context, req Req, res *Response) (Resp, error)) Handler[Req, Resp] {
	return Handler[Req, Resp]{Build: build, Parse: parse}
}
