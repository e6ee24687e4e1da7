package conformance

import (
	"context"
	"fmt"
	"maps"
	"sync"

	"connectrpc.com/connect"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/connectorhost/connector-host/abi"
	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/host/egress"
	"github.com/connectorhost/connector-host/host/executor"
	"github.com/connectorhost/connector-host/host/manifest"
	"github.com/connectorhost/connector-host/host/registry"
	"github.com/connectorhost/connector-host/host/server"
	"github.com/connectorhost/connector-host/pdk"
)

// FixtureOutcome is what running one fixture through the host's executor
// found.
type FixtureOutcome struct {
	// Name labels the fixture ("authorize_ok.json"); "fixtures" is the
	// fixture set as a whole (files that do not decode, flows without one).
	Name string
	// Problems are what did not match; none when the fixture passed.
	Problems []string
}

// ExecuteFixtures runs every fixture file of dir on the connector
// newConnector returns, natively (no .wasm), through the host's production
// executor (host/executor): credentials resolved and checked against the
// manifest, the fixture's state seeded as a caller's, secret headers
// stripped before parse, the egress check (https, egress_hosts), integrity
// checks, the secret scan, the ids and HTTP status the host fills, error
// mapping, and webhook verification. The processor is the fixture's canned
// answer. It checks what the fixture
// expects (expect_request, expect_response, expect_error_kind,
// expect_build_error_kind, expect_events, expect_rejection) and, for each
// genuine webhook sample, that its forgeries (flipped body bytes, corrupted
// or missing signature, wrong secret, a stale timestamp) are refused.
//
// conformancetest.Fixtures wraps it for go test: a plugin's fixture test is
// one line.
func ExecuteFixtures(ctx context.Context, newConnector func() *pdk.Connector, dir string) ([]FixtureOutcome, error) {
	t, m, err := NativeTransformer(newConnector())
	if err != nil {
		return nil, fmt.Errorf("conformance: %w", err)
	}
	return ExecuteFixturesOn(ctx, t, m, dir)
}

// ExecuteFixturesOn is ExecuteFixtures on any plugin, e.g. a .wasm loaded
// into the host runtime, whose manifest is m.
func ExecuteFixturesOn(ctx context.Context, t abi.Transformer, m *v1.Manifest, dir string) ([]FixtureOutcome, error) {
	opts := Options{FixturesDir: dir}.withDefaults()
	s := newSuite(m, t, nil, &Report{Plugin: m.GetName()}, opts, dir)
	var out []FixtureOutcome
	if probs := s.fixtureSetProblems(); len(probs) > 0 {
		out = append(out, FixtureOutcome{Name: "fixtures", Problems: probs})
	}
	for _, f := range s.fixtures {
		probs, err := s.executeFlowFixture(ctx, f)
		if err != nil {
			return nil, err
		}
		out = append(out, FixtureOutcome{Name: f.label(), Problems: probs})
	}
	for _, f := range s.webhooks {
		probs, err := s.executeWebhookFixture(ctx, f)
		if err != nil {
			return nil, err
		}
		out = append(out, FixtureOutcome{Name: f.label(), Problems: probs})
	}
	return out, nil
}

// fixtureSetProblems: files that do not decode, fixtures of undeclared
// flows, declared flows (and webhooks) without a fixture.
func (s *suite) fixtureSetProblems() []string {
	var probs []string
	for _, err := range s.fixtureErrs {
		probs = append(probs, err.Error())
	}
	if len(s.fixtures)+len(s.webhooks) == 0 {
		return append(probs, fmt.Sprintf("no fixtures in %s", s.fixturesDir))
	}
	for _, f := range s.fixtures {
		if !manifest.Supports(s.m, f.flow) {
			probs = append(probs, fmt.Sprintf("fixture %s is for %s, which manifest.flows does not declare", f.label(), f.Flow))
		}
	}
	for _, flow := range s.declaredFlows() {
		if len(s.fixturesFor(flow)) == 0 {
			probs = append(probs, fmt.Sprintf("no fixture for declared flow %s", flow))
		}
	}
	switch {
	case s.m.GetWebhooks().GetSupported() && len(s.webhooks) == 0:
		probs = append(probs, "webhooks are supported but there is no webhook fixture")
	case !s.m.GetWebhooks().GetSupported() && len(s.webhooks) > 0:
		probs = append(probs, fmt.Sprintf("fixture %s is a webhook but manifest.webhooks.supported is false", s.webhooks[0].label()))
	}
	return probs
}

// spy is the plugin the fixture runner's executor runs on: the plugin under
// test, recording every output, so the runner sees the typed errors the
// executor turns into Connect errors.
type spy struct {
	t abi.Transformer
	m *v1.Manifest
	// stopAtNextStep ends the call where the plugin asks for a next step
	// (recorded in nextStep): the executor gets an error instead.
	stopAtNextStep bool
	nextStep       *pluginv1.NextStep

	mu       sync.Mutex
	builds   []*pluginv1.BuildRequestOutput
	parses   []*pluginv1.ParseResponseOutput
	verifies []*pluginv1.VerifyWebhookOutput
}

func (p *spy) Acquire(_ context.Context, name string) (executor.Plugin, func(), error) {
	if name != p.m.GetName() {
		return nil, nil, fmt.Errorf("%q: %w", name, registry.ErrNotFound)
	}
	return p, func() {}, nil
}

func (p *spy) Manifest() *v1.Manifest { return p.m }
func (p *spy) SHA256() string         { return "conformance" }

func (p *spy) BuildRequest(ctx context.Context, in *pluginv1.BuildRequestInput) (*pluginv1.BuildRequestOutput, error) {
	out, err := p.t.BuildRequest(ctx, in)
	p.mu.Lock()
	defer p.mu.Unlock()
	p.builds = append(p.builds, out)
	if p.stop(out.GetNextStep()) {
		return &pluginv1.BuildRequestOutput{Result: &pluginv1.BuildRequestOutput_Error{Error: errStopped}}, err
	}
	return out, err
}

// errStopped is what the executor gets in place of a next step the spy stops at.
var errStopped = &pluginv1.PluginError{Kind: pluginv1.ErrorKind_ERROR_KIND_INTERNAL, Message: "stopped at the plugin's next step (a test runs one step)"}

// stop records ns and reports whether the call ends there.
func (p *spy) stop(ns *pluginv1.NextStep) bool {
	if ns == nil || !p.stopAtNextStep {
		return false
	}
	if p.nextStep == nil {
		p.nextStep = ns
	}
	return true
}

func (p *spy) ParseResponse(ctx context.Context, in *pluginv1.ParseResponseInput) (*pluginv1.ParseResponseOutput, error) {
	out, err := p.t.ParseResponse(ctx, in)
	p.mu.Lock()
	defer p.mu.Unlock()
	p.parses = append(p.parses, out)
	if p.stop(out.GetNextStep()) {
		return &pluginv1.ParseResponseOutput{Result: &pluginv1.ParseResponseOutput_Error{Error: errStopped}}, err
	}
	return out, err
}

func (p *spy) VerifyWebhook(ctx context.Context, in *pluginv1.VerifyWebhookInput) (*pluginv1.VerifyWebhookOutput, error) {
	out, err := p.t.VerifyWebhook(ctx, in)
	p.mu.Lock()
	defer p.mu.Unlock()
	p.verifies = append(p.verifies, out)
	return out, err
}

// cannedProcessor is the processor of a fixture: it records every request
// the executor sends and answers with the fixture's response; documents a
// webhook fixture lists are served by URL (others answer 404).
type cannedProcessor struct {
	answer *pluginv1.HttpResponse
	docs   map[string]string
	// egress applies the host's egress check (egress.Check) to every
	// request, as production does: https, to egress_hosts or the
	// operator's base URL only.
	egress bool

	mu   sync.Mutex
	sent []*pluginv1.HttpRequest
}

func (c *cannedProcessor) Do(_ context.Context, r egress.Request) (*pluginv1.HttpResponse, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if d, ok := c.docs[r.HTTP.GetUrl()]; ok {
		return &pluginv1.HttpResponse{Status: 200, Body: []byte(d)}, nil
	}
	if c.docs != nil {
		return &pluginv1.HttpResponse{Status: 404}, nil
	}
	if c.egress {
		if _, err := egress.Check(r); err != nil {
			return nil, err
		}
	}
	c.sent = append(c.sent, r.HTTP)
	if c.answer == nil {
		return nil, &egress.Error{Kind: egress.KindBlocked, Msg: "the fixture has no processor answer"}
	}
	return proto.Clone(c.answer).(*pluginv1.HttpResponse), nil
}

// repeating reads the same bytes again on every Read: the fixed random
// bytes the suite gives plugins, so runs are reproducible.
type repeating []byte

func (r repeating) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = r[i%len(r)]
	}
	return len(p), nil
}

// executorFor returns an executor serving the plugin (through sp) with the
// fixture's settings, and the call naming it.
func (s *suite) executorFor(f *Fixture, sp *spy, proc executor.Sender) (*executor.Executor, executor.Call, error) {
	cc := s.callContext(f)
	if f.BaseURL == "" {
		cc.BaseUrl = "" // the manifest's sandbox URL, as the host picks it
	}
	return callExecutor(s.m, sp, proc, cc)
}

// withState returns a copy of req carrying state in its ConnectorState
// field (a caller sends the state it was given back in the request).
func withState(req abi.Message, state *v1.ConnectorState) abi.Message {
	out := proto.Clone(req).(abi.Message)
	if state == nil || proto.Equal(state, &v1.ConnectorState{}) {
		return out
	}
	r := out.ProtoReflect()
	fields := r.Descriptor().Fields()
	for i := 0; i < fields.Len(); i++ {
		fd := fields.Get(i)
		if fd.Message() != nil && fd.Message().FullName() == state.ProtoReflect().Descriptor().FullName() && !fd.IsList() && !fd.IsMap() {
			merged := proto.Clone(state).(*v1.ConnectorState)
			if r.Has(fd) {
				proto.Merge(merged, r.Get(fd).Message().Interface())
			}
			r.Set(fd, protoreflect.ValueOfMessage(merged.ProtoReflect()))
		}
	}
	return out
}

// executeFlowFixture runs a flow fixture through the executor.
func (s *suite) executeFlowFixture(ctx context.Context, f *Fixture) ([]string, error) {
	sp := &spy{t: s.t, m: s.m, stopAtNextStep: true}
	proc := &cannedProcessor{egress: true}
	if f.Response != nil {
		proc.answer = fixtureResponse(f.Response)
	}
	x, call, err := s.executorFor(f, sp, proc)
	if err != nil {
		return nil, err
	}
	resp, runErr := x.Run(ctx, call, f.flow, withState(f.request, f.state))
	runErr = server.ConnectError(runErr)

	var probs []string
	for _, b := range sp.builds {
		if ns := b.GetNextStep(); ns != nil {
			return []string{fmt.Sprintf("build asked for next step %s: put that step's result in the fixture's state", ns.GetFlow())}, nil
		}
	}
	for _, p := range sp.parses {
		if ns := p.GetNextStep(); ns != nil {
			return []string{fmt.Sprintf("parse asked for next step %s; a fixture must end in a response or an error", ns.GetFlow())}, nil
		}
	}
	if f.ExpectBuildErrorKind != "" {
		return buildErrorProblems(f, sp, proc, runErr), nil
	}
	if len(proc.sent) == 0 {
		return []string{fmt.Sprintf("no request reached the processor: %v", runErr)}, nil
	}
	hr := proc.sent[0]
	probs = append(probs, expectRequestProblems(f.ExpectRequest, hr, s.callContext(f).GetBaseUrl(), s.m.GetIdempotencyHeader())...)
	if f.ExpectErrorKind != "" {
		pe := lastParseError(sp)
		switch {
		case runErr == nil:
			probs = append(probs, fmt.Sprintf("the call must fail with %s, got a response %s", f.ExpectErrorKind, render(resp)))
		case pe == nil:
			probs = append(probs, fmt.Sprintf("the call must fail with %s from parse, the host answered %v", f.ExpectErrorKind, runErr))
		case pe.GetKind() != f.parseErrorKind:
			probs = append(probs, fmt.Sprintf("parse must fail with %s, got %s", f.ExpectErrorKind, errorText(pe)))
		}
		return probs, nil
	}
	if runErr != nil {
		return append(probs, fmt.Sprintf("the call failed: %v", runErr)), nil
	}
	return append(probs, matchSubset(f.expectResponse, resp.ProtoReflect())...), nil
}

// buildErrorProblems checks a fixture whose request the plugin (or, for
// missing credentials, the host before it) must refuse.
func buildErrorProblems(f *Fixture, sp *spy, proc *cannedProcessor, runErr error) []string {
	if len(proc.sent) > 0 {
		return []string{fmt.Sprintf("build must fail with %s, but a request was sent: %s %s", f.ExpectBuildErrorKind, proc.sent[0].GetMethod(), proc.sent[0].GetUrl())}
	}
	if runErr == nil {
		return []string{fmt.Sprintf("build must fail with %s, the call succeeded", f.ExpectBuildErrorKind)}
	}
	if len(sp.builds) == 0 {
		// The host refused before the plugin ran (e.g. credentials the
		// manifest requires are missing): the caller sees the same code.
		if connect.CodeOf(runErr) != executor.KindCode(f.buildErrorKind) {
			return []string{fmt.Sprintf("build must fail with %s; the host refused the call first with %v", f.ExpectBuildErrorKind, runErr)}
		}
		return nil
	}
	got := sp.builds[len(sp.builds)-1].GetError()
	if got.GetKind() != f.buildErrorKind {
		return []string{fmt.Sprintf("build must fail with %s, got %s (%v)", f.ExpectBuildErrorKind, describeBuild(sp.builds[len(sp.builds)-1]), runErr)}
	}
	return nil
}

func lastParseError(sp *spy) *pluginv1.PluginError {
	if len(sp.parses) == 0 {
		return nil
	}
	return sp.parses[len(sp.parses)-1].GetError()
}

func render(m abi.Message) string {
	b, err := marshalJSON.Marshal(m)
	if err != nil {
		return fmt.Sprintf("%T", m)
	}
	return short(string(b), 300)
}

// executeWebhookFixture verifies a webhook fixture through the executor,
// then its forgeries, which must all be refused.
func (s *suite) executeWebhookFixture(ctx context.Context, f *Fixture) ([]string, error) {
	in := s.webhookInput(f)
	out, res, err := s.executeWebhook(ctx, f, in)
	if err != nil {
		return nil, err
	}
	if f.ExpectRejection != "" {
		rej := out.GetRejection()
		switch {
		case res.err == nil:
			return []string{fmt.Sprintf("must be rejected with %s, the host accepted it", f.ExpectRejection)}, nil
		case rej == nil:
			return []string{fmt.Sprintf("must be rejected with %s, the host answered %v", f.ExpectRejection, res.err)}, nil
		case rej.GetReason() != f.rejectionReason:
			return []string{fmt.Sprintf("must be rejected with %s, got %s (%s)", f.ExpectRejection, rej.GetReason(), rej.GetMessage())}, nil
		}
		return nil, nil
	}
	if res.err != nil {
		return []string{fmt.Sprintf("the sample must verify, the host answered %v", res.err)}, nil
	}
	probs := sampleProblems(f, &pluginv1.VerifyWebhookOutput{Result: &pluginv1.VerifyWebhookOutput_Verified{Verified: res.verified}})
	if len(probs) > 0 {
		return probs, nil
	}
	orig := verifiedEvents(res.verified)
	variants := s.tamperedVariants(f, in)
	reasons := maps.Clone(variantReasons)
	if s.m.GetWebhooks().GetTimestamped() {
		stale := proto.Clone(in).(*pluginv1.VerifyWebhookInput)
		tol := s.m.GetWebhooks().GetToleranceSeconds()
		stale.Context.NowUnixMs += (tol + 300) * 1000
		name := fmt.Sprintf("received %ds after it was signed (tolerance %ds)", tol+300, tol)
		variants = append(variants, webhookVariant{name, stale})
		reasons[name] = pluginv1.RejectionReason_REJECTION_REASON_STALE_TIMESTAMP
	}
	for _, v := range variants {
		vout, vres, err := s.executeWebhook(ctx, f, v.in)
		if err != nil {
			return nil, err
		}
		if want, ok := reasons[v.name]; ok && vres.err != nil && vout.GetRejection() != nil && vout.GetRejection().GetReason() != want {
			probs = append(probs, fmt.Sprintf("%s: rejected with %s, want %s", v.name, vout.GetRejection().GetReason(), want))
		}
		if n := verifiedEvents(vres.verified); vres.err == nil && n > 0 && n >= orig {
			probs = append(probs, fmt.Sprintf("%s: accepted with %d verified events", v.name, n))
		}
		for i, e := range vres.verified.GetEvents() {
			if !e.GetVerified() && e.GetPayload() != nil {
				probs = append(probs, fmt.Sprintf("%s: event %d is not verified but carries a payload", v.name, i))
			}
		}
	}
	return probs, nil
}

// variantReasons are the rejection reasons forgeries must be refused with,
// when they are refused with a rejection (a per-item scheme may instead
// leave the items unverified).
var variantReasons = map[string]pluginv1.RejectionReason{
	"signature header removed": pluginv1.RejectionReason_REJECTION_REASON_MISSING_SIGNATURE,
	"wrong webhook secret":     pluginv1.RejectionReason_REJECTION_REASON_SIGNATURE_MISMATCH,
}

// webhookResult is the executor's answer to a webhook.
type webhookResult struct {
	verified *pluginv1.VerifiedWebhook
	err      error
}

// executeWebhook runs in (its webhook, credentials and clock) through the
// executor's Webhook and returns the plugin's last output with the answer.
func (s *suite) executeWebhook(ctx context.Context, f *Fixture, in *pluginv1.VerifyWebhookInput) (*pluginv1.VerifyWebhookOutput, webhookResult, error) {
	sp := &spy{t: s.t, m: s.m}
	proc := &cannedProcessor{docs: map[string]string{}}
	for u, d := range f.Webhook.Documents {
		proc.docs[u] = d
	}
	ff := *f
	ff.Credentials = in.GetContext().GetCredentials()
	ff.NowUnixMs = in.GetContext().GetNowUnixMs()
	x, call, err := s.executorFor(&ff, sp, proc)
	if err != nil {
		return nil, webhookResult{}, err
	}
	v, werr := x.Webhook(ctx, call, in.GetWebhook())
	werr = server.ConnectError(werr)
	var last *pluginv1.VerifyWebhookOutput
	if n := len(sp.verifies); n > 0 {
		last = sp.verifies[n-1]
	}
	return last, webhookResult{verified: v, err: werr}, nil
}

func verifiedEvents(v *pluginv1.VerifiedWebhook) int {
	n := 0
	for _, e := range v.GetEvents() {
		if e.GetVerified() {
			n++
		}
	}
	return n
}
