package conformance

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	"github.com/connectorhost/connector-host/abi"
	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
)

// Fixture is one conformance case a plugin ships: a flow fixture (request,
// processor answer, expectations) or a webhook fixture (a signed sample).
// The format is documented in conformance/FIXTURES.md.
type Fixture struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`

	// Flow fixtures.
	Flow                 string            `json:"flow,omitempty"`
	Credentials          map[string]string `json:"credentials,omitempty"`
	Config               map[string]string `json:"config,omitempty"`
	BaseURL              string            `json:"base_url,omitempty"`
	NowUnixMs            int64             `json:"now_unix_ms,omitempty"`
	State                json.RawMessage   `json:"state,omitempty"`
	Request              json.RawMessage   `json:"request,omitempty"`
	ExpectRequest        *ExpectRequest    `json:"expect_request,omitempty"`
	ExpectBuildErrorKind string            `json:"expect_build_error_kind,omitempty"`
	Response             *FixtureResponse  `json:"response,omitempty"`
	ExpectResponse       json.RawMessage   `json:"expect_response,omitempty"`
	ExpectErrorKind      string            `json:"expect_error_kind,omitempty"`

	// Webhook fixtures.
	Webhook         *FixtureWebhook   `json:"webhook,omitempty"`
	SignatureHeader string            `json:"signature_header,omitempty"`
	SignatureInBody bool              `json:"signature_in_body,omitempty"`
	SignatureValues []string          `json:"signature_values,omitempty"`
	SignedValues    []string          `json:"signed_values,omitempty"`
	ExpectEvents    []json.RawMessage `json:"expect_events,omitempty"`
	ExpectRejection string            `json:"expect_rejection,omitempty"`

	// File is the fixture's path.
	File string `json:"-"`

	flow            v1.Flow
	info            abi.FlowInfo
	request         abi.Message
	state           *v1.ConnectorState
	expectResponse  map[string]any
	expectEvents    []map[string]any
	buildErrorKind  pluginv1.ErrorKind
	parseErrorKind  pluginv1.ErrorKind
	rejectionReason pluginv1.RejectionReason
}

// ExpectRequest is what the built HTTP request must look like; every field is optional.
type ExpectRequest struct {
	Method string `json:"method,omitempty"`
	// URL is compared with the whole URL, Path with its path (no query).
	URL            string            `json:"url,omitempty"`
	Path           string            `json:"path,omitempty"`
	IdempotencyKey string            `json:"idempotency_key,omitempty"`
	BodyContains   []string          `json:"body_contains,omitempty"`
	Headers        map[string]string `json:"headers,omitempty"`
}

// FixtureResponse is the processor's canned answer.
type FixtureResponse struct {
	Status  int               `json:"status"`
	Headers map[string]string `json:"headers,omitempty"`
	// Body is a JSON body; BodyText a verbatim one (set at most one).
	Body     json.RawMessage `json:"body,omitempty"`
	BodyText *string         `json:"body_text,omitempty"`
}

// FixtureWebhook is a webhook exactly as the merchant's endpoint received it.
type FixtureWebhook struct {
	Method  string            `json:"method,omitempty"`
	URL     string            `json:"url,omitempty"`
	Headers map[string]string `json:"headers,omitempty"`
	// BodyText is the exact signed body.
	BodyText string `json:"body_text"`
	// Documents are the documents the host fetches for verification when the
	// plugin asks for them (NeedDocuments, e.g. a signing certificate), by
	// URL. A URL the plugin asks for that is not here answers 404.
	Documents map[string]string `json:"documents,omitempty"`
}

// IsWebhook reports whether f is a webhook fixture.
func (f *Fixture) IsWebhook() bool { return f.Webhook != nil }

// label names the fixture in messages: "authorize_ok (authorize_ok.json)".
func (f *Fixture) label() string {
	base := filepath.Base(f.File)
	if f.Name == "" || f.Name+".json" == base {
		return base
	}
	return f.Name + " (" + base + ")"
}

// LoadFixtures reads every *.json file of dir, sorted by name. It returns the
// fixtures that decoded and one error per file that did not. A missing
// directory is not an error: it holds no fixtures.
func LoadFixtures(dir string) ([]*Fixture, []error) {
	if dir == "" {
		return nil, nil
	}
	paths, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return nil, []error{fmt.Errorf("list fixtures in %s: %w", dir, err)}
	}
	sort.Strings(paths)
	var out []*Fixture
	var errs []error
	for _, p := range paths {
		f, err := loadFixture(p)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out = append(out, f)
	}
	return out, errs
}

func loadFixture(path string) (*Fixture, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read fixture: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	f := &Fixture{}
	if err := dec.Decode(f); err != nil {
		return nil, fmt.Errorf("%s: not a fixture (see conformance/FIXTURES.md): %w", filepath.Base(path), err)
	}
	f.File = path
	if err := f.decode(); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Base(path), err)
	}
	return f, nil
}

var strictJSON = protojson.UnmarshalOptions{DiscardUnknown: false}

// decode checks the fixture and decodes its protojson parts.
func (f *Fixture) decode() error {
	if f.IsWebhook() {
		return f.decodeWebhook()
	}
	if f.Flow == "" {
		return errors.New(`set "flow" (a connectorhost.v1.Flow name such as FLOW_AUTHORIZE) or "webhook"`)
	}
	n, ok := v1.Flow_value[f.Flow]
	if !ok || n == 0 {
		return fmt.Errorf("flow %q is not a connectorhost.v1.Flow name such as FLOW_AUTHORIZE", f.Flow)
	}
	f.flow = v1.Flow(n)
	info, err := abi.Lookup(f.flow)
	if err != nil {
		return err
	}
	f.info = info
	f.request = info.NewRequest()
	if len(f.Request) > 0 {
		if err := strictJSON.Unmarshal(f.Request, f.request); err != nil {
			return fmt.Errorf("request is not a valid %s in protojson: %w", f.request.ProtoReflect().Descriptor().Name(), err)
		}
	}
	f.state = &v1.ConnectorState{}
	if len(f.State) > 0 {
		if err := strictJSON.Unmarshal(f.State, f.state); err != nil {
			return fmt.Errorf("state is not a valid ConnectorState in protojson: %w", err)
		}
	}
	if f.ExpectBuildErrorKind != "" {
		if f.buildErrorKind, err = errorKind(f.ExpectBuildErrorKind); err != nil {
			return fmt.Errorf("expect_build_error_kind: %w", err)
		}
		return nil
	}
	if f.Response == nil {
		return errors.New(`"response" is required (or expect_build_error_kind for a request the plugin must refuse)`)
	}
	if f.Response.Status < 100 || f.Response.Status > 599 {
		return fmt.Errorf("response.status %d is not an HTTP status", f.Response.Status)
	}
	if len(f.Response.Body) > 0 && f.Response.BodyText != nil {
		return errors.New("response: set body or body_text, not both")
	}
	switch {
	case f.ExpectErrorKind != "" && len(f.ExpectResponse) > 0:
		return errors.New("set expect_response or expect_error_kind, not both")
	case f.ExpectErrorKind != "":
		if f.parseErrorKind, err = errorKind(f.ExpectErrorKind); err != nil {
			return fmt.Errorf("expect_error_kind: %w", err)
		}
	case len(f.ExpectResponse) > 0:
		if err := strictJSON.Unmarshal(f.ExpectResponse, info.NewResponse()); err != nil {
			return fmt.Errorf("expect_response is not a valid %s in protojson: %w", info.Name(), err)
		}
		if f.expectResponse, err = decodeObject(f.ExpectResponse); err != nil {
			return fmt.Errorf("expect_response: %w", err)
		}
	default:
		return errors.New("set expect_response (the unified response) or expect_error_kind (an ErrorKind name)")
	}
	return nil
}

func (f *Fixture) decodeWebhook() error {
	if f.Flow != "" || f.Response != nil || len(f.Request) > 0 {
		return errors.New(`a webhook fixture has "webhook" and no flow, request or response`)
	}
	if f.Webhook.BodyText == "" {
		return errors.New("webhook.body_text is required: the exact signed body")
	}
	if f.SignatureInBody == (f.SignatureHeader != "") {
		return errors.New("set signature_header (the header carrying the signature) or signature_in_body: true")
	}
	if f.SignatureHeader != "" && headerValue(f.Webhook.Headers, f.SignatureHeader) == "" {
		return fmt.Errorf("signature_header %q is not among webhook.headers", f.SignatureHeader)
	}
	if f.SignatureInBody {
		if len(f.SignatureValues) == 0 {
			f.SignatureValues = signaturesInBody(f.Webhook.BodyText)
		}
		if len(f.SignatureValues) == 0 {
			return errors.New("signature_in_body: no member named like *signature* in the body; list signature_values (the signatures as they appear in the body)")
		}
		for _, v := range append(append([]string(nil), f.SignatureValues...), f.SignedValues...) {
			if v == "" || !strings.Contains(f.Webhook.BodyText, v) {
				return fmt.Errorf("%q (in signature_values or signed_values) does not occur in webhook.body_text", v)
			}
		}
	}
	if f.ExpectRejection != "" {
		n, ok := pluginv1.RejectionReason_value[f.ExpectRejection]
		if !ok {
			return fmt.Errorf("expect_rejection %q is not a RejectionReason name", f.ExpectRejection)
		}
		if len(f.ExpectEvents) > 0 {
			return errors.New("set expect_events or expect_rejection, not both")
		}
		f.rejectionReason = pluginv1.RejectionReason(n)
		return nil
	}
	if len(f.ExpectEvents) == 0 {
		return errors.New("expect_events is required (or expect_rejection for a sample the plugin must refuse)")
	}
	for i, raw := range f.ExpectEvents {
		if err := strictJSON.Unmarshal(raw, &v1.Event{}); err != nil {
			return fmt.Errorf("expect_events[%d] is not a valid connectorhost.v1.Event in protojson: %w", i, err)
		}
		obj, err := decodeObject(raw)
		if err != nil {
			return fmt.Errorf("expect_events[%d]: %w", i, err)
		}
		f.expectEvents = append(f.expectEvents, obj)
	}
	return nil
}

// signaturesInBody returns the non-empty string values of JSON members whose
// name contains "signature" (Adyen's additionalData.hmacSignature), in order.
func signaturesInBody(body string) []string {
	var out []string
	seen := map[string]bool{}
	_, _, _ = rewriteJSON([]byte(body), func(key string, v any) (any, bool) {
		if s, ok := v.(string); ok && s != "" && strings.Contains(strings.ToLower(key), "signature") && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
		return nil, false
	})
	sort.Strings(out)
	return out
}

func errorKind(name string) (pluginv1.ErrorKind, error) {
	n, ok := pluginv1.ErrorKind_value[name]
	if !ok || n == 0 {
		return 0, fmt.Errorf("%q is not an ErrorKind name such as ERROR_KIND_NOT_FOUND", name)
	}
	return pluginv1.ErrorKind(n), nil
}

// decodeObject decodes a JSON object keeping numbers exact.
func decodeObject(raw []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("not a JSON object: %w", err)
	}
	return m, nil
}

// Bytes returns the answer's body: body_text verbatim, or the JSON body compacted.
func (r *FixtureResponse) Bytes() []byte {
	if r.BodyText != nil {
		return []byte(*r.BodyText)
	}
	if len(r.Body) == 0 {
		return nil
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, r.Body); err != nil {
		return append([]byte(nil), r.Body...)
	}
	return buf.Bytes()
}

// headers returns a header map as a list sorted by name (inputs must be stable).
func headerList(m map[string]string) []*v1.HttpHeader {
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	sort.Strings(names)
	out := make([]*v1.HttpHeader, 0, len(names))
	for _, n := range names {
		out = append(out, &v1.HttpHeader{Name: n, Value: m[n]})
	}
	return out
}

// headerValue looks a header up case-insensitively.
func headerValue(m map[string]string, name string) string {
	for k, v := range m {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	return ""
}

// requestBytes returns the fixture's serialized request.
func (f *Fixture) requestBytes() ([]byte, error) {
	b, err := proto.MarshalOptions{Deterministic: true}.Marshal(f.request)
	if err != nil {
		return nil, fmt.Errorf("%s: encode request: %w", f.label(), err)
	}
	return b, nil
}

// flowFileHint is the fixture file name the suite suggests for flow: "refund_get_*.json".
func flowFileHint(flow v1.Flow) string {
	return strings.ToLower(strings.TrimPrefix(flow.String(), "FLOW_")) + "_*.json"
}
