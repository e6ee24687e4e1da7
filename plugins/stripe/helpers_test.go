//go:build !wasip1

package stripe

import (
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"connectrpc.com/connect"
	"github.com/connectorhost/connector-host/conformance/conformancetest"
	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk"
	"github.com/connectorhost/connector-host/pdk/pdktest"
	"google.golang.org/protobuf/encoding/protojson"
)

const (
	testAPIKey   = "sk_test_51Hc0nformanceSecretKey000"
	testBaseURL  = "https://api.stripe.test"
	testCard     = "4000056655665556"
	testCVC      = "7373"
	testReturn   = "https://merchant.example/return"
	requestIDHdr = "req_abc123"
)

var testNow = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// call is one native call through the host's executor (conformancetest.Run) with a canned answer.
type call struct {
	flow    v1.Flow
	req     pdk.Message
	status  int
	body    string
	headers map[string]string
	creds   map[string]string
	// trunc marks the body as cut at the host's response size limit.
	trunc bool
}

func run(t *testing.T, c call) *pdktest.Result {
	t.Helper()
	creds := c.creds
	if creds == nil {
		creds = map[string]string{credAPIKey: testAPIKey, credAccountID: "acct_test"}
	}
	headers := c.headers
	if headers == nil {
		headers = map[string]string{"Content-Type": "application/json", "Request-Id": requestIDHdr}
	}
	res, err := conformancetest.Run(New(), pdktest.Call{
		Flow: c.flow, Request: c.req, Credentials: creds, BaseURL: testBaseURL, Now: testNow,
		Status: c.status, Headers: headers, Body: []byte(c.body), Truncated: c.trunc,
	})
	if err != nil {
		t.Fatalf("run %v: %v", c.flow, err)
	}
	if res.HTTP != nil {
		checkRequestHygiene(t, res.HTTP)
	}
	checkNoConnectorPrefix(t, res.BuildError.GetMessage())
	checkNoConnectorPrefix(t, res.ParseError.GetMessage())
	if res.Response != nil {
		b, err := protojson.Marshal(res.Response)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range []string{testCard, testCVC, testAPIKey} {
			if strings.Contains(string(b), s) {
				t.Fatalf("response carries a secret %q: %s", s, b)
			}
		}
	}
	return res
}

// ok runs c and fails unless build and parse both succeeded.
func ok[T pdk.Message](t *testing.T, c call) (T, *pluginv1.HttpRequest) {
	t.Helper()
	res := run(t, c)
	if res.BuildError != nil {
		t.Fatalf("build error: %v %s", res.BuildError.GetKind(), res.BuildError.GetMessage())
	}
	if res.ParseError != nil {
		t.Fatalf("parse error: %v %s", res.ParseError.GetKind(), res.ParseError.GetMessage())
	}
	out, isT := res.Response.(T)
	if !isT {
		t.Fatalf("response is %T", res.Response)
	}
	return out, res.HTTP
}

// build runs only the build step (the answer is an empty 200).
func build(t *testing.T, flow v1.Flow, req pdk.Message) *pluginv1.HttpRequest {
	t.Helper()
	res := run(t, call{flow: flow, req: req, status: 200, body: "{}"})
	if res.BuildError != nil {
		t.Fatalf("build error: %v %s", res.BuildError.GetKind(), res.BuildError.GetMessage())
	}
	return res.HTTP
}

// buildErr runs build and returns its typed error, failing if there is none.
func buildErr(t *testing.T, flow v1.Flow, req pdk.Message) *pluginv1.PluginError {
	t.Helper()
	res := run(t, call{flow: flow, req: req, status: 200, body: "{}"})
	if res.BuildError == nil {
		t.Fatalf("build succeeded, want an error: %s %s", res.HTTP.GetUrl(), res.HTTP.GetBody())
	}
	return res.BuildError
}

// parseErr runs a call and returns the parse error, failing if there is none.
func parseErr(t *testing.T, c call) *pluginv1.PluginError {
	t.Helper()
	res := run(t, c)
	if res.BuildError != nil {
		t.Fatalf("build error: %s", res.BuildError.GetMessage())
	}
	if res.ParseError == nil {
		t.Fatalf("parse succeeded (%v), want an error", res.Response)
	}
	return res.ParseError
}

// integrityErr runs c and fails unless the plugin parsed the answer and the
// host's executor refused it as not matching the request (amount, currency
// or ids): an INTEGRITY_MISMATCH, never a response.
func integrityErr(t *testing.T, c call) {
	t.Helper()
	res := run(t, c)
	var ce *connect.Error
	if res.ParseError != nil || res.Response != nil || !errors.As(res.Err, &ce) {
		t.Fatalf("want an integrity error from the host, got parse error %v, response %v, error %v", res.ParseError, res.Response, res.Err)
	}
	for _, d := range ce.Details() {
		if pe, err := d.Value(); err == nil {
			if pe, ok := pe.(*v1.PaymentError); ok && pe.GetCode() == v1.ErrorCode_ERROR_CODE_INTEGRITY_MISMATCH {
				return
			}
		}
	}
	t.Errorf("error %v has no INTEGRITY_MISMATCH detail", res.Err)
}

// checkRequestHygiene asserts what every request must satisfy: the API key
// only in a secret Authorization header, the pinned Stripe-Version, an
// idempotency key on every POST, and reads marked safe to retry.
func checkRequestHygiene(t *testing.T, r *pluginv1.HttpRequest) {
	t.Helper()
	if got := pdktest.HeaderValue(r, "Authorization"); got != "Bearer "+testAPIKey && got != "" {
		t.Errorf("Authorization = %q", got)
	}
	secret := false
	for _, h := range r.GetSecretHeaders() {
		if strings.EqualFold(h, "Authorization") {
			secret = true
		}
	}
	if !secret {
		t.Errorf("Authorization is not marked secret: %v", r.GetSecretHeaders())
	}
	if strings.Contains(r.GetUrl(), testAPIKey) || strings.Contains(string(r.GetBody()), testAPIKey) {
		t.Errorf("API key outside the Authorization header")
	}
	if strings.Contains(r.GetUrl(), testCard) {
		t.Errorf("card number in the URL")
	}
	for _, h := range r.GetHeaders() {
		if !strings.EqualFold(h.GetName(), "Authorization") && (strings.Contains(h.GetValue(), testAPIKey) || strings.Contains(h.GetValue(), testCard)) {
			t.Errorf("secret in header %s", h.GetName())
		}
	}
	if got := pdktest.HeaderValue(r, "Stripe-Version"); got != APIVersion {
		t.Errorf("Stripe-Version = %q", got)
	}
	if r.GetMethod() == "POST" {
		if pdktest.HeaderValue(r, idempotencyHeader) == "" || !r.GetIdempotent() {
			t.Errorf("POST %s without idempotency key", r.GetUrl())
		}
		if got := pdktest.HeaderValue(r, "Content-Type"); got != "application/x-www-form-urlencoded" {
			t.Errorf("Content-Type = %q", got)
		}
	} else {
		// Reads (Get, RefundService.Get, VerifyRedirectResponse, which the
		// ABI counts as non-mutating) carry no key but are safe to retry.
		if pdktest.HeaderValue(r, idempotencyHeader) != "" {
			t.Errorf("%s carries an idempotency key", r.GetMethod())
		}
		if !r.GetIdempotent() {
			t.Errorf("%s %s is not marked safe to retry", r.GetMethod(), r.GetUrl())
		}
	}
}

// formOf decodes a request's form body.
func formOf(t *testing.T, r *pluginv1.HttpRequest) url.Values {
	t.Helper()
	v, err := url.ParseQuery(string(r.GetBody()))
	if err != nil {
		t.Fatalf("body is not a form: %v", err)
	}
	return v
}

// wantForm checks form fields; a value of "-" means the field must be absent.
func wantForm(t *testing.T, r *pluginv1.HttpRequest, want map[string]string) {
	t.Helper()
	f := formOf(t, r)
	for k, v := range want {
		got, has := f[k]
		switch {
		case v == "-" && has:
			t.Errorf("form has %s=%q, want it absent", k, got)
		case v != "-" && (!has || len(got) != 1 || got[0] != v):
			t.Errorf("form %s = %q, want %q", k, got, v)
		}
	}
}

// wantRequest checks method, path and idempotency key ("" for none).
func wantRequest(t *testing.T, r *pluginv1.HttpRequest, method, path, idem string) {
	t.Helper()
	u, err := url.Parse(r.GetUrl())
	if err != nil {
		t.Fatal(err)
	}
	if r.GetMethod() != method || u.Path != path || u.Scheme+"://"+u.Host != testBaseURL {
		t.Errorf("request = %s %s, want %s %s%s", r.GetMethod(), r.GetUrl(), method, testBaseURL, path)
	}
	if got := pdktest.HeaderValue(r, idempotencyHeader); got != idem {
		t.Errorf("Idempotency-Key = %q, want %q", got, idem)
	}
}

func usd(n int64) *v1.Money { return &v1.Money{MinorAmount: n, Currency: "USD"} }

func cardMethod() *v1.PaymentMethod {
	return &v1.PaymentMethod{Method: &v1.PaymentMethod_Card{Card: &v1.Card{
		Number: testCard, ExpMonth: 3, ExpYear: 2030, Cvc: testCVC, HolderName: "Jo Doe",
	}}}
}

func tokenMethod(tok string) *v1.PaymentMethod {
	return &v1.PaymentMethod{Method: &v1.PaymentMethod_Token{Token: &v1.ProcessorToken{Token: tok}}}
}

func authorizeReq() *v1.PaymentServiceAuthorizeRequest {
	return &v1.PaymentServiceAuthorizeRequest{
		MerchantTransactionId: "order_1",
		Amount:                usd(1000),
		PaymentMethod:         cardMethod(),
		CaptureMethod:         v1.CaptureMethod_CAPTURE_METHOD_AUTOMATIC,
	}
}

// wantKind checks a typed error's kind.
func wantKind(t *testing.T, e *pluginv1.PluginError, kind pluginv1.ErrorKind) {
	t.Helper()
	if e.GetKind() != kind {
		t.Errorf("error kind = %v (%s), want %v", e.GetKind(), e.GetMessage(), kind)
	}
}

// checkNoConnectorPrefix fails when an error message starts with the
// connector's name: the host prefixes every plugin error with "stripe: "
// itself, so a plugin prefix would read "stripe: stripe ...".
func checkNoConnectorPrefix(t *testing.T, msg string) {
	t.Helper()
	if strings.HasPrefix(strings.ToLower(msg), "stripe") {
		t.Errorf("message %q starts with the connector's name; the host adds it", msg)
	}
}
