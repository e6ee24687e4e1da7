package app_test

import (
	"context"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/connectorhost/connector-host/platform/payments"
	"github.com/connectorhost/connector-host/platform/store"
	"github.com/connectorhost/connector-host/platform/store/storetest"
)

// resolvingPlatform starts a platform timing out connector calls after 3 s
// whose resolver runs on clk.
func resolvingPlatform(t *testing.T, dbURL string, clk *fakeClock) *platform {
	t.Helper()
	return startPlatform(t, platformOpts{dbURL: dbURL, connectorTimeout: 3 * time.Second, resolve: payments.ResolveOptions{Now: clk.Now}})
}

// pass makes one resolver pass.
func (p *platform) pass(t *testing.T) payments.ResolvePass {
	t.Helper()
	r, err := p.app.Resolver().Pass(context.Background())
	if err != nil {
		t.Fatalf("resolver pass: %v", err)
	}
	return r
}

// passWhileHeld makes a resolver pass while the proxy holds the request
// flag marks past the platform's timeout, then lets it go on.
func (p *platform) passWhileHeld(t *testing.T, flag *atomic.Bool) payments.ResolvePass {
	t.Helper()
	flag.Store(true)
	r := p.pass(t)
	p.releaseIfHeld(flag)
	return r
}

// refundTimesOut refunds all of the succeeded intent id while the proxy
// holds the processor's answer past the platform's timeout; it checks the
// refund stays pending with outcome_unknown and returns its id.
func refundTimesOut(t *testing.T, p *platform, id string) string {
	t.Helper()
	rf := p.whileHeld(&p.proxy.holdRefund, "POST", "/refunds", map[string]any{"intent_id": id}).must(t, 201)
	if rf.str("status") != "pending" || rf.str("last_error", "code") != "outcome_unknown" {
		t.Fatalf("refund after a timeout = %s", rf.raw)
	}
	return rf.str("id")
}

// unresolvedRefund starts a platform (o's resolver clock clk) with a
// Stripe connector, charges an intent of 1000 and refunds it all while the
// processor's answer is held past the timeout: it returns the platform,
// the intent's id and the unresolved refund's id.
func unresolvedRefund(t *testing.T, o platformOpts, clk *fakeClock) (p *platform, intent, refund string) {
	t.Helper()
	o.connectorTimeout, o.resolve.Now = 3*time.Second, clk.Now
	p = startPlatform(t, o)
	_, pm := setup(t, p)
	intent = createIntent(t, p, 1000, "automatic", pm)
	p.call("POST", "/intents/"+intent+"/confirm", nil).must(t, 200)
	return p, intent, refundTimesOut(t, p, intent)
}

// nothingLeft checks that a pass an hour later resends nothing, and that
// the processor got refundKeys refund requests in all.
func nothingLeft(t *testing.T, p *platform, clk *fakeClock, refundKeys int) {
	t.Helper()
	clk.advance(time.Hour)
	if got := p.pass(t); got != (payments.ResolvePass{}) {
		t.Fatalf("a pass with nothing unresolved did %+v", got)
	}
	if keys := p.proxy.refundIdempotencyKeys(); len(keys) != refundKeys {
		t.Fatalf("processor refund keys %v, want %d", keys, refundKeys)
	}
}

// TestResolverResendsUnresolvedRefund: a refund that timed out is resent
// by the resolver with the same request and key, only once its backoff
// (30 s, then 1 m after a second send without an answer) has passed, and
// the processor's answer settles it; its amount stays reserved until then.
func TestResolverResendsUnresolvedRefund(t *testing.T) {
	clk := newFakeClock()
	p, id, rid := unresolvedRefund(t, platformOpts{dbURL: storetest.SQLiteURL(t)}, clk)
	if msg := p.call("GET", "/refunds/"+rid, nil).must(t, 200).str("last_error", "message"); !strings.Contains(msg, "/refunds/"+rid+"/retry") {
		t.Errorf("outcome_unknown message %q does not say how to retry", msg)
	}

	if got := p.pass(t); got != (payments.ResolvePass{}) {
		t.Fatalf("a pass right after the timeout did %+v: the 30 s backoff was not respected", got)
	}
	clk.advance(29 * time.Second)
	if got := p.pass(t); got != (payments.ResolvePass{}) {
		t.Fatalf("a pass after 29 s did %+v", got)
	}
	clk.advance(time.Second)
	// The resend gets no answer either: the refund stays unresolved, and
	// the next resend waits twice as long.
	if got := p.passWhileHeld(t, &p.proxy.holdRefund); got != (payments.ResolvePass{Refunds: 1}) {
		t.Fatalf("pass after 30 s = %+v, want one refund resent, unresolved", got)
	}
	if rf := p.call("GET", "/refunds/"+rid, nil).must(t, 200); rf.str("status") != "pending" || rf.str("last_error", "code") != "outcome_unknown" {
		t.Fatalf("refund after a second timeout = %s", rf.raw)
	}
	clk.advance(59 * time.Second)
	if got := p.pass(t); got != (payments.ResolvePass{}) {
		t.Fatalf("a pass 59 s after the second send did %+v: the backoff must double to 1 m", got)
	}
	if in := p.call("GET", "/intents/"+id, nil).must(t, 200); in.num("amount_refunded") != 1000 {
		t.Fatalf("the unresolved refund's amount was released: %s", in.raw)
	}
	clk.advance(time.Second)
	if got := p.pass(t); got != (payments.ResolvePass{Refunds: 1, Resolved: 1}) {
		t.Fatalf("pass after 1 m = %+v, want one refund resent and resolved", got)
	}

	rf := p.call("GET", "/refunds/"+rid, nil).must(t, 200)
	if rf.str("status") != "succeeded" || rf.str("connector_refund_id") == "" || rf.body["last_error"] != nil || rf.num("amount") != 1000 {
		t.Fatalf("refund after the resolver = %s", rf.raw)
	}
	key := "refund:" + rid
	if keys := p.proxy.refundIdempotencyKeys(); !slices.Equal(keys, []string{key, key, key}) {
		t.Fatalf("processor refund keys %v, want the same request resent: %s three times", keys, key)
	}
	if in := p.call("GET", "/intents/"+id, nil).must(t, 200); in.num("amount_refunded") != 1000 || in.num("amount_received") != 1000 {
		t.Fatalf("intent after the refund = %s", in.raw)
	}
	p.call("POST", "/refunds", map[string]any{"intent_id": id, "amount": 1}).wantError(t, 409, "amount_exceeds_refundable", "amount")
	nothingLeft(t, p, clk, 3)
}

// TestResolverResendsUnresolvedAuthorization: an intent whose
// authorization timed out is resent by the resolver (same connector, same
// key) once its backoff has passed: one charge, the intent succeeded.
func TestResolverResendsUnresolvedAuthorization(t *testing.T) {
	clk := newFakeClock()
	p := resolvingPlatform(t, storetest.SQLiteURL(t), clk)
	first, _, pm := twoConnectors(t, p, "")
	id := createIntent(t, p, 1500, "automatic", pm)
	confirmTimesOut(t, p, id)

	if got := p.pass(t); got != (payments.ResolvePass{}) {
		t.Fatalf("a pass right after the timeout did %+v: the 30 s backoff was not respected", got)
	}
	clk.advance(30 * time.Second)
	if got := p.pass(t); got != (payments.ResolvePass{Intents: 1, Resolved: 1}) {
		t.Fatalf("pass after 30 s = %+v, want one intent resent and resolved", got)
	}
	in := p.call("GET", "/intents/"+id, nil).must(t, 200)
	if in.str("status") != "succeeded" || in.str("connector_id") != first || in.num("amount_received") != 1500 || in.body["last_error"] != nil {
		t.Fatalf("intent after the resolver = %s", in.raw)
	}
	resentOnce(t, p, id)
	nothingLeft(t, p, clk, 0)
}

// resentOnce checks that the processor got intent id's first try twice
// (sent, then resent with the same key) and that it charged once.
func resentOnce(t *testing.T, p *platform, id string) {
	t.Helper()
	if keys := p.proxy.idempotencyKeys(); !slices.Equal(keys, []string{id + "_1_0", id + "_1_0"}) {
		t.Fatalf("processor keys %v, want the same try resent: [%s_1_0 %s_1_0]", keys, id, id)
	}
	if ch := p.call("GET", "/intents/"+id+"/charges", nil).must(t, 200); dig(ch.body, "data", "0") == nil || dig(ch.body, "data", "1") != nil {
		t.Fatalf("charges = %s, want exactly one", ch.raw)
	}
}

// TestRetryRefund: POST /refunds/{id}/retry resends an unresolved refund
// now (same key) and answers it settled; any other refund is a 409.
func TestRetryRefund(t *testing.T) {
	clk := newFakeClock()
	p, id, rid := unresolvedRefund(t, platformOpts{dbURL: storetest.SQLiteURL(t)}, clk)

	rf := p.call("POST", "/refunds/"+rid+"/retry", nil).must(t, 200)
	if rf.str("status") != "succeeded" || rf.body["last_error"] != nil {
		t.Fatalf("retry = %s", rf.raw)
	}
	if keys := p.proxy.refundIdempotencyKeys(); !slices.Equal(keys, []string{"refund:" + rid, "refund:" + rid}) {
		t.Fatalf("processor refund keys %v, want the same key twice", keys)
	}
	p.call("POST", "/refunds/"+rid+"/retry", nil).wantError(t, 409, "refund_not_retryable", "")
	if in := p.call("GET", "/intents/"+id, nil).must(t, 200); in.num("amount_refunded") != 1000 {
		t.Fatalf("intent = %s", in.raw)
	}

	// A refund the processor accepted as pending is settled by its webhook.
	_, pm := setup(t, p)
	id2 := createIntent(t, p, 2000, "automatic", pm)
	p.call("POST", "/intents/"+id2+"/confirm", nil).must(t, 200)
	pending := p.call("POST", "/refunds", map[string]any{"intent_id": id2, "amount": 777}).must(t, 201)
	if pending.str("status") != "pending" || pending.body["last_error"] != nil {
		t.Fatalf("refund = %s", pending.raw)
	}
	p.call("POST", "/refunds/"+pending.str("id")+"/retry", nil).wantError(t, 409, "refund_not_retryable", "")
	p.call("POST", "/refunds/re_missing/retry", nil).wantError(t, 404, "resource_missing", "id")
	nothingLeft(t, p, clk, 3)
}

// TestResolverRunsInTheBackground: the platform's resolver makes a pass
// when notified, and resends what is due.
func TestResolverRunsInTheBackground(t *testing.T) {
	clk := newFakeClock()
	passes := make(chan payments.ResolvePass, 16)
	p, _, rid := unresolvedRefund(t, platformOpts{dbURL: storetest.SQLiteURL(t), resolve: payments.ResolveOptions{OnPass: func(r payments.ResolvePass) {
		select {
		case passes <- r:
		default:
		}
	}}}, clk)
	clk.advance(30 * time.Second)
	p.app.Resolver().Notify()
	timeout := time.After(30 * time.Second)
	for done := false; !done; {
		select {
		case r := <-passes:
			done = r.Refunds == 1
		case <-timeout:
			t.Fatal("no resolver pass resent the refund within 30 s of Notify")
		}
	}
	if rf := p.call("GET", "/refunds/"+rid, nil).must(t, 200); rf.str("status") != "succeeded" {
		t.Fatalf("refund after the background pass = %s", rf.raw)
	}
}

// TestResolversRaceResendOnce: two platform instances on one database
// pass at the same time over an unresolved authorization and an unresolved
// refund: each is resent once.
func TestResolversRaceResendOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		clk := newFakeClock()
		p1 := resolvingPlatform(t, dbURL, clk)
		_, pm := setup(t, p1)
		paid := createIntent(t, p1, 1000, "automatic", pm)
		p1.call("POST", "/intents/"+paid+"/confirm", nil).must(t, 200)
		rid := refundTimesOut(t, p1, paid)
		id := createIntent(t, p1, 1500, "automatic", pm)
		confirmTimesOut(t, p1, id)
		p2 := startPlatform(t, platformOpts{dbURL: dbURL, keys: p1.keys, proxy: p1.proxy, connectorTimeout: 3 * time.Second,
			resolve: payments.ResolveOptions{Now: clk.Now}})

		clk.advance(30 * time.Second)
		var wg sync.WaitGroup
		got := make([]payments.ResolvePass, 2)
		for i, p := range []*platform{p1, p2} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r, err := p.app.Resolver().Pass(context.Background())
				if err != nil {
					t.Errorf("pass %d: %v", i, err)
				}
				got[i] = r
			}()
		}
		wg.Wait()
		if sum := (payments.ResolvePass{Intents: got[0].Intents + got[1].Intents, Refunds: got[0].Refunds + got[1].Refunds,
			Resolved: got[0].Resolved + got[1].Resolved}); sum != (payments.ResolvePass{Intents: 1, Refunds: 1, Resolved: 2}) {
			t.Fatalf("passes %+v, want one resend of each between them", got)
		}
		if keys := p1.proxy.refundIdempotencyKeys(); !slices.Equal(keys, []string{"refund:" + rid, "refund:" + rid}) {
			t.Fatalf("processor refund keys %v, want the refund sent twice in all", keys)
		}
		if n := strings.Count(strings.Join(p1.proxy.idempotencyKeys(), " "), id+"_1_0"); n != 2 {
			t.Fatalf("processor keys %v: the authorization was sent %d times, want 2", p1.proxy.idempotencyKeys(), n)
		}
		if in := p1.call("GET", "/intents/"+id, nil).must(t, 200); in.str("status") != "succeeded" {
			t.Fatalf("intent = %s", in.raw)
		}
		if rf := p1.call("GET", "/refunds/"+rid, nil).must(t, 200); rf.str("status") != "succeeded" {
			t.Fatalf("refund = %s", rf.raw)
		}
	})
}

// TestRateLimitedResendStaysUnresolved: a resend the processor refuses
// with a rate limit (429, after the host's own retries) says nothing about
// the first send, which may have charged or refunded: the intent and the
// refund stay unresolved (not failed, which would let a new try with a new
// key charge or refund again) and the next resend resolves them.
func TestRateLimitedResendStaysUnresolved(t *testing.T) {
	clk := newFakeClock()
	p, paid, rid := unresolvedRefund(t, platformOpts{dbURL: storetest.SQLiteURL(t)}, clk)
	_, pm := setup(t, p)
	id := createIntent(t, p, 1500, "automatic", pm)
	confirmTimesOut(t, p, id)

	clk.advance(30 * time.Second)
	if got := p.passRateLimited(t); got != (payments.ResolvePass{Intents: 1, Refunds: 1}) {
		t.Errorf("rate-limited pass = %+v, want both resent, neither resolved", got)
	}
	if in := p.call("GET", "/intents/"+id, nil).must(t, 200); in.str("status") != "processing" || in.str("last_error", "code") != "outcome_unknown" {
		t.Errorf("intent after a rate-limited resend = %s", in.raw)
	}
	if rf := p.call("GET", "/refunds/"+rid, nil).must(t, 200); rf.str("status") != "pending" || rf.str("last_error", "code") != "outcome_unknown" {
		t.Errorf("refund after a rate-limited resend = %s", rf.raw)
	}
	if in := p.call("GET", "/intents/"+paid, nil).must(t, 200); in.num("amount_refunded") != 1000 {
		t.Errorf("the unresolved refund's amount was released: %s", in.raw)
	}
	if t.Failed() {
		t.FailNow()
	}

	clk.advance(time.Minute)
	if got := p.pass(t); got != (payments.ResolvePass{Intents: 1, Refunds: 1, Resolved: 2}) {
		t.Fatalf("pass after 1 m = %+v, want both resent and resolved", got)
	}
	if in := p.call("GET", "/intents/"+id, nil).must(t, 200); in.str("status") != "succeeded" || in.num("amount_received") != 1500 {
		t.Fatalf("intent = %s", in.raw)
	}
	for _, k := range p.proxy.idempotencyKeys()[1:] {
		if k != id+"_1_0" {
			t.Fatalf("processor keys %v: every send of the intent must be its first try, %s_1_0", p.proxy.idempotencyKeys(), id)
		}
	}
	if rf := p.call("GET", "/refunds/"+rid, nil).must(t, 200); rf.str("status") != "succeeded" {
		t.Fatalf("refund = %s", rf.raw)
	}
	for _, k := range p.proxy.refundIdempotencyKeys() {
		if k != "refund:"+rid {
			t.Fatalf("processor refund keys %v", p.proxy.refundIdempotencyKeys())
		}
	}
}

// TestRefundCutShortIsResent: a refund is unresolved from its creation,
// under its creator's claim: the resolver leaves it alone while it is
// being sent, and resends one whose creator stopped before recording an
// answer once that claim has expired.
func TestRefundCutShortIsResent(t *testing.T) {
	clk := newFakeClock()
	p := resolvingPlatform(t, storetest.SQLiteURL(t), clk)
	_, pm := setup(t, p)
	id := createIntent(t, p, 1000, "automatic", pm)
	p.call("POST", "/intents/"+id+"/confirm", nil).must(t, 200)

	p.proxy.holdRefund.Store(true)
	answer := make(chan *response, 1)
	go func() { answer <- p.call("POST", "/refunds", map[string]any{"intent_id": id, "amount": 400}) }()
	<-p.proxy.held
	var unresolved int
	var lockedUntil int64
	if err := p.app.DB().QueryRow(`SELECT unresolved, locked_until FROM refunds WHERE intent_id = $1`, id).Scan(&unresolved, &lockedUntil); err != nil {
		t.Fatal(err)
	}
	if unresolved != 1 || lockedUntil <= store.Now() {
		t.Errorf("refund being sent: unresolved %d, locked until %d: a crash now would leave it pending for ever", unresolved, lockedUntil)
	}
	clk.advance(time.Hour)
	if got := p.pass(t); got != (payments.ResolvePass{}) {
		t.Errorf("a pass while the refund is being sent did %+v", got)
	}
	p.proxy.hold <- struct{}{}
	if rf := (<-answer).must(t, 201); rf.str("status") != "succeeded" {
		t.Fatalf("refund = %s", rf.raw)
	}

	// What a creator that stopped mid-send leaves: the amount reserved, the
	// refund pending and unresolved, its claim expired.
	rid, now := store.NewID("re"), store.Now()
	if _, err := p.app.DB().Exec(`UPDATE intents SET amount_refunded = amount_refunded + 600 WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	if _, err := p.app.DB().Exec(`INSERT INTO refunds (id, tenant_id, intent_id, amount, currency, status, unresolved, locked_until, created_at, updated_at, unresolved_since)
		VALUES ($1, 'acme', $2, 600, 'USD', 'pending', 1, $3, $4, $4, $5)`, rid, id, now-1, now, clk.Now().UnixMilli()); err != nil {
		t.Fatal(err)
	}
	if got := p.pass(t); got != (payments.ResolvePass{Refunds: 1, Resolved: 1}) {
		t.Fatalf("pass = %+v, want the cut-short refund resent", got)
	}
	if rf := p.call("GET", "/refunds/"+rid, nil).must(t, 200); rf.str("status") != "succeeded" || rf.num("amount") != 600 {
		t.Fatalf("refund = %s", rf.raw)
	}
	if keys := p.proxy.refundIdempotencyKeys(); len(keys) != 2 || keys[1] != "refund:"+rid {
		t.Fatalf("processor refund keys %v", keys)
	}
	if in := p.call("GET", "/intents/"+id, nil).must(t, 200); in.num("amount_refunded") != 1000 {
		t.Fatalf("intent = %s", in.raw)
	}
}
