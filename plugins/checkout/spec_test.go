//go:build !wasip1

package checkout_test

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"github.com/connectorhost/connector-host/internal/specfake"
)

// TestSpecHarnessCatchesBadRequests proves the repaired spec refuses what
// Checkout.com would: an unknown field at the top and inside a card source,
// a wrong type, a malformed token, a missing required field, a path outside
// the API and a missing secret key; and accepts the plugin's shapes.
func TestSpecHarnessCatchesBadRequests(t *testing.T) {
	v := specfake.NewValidator(t, "http://fake.test", specfake.Options{
		Mounts:       []specfake.Mount{{Doc: checkoutDoc(t)}},
		Authenticate: specfake.HeaderAuth("Bearer "+testSecretKey, "ApiSecretKey"),
	})
	card := `"source":{"type":"card","number":"4242424242424242","expiry_month":6,"expiry_year":2030,"cvv":"100"}`
	cases := []struct{ name, method, path, auth, body, want string }{
		{"card payment", "POST", "/payments", testSecretKey, `{` + card + `,"amount":100,"currency":"EUR","reference":"o1","capture":false}`, ""},
		{"token payment", "POST", "/payments", testSecretKey, `{"source":{"type":"token","token":"` + tokID + `"},"amount":100,"currency":"EUR"}`, ""},
		{"token instrument", "POST", "/instruments", testSecretKey, `{"type":"token","token":"` + tokID + `"}`, ""},
		{"evidence", "PUT", "/disputes/" + dspID + "/evidence", testSecretKey, `{"invoice_or_receipt_text":"paid"}`, ""},
		{"unknown top-level field", "POST", "/payments", testSecretKey, `{` + card + `,"amount":100,"currency":"EUR","colour":"red"}`, "colour"},
		{"unknown card field", "POST", "/payments", testSecretKey, `{"source":{"type":"card","number":"4242424242424242","expiry_month":6,"expiry_year":2030,"cvc":"100"},"amount":100,"currency":"EUR"}`, "at /source"},
		{"amount as a string", "POST", "/payments", testSecretKey, `{` + card + `,"amount":"1.00","currency":"EUR"}`, "amount"},
		{"malformed token", "POST", "/payments", testSecretKey, `{"source":{"type":"token","token":"pm_card_visa"},"amount":100,"currency":"EUR"}`, "at /source"},
		{"missing currency", "POST", "/payments", testSecretKey, `{` + card + `,"amount":100}`, "currency"},
		{"unknown evidence field", "PUT", "/disputes/" + dspID + "/evidence", testSecretKey, `{"receipt_text":"paid"}`, "receipt_text"},
		{"no such operation", "POST", "/payments/" + payID + "/reversals", testSecretKey, `{}`, "not an operation"},
		{"wrong key", "POST", "/payments", "sk_sbox_wrong", `{` + card + `,"amount":100,"currency":"EUR"}`, "Authorization"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r, _ := http.NewRequest(tc.method, "http://fake.test"+tc.path, bytes.NewReader([]byte(tc.body)))
			r.Header.Set("Content-Type", "application/json")
			r.Header.Set("Authorization", "Bearer "+tc.auth)
			_, _, err := v.ValidateRequest(r, []byte(tc.body))
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
