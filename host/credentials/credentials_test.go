package credentials_test

import (
	"errors"
	"strings"
	"testing"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/host/credentials"
)

var stripe = &v1.Manifest{Name: "stripe", CredentialFields: []*v1.CredentialField{
	{Name: "api_key", Required: true, Secret: true},
	{Name: "webhook_secret", Secret: true},
}}

func accounts(name string) (credentials.Account, bool) {
	switch name {
	case "main":
		return credentials.Account{Name: "main", Connector: "stripe", Environment: "live", Fields: map[string]string{"api_key": "sk_live_1"}}, true
	case "adyen_eu":
		return credentials.Account{Name: "adyen_eu", Connector: "adyen", Fields: map[string]string{"api_key": "k"}}, true
	case "broken":
		return credentials.Account{Name: "broken", Connector: "stripe", Environment: "moon", Fields: map[string]string{"api_key": "k"}}, true
	}
	return credentials.Account{}, false
}

// Each refusal has the kind host/server codes it by and a message naming
// what the caller sent, never a value.
func TestResolveRefusals(t *testing.T) {
	for name, tc := range map[string]struct {
		src  credentials.Source
		kind error // nil: the operator's error, no caller kind
		msg  string
	}{
		"both sources":          {credentials.Source{AuthJSON: `{"api_key":"sk_1"}`, Account: "main"}, credentials.ErrInvalid, "send either x-connector-auth or x-connector-account, not both"},
		"auth not an object":    {credentials.Source{AuthJSON: `["sk_secret_value"]`}, credentials.ErrInvalid, "x-connector-auth must be a JSON object of string fields"},
		"auth field not text":   {credentials.Source{AuthJSON: `{"api_key":42}`}, credentials.ErrInvalid, `x-connector-auth: field "api_key" must be a string`},
		"unknown field":         {credentials.Source{AuthJSON: `{"api_key":"sk_1","apikey":"sk_secret_value"}`}, credentials.ErrInvalid, `credentials: connector "stripe" has no field(s) "apikey"`},
		"bad environment":       {credentials.Source{AuthJSON: `{"api_key":"sk_1"}`, Environment: "prod-eu"}, credentials.ErrInvalid, `x-connector-environment: environment must be "sandbox" or "live"`},
		"account other env":     {credentials.Source{Account: "main", Environment: "sandbox"}, credentials.ErrInvalid, `account "main" is configured for another environment`},
		"nothing sent":          {credentials.Source{}, credentials.ErrMissing, `no credentials for connector "stripe"`},
		"unknown account":       {credentials.Source{Account: "nope"}, credentials.ErrMissing, `x-connector-account: no account named "nope" is configured`},
		"required field":        {credentials.Source{AuthJSON: `{"webhook_secret":"whsec_secret_value"}`}, credentials.ErrMissing, `credentials: connector "stripe" needs field "api_key"`},
		"another's account":     {credentials.Source{Account: "adyen_eu"}, credentials.ErrWrongConnector, `account "adyen_eu" belongs to connector "adyen", not "stripe"`},
		"misconfigured account": {credentials.Source{Account: "broken"}, nil, `account "broken": environment must be`},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := credentials.Resolve("stripe", tc.src, stripe, accounts)
			if err == nil {
				t.Fatal("accepted")
			}
			for _, kind := range []error{credentials.ErrInvalid, credentials.ErrMissing, credentials.ErrWrongConnector} {
				if got, want := errors.Is(err, kind), kind == tc.kind; got != want {
					t.Errorf("errors.Is(%v, %v) = %v, want %v", err, kind, got, want)
				}
			}
			if !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("message %q lacks %q", err.Error(), tc.msg)
			}
			if strings.Contains(err.Error(), "secret_value") {
				t.Errorf("message echoes a value: %q", err.Error())
			}
		})
	}
}

func TestResolveAccepts(t *testing.T) {
	res, err := credentials.Resolve("stripe", credentials.Source{Account: "main"}, stripe, accounts)
	if err != nil {
		t.Fatal(err)
	}
	if res.Fields["api_key"] != "sk_live_1" || res.Environment != pluginv1.Environment_ENVIRONMENT_LIVE || res.Account != "main" {
		t.Errorf("resolved %+v", res)
	}
	// A webhook needs only what verification needs.
	if _, err := credentials.Resolve("stripe", credentials.Source{AuthJSON: `{"webhook_secret":"w"}`, WebhookOnly: true}, stripe, accounts); err != nil {
		t.Errorf("webhook-only: %v", err)
	}
}
