package pdk

import (
	"errors"
	"sort"

	"github.com/connectorhost/connector-host/abi"
	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/internal/textf"
	"github.com/valyala/fastjson"
)

// Message is a generated protobuf message with vtprotobuf fast paths.
type Message = abi.Message

// Connector is a plugin: its manifest, flow handlers and webhook verifier.
type Connector struct {
	// Manifest describes the connector. Register fills AbiVersion and, when
	// empty, Flows from the handlers that are set.
	Manifest *v1.Manifest
	// Flows are the connector's flows, each registered with its function:
	// pdk.Authorize(pdk.H(buildAuthorize, parseAuthorize)), pdk.RefundGet(refundGet), ...
	Flows []Flow
	// VerifyWebhook verifies a webhook's signature with the secret in
	// c.Credentials and normalizes its events. Return a *Rejection for a bad or
	// missing signature; never return events from an unverified webhook.
	VerifyWebhook func(c *Context, w *v1.WebhookRequest) (*pluginv1.VerifiedWebhook, error)
	// ParseWebhook reads a webhook WITHOUT credentials and without verifying
	// it (EventService.ParseEvent): each event's type, id and the references
	// its payload names. c.Credentials is empty. Return a *Rejection
	// (MALFORMED_BODY) for a body it cannot read.
	ParseWebhook func(c *Context, w *v1.WebhookRequest) ([]*v1.ParsedEvent, error)

	handlers map[v1.Flow]Flow
}

// Dispatcher runs a Connector's handlers on ABI-encoded inputs. The wasip1
// exports use the registered one; pdktest uses it natively.
type Dispatcher struct {
	c *Connector
	// parsers are reused for the answers parse_response reads.
	parsers fastjson.ParserPool
}

// NewDispatcher prepares c (fills its manifest) and returns its dispatcher.
func NewDispatcher(c *Connector) *Dispatcher {
	c.handlers = make(map[v1.Flow]Flow, len(c.Flows))
	for _, f := range c.Flows {
		if _, dup := c.handlers[f.flow]; dup {
			panic("pdk: flow " + f.flow.String() + " registered twice")
		}
		c.handlers[f.flow] = f
	}
	if c.Manifest == nil {
		c.Manifest = &v1.Manifest{}
	}
	c.Manifest.AbiVersion = abi.Version
	if len(c.Manifest.Flows) == 0 {
		flows := make([]v1.Flow, 0, len(c.handlers))
		for f := range c.handlers {
			flows = append(flows, f)
		}
		sort.Slice(flows, func(i, j int) bool { return flows[i] < flows[j] })
		c.Manifest.Flows = flows
	}
	if c.VerifyWebhook != nil && c.Manifest.Webhooks == nil {
		c.Manifest.Webhooks = &v1.WebhookSupport{Supported: true}
	}
	if c.ParseWebhook != nil && c.Manifest.Webhooks != nil {
		c.Manifest.Webhooks.ParseSupported = true
	}
	return &Dispatcher{c: c}
}

// Manifest returns the encoded manifest.
func (d *Dispatcher) Manifest() []byte {
	b, err := d.c.Manifest.MarshalVT()
	if err != nil {
		panic(textf.Sprintf("pdk: marshal manifest: %v", err))
	}
	return b
}

// BuildRequest runs build_request on an encoded BuildRequestInput.
func (d *Dispatcher) BuildRequest(input []byte) []byte {
	out := &pluginv1.BuildRequestOutput{}
	in := &pluginv1.BuildRequestInput{}
	if err := unmarshalInput(in, input); err != nil {
		out.Result = &pluginv1.BuildRequestOutput_Error{Error: toPluginError(InvalidRequestInput(err))}
		return mustMarshal(out.MarshalVT())
	}
	h, ok := d.c.handlers[in.GetFlow()]
	if !ok {
		out.Result = &pluginv1.BuildRequestOutput_Error{Error: toPluginError(Unsupported("flow %v is not supported", in.GetFlow()))}
		return mustMarshal(out.MarshalVT())
	}
	c := NewContext(in.GetFlow(), in.GetContext(), in.GetState())
	req, err := h.build(c, in.GetRequest())
	switch {
	case err != nil:
		if step, perr := stepOrError(err); step != nil {
			out.Result = &pluginv1.BuildRequestOutput_NextStep{NextStep: step}
		} else {
			out.Result = &pluginv1.BuildRequestOutput_Error{Error: d.redactError(c, perr)}
		}
	case req == nil:
		out.Result = &pluginv1.BuildRequestOutput_Error{Error: toPluginError(errors.New("build returned no request"))}
	default:
		out.Result = &pluginv1.BuildRequestOutput_HttpRequest{HttpRequest: req}
	}
	return mustMarshal(out.MarshalVT())
}

// ParseResponse runs parse_response on an encoded ParseResponseInput.
func (d *Dispatcher) ParseResponse(input []byte) []byte {
	out := &pluginv1.ParseResponseOutput{}
	in := &pluginv1.ParseResponseInput{}
	if err := unmarshalInput(in, input); err != nil {
		out.Result = &pluginv1.ParseResponseOutput_Error{Error: toPluginError(InvalidRequestInput(err))}
		return mustMarshal(out.MarshalVT())
	}
	h, ok := d.c.handlers[in.GetFlow()]
	if !ok {
		out.Result = &pluginv1.ParseResponseOutput_Error{Error: toPluginError(Unsupported("flow %v is not supported", in.GetFlow()))}
		return mustMarshal(out.MarshalVT())
	}
	c := NewContext(in.GetFlow(), in.GetContext(), in.GetState())
	hr := in.GetHttpResponse()
	loan := &parserLoan{pool: &d.parsers}
	defer loan.end() // after the output below is encoded: nothing read from the answer is used past it
	res := &Response{Status: int(hr.GetStatus()), Headers: hr.GetHeaders(), Body: hr.GetBody(), Truncated: hr.GetTruncated(), Request: in.GetHttpRequest(), parsers: loan}
	b, err := h.parse(c, in.GetRequest(), res)
	if err != nil {
		if step, perr := stepOrError(err); step != nil {
			out.Result = &pluginv1.ParseResponseOutput_NextStep{NextStep: step}
		} else {
			out.Result = &pluginv1.ParseResponseOutput_Error{Error: d.redactError(c, perr)}
		}
		return mustMarshal(out.MarshalVT())
	}
	out.Result = &pluginv1.ParseResponseOutput_Response{Response: c.redact(b, d.c.Manifest)}
	return mustMarshal(out.MarshalVT())
}

// VerifyWebhook runs verify_webhook on an encoded VerifyWebhookInput.
func (d *Dispatcher) VerifyWebhook(input []byte) []byte {
	out := &pluginv1.VerifyWebhookOutput{}
	in := &pluginv1.VerifyWebhookInput{}
	if err := unmarshalInput(in, input); err != nil {
		out.Result = &pluginv1.VerifyWebhookOutput_Error{Error: toPluginError(InvalidRequestInput(err))}
		return mustMarshal(out.MarshalVT())
	}
	c := NewContext(v1.Flow_FLOW_UNSPECIFIED, in.GetContext(), nil)
	if in.GetParseOnly() {
		return d.parseWebhook(c, in.GetWebhook())
	}
	if d.c.VerifyWebhook == nil {
		out.Result = &pluginv1.VerifyWebhookOutput_Error{Error: toPluginError(Unsupported("webhooks are not supported"))}
		return mustMarshal(out.MarshalVT())
	}
	return c.redact(d.verifyWebhook(c.withDocuments(in.GetDocuments()), in.GetWebhook()), d.c.Manifest)
}

// verifyWebhook answers a verify_webhook call that verifies.
func (d *Dispatcher) verifyWebhook(c *Context, w *v1.WebhookRequest) []byte {
	out := &pluginv1.VerifyWebhookOutput{}
	res, err := d.c.VerifyWebhook(c, w)
	var rej *Rejection
	var docs *DocumentsRequired
	switch {
	case errors.As(err, &docs):
		if len(docs.URLs) == 0 || len(docs.URLs) > MaxDocuments {
			out.Result = &pluginv1.VerifyWebhookOutput_Error{Error: toPluginError(textf.Errorf("NeedDocuments asked for %d documents; 1 to %d are allowed", len(docs.URLs), MaxDocuments))}
			break
		}
		out.Result = &pluginv1.VerifyWebhookOutput_NeedDocuments{NeedDocuments: &pluginv1.NeedDocuments{Urls: docs.URLs}}
	case errors.As(err, &rej):
		out.Result = &pluginv1.VerifyWebhookOutput_Rejection{Rejection: &pluginv1.WebhookRejection{Reason: rej.Reason, Message: rej.Message}}
	case err != nil:
		out.Result = &pluginv1.VerifyWebhookOutput_Error{Error: toPluginError(err)}
	case res == nil:
		out.Result = &pluginv1.VerifyWebhookOutput_Error{Error: toPluginError(errors.New("verify returned no result"))}
	default:
		out.Result = &pluginv1.VerifyWebhookOutput_Verified{Verified: res}
	}
	return mustMarshal(out.MarshalVT())
}

// parseWebhook answers a parse_only verify_webhook call.
func (d *Dispatcher) parseWebhook(c *Context, w *v1.WebhookRequest) []byte {
	out := &pluginv1.VerifyWebhookOutput{}
	if d.c.ParseWebhook == nil {
		out.Result = &pluginv1.VerifyWebhookOutput_Error{Error: toPluginError(Unsupported("parsing webhooks without credentials is not supported"))}
		return mustMarshal(out.MarshalVT())
	}
	events, err := d.c.ParseWebhook(c, w)
	var rej *Rejection
	var docs *DocumentsRequired
	switch {
	case errors.As(err, &docs):
		out.Result = &pluginv1.VerifyWebhookOutput_Error{Error: toPluginError(errors.New("ParseWebhook asked for documents; the host never fetches to parse a webhook"))}
	case errors.As(err, &rej):
		out.Result = &pluginv1.VerifyWebhookOutput_Rejection{Rejection: &pluginv1.WebhookRejection{Reason: rej.Reason, Message: rej.Message}}
	case err != nil:
		out.Result = &pluginv1.VerifyWebhookOutput_Error{Error: toPluginError(err)}
	default:
		out.Result = &pluginv1.VerifyWebhookOutput_Parsed{Parsed: &pluginv1.ParsedWebhook{Events: events}}
	}
	return mustMarshal(out.MarshalVT())
}

// redactError masks secrets in a handler error: its message and every
// layer of its detail (the processor's own message, code and request id
// included), through its encoding as for responses.
func (d *Dispatcher) redactError(c *Context, perr *pluginv1.PluginError) *pluginv1.PluginError {
	b, err := perr.MarshalVT()
	if err != nil {
		return &pluginv1.PluginError{Kind: perr.GetKind(), Message: "error withheld: it could not be checked for secrets"}
	}
	out := &pluginv1.PluginError{}
	if err := out.UnmarshalVT(c.redact(b, d.c.Manifest)); err != nil {
		return &pluginv1.PluginError{Kind: perr.GetKind(), Message: "error withheld: it could not be checked for secrets"}
	}
	return out
}

// InvalidRequestInput reports an ABI input the plugin could not decode.
func InvalidRequestInput(err error) *Error {
	return Errorf(pluginv1.ErrorKind_ERROR_KIND_INTERNAL, "decode ABI input: %v", err)
}

// stepOrError turns a handler error into a NextStep or a PluginError.
func stepOrError(err error) (*pluginv1.NextStep, *pluginv1.PluginError) {
	var s *StepRequired
	if errors.As(err, &s) {
		if s.encode == nil {
			return nil, toPluginError(errors.New("a StepRequired must be made with pdk.NeedStep"))
		}
		b, merr := s.encode()
		if merr != nil {
			return nil, toPluginError(textf.Errorf("marshal next step: %w", merr))
		}
		return &pluginv1.NextStep{Flow: s.Flow, Request: b}, nil
	}
	return nil, toPluginError(err)
}

// mustMarshal takes an envelope's MarshalVT results: called on the concrete
// envelope, never through an interface (see Flow).
func mustMarshal(b []byte, err error) []byte {
	if err != nil {
		panic(textf.Sprintf("pdk: marshal output: %v", err))
	}
	return b
}
