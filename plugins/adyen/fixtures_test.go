package adyen

import (
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
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

// fixture is one file of plugins/adyen/fixtures (conformance/FIXTURES.md).
type fixture struct {
	Name        string            `json:"name"`
	Flow        string            `json:"flow"`
	Credentials map[string]string `json:"credentials"`
	Config      map[string]string `json:"config"`
	State       json.RawMessage   `json:"state"`
	Request     json.RawMessage   `json:"request"`
	ExpectReq   *struct {
		Method         string   `json:"method"`
		Path           string   `json:"path"`
		IdempotencyKey string   `json:"idempotency_key"`
		BodyContains   []string `json:"body_contains"`
	} `json:"expect_request"`
	Response *struct {
		Status   int               `json:"status"`
		Headers  map[string]string `json:"headers"`
		Body     json.RawMessage   `json:"body"`
		BodyText *string           `json:"body_text"`
	} `json:"response"`
	ExpectResponse  json.RawMessage `json:"expect_response"`
	ExpectErrorKind string          `json:"expect_error_kind"`
	ExpectBuildKind string          `json:"expect_build_error_kind"`

	Webhook *struct {
		Method   string            `json:"method"`
		URL      string            `json:"url"`
		Headers  map[string]string `json:"headers"`
		BodyText string            `json:"body_text"`
	} `json:"webhook"`
	NowUnixMs       int64 `json:"now_unix_ms"`
	SignatureInBody bool  `json:"signature_in_body"`
	// SignedValues are values the HMAC covers (for the conformance suite's tampering check).
	SignedValues    []string        `json:"signed_values"`
	SignatureHeader string          `json:"signature_header"`
	ExpectEvents    json.RawMessage `json:"expect_events"`
}

// TestFixtures runs every shipped fixture natively through pdktest and
// subset-matches the expected unified responses via protojson.
func TestFixtures(t *testing.T) { runFixtures(t, newKit()) }

// runFixtures runs the fixtures on tr (natively, or a loaded .wasm).
func runFixtures(t *testing.T, tr pdktest.Transformer) {
	files, err := filepath.Glob(filepath.Join("fixtures", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	m, err := tr.Manifest()
	if err != nil {
		t.Fatal(err)
	}
	covered := map[string]bool{}
	webhooks := 0
	for _, file := range files {
		raw, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var f fixture
		dec := json.NewDecoder(strings.NewReader(string(raw)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&f); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		if want := strings.TrimSuffix(filepath.Base(file), ".json"); f.Name != want {
			t.Errorf("%s: name %q differs from the file name", file, f.Name)
		}
		t.Run(f.Name, func(t *testing.T) {
			if f.Webhook != nil {
				webhooks++
				runWebhookFixture(t, tr, &f)
				return
			}
			covered[f.Flow] = true
			runFlowFixture(t, tr, &f)
		})
	}
	for _, fl := range m.GetFlows() {
		if !covered[fl.String()] {
			t.Errorf("no fixture for declared flow %v", fl)
		}
	}
	if webhooks == 0 {
		t.Error("no webhook fixtures")
	}
}

func runFlowFixture(t *testing.T, tr pdktest.Transformer, f *fixture) {
	flow, ok := v1.Flow_value[f.Flow]
	if !ok {
		t.Fatalf("unknown flow %q", f.Flow)
	}
	info, err := abi.Lookup(v1.Flow(flow))
	if err != nil {
		t.Fatal(err)
	}
	req := info.NewRequest()
	if err := protojson.Unmarshal(f.Request, req); err != nil {
		t.Fatalf("request: %v", err)
	}
	call := pdktest.Call{Flow: v1.Flow(flow), Request: req, Credentials: f.Credentials, Config: f.Config}
	if len(f.State) > 0 {
		call.State = &v1.ConnectorState{}
		if err := protojson.Unmarshal(f.State, call.State); err != nil {
			t.Fatalf("state: %v", err)
		}
	}
	if f.Response != nil {
		call.Status, call.Headers = f.Response.Status, f.Response.Headers
		switch {
		case f.Response.BodyText != nil:
			call.Body = []byte(*f.Response.BodyText)
		case len(f.Response.Body) > 0:
			call.Body = f.Response.Body
		}
	}
	res, err := pdktest.Run(tr, call)
	if err != nil {
		t.Fatal(err)
	}
	if f.ExpectBuildKind != "" {
		if res.BuildError.GetKind().String() != f.ExpectBuildKind {
			t.Fatalf("build error = %v, want %s", res.BuildError, f.ExpectBuildKind)
		}
		return
	}
	if res.BuildError != nil || res.HTTP == nil {
		t.Fatalf("build failed: %v (next step %v)", res.BuildError, res.NextStep)
	}
	if e := f.ExpectReq; e != nil {
		u, err := url.Parse(res.HTTP.GetUrl())
		if err != nil {
			t.Fatal(err)
		}
		base, _ := url.Parse(call.Context().GetBaseUrl())
		path := strings.TrimPrefix(u.Path, strings.TrimRight(base.Path, "/"))
		if e.Method != "" && res.HTTP.GetMethod() != e.Method {
			t.Errorf("method = %s, want %s", res.HTTP.GetMethod(), e.Method)
		}
		if e.Path != "" && path != e.Path {
			t.Errorf("path = %s, want %s", path, e.Path)
		}
		if e.IdempotencyKey != "" && pdktest.HeaderValue(res.HTTP, idempotencyHeader) != e.IdempotencyKey {
			t.Errorf("idempotency key = %q, want %q", pdktest.HeaderValue(res.HTTP, idempotencyHeader), e.IdempotencyKey)
		}
		for _, s := range e.BodyContains {
			if !strings.Contains(string(res.HTTP.GetBody()), s) {
				t.Errorf("body lacks %s\nbody: %s", s, res.HTTP.GetBody())
			}
		}
	}
	if f.ExpectErrorKind != "" {
		if res.ParseError.GetKind().String() != f.ExpectErrorKind {
			t.Fatalf("parse error = %v, want %s", res.ParseError, f.ExpectErrorKind)
		}
		return
	}
	if res.ParseError != nil {
		t.Fatalf("parse error: %v", res.ParseError)
	}
	subsetMatch(t, res.Response, f.ExpectResponse)
}

func runWebhookFixture(t *testing.T, tr pdktest.Transformer, f *fixture) {
	if !f.SignatureInBody {
		t.Fatal("Adyen signs inside the body: set signature_in_body")
	}
	var headers []*v1.HttpHeader
	for k, v := range f.Webhook.Headers {
		headers = append(headers, &v1.HttpHeader{Name: k, Value: v})
	}
	call := pdktest.Call{Credentials: f.Credentials, Now: time.UnixMilli(f.NowUnixMs)}
	out, err := tr.VerifyWebhook(&pluginv1.VerifyWebhookInput{
		Webhook: &v1.WebhookRequest{Method: f.Webhook.Method, Url: f.Webhook.URL, Headers: headers, Body: []byte(f.Webhook.BodyText)},
		Context: call.Context(),
	})
	if err != nil {
		t.Fatal(err)
	}
	v := out.GetVerified()
	if v == nil {
		t.Fatalf("not verified: %v %v", out.GetRejection(), out.GetError())
	}
	var want []json.RawMessage
	if err := json.Unmarshal(f.ExpectEvents, &want); err != nil {
		t.Fatal(err)
	}
	if len(v.GetEvents()) != len(want) {
		t.Fatalf("%d events, want %d", len(v.GetEvents()), len(want))
	}
	for i, w := range want {
		subsetMatch(t, v.GetEvents()[i], w)
	}
	// The same body under another key is refused.
	creds := map[string]string{credHMACKey: strings.Repeat("0F", 32)}
	out, err = tr.VerifyWebhook(&pluginv1.VerifyWebhookInput{
		Webhook: &v1.WebhookRequest{Method: f.Webhook.Method, Url: f.Webhook.URL, Body: []byte(f.Webhook.BodyText)},
		Context: (&pdktest.Call{Credentials: creds}).Context(),
	})
	if err != nil || out.GetRejection() == nil {
		t.Fatalf("wrong key not rejected: %v %v", out, err)
	}
}

// subsetMatch checks that every field of want (protojson) equals got's.
func subsetMatch(t *testing.T, got proto.Message, want json.RawMessage) {
	t.Helper()
	b, err := protojson.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	var g, w any
	if err := json.Unmarshal(b, &g); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(want, &w); err != nil {
		t.Fatal(err)
	}
	if msg := subset(w, g, ""); msg != "" {
		t.Fatalf("%s\ngot: %s", msg, b)
	}
}

func subset(want, got any, path string) string {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return fmt.Sprintf("%s: got %v, want an object", path, got)
		}
		for k, wv := range w {
			if msg := subset(wv, g[k], path+"."+k); msg != "" {
				return msg
			}
		}
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return fmt.Sprintf("%s: got %v, want %d items", path, got, len(w))
		}
		for i := range w {
			if msg := subset(w[i], g[i], fmt.Sprintf("%s[%d]", path, i)); msg != "" {
				return msg
			}
		}
	default:
		// protojson writes int64 as strings; fixtures may write numbers.
		if scalar(want) != scalar(got) {
			if got == nil && (want == false || want == float64(0) || want == "") {
				return ""
			}
			return fmt.Sprintf("%s: got %v, want %v", path, got, want)
		}
	}
	return ""
}

func scalar(v any) string {
	if f, ok := v.(float64); ok {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	return fmt.Sprint(v)
}
