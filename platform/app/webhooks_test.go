package app_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/connectorhost/connector-host/platform/store/storetest"
	"github.com/connectorhost/connector-host/platform/webhooks"
)

// stripeWebhook posts a Stripe event about PaymentIntent pi, signed as
// Stripe signs (HMAC-SHA256 of "t.body" under the endpoint secret), to the
// platform's inbound endpoint for connector.
func stripeWebhook(t *testing.T, p *platform, connector, eventID, typ, pi, status string, secret string) *response {
	t.Helper()
	body := fmt.Sprintf(`{"id":%q,"object":"event","type":%q,"created":%d,"livemode":false,"api_version":"2024-06-20","data":{"object":{"id":%q,"object":"payment_intent","status":%q,"amount":1000,"amount_received":%d,"amount_capturable":%d,"capture_method":"manual","currency":"usd","metadata":{}}}}`,
		eventID, typ, time.Now().Unix(), pi, status, map[bool]int{true: 1000}[status == "succeeded"], map[bool]int{true: 1000}[status == "requires_capture"])
	ts := time.Now().Unix()
	m := hmac.New(sha256.New, []byte(secret))
	fmt.Fprintf(m, "%d.%s", ts, body)
	return p.call("POST", "/webhook/gateway/"+connector, body, "Authorization", "", "Stripe-Signature", fmt.Sprintf("t=%d,v1=%s", ts, hex.EncodeToString(m.Sum(nil))))
}

// TestInboundWebhook: a verified processor event moves an intent; the same
// event again is a duplicate; a late, older event changes nothing; a bad
// signature is refused.
func TestInboundWebhook(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		p := startPlatform(t, platformOpts{dbURL: dbURL})
		conn, pm := setup(t, p)
		id := createIntent(t, p, 1000, "manual", pm)
		pi := p.call("POST", "/intents/"+id+"/confirm", nil).must(t, 200).str("connector_transaction_id")

		r := stripeWebhook(t, p, conn, "evt_1", "payment_intent.succeeded", pi, "succeeded", "whsec_platform_test").must(t, 200)
		// Stripe's plugin names the acknowledgement Stripe expects.
		if r.header.Get("Payments-Webhook-Applied") != id || r.body["received"] != true {
			t.Fatalf("receipt = %s", r.raw)
		}
		in := p.call("GET", "/intents/"+id, nil).must(t, 200)
		if in.str("status") != "succeeded" || in.num("amount_received") != 1000 {
			t.Fatalf("after the webhook the intent is %s", in.raw)
		}
		if r := stripeWebhook(t, p, conn, "evt_1", "payment_intent.succeeded", pi, "succeeded", "whsec_platform_test").must(t, 200); r.header.Get("Payments-Webhook-Duplicates") != "1" {
			t.Fatalf("replayed event: %s", r.raw)
		}
		// Out of order: the authorization event arrives after the success.
		if r := stripeWebhook(t, p, conn, "evt_0", "payment_intent.amount_capturable_updated", pi, "requires_capture", "whsec_platform_test").must(t, 200); r.header.Get("Payments-Webhook-Applied") != "" {
			t.Fatalf("a late event moved the intent: %s", r.raw)
		}
		if in := p.call("GET", "/intents/"+id, nil); in.str("status") != "succeeded" || in.num("version") != p.call("GET", "/intents/"+id, nil).num("version") {
			t.Fatalf("after a late event the intent is %s", in.raw)
		}
		if r := stripeWebhook(t, p, conn, "evt_2", "payment_intent.succeeded", pi, "succeeded", "whsec_wrong"); r.status != 401 && r.status != 400 {
			t.Fatalf("a forged webhook got %d: %s", r.status, r.raw)
		}
		stripeWebhook(t, p, "mca_missing", "evt_3", "payment_intent.succeeded", pi, "succeeded", "whsec_platform_test").wantError(t, 404, "resource_missing", "connector_id")
	})
}

// receiver is a merchant's webhook endpoint that checks signatures.
type receiver struct {
	*httptest.Server
	fail    atomic.Int32 // answer 500 while > 0, counting down
	down    atomic.Bool  // answer 503 while set
	secret  atomic.Value
	got     chan webhooks.Event
	refused chan struct{} // one value per delivery refused while down
}

func newReceiver(t *testing.T) *receiver {
	r := &receiver{got: make(chan webhooks.Event, 16), refused: make(chan struct{}, 1)}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		secret, _ := r.secret.Load().(string)
		if !webhooks.Verify([]byte(secret), req.Header.Get(webhooks.SignatureHeader), body, time.Now(), 5*time.Minute) {
			t.Errorf("delivery with a bad signature: %q", req.Header.Get(webhooks.SignatureHeader))
			w.WriteHeader(400)
			return
		}
		if r.down.Load() {
			select {
			case r.refused <- struct{}{}:
			default:
			}
			w.WriteHeader(503)
			return
		}
		if r.fail.Add(-1) >= 0 {
			w.WriteHeader(500)
			return
		}
		var ev webhooks.Event
		if err := jsonUnmarshal(body, &ev); err != nil {
			t.Errorf("delivery body: %v", err)
		}
		r.got <- ev
	}))
	t.Cleanup(r.Close)
	return r
}

func (r *receiver) next(t *testing.T) webhooks.Event {
	t.Helper()
	select {
	case ev := <-r.got:
		return ev
	case <-time.After(30 * time.Second):
		t.Fatal("no webhook delivered within 30 s")
	}
	return webhooks.Event{}
}

// TestOutboundWebhooks: a subscribed event is delivered signed, retried
// with backoff after the receiver fails, logged; the test event reaches the
// endpoint; and a delivery queued before a restart is delivered after it.
func TestOutboundWebhooks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		rcv := newReceiver(t)
		p := startPlatform(t, platformOpts{dbURL: dbURL, webhookMax: 1000})
		_, pm := setup(t, p)
		ep := p.call("POST", "/webhooks", map[string]any{"url": rcv.URL, "events": []string{"payment.succeeded", "refund.succeeded"}}).must(t, 201)
		rcv.secret.Store(ep.str("secret"))
		if l := p.call("GET", "/webhooks", nil).must(t, 200); strings.Contains(string(l.raw), ep.str("secret")) {
			t.Fatal("listing endpoints returned a secret")
		}

		rcv.fail.Store(2)
		id := createIntent(t, p, 800, "automatic", pm)
		p.call("POST", "/intents/"+id+"/confirm", nil).must(t, 200)
		ev := rcv.next(t)
		if ev.Type != "payment.succeeded" || !strings.Contains(string(ev.Data), id) {
			t.Fatalf("event = %+v", ev)
		}
		p.waitDelivered("payment.succeeded")
		log := p.call("GET", "/webhooks/"+ep.str("id")+"/deliveries", nil).must(t, 200)
		if dig(log.body, "data", "0", "status") != "succeeded" || dig(log.body, "data", "0", "attempts") != float64(3) ||
			dig(log.body, "data", "0", "log", "0", "status_code") != float64(500) || dig(log.body, "data", "0", "log", "2", "status_code") != float64(200) {
			t.Fatalf("delivery log = %s", log.raw)
		}
		p.call("POST", "/webhooks/test", map[string]any{"endpoint_id": ep.str("id")}).must(t, 202)
		if ev := rcv.next(t); ev.Type != webhooks.TestEventType {
			t.Fatalf("test event = %+v", ev)
		}

		// The receiver is down; the platform stops after one failed try.
		rcv.down.Store(true)
		p.call("POST", "/refunds", map[string]any{"intent_id": id, "amount": 100}).must(t, 201)
		select {
		case <-rcv.refused:
		case <-time.After(30 * time.Second):
			t.Fatal("the refund's webhook was not attempted within 30 s")
		}
		p.stop()
		rcv.down.Store(false)
		p2 := startPlatform(t, platformOpts{dbURL: dbURL, keys: p.keys, proxy: p.proxy})
		if ev := rcv.next(t); ev.Type != "refund.succeeded" {
			t.Fatalf("after the restart got %+v", ev)
		}
		p2.call("DELETE", "/webhooks/"+ep.str("id"), nil).must(t, 200)
	})
}

// signedStripe posts body signed as Stripe signs to connector's inbound endpoint.
func signedStripe(t *testing.T, p *platform, connector, body, secret string) *response {
	t.Helper()
	ts := time.Now().Unix()
	m := hmac.New(sha256.New, []byte(secret))
	fmt.Fprintf(m, "%d.%s", ts, body)
	return p.call("POST", "/webhook/gateway/"+connector, body, "Authorization", "", "Stripe-Signature", fmt.Sprintf("t=%d,v1=%s", ts, hex.EncodeToString(m.Sum(nil))))
}

func disputeEvent(eventID, typ, dispute, pi, status string) string {
	return fmt.Sprintf(`{"id":%q,"object":"event","type":%q,"created":%d,"livemode":false,"data":{"object":{"id":%q,"object":"dispute","amount":1000,"currency":"usd","charge":"ch_1","payment_intent":%q,"reason":"fraudulent","status":%q,"evidence_details":{"due_by":%d}}}}`,
		eventID, typ, time.Now().Unix(), dispute, pi, status, time.Now().Add(7*24*time.Hour).Unix())
}

// TestDisputes: a connector webhook opens a dispute on the intent; evidence
// goes through the connector's DisputeService and is kept in the
// append-only history; closing concedes it; a late event does not reopen
// it; a dispute entered by hand closes as accepted.
func TestDisputes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		p := startPlatform(t, platformOpts{dbURL: dbURL})
		conn, pm := setup(t, p)
		id := createIntent(t, p, 1000, "automatic", pm)
		pi := p.call("POST", "/intents/"+id+"/confirm", nil).must(t, 200).str("connector_transaction_id")

		r := signedStripe(t, p, conn, disputeEvent("evt_d1", "charge.dispute.created", "dp_platform_1", pi, "needs_response"), "whsec_platform_test").must(t, 200)
		dp := r.header.Get("Payments-Webhook-Applied")
		d := p.call("GET", "/disputes/"+dp, nil).must(t, 200)
		if d.str("intent_id") != id || d.str("status") != "needs_response" || d.num("amount") != 1000 || d.str("connector_dispute_id") != "dp_platform_1" {
			t.Fatalf("dispute = %s", d.raw)
		}
		if l := p.call("GET", "/disputes?status=needs_response&intent_id="+id, nil).must(t, 200); dig(l.body, "data", "0", "id") != dp {
			t.Fatalf("filtered list = %s", l.raw)
		}
		if l := p.call("GET", "/disputes?status=won", nil).must(t, 200); len(dig(l.body, "data").([]any)) != 0 {
			t.Fatalf("status filter ignored: %s", l.raw)
		}
		p.call("GET", "/disputes?status=bogus", nil).wantError(t, 400, "parameter_invalid", "status")
		p.call("POST", "/disputes/"+dp+"/submit-evidence", map[string]any{"evidence": []map[string]any{{"type": "telepathy", "text": "x"}}}).wantError(t, 400, "parameter_invalid", "evidence[0].type")
		d = p.call("POST", "/disputes/"+dp+"/submit-evidence", map[string]any{"evidence": []map[string]any{{"type": "uncategorized", "text": "The customer signed for the parcel."}}}).must(t, 200)
		if d.str("status") != "under_review" {
			t.Fatalf("after evidence: %s", d.raw)
		}
		ev := p.call("GET", "/disputes/"+dp+"/evidence", nil).must(t, 200)
		if dig(ev.body, "data", "0", "data", "documents", "0", "text") != "The customer signed for the parcel." || dig(ev.body, "data", "1") != nil {
			t.Fatalf("evidence = %s", ev.raw)
		}
		// Stripe marks a closed dispute lost; the connector reports it as accepted.
		if d := p.call("POST", "/disputes/"+dp+"/close", nil).must(t, 200); d.str("status") != "accepted" {
			t.Fatalf("close = %s", d.raw)
		}
		p.call("POST", "/disputes/"+dp+"/submit-evidence", map[string]any{"evidence": []map[string]any{{"type": "receipt", "text": "late"}}}).wantError(t, 409, "dispute_closed", "")
		signedStripe(t, p, conn, disputeEvent("evt_d0", "charge.dispute.updated", "dp_platform_1", pi, "needs_response"), "whsec_platform_test").must(t, 200)
		if d := p.call("GET", "/disputes/"+dp, nil); d.str("status") != "accepted" {
			t.Fatalf("a late event reopened the dispute: %s", d.raw)
		}
		if h := p.call("GET", "/disputes/"+dp+"/history", nil).must(t, 200); len(dig(h.body, "data").([]any)) != 4 {
			t.Fatalf("history (created, evidence, closed, late event) = %s", h.raw)
		}

		manual := p.call("POST", "/disputes", map[string]any{"intent_id": id, "amount": 400, "reason": "product_not_received"}).must(t, 201)
		if manual.str("status") != "needs_response" {
			t.Fatalf("manual dispute = %s", manual.raw)
		}
		p.call("POST", "/disputes", map[string]any{"intent_id": id, "amount": 4000}).wantError(t, 400, "parameter_invalid", "amount")
		if d := p.call("POST", "/disputes/"+manual.str("id")+"/close", nil).must(t, 200); d.str("status") != "accepted" {
			t.Fatalf("close manual = %s", d.raw)
		}
	})
}

// TestInboundRefundWebhook: a refund the processor left pending is settled
// by its webhook — succeeded keeps the amount, failed releases it — and a
// late duplicate status changes nothing.
func TestInboundRefundWebhook(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		p := startPlatform(t, platformOpts{dbURL: dbURL})
		conn, pm := setup(t, p)
		id := createIntent(t, p, 2000, "automatic", pm)
		pi := p.call("POST", "/intents/"+id+"/confirm", nil).must(t, 200).str("connector_transaction_id")
		refundEvent := func(evt, re, status string) string {
			return fmt.Sprintf(`{"id":%q,"object":"event","type":"refund.updated","created":%d,"livemode":false,"data":{"object":{"id":%q,"object":"refund","amount":777,"currency":"usd","payment_intent":%q,"status":%q,"metadata":{}}}}`,
				evt, time.Now().Unix(), re, pi, status)
		}
		ok := p.call("POST", "/refunds", map[string]any{"intent_id": id, "amount": 777}).must(t, 201)
		bad := p.call("POST", "/refunds", map[string]any{"intent_id": id, "amount": 777}).must(t, 201)
		if ok.str("status") != "pending" || bad.str("status") != "pending" {
			t.Fatalf("refunds = %s %s", ok.raw, bad.raw)
		}
		signedStripe(t, p, conn, refundEvent("evt_r1", ok.str("connector_refund_id"), "succeeded"), "whsec_platform_test").must(t, 200)
		signedStripe(t, p, conn, refundEvent("evt_r2", bad.str("connector_refund_id"), "failed"), "whsec_platform_test").must(t, 200)
		signedStripe(t, p, conn, refundEvent("evt_r3", ok.str("connector_refund_id"), "failed"), "whsec_platform_test").must(t, 200)
		if r := p.call("GET", "/refunds/"+ok.str("id"), nil); r.str("status") != "succeeded" {
			t.Fatalf("refund after webhooks = %s", r.raw)
		}
		if r := p.call("GET", "/refunds/"+bad.str("id"), nil); r.str("status") != "failed" {
			t.Fatalf("failed refund = %s", r.raw)
		}
		if in := p.call("GET", "/intents/"+id, nil); in.num("amount_refunded") != 777 {
			t.Fatalf("amount_refunded = %d, want 777 (the failed refund released)", in.num("amount_refunded"))
		}
	})
}
