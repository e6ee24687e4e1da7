package conformance

import (
	"context"
	"fmt"
	"github.com/connectorhost/connector-host/abi"
	"strings"

	"google.golang.org/protobuf/proto"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/host/sandbox"
)

// Harness runs one generated input at a time against a plugin, with the
// requests and contexts of its fixtures: the building block of Go fuzz
// targets (see FuzzParseResponse in this package's tests). Its methods
// return an error only when the plugin failed in the runtime (trap, timeout,
// out of memory, bad output): typed errors and rejections are fine.
type Harness struct {
	s *suite
}

// NewHarness prepares a harness for the plugin t with manifest m and the
// fixtures in fixturesDir (which may be empty: sample requests are used).
func NewHarness(t abi.Transformer, m *v1.Manifest, fixturesDir string, opts Options) *Harness {
	opts = opts.withDefaults()
	return &Harness{s: newSuite(m, t, nil, &Report{Plugin: m.GetName()}, opts, fixturesDir)}
}

// ParseSeed is a processor answer from a fixture.
type ParseSeed struct {
	Flow   v1.Flow
	Status int
	Body   []byte
}

// WebhookSeed is a webhook fixture's body and signature header value.
type WebhookSeed struct {
	Fixture int
	Body    []byte
	Header  string
}

// Flows are the plugin's declared flows in enum order.
func (h *Harness) Flows() []v1.Flow { return h.s.declaredFlows() }

// ParseSeeds are the fixtures' processor answers.
func (h *Harness) ParseSeeds() []ParseSeed {
	var out []ParseSeed
	for _, f := range h.s.fixtures {
		if f.Response != nil {
			out = append(out, ParseSeed{Flow: f.flow, Status: f.Response.Status, Body: f.Response.Bytes()})
		}
	}
	return out
}

// WebhookSeeds are the webhook fixtures' bodies and signature headers.
func (h *Harness) WebhookSeeds() []WebhookSeed {
	out := make([]WebhookSeed, 0, len(h.s.webhooks))
	for i, f := range h.s.webhooks {
		out = append(out, WebhookSeed{Fixture: i, Body: []byte(f.Webhook.BodyText), Header: headerValue(f.Webhook.Headers, f.SignatureHeader)})
	}
	return out
}

// ParseResponse parses body (with status) as flow's processor answer, for
// the flow's first fixture's request (else a sample request).
func (h *Harness) ParseResponse(ctx context.Context, flow v1.Flow, status int, body []byte) error {
	bc, err := h.s.baseCase(flow)
	if err != nil {
		return err
	}
	hr, err := h.s.builtRequest(ctx, flow, bc)
	if err != nil {
		return err
	}
	in := &pluginv1.ParseResponseInput{Flow: flow, Request: bc.reqB, Context: bc.cc, State: bc.state, HttpRequest: hr,
		HttpResponse: &pluginv1.HttpResponse{Status: int32(status), Body: body, Headers: []*v1.HttpHeader{{Name: "Content-Type", Value: "application/json"}}}}
	_, f, err := h.s.parse(ctx, h.s.t, in, "parse")
	return faultErr(f, err)
}

// VerifyWebhook verifies webhook fixture number fixture (modulo their
// count) with body, and header as the signature header's value when not
// empty. It returns nil when there are no webhook fixtures.
func (h *Harness) VerifyWebhook(ctx context.Context, fixture int, body []byte, header string) error {
	if len(h.s.webhooks) == 0 {
		return nil
	}
	if fixture < 0 {
		fixture = -fixture
	}
	f := h.s.webhooks[fixture%len(h.s.webhooks)]
	in := proto.Clone(h.s.webhookInput(f)).(*pluginv1.VerifyWebhookInput)
	in.Webhook.Body = body
	if header != "" && f.SignatureHeader != "" {
		for _, hd := range in.Webhook.Headers {
			if strings.EqualFold(hd.GetName(), f.SignatureHeader) {
				hd.Value = header
			}
		}
	}
	_, fault, err := h.s.verify(ctx, h.s.t, in, "verify")
	return faultErr(fault, err)
}

func faultErr(f *sandbox.Fault, err error) error {
	if err != nil {
		return err
	}
	if f != nil {
		return fmt.Errorf("%s fault: %w", f.Kind, f)
	}
	return nil
}
