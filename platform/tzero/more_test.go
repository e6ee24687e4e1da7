package tzero

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"connectrpc.com/connect"
	"github.com/decred/dcrd/dcrec/secp256k1/v4"

	pi "github.com/connectorhost/connector-host/gen/tzero/v1/payment_intent"
	"github.com/connectorhost/connector-host/gen/tzero/v1/payment_intent/payment_intentconnect"
	"github.com/connectorhost/connector-host/platform/tzero/decimal"
	"github.com/connectorhost/connector-host/platform/tzero/sigauth"
)

func TestConcurrentConfirmationsOneWins(t *testing.T) {
	forEachDB(t, func(t *testing.T, d testDB) {
		e := newEnv(t, d, true)
		e.standardQuotes()
		// Concurrent creations with one external_reference: one intent, one option set.
		const n = 6
		ids := make([]uint64, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r, err := e.ben.client.CreatePaymentIntent(context.Background(), connect.NewRequest(createReq("race", "EUR", dec(100, 0))))
				if err != nil {
					t.Errorf("create %d: %v", i, err)
					return
				}
				ids[i] = r.Msg.GetSuccess().GetPaymentIntentId()
			}()
		}
		wg.Wait()
		id := ids[0]
		for i, got := range ids {
			if got != id || got == 0 {
				t.Fatalf("concurrent create %d got id %d, want %d", i, got, id)
			}
		}
		var offers int
		if err := e.db.QueryRow(`SELECT COUNT(*) FROM tzero_offers WHERE intent_id = $1`, id).Scan(&offers); err != nil || offers != 2 {
			t.Fatalf("offers = %d, %v, want 2", offers, err)
		}
		// Both providers confirm at once, each several times with its own references.
		type result struct {
			accepted bool
			err      error
		}
		results := make(chan result, 2*n)
		for i := range 2 * n {
			p := e.p1
			if i%2 == 1 {
				p = e.p2
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				r, err := e.confirm(p, confirmReq(id, p.code(id), sepa, fmt.Sprintf("REF-%d", i)))
				results <- result{r.GetAccept() != nil, err}
			}()
		}
		wg.Wait()
		close(results)
		accepted := 0
		for r := range results {
			switch {
			case r.accepted:
				accepted++
			case connect.CodeOf(r.err) != connect.CodeFailedPrecondition:
				t.Errorf("loser got %v, want failed_precondition", r.err)
			}
		}
		if accepted != 1 {
			t.Fatalf("%d confirmations accepted, want exactly 1", accepted)
		}
		var queued, refs int
		if err := e.db.QueryRow(`SELECT COUNT(*) FROM tzero_outbox WHERE intent_id = $1`, id).Scan(&queued); err != nil || queued != 1 {
			t.Errorf("notifications queued = %d, %v, want 1", queued, err)
		}
		if err := e.db.QueryRow(`SELECT COUNT(*) FROM tzero_transaction_refs WHERE intent_id = $1`, id).Scan(&refs); err != nil || refs != 1 {
			t.Errorf("transaction references claimed = %d, %v, want 1", refs, err)
		}
	})
}

// rewrite sets a header after signing (to present a signature under
// another key).
type rewrite struct {
	base        http.RoundTripper
	name, value string
}

func (r rewrite) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context())
	req.Header.Set(r.name, r.value)
	return r.base.RoundTrip(req)
}

func TestSignatureFailures(t *testing.T) {
	forEachDB(t, func(t *testing.T, d testDB) {
		e := newEnv(t, d, true)
		stranger, _ := secp256k1.GeneratePrivateKey()
		client := func(rt http.RoundTripper) payment_intentconnect.PaymentIntentServiceClient {
			return payment_intentconnect.NewPaymentIntentServiceClient(&http.Client{Transport: rt}, e.url)
		}
		cases := []struct {
			name string
			rt   http.RoundTripper
			want string
		}{
			{"bad signature", &sigauth.Transport{Key: stranger, Now: e.clk.Now,
				Base: rewrite{http.DefaultTransport, sigauth.HeaderPublicKey, sigauth.FormatPublicKey(e.p1.key.PubKey())}}, "does not verify"},
			{"unknown key", &sigauth.Transport{Key: stranger, Now: e.clk.Now}, "unknown public key"},
			{"stale timestamp", &sigauth.Transport{Key: e.p1.key, Now: func() time.Time { return e.clk.Now().Add(-61 * time.Second) }}, "outside the accepted window"},
			{"future timestamp", &sigauth.Transport{Key: e.p1.key, Now: func() time.Time { return e.clk.Now().Add(61 * time.Second) }}, "outside the accepted window"},
			{"unsigned", http.DefaultTransport, "missing X-Signature"},
		}
		for _, c := range cases {
			_, err := client(c.rt).UpdateQuote(context.Background(), connect.NewRequest(&pi.UpdateQuoteRequest{}))
			if connect.CodeOf(err) != connect.CodeUnauthenticated || !contains(err, c.want) {
				t.Errorf("%s: %v, want unauthenticated: %s", c.name, err, c.want)
			}
		}
		// A signature 59 s old is inside the window.
		ok := client(&sigauth.Transport{Key: e.p1.key, Now: func() time.Time { return e.clk.Now().Add(-59 * time.Second) }})
		if _, err := ok.UpdateQuote(context.Background(), connect.NewRequest(&pi.UpdateQuoteRequest{})); err != nil {
			t.Errorf("59 s old signature: %v", err)
		}
	})
}

// TestProtocols serves the network over HTTP/2 and calls it over gRPC
// (the signature covers the framed body) and plain HTTP-JSON.
func TestProtocols(t *testing.T) {
	d := testDBs(t)[0]
	e := newEnv(t, d, true)
	e.standardQuotes()
	mux := http.NewServeMux()
	e.net.Mount(mux)
	srv := httptest.NewUnstartedServer(mux)
	srv.EnableHTTP2 = true
	srv.StartTLS()
	defer srv.Close()
	signed := &http.Client{Transport: &sigauth.Transport{Key: e.ben.key, Now: e.clk.Now, Base: srv.Client().Transport}}

	grpc := payment_intentconnect.NewPaymentIntentServiceClient(signed, srv.URL, connect.WithGRPC())
	r, err := grpc.GetQuote(context.Background(), connect.NewRequest(&pi.GetQuoteRequest{Currency: "EUR", Amount: dec(100, 0)}))
	if err != nil || len(r.Msg.GetSuccess().GetAllQuotes()) != 2 {
		t.Fatalf("gRPC GetQuote = %v, %v", r, err)
	}

	body := `{"currency":"EUR","amount":{"unscaled":"100","exponent":0}}`
	resp, err := signed.Post(srv.URL+"/tzero.v1.payment_intent.PaymentIntentService/GetQuote", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var out struct {
		Success struct {
			BestQuotes []struct {
				ProviderID int `json:"providerId"`
			} `json:"bestQuotes"`
		} `json:"success"`
	}
	if resp.StatusCode != 200 || json.Unmarshal(b, &out) != nil || len(out.Success.BestQuotes) != 1 || out.Success.BestQuotes[0].ProviderID != 3 {
		t.Fatalf("HTTP-JSON GetQuote = %d %s", resp.StatusCode, b)
	}
	// Unknown JSON fields are refused.
	resp, err = signed.Post(srv.URL+"/tzero.v1.payment_intent.PaymentIntentService/GetQuote", "application/json", strings.NewReader(`{"currency":"EUR","amount":{"unscaled":"1"},"colour":"red"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("unknown field: status %d, want 400", resp.StatusCode)
	}
}

// TestGRPCToProviders: the network calls providers over gRPC (cleartext
// HTTP/2), signing the framed body; the providers verify it.
func TestGRPCToProviders(t *testing.T) {
	e := newEnv(t, testDBs(t)[0], false, WithProviderProtocol(ProtocolGRPC))
	e.standardQuotes()
	id := e.mustCreate(e.ben, createReq("grpc", "EUR", dec(100, 0)))
	if r, err := e.confirm(e.p2, confirmReq(id, e.p2.code(id), sepa, "R-grpc")); err != nil || r.GetAccept() == nil {
		t.Fatalf("confirm: %v, %v", r, err)
	}
	if u := e.ben.waitUpdate(t); u.GetPaymentIntentId() != id {
		t.Fatalf("update for %d, want %d", u.GetPaymentIntentId(), id)
	}
	for _, p := range []*sim{e.p1, e.p2, e.ben} {
		if _, ok := p.protocols.Load("application/grpc"); !ok {
			t.Errorf("provider %d was not called over gRPC", p.id)
		}
		if _, ok := p.protocols.Load("application/proto"); ok {
			t.Errorf("provider %d was called over Connect", p.id)
		}
	}
}

func TestNotificationRetriedUntilAcknowledged(t *testing.T) {
	forEachDB(t, func(t *testing.T, d testDB) {
		e := newEnv(t, d, false)
		e.standardQuotes()
		e.ben.failUpdates.Store(2)
		id := e.mustCreate(e.ben, createReq("retry", "EUR", dec(100, 0)))
		if r, err := e.confirm(e.p2, confirmReq(id, e.p2.code(id), sepa, "R-1")); err != nil || r.GetAccept() == nil {
			t.Fatalf("confirm: %v, %v", r, err)
		}
		if u := e.ben.waitUpdate(t); u.GetPaymentIntentId() != id {
			t.Fatalf("update for %d, want %d", u.GetPaymentIntentId(), id)
		}
		e.waitDelivered(id)
		ns, err := e.net.Notifications(context.Background(), id)
		if err != nil || len(ns) != 1 || !ns[0].Delivered || ns[0].Attempts != 3 || e.ben.updateCalls.Load() != 3 {
			t.Errorf("notifications = %+v, %v, calls %d; want delivered on attempt 3", ns, err, e.ben.updateCalls.Load())
		}
	})
}

func TestNotificationSurvivesRestart(t *testing.T) {
	forEachDB(t, func(t *testing.T, d testDB) {
		e := newEnv(t, d, true) // the first instance never runs its worker
		e.standardQuotes()
		id := e.mustCreate(e.ben, createReq("restart", "EUR", dec(100, 0)))
		if r, err := e.confirm(e.p1, confirmReq(id, e.p1.code(id), sepa, "R-1")); err != nil || r.GetAccept() == nil {
			t.Fatalf("confirm: %v, %v", r, err)
		}
		ns, _ := e.net.Notifications(context.Background(), id)
		if len(ns) != 1 || ns[0].Delivered {
			t.Fatalf("before restart: %+v, want one pending", ns)
		}
		// A new instance on the same database delivers it.
		restarted := e.newService(e.netKey)
		e.run(restarted)
		u := e.ben.waitUpdate(t)
		// 100 / 0.92 − 1.50 = 107.195652173913… → 107.19565217
		if u.GetPaymentIntentId() != id || !sameDec(u.GetFundsReceived().GetSettlementAmount(), dec(10719565217, -8)) ||
			!sameDec(u.GetFundsReceived().GetFix(), dec(150, -2)) {
			t.Errorf("update = %v", u)
		}
		e.waitDelivered(id)
	})
}

func TestSettlementNetting(t *testing.T) {
	forEachDB(t, func(t *testing.T, d testDB) {
		e := newEnv(t, d, true)
		ctx := context.Background()
		// Every provider quotes EUR/SEPA at 0.8 (so 80 EUR = 100 USD); P2 keeps a 0.50 USD fix.
		e.setQuotes(e.ben, e.quote("EUR", sepa, time.Hour, band(dec(1e6, 0), dec(8, -1), nil)))
		e.setQuotes(e.p1, e.quote("EUR", sepa, time.Hour, band(dec(1e6, 0), dec(8, -1), nil)))
		e.setQuotes(e.p2, e.quote("EUR", sepa, time.Hour, band(dec(1e6, 0), dec(8, -1), dec(5, -1))))
		pay := func(ben, payin *sim, ref string, amount int64) {
			t.Helper()
			id := e.mustCreate(ben, createReq(ref, "EUR", dec(amount, 0), payin.id))
			r, err := e.confirm(payin, confirmReq(id, payin.code(id), sepa, "tx-"+ref))
			if err != nil || r.GetAccept() == nil {
				t.Fatalf("confirm %s: %v, %v", ref, r, err)
			}
		}
		pay(e.ben, e.p1, "s1", 80) // P1 owes B 100
		pay(e.ben, e.p1, "s2", 40) // P1 owes B 50
		pay(e.p1, e.ben, "s3", 20) // B owes P1 25
		pay(e.ben, e.p2, "s4", 10) // P2 owes B 12.5 − 0.5 = 12
		pay(e.ben, e.p2, "s5", 1)  // P2 owes B 1.25 − 0.5 = 0.75
		pay(e.p2, e.p1, "s6", 100) // P1 owes P2 125
		b, err := e.net.RunSettlement(ctx, e.clk.Now())
		if err != nil || b == nil {
			t.Fatalf("RunSettlement = %v, %v", b, err)
		}
		want := []string{"2→1 125 (3)", "2→3 125 (1)", "3→1 12.75 (2)"}
		if got := lines(b); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("lines = %v, want %v", got, want)
		}
		// Nothing new: no batch.
		if again, err := e.net.RunSettlement(ctx, e.clk.Now()); err != nil || again != nil {
			t.Errorf("second run = %v, %v, want none", again, err)
		}
		// An intent confirmed after the cutoff waits for a later batch.
		cutoff := e.clk.Now()
		e.clk.Advance(time.Second)
		pay(e.ben, e.p1, "s7", 8) // P1 owes B 10
		if early, err := e.net.RunSettlement(ctx, cutoff); err != nil || early != nil {
			t.Errorf("run before s7 = %v, %v, want none", early, err)
		}
		b2, err := e.net.RunSettlement(ctx, e.clk.Now())
		if err != nil || b2 == nil || fmt.Sprint(lines(b2)) != "[2→1 10 (1)]" {
			t.Fatalf("second batch = %v, %v", b2, err)
		}
		// Operators mark batches settled once.
		if err := e.net.MarkSettled(ctx, b.ID); err != nil {
			t.Fatal(err)
		}
		if err := e.net.MarkSettled(ctx, b.ID); !errors.Is(err, ErrAlreadySettled) {
			t.Errorf("second mark: %v, want ErrAlreadySettled", err)
		}
		if err := e.net.MarkSettled(ctx, 9999); !errors.Is(err, ErrNotFound) {
			t.Errorf("unknown batch: %v, want ErrNotFound", err)
		}
		// The operator API lists them, newest first.
		admin := httptest.NewServer(e.net.AdminHandler())
		defer admin.Close()
		resp, err := http.Get(admin.URL + "/settlements")
		if err != nil {
			t.Fatal(err)
		}
		var listed []batchJSON
		err = json.NewDecoder(resp.Body).Decode(&listed)
		resp.Body.Close()
		if err != nil || len(listed) != 2 || listed[0].ID != b2.ID || listed[1].Status != BatchSettled ||
			listed[1].Lines[2].AmountUSD != "12.75" || listed[1].Lines[0].AmountUSD != "125" {
			t.Errorf("GET /settlements = %+v, %v", listed, err)
		}
		resp, err = http.Post(admin.URL+fmt.Sprintf("/settlements/%d/settled", b.ID), "", nil)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusConflict {
			t.Errorf("POST settled twice: %d, want 409", resp.StatusCode)
		}
	})
}

func lines(b *Batch) []string {
	var out []string
	for _, l := range b.Lines {
		out = append(out, fmt.Sprintf("%d→%d %s (%d)", l.PayerID, l.PayeeID, decimal.String(l.Amount), l.Intents))
	}
	return out
}

func TestAdminProviders(t *testing.T) {
	d := testDBs(t)[0]
	e := newEnv(t, d, true)
	admin := httptest.NewServer(e.net.AdminHandler())
	defer admin.Close()
	key, _ := secp256k1.GeneratePrivateKey()
	put := func(id string, body string) (int, string) {
		req, _ := http.NewRequest(http.MethodPut, admin.URL+"/providers/"+id, strings.NewReader(body))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	compressed := fmt.Sprintf("%x", key.PubKey().SerializeCompressed())
	good := `{"id":7,"name":"Seven","public_key":"` + compressed + `","base_url":"https://seven.example","legal_entities":[{"id":70,
		"legal_person":{"name":{"nameIdentifier":[{"legalPersonName":"Seven SA","legalPersonNameIdentifierType":"LEGAL_PERSON_NAME_TYPE_CODE_LEGL"}]}}}]}`
	if status, body := put("7", good); status != 200 || !strings.Contains(body, sigauth.FormatPublicKey(key.PubKey())) {
		t.Fatalf("PUT = %d %s, want 200 with the canonical key", status, body)
	}
	for _, c := range []struct{ id, body, field string }{
		{"8", good, "id"},
		{"7", strings.Replace(good, `"name":"Seven"`, `"name":"Seven","colour":"red"`, 1), "colour"},
		{"7", strings.Replace(good, compressed, "zz", 1), "public_key"},
		{"7", strings.Replace(good, "https://seven.example", "seven.example", 1), "base_url"},
		{"7", strings.Replace(good, `"id":70`, `"id":0`, 1), "legal_entities[0].id"},
		{"7", strings.Replace(good, `"id":70`, `"id":20`, 1), "legal entity 20 belongs to provider 2"},
		{"7", strings.Replace(good, compressed, sigauth.FormatPublicKey(e.p1.key.PubKey()), 1), "already registered to provider 2"},
	} {
		if status, body := put(c.id, c.body); status != 400 || !strings.Contains(body, c.field) {
			t.Errorf("PUT %s: %d %s, want 400 naming %s", c.field, status, body, c.field)
		}
	}
	// The registered key now authenticates.
	cl := payment_intentconnect.NewPaymentIntentServiceClient(&http.Client{Transport: &sigauth.Transport{Key: key, Now: e.clk.Now}}, e.url)
	if _, err := cl.UpdateQuote(context.Background(), connect.NewRequest(&pi.UpdateQuoteRequest{})); err != nil {
		t.Errorf("registered provider: %v", err)
	}
	var out bytes.Buffer
	if err := e.net.AdminCommand(context.Background(), []string{"provider", "list"}, nil, &out); err != nil || !strings.Contains(out.String(), `"Seven"`) {
		t.Errorf("provider list: %v\n%s", err, out.String())
	}
}

func TestAdminCommand(t *testing.T) {
	e := newEnv(t, testDBs(t)[0], true)
	ctx := context.Background()
	run := func(stdin string, args ...string) (string, error) {
		var out bytes.Buffer
		err := e.net.AdminCommand(ctx, args, strings.NewReader(stdin), &out)
		return out.String(), err
	}
	key, _ := secp256k1.GeneratePrivateKey()
	doc := `{"id":9,"name":"Nine","public_key":"` + sigauth.FormatPublicKey(key.PubKey()) + `","base_url":"http://nine.example",
		"legal_entities":[{"id":90,"legal_person":{"name":{"nameIdentifier":[{"legalPersonName":"Nine AG","legalPersonNameIdentifierType":"LEGAL_PERSON_NAME_TYPE_CODE_LEGL"}]}}}]}`
	if _, err := run(doc, "provider", "put", "-"); err != nil {
		t.Fatal(err)
	}
	if p, err := e.net.GetProvider(ctx, 9); err != nil || p.LegalEntities[0].ID != 90 {
		t.Fatalf("provider 9 = %+v, %v", p, err)
	}
	if out, err := run("", "settlement", "run"); err != nil || out != "" {
		t.Errorf("settlement run with nothing confirmed = %q, %v, want no batch", out, err)
	}
	e.setQuotes(e.p1, e.quote("EUR", sepa, time.Hour, band(dec(1e6, 0), dec(8, -1), nil)))
	id := e.mustCreate(e.ben, createReq("cli", "EUR", dec(8, 0)))
	if r, err := e.confirm(e.p1, confirmReq(id, e.p1.code(id), sepa, "R-cli")); err != nil || r.GetAccept() == nil {
		t.Fatalf("confirm: %v, %v", r, err)
	}
	out, err := run("", "settlement", "run")
	var b batchJSON
	if err != nil || json.Unmarshal([]byte(out), &b) != nil || len(b.Lines) != 1 || b.Lines[0].AmountUSD != "10" || b.Lines[0].PayerID != 2 {
		t.Fatalf("settlement run = %s, %v", out, err)
	}
	if _, err := run("", "settlement", "settled", fmt.Sprint(b.ID)); err != nil {
		t.Fatal(err)
	}
	if _, err := run("", "settlement", "settled", fmt.Sprint(b.ID)); !errors.Is(err, ErrAlreadySettled) {
		t.Errorf("settled twice: %v", err)
	}
	if _, err := run("", "settlement", "frobnicate"); err == nil {
		t.Error("unknown command accepted")
	}
}
