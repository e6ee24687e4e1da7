package paypal_test

import (
	"bytes"
	"encoding/base64"
	"net/http"
	"strings"
	"testing"

	"github.com/connectorhost/connector-host/internal/specfake"
)

// TestSpecValidatorCatchesBadRequests proves the fake's validation is not
// vacuous: requests that break PayPal's documents (or the OAuth 2.0 client
// credentials request) are refused with a message naming the problem.
func TestSpecValidatorCatchesBadRequests(t *testing.T) {
	f := &fakePayPal{valid: map[string]bool{"A21AAgood": true}}
	var mounts []specfake.Mount
	for _, d := range paypalDocs(t) {
		mounts = append(mounts, specfake.Mount{Doc: d})
	}
	const base = "http://paypal.fake.test"
	v := specfake.NewValidator(t, base, specfake.Options{Mounts: mounts, Authenticate: f.authenticate, Check: checkRequestID})
	order := `{"intent":"CAPTURE","purchase_units":[{"amount":{"currency_code":"USD","value":"10.00"},"custom_id":"o1"}],` +
		`"payment_source":{"card":{"number":"4111111111111111","expiry":"2030-03","security_code":"123","name":"Jane Doe"}}}`
	basic := "Basic " + base64.StdEncoding.EncodeToString([]byte(testClientID+":"+testClientSecret))
	cases := []struct {
		name, method, path, ctype, auth, body, want string
	}{
		{"valid order", "POST", "/v2/checkout/orders", "application/json", "Bearer A21AAgood", order, ""},
		{"unknown top-level field", "POST", "/v2/checkout/orders", "application/json", "Bearer A21AAgood", strings.Replace(order, `"intent"`, `"colour":"red","intent"`, 1), "colour"},
		{"unknown card field (3-D Secure verification is not in this spec)", "POST", "/v2/checkout/orders", "application/json", "Bearer A21AAgood",
			strings.Replace(order, `"name":"Jane Doe"`, `"name":"Jane Doe","attributes":{"verification":{"method":"SCA_ALWAYS"}}`, 1), "verification"},
		{"amount as a number", "POST", "/v2/checkout/orders", "application/json", "Bearer A21AAgood", strings.Replace(order, `"10.00"`, `10`, 1), "value"},
		{"intent outside the enum", "POST", "/v2/checkout/orders", "application/json", "Bearer A21AAgood", strings.Replace(order, `"CAPTURE"`, `"SALE"`, 1), "intent"},
		{"purchase units missing", "POST", "/v2/checkout/orders", "application/json", "Bearer A21AAgood", `{"intent":"CAPTURE"}`, "purchase_units"},
		{"wrong path", "POST", "/v2/checkout/order", "application/json", "Bearer A21AAgood", order, "not an operation"},
		{"no bearer token", "POST", "/v2/checkout/orders", "application/json", "", order, "Bearer"},
		{"no PayPal-Request-Id", "POST", "/v2/checkout/orders", "application/json", "Bearer A21AAgood", order, "PayPal-Request-Id"},
		{"valid token request", "POST", "/v1/oauth2/token", "application/x-www-form-urlencoded", basic, "grant_type=client_credentials", ""},
		{"token request with another grant", "POST", "/v1/oauth2/token", "application/x-www-form-urlencoded", basic, "grant_type=password", "grant_type"},
		{"token request with an extra member", "POST", "/v1/oauth2/token", "application/x-www-form-urlencoded", basic, "grant_type=client_credentials&scope=x", "scope"},
		{"token request without Basic", "POST", "/v1/oauth2/token", "application/x-www-form-urlencoded", "", "grant_type=client_credentials", "Basic"},
		{"refund with an unknown field", "POST", "/v2/payments/captures/CAP1/refund", "application/json", "Bearer A21AAgood",
			`{"amount":{"currency_code":"USD","value":"1.00"},"reason":"x"}`, "reason"},
		{"vault token without PayPal-Request-Id", "POST", "/v3/vault/payment-tokens", "application/json", "Bearer A21AAgood",
			`{"payment_source":{"card":{"number":"4111111111111111","expiry":"2030-03"}}}`, "PayPal-Request-Id"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r, err := http.NewRequest(tc.method, base+tc.path, bytes.NewReader([]byte(tc.body)))
			if err != nil {
				t.Fatal(err)
			}
			r.Header.Set("Content-Type", tc.ctype)
			if tc.auth != "" {
				r.Header.Set("Authorization", tc.auth)
			}
			if !strings.Contains(tc.name, "PayPal-Request-Id") {
				r.Header.Set("PayPal-Request-Id", "order:o1")
			}
			_, _, err = v.ValidateRequest(r, []byte(tc.body))
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("valid request refused: %v", err)
			case tc.want != "" && err == nil:
				t.Fatal("invalid request accepted")
			case tc.want != "" && !strings.Contains(err.Error(), tc.want):
				t.Fatalf("message %q does not mention %q", err, tc.want)
			}
		})
	}
}
