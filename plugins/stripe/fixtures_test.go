package stripe

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/connectorhost/connector-host/abi"
	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk/pdktest"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
)

// Conformance fixtures (conformance/FIXTURES.md). fixturegen_test.go
// generates plugins/stripe/fixtures; this file runs every fixture file
// natively through pdktest, as the conformance suite does inside wasm.

const fixtureDir = "fixtures"

type fixture struct {
	Name                 string            `json:"name"`
	Flow                 string            `json:"flow,omitempty"`
	Webhook              *fixtureWebhook   `json:"webhook,omitempty"`
	Credentials          map[string]string `json:"credentials"`
	Config               map[string]string `json:"config,omitempty"`
	State                json.RawMessage   `json:"state,omitempty"`
	Request              json.RawMessage   `json:"request,omitempty"`
	ExpectRequest        *expectRequest    `json:"expect_request,omitempty"`
	Response             *fixtureResponse  `json:"response,omitempty"`
	ExpectResponse       json.RawMessage   `json:"expect_response,omitempty"`
	ExpectErrorKind      string            `json:"expect_error_kind,omitempty"`
	ExpectBuildErrorKind string            `json:"expect_build_error_kind,omitempty"`
	NowUnixMs            int64             `json:"now_unix_ms,omitempty"`
	SignatureHeader      string            `json:"signature_header,omitempty"`
	ExpectEvents         []json.RawMessage `json:"expect_events,omitempty"`
}

type fixtureWebhook struct {
	Method   string            `json:"method"`
	URL      string            `json:"url"`
	Headers  map[string]string `json:"headers"`
	BodyText string            `json:"body_text"`
}

type expectRequest struct {
	Method         string   `json:"method,omitempty"`
	Path           string   `json:"path,omitempty"`
	IdempotencyKey string   `json:"idempotency_key,omitempty"`
	BodyContains   []string `json:"body_contains,omitempty"`
}

type fixtureResponse struct {
	Status   int               `json:"status"`
	Headers  map[string]string `json:"headers,omitempty"`
	Body     json.RawMessage   `json:"body,omitempty"`
	BodyText *string           `json:"body_text,omitempty"`
}

func loadFixtures(t *testing.T) map[string]*fixture {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(fixtureDir, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*fixture{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		var fx fixture
		if err := dec.Decode(&fx); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if fx.Name+".json" != filepath.Base(f) {
			t.Errorf("%s: name %q does not match the file name", f, fx.Name)
		}
		out[filepath.Base(f)] = &fx
	}
	return out
}

// TestFixtures runs every fixture file natively.
func TestFixtures(t *testing.T) {
	fixtures := loadFixtures(t)
	if len(fixtures) == 0 {
		t.Fatal("no fixtures")
	}
	m, err := pdktest.New(New()).Manifest()
	if err != nil {
		t.Fatal(err)
	}
	covered := map[string]bool{}
	webhooks := 0
	names := make([]string, 0, len(fixtures))
	for n := range fixtures {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fx := fixtures[n]
		t.Run(fx.Name, func(t *testing.T) {
			if fx.Webhook != nil {
				webhooks++
				runWebhookFixture(t, fx)
				return
			}
			covered[fx.Flow] = true
			runFlowFixture(t, fx, m.GetIdempotencyHeader())
		})
	}
	for _, f := range m.GetFlows() {
		if !covered[f.String()] {
			t.Errorf("no fixture for %v", f)
		}
	}
	if webhooks == 0 {
		t.Error("no webhook fixtures")
	}
}

func runFlowFixture(t *testing.T, fx *fixture, idemHeader string) {
	flow, ok := v1.Flow_value[fx.Flow]
	if !ok {
		t.Fatalf("unknown flow %q", fx.Flow)
	}
	info, err := abi.Lookup(v1.Flow(flow))
	if err != nil {
		t.Fatal(err)
	}
	req := info.NewRequest()
	if err := protojson.Unmarshal(fx.Request, req); err != nil {
		t.Fatalf("request: %v", err)
	}
	var state *v1.ConnectorState
	if len(fx.State) > 0 {
		state = &v1.ConnectorState{}
		if err := protojson.Unmarshal(fx.State, state); err != nil {
			t.Fatalf("state: %v", err)
		}
	}
	call := pdktest.Call{Flow: v1.Flow(flow), Request: req, Credentials: fx.Credentials, Config: fx.Config, State: state}
	if r := fx.Response; r != nil {
		call.Status, call.Headers = r.Status, r.Headers
		if r.BodyText != nil {
			call.Body = []byte(*r.BodyText)
		} else {
			call.Body = r.Body
		}
	}
	res, err := pdktest.Run(pdktest.New(New()), call)
	if err != nil {
		t.Fatal(err)
	}
	if fx.ExpectBuildErrorKind != "" {
		if res.BuildError.GetKind().String() != fx.ExpectBuildErrorKind {
			t.Fatalf("build error = %v, want %s", res.BuildError, fx.ExpectBuildErrorKind)
		}
		return
	}
	if res.BuildError != nil {
		t.Fatalf("build error: %v", res.BuildError)
	}
	if e := fx.ExpectRequest; e != nil {
		u, err := url.Parse(res.HTTP.GetUrl())
		if err != nil {
			t.Fatal(err)
		}
		if e.Method != "" && res.HTTP.GetMethod() != e.Method {
			t.Errorf("method = %s, want %s", res.HTTP.GetMethod(), e.Method)
		}
		if e.Path != "" && u.Path != e.Path {
			t.Errorf("path = %s, want %s", u.Path, e.Path)
		}
		if got := pdktest.HeaderValue(res.HTTP, idemHeader); e.IdempotencyKey != "" && got != e.IdempotencyKey {
			t.Errorf("idempotency key = %q, want %q", got, e.IdempotencyKey)
		}
		for _, s := range e.BodyContains {
			if !strings.Contains(string(res.HTTP.GetBody()), s) {
				t.Errorf("body lacks %q: %s", s, res.HTTP.GetBody())
			}
		}
	}
	if fx.ExpectErrorKind != "" {
		if res.ParseError.GetKind().String() != fx.ExpectErrorKind {
			t.Fatalf("parse error = %v, want %s (response %v)", res.ParseError, fx.ExpectErrorKind, res.Response)
		}
		return
	}
	if res.ParseError != nil {
		t.Fatalf("parse error: %v", res.ParseError)
	}
	if len(fx.ExpectResponse) == 0 {
		t.Fatal("fixture has neither expect_response nor an expected error kind")
	}
	subsetMatch(t, "response", res.Response, fx.ExpectResponse)
}

func runWebhookFixture(t *testing.T, fx *fixture) {
	w := fx.Webhook
	names := make([]string, 0, len(w.Headers))
	for k := range w.Headers {
		names = append(names, k)
	}
	sort.Strings(names)
	var hs []*v1.HttpHeader
	for _, k := range names {
		hs = append(hs, &v1.HttpHeader{Name: k, Value: w.Headers[k]})
	}
	run := func(headers []*v1.HttpHeader, body []byte, creds map[string]string, nowMs int64) *pluginv1.VerifyWebhookOutput {
		cc := (&pdktest.Call{Credentials: creds, Now: time.UnixMilli(nowMs)}).Context()
		out, err := pdktest.New(New()).VerifyWebhook(&pluginv1.VerifyWebhookInput{
			Webhook: &v1.WebhookRequest{Method: w.Method, Url: w.URL, Headers: headers, Body: body}, Context: cc,
		})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	out := run(hs, []byte(w.BodyText), fx.Credentials, fx.NowUnixMs)
	if out.GetVerified() == nil {
		t.Fatalf("not verified: %v", out)
	}
	events := out.GetVerified().GetEvents()
	if len(events) != len(fx.ExpectEvents) {
		t.Fatalf("%d events, want %d", len(events), len(fx.ExpectEvents))
	}
	for i, e := range fx.ExpectEvents {
		subsetMatch(t, fmt.Sprintf("event %d", i), events[i], e)
	}

	// The negative cases the suite derives, natively.
	body := []byte(w.BodyText)
	flipped := append([]byte(nil), body...)
	flipped[len(flipped)/2] ^= 0x20
	if run(hs, flipped, fx.Credentials, fx.NowUnixMs).GetVerified() != nil {
		t.Error("flipped body accepted")
	}
	var without []*v1.HttpHeader
	for _, h := range hs {
		if !strings.EqualFold(h.GetName(), fx.SignatureHeader) {
			without = append(without, h)
		}
	}
	if got := run(without, body, fx.Credentials, fx.NowUnixMs).GetRejection().GetReason(); got != pluginv1.RejectionReason_REJECTION_REASON_MISSING_SIGNATURE {
		t.Errorf("without signature: %v", got)
	}
	wrong := map[string]string{}
	for k, v := range fx.Credentials {
		wrong[k] = v
	}
	wrong[credWebhookSecret] = "whsec_wrong"
	if got := run(hs, body, wrong, fx.NowUnixMs).GetRejection().GetReason(); got != pluginv1.RejectionReason_REJECTION_REASON_SIGNATURE_MISMATCH {
		t.Errorf("wrong secret: %v", got)
	}
	if got := run(hs, body, fx.Credentials, fx.NowUnixMs+(webhookTolerance+60)*1000).GetRejection().GetReason(); got != pluginv1.RejectionReason_REJECTION_REASON_STALE_TIMESTAMP {
		t.Errorf("past tolerance: %v", got)
	}
}

// subsetMatch checks every field of want (protojson) equals got's; fields
// want does not list are not compared. Lists must match element-wise.
func subsetMatch(t *testing.T, what string, got proto.Message, want json.RawMessage) {
	t.Helper()
	// Normalize want through the message type (int64 as strings, enum names).
	norm := got.ProtoReflect().New().Interface()
	if err := protojson.Unmarshal(want, norm); err != nil {
		t.Fatalf("%s: expected value does not fit %T: %v", what, got, err)
	}
	wb, err := protojson.Marshal(norm)
	if err != nil {
		t.Fatal(err)
	}
	gb, err := protojson.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	var w, g any
	if err := json.Unmarshal(wb, &w); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(gb, &g); err != nil {
		t.Fatal(err)
	}
	if diff := subset("", w, g); diff != "" {
		t.Errorf("%s: %s\ngot:  %s\nwant: %s", what, diff, gb, wb)
	}
}

func subset(path string, want, got any) string {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return fmt.Sprintf("%s: got %v, want an object", path, got)
		}
		keys := make([]string, 0, len(w))
		for k := range w {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if d := subset(path+"."+k, w[k], g[k]); d != "" {
				return d
			}
		}
		return ""
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return fmt.Sprintf("%s: got %v, want %d elements", path, got, len(w))
		}
		for i := range w {
			if d := subset(fmt.Sprintf("%s[%d]", path, i), w[i], g[i]); d != "" {
				return d
			}
		}
		return ""
	default:
		if fmt.Sprint(want) != fmt.Sprint(got) {
			return fmt.Sprintf("%s: got %v, want %v", path, got, want)
		}
		return ""
	}
}
