package pdk

import (
	"errors"
	"net/url"
	"strings"
	"testing"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/money"
	"github.com/connectorhost/connector-host/pdk/statusmap"
	"github.com/valyala/fastjson"
)

// testAPI is a form-encoded processor with Stripe-like conventions.
var testAPI = &API{
	Auth: func(c *Context, r *Request) error {
		key, err := c.Credential("api_key")
		if err != nil {
			return err
		}
		r.SecretHeader("Authorization", "Bearer "+key)
		return nil
	},
	Headers:           [][2]string{{"Acme-Version", "2024-06-20"}},
	IdempotencyHeader: "Idempotency-Key",
	Amounts:           Amounts{Exponents: money.Exponents{"ISK": 2}, LowerCurrency: true},
	MaxAnswerBytes:    4 << 10,
}

var testRefundStatuses = statusmap.New(map[string]v1.RefundStatus{
	"succeeded": v1.RefundStatus_REFUND_STATUS_SUCCEEDED,
	"pending":   v1.RefundStatus_REFUND_STATUS_PENDING,
}, v1.RefundStatus_REFUND_STATUS_UNKNOWN)

type refundGetReq = v1.RefundServiceGetRequest
type refundReq = v1.PaymentServiceRefundRequest

var testRefundGet = &Call[*refundGetReq, *v1.RefundServiceGetResponse]{
	API:    testAPI,
	Path:   "/v1/refunds/{id}",
	Params: Params[*refundGetReq]{"id": {Field: "connector_refund_id", Get: (*refundGetReq).GetConnectorRefundId}},
	Query:  Fields[*refundGetReq]{{Key: "expand[]", Const: "charge"}},
	Answer: func(_ *Context, req *refundGetReq, a *Answer) (*v1.RefundServiceGetResponse, error) {
		a.Expect("object", "refund")
		return &v1.RefundServiceGetResponse{
			ConnectorRefundId: a.Require("id"),
			Status:            Status(a, "status", testRefundStatuses),
			RefundAmount:      a.Money("amount", "currency"),
			MerchantRefundId:  req.GetMerchantRefundId(),
		}, nil
	},
}

var testRefund = &Call[*refundReq, *v1.PaymentServiceRefundResponse]{
	API:    testAPI,
	Method: "POST",
	Path:   "/v1/refunds",
	Key:    Key[*refundReq]{Op: "refund", Field: "merchant_refund_id", ID: (*refundReq).GetMerchantRefundId},
	Body: Fields[*refundReq]{
		{Key: "payment_intent", Str: (*refundReq).GetConnectorTransactionId, Name: "connector_transaction_id", Required: true},
		{Key: "amount", CurrencyKey: "currency", Money: (*refundReq).GetRefundAmount, Name: "refund_amount", Required: true},
		{Key: "reason", Str: (*refundReq).GetReason},
		{Key: "metadata", Map: (*refundReq).GetMetadata},
		{Key: "expand[]", Const: "charge"},
	},
	Fill: func(_ *Context, req *refundReq, b *Body) error {
		b.SetIf("metadata.merchant_refund_id", req.GetMerchantRefundId())
		return nil
	},
	Answer: func(_ *Context, _ *refundReq, a *Answer) (*v1.PaymentServiceRefundResponse, error) {
		return &v1.PaymentServiceRefundResponse{ConnectorRefundId: a.Require("id"), Status: Status(a, "status", testRefundStatuses)}, nil
	},
	OnDecline: func(_ *Context, req *refundReq, e *Error, a *Answer) (*v1.PaymentServiceRefundResponse, error) {
		return &v1.PaymentServiceRefundResponse{
			Status: v1.RefundStatus_REFUND_STATUS_FAILED, Error: e.Detail,
			ConnectorRefundId: a.Str("error.refund.id"), MerchantRefundId: req.GetMerchantRefundId(),
		}, nil
	},
}

func testContext(creds map[string]string) *Context {
	return NewContext(v1.Flow_FLOW_REFUND, &pluginv1.CallContext{BaseUrl: "https://api.acme.test/", Credentials: creds, Random: []byte{0xab, 0xcd}}, nil)
}

func header(r *pluginv1.HttpRequest, name string) string { return Header(r.GetHeaders(), name) }

func kindOf(t *testing.T, err error) pluginv1.ErrorKind {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("want a *pdk.Error, got %v", err)
	}
	return e.Kind
}

func TestCallBuildsAGetFromThePathTemplate(t *testing.T) {
	c := testContext(map[string]string{"api_key": "sk_1"})
	r, err := testRefundGet.Build(c, &refundGetReq{ConnectorRefundId: "re 1/x"})
	if err != nil {
		t.Fatal(err)
	}
	if r.GetMethod() != "GET" || r.GetUrl() != "https://api.acme.test/v1/refunds/re%201%2Fx?expand%5B%5D=charge" {
		t.Errorf("request = %s %s", r.GetMethod(), r.GetUrl())
	}
	if !r.GetIdempotent() || header(r, "Idempotency-Key") != "" || len(r.GetBody()) != 0 {
		t.Errorf("a GET must be marked safe to retry, without key or body: %v", r)
	}
	if header(r, "Authorization") != "Bearer sk_1" || header(r, "Acme-Version") != "2024-06-20" || len(r.GetSecretHeaders()) != 1 {
		t.Errorf("headers = %v secret %v", r.GetHeaders(), r.GetSecretHeaders())
	}
	if _, err := testRefundGet.Build(c, &refundGetReq{ConnectorRefundId: " "}); err == nil || kindOf(t, err) != pluginv1.ErrorKind_ERROR_KIND_INVALID_REQUEST ||
		!strings.HasPrefix(err.Error(), "connector_refund_id:") {
		t.Errorf("empty param: %v", err)
	}
	if _, err := testRefundGet.Build(testContext(nil), &refundGetReq{ConnectorRefundId: "re_1"}); err == nil || kindOf(t, err) != pluginv1.ErrorKind_ERROR_KIND_CREDENTIALS {
		t.Errorf("missing credential: %v", err)
	}
}

func TestCallBuildsAFormPost(t *testing.T) {
	c := testContext(map[string]string{"api_key": "sk_1"})
	req := &refundReq{
		ConnectorTransactionId: "pi_1", MerchantRefundId: "r1", Reason: "dup",
		RefundAmount: &v1.Money{MinorAmount: 12, Currency: "ISK"}, Metadata: map[string]string{"z": "1", "a": "2"},
	}
	r, err := testRefund.Build(c, req)
	if err != nil {
		t.Fatal(err)
	}
	want := "payment_intent=pi_1&amount=1200&currency=isk&reason=dup&metadata%5Ba%5D=2&metadata%5Bz%5D=1&expand%5B%5D=charge&metadata%5Bmerchant_refund_id%5D=r1"
	if string(r.GetBody()) != want || header(r, "Content-Type") != "application/x-www-form-urlencoded" {
		t.Errorf("body = %s\nwant   %s", r.GetBody(), want)
	}
	if header(r, "Idempotency-Key") != "refund:r1" || !r.GetIdempotent() {
		t.Errorf("key = %q idempotent %v", header(r, "Idempotency-Key"), r.GetIdempotent())
	}
	for field, mutate := range map[string]func(*refundReq){
		"merchant_refund_id":          func(r *refundReq) { r.MerchantRefundId = "" },
		"connector_transaction_id":    func(r *refundReq) { r.ConnectorTransactionId = "" },
		"refund_amount":               func(r *refundReq) { r.RefundAmount = nil },
		"refund_amount.currency":      func(r *refundReq) { r.RefundAmount.Currency = "usd" },
		"refund_amount.minor_amount:": func(r *refundReq) { r.RefundAmount.MinorAmount = -1 },
	} {
		bad := req.CloneVT()
		mutate(bad)
		_, err := testRefund.Build(c, bad)
		if err == nil || kindOf(t, err) != pluginv1.ErrorKind_ERROR_KIND_INVALID_REQUEST || !strings.HasPrefix(err.Error(), strings.TrimSuffix(field, ":")+":") {
			t.Errorf("%s: %v", field, err)
		}
	}
}

func TestCallKeys(t *testing.T) {
	c := testContext(nil)
	get := func(r *refundReq) string { return r.GetMerchantRefundId() }
	optional := Key[*refundReq]{Op: "refund", ID: get, Fallback: (*refundReq).GetConnectorTransactionId}
	if k, err := optional.derive(c, &refundReq{}, 0); err != nil || k != "refund:rnd_abcd" {
		t.Errorf("optional without id = %q, %v; want the host's random bytes", k, err)
	}
	if k, _ := optional.derive(c, &refundReq{ConnectorTransactionId: "pi_1"}, 0); k != "refund:pi_1" {
		t.Errorf("fallback key = %q", k)
	}
	bare := Key[*refundReq]{ID: get}
	if k, _ := bare.derive(c, &refundReq{MerchantRefundId: "order_1"}, 0); k != "order_1" {
		t.Errorf("bare key = %q", k)
	}
	long := strings.Repeat("x", 300)
	k1, _ := optional.derive(c, &refundReq{MerchantRefundId: long}, 40)
	k2, _ := optional.derive(c, &refundReq{MerchantRefundId: long}, 40)
	if len(k1) != 40 || k1 != k2 || !strings.HasPrefix(k1, "refund:") {
		t.Errorf("long key = %q (%d)", k1, len(k1))
	}
}

func TestBodyEncodesJSON(t *testing.T) {
	b := &Body{}
	b.Set("merchantAccount", "Acme")
	b.SetInt("amount.value", 1000)
	b.Set("amount.currency", "EUR")
	b.SetBool("card.store", true)
	b.Set("card.holder", `A "B"`)
	b.Set("lines[]", "x")
	b.Set("lines[]", "y")
	b.SetMap("metadata", map[string]string{"k": "v"})
	ct, got := b.Encode(JSONEncoded)
	want := `{"merchantAccount":"Acme","amount":{"value":1000,"currency":"EUR"},"card":{"store":true,"holder":"A \"B\""},"lines":["x","y"],"metadata":{"k":"v"}}`
	if ct != "application/json" || string(got) != want {
		t.Errorf("json = %s\nwant   %s", got, want)
	}
	if !fastjson.Exists(got, "amount", "value") {
		t.Error("not parseable")
	}
	if _, empty := (&Body{}).Encode(JSONEncoded); string(empty) != "{}" {
		t.Errorf("empty = %s", empty)
	}
}

func TestCallParsesTheAnswer(t *testing.T) {
	c := testContext(nil)
	req := &refundGetReq{ConnectorRefundId: "re_1", MerchantRefundId: "m1"}
	out, err := testRefundGet.Parse(c, req, &Response{Status: 200, Body: []byte(`{"id":"re_1","object":"refund","status":"succeeded","amount":1200,"currency":"isk"}`)})
	if err != nil {
		t.Fatal(err)
	}
	if out.GetConnectorRefundId() != "re_1" || out.GetStatus() != v1.RefundStatus_REFUND_STATUS_SUCCEEDED ||
		out.GetRefundAmount().GetMinorAmount() != 12 || out.GetRefundAmount().GetCurrency() != "ISK" || out.GetMerchantRefundId() != "m1" {
		t.Errorf("out = %v", out)
	}
	if out, _ := testRefundGet.Parse(c, req, &Response{Status: 200, Body: []byte(`{"id":"re_1","status":"new_thing","amount":1,"currency":"usd"}`)}); out.GetStatus() != v1.RefundStatus_REFUND_STATUS_UNKNOWN {
		t.Errorf("an unknown status must map to the table's fallback: %v", out.GetStatus())
	}
	for name, res := range map[string]*Response{
		"empty":        {Status: 200},
		"html":         {Status: 200, Body: []byte("<html>")},
		"array":        {Status: 200, Body: []byte(`[{"id":"re_1"}]`)},
		"cut":          {Status: 200, Body: []byte(`{"id":"re_1"}`), Truncated: true},
		"malformed":    {Status: 200, Body: []byte(`{"id":"re_1"`)},
		"deep":         {Status: 200, Body: []byte(`{"a":` + strings.Repeat("[", 100000))},
		"oversized":    {Status: 200, Body: []byte(`{"id":"re_1","pad":"` + strings.Repeat("x", 5000) + `"}`)},
		"no id":        {Status: 200, Body: []byte(`{"status":"succeeded","amount":1,"currency":"usd"}`)},
		"other object": {Status: 200, Body: []byte(`{"id":"ch_1","object":"charge","amount":1,"currency":"usd"}`)},
		"fraction":     {Status: 200, Body: []byte(`{"id":"re_1","amount":1.5,"currency":"usd"}`)},
		"currency":     {Status: 200, Body: []byte(`{"id":"re_1","amount":1,"currency":"zzz"}`)},
		"precision":    {Status: 200, Body: []byte(`{"id":"re_1","amount":1201,"currency":"isk"}`)},
	} {
		if _, err := testRefundGet.Parse(c, req, res); err == nil || kindOf(t, err) != pluginv1.ErrorKind_ERROR_KIND_INVALID_RESPONSE {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestCallErrorAnswers(t *testing.T) {
	c := testContext(nil)
	for status, want := range map[int]pluginv1.ErrorKind{
		401: pluginv1.ErrorKind_ERROR_KIND_CREDENTIALS,
		404: pluginv1.ErrorKind_ERROR_KIND_NOT_FOUND,
		429: pluginv1.ErrorKind_ERROR_KIND_RATE_LIMITED,
		503: pluginv1.ErrorKind_ERROR_KIND_PROCESSOR_UNAVAILABLE,
		302: pluginv1.ErrorKind_ERROR_KIND_INVALID_RESPONSE,
	} {
		_, err := testRefundGet.Parse(c, &refundGetReq{}, &Response{Status: status, Body: []byte("<html>")})
		var e *Error
		if !errors.As(err, &e) || e.Kind != want || e.Detail.GetConnector().GetHttpStatus() != int32(status) {
			t.Errorf("HTTP %d: %v", status, err)
		}
	}

	declining := *testAPI
	declining.ErrorAnswer = func(res *Response, body *fastjson.Value) (*Error, bool) {
		e := StatusError(res, "Request-Id")
		e.Detail.Connector.Code = string(body.GetStringBytes("error", "code"))
		return e, res.Status == 402
	}
	refund := *testRefund
	refund.API = &declining
	res := &Response{Status: 402, Headers: []*v1.HttpHeader{{Name: "Request-Id", Value: "req_1"}},
		Body: []byte(`{"error":{"code":"card_declined","refund":{"id":"re_9"}}}`)}
	out, err := refund.Parse(c, &refundReq{MerchantRefundId: "m1"}, res)
	if err != nil || out.GetStatus() != v1.RefundStatus_REFUND_STATUS_FAILED || out.GetConnectorRefundId() != "re_9" ||
		out.GetError().GetConnector().GetCode() != "card_declined" || out.GetError().GetConnector().GetRequestId() != "req_1" {
		t.Errorf("decline = %v, %v", out, err)
	}
	res.Status = 400
	if _, err := refund.Parse(c, &refundReq{}, res); err == nil || kindOf(t, err) != pluginv1.ErrorKind_ERROR_KIND_PROCESSOR_REJECTED {
		t.Errorf("a refusal that is not a decline must be the error: %v", err)
	}
}

// An ErrorAnswer that finds nothing to say (a nil error) must not make a
// non-2xx answer a success, nor return a nil *Error inside a non-nil error.
func TestCallErrorAnswerWithoutAnError(t *testing.T) {
	silent := *testAPI
	silent.ErrorAnswer = func(*Response, *fastjson.Value) (*Error, bool) { return nil, false }
	get := *testRefundGet
	get.API = &silent
	out, err := get.Parse(testContext(nil), &refundGetReq{}, &Response{Status: 500, Body: []byte(`{}`)})
	var e *Error
	if out != nil || !errors.As(err, &e) || e == nil || e.Kind != pluginv1.ErrorKind_ERROR_KIND_PROCESSOR_UNAVAILABLE {
		t.Fatalf("HTTP 500 with a silent ErrorAnswer = %v, %v; want StatusError's PROCESSOR_UNAVAILABLE", out, err)
	}
	if msg := err.Error(); !strings.Contains(msg, "500") {
		t.Errorf("message %q does not name the status", msg)
	}
}

func TestAmounts(t *testing.T) {
	a := Amounts{Exponents: money.Exponents{"JPY": 0, "MGA": 0}, Check: func(n int64, cur string) string {
		if cur == "BHD" && n%10 != 0 {
			return "must be a multiple of 10"
		}
		return ""
	}}
	if n, cur, err := a.To(&v1.Money{MinorAmount: 10000, Currency: "MGA"}, "amount"); n != 100 || cur != "MGA" || err != nil {
		t.Errorf("MGA = %d %s %v", n, cur, err)
	}
	for _, m := range []*v1.Money{{MinorAmount: 150, Currency: "MGA"}, {MinorAmount: 1235, Currency: "BHD"}} {
		if _, _, err := a.To(m, "amount"); err == nil || !strings.HasPrefix(err.Error(), "amount.minor_amount:") {
			t.Errorf("%v: %v", m, err)
		}
	}
	if _, err := a.From(1, "XXX"); err == nil || kindOf(t, err) != pluginv1.ErrorKind_ERROR_KIND_INVALID_RESPONSE {
		t.Errorf("unknown currency: %v", err)
	}
}

func TestAnswerAt(t *testing.T) {
	v := fastjson.MustParse(`{"charge":{"card":{"last4":"4242","exp":"x"}},"flag":true}`)
	a := NewAnswer(testAPI, v)
	card := a.At("charge.card")
	if card.Str("last4") != "4242" || !a.Bool("flag") || a.Has("missing") || a.At("missing").Str("x") != "" {
		t.Error("accessors")
	}
	_ = card.Int("exp")
	if a.Err() == nil {
		t.Error("a sub-answer's problem must be the answer's")
	}
}

// TestCallIsAHandler registers a Call through the dispatcher, as a plugin does.
func TestCallIsAHandler(t *testing.T) {
	d := NewDispatcher(&Connector{Flows: []Flow{RefundGet(testRefundGet)}})
	req, _ := (&refundGetReq{ConnectorRefundId: "re_1"}).MarshalVT()
	in, _ := (&pluginv1.BuildRequestInput{Flow: v1.Flow_FLOW_REFUND_GET, Request: req,
		Context: &pluginv1.CallContext{BaseUrl: "https://x.test", Credentials: map[string]string{"api_key": "k"}}}).MarshalVT()
	out := &pluginv1.BuildRequestOutput{}
	if err := out.UnmarshalVT(d.BuildRequest(in)); err != nil || out.GetHttpRequest().GetUrl() != "https://x.test/v1/refunds/re_1?expand%5B%5D=charge" {
		t.Fatalf("build = %v, %v", out, err)
	}
}

func TestCallNoContent(t *testing.T) {
	type req = v1.RecurringPaymentServiceRevokeRequest
	revoke := &Call[*req, *v1.RecurringPaymentServiceRevokeResponse]{
		API: testAPI, Method: "DELETE", Path: "/v1/mandates/{id}", NoContent: true,
		Params: Params[*req]{"id": {Field: "mandate.connector_mandate_id", Get: func(r *req) string { return r.GetMandate().GetConnectorMandateId() }}},
		Answer: func(_ *Context, r *req, a *Answer) (*v1.RecurringPaymentServiceRevokeResponse, error) {
			return &v1.RecurringPaymentServiceRevokeResponse{ConnectorMandateId: r.GetMandate().GetConnectorMandateId(), Status: v1.MandateStatus_MANDATE_STATUS_REVOKED}, nil
		},
	}
	r := &req{Mandate: &v1.MandateReference{ConnectorMandateId: "md_1"}}
	hr, err := revoke.Build(testContext(map[string]string{"api_key": "k"}), r)
	if err != nil || hr.GetMethod() != "DELETE" || !hr.GetIdempotent() || len(hr.GetBody()) != 0 {
		t.Fatalf("build = %v, %v", hr, err)
	}
	out, err := revoke.Parse(testContext(nil), r, &Response{Status: 204})
	if err != nil || out.GetStatus() != v1.MandateStatus_MANDATE_STATUS_REVOKED {
		t.Errorf("204 = %v, %v", out, err)
	}
	if _, err := revoke.Parse(testContext(nil), r, &Response{Status: 200, Body: []byte("<html>")}); err == nil {
		t.Error("a body that is there must still be an object")
	}
}

func TestChoice(t *testing.T) {
	other := *testRefundGet
	other.Path = "/v2/refunds/{id}"
	ch := &Choice[*refundGetReq, *v1.RefundServiceGetResponse]{
		If: func(r *refundGetReq) bool { return r.GetMerchantRefundId() == "" }, Then: testRefundGet, Else: &other,
	}
	c := testContext(map[string]string{"api_key": "k"})
	for id, want := range map[string]string{"": "/v1/refunds/re_1", "m1": "/v2/refunds/re_1"} {
		r, err := ch.Build(c, &refundGetReq{ConnectorRefundId: "re_1", MerchantRefundId: id})
		if err != nil || !strings.HasPrefix(r.GetUrl(), "https://api.acme.test"+want+"?") {
			t.Errorf("%q: %v %v", id, r.GetUrl(), err)
		}
	}
	out, err := ch.Parse(c, &refundGetReq{MerchantRefundId: "m1"}, &Response{Status: 200, Body: []byte(`{"id":"re_1","amount":1,"currency":"usd"}`)})
	if err != nil || out.GetConnectorRefundId() != "re_1" {
		t.Errorf("parse = %v, %v", out, err)
	}
}

func TestBearerAndBasic(t *testing.T) {
	r := NewRequest("GET", "https://x.test")
	if err := Bearer("api_key")(testContext(map[string]string{"api_key": "sk_1"}), r); err != nil || header(r.Build(), "Authorization") != "Bearer sk_1" ||
		len(r.Build().GetSecretHeaders()) != 1 {
		t.Errorf("bearer: %v %v", r.Build(), err)
	}
	for name, creds := range map[string]map[string]string{"missing": nil, "newline": {"api_key": "sk_1\r\nX-Evil: 1"}} {
		if err := Bearer("api_key")(testContext(creds), NewRequest("GET", "https://x.test")); err == nil ||
			kindOf(t, err) != pluginv1.ErrorKind_ERROR_KIND_CREDENTIALS || !strings.Contains(err.Error(), "api_key") {
			t.Errorf("%s: %v", name, err)
		}
	}
	r = NewRequest("GET", "https://x.test")
	if err := Basic("key_id", "secret")(testContext(map[string]string{"key_id": "u", "secret": "p"}), r); err != nil || header(r.Build(), "Authorization") != "Basic dTpw" {
		t.Errorf("basic: %v %v", r.Build(), err)
	}
	if err := Basic("key_id", "secret")(testContext(map[string]string{"key_id": "u"}), NewRequest("GET", "https://x.test")); err == nil {
		t.Error("a missing password must be an error")
	}
}

func TestBodyArraysOfObjects(t *testing.T) {
	b := &Body{}
	b.Set("lineItems[0].id", "a")
	b.SetInt("lineItems[0].quantity", 2)
	b.Set("lineItems[1].id", "b")
	b.Set("tags[0]", "x")
	if _, got := b.Encode(JSONEncoded); string(got) != `{"lineItems":[{"id":"a","quantity":2},{"id":"b"}],"tags":["x"]}` {
		t.Errorf("json = %s", got)
	}
	if _, got := b.Encode(FormEncoded); string(got) != "lineItems%5B0%5D%5Bid%5D=a&lineItems%5B0%5D%5Bquantity%5D=2&lineItems%5B1%5D%5Bid%5D=b&tags%5B0%5D=x" {
		t.Errorf("form = %s", got)
	}
}

func TestAnswerLists(t *testing.T) {
	a := NewAnswer(testAPI, fastjson.MustParse(`{"items":[{"id":"a"},2,{"id":"b","n":"x"}],"tags":["p",1,"q"],"s":"x"}`))
	items := a.List("items")
	if len(items) != 2 || items[1].Str("id") != "b" || a.List("s") != nil || a.List("missing") != nil {
		t.Fatalf("List = %v", items)
	}
	if got := strings.Join(a.Strings("tags"), ","); got != "p,q" || a.Strings("s") != nil {
		t.Errorf("Strings = %q", got)
	}
	_ = items[1].Int("n")
	if a.Err() == nil {
		t.Error("an element's problem must be the answer's")
	}
}

func TestIncompleteCallIsAnErrorNotAPanic(t *testing.T) {
	bad := &Call[*refundGetReq, *v1.RefundServiceGetResponse]{Path: "/v1/refunds/{id}"}
	if _, err := bad.Build(testContext(nil), &refundGetReq{}); err == nil || kindOf(t, err) != pluginv1.ErrorKind_ERROR_KIND_INTERNAL {
		t.Errorf("build: %v", err)
	}
	if _, err := bad.Parse(testContext(nil), &refundGetReq{}, &Response{Status: 200, Body: []byte(`{}`)}); err == nil {
		t.Error("parse must fail")
	}
	noParam := *testRefundGet
	noParam.Params = nil
	if _, err := noParam.Build(testContext(map[string]string{"api_key": "k"}), &refundGetReq{ConnectorRefundId: "re_1"}); err == nil ||
		kindOf(t, err) != pluginv1.ErrorKind_ERROR_KIND_INTERNAL {
		t.Errorf("a placeholder without a param: %v", err)
	}
}

func TestCallBaseAndCredentialFields(t *testing.T) {
	type accept = v1.DisputeServiceAcceptRequest
	call := &Call[*accept, *v1.DisputeServiceAcceptResponse]{
		API: &API{Encoding: JSONEncoded}, Method: "POST", Path: "/acceptDispute",
		Base: func(c *Context) (string, error) {
			if c.Config["disputes_url"] == "bad" {
				return "", InvalidRequest("disputes_url", "is malformed")
			}
			return "https://ca.acme.test/v30/", nil
		},
		Body: Fields[*accept]{
			{Key: "merchantAccountCode", Credential: "merchant_account"},
			{Key: "disputePspReference", Str: (*accept).GetConnectorDisputeId},
		},
		Query:  Fields[*accept]{{Key: "account", Credential: "merchant_account"}},
		Answer: func(*Context, *accept, *Answer) (*v1.DisputeServiceAcceptResponse, error) { return nil, nil },
	}
	c := testContext(map[string]string{"merchant_account": "Shop A&B"})
	r, err := call.Build(c, &accept{ConnectorDisputeId: "D1"})
	if err != nil {
		t.Fatal(err)
	}
	if r.GetUrl() != "https://ca.acme.test/v30/acceptDispute?account=Shop+A%26B" {
		t.Errorf("url = %s: Base must replace the call's base URL", r.GetUrl())
	}
	if string(r.GetBody()) != `{"merchantAccountCode":"Shop A\u0026B","disputePspReference":"D1"}` {
		t.Errorf("body = %s", r.GetBody())
	}
	if _, err := call.Build(testContext(nil), &accept{ConnectorDisputeId: "D1"}); err == nil ||
		kindOf(t, err) != pluginv1.ErrorKind_ERROR_KIND_CREDENTIALS || !strings.Contains(err.Error(), "merchant_account") {
		t.Errorf("a missing credential field: %v", err)
	}
	c.Config = map[string]string{"disputes_url": "bad"}
	if _, err := call.Build(c, &accept{ConnectorDisputeId: "D1"}); err == nil || !strings.HasPrefix(err.Error(), "disputes_url:") {
		t.Errorf("Base's error must be Build's: %v", err)
	}
}

func TestAnswerEscapedDots(t *testing.T) {
	var p fastjson.Parser
	v, err := p.Parse(`{"additionalData":{"tokenization.storedPaymentMethodId":"pm_1","tokenization":{"storedPaymentMethodId":"wrong"},"a\\b":"slash"}}`)
	if err != nil {
		t.Fatal(err)
	}
	a := NewAnswer(testAPI, v)
	if got := a.Str(`additionalData.tokenization\.storedPaymentMethodId`); got != "pm_1" {
		t.Errorf("escaped dot read %q", got)
	}
	if got := a.Str("additionalData.tokenization.storedPaymentMethodId"); got != "wrong" {
		t.Errorf("unescaped dots must still nest: %q", got)
	}
	if got := a.Str(`additionalData.a\\b`); got != "slash" {
		t.Errorf("escaped backslash read %q", got)
	}
	if got := a.At("additionalData").Require(`tokenization\.storedPaymentMethodId`); got != "pm_1" || a.Err() != nil {
		t.Errorf("At + escaped dot: %q %v", got, a.Err())
	}
}

func TestCallOnErrorCanAskForAStep(t *testing.T) {
	get := *testRefundGet
	get.OnError = func(c *Context, req *refundGetReq, e *Error, a *Answer) error {
		if a.HTTPStatus() == 401 && a.Str("error") == "invalid_token" {
			return NeedStep(v1.Flow_FLOW_CREATE_ACCESS_TOKEN, &v1.MerchantAuthenticationServiceCreateAccessTokenRequest{})
		}
		return nil
	}
	c := testContext(nil)
	_, err := get.Parse(c, &refundGetReq{}, &Response{Status: 401, Body: []byte(`{"error":"invalid_token"}`)})
	var step *StepRequired
	if !errors.As(err, &step) || step.Flow != v1.Flow_FLOW_CREATE_ACCESS_TOKEN {
		t.Errorf("an expired token must ask for the token flow: %v", err)
	}
	_, err = get.Parse(c, &refundGetReq{}, &Response{Status: 401, Body: []byte(`{"error":"invalid_client"}`)})
	if errors.As(err, &step) || kindOf(t, err) != pluginv1.ErrorKind_ERROR_KIND_CREDENTIALS {
		t.Errorf("a nil OnError result must keep the API's error: %v", err)
	}
	if _, err := get.Parse(c, &refundGetReq{}, &Response{Status: 503, Body: []byte("<html>")}); err == nil ||
		kindOf(t, err) != pluginv1.ErrorKind_ERROR_KIND_PROCESSOR_UNAVAILABLE {
		t.Errorf("a body that is not JSON: %v", err)
	}
}

func TestChoiceByCredential(t *testing.T) {
	other := *testRefundGet
	other.Path = "/v2/refunds/{id}"
	ch := &Choice[*refundGetReq, *v1.RefundServiceGetResponse]{
		When: ByCredential[*refundGetReq]("balance_account_id"), Then: &other, Else: testRefundGet,
	}
	for bal, want := range map[string]string{"": "/v1/refunds/re_1", " \t": "/v1/refunds/re_1", "BA1": "/v2/refunds/re_1"} {
		c := testContext(map[string]string{"api_key": "k", "balance_account_id": bal})
		r, err := ch.Build(c, &refundGetReq{ConnectorRefundId: "re_1"})
		if err != nil || !strings.HasPrefix(r.GetUrl(), "https://api.acme.test"+want+"?") {
			t.Errorf("%q: %v %v", bal, r.GetUrl(), err)
		}
	}
}

// A form body escapes keys and values exactly as url.QueryEscape does.
func TestFormEscapesAsQueryEscape(t *testing.T) {
	var all strings.Builder
	for c := 0; c < 256; c++ {
		all.WriteByte(byte(c))
	}
	for _, s := range []string{"", "plain-_.~AZaz09", "a b&c=d+e/f?g#h[i]", "jane@example.com", "ünï €", all.String()} {
		if got, want := string(appendQueryEscape(nil, s)), url.QueryEscape(s); got != want {
			t.Errorf("escape(%q) = %q, want %q", s, got, want)
		}
	}
	b := &Body{}
	b.Set("card[number].x y", "4242 4242")
	b.SetMap("meta.data", map[string]string{"k.1[a]": "v&w"})
	b.Set("expand[]", "x")
	want := url.QueryEscape("card[number][x y]") + "=" + url.QueryEscape("4242 4242") + "&" +
		url.QueryEscape("meta[data][k.1[a]]") + "=" + url.QueryEscape("v&w") + "&" + url.QueryEscape("expand[]") + "=x"
	if _, got := b.Encode(FormEncoded); string(got) != want {
		t.Errorf("form = %s\nwant   %s", got, want)
	}
}

// Building and encoding a form body allocates its entries and its output,
// not a string or slice per value (it is most of a form processor's
// build_request in WebAssembly).
func TestFormBodyAllocatesLittle(t *testing.T) {
	allocs := testing.AllocsPerRun(100, func() {
		b := &Body{entries: make([]bodyEntry, 0, 8)}
		b.Set("amount", "1000")
		b.Set("payment_method_data[card][number]", "4242424242424242")
		b.Set("payment_method_data.billing_details.address.line1", "1 Main St")
		b.SetInt("items[0].quantity", 2)
		b.Set("expand[]", "latest_charge")
		b.Encode(FormEncoded)
	})
	if allocs > 3 {
		t.Errorf("%.0f allocations to build and encode a five-value form, want at most 3 (the body, its entries and the output)", allocs)
	}
}

// Within one parse_response call each answer read gets a parser of its own,
// so an answer read first stays intact while a second one is read; parsers
// go back to the pool only when the call ends.
func TestAnswersReadInOneCallStayValid(t *testing.T) {
	var pool fastjson.ParserPool
	loan := &parserLoan{pool: &pool}
	first, err := testAPI.Read(&Response{Status: 200, Body: []byte(`{"id":"pi_1","amount":100}`), parsers: loan})
	if err != nil {
		t.Fatal(err)
	}
	second, err := testAPI.Read(&Response{Status: 200, Body: []byte(`{"id":"re_2222222","amount":7}`), parsers: loan})
	if err != nil {
		t.Fatal(err)
	}
	if first.Str("id") != "pi_1" || first.Int("amount") != 100 || second.Str("id") != "re_2222222" {
		t.Errorf("first = %s, second = %s", first.V, second.V)
	}
	if len(loan.taken) != 2 || loan.taken[0] == loan.taken[1] {
		t.Fatalf("%d parsers lent for two answers, want two distinct ones", len(loan.taken))
	}
	loan.end()
	if len(loan.taken) != 0 {
		t.Error("the call's parsers were not returned")
	}
}
