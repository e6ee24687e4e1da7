//go:build !wasip1

package adyen

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/connectorhost/connector-host/abi"
	"github.com/connectorhost/connector-host/conformance"
	"github.com/connectorhost/connector-host/conformance/conformancetest"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk/pdktest"
	"github.com/getkin/kin-openapi/openapi3"
	"google.golang.org/protobuf/encoding/protojson"
)

// TestFixturesAgainstSpec checks the shipped fixtures against Adyen's
// documents: the request the plugin builds for each flow fixture must pass
// Checkout v71 / Disputes v30, each canned Adyen answer must match the
// operation's response schema (when the status is one the spec declares and
// the body is JSON), and each webhook item must match the request schema of
// its eventCode in Webhooks v1.
func TestFixturesAgainstSpec(t *testing.T) {
	s := loadSpecs(t)
	const base = "http://adyen.fake.test"
	val := newValidator(t, s, base, testAPIKey)
	fixtures, errs := conformance.LoadFixtures("fixtures")
	if len(errs) > 0 {
		t.Fatal(errs[0])
	}
	for _, f := range fixtures {
		t.Run(f.Name, func(t *testing.T) {
			if f.Webhook != nil {
				checkNotificationAgainstSpec(t, s.webhooks, []byte(f.Webhook.BodyText))
				return
			}
			if f.ExpectBuildErrorKind != "" {
				return
			}
			info, _ := abi.Lookup(v1.Flow(v1.Flow_value[f.Flow]))
			req := info.NewRequest()
			if err := protojson.Unmarshal(f.Request, req); err != nil {
				t.Fatal(err)
			}
			creds := map[string]string{}
			for k, v := range f.Credentials {
				creds[k] = v
			}
			creds[credAPIKey] = testAPIKey
			res, err := conformancetest.Run(New(), pdktest.Call{Flow: info.Flow, Request: req, Credentials: creds, Config: f.Config, BaseURL: base + "/v71"})
			if err != nil || res.HTTP == nil {
				t.Fatalf("build: %v %v", err, res.BuildError)
			}
			hr, err := http.NewRequest(res.HTTP.GetMethod(), res.HTTP.GetUrl(), bytes.NewReader(res.HTTP.GetBody()))
			if err != nil {
				t.Fatal(err)
			}
			for _, h := range res.HTTP.GetHeaders() {
				hr.Header.Add(h.GetName(), h.GetValue())
			}
			in, err := val.validateRequest(hr, res.HTTP.GetBody())
			if err != nil {
				t.Fatalf("built request fails the spec: %v", err)
			}
			r := f.Response
			if r == nil || r.BodyText != nil || len(r.Body) == 0 || r.Body[0] != '{' || in.Route.Operation.Responses.Status(r.Status) == nil {
				return
			}
			if err := val.validateResponse(in, r.Status, r.Body); err != nil {
				t.Fatalf("fixture answer fails %s's response schema: %v", in.Route.Operation.OperationID, err)
			}
		})
	}
}

// checkNotificationAgainstSpec validates each item of a NotificationRequest
// against the Webhooks v1 request schema of its eventCode. The items are
// checked without additionalData.hmacSignature: Webhooks v1 omits that key
// from some additionalData schemas (RECURRING_CONTRACT) although Adyen sends
// it in every signed item, its own examples included.
func checkNotificationAgainstSpec(t *testing.T, doc *openapi3.T, body []byte) {
	t.Helper()
	var req struct {
		Live  string `json:"live"`
		Items []struct {
			Item map[string]any `json:"NotificationRequestItem"`
		} `json:"notificationItems"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		t.Fatal(err)
	}
	for i, w := range req.Items {
		code, _ := w.Item["eventCode"].(string)
		op := doc.Webhooks["/"+code]
		if op == nil || op.Post == nil {
			t.Fatalf("item %d: eventCode %q is not a webhook of Webhooks v1", i, code)
		}
		if ad, ok := w.Item["additionalData"].(map[string]any); ok {
			delete(ad, "hmacSignature")
			if len(ad) == 0 {
				delete(w.Item, "additionalData")
			}
		}
		single := map[string]any{"live": req.Live, "notificationItems": []any{map[string]any{"NotificationRequestItem": w.Item}}}
		var value any
		b, _ := json.Marshal(single)
		_ = json.Unmarshal(b, &value)
		schema := op.Post.RequestBody.Value.Content.Get("application/json").Schema.Value
		if err := schema.VisitJSON(value, openapi3.EnableJSONSchema2020()); err != nil {
			msg := err.Error()
			if i := strings.Index(msg, "\nSchema:"); i > 0 {
				msg = msg[:i]
			}
			t.Errorf("item %d (%s) fails Webhooks v1: %s", i, code, msg)
		}
	}
}
