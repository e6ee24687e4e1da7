//go:build !wasip1

package checkout_test

import (
	"bytes"
	"net/http"
	"testing"

	"github.com/connectorhost/connector-host/conformance"
	"github.com/connectorhost/connector-host/conformance/conformancetest"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/internal/specfake"
	"github.com/connectorhost/connector-host/pdk"
	"github.com/connectorhost/connector-host/pdk/pdktest"
	"github.com/connectorhost/connector-host/plugins/checkout"
	"google.golang.org/protobuf/encoding/protojson"
)

// fixtureRequests are the unified request types of the flows with fixtures.
var fixtureRequests = map[string]func() pdk.Message{
	"FLOW_AUTHORIZE":                func() pdk.Message { return &v1.PaymentServiceAuthorizeRequest{} },
	"FLOW_VERIFY_REDIRECT_RESPONSE": func() pdk.Message { return &v1.PaymentServiceVerifyRedirectResponseRequest{} },
	"FLOW_GET":                      func() pdk.Message { return &v1.PaymentServiceGetRequest{} },
	"FLOW_CAPTURE":                  func() pdk.Message { return &v1.PaymentServiceCaptureRequest{} },
	"FLOW_VOID":                     func() pdk.Message { return &v1.PaymentServiceVoidRequest{} },
	"FLOW_REFUND":                   func() pdk.Message { return &v1.PaymentServiceRefundRequest{} },
	"FLOW_REFUND_GET":               func() pdk.Message { return &v1.RefundServiceGetRequest{} },
	"FLOW_SETUP_RECURRING":          func() pdk.Message { return &v1.PaymentServiceSetupRecurringRequest{} },
	"FLOW_RECURRING_CHARGE":         func() pdk.Message { return &v1.RecurringPaymentServiceChargeRequest{} },
	"FLOW_CREATE_CUSTOMER":          func() pdk.Message { return &v1.CustomerServiceCreateRequest{} },
	"FLOW_TOKENIZE":                 func() pdk.Message { return &v1.PaymentMethodServiceTokenizeRequest{} },
	"FLOW_DISPUTE_GET":              func() pdk.Message { return &v1.DisputeServiceGetRequest{} },
	"FLOW_DISPUTE_ACCEPT":           func() pdk.Message { return &v1.DisputeServiceAcceptRequest{} },
	"FLOW_DISPUTE_SUBMIT_EVIDENCE":  func() pdk.Message { return &v1.DisputeServiceSubmitEvidenceRequest{} },
}

// TestFixtureRequestsMeetTheSpec builds the request of every fixture that
// builds one (every flow, both payment methods, each currency class) and
// validates it against the repaired spec, offline.
func TestFixtureRequestsMeetTheSpec(t *testing.T) {
	v := specfake.NewValidator(t, "http://fake.test", specfake.Options{
		Mounts:       []specfake.Mount{{Doc: checkoutDoc(t)}},
		Authenticate: specfake.HeaderAuth("Bearer sk_sbox_conformance_secret_key_123", "ApiSecretKey"),
	})
	fixtures, errs := conformance.LoadFixtures("fixtures")
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	seen := map[string]bool{}
	for _, f := range fixtures {
		if f.IsWebhook() || f.ExpectBuildErrorKind != "" {
			continue
		}
		t.Run(f.Name, func(t *testing.T) {
			newReq, ok := fixtureRequests[f.Flow]
			if !ok {
				t.Fatalf("no request type for %s", f.Flow)
			}
			req := newReq()
			if err := protojson.Unmarshal(f.Request, req); err != nil {
				t.Fatal(err)
			}
			res, err := conformancetest.Run(checkout.New(), pdktest.Call{
				Flow: v1.Flow(v1.Flow_value[f.Flow]), Request: req, Credentials: f.Credentials, BaseURL: "http://fake.test",
			})
			if err != nil || res.HTTP == nil {
				t.Fatalf("build: %v %v", err, res.GetBuildError())
			}
			r, _ := http.NewRequest(res.HTTP.GetMethod(), res.HTTP.GetUrl(), bytes.NewReader(res.HTTP.GetBody()))
			for _, h := range res.HTTP.GetHeaders() {
				r.Header.Add(h.GetName(), h.GetValue())
			}
			if _, _, err := v.ValidateRequest(r, res.HTTP.GetBody()); err != nil {
				t.Fatalf("fails the spec: %v\nbody: %s", err, res.HTTP.GetBody())
			}
			seen[f.Flow] = true
		})
	}
	if len(seen) != len(fixtureRequests) {
		t.Errorf("validated flows %v, want all %d", seen, len(fixtureRequests))
	}
}
