package pdk

import (
	"errors"
	"testing"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
)

func TestTokenOnly(t *testing.T) {
	tok, err := TokenOnly(&v1.PaymentMethod{Method: &v1.PaymentMethod_Token{Token: &v1.ProcessorToken{Token: "cnon:1"}}}, "c", "o")
	if err != nil || tok != "cnon:1" {
		t.Fatalf("a token: %q, %v", tok, err)
	}
	for name, tc := range map[string]struct {
		pm   *v1.PaymentMethod
		kind pluginv1.ErrorKind
		msg  string
	}{
		"empty token": {&v1.PaymentMethod{Method: &v1.PaymentMethod_Token{Token: &v1.ProcessorToken{}}}, pluginv1.ErrorKind_ERROR_KIND_INVALID_REQUEST, "payment_method.token.token: is required"},
		"none":        {nil, pluginv1.ErrorKind_ERROR_KIND_INVALID_REQUEST, "payment_method: is required"},
		"card": {&v1.PaymentMethod{Method: &v1.PaymentMethod_Card{Card: &v1.Card{Number: "4242424242424242"}}}, pluginv1.ErrorKind_ERROR_KIND_UNSUPPORTED,
			"payment_method.card: tokenize it with the SDK"},
		"wallet": {&v1.PaymentMethod{Method: &v1.PaymentMethod_Wallet{Wallet: &v1.Wallet{}}}, pluginv1.ErrorKind_ERROR_KIND_UNSUPPORTED, "payment_method: tokens only"},
	} {
		_, err := TokenOnly(tc.pm, "tokenize it with the SDK", "tokens only")
		var e *Error
		if !errors.As(err, &e) || e.Kind != tc.kind || e.Message != tc.msg {
			t.Errorf("%s: %v, want %v %q", name, err, tc.kind, tc.msg)
		}
	}
}
