package conformance

import (
	"encoding/base64"
	"strings"
	"testing"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
)

func TestRequestLeaks(t *testing.T) {
	m := &v1.Manifest{CredentialFields: []*v1.CredentialField{{Name: "api_key", Secret: true}, {Name: "merchant", Secret: false}, {Name: "pin", Secret: true}}}
	creds := map[string]string{"api_key": "sk_test_abcdef123", "merchant": "acme_merchant", "pin": "1234"}
	req := &v1.PaymentServiceAuthorizeRequest{PaymentMethod: &v1.PaymentMethod{Method: &v1.PaymentMethod_Card{Card: &v1.Card{Number: "4242424242424242", Cvc: "321"}}}}
	secrets := secretsFor(m, creds, req)
	if len(secrets) != 3 { // api_key, card number, CVC; "pin" is too short to scan for
		t.Fatalf("secrets = %+v", secrets)
	}
	h := func(n, v string) *v1.HttpHeader { return &v1.HttpHeader{Name: n, Value: v} }
	for _, tc := range []struct {
		name string
		hr   *pluginv1.HttpRequest
		want []string
	}{
		{"clean", &pluginv1.HttpRequest{Url: "https://p.example/v1/pay?amount=4242", Body: []byte(`{"number":"4242424242424242","cvc":"321","merchant":"acme_merchant"}`),
			Headers: []*v1.HttpHeader{h("Authorization", "Bearer sk_test_abcdef123")}, SecretHeaders: []string{"authorization"}}, nil},
		{"key in query", &pluginv1.HttpRequest{Url: "https://p.example/v1/pay?key=sk_test_abcdef123"}, []string{"credential api_key appears in the URL"}},
		{"key escaped in path", &pluginv1.HttpRequest{Url: "https://p.example/keys/sk%5Ftest%5Fabcdef123/pay"}, []string{"credential api_key appears in the URL"}},
		{"basic auth in a plain header", &pluginv1.HttpRequest{Url: "https://p.example/",
			Headers: []*v1.HttpHeader{h("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte("user:sk_test_abcdef123")))}},
			[]string{"credential api_key appears in header Authorization, which is not listed in secret_headers"}},
		{"key in body", &pluginv1.HttpRequest{Url: "https://p.example/", Body: []byte("a=1&key=sk_test_abcdef123")}, []string{"credential api_key appears in the body"}},
		{"card in URL", &pluginv1.HttpRequest{Url: "https://p.example/cards/4242424242424242"}, []string{"card number appears in the URL"}},
		{"card digits inside a longer number are not the card", &pluginv1.HttpRequest{Url: "https://p.example/x/942424242424242421"}, nil},
		{"cvc in a named query parameter", &pluginv1.HttpRequest{Url: "https://p.example/x?card_cvc=321&amount=321"}, []string{"card CVC appears in the URL (query parameter card_cvc)"}},
		{"cvc-like amount is not the cvc", &pluginv1.HttpRequest{Url: "https://p.example/x?amount=321"}, nil},
	} {
		got := requestLeaks(tc.hr, secrets)
		if strings.Join(got, "|") != strings.Join(tc.want, "|") {
			t.Errorf("%s: leaks %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestAmountHelpers(t *testing.T) {
	jpy := &v1.Money{MinorAmount: 123450, Currency: "JPY"}
	usd := &v1.Money{MinorAmount: 123450, Currency: "USD"}
	bhd := &v1.Money{MinorAmount: 123450, Currency: "BHD"}
	for _, tc := range []struct {
		text string
		amt  *v1.Money
		want bool
	}{
		{`amount=123450&currency=jpy`, jpy, true},
		{`{"value":"123450"}`, jpy, true},
		{`{"value":"1234.50"}`, jpy, false},
		{`{"value":1234.5}`, usd, true},
		{`{"value":"1234.50"}`, usd, true},
		{`{"value":123450}`, usd, true},
		{`{"value":"12345.0"}`, usd, false},
		{`{"value":"123.450"}`, bhd, true},
		{`{"value":"123.45"}`, bhd, true},
		{`{"value":"1234.50"}`, bhd, false},
	} {
		if got := carriesAmount(tc.text, tc.amt); got != tc.want {
			t.Errorf("carriesAmount(%s, %v) = %v", tc.text, tc.amt, got)
		}
	}
	body := []byte(`{"id":"pay_1","amount":{"value":"10.00","currency":"usd"},"fee":{"value":1000},"items":[{"price":"10.00"}]}`)
	orig := &v1.Money{MinorAmount: 1000, Currency: "USD"}
	if c := echoClass(body, orig); c != "as decimals" {
		t.Fatalf("echoClass = %q", c)
	}
	out, err := echoAmount(body, orig, jpy, "as decimals")
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"amount":{"currency":"jpy","value":"123450"},"fee":{"value":1000},"id":"pay_1","items":[{"price":"123450"}]}`; string(out) != want {
		t.Fatalf("echoAmount = %s\nwant        %s", out, want)
	}
}

func TestReplaceStatuses(t *testing.T) {
	out, n, err := replaceStatuses([]byte(`{"status":"succeeded","resultCode":"Authorised","charges":[{"status":"paid","state":"x"}],"statusCode":200,"note":"status"}`))
	if err != nil || n != 4 {
		t.Fatalf("n = %d, err = %v", n, err)
	}
	if strings.Contains(string(out), "succeeded") || strings.Contains(string(out), "Authorised") || !strings.Contains(string(out), `"statusCode":200`) {
		t.Fatalf("out = %s", out)
	}
}

func TestCorruptKeepsTheCharacterClass(t *testing.T) {
	for _, s := range []string{"44782DEF547AAA06C910C43932B1EB0C", "whsec_abc", "9f", "zz", "+/=="} {
		c := corrupt(s)
		if c == s || len(c) != len(s) {
			t.Errorf("corrupt(%q) = %q", s, c)
		}
	}
	if c := corrupt("ABCDEF0123"); strings.Trim(c, "0123456789ABCDEF") != "" {
		t.Errorf("a hex key must stay hex: %q", c)
	}
	if got := signaturesInBody(`{"a":{"hmacSignature":"c2ln"},"b":[{"additionalData":{"hmacSignature":"b3RoZXI="}}],"signatureless":1}`); strings.Join(got, ",") != "b3RoZXI=,c2ln" {
		t.Errorf("signaturesInBody = %q", got)
	}
}
