package app_test

import (
	"strings"
	"sync"
	"testing"

	"github.com/connectorhost/connector-host/platform/store/storetest"
)

// setup creates a Stripe connector and a saved token, and returns their ids.
func setup(t testing.TB, p *platform) (connectorID, methodID string) {
	t.Helper()
	c := p.call("POST", "/connectors", map[string]any{"plugin": "stripe", "name": "stripe main",
		"credentials": map[string]string{"api_key": "sk_test_123", "webhook_secret": "whsec_platform_test"}}).must(t, 201)
	if strings.Contains(string(c.raw), "sk_test_123") || strings.Contains(string(c.raw), "whsec_platform_test") {
		t.Fatalf("a connector answer returned its credentials: %s", c.raw)
	}
	m := p.call("POST", "/methods/attach", map[string]any{"token": "pm_card_visa", "customer_id": "cus_1", "brand": "visa", "last4": "4242", "exp_month": 12, "exp_year": 2030}).must(t, 201)
	return c.str("id"), m.str("id")
}

func createIntent(t testing.TB, p *platform, amount int64, capture, method string) string {
	t.Helper()
	return p.call("POST", "/intents", map[string]any{"amount": amount, "currency": "USD", "capture_method": capture, "payment_method_id": method}).must(t, 201).str("id")
}

// TestPaymentLifecycle: create -> confirm -> partial capture -> partial
// refund through stripe-mock; automatic capture; manual capture then
// cancel; a decline does not fall back; over-refund is refused.
func TestPaymentLifecycle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		p := startPlatform(t, platformOpts{dbURL: dbURL})
		_, pm := setup(t, p)

		id := createIntent(t, p, 1000, "manual", pm)
		in := p.call("POST", "/intents/"+id+"/confirm", map[string]any{}).must(t, 200)
		if in.str("status") != "requires_capture" || in.num("amount_capturable") != 1000 || !strings.HasPrefix(in.str("connector_transaction_id"), "pi_proxy_") {
			t.Fatalf("confirm = %s", in.raw)
		}
		if keys := p.proxy.idempotencyKeys(); len(keys) == 0 || keys[len(keys)-1] != id+"_1_0" {
			t.Errorf("processor idempotency keys %v, want the last to be %s_1_0 (intent, attempt, position)", keys, id)
		}
		in = p.call("POST", "/intents/"+id+"/capture", map[string]any{"amount_to_capture": 600}).must(t, 200)
		if in.str("status") != "succeeded" || in.num("amount_received") != 600 {
			t.Fatalf("capture = %s", in.raw)
		}
		p.call("POST", "/intents/"+id+"/capture", map[string]any{}).wantError(t, 409, "intent_unexpected_state", "")
		rf := p.call("POST", "/refunds", map[string]any{"intent_id": id, "amount": 200}).must(t, 201)
		if rf.str("status") != "succeeded" || rf.num("amount") != 200 || rf.str("connector_refund_id") == "" {
			t.Fatalf("refund = %s", rf.raw)
		}
		p.call("POST", "/refunds", map[string]any{"intent_id": id, "amount": 401}).wantError(t, 409, "amount_exceeds_refundable", "amount")
		p.call("GET", "/refunds/"+rf.str("id"), nil).must(t, 200)
		if l := p.call("GET", "/intents/"+id+"/refunds", nil).must(t, 200); len(dig(l.body, "data").([]any)) != 1 {
			t.Errorf("intent refunds = %s", l.raw)
		}
		if got := p.call("GET", "/intents/"+id, nil).must(t, 200); got.num("amount_refunded") != 200 {
			t.Errorf("amount_refunded = %d, want 200", got.num("amount_refunded"))
		}
		tx := p.call("GET", "/intents/"+id+"/transactions", nil).must(t, 200)
		if dig(tx.body, "data", "0", "kind") != "authorize" || dig(tx.body, "data", "1", "kind") != "capture" {
			t.Errorf("transactions = %s", tx.raw)
		}

		auth := p.call("GET", "/authorizations/"+dig(tx.body, "data", "0", "id").(string), nil).must(t, 200)
		if auth.str("status") != "captured" || auth.str("connector_transaction_id") != in.str("connector_transaction_id") {
			t.Fatalf("authorization = %s", auth.raw)
		}
		charges := p.call("GET", "/intents/"+id+"/charges", nil).must(t, 200)
		if dig(charges.body, "data", "0", "amount") != float64(600) || dig(charges.body, "data", "1") != nil {
			t.Fatalf("charges = %s", charges.raw)
		}
		p.call("GET", "/charges/"+dig(charges.body, "data", "0", "id").(string), nil).must(t, 200)
		p.call("GET", "/charges/"+auth.str("id"), nil).wantError(t, 404, "resource_missing", "id")

		// Capture and void through the authorization.
		viaAuth := createIntent(t, p, 300, "manual", pm)
		p.call("POST", "/intents/"+viaAuth+"/confirm", nil).must(t, 200)
		authID := dig(p.call("GET", "/intents/"+viaAuth+"/transactions", nil).body, "data", "0", "id").(string)
		if a := p.call("GET", "/authorizations/"+authID, nil).must(t, 200); a.str("status") != "authorized" || a.num("amount") != 300 {
			t.Fatalf("authorization = %s", a.raw)
		}
		if a := p.call("POST", "/authorizations/"+authID+"/void", nil).must(t, 200); a.str("status") != "voided" {
			t.Fatalf("void = %s", a.raw)
		}
		p.call("POST", "/authorizations/"+authID+"/capture", nil).wantError(t, 409, "intent_unexpected_state", "")

		auto := createIntent(t, p, 500, "automatic", pm)
		if in := p.call("POST", "/intents/"+auto+"/confirm", nil).must(t, 200); in.str("status") != "succeeded" || in.num("amount_received") != 500 {
			t.Fatalf("automatic confirm = %s", in.raw)
		}

		cancel := createIntent(t, p, 700, "manual", pm)
		p.call("POST", "/intents/"+cancel+"/confirm", nil).must(t, 200)
		if in := p.call("POST", "/intents/"+cancel+"/cancel", map[string]any{"cancellation_reason": "requested_by_customer"}).must(t, 200); in.str("status") != "canceled" {
			t.Fatalf("cancel = %s", in.raw)
		}
		p.call("POST", "/intents/"+cancel+"/capture", nil).wantError(t, 409, "intent_unexpected_state", "")
		p.call("POST", "/refunds", map[string]any{"intent_id": cancel}).wantError(t, 409, "intent_unexpected_state", "")

		conn := dig(p.call("GET", "/connectors", nil).body, "data", "0", "id").(string)
		v := p.call("POST", "/methods/verify", map[string]any{"payment_method_id": pm, "connector_id": conn}).must(t, 200)
		if v.body["verified"] != true || !strings.HasPrefix(v.str("connector_setup_id"), "seti_") {
			t.Fatalf("verify = %s", v.raw)
		}
		p.call("POST", "/methods/verify", map[string]any{"payment_method_id": pm}).wantError(t, 400, "parameter_missing", "connector_id")

		declined := createIntent(t, p, 9999, "automatic", pm)
		in = p.call("POST", "/intents/"+declined+"/confirm", nil).must(t, 200)
		if in.str("status") != "failed" || in.str("last_error", "code") == "" {
			t.Fatalf("declined confirm = %s", in.raw)
		}
	})
}

// TestFallback: the first connector's host is down (a retryable error),
// so the confirm falls back to the second, which reaches the in-process
// host over its network address (the remote-host path); both attempts are
// recorded. With every connector down the intent is not charged and can
// be confirmed again.
func TestFallback(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		p := startPlatform(t, platformOpts{dbURL: dbURL})
		creds := map[string]string{"api_key": "sk_test_123"}
		down := p.call("POST", "/connectors", map[string]any{"plugin": "stripe", "name": "down", "host_url": "http://127.0.0.1:1", "credentials": creds}).must(t, 201).str("id")
		up := p.call("POST", "/connectors", map[string]any{"plugin": "stripe", "name": "remote", "host_url": p.app.LocalHostURL(), "credentials": creds}).must(t, 201).str("id")
		p.call("POST", "/routing-rules", map[string]any{"priority": 1, "connector_id": down, "currency": "USD"}).must(t, 201)
		rule := p.call("POST", "/routing-rules", map[string]any{"priority": 2, "connector_id": up, "currency": "USD"}).must(t, 201).str("id")
		pm := p.call("POST", "/methods/attach", map[string]any{"token": "pm_card_visa"}).must(t, 201).str("id")

		id := createIntent(t, p, 1200, "automatic", pm)
		in := p.call("POST", "/intents/"+id+"/confirm", nil).must(t, 200)
		if in.str("status") != "succeeded" || in.str("connector_id") != up {
			t.Fatalf("confirm = %s", in.raw)
		}
		tx := p.call("GET", "/intents/"+id+"/transactions", nil).must(t, 200)
		if dig(tx.body, "data", "0", "connector_id") != down || dig(tx.body, "data", "0", "retryable") != true ||
			dig(tx.body, "data", "1", "connector_id") != up || dig(tx.body, "data", "1", "retryable") != false {
			t.Fatalf("attempts = %s", tx.raw)
		}

		p.call("DELETE", "/routing-rules/"+rule, nil).must(t, 200)
		id = createIntent(t, p, 1300, "automatic", pm)
		p.call("POST", "/intents/"+id+"/confirm", nil).wantError(t, 503, "connectors_unavailable", "")
		if in := p.call("GET", "/intents/"+id, nil).must(t, 200); in.str("status") != "requires_confirmation" {
			t.Fatalf("after every connector failed the intent is %s", in.str("status"))
		}
		// Route to the working connector first again.
		p.call("PATCH", "/routing-rules/"+mustRule(t, p, up), map[string]any{"priority": 0}).must(t, 200)
		if in := p.call("POST", "/intents/"+id+"/confirm", nil).must(t, 200); in.str("status") != "succeeded" {
			t.Fatalf("confirm again = %s", in.raw)
		}
		if keys := p.proxy.idempotencyKeys(); keys[len(keys)-1] != id+"_2_0" {
			t.Errorf("second confirm's processor key = %s, want %s_2_0", keys[len(keys)-1], id)
		}
	})
}

// mustRule adds a catch-all rule (priority 5) to connector and returns its id.
func mustRule(t testing.TB, p *platform, connector string) string {
	return p.call("POST", "/routing-rules", map[string]any{"priority": 5, "connector_id": connector}).must(t, 201).str("id")
}

// TestIdempotencyKeys: a replay gets the stored answer (one intent), a
// different body with the same key a 422, the same key while the first
// request is still running a 409.
func TestIdempotencyKeys(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		p := startPlatform(t, platformOpts{dbURL: dbURL})
		_, pm := setup(t, p)
		body := map[string]any{"amount": 1000, "currency": "USD", "payment_method_id": pm}
		a := p.call("POST", "/intents", body, "Idempotency-Key", "k-create").must(t, 201)
		b := p.call("POST", "/intents", body, "Idempotency-Key", "k-create").must(t, 201)
		if a.str("id") != b.str("id") || b.header.Get("Idempotent-Replayed") != "true" {
			t.Fatalf("replay created another intent or was not marked: %s vs %s", a.raw, b.raw)
		}
		if l := p.call("GET", "/intents", nil).must(t, 200); len(dig(l.body, "data").([]any)) != 1 {
			t.Fatalf("intents after a replay: %s", l.raw)
		}
		body["amount"] = 2000
		p.call("POST", "/intents", body, "Idempotency-Key", "k-create").wantError(t, 422, "idempotency_key_reused", "Idempotency-Key")

		// A confirm held at the processor keeps its key in flight.
		id := a.str("id")
		p.proxy.holdNext.Store(true)
		first := make(chan *response, 1)
		go func() { first <- p.call("POST", "/intents/"+id+"/confirm", nil, "Idempotency-Key", "k-confirm") }()
		<-p.proxy.held
		p.call("POST", "/intents/"+id+"/confirm", nil, "Idempotency-Key", "k-confirm").wantError(t, 409, "idempotency_request_in_flight", "")
		p.call("POST", "/intents/"+id+"/confirm", nil, "Idempotency-Key", "k-other").wantError(t, 409, "intent_unexpected_state", "")
		p.proxy.hold <- struct{}{}
		r := <-first
		r.must(t, 200)
		again := p.call("POST", "/intents/"+id+"/confirm", nil, "Idempotency-Key", "k-confirm").must(t, 200)
		if again.header.Get("Idempotent-Replayed") != "true" || again.str("status") != r.str("status") {
			t.Fatalf("confirm replay = %s", again.raw)
		}
	})
}

// TestConcurrentCaptureAndRefund: racing captures have exactly one winner;
// racing refunds never exceed what was captured.
func TestConcurrentCaptureAndRefund(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		p := startPlatform(t, platformOpts{dbURL: dbURL})
		_, pm := setup(t, p)
		id := createIntent(t, p, 1000, "manual", pm)
		p.call("POST", "/intents/"+id+"/confirm", nil).must(t, 200)
		statuses := race(4, func(int) int { return p.call("POST", "/intents/"+id+"/capture", nil).status })
		if statuses[200] != 1 || statuses[409] != 3 {
			t.Fatalf("capture statuses %v, want one 200 and three 409", statuses)
		}
		statuses = race(5, func(int) int {
			return p.call("POST", "/refunds", map[string]any{"intent_id": id, "amount": 300}).status
		})
		if statuses[201] != 3 || statuses[409] != 2 {
			t.Fatalf("refund statuses %v, want three 201 (900 of 1000) and two 409", statuses)
		}
		if in := p.call("GET", "/intents/"+id, nil).must(t, 200); in.num("amount_refunded") != 900 {
			t.Fatalf("amount_refunded = %d, want 900", in.num("amount_refunded"))
		}

		// A capture racing a cancel: one wins.
		id = createIntent(t, p, 1000, "manual", pm)
		p.call("POST", "/intents/"+id+"/confirm", nil).must(t, 200)
		statuses = race(2, func(i int) int {
			if i == 0 {
				return p.call("POST", "/intents/"+id+"/capture", nil).status
			}
			return p.call("POST", "/intents/"+id+"/cancel", nil).status
		})
		if statuses[200] != 1 || statuses[409] != 1 {
			t.Fatalf("capture vs cancel statuses %v, want one 200 and one 409", statuses)
		}
	})
}

func race(n int, fn func(i int) int) map[int]int {
	var mu sync.Mutex
	out := map[int]int{}
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			s := fn(i)
			mu.Lock()
			out[s]++
			mu.Unlock()
		})
	}
	close(start)
	wg.Wait()
	return out
}

// TestBadInputAndAuth: the error shape with the field named, keys, scopes
// and tenants, pagination and If-Match.
func TestBadInputAndAuth(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		p := startPlatform(t, platformOpts{dbURL: dbURL})
		p.call("POST", "/intents", map[string]any{"amount": "ten", "currency": "USD"}).wantError(t, 400, "parameter_invalid", "amount")
		p.call("POST", "/intents", map[string]any{"amount": 100, "currency": "usd"}).wantError(t, 400, "parameter_invalid", "currency")
		p.call("POST", "/intents", map[string]any{"amount": 100, "currency": "XXY"}).wantError(t, 400, "parameter_invalid", "currency")
		p.call("POST", "/intents", map[string]any{"amount": -1, "currency": "USD"}).wantError(t, 400, "parameter_invalid", "amount")
		p.call("POST", "/intents", map[string]any{"currency": "USD"}).wantError(t, 400, "parameter_missing", "amount")
		p.call("POST", "/intents", map[string]any{"amount": 100, "currency": "USD", "colour": "red"}).wantError(t, 400, "parameter_unknown", "colour")
		p.call("POST", "/intents", map[string]any{"amount": 100, "currency": "USD", "capture_method": "later"}).wantError(t, 400, "parameter_invalid", "capture_method")
		p.call("POST", "/intents", `{"amount":`).wantError(t, 400, "parameter_invalid", "")
		p.call("GET", "/intents/pi_missing", nil).wantError(t, 404, "resource_missing", "id")
		p.call("GET", "/intents?limit=0", nil).wantError(t, 400, "parameter_invalid", "limit")
		p.call("POST", "/methods", map[string]any{"type": "card", "card": map[string]any{"number": "4242", "exp_month": 1, "exp_year": 2030}}).wantError(t, 400, "parameter_missing", "connector_id")
		p.call("POST", "/webhooks", map[string]any{"url": "https://x.example/h", "events": []string{"payment.exploded"}}).wantError(t, 400, "parameter_invalid", "events[0]")
		p.call("POST", "/connectors", map[string]any{"plugin": "Stripe!"}).wantError(t, 400, "parameter_invalid", "plugin")

		p.call("GET", "/intents", nil, "Authorization", "").wantError(t, 401, "api_key_missing", "Authorization")
		p.call("GET", "/intents", nil, "Authorization", "Bearer pk_nope").wantError(t, 401, "api_key_invalid", "Authorization")
		p.call("GET", "/intents", nil, "X-Tenant-ID", "other").wantError(t, 403, "tenant_mismatch", "X-Tenant-ID")
		ro := p.call("POST", "/keys", map[string]any{"name": "ro", "scopes": []string{"intents:read"}}).must(t, 201)
		if !strings.HasPrefix(ro.str("secret"), "pk_") {
			t.Fatalf("new key = %s", ro.raw)
		}
		if l := p.call("GET", "/keys", nil).must(t, 200); strings.Contains(string(l.raw), ro.str("secret")) {
			t.Fatal("listing keys returned a secret")
		}
		p.call("GET", "/intents", nil, "Authorization", "Bearer "+ro.str("secret"), "X-Tenant-ID", "acme").must(t, 200)
		p.call("POST", "/intents", map[string]any{"amount": 1, "currency": "USD"}, "Authorization", "Bearer "+ro.str("secret")).wantError(t, 403, "scope_missing", "")
		admin := p.call("POST", "/keys", map[string]any{"name": "key admin", "scopes": []string{"keys:write"}}).must(t, 201).str("secret")
		p.call("POST", "/keys", map[string]any{"name": "escalate", "scopes": []string{"*"}}, "Authorization", "Bearer "+admin).wantError(t, 403, "scope_not_grantable", "scopes[0]")
		p.call("POST", "/keys", map[string]any{"name": "ok", "scopes": []string{"keys:read"}}, "Authorization", "Bearer "+admin).must(t, 201)
		p.call("DELETE", "/keys/"+ro.str("id"), nil).must(t, 200)
		p.call("GET", "/intents", nil, "Authorization", "Bearer "+ro.str("secret")).wantError(t, 401, "api_key_invalid", "Authorization")

		// Pagination is stable under inserts.
		var ids []string
		for i := range 3 {
			ids = append(ids, p.call("POST", "/intents", map[string]any{"amount": 100 + i, "currency": "EUR"}).must(t, 201).str("id"))
		}
		page1 := p.call("GET", "/intents?limit=2", nil).must(t, 200)
		if dig(page1.body, "has_more") != true || dig(page1.body, "data", "1", "id") != ids[1] {
			t.Fatalf("page 1 = %s", page1.raw)
		}
		p.call("POST", "/intents", map[string]any{"amount": 999, "currency": "EUR"}).must(t, 201)
		page2 := p.call("GET", "/intents?limit=2&cursor="+page1.str("next_cursor"), nil).must(t, 200)
		if dig(page2.body, "data", "0", "id") != ids[2] || len(dig(page2.body, "data").([]any)) != 2 || dig(page2.body, "has_more") != false {
			t.Fatalf("page 2 = %s", page2.raw)
		}

		// Optimistic concurrency.
		got := p.call("GET", "/intents/"+ids[0], nil).must(t, 200)
		etag := got.header.Get("ETag")
		p.call("PATCH", "/intents/"+ids[0], map[string]any{"description": "first"}, "If-Match", etag).must(t, 200)
		p.call("PATCH", "/intents/"+ids[0], map[string]any{"description": "stale"}, "If-Match", etag).wantError(t, 412, "version_mismatch", "")
		if d := p.call("GET", "/intents/"+ids[0], nil).str("description"); d != "first" {
			t.Fatalf("description = %q: a stale write was applied", d)
		}
		if h := p.call("GET", "/health", nil).must(t, 200); dig(h.body, "checks", "database") != "ok" || dig(h.body, "checks", "connector_host") != "ok" {
			t.Fatalf("health = %s", h.raw)
		}
	})
}

// TestConfirmAfterCrash: a confirm that died after claiming the intent
// (the processor may have charged; the platform never recorded it) is
// driven again once its lease has run out, with the same attempt number,
// hence the same processor idempotency key: the processor answers the
// original charge instead of making a second one.
func TestConfirmAfterCrash(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		p := startPlatform(t, platformOpts{dbURL: dbURL})
		_, pm := setup(t, p)
		id := createIntent(t, p, 1000, "automatic", pm)
		// What a crash right after the processor's answer leaves behind:
		// claimed (attempt 1), lease expired, no transaction recorded.
		if _, err := p.app.DB().Exec(`UPDATE intents SET status = 'processing', attempt = 1, locked_until = 1, version = version + 1 WHERE id = $1`, id); err != nil {
			t.Fatal(err)
		}
		in := p.call("POST", "/intents/"+id+"/confirm", nil).must(t, 200)
		if in.str("status") != "succeeded" {
			t.Fatalf("re-driven confirm = %s", in.raw)
		}
		if keys := p.proxy.idempotencyKeys(); keys[len(keys)-1] != id+"_1_0" {
			t.Fatalf("re-driven confirm sent key %s, want the crashed attempt's %s_1_0", keys[len(keys)-1], id)
		}
		// A claim still under its lease is a confirm in flight: refused.
		id = createIntent(t, p, 1000, "automatic", pm)
		if _, err := p.app.DB().Exec(`UPDATE intents SET status = 'processing', attempt = 1, locked_until = $1 WHERE id = $2`, int64(1)<<50, id); err != nil {
			t.Fatal(err)
		}
		p.call("POST", "/intents/"+id+"/confirm", nil).wantError(t, 409, "intent_unexpected_state", "")
	})
}

// TestRateLimit: past its burst, a key gets 429 with Retry-After; other
// keys are not affected.
func TestRateLimit(t *testing.T) {
	p := startPlatform(t, platformOpts{dbURL: storetest.SQLiteURL(t), rateLimit: 0.001})
	other := p.call("POST", "/keys", map[string]any{"name": "other", "scopes": []string{"intents:read"}}).str("secret")
	if other == "" {
		t.Fatal("the first request of a fresh key was refused")
	}
	r := p.call("GET", "/intents", nil)
	r.wantError(t, 429, "rate_limited", "")
	if r.header.Get("Retry-After") == "" {
		t.Error("429 without Retry-After")
	}
	p.call("GET", "/intents", nil, "Authorization", "Bearer "+other).must(t, 200)
}

// TestPaymentMethods: a card is tokenized at the connector and only the
// token, brand, last4 and expiry are kept; methods are listed by customer,
// patched, and soft-deleted with an audit record.
func TestPaymentMethods(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		p := startPlatform(t, platformOpts{dbURL: dbURL})
		conn, tok := setup(t, p)
		const pan = "4242424242424242"
		card := p.call("POST", "/methods", map[string]any{"type": "card", "connector_id": conn, "customer_id": "cus_1",
			"card": map[string]any{"number": pan, "exp_month": 12, "exp_year": 2031, "cvc": "123"}}).must(t, 201)
		if strings.Contains(string(card.raw), pan) || !strings.HasPrefix(card.str("token"), "pm_") || card.str("last4") != "4242" || card.num("exp_year") != 2031 {
			t.Fatalf("tokenized card = %s", card.raw)
		}
		var stored int
		if err := p.app.DB().QueryRow(`SELECT COUNT(*) FROM payment_methods WHERE token LIKE $1 OR last4 LIKE $1 OR metadata LIKE $1`, "%"+pan+"%").Scan(&stored); err != nil || stored != 0 {
			t.Fatalf("the card number is in the database (%d rows, %v)", stored, err)
		}
		p.call("POST", "/methods", map[string]any{"type": "card", "connector_id": conn, "card": map[string]any{"number": "42", "exp_month": 12, "exp_year": 2031}}).
			wantError(t, 400, "parameter_invalid", "card.number")
		p.call("POST", "/methods/attach", map[string]any{"card": map[string]any{"number": pan}}).wantError(t, 400, "parameter_invalid", "card")

		l := p.call("GET", "/methods?customer_id=cus_1", nil).must(t, 200)
		if len(dig(l.body, "data").([]any)) != 2 {
			t.Fatalf("customer's methods = %s", l.raw)
		}
		if m := p.call("PATCH", "/methods/"+tok, map[string]any{"exp_month": 1, "metadata": map[string]string{"nick": "work"}}).must(t, 200); m.num("exp_month") != 1 || m.str("metadata", "nick") != "work" {
			t.Fatalf("patched = %s", m.raw)
		}
		p.call("PATCH", "/methods/"+tok, map[string]any{"token": "pm_other"}).wantError(t, 400, "parameter_invalid", "token")
		p.call("DELETE", "/methods/"+tok, nil).must(t, 200)
		p.call("GET", "/methods/"+tok, nil).wantError(t, 404, "resource_missing", "id")
		var audits int
		if err := p.app.DB().QueryRow(`SELECT COUNT(*) FROM audit_log WHERE object_id = $1 AND action = 'payment_method.deleted'`, tok).Scan(&audits); err != nil || audits != 1 {
			t.Fatalf("audit records for the deletion: %d (%v)", audits, err)
		}
		p.call("POST", "/intents", map[string]any{"amount": 100, "currency": "USD", "payment_method_id": tok}).wantError(t, 404, "resource_missing", "payment_method_id")
	})
}
