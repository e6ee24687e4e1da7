package conformance

import (
	"context"
	"fmt"

	"github.com/connectorhost/connector-host/abi"
	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	"github.com/connectorhost/connector-host/host/server"
)

// fixtureFindings are the problems running one flow fixture through the
// host's executor found, by the suite check that reports them. It is the
// one fixture path: ExecuteFixtures reports them all per fixture, the suite
// (checkFixtureCases) per flow and check.
type fixtureFindings struct {
	// expected: the build (expect_request, expect_build_error_kind, next
	// steps, faults of build_request); host, idem, reqSecrets: the request
	// the plugin built (request.host, request.idempotency, request.secrets).
	expected, host, idem, reqSecrets []string
	// resp: the answer the caller got (expect_response, expect_error_kind,
	// faults of parse_response); respSecrets: secrets in the plugin's parse
	// output (response.secrets).
	resp, respSecrets []string
	// built and parsed report whether the plugin built a request and parsed
	// the fixture's answer.
	built, parsed bool
}

// all returns every problem, in check order.
func (ff *fixtureFindings) all() []string {
	var out []string
	for _, p := range [][]string{ff.expected, ff.host, ff.idem, ff.reqSecrets, ff.resp, ff.respSecrets} {
		out = append(out, p...)
	}
	return out
}

// runFlowFixture runs flow fixture f through the host's executor (state
// seeded from the fixture's state as a caller's, credentials checked
// against the manifest, the egress check, secret headers stripped before
// parse, integrity checks, the secret scan, the ids and HTTP status the host
// fills, error mapping) with the fixture's answer as the processor's, and
// checks the exchange the executor recorded: the request the plugin built
// (as the processor received it) and the answer the caller got.
func (s *suite) runFlowFixture(ctx context.Context, f *Fixture) (*fixtureFindings, error) {
	sp := &spy{t: s.t, m: s.m, stopAtNextStep: true, suite: s, what: "fixture " + f.label()}
	proc := &cannedProcessor{egress: true}
	if f.Response != nil {
		proc.answer = fixtureResponse(f.Response)
	}
	x, call, err := s.executorFor(f, sp, proc)
	if err != nil {
		return nil, err
	}
	resp, runErr := x.Run(ctx, call, f.flow, withState(f.request, f.state))
	if sp.abort != nil {
		return nil, sp.abort
	}
	runErr = server.ConnectError(runErr)

	ff := &fixtureFindings{}
	for _, b := range sp.builds {
		if ns := b.GetNextStep(); ns != nil {
			ff.expected = append(ff.expected, fmt.Sprintf("build asked for next step %s: put that step's result in the fixture's state", ns.GetFlow()))
			return ff, nil
		}
	}
	if p := faultProblem("build", sp.buildFault); p != "" {
		ff.expected = append(ff.expected, p)
		return ff, nil
	}
	if sp.buildFault != nil {
		return ff, nil // a resource fault: the limits check reports it
	}
	if f.ExpectBuildErrorKind != "" {
		ff.expected = buildErrorProblems(f, sp, proc, runErr)
		return ff, nil
	}
	var hr *pluginv1.HttpRequest
	if n := len(sp.builds); n > 0 {
		hr = sp.builds[n-1].GetHttpRequest()
	}
	switch {
	case len(sp.builds) == 0:
		ff.expected = append(ff.expected, fmt.Sprintf("the host refused the call before build: %v", runErr))
		return ff, nil
	case hr == nil:
		ff.expected = append(ff.expected, fmt.Sprintf("build must return a request, got %s", describeBuild(sp.builds[len(sp.builds)-1])))
		return ff, nil
	}
	ff.built = true
	cc := s.callContext(f)
	secrets := secretsFor(s.m, cc.GetCredentials(), f.request)
	ff.expected = append(ff.expected, expectRequestProblems(f.ExpectRequest, hr, cc.GetBaseUrl(), s.m.GetIdempotencyHeader())...)
	ff.host = hostProblems(hr, cc.GetBaseUrl(), s.m.GetEgressHosts())
	if f.info.Mutating {
		ff.idem = idempotencyProblems(hr, s.m.GetIdempotencyHeader())
	}
	ff.reqSecrets = requestLeaks(hr, secrets)

	for _, p := range sp.parses {
		if ns := p.GetNextStep(); ns != nil {
			ff.resp = append(ff.resp, fmt.Sprintf("parse asked for next step %s; a fixture must end in a response or an error", ns.GetFlow()))
			return ff, nil
		}
	}
	if p := faultProblem("parse", sp.parseFault); p != "" {
		ff.resp = append(ff.resp, p)
		return ff, nil
	}
	if sp.parseFault != nil {
		return ff, nil
	}
	if len(proc.refused) > 0 {
		// The request never left the host: request.host says why.
		if len(ff.host) == 0 {
			ff.host = append(ff.host, fmt.Sprintf("the host's egress check refused the request: %v", proc.refused[0]))
		}
		return ff, nil
	}
	if len(sp.parses) == 0 {
		ff.resp = append(ff.resp, fmt.Sprintf("the fixture's answer was never parsed: %v", runErr))
		return ff, nil
	}
	ff.parsed = true
	text, err := parseText(f, sp.parses[len(sp.parses)-1])
	if err != nil {
		return nil, err
	}
	for _, l := range textLeaks(text, secrets) {
		ff.respSecrets = append(ff.respSecrets, "the parsed result contains the "+l)
	}
	if len(ff.respSecrets) > 0 && runErr != nil {
		return ff, nil // the host refused the answer; response.secrets says why
	}
	ff.resp = answerProblems(f, sp, resp, runErr)
	return ff, nil
}

// answerProblems compares the answer the caller got (after the host's
// checks and the fields it fills) with the fixture's expectation.
func answerProblems(f *Fixture, sp *spy, resp abi.Message, runErr error) []string {
	if f.ExpectErrorKind != "" {
		pe := lastParseError(sp)
		switch {
		case runErr == nil:
			return []string{fmt.Sprintf("the call must fail with %s, got a response %s", f.ExpectErrorKind, render(resp))}
		case pe == nil:
			return []string{fmt.Sprintf("the call must fail with %s from parse, the host answered %v", f.ExpectErrorKind, runErr)}
		case pe.GetKind() != f.parseErrorKind:
			return []string{fmt.Sprintf("parse must fail with %s, got %s", f.ExpectErrorKind, errorText(pe))}
		}
		return nil
	}
	if runErr != nil {
		return []string{fmt.Sprintf("the call failed: %v", runErr)}
	}
	return matchSubset(f.expectResponse, resp.ProtoReflect())
}

// parseText renders the plugin's own parse output (before the host fills
// anything) for the secret scan: the error's message or the response.
func parseText(f *Fixture, po *pluginv1.ParseResponseOutput) (string, error) {
	switch r := po.GetResult().(type) {
	case *pluginv1.ParseResponseOutput_Error:
		return r.Error.GetMessage(), nil
	case *pluginv1.ParseResponseOutput_Response:
		msg := f.info.NewResponse()
		if err := msg.UnmarshalVT(r.Response); err != nil {
			return string(r.Response), nil // the executor reports the bad bytes
		}
		b, err := marshalJSON.Marshal(msg)
		if err != nil {
			return "", fmt.Errorf("render response: %w", err)
		}
		return string(b), nil
	}
	return "", nil
}
