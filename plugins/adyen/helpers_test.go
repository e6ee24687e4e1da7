//go:build !wasip1

package adyen

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/connectorhost/connector-host/conformance/conformancetest"
	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk/pdktest"
	"github.com/valyala/fastjson"
)

const (
	testAPIKey   = "AQEyhmfxTEST_api_key_conformance_123"
	testMerchant = "TestMerchantECOM"
	testHMACHex  = "44782DEF547AAA06C910C43932B1EB0C71FC68D9D0C057550C48EC2ACF6BA056"
)

func testCreds() map[string]string {
	return map[string]string{credAPIKey: testAPIKey, credMerchantAccount: testMerchant, credHMACKey: testHMACHex}
}

func newKit() *pdktest.Kit { return pdktest.New(New()) }

// run runs one call with a canned Adyen answer natively through the host's
// executor (conformancetest.Run).
func run(t *testing.T, call pdktest.Call) *pdktest.Result {
	t.Helper()
	if call.Credentials == nil {
		call.Credentials = testCreds()
	}
	if call.BaseURL == "" {
		call.BaseURL = SandboxBaseURL
	}
	res, err := conformancetest.Run(New(), call)
	if err != nil {
		t.Fatalf("conformancetest.Run: %v", err)
	}
	return res
}

// mustBuild runs a call and fails unless build produced a request.
func mustBuild(t *testing.T, call pdktest.Call) *pdktest.Result {
	t.Helper()
	res := run(t, call)
	if res.BuildError != nil {
		t.Fatalf("build error: %v %s", res.BuildError.GetKind(), res.BuildError.GetMessage())
	}
	if res.HTTP == nil {
		t.Fatalf("build produced no request (next step %v)", res.NextStep.GetFlow())
	}
	return res
}

// bodyOf decodes the JSON body of the built request.
func bodyOf(t *testing.T, r *pluginv1.HttpRequest) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.GetBody(), &m); err != nil {
		t.Fatalf("request body is not JSON: %v\n%s", err, r.GetBody())
	}
	return m
}

func wantKind(t *testing.T, e *pluginv1.PluginError, kind pluginv1.ErrorKind, contains string) {
	t.Helper()
	if e == nil {
		t.Fatalf("want %v error, got none", kind)
	}
	if e.GetKind() != kind {
		t.Fatalf("error kind = %v (%s), want %v", e.GetKind(), e.GetMessage(), kind)
	}
	if contains != "" && !strings.Contains(e.GetMessage(), contains) {
		t.Fatalf("error %q does not mention %q", e.GetMessage(), contains)
	}
}

func eur(minor int64) *v1.Money { return &v1.Money{MinorAmount: minor, Currency: "EUR"} }

func testCard() *v1.PaymentMethod {
	return &v1.PaymentMethod{Method: &v1.PaymentMethod_Card{Card: &v1.Card{
		Number: "4111111111111111", ExpMonth: 3, ExpYear: 2030, Cvc: "737", HolderName: "John Smith",
	}}}
}

func authorizeReq() *v1.PaymentServiceAuthorizeRequest {
	return &v1.PaymentServiceAuthorizeRequest{
		MerchantTransactionId: "order_1",
		Amount:                eur(1000),
		PaymentMethod:         testCard(),
		CaptureMethod:         v1.CaptureMethod_CAPTURE_METHOD_AUTOMATIC,
		ReturnUrl:             "https://merchant.example/return",
	}
}

// mustJSON marshals v for canned answers.
func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// signingStringOf runs the plugin's signing-string code on a raw item.
func signingStringOf(t *testing.T, raw []byte) string {
	t.Helper()
	var p fastjson.Parser
	v, err := p.ParseBytes(raw)
	if err != nil {
		t.Fatal(err)
	}
	return signingString(v)
}
