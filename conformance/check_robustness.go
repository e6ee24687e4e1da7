package conformance

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/connectorhost/connector-host/abi"
	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/host/sandbox"
)

// Robustness check IDs.
const (
	idHTTPErrors    = "robustness.http_errors"
	idMalformed     = "robustness.malformed"
	idUnknownStatus = "robustness.unknown_status"
)

// errorStatuses are the processor error answers every flow must survive.
var errorStatuses = []int{400, 401, 402, 404, 409, 429, 500, 503}

// genericErrorBody looks like the error bodies of common processors (Stripe's
// error object, Adyen's service exception) without being any of them.
const genericErrorBody = `{"error":{"type":"api_error","code":"conformance_error","message":"Conformance test error"},` +
	`"status":500,"errorCode":"999_999","message":"Conformance test error","errorType":"internal"}`

const htmlPage = "<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1>" +
	"<p>The server returned an invalid or incomplete response.</p></body></html>\n"

// hugeBodySize is the size of the huge-body case.
const hugeBodySize = 1 << 20

// robustCase is one generated processor answer.
type robustCase struct {
	name   string
	status int
	ctype  string
	body   []byte
	// bodyless: the flow succeeds without a body, so a success is allowed.
	bodyless bool
}

func jsonCase(name string, status int, body []byte) robustCase {
	return robustCase{name: name, status: status, ctype: "application/json", body: body}
}

// hugeBody is ~1 MiB of valid JSON of the wrong shape (an array of strings).
func hugeBody() []byte {
	var b bytes.Buffer
	b.WriteByte('[')
	for b.Len() < hugeBodySize {
		b.WriteString(`"conformance padding",`)
	}
	b.WriteString(`"end"]`)
	return b.Bytes()
}

func deepBody() []byte {
	const depth = 100000
	return []byte(strings.Repeat("[", depth) + strings.Repeat("]", depth))
}

// successBody returns the JSON body of the flow's best fixture for generated
// cases: a 2xx answer whose expected response is a success, else any 2xx JSON answer.
func successBody(fs []*Fixture) []byte {
	var fallback []byte
	for _, f := range fs {
		if f.Response == nil || f.Response.Status/100 != 2 || !json.Valid(f.Response.Bytes()) || len(f.Response.Bytes()) == 0 {
			continue
		}
		if len(f.ExpectResponse) > 0 {
			msg := f.info.NewResponse()
			if strictJSON.Unmarshal(f.ExpectResponse, msg) == nil {
				if ok, _ := successVerdict(msg.ProtoReflect()); ok {
					return f.Response.Bytes()
				}
			}
		}
		if fallback == nil {
			fallback = f.Response.Bytes()
		}
	}
	return fallback
}

// emptySuccess reports whether one of the flow's fixtures is a 2xx answer
// with an empty body (a processor that answers 204 on success).
func emptySuccess(fs []*Fixture) bool {
	for _, f := range fs {
		if f.Response != nil && f.Response.Status/100 == 2 && len(f.Response.Bytes()) == 0 {
			return true
		}
	}
	return false
}

// checkRobustness feeds every declared flow processor errors, malformed
// bodies and unknown statuses: each must give a typed error or a defined
// non-success status, never a trap and never a success.
func (s *suite) checkRobustness(ctx context.Context) error {
	for _, flow := range s.declaredFlows() {
		if err := s.robustFlow(ctx, flow); err != nil {
			return err
		}
	}
	return nil
}

func (s *suite) robustFlow(ctx context.Context, flow v1.Flow) error {
	bc, err := s.baseCase(flow)
	if err != nil {
		return err
	}
	hr, err := s.builtRequest(ctx, flow, bc)
	if err != nil {
		return err
	}
	fs := s.fixturesFor(flow)
	sb := successBody(fs)

	var httpCases []robustCase
	for _, st := range errorStatuses {
		httpCases = append(httpCases, jsonCase(fmt.Sprintf("HTTP %d with an error body", st), st, []byte(genericErrorBody)))
		if sb != nil {
			httpCases = append(httpCases, jsonCase(fmt.Sprintf("HTTP %d with the fixture's success body", st), st, sb))
		}
	}
	truncated := []byte(`{"id":"conf_1","status":"succ`)
	if sb != nil {
		truncated = sb[:len(sb)/2]
	}
	malformed := []robustCase{
		{name: "HTTP 200 with an HTML page", status: 200, ctype: "text/html", body: []byte(htmlPage)},
		{name: "HTTP 502 with a proxy's HTML page", status: 502, ctype: "text/html", body: []byte(htmlPage)},
		jsonCase("HTTP 200 with truncated JSON", 200, truncated),
		jsonCase("HTTP 200 with a huge body (1 MiB of JSON of the wrong shape)", 200, hugeBody()),
		jsonCase("HTTP 200 with JSON nested 100000 levels deep", 200, deepBody()),
	}
	bodyless := emptySuccess(fs)
	if !bodyless {
		malformed = append([]robustCase{jsonCase("HTTP 200 with an empty body", 200, nil)}, malformed...)
	} else {
		// The processor answers success without a body (204-style): the body of
		// a 2xx answer is no evidence, so only traps count for those cases.
		for i := range malformed {
			malformed[i].bodyless = malformed[i].status/100 == 2
		}
	}

	groups := []struct {
		id, pass, fix string
		cases         []robustCase
	}{
		{idHTTPErrors, "processor errors give typed errors or non-success statuses",
			"Check the HTTP status before reading the body and map errors to typed errors (pdk.Errorf: 401 → ERROR_KIND_CREDENTIALS, 404 → NOT_FOUND, 409 → CONFLICT, 429 → RATE_LIMITED, 5xx → PROCESSOR_UNAVAILABLE); a decline may be a *_FAILED response. Never report success from an error answer.",
			httpCases},
		{idMalformed, "malformed answers give typed errors",
			"Return pdk.InvalidResponse for answers you cannot parse (empty, HTML, truncated, wrong shape, too deep); check every lookup into parsed JSON: a panic traps the call.",
			malformed},
	}
	for _, g := range groups {
		probs, err := s.robustCases(ctx, flow, bc, hr, g.cases)
		if err != nil {
			return err
		}
		s.report.add(result(g.id, CategoryRobustness, flow, probs, fmt.Sprintf("%d answers: %s", len(g.cases), g.pass), g.fix))
	}

	const unknownFix = "Map processor statuses with a table whose fallback is the UNKNOWN (or a pending) status (pdk/statusmap): a new status must never read as success."
	if sb == nil {
		s.report.add(skipped(idUnknownStatus, CategoryRobustness, flow, "no fixture with a 2xx JSON answer to take statuses from"))
		return nil
	}
	body, n, err := replaceStatuses(sb)
	if err != nil || n == 0 {
		s.report.add(skipped(idUnknownStatus, CategoryRobustness, flow, "the fixture's answer has no status-like field (status, state, resultCode) to replace"))
		return nil
	}
	probs, err := s.robustCases(ctx, flow, bc, hr, []robustCase{jsonCase(fmt.Sprintf("HTTP 200 with every status replaced by %q", unknownStatus), 200, body)})
	if err != nil {
		return err
	}
	s.report.add(result(idUnknownStatus, CategoryRobustness, flow, probs, fmt.Sprintf("%q gives a fallback status or an error", unknownStatus), unknownFix))
	return nil
}

// robustCases parses each case and returns the problems.
func (s *suite) robustCases(ctx context.Context, flow v1.Flow, bc *baseCase, hr *pluginv1.HttpRequest, cases []robustCase) ([]string, error) {
	info, err := abi.Lookup(flow)
	if err != nil {
		return nil, err
	}
	var probs []string
	for _, c := range cases {
		res := &pluginv1.HttpResponse{Status: int32(c.status), Body: c.body,
			Headers: []*v1.HttpHeader{{Name: "Content-Type", Value: c.ctype}}}
		po, f, err := s.parse(ctx, s.t, &pluginv1.ParseResponseInput{Flow: flow, Request: bc.reqB, Context: bc.cc, State: bc.state,
			HttpRequest: hr, HttpResponse: res}, flowLabel(flow.String())+" parse of "+c.name)
		if err != nil {
			return nil, err
		}
		if c.bodyless && f == nil {
			continue
		}
		if p := judgeParse(info, c.name, po, f); p != "" {
			probs = append(probs, p)
		}
	}
	return probs, nil
}

// judgeParse returns the problem with a parse of an answer that is not a
// success, or "" when the plugin coped.
func judgeParse(info abi.FlowInfo, name string, po *pluginv1.ParseResponseOutput, f *sandbox.Fault) string {
	if f != nil {
		return faultProblem(name, f)
	}
	switch r := po.GetResult().(type) {
	case *pluginv1.ParseResponseOutput_Error:
		if r.Error.GetKind() == pluginv1.ErrorKind_ERROR_KIND_UNSPECIFIED {
			return fmt.Sprintf("%s: typed error without a kind (%q)", name, r.Error.GetMessage())
		}
		return ""
	case *pluginv1.ParseResponseOutput_NextStep:
		return ""
	case *pluginv1.ParseResponseOutput_Response:
		msg := info.NewResponse()
		if err := msg.UnmarshalVT(r.Response); err != nil {
			return fmt.Sprintf("%s: parse returned bytes that are not a %s: %v", name, info.Name(), err)
		}
		if ok, why := successVerdict(msg.ProtoReflect()); ok {
			return fmt.Sprintf("%s: parsed into a success (%s)", name, why)
		}
		return ""
	}
	return fmt.Sprintf("%s: parse returned no result", name)
}
