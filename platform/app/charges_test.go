package app_test

import (
	"testing"

	"github.com/connectorhost/connector-host/platform/store/storetest"
)

// TestChargeCardChecks: GET /charges/{id} answers the AVS, CVC and 3DS
// results the connector reported at authorization (Stripe's expanded
// latest_charge), for an automatic-capture charge and for the capture of a
// manual one; a charge whose connector reported none answers null.
func TestChargeCardChecks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		p := startPlatform(t, platformOpts{dbURL: dbURL})
		_, pm := setup(t, p)
		chargeOf := func(intent string) *response {
			t.Helper()
			l := p.call("GET", "/intents/"+intent+"/charges", nil).must(t, 200)
			id, _ := dig(l.body, "data", "0", "id").(string)
			if id == "" || dig(l.body, "data", "1") != nil {
				t.Fatalf("charges = %s", l.raw)
			}
			return p.call("GET", "/charges/"+id, nil).must(t, 200)
		}
		wantChecks := func(c *response) {
			t.Helper()
			if c.str("card_checks", "address_line1_check") != "pass" || c.str("card_checks", "postal_code_check") != "fail" ||
				c.str("card_checks", "cvc_check") != "pass" || c.str("card_checks", "three_ds_result", "eci") != "05" ||
				c.str("card_checks", "three_ds_result", "version") != "2.2.0" || c.str("card_checks", "three_ds_result", "authentication_status") != "authenticated" {
				t.Fatalf("card checks = %s", c.raw)
			}
			if c.str("cvv_result") != "pass" || c.str("three_ds_result") != "authenticated" || c.str("avs_result") != "" {
				t.Fatalf("summary fields = %s", c.raw)
			}
		}

		auto := createIntent(t, p, 4321, "automatic", pm)
		p.call("POST", "/intents/"+auto+"/confirm", nil).must(t, 200)
		wantChecks(chargeOf(auto))

		manual := createIntent(t, p, 4321, "manual", pm)
		p.call("POST", "/intents/"+manual+"/confirm", nil).must(t, 200)
		p.call("POST", "/intents/"+manual+"/capture", map[string]any{"amount_to_capture": 4000}).must(t, 200)
		c := chargeOf(manual)
		if c.num("amount") != 4000 {
			t.Fatalf("capture charge = %s", c.raw)
		}
		wantChecks(c)

		plain := createIntent(t, p, 1000, "automatic", pm)
		p.call("POST", "/intents/"+plain+"/confirm", nil).must(t, 200)
		if c := chargeOf(plain); c.body["card_checks"] != nil || c.str("cvv_result") != "" {
			t.Fatalf("a charge without checks = %s", c.raw)
		}
	})
}
