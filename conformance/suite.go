package conformance

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/connectorhost/connector-host/abi"
	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/host/sandbox"
)

// suite is one conformance run on one plugin.
type suite struct {
	opts   Options
	log    *slog.Logger
	m      *v1.Manifest
	t      abi.Transformer
	fresh  freshFunc
	report *Report

	loadName    string // the name the plugin was loaded under
	native      bool   // running a Connector in-process, not a .wasm
	fixturesDir string
	fixtures    []*Fixture // flow fixtures, sorted by file
	webhooks    []*Fixture // webhook fixtures, sorted by file
	fixtureErrs []error

	creds  map[string]string // credentials for cases the suite makes up
	random []byte
	stats  callStats

	staticCredProblems, dynamicCredProblems []string
	// built caches, per flow, the request the base case builds (nil when build failed).
	built map[v1.Flow]*pluginv1.HttpRequest
}

// callStats feeds the limits check.
type callStats struct {
	calls int
	// faults are the resource faults by flow (FLOW_UNSPECIFIED for webhooks).
	faults      map[v1.Flow][]string
	slowest     time.Duration
	slowestCall string
}

func newSuite(m *v1.Manifest, t abi.Transformer, fresh freshFunc, report *Report, opts Options, dir string) *suite {
	s := &suite{opts: opts, log: opts.Logger, m: m, t: t, fresh: fresh, report: report, fixturesDir: dir, loadName: report.Plugin,
		built: map[v1.Flow]*pluginv1.HttpRequest{}}
	all, errs := LoadFixtures(dir)
	s.fixtureErrs = errs
	for _, f := range all {
		if f.IsWebhook() {
			s.webhooks = append(s.webhooks, f)
		} else {
			s.fixtures = append(s.fixtures, f)
		}
	}
	s.creds = map[string]string{}
	for _, f := range all {
		for k, v := range f.Credentials {
			if _, ok := s.creds[k]; !ok {
				s.creds[k] = v
			}
		}
	}
	for _, c := range m.GetCredentialFields() {
		if _, ok := s.creds[c.GetName()]; !ok {
			s.creds[c.GetName()] = "conf_" + c.GetName() + "_7f3a9c1e"
		}
	}
	s.random = make([]byte, abi.DefaultRandomBytes)
	for i := range s.random {
		s.random[i] = byte(uint64(i)*131 + opts.Seed)
	}
	return s
}

// declaredFlows returns the manifest's flows in enum order.
func (s *suite) declaredFlows() []v1.Flow {
	out := append([]v1.Flow(nil), s.m.GetFlows()...)
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

func (s *suite) fixturesFor(flow v1.Flow) []*Fixture {
	var out []*Fixture
	for _, f := range s.fixtures {
		if f.flow == flow {
			out = append(out, f)
		}
	}
	return out
}

// callContext is the context of a call: the fixture's settings over the suite's.
func (s *suite) callContext(f *Fixture) *pluginv1.CallContext {
	cc := &pluginv1.CallContext{
		Credentials: s.creds,
		BaseUrl:     s.m.GetSandboxBaseUrl(),
		Environment: pluginv1.Environment_ENVIRONMENT_SANDBOX,
		NowUnixMs:   s.opts.Now.UnixMilli(),
		Random:      s.random,
		RequestId:   "conf_req_1",
	}
	if f == nil {
		return cc
	}
	if f.Credentials != nil {
		cc.Credentials = f.Credentials
	}
	cc.Config = f.Config
	if f.BaseURL != "" {
		cc.BaseUrl = f.BaseURL
	}
	if f.NowUnixMs != 0 {
		cc.NowUnixMs = f.NowUnixMs
	}
	return cc
}

// baseCase is the request and context the suite's generated cases start from
// for flow: its first fixture with a processor answer, else a sample request.
type baseCase struct {
	fixture *Fixture
	request abi.Message
	reqB    []byte
	cc      *pluginv1.CallContext
	state   *v1.ConnectorState
}

func (s *suite) baseCase(flow v1.Flow) (*baseCase, error) {
	var pick *Fixture
	for _, f := range s.fixturesFor(flow) {
		if f.Response != nil && (pick == nil || (pick.Response.Status/100 != 2 && f.Response.Status/100 == 2)) {
			pick = f
		}
	}
	if pick != nil {
		b, err := pick.requestBytes()
		if err != nil {
			return nil, err
		}
		return &baseCase{fixture: pick, request: pick.request, reqB: b, cc: s.callContext(pick), state: pick.state}, nil
	}
	req, err := minimalRequest(flow)
	if err != nil {
		return nil, err
	}
	b, err := proto.MarshalOptions{Deterministic: true}.Marshal(req)
	if err != nil {
		return nil, fmt.Errorf("encode sample %v request: %w", flow, err)
	}
	return &baseCase{request: req, reqB: b, cc: s.callContext(nil), state: &v1.ConnectorState{}}, nil
}

// builtRequest builds the base case of flow once and returns the HTTP
// request (nil when build did not produce one), for parse inputs.
func (s *suite) builtRequest(ctx context.Context, flow v1.Flow, bc *baseCase) (*pluginv1.HttpRequest, error) {
	if hr, ok := s.built[flow]; ok {
		return hr, nil
	}
	out, _, err := s.build(ctx, s.t, &pluginv1.BuildRequestInput{Flow: flow, Request: bc.reqB, Context: bc.cc, State: bc.state}, flowLabel(flow.String())+" base build")
	if err != nil {
		return nil, err
	}
	hr := stripSecretHeaders(out.GetHttpRequest())
	s.built[flow] = hr
	return hr, nil
}

// stripSecretHeaders returns a copy of hr without its secret headers, as the
// host passes it to parse_response.
func stripSecretHeaders(hr *pluginv1.HttpRequest) *pluginv1.HttpRequest {
	if hr == nil {
		return nil
	}
	out := proto.Clone(hr).(*pluginv1.HttpRequest)
	secret := map[string]bool{}
	for _, h := range hr.GetSecretHeaders() {
		secret[strings.ToLower(h)] = true
	}
	out.Headers = nil
	for _, h := range hr.GetHeaders() {
		if !secret[strings.ToLower(h.GetName())] {
			out.Headers = append(out.Headers, h)
		}
	}
	return out
}

// build, parse and verify call the plugin and classify failures: a
// *sandbox.Fault is the plugin's (resource faults are also recorded for the
// limits check); an error aborts the run.
func (s *suite) build(ctx context.Context, t abi.Transformer, in *pluginv1.BuildRequestInput, what string) (*pluginv1.BuildRequestOutput, *sandbox.Fault, error) {
	start := time.Now()
	out, err := t.BuildRequest(ctx, in)
	f, err := s.classify(ctx, in.GetFlow(), what, time.Since(start), err)
	return out, f, err
}

func (s *suite) parse(ctx context.Context, t abi.Transformer, in *pluginv1.ParseResponseInput, what string) (*pluginv1.ParseResponseOutput, *sandbox.Fault, error) {
	start := time.Now()
	out, err := t.ParseResponse(ctx, in)
	f, err := s.classify(ctx, in.GetFlow(), what, time.Since(start), err)
	return out, f, err
}

func (s *suite) verify(ctx context.Context, t abi.Transformer, in *pluginv1.VerifyWebhookInput, what string) (*pluginv1.VerifyWebhookOutput, *sandbox.Fault, error) {
	start := time.Now()
	out, err := t.VerifyWebhook(ctx, in)
	f, err := s.classify(ctx, v1.Flow_FLOW_UNSPECIFIED, what, time.Since(start), err)
	if need := out.GetNeedDocuments(); need != nil && err == nil && f == nil && !in.GetParseOnly() {
		// As the host does: answer once with the documents asked for (the
		// fixture's, else 404) and call again.
		again := proto.Clone(in).(*pluginv1.VerifyWebhookInput)
		have := map[string]*pluginv1.FetchedDocument{}
		for _, d := range in.GetDocuments() {
			have[d.GetUrl()] = d
		}
		again.Documents = nil
		for _, u := range need.GetUrls() {
			d := have[u]
			if d == nil {
				d = &pluginv1.FetchedDocument{Url: u, Status: 404}
			}
			again.Documents = append(again.Documents, d)
		}
		start = time.Now()
		out, err = t.VerifyWebhook(ctx, again)
		f, err = s.classify(ctx, v1.Flow_FLOW_UNSPECIFIED, what, time.Since(start), err)
	}
	return out, f, err
}

func (s *suite) classify(ctx context.Context, flow v1.Flow, what string, d time.Duration, err error) (*sandbox.Fault, error) {
	s.stats.calls++
	if d > s.stats.slowest {
		s.stats.slowest, s.stats.slowestCall = d, what
	}
	if err == nil {
		return nil, nil
	}
	var f *sandbox.Fault
	if !errors.As(err, &f) {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	if f.Kind == sandbox.FaultCanceled || ctx.Err() != nil {
		return nil, fmt.Errorf("%s: %w", what, errors.Join(ctx.Err(), err))
	}
	if resourceFault(f) && f.Kind != sandbox.FaultInputTooLarge {
		if s.stats.faults == nil {
			s.stats.faults = map[v1.Flow][]string{}
		}
		s.stats.faults[flow] = append(s.stats.faults[flow], fmt.Sprintf("%s: %s", what, f.Error()))
	}
	return f, nil
}

// resourceFault reports faults about time and memory, which the limits check reports.
func resourceFault(f *sandbox.Fault) bool {
	switch f.Kind {
	case sandbox.FaultTimeout, sandbox.FaultOutOfMemory, sandbox.FaultOutputTooLarge, sandbox.FaultInputTooLarge:
		return true
	}
	return false
}

// faultProblem is the problem a fault is for the check that made the call,
// or "" for resource faults (the limits check reports those).
func faultProblem(what string, f *sandbox.Fault) string {
	if f == nil || resourceFault(f) {
		return ""
	}
	return fmt.Sprintf("%s: %s", what, f.Error())
}

// result builds a CheckResult from the problems found: it passes when there
// are none. pass is the message on success, fix the advice on failure.
func result(id string, cat Category, flow v1.Flow, problems []string, pass, fix string) CheckResult {
	c := CheckResult{ID: id, Category: cat, Passed: len(problems) == 0}
	if flow != v1.Flow_FLOW_UNSPECIFIED {
		c.Flow = flow.String()
	}
	if c.Passed {
		c.Message = pass
		return c
	}
	c.Details = problems
	more := ""
	if len(problems) > 1 {
		more = fmt.Sprintf(" (and %d more)", len(problems)-1)
	}
	c.Message = fmt.Sprintf("%s%s. %s", problems[0], more, fix)
	return c
}

// forWebhooks marks a result as about webhooks rather than a flow.
func forWebhooks(c CheckResult) CheckResult {
	c.Webhooks = true
	return c
}

func skipped(id string, cat Category, flow v1.Flow, why string) CheckResult {
	c := CheckResult{ID: id, Category: cat, Passed: true, Skipped: true, Message: why}
	if flow != v1.Flow_FLOW_UNSPECIFIED {
		c.Flow = flow.String()
	}
	return c
}

func errorText(e *pluginv1.PluginError) string {
	return fmt.Sprintf("%s: %s", e.GetKind(), e.GetMessage())
}
