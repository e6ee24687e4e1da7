//go:build !wasip1

package paypal_test

import (
	"bytes"
	"net/http"
	"testing"

	"google.golang.org/protobuf/encoding/protojson"

	"github.com/connectorhost/connector-host/abi"
	"github.com/connectorhost/connector-host/conformance"
	"github.com/connectorhost/connector-host/conformance/conformancetest"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/internal/specfake"
	"github.com/connectorhost/connector-host/pdk/pdktest"
	"github.com/connectorhost/connector-host/plugins/paypal"
)

// TestFixturesAgainstSpec checks the shipped fixtures against PayPal's
// documents: the request the plugin builds for each flow fixture passes the
// spec (objects closed), and each canned PayPal answer with a JSON body
// matches the operation's response schema for its status.
func TestFixturesAgainstSpec(t *testing.T) {
	fixtures, errs := conformance.LoadFixtures("fixtures")
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	f := &fakePayPal{valid: map[string]bool{}}
	var mounts []specfake.Mount
	for _, d := range paypalDocs(t) {
		mounts = append(mounts, specfake.Mount{Doc: d})
	}
	const base = "http://paypal.fake.test"
	val := specfake.NewValidator(t, base, specfake.Options{Mounts: mounts, Authenticate: f.authenticate, Check: checkRequestID})
	kit, err := conformancetest.Native(paypal.New())
	if err != nil {
		t.Fatal(err)
	}
	for _, fx := range fixtures {
		if fx.Webhook != nil || fx.ExpectBuildErrorKind != "" {
			continue
		}
		t.Run(fx.Name, func(t *testing.T) {
			info, err := abi.Lookup(v1.Flow(v1.Flow_value[fx.Flow]))
			if err != nil {
				t.Fatal(err)
			}
			req := info.NewRequest()
			if err := protojson.Unmarshal(fx.Request, req); err != nil {
				t.Fatal(err)
			}
			st := &v1.ConnectorState{}
			if len(fx.State) > 0 {
				if err := protojson.Unmarshal(fx.State, st); err != nil {
					t.Fatal(err)
				}
			}
			f.valid[st.GetAccessToken().GetToken()] = true
			res, err := kit.Run(pdktest.Call{Flow: info.Flow, Request: req, State: st, BaseURL: base,
				Credentials: map[string]string{"client_id": testClientID, "client_secret": testClientSecret}})
			if err != nil || res.HTTP == nil {
				t.Fatalf("build: %v %v %v", err, res.GetBuildError(), res.NextStep)
			}
			hr, err := http.NewRequest(res.HTTP.GetMethod(), res.HTTP.GetUrl(), bytes.NewReader(res.HTTP.GetBody()))
			if err != nil {
				t.Fatal(err)
			}
			for _, h := range res.HTTP.GetHeaders() {
				hr.Header.Add(h.GetName(), h.GetValue())
			}
			_, in, err := val.ValidateRequest(hr, res.HTTP.GetBody())
			if err != nil {
				t.Fatalf("built request fails the spec: %v", err)
			}
			r := fx.Response
			if r == nil || r.BodyText != nil || len(r.Body) == 0 || r.Body[0] != '{' || in.Route.Operation.Responses.Status(r.Status) == nil {
				return
			}
			if err := val.ValidateResponse(in, r.Status, r.Body); err != nil {
				t.Fatalf("fixture answer fails %s's response schema: %v", in.Route.Operation.OperationID, err)
			}
		})
	}
}
