package pdk

import (
	"testing"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk/sig"
)

// A Key's Derive keys a request without an id from what is sent.
func TestCallKeyDerive(t *testing.T) {
	call := &Call[*refundReq, *v1.PaymentServiceRefundResponse]{
		API: testAPI, Method: "POST", Path: "/v1/refunds",
		Key: Key[*refundReq]{Op: "refund", ID: (*refundReq).GetMerchantRefundId,
			Derive: func(_ *Context, _ *refundReq, body []byte) (string, string) {
				return "refund-body", sig.SHA256Hex(body)[:16]
			}},
		Body: Fields[*refundReq]{{Key: "payment", Str: (*refundReq).GetConnectorTransactionId}},
		Answer: func(*Context, *refundReq, *Answer) (*v1.PaymentServiceRefundResponse, error) {
			return &v1.PaymentServiceRefundResponse{}, nil
		},
	}
	c := NewContext(v1.Flow_FLOW_REFUND, &pluginv1.CallContext{BaseUrl: "https://api.example.com", Credentials: map[string]string{"api_key": "k"}}, nil)
	build := func(req *refundReq) *pluginv1.HttpRequest {
		t.Helper()
		r, err := call.Build(c, req)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	key := func(r *pluginv1.HttpRequest) string { return Header(r.GetHeaders(), "Idempotency-Key") }
	if r := build(&refundReq{ConnectorTransactionId: "pi_1", MerchantRefundId: "re_1"}); key(r) != "refund:re_1" || !r.GetIdempotent() {
		t.Errorf("with an id: %q", key(r))
	}
	r := build(&refundReq{ConnectorTransactionId: "pi_1"})
	if want := "refund-body:" + sig.SHA256Hex(r.GetBody())[:16]; key(r) != want || !r.GetIdempotent() {
		t.Errorf("derived key %q, want %q", key(r), want)
	}
	if key(build(&refundReq{ConnectorTransactionId: "pi_2"})) == key(r) {
		t.Error("another body got the same key")
	}
	// The key header comes before the body's Content-Type, as for any key.
	if hs := r.GetHeaders(); hs[len(hs)-2].GetName() != "Idempotency-Key" || hs[len(hs)-1].GetName() != "Content-Type" {
		t.Errorf("headers %v", hs)
	}
}

// IgnoreBody answers a 2xx by its status: any body but a truncated one.
func TestCallIgnoreBody(t *testing.T) {
	call := &Call[*refundReq, *v1.PaymentServiceRefundResponse]{
		API: testAPI, Method: "DELETE", Path: "/v1/things/x", IgnoreBody: true,
		Answer: func(_ *Context, _ *refundReq, a *Answer) (*v1.PaymentServiceRefundResponse, error) {
			if a.V != nil {
				t.Error("the body was read")
			}
			return &v1.PaymentServiceRefundResponse{ConnectorRefundId: "gone"}, nil
		},
	}
	c := NewContext(v1.Flow_FLOW_REFUND, &pluginv1.CallContext{BaseUrl: "https://api.example.com"}, nil)
	for _, body := range []string{"", "OK", `{"deleted":true}`, "[]"} {
		if out, err := call.Parse(c, &refundReq{}, &Response{Status: 200, Body: []byte(body)}); err != nil || out.GetConnectorRefundId() != "gone" {
			t.Errorf("%q: %v, %v", body, out, err)
		}
	}
	if _, err := call.Parse(c, &refundReq{}, &Response{Status: 200, Body: []byte("{"), Truncated: true}); err == nil {
		t.Error("a truncated answer was accepted")
	}
	if _, err := call.Parse(c, &refundReq{}, &Response{Status: 404, Body: []byte("{}")}); err == nil {
		t.Error("a 404 was accepted")
	}
}
