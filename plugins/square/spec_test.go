//go:build !wasip1

package square

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"github.com/connectorhost/connector-host/abi"
	"github.com/connectorhost/connector-host/conformance"
	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/internal/specfake"
	"github.com/connectorhost/connector-host/pdk/pdktest"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
)

const fakeBase = "http://square.fake.test"

func newSpecValidator(t *testing.T) *specfake.Validator {
	t.Helper()
	doc := loadSquareSpec(t)
	return specfake.NewValidator(t, fakeBase, specfake.Options{
		Mounts: []specfake.Mount{{Doc: doc}}, Authenticate: bearerAuth(testAccessToken), Check: squareRules(doc),
	})
}

// TestSpecHarnessCatchesBadRequests proves the validator fails requests that
// break Square's spec or rules, naming the problem.
func TestSpecHarnessCatchesBadRequests(t *testing.T) {
	v := newSpecValidator(t)
	valid := `{"idempotency_key":"pay:o1","source_id":"cnon:card-nonce-ok","amount_money":{"amount":1000,"currency":"USD"},"autocomplete":false}`
	cases := []struct {
		name, method, path, body, want string
		noToken, noVersion             bool
	}{
		{"valid", "POST", "/v2/payments", valid, "", false, false},
		{"wrong path", "POST", "/v2/paymentz", valid, "not an operation", false, false},
		{"unknown field", "POST", "/v2/payments", strings.Replace(valid, `"autocomplete"`, `"colour":"red","autocomplete"`, 1), "colour", false, false},
		{"unknown nested field", "POST", "/v2/payments", strings.Replace(valid, `"currency":"USD"`, `"currency":"USD","cents":1`, 1), "cents", false, false},
		{"amount as a string", "POST", "/v2/payments", strings.Replace(valid, `"amount":1000`, `"amount":"10.00"`, 1), "amount", false, false},
		{"currency outside the enum", "POST", "/v2/payments", strings.Replace(valid, `"USD"`, `"XYZ"`, 1), "currency", false, false},
		{"missing required", "POST", "/v2/payments", strings.Replace(valid, `"source_id":"cnon:card-nonce-ok",`, ``, 1), "source_id", false, false},
		{"idempotency key too long", "POST", "/v2/payments", strings.Replace(valid, `pay:o1`, strings.Repeat("k", 46), 1), "idempotency_key", false, false},
		{"no access token", "POST", "/v2/payments", valid, "Bearer", true, false},
		{"no Square-Version", "POST", "/v2/payments", valid, "Square-Version", false, true},
		{"customer without idempotency_key", "POST", "/v2/customers", `{"given_name":"Amelia"}`, "idempotency_key", false, false},
		{"complete with an unknown field", "POST", "/v2/payments/P1/complete", `{"amount_money":{"amount":1,"currency":"USD"}}`, "amount_money", false, false},
		{"evidence text too long", "POST", "/v2/disputes/D1/evidence-text",
			`{"idempotency_key":"e1","evidence_type":"RECEIPT","evidence_text":"` + strings.Repeat("x", 501) + `"}`, "evidence_text", false, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r, err := http.NewRequest(tc.method, fakeBase+tc.path, bytes.NewReader([]byte(tc.body)))
			if err != nil {
				t.Fatal(err)
			}
			r.Header.Set("Content-Type", "application/json")
			if !tc.noToken {
				r.Header.Set("Authorization", "Bearer "+testAccessToken)
			}
			if !tc.noVersion {
				r.Header.Set("Square-Version", APIVersion)
			}
			_, _, err = v.ValidateRequest(r, []byte(tc.body))
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("valid request refused: %v", err)
			case tc.want != "" && err == nil:
				t.Fatal("invalid request accepted")
			case tc.want != "" && !strings.Contains(err.Error(), tc.want):
				t.Fatalf("validator message %q does not mention %q", err, tc.want)
			}
		})
	}
}

// toHTTP turns a built request into an *http.Request on the validator's base.
func toHTTP(t *testing.T, hr *pluginv1.HttpRequest, base string) *http.Request {
	t.Helper()
	u := hr.GetUrl()
	if !strings.HasPrefix(u, base) {
		t.Fatalf("request URL %s is not on %s", u, base)
	}
	r, err := http.NewRequest(hr.GetMethod(), fakeBase+strings.TrimPrefix(u, base), bytes.NewReader(hr.GetBody()))
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range hr.GetHeaders() {
		r.Header.Add(h.GetName(), h.GetValue())
	}
	return r
}

// TestFixturesAgainstSpec builds every flow fixture's request and checks it
// against Square's spec (0 violations), and every 2xx fixture answer against
// the operation's response schema, so the fixtures are Square's shapes.
func TestFixturesAgainstSpec(t *testing.T) {
	v := newSpecValidator(t)
	fixtures, errs := conformance.LoadFixtures("fixtures")
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	kit := pdktest.New(New())
	built := map[v1.Flow]int{}
	for _, f := range fixtures {
		if f.IsWebhook() || f.ExpectBuildErrorKind != "" {
			continue
		}
		t.Run(f.Name, func(t *testing.T) {
			flow := v1.Flow(v1.Flow_value[f.Flow])
			info, err := abi.Lookup(flow)
			if err != nil {
				t.Fatal(err)
			}
			req := info.NewRequest()
			if err := protojson.Unmarshal(f.Request, req.(proto.Message)); err != nil {
				t.Fatal(err)
			}
			state := &v1.ConnectorState{}
			if len(f.State) > 0 {
				if err := protojson.Unmarshal(f.State, state); err != nil {
					t.Fatal(err)
				}
			}
			reqB, _ := req.MarshalVT()
			creds := f.Credentials
			if creds[credAccessToken] != "" {
				creds = map[string]string{credAccessToken: testAccessToken, credLocationID: creds[credLocationID]}
			}
			now := f.NowUnixMs // the fixture's clock, as the conformance suite runs it (state values may be stamped with it)
			if now == 0 {
				now = (&pdktest.Call{}).Context().GetNowUnixMs()
			}
			out, err := kit.BuildRequest(&pluginv1.BuildRequestInput{Flow: flow, Request: reqB, State: state,
				Context: &pluginv1.CallContext{Credentials: creds, BaseUrl: SandboxBaseURL, Random: make([]byte, 32), NowUnixMs: now}})
			if err != nil {
				t.Fatal(err)
			}
			hr := out.GetHttpRequest()
			if hr == nil {
				if f.ExpectErrorKind == "" && f.Response.Status/100 == 2 {
					t.Fatalf("build gave no request: %v", out)
				}
				return
			}
			built[flow]++
			_, in, err := v.ValidateRequest(toHTTP(t, hr, SandboxBaseURL), hr.GetBody())
			if err != nil {
				t.Fatalf("the request breaks Square's spec: %v\nbody: %s", err, hr.GetBody())
			}
			if f.Response != nil && f.Response.Status == 200 {
				if err := v.ValidateResponse(in, 200, f.Response.Bytes()); err != nil {
					t.Fatalf("the fixture's answer breaks Square's response schema: %v", err)
				}
			}
		})
	}
	m, err := kit.Manifest()
	if err != nil {
		t.Fatal(err)
	}
	if len(m.GetFlows()) == 0 {
		t.Fatal("the manifest declares no flows")
	}
	for _, fl := range m.GetFlows() {
		if built[fl] == 0 {
			t.Errorf("no fixture of %v built a request to check", fl)
		}
	}
}
