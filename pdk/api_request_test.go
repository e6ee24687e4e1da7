package pdk

import (
	"errors"
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
