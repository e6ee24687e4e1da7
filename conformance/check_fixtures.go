package conformance

import (
	"context"
	"fmt"
	"net/url"
	"path/filepath"
	"sort"
	"strings"

	"github.com/connectorhost/connector-host/abi"
	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	"github.com/connectorhost/connector-host/host/manifest"
)

// Fixture check IDs.
const (
	idFixturesValid    = "fixtures.valid"
	idFixturesCoverage = "fixtures.coverage"
	idRequestExpected  = "request.expected"
	idRequestHost      = "request.host"
	idIdempotency      = "request.idempotency"
	idRequestSecrets   = "request.secrets"
	idResponseExpected = "response.expected"
	idResponseSecrets  = "response.secrets"
)

// checkFixtures reports fixture files that do not decode or test an
// undeclared flow, and declared flows (and webhooks) without a fixture.
func (s *suite) checkFixtures(context.Context) error {
	var probs []string
	for _, err := range s.fixtureErrs {
		probs = append(probs, err.Error())
	}
	for _, f := range s.fixtures {
		if !manifest.Supports(s.m, f.flow) {
			probs = append(probs, fmt.Sprintf("fixture %s is for %s, which manifest.flows does not declare", f.label(), f.Flow))
		}
	}
	if len(s.webhooks) > 0 && !s.m.GetWebhooks().GetSupported() {
		probs = append(probs, fmt.Sprintf("fixture %s is a webhook but manifest.webhooks.supported is false", s.webhooks[0].label()))
	}
	n := len(s.fixtures) + len(s.webhooks)
	s.report.add(result(idFixturesValid, CategoryFixtures, 0, probs,
		fmt.Sprintf("%d fixtures read from %s", n, s.fixturesDir),
		"Fix the files named (format: conformance/FIXTURES.md)."))

	dir := s.fixturesDir
	if dir == "" {
		dir = filepath.Join("plugins", s.m.GetName(), "fixtures")
	}
	for _, flow := range s.declaredFlows() {
		fs := s.fixturesFor(flow)
		var probs []string
		if len(fs) == 0 {
			probs = append(probs, fmt.Sprintf("no fixture for %s", flow))
		}
		s.report.add(result(idFixturesCoverage, CategoryFixtures, flow, probs,
			fmt.Sprintf("%d fixtures", len(fs)),
			fmt.Sprintf("Add %s with \"flow\": %q: a request, the processor's documented answer and the expected unified response (conformance/FIXTURES.md).",
				filepath.Join(dir, flowFileHint(flow)), flow.String())))
	}
	if s.m.GetWebhooks().GetSupported() {
		var probs []string
		if len(s.webhooks) == 0 {
			probs = append(probs, "webhooks are supported but there is no webhook fixture")
		}
		s.report.add(forWebhooks(result(idFixturesCoverage, CategoryFixtures, 0, probs,
			fmt.Sprintf("%d webhook fixtures", len(s.webhooks)),
			fmt.Sprintf("Add %s with a \"webhook\" signed with the fixture's credentials (conformance/FIXTURES.md).",
				filepath.Join(dir, "webhook_*.json")))))
	}
	return nil
}

// flowFindings collects, per check, the problems of a flow's fixtures.
type flowFindings struct {
	expected, host, idem, reqSecrets, resp, respSecrets []string
	built, parsed                                       int
}

// checkFixtureCases runs every flow fixture: build (request checks), then
// parse of the fixture's answer (response checks).
func (s *suite) checkFixtureCases(ctx context.Context) error {
	for _, flow := range s.declaredFlows() {
		fs := s.fixturesFor(flow)
		if len(fs) == 0 {
			continue
		}
		ff := &flowFindings{}
		for _, f := range fs {
			if err := s.runFixture(ctx, f, ff); err != nil {
				return err
			}
		}
		info := fs[0].info
		s.report.add(result(idRequestExpected, CategoryRequest, flow, ff.expected,
			fmt.Sprintf("%d fixtures built as expected", len(fs)),
			"Make the built request match the fixture's expect_request (or fix the fixture if the processor's API says otherwise)."))
		if ff.built == 0 {
			continue
		}
		s.report.add(result(idRequestHost, CategoryRequest, flow, ff.host,
			"requests go to the base URL or egress_hosts",
			"Build URLs with pdk.Context.URL (the host's base URL) or on a host listed in manifest.egress_hosts; add the host there if it is the processor's."))
		if info.Mutating {
			hdr := s.m.GetIdempotencyHeader()
			s.report.add(result(idIdempotency, CategoryRequest, flow, ff.idem,
				fmt.Sprintf("%s set (the request is retried by the host only when marked idempotent)", hdr),
				fmt.Sprintf("Mutating flows must call pdk.Request.IdempotencyKey(%q, <the request's merchant id>), which sets the header and marks the request idempotent; "+
					"where the processor does not deduplicate by the key, pdk.Request.AdvisoryIdempotencyKey sets it without the mark, so the host never repeats the request.", hdr)))
		}
		s.report.add(result(idRequestSecrets, CategoryRequest, flow, ff.reqSecrets,
			"no secret outside secret headers",
			"Send credentials only in headers added with pdk.Request.SecretHeader; never put them in the URL, a plain header or the body; card data may go only in the body of flows that send a card."))
		s.report.add(result(idResponseExpected, CategoryResponse, flow, ff.resp,
			fmt.Sprintf("%d fixture answers parsed as expected", ff.parsed),
			"Map the processor's answer to the fixture's expect_response (status, amounts, ids) or expect_error_kind."))
		s.report.add(result(idResponseSecrets, CategoryResponse, flow, ff.respSecrets,
			"parsed responses carry no secret",
			"Never copy credentials or card numbers into a unified response or an error message (mask them with the mask package)."))
	}
	return nil
}

func (s *suite) runFixture(ctx context.Context, f *Fixture, ff *flowFindings) error {
	reqB, err := f.requestBytes()
	if err != nil {
		return err
	}
	cc := s.callContext(f)
	what := "fixture " + f.label()
	out, fault, err := s.build(ctx, s.t, &pluginv1.BuildRequestInput{Flow: f.flow, Request: reqB, Context: cc, State: f.state}, what+" build")
	if err != nil {
		return err
	}
	if fault != nil {
		if p := faultProblem(what+" build", fault); p != "" {
			ff.expected = append(ff.expected, p)
		}
		return nil
	}
	if f.ExpectBuildErrorKind != "" {
		if got := out.GetError().GetKind(); got != f.buildErrorKind {
			ff.expected = append(ff.expected, fmt.Sprintf("%s: build must fail with %s, got %s", what, f.ExpectBuildErrorKind, describeBuild(out)))
		}
		return nil
	}
	hr := out.GetHttpRequest()
	if hr == nil {
		ff.expected = append(ff.expected, fmt.Sprintf("%s: build must return a request, got %s", what, describeBuild(out)))
		return nil
	}
	ff.built++
	secrets := secretsFor(s.m, cc.GetCredentials(), f.request)
	ff.expected = append(ff.expected, prefix(what, expectRequestProblems(f.ExpectRequest, hr, cc.GetBaseUrl(), s.m.GetIdempotencyHeader()))...)
	ff.host = append(ff.host, prefix(what, hostProblems(hr, cc.GetBaseUrl(), s.m.GetEgressHosts()))...)
	if f.info.Mutating {
		ff.idem = append(ff.idem, prefix(what, idempotencyProblems(hr, s.m.GetIdempotencyHeader()))...)
	}
	ff.reqSecrets = append(ff.reqSecrets, prefix(what, requestLeaks(hr, secrets))...)

	po, fault, err := s.parse(ctx, s.t, &pluginv1.ParseResponseInput{Flow: f.flow, Request: reqB, Context: cc, State: f.state,
		HttpRequest: stripSecretHeaders(hr), HttpResponse: fixtureResponse(f.Response)}, what+" parse")
	if err != nil {
		return err
	}
	if fault != nil {
		if p := faultProblem(what+" parse", fault); p != "" {
			ff.resp = append(ff.resp, p)
		}
		return nil
	}
	ff.parsed++
	probs, text, err := responseProblems(f, po)
	if err != nil {
		return err
	}
	ff.resp = append(ff.resp, prefix(what, probs)...)
	for _, l := range textLeaks(text, secrets) {
		ff.respSecrets = append(ff.respSecrets, fmt.Sprintf("%s: the parsed result contains the %s", what, l))
	}
	return nil
}

func fixtureResponse(r *FixtureResponse) *pluginv1.HttpResponse {
	return &pluginv1.HttpResponse{Status: int32(r.Status), Headers: headerList(r.Headers), Body: r.Bytes()}
}

// responseProblems compares a parse result with the fixture's expectation.
// text is the result rendered for the secret scan.
func responseProblems(f *Fixture, po *pluginv1.ParseResponseOutput) (probs []string, text string, err error) {
	switch r := po.GetResult().(type) {
	case *pluginv1.ParseResponseOutput_Error:
		text = r.Error.GetMessage()
		if f.ExpectErrorKind == "" {
			return []string{fmt.Sprintf("parse returned %s; the fixture expects a response", errorText(r.Error))}, text, nil
		}
		if r.Error.GetKind() != f.parseErrorKind {
			return []string{fmt.Sprintf("parse must fail with %s, got %s", f.ExpectErrorKind, errorText(r.Error))}, text, nil
		}
		return nil, text, nil
	case *pluginv1.ParseResponseOutput_Response:
		msg := f.info.NewResponse()
		if err := msg.UnmarshalVT(r.Response); err != nil {
			return []string{fmt.Sprintf("parse returned bytes that are not a %s: %v", f.info.Name(), err)}, "", nil
		}
		fillHTTPStatus(msg.ProtoReflect(), f.Response.Status)
		b, err := marshalJSON.Marshal(msg)
		if err != nil {
			return nil, "", fmt.Errorf("render response: %w", err)
		}
		text = string(b)
		if f.ExpectErrorKind != "" {
			return []string{fmt.Sprintf("parse must fail with %s, got a response %s", f.ExpectErrorKind, short(text, 300))}, text, nil
		}
		return matchSubset(f.expectResponse, msg.ProtoReflect()), text, nil
	case *pluginv1.ParseResponseOutput_NextStep:
		return []string{fmt.Sprintf("parse asked for next step %s; a fixture must end in a response or an error", r.NextStep.GetFlow())}, "", nil
	}
	return []string{"parse returned no result"}, "", nil
}

func describeBuild(out *pluginv1.BuildRequestOutput) string {
	switch r := out.GetResult().(type) {
	case *pluginv1.BuildRequestOutput_Error:
		return "error " + errorText(r.Error)
	case *pluginv1.BuildRequestOutput_NextStep:
		return fmt.Sprintf("a next step %s (put that step's result in the fixture's state)", r.NextStep.GetFlow())
	case *pluginv1.BuildRequestOutput_HttpRequest:
		return fmt.Sprintf("a request %s %s", r.HttpRequest.GetMethod(), r.HttpRequest.GetUrl())
	}
	return "no result"
}

func prefix(what string, probs []string) []string {
	out := make([]string, 0, len(probs))
	for _, p := range probs {
		out = append(out, what+": "+p)
	}
	return out
}

// expectRequestProblems compares hr with a fixture's expect_request.
func expectRequestProblems(e *ExpectRequest, hr *pluginv1.HttpRequest, baseURL, idemHeader string) []string {
	if e == nil {
		return nil
	}
	var probs []string
	if e.Method != "" && !strings.EqualFold(e.Method, hr.GetMethod()) {
		probs = append(probs, fmt.Sprintf("method: want %s, got %s", e.Method, hr.GetMethod()))
	}
	if e.URL != "" && e.URL != hr.GetUrl() {
		probs = append(probs, fmt.Sprintf("url: want %s, got %s", e.URL, hr.GetUrl()))
	}
	if e.Path != "" {
		u, err := url.Parse(hr.GetUrl())
		switch {
		case err != nil:
			probs = append(probs, fmt.Sprintf("url %q does not parse: %v", hr.GetUrl(), err))
		case u.Path != e.Path && relativePath(u, baseURL) != e.Path:
			probs = append(probs, fmt.Sprintf("path: want %s, got %s (url %s)", e.Path, u.Path, hr.GetUrl()))
		}
	}
	if e.IdempotencyKey != "" {
		if got := headerOf(hr, idemHeader); got != e.IdempotencyKey {
			probs = append(probs, fmt.Sprintf("idempotency key (%s): want %q, got %q", idemHeader, e.IdempotencyKey, got))
		}
	}
	names := make([]string, 0, len(e.Headers))
	for name := range e.Headers {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if want, got := e.Headers[name], headerOf(hr, name); got != want {
			probs = append(probs, fmt.Sprintf("header %s: want %q, got %q", name, want, got))
		}
	}
	body := string(hr.GetBody())
	for _, sub := range e.BodyContains {
		if !strings.Contains(body, sub) {
			probs = append(probs, fmt.Sprintf("body does not contain %q (body: %s)", sub, short(body, 300)))
		}
	}
	return probs
}

// relativePath is u's path relative to the base URL's path when u is on the
// base URL ("/payments" for .../v71/payments on base .../v71), else "".
func relativePath(u *url.URL, baseURL string) string {
	base, err := url.Parse(baseURL)
	if err != nil || !strings.EqualFold(base.Host, u.Host) {
		return ""
	}
	prefix := strings.TrimSuffix(base.Path, "/")
	if prefix == "" || !strings.HasPrefix(u.Path, prefix+"/") {
		return ""
	}
	return strings.TrimPrefix(u.Path, prefix)
}

func headerOf(hr *pluginv1.HttpRequest, name string) string {
	for _, h := range hr.GetHeaders() {
		if strings.EqualFold(h.GetName(), name) {
			return h.GetValue()
		}
	}
	return ""
}

// hostProblems checks that hr goes over https to the base URL's host or an egress host.
func hostProblems(hr *pluginv1.HttpRequest, baseURL string, egress []string) []string {
	u, err := url.Parse(hr.GetUrl())
	if err != nil || u.Host == "" {
		return []string{fmt.Sprintf("url %q is not an absolute URL", hr.GetUrl())}
	}
	var probs []string
	if u.Scheme != "https" {
		probs = append(probs, fmt.Sprintf("url %s does not use https", hr.GetUrl()))
	}
	base, _ := url.Parse(baseURL)
	if !(base != nil && strings.EqualFold(base.Hostname(), u.Hostname())) && !manifest.HostAllowed(u.Hostname(), egress) {
		probs = append(probs, fmt.Sprintf("host %s is neither the base URL's host nor in egress_hosts %v (url %s)", u.Hostname(), egress, hr.GetUrl()))
	}
	return probs
}

// idempotencyProblems checks a mutating flow's request: POST and PATCH
// must carry the idempotency header (marked idempotent when the processor
// honours it, which the suite cannot see; unmarked requests are never
// retried by the host); PUT and
// DELETE, idempotent by HTTP semantics, must be marked idempotent; GET and
// HEAD (a mutating flow that only reads at this processor) need nothing.
func idempotencyProblems(hr *pluginv1.HttpRequest, header string) []string {
	var probs []string
	switch strings.ToUpper(hr.GetMethod()) {
	case "GET", "HEAD":
		return nil
	case "PUT", "DELETE":
		if !hr.GetIdempotent() {
			probs = append(probs, fmt.Sprintf("%s request not marked idempotent (HttpRequest.idempotent is false)", hr.GetMethod()))
		}
		return probs
	}
	if header == "" {
		return []string{"manifest.idempotency_header is empty"}
	}
	switch key := headerOf(hr, header); {
	case key == "":
		probs = append(probs, fmt.Sprintf("no %s header", header))
	case len(key) > abi.IdempotencyKeyMaxLen:
		probs = append(probs, fmt.Sprintf("%s is %d characters; the ABI allows %d", header, len(key), abi.IdempotencyKeyMaxLen))
	}
	// Not marked idempotent is allowed: the host then never retries the
	// request, which is the safe side when the processor does not honour the
	// key (pdk.Request.AdvisoryIdempotencyKey).
	return probs
}
