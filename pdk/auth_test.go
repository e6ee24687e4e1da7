package pdk

import (
	"errors"
	"testing"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
)

func authContext(creds map[string]string) *Context {
	return NewContext(v1.Flow_FLOW_GET, &pluginv1.CallContext{BaseUrl: "https://api.acme.test", Credentials: creds}, nil)
}

func TestBearerAndBasicAuthSendSecretHeaders(t *testing.T) {
	c := authContext(map[string]string{"api_key": "sk_test_1", "key_id": "rzp_test_1", "key_secret": "s3cr3t"})
	for name, tc := range map[string]struct {
		auth func(*Context, *Request) error
		want string
	}{
		"bearer": {BearerAuth("api_key"), "Bearer sk_test_1"},
		"basic":  {BasicAuth("key_id", "key_secret"), "Basic cnpwX3Rlc3RfMTpzM2NyM3Q="}, // base64("rzp_test_1:s3cr3t")
	} {
		r := NewRequest("GET", c.URL("/v1/x"))
		if err := tc.auth(c, r); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		h := r.Build()
		if got := Header(h.GetHeaders(), "Authorization"); got != tc.want {
			t.Errorf("%s: Authorization = %q, want %q", name, got, tc.want)
		}
		if len(h.GetSecretHeaders()) != 1 || h.GetSecretHeaders()[0] != "Authorization" {
			t.Errorf("%s: secret headers = %v, want [Authorization]", name, h.GetSecretHeaders())
		}
	}
}

func TestAuthRefusesAMissingCredential(t *testing.T) {
	c := authContext(map[string]string{"key_id": "rzp_test_1"})
	for name, auth := range map[string]func(*Context, *Request) error{
		"bearer": BearerAuth("api_key"), "basic": BasicAuth("key_id", "key_secret"),
	} {
		err := auth(c, NewRequest("GET", c.URL("/")))
		var e *Error
		if !errors.As(err, &e) || e.Kind != pluginv1.ErrorKind_ERROR_KIND_CREDENTIALS {
			t.Errorf("%s: err = %v, want a CREDENTIALS error", name, err)
		}
	}
}
