package pdk

import (
	"errors"
	"strings"
	"testing"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
)

func apiRequestContext(creds map[string]string) *Context {
	return NewContext(v1.Flow_FLOW_GET, &pluginv1.CallContext{BaseUrl: "https://api.acme.test", Credentials: creds}, nil)
}

func TestAPINewRequestAddsAuthAndHeaders(t *testing.T) {
	api := &API{Auth: Bearer("api_key"), Headers: [][2]string{{"Acme-Version", "2024-06-20"}, {"Accept", "application/json"}}}
	r, err := api.NewRequest(apiRequestContext(map[string]string{"api_key": "sk_test_1"}), "POST", "/v1/things")
	if err != nil {
		t.Fatal(err)
	}
	h := r.Build()
	if h.GetMethod() != "POST" || h.GetUrl() != "https://api.acme.test/v1/things" {
		t.Errorf("request = %s %s", h.GetMethod(), h.GetUrl())
	}
	var names []string
	for _, x := range h.GetHeaders() {
		names = append(names, x.GetName())
	}
	if len(names) != 3 || names[0] != "Authorization" || names[1] != "Acme-Version" || names[2] != "Accept" {
		t.Errorf("headers = %v, want Authorization, Acme-Version, Accept in that order", names)
	}
	if len(h.GetSecretHeaders()) != 1 || h.GetSecretHeaders()[0] != "Authorization" {
		t.Errorf("secret headers = %v", h.GetSecretHeaders())
	}
	_, err = api.NewRequest(apiRequestContext(nil), "GET", "/v1/things")
	var e *Error
	if !errors.As(err, &e) || e.Kind != pluginv1.ErrorKind_ERROR_KIND_CREDENTIALS {
		t.Errorf("missing credential: %v", err)
	}
}

func TestAPIGetAndSend(t *testing.T) {
	api := &API{Auth: Bearer("api_key"), IdempotencyHeader: "Idempotency-Key", Encoding: JSONEncoded}
	c := apiRequestContext(map[string]string{"api_key": "sk_test_1"})
	g, err := api.Get(c, "/v1/things/t_1")
	if err != nil || g.GetMethod() != "GET" || !g.GetIdempotent() || len(g.GetBody()) != 0 || Header(g.GetHeaders(), "Idempotency-Key") != "" {
		t.Errorf("Get = %v, %v; want an idempotent GET without key or body", g, err)
	}
	s, err := api.Send(c, "POST", "/v1/things", "thing:o_1", []byte(`{"a":1}`))
	if err != nil || s.GetMethod() != "POST" || !s.GetIdempotent() || Header(s.GetHeaders(), "Idempotency-Key") != "thing:o_1" ||
		Header(s.GetHeaders(), "Content-Type") != "application/json" || string(s.GetBody()) != `{"a":1}` {
		t.Errorf("Send = %v, %v", s, err)
	}
	api.Encoding = FormEncoded
	if f, _ := api.Send(c, "POST", "/v1/things", "k", []byte("a=1")); Header(f.GetHeaders(), "Content-Type") != "application/x-www-form-urlencoded" {
		t.Errorf("a form body's content type = %q", Header(f.GetHeaders(), "Content-Type"))
	}
	if n, _ := api.Send(c, "DELETE", "/v1/things/t_1", "k", nil); n.GetBody() != nil || Header(n.GetHeaders(), "Content-Type") != "" {
		t.Errorf("no body: %v", n)
	}
}

// A key over the limit (a merchant id of any length after "<op>:") is
// bounded the same way on every retry; keys within it go out as given.
func TestAPISendBoundsLongKeys(t *testing.T) {
	api := &API{Auth: Bearer("api_key"), IdempotencyHeader: "Idempotency-Key", Encoding: JSONEncoded}
	c := apiRequestContext(map[string]string{"api_key": "sk_test_1"})
	long := "customer:" + strings.Repeat("m", 300)
	key := func(k string) string {
		r, err := api.Send(c, "POST", "/v1/customers", k, []byte(`{}`))
		if err != nil {
			t.Fatal(err)
		}
		return Header(r.GetHeaders(), "Idempotency-Key")
	}
	got := key(long)
	if len(got) > 255 || !strings.HasPrefix(got, "customer:") || got != key(long) {
		t.Errorf("long key = %q (%d characters); want a stable customer:<hash> within 255", got, len(got))
	}
	if other := key(long + "x"); other == got {
		t.Errorf("two long ids share the key %q", got)
	}
	if k := strings.Repeat("k", 255); key(k) != k {
		t.Errorf("a 255-character key was changed")
	}
	api.MaxKeyLen = 64
	if got := key("payment:" + strings.Repeat("p", 80)); len(got) != 64 || !strings.HasPrefix(got, "payment:") {
		t.Errorf("with MaxKeyLen 64: %q", got)
	}
	if got := key(strings.Repeat("x", 100)); len(got) != 64 || !strings.HasPrefix(got, "key:") {
		t.Errorf("a long key without an op: %q", got)
	}
}
