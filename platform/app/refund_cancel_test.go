package app_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/connectorhost/connector-host/platform/store/storetest"
)

// refundUpdated is Stripe's refund.updated event for refund re of pi.
func refundUpdated(evt, re, pi, status string, amount int64) string {
	return fmt.Sprintf(`{"id":%q,"object":"event","type":"refund.updated","created":%d,"livemode":false,"data":{"object":{"id":%q,"object":"refund","amount":%d,"currency":"usd","payment_intent":%q,"status":%q,"metadata":{}}}}`,
		evt, time.Now().Unix(), re, amount, pi, status)
}

// TestRefundCancel: a refund still pending at the processor is canceled
// through the connector (RefundService.Cancel, POST /v1/refunds/{id}/cancel
// at stripe-mock), releasing its amount; canceling it again answers it; a
// final refund is a 409 naming its status; a late webhook changes nothing;
// a cancel racing a webhook that settles the refund first loses with a 409
// and the refund stays succeeded (one winner).
func TestRefundCancel(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		p := startPlatform(t, platformOpts{dbURL: dbURL})
		conn, pm := setup(t, p)
		id := createIntent(t, p, 2000, "automatic", pm)
		pi := p.call("POST", "/intents/"+id+"/confirm", nil).must(t, 200).str("connector_transaction_id")

		pending := p.call("POST", "/refunds", map[string]any{"intent_id": id, "amount": 777}).must(t, 201)
		if pending.str("status") != "pending" || pending.str("connector_refund_id") == "" {
			t.Fatalf("refund = %s", pending.raw)
		}
		p.call("POST", "/refunds/"+pending.str("id")+"/cancel", map[string]any{"reason": "x"}).wantError(t, 400, "parameter_unknown", "reason")
		c := p.call("POST", "/refunds/"+pending.str("id")+"/cancel", nil).must(t, 200)
		if c.str("status") != "canceled" || c.str("id") != pending.str("id") || c.body["last_error"] != nil {
			t.Fatalf("cancel = %s", c.raw)
		}
		if in := p.call("GET", "/intents/"+id, nil); in.num("amount_refunded") != 0 {
			t.Fatalf("amount_refunded = %d after the cancel, want 0 (released)", in.num("amount_refunded"))
		}
		if again := p.call("POST", "/refunds/"+pending.str("id")+"/cancel", nil).must(t, 200); again.str("status") != "canceled" {
			t.Fatalf("second cancel = %s", again.raw)
		}
		// A late webhook saying the refund succeeded does not revive it.
		signedStripe(t, p, conn, refundUpdated("evt_rc1", pending.str("connector_refund_id"), pi, "succeeded", 777), "whsec_platform_test").must(t, 200)
		if r := p.call("GET", "/refunds/"+pending.str("id"), nil); r.str("status") != "canceled" {
			t.Fatalf("after a late webhook: %s", r.raw)
		}

		// The whole amount is refundable again; a final refund cannot be canceled.
		done := p.call("POST", "/refunds", map[string]any{"intent_id": id, "amount": 1000}).must(t, 201)
		if done.str("status") != "succeeded" {
			t.Fatalf("refund = %s", done.raw)
		}
		r := p.call("POST", "/refunds/"+done.str("id")+"/cancel", nil)
		r.wantError(t, 409, "refund_not_cancelable", "")
		if !strings.Contains(r.str("error", "message"), "succeeded") {
			t.Errorf("409 does not say why: %s", r.raw)
		}
		p.call("POST", "/refunds/re_nope/cancel", nil).wantError(t, 404, "resource_missing", "id")

		// A webhook settles the refund while the cancel is at the processor.
		racing := p.call("POST", "/refunds", map[string]any{"intent_id": id, "amount": 777}).must(t, 201)
		p.proxy.holdCancel.Store(true)
		cancel := make(chan *response, 1)
		go func() { cancel <- p.call("POST", "/refunds/"+racing.str("id")+"/cancel", nil) }()
		<-p.proxy.held
		signedStripe(t, p, conn, refundUpdated("evt_rc2", racing.str("connector_refund_id"), pi, "succeeded", 777), "whsec_platform_test").must(t, 200)
		p.proxy.hold <- struct{}{}
		lost := <-cancel
		lost.wantError(t, 409, "refund_not_cancelable", "")
		if g := p.call("GET", "/refunds/"+racing.str("id"), nil); g.str("status") != "succeeded" {
			t.Fatalf("raced refund = %s, want succeeded (the webhook won)", g.raw)
		}
		if in := p.call("GET", "/intents/"+id, nil); in.num("amount_refunded") != 1777 {
			t.Fatalf("amount_refunded = %d, want 1777", in.num("amount_refunded"))
		}
	})
}

// TestRefundCancelUnsupported: a pending refund at a connector without
// RefundService.Cancel (Adyen refunds are always pending until the
// notification) is a 409 naming the connector, and stays pending.
func TestRefundCancelUnsupported(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		fake := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			var body map[string]any
			b, _ := io.ReadAll(r.Body)
			_ = json.Unmarshal(b, &body)
			w.Header().Set("Content-Type", "application/json")
			switch {
			case strings.HasSuffix(r.URL.Path, "/refunds"):
				_ = json.NewEncoder(w).Encode(map[string]any{"status": "received", "pspReference": "PSPREFUND0000001", "paymentPspReference": "PSPPAY0000000001",
					"merchantAccount": "TestMerchant", "reference": body["reference"], "amount": body["amount"]})
			case strings.HasSuffix(r.URL.Path, "/payments"):
				_ = json.NewEncoder(w).Encode(map[string]any{"resultCode": "Authorised", "pspReference": "PSPPAY0000000001", "merchantReference": body["reference"],
					"amount": body["amount"]})
			default:
				w.WriteHeader(404)
			}
		}))
		t.Cleanup(fake.Close)
		p := startPlatform(t, platformOpts{dbURL: dbURL, baseURLs: map[string]string{"adyen": fake.URL + "/v71"}})
		conn := p.call("POST", "/connectors", map[string]any{"plugin": "adyen", "credentials": map[string]string{"api_key": "AQE_test", "merchant_account": "TestMerchant"}}).must(t, 201).str("id")
		pm := p.call("POST", "/methods/attach", map[string]any{"token": "8415718415172200", "connector_id": conn, "customer_id": "shopper_1", "brand": "visa", "last4": "1111"}).must(t, 201).str("id")
		id := createIntent(t, p, 2500, "automatic", pm)
		if in := p.call("POST", "/intents/"+id+"/confirm", map[string]any{"return_url": "https://merchant.example/return"}).must(t, 200); in.str("status") != "succeeded" {
			t.Fatalf("confirm = %s", in.raw)
		}
		rf := p.call("POST", "/refunds", map[string]any{"intent_id": id, "amount": 500}).must(t, 201)
		if rf.str("status") != "pending" || rf.str("connector_refund_id") == "" {
			t.Fatalf("refund = %s", rf.raw)
		}
		r := p.call("POST", "/refunds/"+rf.str("id")+"/cancel", nil)
		r.wantError(t, 409, "connector_cannot_cancel_refund", "")
		if !strings.Contains(r.str("error", "message"), conn) {
			t.Errorf("409 does not name the connector: %s", r.raw)
		}
		if g := p.call("GET", "/refunds/"+rf.str("id"), nil); g.str("status") != "pending" {
			t.Fatalf("refund after a refused cancel = %s", g.raw)
		}
	})
}
