package app_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/connectorhost/connector-host/platform/connectors"
	"github.com/connectorhost/connector-host/platform/store/storetest"
)

// twoConnectors creates two Stripe connectors routed first and second (the
// second through the in-process host's network address, so both reach the
// same lifecycle proxy; the key's position tells them apart), and a saved
// card; firstHost, when set, is the first connector's host_url.
func twoConnectors(t *testing.T, p *platform, firstHost string) (first, second, pm string) {
	t.Helper()
	creds := map[string]string{"api_key": "sk_test_123"}
	body := map[string]any{"plugin": "stripe", "name": "first", "credentials": creds}
	if firstHost != "" {
		body["host_url"] = firstHost
	}
	first = p.call("POST", "/connectors", body).must(t, 201).str("id")
	second = p.call("POST", "/connectors", map[string]any{"plugin": "stripe", "name": "second", "host_url": p.app.LocalHostURL(), "credentials": creds}).must(t, 201).str("id")
	p.call("POST", "/routing-rules", map[string]any{"priority": 1, "connector_id": first, "currency": "USD"}).must(t, 201)
	p.call("POST", "/routing-rules", map[string]any{"priority": 2, "connector_id": second, "currency": "USD"}).must(t, 201)
	pm = p.call("POST", "/methods/attach", map[string]any{"token": "pm_card_visa"}).must(t, 201).str("id")
	return first, second, pm
}

// releaseIfHeld lets the request the proxy holds under flag go on. When the
// proxy never took it (the call ended before its request reached the
// processor: the flag is still set), it clears the flag and returns at once
// instead of waiting for a request that will not come; the caller's
// assertions on the answer then fail the test, never a hang.
func (p *platform) releaseIfHeld(flag *atomic.Bool) {
	if flag.CompareAndSwap(true, false) {
		return
	}
	<-p.proxy.held
	p.proxy.hold <- struct{}{}
}

// confirmTimesOut confirms id while the proxy holds the processor's answer
// past the platform's timeout, and checks the answer is outcome_unknown.
func confirmTimesOut(t *testing.T, p *platform, id string) *response {
	t.Helper()
	r := p.whileHeld(&p.proxy.holdNext, "POST", "/intents/"+id+"/confirm", nil)
	r.wantError(t, 503, "outcome_unknown", "")
	return r
}

// whileHeld sends a request while the proxy holds the processor request
// flag marks (past the platform's timeout), then lets it go on.
func (p *platform) whileHeld(flag *atomic.Bool, method, path string, body any) *response {
	flag.Store(true)
	r := p.call(method, path, body)
	p.releaseIfHeld(flag)
	return r
}

// confirmedIntent starts a platform timing out connector calls after 3 s,
// with a Stripe connector, and confirms an intent of amount; it returns
// the platform and the intent's id.
func confirmedIntent(t *testing.T, amount int64, capture string) (*platform, string) {
	t.Helper()
	p := startPlatform(t, platformOpts{dbURL: storetest.SQLiteURL(t), connectorTimeout: 3 * time.Second})
	_, pm := setup(t, p)
	id := createIntent(t, p, amount, capture, pm)
	p.call("POST", "/intents/"+id+"/confirm", nil).must(t, 200)
	return p, id
}

// TestTimeoutNeverChargesTwice: the first connector takes the payment and
// gives no answer in time. The processor may have charged, so the second
// connector is NOT tried: the intent stays processing, bound to that try,
// with outcome_unknown; a confirm again sends the same idempotency key to
// the same connector, and its answer finishes the intent: one charge.
func TestTimeoutNeverChargesTwice(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		p := startPlatform(t, platformOpts{dbURL: dbURL, connectorTimeout: 3 * time.Second})
		first, _, pm := twoConnectors(t, p, "")
		id := createIntent(t, p, 1500, "automatic", pm)

		r := confirmTimesOut(t, p, id)
		if msg := r.str("error", "message"); !strings.Contains(msg, id+"_1_0") || !strings.Contains(msg, first) || !strings.Contains(msg, "SAME connector") {
			t.Errorf("message %q does not name the key and the connector to retry", msg)
		}
		if keys := p.proxy.idempotencyKeys(); !slices.Equal(keys, []string{id + "_1_0"}) {
			t.Fatalf("processor keys %v: the second connector must not be tried after a timeout", keys)
		}
		in := p.call("GET", "/intents/"+id, nil).must(t, 200)
		if in.str("status") != "processing" || in.str("last_error", "code") != "outcome_unknown" || in.str("last_error", "connector_id") != first || in.str("connector_id") != first {
			t.Fatalf("intent after the timeout = %s", in.raw)
		}
		tx := p.call("GET", "/intents/"+id+"/transactions", nil).must(t, 200)
		if dig(tx.body, "data", "0", "status") != "unknown" || dig(tx.body, "data", "0", "connector_id") != first || dig(tx.body, "data", "1") != nil {
			t.Fatalf("attempts = %s", tx.raw)
		}
		// Unresolved is not requires_confirmation: it cannot be canceled or
		// re-routed.
		p.call("POST", "/intents/"+id+"/cancel", nil).wantError(t, 409, "intent_unexpected_state", "")

		in = p.call("POST", "/intents/"+id+"/confirm", nil).must(t, 200)
		if in.str("status") != "succeeded" || in.str("connector_id") != first || in.num("amount_received") != 1500 || in.body["last_error"] != nil {
			t.Fatalf("confirm again = %s", in.raw)
		}
		resentOnce(t, p, id)
		p.call("POST", "/intents/"+id+"/confirm", nil).wantError(t, 409, "intent_unexpected_state", "")
	})
}

// TestUnresolvedTryStaysWithItsConnector: a disabled connector of an
// unresolved try is an error, and the intent stays as it is.
func TestUnresolvedTryStaysWithItsConnector(t *testing.T) {
	p := startPlatform(t, platformOpts{dbURL: storetest.SQLiteURL(t), connectorTimeout: 3 * time.Second})
	first, _, pm := twoConnectors(t, p, "")
	id := createIntent(t, p, 1600, "automatic", pm)
	confirmTimesOut(t, p, id)
	p.call("PATCH", "/connectors/"+first, map[string]any{"enabled": false}).must(t, 200)
	p.call("POST", "/intents/"+id+"/confirm", nil).wantError(t, 409, "connector_unavailable", "")
	if in := p.call("GET", "/intents/"+id, nil).must(t, 200); in.str("status") != "processing" || in.str("last_error", "code") != "outcome_unknown" {
		t.Fatalf("intent = %s", in.raw)
	}
	if keys := p.proxy.idempotencyKeys(); !slices.Equal(keys, []string{id + "_1_0"}) {
		t.Fatalf("processor keys %v: nothing may go to another connector", keys)
	}
	p.call("PATCH", "/connectors/"+first, map[string]any{"enabled": true}).must(t, 200)
	if in := p.call("POST", "/intents/"+id+"/confirm", nil).must(t, 200); in.str("status") != "succeeded" || in.str("connector_id") != first {
		t.Fatalf("confirm again = %s", in.raw)
	}
}

// TestInProgressIsUnknown: the processor says an earlier request with the
// key is still running (Aborted): its outcome is unknown, not a rejection.
func TestInProgressIsUnknown(t *testing.T) {
	p := startPlatform(t, platformOpts{dbURL: storetest.SQLiteURL(t)})
	first, _, pm := twoConnectors(t, p, "")
	id := createIntent(t, p, 1700, "automatic", pm)
	p.proxy.inUseNext.Store(true)
	p.call("POST", "/intents/"+id+"/confirm", nil).wantError(t, 503, "outcome_unknown", "")
	in := p.call("GET", "/intents/"+id, nil).must(t, 200)
	if in.str("status") != "processing" || in.str("last_error", "code") != "outcome_unknown" || in.str("connector_id") != first {
		t.Fatalf("intent after Aborted = %s, want processing with outcome_unknown (not requires_confirmation)", in.raw)
	}
	if in := p.call("POST", "/intents/"+id+"/confirm", nil).must(t, 200); in.str("status") != "succeeded" {
		t.Fatalf("confirm again = %s", in.raw)
	}
	if keys := p.proxy.idempotencyKeys(); !slices.Equal(keys, []string{id + "_1_0", id + "_1_0"}) {
		t.Fatalf("processor keys %v", keys)
	}
}

// TestConnectionRefusedFallsBack: the first connector's processor refuses
// the connection (nothing was sent: the host says not_sent), so the
// payment goes to the second connector, which charges.
func TestConnectionRefusedFallsBack(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String()
	ln.Close()
	dir, cache := plugins(t)
	ctx := context.Background()
	h, err := connectors.StartLocal(ctx, connectors.LocalOptions{PluginsDir: dir, CacheDir: cache, BaseURLs: map[string]string{"stripe": closed}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Close() })

	p := startPlatform(t, platformOpts{dbURL: storetest.SQLiteURL(t)})
	first, second, pm := twoConnectors(t, p, h.URL())
	id := createIntent(t, p, 1800, "automatic", pm)
	in := p.call("POST", "/intents/"+id+"/confirm", nil).must(t, 200)
	if in.str("status") != "succeeded" || in.str("connector_id") != second {
		t.Fatalf("confirm = %s", in.raw)
	}
	tx := p.call("GET", "/intents/"+id+"/transactions", nil).must(t, 200)
	if dig(tx.body, "data", "0", "connector_id") != first || dig(tx.body, "data", "0", "status") != "error" || dig(tx.body, "data", "0", "retryable") != true ||
		dig(tx.body, "data", "1", "connector_id") != second {
		t.Fatalf("attempts = %s", tx.raw)
	}
	if keys := p.proxy.idempotencyKeys(); !slices.Equal(keys, []string{id + "_1_1"}) {
		t.Fatalf("processor keys %v, want only the second connector's", keys)
	}
}

// TestCaptureTimeoutSaysTheOutcomeIsUnknown: a capture without an answer
// may have captured; the answer says so (not "nothing was captured"), the
// try is recorded as unknown, and a retry resends the same key.
func TestCaptureTimeoutSaysTheOutcomeIsUnknown(t *testing.T) {
	p, id := confirmedIntent(t, 1900, "manual")
	r := p.whileHeld(&p.proxy.holdCapture, "POST", "/intents/"+id+"/capture", map[string]any{})
	r.wantError(t, 503, "outcome_unknown", "")
	if msg := r.str("error", "message"); strings.Contains(msg, "nothing was captured") || !strings.Contains(msg, "may have happened") {
		t.Errorf("capture timeout message %q", msg)
	}
	in := p.call("GET", "/intents/"+id, nil).must(t, 200)
	if in.str("status") != "requires_capture" || in.str("last_error", "code") != "outcome_unknown" {
		t.Fatalf("intent = %s", in.raw)
	}
	tx := p.call("GET", "/intents/"+id+"/transactions", nil).must(t, 200)
	if dig(tx.body, "data", "1", "kind") != "capture" || dig(tx.body, "data", "1", "status") != "unknown" {
		t.Fatalf("attempts = %s", tx.raw)
	}
	if in := p.call("POST", "/intents/"+id+"/capture", map[string]any{}).must(t, 200); in.str("status") != "succeeded" {
		t.Fatalf("capture again = %s", in.raw)
	}
	if keys := p.proxy.captureIdempotencyKeys(); len(keys) != 2 || keys[0] == "" || keys[0] != keys[1] {
		t.Fatalf("capture keys %v, want the same key twice", keys)
	}
}

// TestWebhookResolvesUnresolvedIntent: the processor's webhook about the
// unresolved try (it names the try's key as the merchant id; the intent has
// no transaction id yet) resolves the intent.
// Both databases: the resolving UPDATE's CASE expressions take parameters.
func TestWebhookResolvesUnresolvedIntent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) { webhookResolvesUnresolvedIntent(t, dbURL) })
}

func webhookResolvesUnresolvedIntent(t *testing.T, dbURL string) {
	p := startPlatform(t, platformOpts{dbURL: dbURL, connectorTimeout: 3 * time.Second})
	conn, pm := setup(t, p)
	id := createIntent(t, p, 1000, "automatic", pm)
	confirmTimesOut(t, p, id)

	// An event about another try's key changes nothing.
	stripeWebhookFor(t, p, conn, "evt_other", "pi_other", id+"_2_0").must(t, 200)
	if in := p.call("GET", "/intents/"+id, nil).must(t, 200); in.str("status") != "processing" {
		t.Fatalf("an event for another key moved the intent: %s", in.raw)
	}
	stripeWebhookFor(t, p, conn, "evt_unresolved", "pi_resolved", id+"_1_0").must(t, 200)
	in := p.call("GET", "/intents/"+id, nil).must(t, 200)
	if in.str("status") != "succeeded" || in.str("connector_transaction_id") != "pi_resolved" || in.num("amount_received") != 1000 || in.body["last_error"] != nil {
		t.Fatalf("intent after the webhook = %s", in.raw)
	}
	p.call("POST", "/intents/"+id+"/confirm", nil).wantError(t, 409, "intent_unexpected_state", "")
}

// stripeWebhookFor posts a signed payment_intent.succeeded about pi whose
// metadata names merchantID (as the Stripe plugin sends it).
func stripeWebhookFor(t *testing.T, p *platform, connector, eventID, pi, merchantID string) *response {
	t.Helper()
	body := fmt.Sprintf(`{"id":%q,"object":"event","type":"payment_intent.succeeded","created":%d,"livemode":false,"api_version":"2024-06-20","data":{"object":{"id":%q,"object":"payment_intent","status":"succeeded","amount":1000,"amount_received":1000,"amount_capturable":0,"capture_method":"automatic","currency":"usd","metadata":{"merchant_transaction_id":%q}}}}`,
		eventID, time.Now().Unix(), pi, merchantID)
	ts := time.Now().Unix()
	m := hmac.New(sha256.New, []byte("whsec_platform_test"))
	fmt.Fprintf(m, "%d.%s", ts, body)
	return p.call("POST", "/webhook/gateway/"+connector, body, "Authorization", "", "Stripe-Signature", fmt.Sprintf("t=%d,v1=%s", ts, hex.EncodeToString(m.Sum(nil))))
}

// TestRefundTimeoutStaysPending: a refund without a definite answer may
// have been made: it is not marked failed (which would release its amount
// for a second refund under a new key); it stays pending, its amount
// reserved, with outcome_unknown.
func TestRefundTimeoutStaysPending(t *testing.T) {
	p, id := confirmedIntent(t, 1000, "automatic")
	rf := p.whileHeld(&p.proxy.holdRefund, "POST", "/refunds", map[string]any{"intent_id": id}).must(t, 201)
	if rf.str("status") != "pending" || rf.str("last_error", "code") != "outcome_unknown" {
		t.Fatalf("refund after a timeout = %s", rf.raw)
	}
	if in := p.call("GET", "/intents/"+id, nil).must(t, 200); in.num("amount_refunded") != 1000 {
		t.Fatalf("the unresolved refund's amount was released: %s", in.raw)
	}
	p.call("POST", "/refunds", map[string]any{"intent_id": id, "amount": 1}).wantError(t, 409, "amount_exceeds_refundable", "amount")
}
