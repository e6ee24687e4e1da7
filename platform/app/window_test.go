package app_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/connectorhost/connector-host/platform/payments"
	"github.com/connectorhost/connector-host/platform/store/storetest"
)

// The Stripe plugin's manifest says Stripe remembers an idempotency key for
// 24 h; the platform resends a call without a definite answer only until
// 23 h after its first send (the window less 1 h).

// passRateLimited makes a resolver pass while the processor answers every
// payment and refund with a rate limit: what the pass resends stays
// unresolved.
func (p *platform) passRateLimited(t *testing.T) payments.ResolvePass {
	t.Helper()
	p.proxy.rateLimited.Store(true)
	defer p.proxy.rateLimited.Store(false)
	return p.pass(t)
}

// resentOnly checks that the processor got more than before requests, all
// with key, and returns how many.
func resentOnly(t *testing.T, keys []string, before int, key string) int {
	t.Helper()
	if len(keys) <= before || slices.ContainsFunc(keys, func(k string) bool { return k != key }) {
		t.Fatalf("processor keys %v, want %s resent", keys, key)
	}
	return len(keys)
}

// unresolvedIntent starts a platform (its resolver's clock clk) with a
// Stripe connector and confirms an intent of 1000 while the processor's
// answer is held past the timeout: it returns the platform, the
// connector's id and the unresolved intent's id.
func unresolvedIntent(t *testing.T, dbURL string, clk *fakeClock) (p *platform, connector, intent string) {
	t.Helper()
	p = resolvingPlatform(t, dbURL, clk)
	connector, pm := setup(t, p)
	intent = createIntent(t, p, 1000, "automatic", pm)
	confirmTimesOut(t, p, intent)
	return p, connector, intent
}

// TestUnresolvedAuthorizationPastWindowIsNotResent: an authorization
// without a definite answer is resent (same key) within Stripe's 24 h
// idempotency window, measured from its FIRST send (a resend does not
// restart it); once the window has passed it is never resent (a resend with
// a key Stripe has pruned would be a new charge): the intent stays
// processing with outcome_unknown_expired, the resolver stops picking it,
// a confirm again answers 409, and the processor's webhook still resolves it.
func TestUnresolvedAuthorizationPastWindowIsNotResent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		clk := newFakeClock()
		p, conn, id := unresolvedIntent(t, dbURL, clk)
		key := id + "_1_0" // the try's idempotency key

		// 22 h after the first send the try is resent; the processor, rate
		// limiting, still gives no definite answer.
		clk.advance(22 * time.Hour)
		before := len(p.proxy.idempotencyKeys())
		if got := p.passRateLimited(t); got != (payments.ResolvePass{Intents: 1}) {
			t.Fatalf("pass 22 h after the first send = %+v, want the try resent (still no answer)", got)
		}
		sent := resentOnly(t, p.proxy.idempotencyKeys(), before, key)
		clk.advance(time.Hour)
		if got := p.pass(t); got != (payments.ResolvePass{Stopped: 1}) {
			t.Fatalf("pass 23 h after the first send = %+v, want the try stopped, not resent", got)
		}
		if keys := p.proxy.idempotencyKeys(); len(keys) != sent {
			t.Fatalf("processor keys %v: the try was resent 23 h after its first send", keys)
		}
		in := p.call("GET", "/intents/"+id, nil).must(t, 200)
		if in.str("status") != "processing" || in.str("last_error", "code") != "outcome_unknown_expired" || !strings.Contains(in.str("last_error", "message"), "dashboard") {
			t.Fatalf("intent past the window = %s", in.raw)
		}
		p.call("POST", "/intents/"+id+"/confirm", nil).wantError(t, 409, "outcome_unknown_expired", "")
		clk.advance(time.Hour)
		if got := p.pass(t); got != (payments.ResolvePass{}) {
			t.Fatalf("a pass after the try was stopped did %+v", got)
		}
		if keys := p.proxy.idempotencyKeys(); len(keys) != sent {
			t.Fatalf("processor keys %v: the try was resent past the window", keys)
		}

		stripeWebhookFor(t, p, conn, "evt_late", "pi_late", key).must(t, 200)
		if in := p.call("GET", "/intents/"+id, nil).must(t, 200); in.str("status") != "succeeded" || in.str("connector_transaction_id") != "pi_late" || in.body["last_error"] != nil {
			t.Fatalf("intent after the processor's webhook = %s", in.raw)
		}
	})
}

// TestUnresolvedRefundPastWindowIsNotResent: a refund without a definite
// answer is resent within the window from its first send, then never: it
// stays pending (its amount reserved) with outcome_unknown_expired, the
// resolver stops picking it and POST /refunds/{id}/retry answers 409.
func TestUnresolvedRefundPastWindowIsNotResent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		clk := newFakeClock()
		p, id, rid := unresolvedRefund(t, platformOpts{dbURL: dbURL}, clk)

		clk.advance(22 * time.Hour)
		if got := p.passRateLimited(t); got != (payments.ResolvePass{Refunds: 1}) {
			t.Fatalf("pass 22 h after the first send = %+v, want the refund resent (still no answer)", got)
		}
		sent := resentOnly(t, p.proxy.refundIdempotencyKeys(), 1, "refund:"+rid)
		clk.advance(time.Hour)
		if got := p.pass(t); got != (payments.ResolvePass{Stopped: 1}) {
			t.Fatalf("pass 23 h after the first send = %+v, want the refund stopped, not resent", got)
		}
		rf := p.call("GET", "/refunds/"+rid, nil).must(t, 200)
		if rf.str("status") != "pending" || rf.str("last_error", "code") != "outcome_unknown_expired" || !strings.Contains(rf.str("last_error", "message"), "dashboard") {
			t.Fatalf("refund past the window = %s", rf.raw)
		}
		p.call("POST", "/refunds/"+rid+"/retry", nil).wantError(t, 409, "outcome_unknown_expired", "")
		if in := p.call("GET", "/intents/"+id, nil).must(t, 200); in.num("amount_refunded") != 1000 {
			t.Fatalf("the unresolved refund's amount was released: %s", in.raw)
		}
		nothingLeft(t, p, clk, sent)
	})
}

// TestRetryRefundPastWindow: POST /refunds/{id}/retry past the window
// resends nothing and answers 409 outcome_unknown_expired.
func TestRetryRefundPastWindow(t *testing.T) {
	clk := newFakeClock()
	p, _, rid := unresolvedRefund(t, platformOpts{dbURL: storetest.SQLiteURL(t)}, clk)
	clk.advance(24 * time.Hour)
	p.call("POST", "/refunds/"+rid+"/retry", nil).wantError(t, 409, "outcome_unknown_expired", "")
	if keys := p.proxy.refundIdempotencyKeys(); len(keys) != 1 {
		t.Fatalf("processor refund keys %v: the refund was resent past the window", keys)
	}
	if rf := p.call("GET", "/refunds/"+rid, nil).must(t, 200); rf.str("status") != "pending" || rf.str("last_error", "code") != "outcome_unknown_expired" {
		t.Fatalf("refund = %s", rf.raw)
	}
	p.call("POST", "/refunds/"+rid+"/retry", nil).wantError(t, 409, "outcome_unknown_expired", "")
}
