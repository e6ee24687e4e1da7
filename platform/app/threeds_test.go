package app_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/connectorhost/connector-host/platform/store/storetest"
)

// fakeAdyen answers Checkout's /payments with a 3DS redirect and
// /payments/details with an authorisation, recording what it was sent.
type fakeAdyen struct {
	*httptest.Server
	mu     sync.Mutex
	bodies map[string][]map[string]any
}

func newFakeAdyen(t *testing.T) *fakeAdyen {
	f := &fakeAdyen{bodies: map[string][]map[string]any{}}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body map[string]any
		b, _ := io.ReadAll(r.Body)
		_ = json.Unmarshal(b, &body)
		f.mu.Lock()
		f.bodies[r.URL.Path] = append(f.bodies[r.URL.Path], body)
		f.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		switch {
		case strings.HasSuffix(r.URL.Path, "/payments/details"):
			f.mu.Lock()
			ref := f.bodies["/v71/payments"][len(f.bodies["/v71/payments"])-1]["reference"]
			f.mu.Unlock()
			_ = json.NewEncoder(w).Encode(map[string]any{"resultCode": "Authorised", "pspReference": "PSP3DS000000001", "merchantReference": ref,
				"additionalData": map[string]any{"eci": "05", "threeDSVersion": "2.2.0", "threeDAuthenticatedResponse": "Y", "cvcResult": "1 Matches"}})
		case strings.HasSuffix(r.URL.Path, "/captures"):
			_ = json.NewEncoder(w).Encode(map[string]any{"status": "received", "pspReference": "PSPCAPTURE000001", "paymentPspReference": "PSP3DS000000001",
				"merchantAccount": "TestMerchant", "reference": body["reference"], "amount": body["amount"]})
		case strings.HasSuffix(r.URL.Path, "/payments"):
			_ = json.NewEncoder(w).Encode(map[string]any{"resultCode": "RedirectShopper", "pspReference": "PSP3DS000000001", "action": map[string]any{
				"type": "redirect", "paymentMethodType": "scheme", "method": "GET",
				"url": "https://checkoutshopper-test.adyen.com/checkoutshopper/threeDS/redirect?MD=M2RzZWN1cmU",
			}})
		default:
			w.WriteHeader(404)
		}
	}))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeAdyen) sent(path string) []map[string]any {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.bodies[path]
}

// TestThreeDS: a confirm through the Adyen plugin answers requires_action
// with the redirect; completing 3DS with the shopper's redirect result
// authorizes the intent through /payments/details; a second completion is
// refused.
func TestThreeDS(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		fake := newFakeAdyen(t)
		p := startPlatform(t, platformOpts{dbURL: dbURL, baseURLs: map[string]string{"adyen": fake.URL + "/v71"}})
		conn := p.call("POST", "/connectors", map[string]any{"plugin": "adyen", "credentials": map[string]string{"api_key": "AQE_test", "merchant_account": "TestMerchant"}}).must(t, 201).str("id")
		pm := p.call("POST", "/methods/attach", map[string]any{"token": "8415718415172200", "connector_id": conn, "customer_id": "shopper_1", "brand": "visa", "last4": "1111"}).must(t, 201).str("id")
		id := createIntent(t, p, 2500, "manual", pm)
		in := p.call("POST", "/intents/"+id+"/confirm", map[string]any{"return_url": "https://merchant.example/return"}).must(t, 200)
		if in.str("status") != "requires_action" || !strings.HasPrefix(in.str("next_action", "redirect", "url"), "https://checkoutshopper-test.adyen.com/") {
			t.Fatalf("confirm = %s", in.raw)
		}
		if sent := fake.sent("/v71/payments"); len(sent) != 1 || dig(sent[0], "paymentMethod", "storedPaymentMethodId") != "8415718415172200" || sent[0]["shopperReference"] != "shopper_1" {
			t.Fatalf("/payments got %v", sent)
		}
		na := p.call("GET", "/intents/"+id+"/next-action", nil).must(t, 200)
		if na.str("status") != "requires_action" || na.str("next_action", "redirect", "url") != in.str("next_action", "redirect", "url") {
			t.Fatalf("next-action = %s", na.raw)
		}
		p.call("POST", "/intents/"+id+"/capture", nil).wantError(t, 409, "intent_unexpected_state", "")
		p.call("POST", "/intents/"+id+"/3ds/complete", map[string]any{}).wantError(t, 400, "parameter_missing", "params")
		in = p.call("POST", "/intents/"+id+"/3ds/complete", map[string]any{"params": map[string]string{"redirectResult": "X6XtfGC3", "utm_source": "mail"}}).must(t, 200)
		if in.str("status") != "requires_capture" || in.num("amount_capturable") != 2500 || in.str("connector_transaction_id") != "PSP3DS000000001" || in.body["next_action"] != nil {
			t.Fatalf("3ds complete = %s", in.raw)
		}
		if sent := fake.sent("/v71/payments/details"); len(sent) != 1 || dig(sent[0], "details", "redirectResult") != "X6XtfGC3" || dig(sent[0], "details", "utm_source") != nil {
			t.Fatalf("/payments/details got %v", sent)
		}
		p.call("POST", "/intents/"+id+"/3ds/complete", map[string]any{"params": map[string]string{"redirectResult": "again"}}).wantError(t, 409, "intent_unexpected_state", "")

		// The capture's charge carries the 3DS result Adyen gave on /payments/details.
		p.call("POST", "/intents/"+id+"/capture", nil).must(t, 200)
		l := p.call("GET", "/intents/"+id+"/charges", nil).must(t, 200)
		ch, _ := dig(l.body, "data", "0", "id").(string)
		if ch == "" {
			t.Fatalf("charges after capture = %s", l.raw)
		}
		c := p.call("GET", "/charges/"+ch, nil).must(t, 200)
		if c.str("card_checks", "three_ds_result", "eci") != "05" || c.str("card_checks", "three_ds_result", "version") != "2.2.0" ||
			c.str("three_ds_result") != "Y" || c.str("cvv_result") != "1 Matches" {
			t.Fatalf("charge = %s", c.raw)
		}
	})
}
