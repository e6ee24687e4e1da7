package pdk

import (
	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/internal/textf"
)

// Handler implements one flow. Build turns the unified request into the
// processor's HTTP request; Parse turns the processor's answer into the
// unified response. A processor decline is a response (status *_FAILED with
// error set), not a Go error; return an error for what the caller must fix
// (InvalidRequest, MissingCredential), for answers that cannot be understood
// (InvalidResponse) and for transport-level refusals (Errorf with a kind).
//
// Make one from two functions with H, or declare a mapping-only flow with
// Call; register it with the flow's function (pdk.Authorize, pdk.RefundGet,
// ...: one per flow, generated from the protos).
type Handler[Req, Resp Message] interface {
	Build(c *Context, req Req) (*pluginv1.HttpRequest, error)
	Parse(c *Context, req Req, res *Response) (Resp, error)
}

// H makes a Handler from its two functions, with the request and response
// types inferred from them:
//
//	pdk.Authorize(pdk.H(buildAuthorize, parseAuthorize)),
//
// A pair whose types do not match the flow does not compile.
func H[Req, Resp Message](build func(c *Context, req Req) (*pluginv1.HttpRequest, error), parse func(c *Context, req Req, res *Response) (Resp, error)) Handler[Req, Resp] {
	return funcs[Req, Resp]{build: build, parse: parse}
}

// funcs is the Handler H makes.
type funcs[Req, Resp Message] struct {
	build func(c *Context, req Req) (*pluginv1.HttpRequest, error)
	parse func(c *Context, req Req, res *Response) (Resp, error)
}

func (f funcs[Req, Resp]) Build(c *Context, req Req) (*pluginv1.HttpRequest, error) {
	return f.build(c, req)
}

func (f funcs[Req, Resp]) Parse(c *Context, req Req, res *Response) (Resp, error) {
	return f.parse(c, req, res)
}

// Flow is one registered flow: its handler with the types erased. Make it
// with the flow's registration function (pdk.Authorize(...)). Only the flows
// a plugin registers are linked into its module, with their messages' codecs.
//
// The erasure uses the flow's codec (flowCodec), never an interface: the Go
// linker keeps a method of every type converted to an interface once any
// interface call of that method's name exists, so a request converted to
// Message would keep its encoder and a response its decoder although a
// plugin only decodes requests and encodes responses.
type Flow struct {
	flow  v1.Flow
	build func(c *Context, req []byte) (*pluginv1.HttpRequest, error)
	parse func(c *Context, req []byte, res *Response) ([]byte, error)
}

// ID is the flow f runs.
func (f Flow) ID() v1.Flow { return f.flow }

// newFlow erases h's types; the generated registration functions call it
// with the flow's codec (flowCodec: the guest's field tables of its request
// and response, or protobuf-go in other builds) and the request's secrets
// (card and bank account numbers, nil when it carries none). A flow thus
// costs one small registration function: no closure or codec method per
// message type.
//
// newFlow is never inlined: its closures are then compiled once, for the
// shape every pair of message pointers shares, instead of once in every
// registration function (about 2.7 KB of wasm per flow a plugin registers).
//
//go:noinline
func newFlow[Req, Resp Message](flow v1.Flow, h Handler[Req, Resp], codec flowCodec, secrets func(Req) []string) Flow {
	decode := func(b []byte) (Req, error) {
		r, err := decodeRequest[Req](codec, b)
		if err != nil {
			return r, Errorf(pluginv1.ErrorKind_ERROR_KIND_INVALID_REQUEST, "decode request: %v", err)
		}
		return r, nil
	}
	encode := func(m Resp) ([]byte, error) { return encodeResponse(codec, m) }
	return Flow{
		flow: flow,
		build: func(c *Context, b []byte) (*pluginv1.HttpRequest, error) {
			req, err := decode(b)
			if err != nil {
				return nil, err
			}
			return h.Build(c, req)
		},
		parse: func(c *Context, b []byte, res *Response) ([]byte, error) {
			req, err := decode(b)
			if err != nil {
				return nil, err
			}
			if secrets != nil {
				c.noteCardSecrets(secrets(req))
			}
			out, err := h.Parse(c, req, res)
			if err != nil {
				return nil, err
			}
			var none Resp
			if any(out) == any(none) { // messages are pointers: comparable
				return nil, Errorf(pluginv1.ErrorKind_ERROR_KIND_INTERNAL, "the handler's Parse returned neither a response nor an error")
			}
			enc, err := encode(out)
			if err != nil {
				return nil, textf.Errorf("marshal response: %w", err)
			}
			return enc, nil
		},
	}
}
