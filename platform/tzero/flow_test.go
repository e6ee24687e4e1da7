package tzero

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"connectrpc.com/connect"

	"github.com/connectorhost/connector-host/gen/tzero/v1/common"
	pi "github.com/connectorhost/connector-host/gen/tzero/v1/payment_intent"
)

// standardQuotes: P1 quotes EUR/SEPA in two bands (≤ 1000 USD at 0.92 with
// a 1.50 USD fix, ≤ 100000 USD at 0.91 without), P2 one band at 0.93.
func (e *env) standardQuotes() {
	e.setQuotes(e.p1, e.quote("EUR", sepa, time.Hour,
		band(dec(1000, 0), dec(92, -2), dec(150, -2)),
		band(dec(100000, 0), dec(91, -2), nil)))
	e.setQuotes(e.p2, e.quote("EUR", sepa, time.Hour, band(dec(100000, 0), dec(93, -2), nil)))
}

func TestGetQuote(t *testing.T) {
	forEachDB(t, func(t *testing.T, d testDB) {
		e := newEnv(t, d, true)
		e.standardQuotes()
		ctx := context.Background()
		get := func(amount *common.Decimal, providers ...uint32) *pi.GetQuoteResponse {
			t.Helper()
			r, err := e.ben.client.GetQuote(ctx, connect.NewRequest(&pi.GetQuoteRequest{Currency: "EUR", Amount: amount, PayInProviderIds: providers}))
			if err != nil {
				t.Fatal(err)
			}
			return r.Msg
		}
		// 100 EUR: P1 leaves 100/0.92 − 1.50 = 107.19…, P2 100/0.93 = 107.52…: P2 is best.
		r := get(dec(100, 0))
		all := r.GetSuccess().GetAllQuotes()
		if len(all) != 2 || all[0].GetProviderId() != 3 || all[1].GetProviderId() != 2 {
			t.Fatalf("all_quotes = %v, want P2 then P1", all)
		}
		if !sameDec(all[1].GetIndicativeRate(), dec(92, -2)) || !sameDec(all[1].GetIndicativeFix(), dec(150, -2)) {
			t.Errorf("P1 quote = %v, want band 1 (0.92, fix 1.50)", all[1])
		}
		best := r.GetSuccess().GetBestQuotes()
		if len(best) != 1 || best[0].GetProviderId() != 3 || best[0].GetPaymentMethod() != sepa {
			t.Errorf("best_quotes = %v, want P2 SEPA", best)
		}
		// 5000 EUR is 5434.78 USD at 0.92: past band 1, so band 2 (0.91, no fix).
		r = get(dec(5000, 0), 2)
		if q := r.GetSuccess().GetAllQuotes(); len(q) != 1 || !sameDec(q[0].GetIndicativeRate(), dec(91, -2)) || q[0].GetIndicativeFix().GetUnscaled() != 0 {
			t.Errorf("5000 EUR from P1 = %v, want band 2", q)
		}
		// 200000 EUR is beyond every band.
		if r := get(dec(200000, 0)); r.GetQuoteNotFound() == nil {
			t.Errorf("200000 EUR = %v, want quote_not_found", r)
		}
		// Another currency has no quotes.
		r2, err := e.ben.client.GetQuote(ctx, connect.NewRequest(&pi.GetQuoteRequest{Currency: "GBP", Amount: dec(1, 0)}))
		if err != nil || r2.Msg.GetQuoteNotFound() == nil {
			t.Errorf("GBP = %v, %v, want quote_not_found", r2, err)
		}
		// A well-formed code that is not ISO 4217 names the field.
		_, err = e.ben.client.GetQuote(ctx, connect.NewRequest(&pi.GetQuoteRequest{Currency: "ABC", Amount: dec(1, 0)}))
		if connect.CodeOf(err) != connect.CodeInvalidArgument || !contains(err, "currency") {
			t.Errorf("currency ABC: %v, want invalid_argument naming currency", err)
		}
	})
}

func TestPaymentIntentFlow(t *testing.T) {
	forEachDB(t, func(t *testing.T, d testDB) {
		e := newEnv(t, d, false)
		e.standardQuotes()
		req := createReq("order-1", "EUR", dec(100, 0))
		r := e.create(e.ben, req).GetSuccess()
		if r == nil || r.GetPaymentIntentId() == 0 {
			t.Fatalf("create: %v", r)
		}
		id := r.GetPaymentIntentId()
		opts := r.GetPayInDetails()
		if len(opts) != 2 || opts[0].GetProviderId() != 2 || opts[1].GetProviderId() != 3 {
			t.Fatalf("pay_in_details = %v, want P1 and P2", opts)
		}
		if got := opts[0].GetPaymentDetails().GetSepa().GetPaymentReference(); got != "PI"+itoa(id) {
			t.Errorf("P1 details reference = %q", got)
		}
		if !sameDec(opts[0].GetIndicativeRate(), dec(92, -2)) || !sameDec(opts[1].GetIndicativeRate(), dec(93, -2)) {
			t.Errorf("indicative rates = %v, %v", opts[0].GetIndicativeRate(), opts[1].GetIndicativeRate())
		}
		// What the pay-in provider was asked.
		e.p1.mu.Lock()
		asked := e.p1.lastDetails
		e.p1.mu.Unlock()
		if asked.GetBeneficiaryProviderId() != 1 || asked.GetCurrency() != "EUR" || len(asked.GetPaymentMethods()) != 1 ||
			asked.GetTravelRule().GetBeneficiaryProvider().GetName().GetNameIdentifiers()[0].GetLegalPersonName() != "Provider 1 GmbH" ||
			len(asked.GetTravelRule().GetBeneficiary()) != 1 || asked.GetConfirmationCode() == "" {
			t.Errorf("GetPaymentDetails request = %v", asked)
		}

		// Idempotent retry: same id, providers not asked again.
		if again := e.mustCreate(e.ben, req); again != id {
			t.Fatalf("retry id = %d, want %d", again, id)
		}
		if e.p1.calls(id) != 1 || e.p2.calls(id) != 1 {
			t.Errorf("GetPaymentDetails calls = %d, %d, want 1 each", e.p1.calls(id), e.p2.calls(id))
		}
		// The rate is live on retries; a withdrawn quote's option is omitted.
		e.setQuotes(e.p2, e.quote("EUR", sepa, time.Hour, band(dec(100000, 0), dec(94, -2), nil)))
		e.setQuotes(e.p1)
		opts = e.create(e.ben, req).GetSuccess().GetPayInDetails()
		if len(opts) != 1 || opts[0].GetProviderId() != 3 || !sameDec(opts[0].GetIndicativeRate(), dec(94, -2)) {
			t.Fatalf("retry options = %v, want only P2 at 0.94", opts)
		}

		// P2 confirms: 100 / 0.94 = 106.382978723404… → 106.38297872.
		c := confirmReq(id, e.p2.code(id), sepa, "E2E-0001")
		resp, err := e.confirm(e.p2, c)
		if err != nil {
			t.Fatal(err)
		}
		acc := resp.GetAccept()
		if acc == nil || !sameDec(acc.GetSettlementAmount(), dec(10638297872, -8)) || !sameDec(acc.GetRate(), dec(94, -2)) || acc.GetFix().GetUnscaled() != 0 {
			t.Fatalf("accept = %v, want 106.38297872 at 0.94, fix 0", resp)
		}
		u := e.ben.waitUpdate(t)
		fr := u.GetFundsReceived()
		if u.GetPaymentIntentId() != id || !sameDec(fr.GetSettlementAmount(), acc.GetSettlementAmount()) || !sameDec(fr.GetRate(), acc.GetRate()) ||
			!sameDec(fr.GetPaymentAmount(), dec(100, 0)) || fr.GetPaymentMethod() != sepa || fr.GetTransactionReference() != "E2E-0001" ||
			fr.GetTravelRuleData().GetOriginatorProvider().GetName().GetNameIdentifiers()[0].GetLegalPersonName() != "Provider 3 GmbH" {
			t.Errorf("PaymentIntentUpdate = %v", u)
		}
		e.waitDelivered(id)
		// A retried confirmation gets the same Accept and queues nothing new.
		resp2, err := e.confirm(e.p2, c)
		if err != nil || !sameDec(resp2.GetAccept().GetSettlementAmount(), acc.GetSettlementAmount()) {
			t.Fatalf("retried confirm = %v, %v", resp2, err)
		}
		ns, err := e.net.Notifications(context.Background(), id)
		if err != nil || len(ns) != 1 || !ns[0].Delivered || ns[0].Attempts != 1 {
			t.Errorf("notifications = %+v, %v, want one delivered on the first attempt", ns, err)
		}
		// Another pay-in for a confirmed intent is refused.
		_, err = e.confirm(e.p2, confirmReq(id, e.p2.code(id), sepa, "E2E-0002"))
		if connect.CodeOf(err) != connect.CodeFailedPrecondition {
			t.Errorf("second pay-in: %v, want failed_precondition", err)
		}
	})
}

func TestCreatePaymentIntentFailures(t *testing.T) {
	forEachDB(t, func(t *testing.T, d testDB) {
		e := newEnv(t, d, true)
		e.standardQuotes()
		reason := func(r *pi.CreatePaymentIntentResponse) pi.CreatePaymentIntentResponse_Failure_Reason {
			return r.GetFailure().GetReason()
		}
		// No quotes in GBP: never created.
		if got := reason(e.create(e.ben, createReq("gbp", "GBP", dec(10, 0)))); got != pi.CreatePaymentIntentResponse_Failure_FAILURE_REASON_QUOTE_NOT_FOUND {
			t.Errorf("GBP: %v, want QUOTE_NOT_FOUND", got)
		}
		var n int
		if err := e.db.QueryRow(`SELECT COUNT(*) FROM tzero_intents`).Scan(&n); err != nil || n != 0 {
			t.Errorf("intents after QUOTE_NOT_FOUND = %d, %v", n, err)
		}
		// The only chosen provider rejects: REJECTED, on retry too.
		e.p1.rejectDetails.Store(true)
		for range 2 {
			if got := reason(e.create(e.ben, createReq("rej", "EUR", dec(10, 0), 2))); got != pi.CreatePaymentIntentResponse_Failure_FAILURE_REASON_REJECTED {
				t.Errorf("rejected: %v, want REJECTED", got)
			}
		}
		e.p1.rejectDetails.Store(false)
		// One provider rejecting leaves the other's option.
		e.p2.rejectDetails.Store(true)
		r := e.create(e.ben, createReq("half", "EUR", dec(10, 0)))
		if opts := r.GetSuccess().GetPayInDetails(); len(opts) != 1 || opts[0].GetProviderId() != 2 {
			t.Errorf("with P2 rejecting: %v, want P1 only", r)
		}
		e.p2.rejectDetails.Store(false)
		// Invalid details, or details for a method not asked for, are no option.
		e.p2.badDetails.Store(true)
		r3 := e.create(e.ben, createReq("bad-details", "EUR", dec(10, 0)))
		if opts := r3.GetSuccess().GetPayInDetails(); len(opts) != 1 || opts[0].GetProviderId() != 2 {
			t.Errorf("with P2 answering invalid details: %v, want P1 only", r3)
		}
		e.p2.badDetails.Store(false)
		// The only chosen provider does not answer: nothing is fixed, a retry asks again.
		e.p1.failDetails.Store(true)
		_, err := e.ben.client.CreatePaymentIntent(context.Background(), connect.NewRequest(createReq("down", "EUR", dec(10, 0), 2)))
		if connect.CodeOf(err) != connect.CodeUnavailable {
			t.Errorf("provider down: %v, want unavailable", err)
		}
		e.p1.failDetails.Store(false)
		var downID uint64
		if err := e.db.QueryRow(`SELECT id FROM tzero_intents WHERE external_reference = 'down'`).Scan(&downID); err != nil {
			t.Fatal(err)
		}
		if got := e.mustCreate(e.ben, createReq("down", "EUR", dec(10, 0), 2)); got != downID || e.p1.calls(downID) != 2 {
			t.Errorf("retry after provider recovered: id %d (want %d), GetPaymentDetails calls %d (want 2)", got, downID, e.p1.calls(downID))
		}
		// The same external_reference with another amount is refused by name.
		_, err = e.ben.client.CreatePaymentIntent(context.Background(), connect.NewRequest(createReq("half", "EUR", dec(11, 0))))
		if connect.CodeOf(err) != connect.CodeAlreadyExists || !contains(err, "external_reference") {
			t.Errorf("reused reference: %v, want already_exists naming external_reference", err)
		}
		// ...but the same reference from another beneficiary is its own intent.
		if id := e.mustCreate(e.p2, createReq("half", "EUR", dec(11, 0), 2)); id == r.GetSuccess().GetPaymentIntentId() {
			t.Error("another beneficiary's reference shared an intent")
		}
		// protovalidate: no travel-rule beneficiary.
		bad := createReq("bad", "EUR", dec(10, 0))
		bad.TravelRuleData.Beneficiary = nil
		_, err = e.ben.client.CreatePaymentIntent(context.Background(), connect.NewRequest(bad))
		if connect.CodeOf(err) != connect.CodeInvalidArgument || !contains(err, "travel_rule_data.beneficiary") {
			t.Errorf("no beneficiary: %v", err)
		}
	})
}

func TestExpiredAndWithdrawnQuotes(t *testing.T) {
	forEachDB(t, func(t *testing.T, d testDB) {
		e := newEnv(t, d, true)
		e.setQuotes(e.p1, e.quote("EUR", sepa, time.Minute, band(dec(1000, 0), dec(92, -2), nil)))
		req := createReq("x", "EUR", dec(100, 0))
		id := e.mustCreate(e.ben, req)
		e.clk.Advance(2 * time.Minute)
		r, err := e.ben.client.GetQuote(context.Background(), connect.NewRequest(&pi.GetQuoteRequest{Currency: "EUR", Amount: dec(100, 0)}))
		if err != nil || r.Msg.GetQuoteNotFound() == nil {
			t.Errorf("GetQuote after expiry = %v, %v, want quote_not_found", r, err)
		}
		if got := e.create(e.ben, req).GetFailure().GetReason(); got != pi.CreatePaymentIntentResponse_Failure_FAILURE_REASON_QUOTE_NOT_FOUND {
			t.Errorf("retry after expiry: %v, want QUOTE_NOT_FOUND", got)
		}
		resp, err := e.confirm(e.p1, confirmReq(id, e.p1.code(id), sepa, "R-1"))
		if err != nil || resp.GetReject().GetReason() != pi.ConfirmFundsReceivedResponse_Reject_REJECT_REASON_NO_ACTIVE_QUOTE {
			t.Errorf("confirm on expired quote = %v, %v, want NO_ACTIVE_QUOTE", resp, err)
		}
		// Republished: the retry succeeds with the same intent and option.
		e.setQuotes(e.p1, e.quote("EUR", sepa, time.Hour, band(dec(1000, 0), dec(90, -2), nil)))
		r2 := e.create(e.ben, req).GetSuccess()
		if r2.GetPaymentIntentId() != id || len(r2.GetPayInDetails()) != 1 || !sameDec(r2.GetPayInDetails()[0].GetIndicativeRate(), dec(90, -2)) {
			t.Errorf("retry after republish = %v", r2)
		}
		// Withdrawn: NO_ACTIVE_QUOTE again.
		e.setQuotes(e.p1)
		resp, err = e.confirm(e.p1, confirmReq(id, e.p1.code(id), sepa, "R-1"))
		if err != nil || resp.GetReject().GetReason() != pi.ConfirmFundsReceivedResponse_Reject_REJECT_REASON_NO_ACTIVE_QUOTE {
			t.Errorf("confirm on withdrawn quote = %v, %v, want NO_ACTIVE_QUOTE", resp, err)
		}
	})
}

func TestConfirmRejectReasons(t *testing.T) {
	forEachDB(t, func(t *testing.T, d testDB) {
		e := newEnv(t, d, true)
		e.standardQuotes()
		a := e.mustCreate(e.ben, createReq("a", "EUR", dec(100, 0)))
		b := e.mustCreate(e.ben, createReq("b", "EUR", dec(100, 0)))
		want := func(name string, p *sim, req *pi.ConfirmFundsReceivedRequest, reason pi.ConfirmFundsReceivedResponse_Reject_Reason) {
			t.Helper()
			r, err := e.confirm(p, req)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if got := r.GetReject().GetReason(); got != reason {
				t.Errorf("%s: %v, want %v", name, r, reason)
			}
		}
		want("wrong code", e.p1, confirmReq(a, "not-the-code", sepa, "R-a"), pi.ConfirmFundsReceivedResponse_Reject_REJECT_REASON_CONFIRMATION_CODE_MISMATCH)
		want("provider not offered", e.ben, confirmReq(a, e.p1.code(a), sepa, "R-a"), pi.ConfirmFundsReceivedResponse_Reject_REJECT_REASON_PROVIDER_NOT_ALLOWED)
		other := confirmReq(a, e.p1.code(a), sepa, "R-a")
		other.OriginatorProviderLegalEntityId = ptr(uint32(30)) // P2's entity
		want("another provider's legal entity", e.p1, other, pi.ConfirmFundsReceivedResponse_Reject_REJECT_REASON_PROVIDER_NOT_ALLOWED)
		want("method not offered", e.p1, confirmReq(a, e.p1.code(a), common.PaymentMethodType_PAYMENT_METHOD_TYPE_SWIFT, "R-a"), pi.ConfirmFundsReceivedResponse_Reject_REJECT_REASON_NO_VALID_OFFER)

		if r, err := e.confirm(e.p2, confirmReq(a, e.p2.code(a), sepa, "R-shared")); err != nil || r.GetAccept() == nil {
			t.Fatalf("confirm a: %v, %v", r, err)
		}
		want("reference used", e.p1, confirmReq(b, e.p1.code(b), sepa, "R-shared"), pi.ConfirmFundsReceivedResponse_Reject_REJECT_REASON_TRANSACTION_REFERENCE_ALREADY_USED)

		// 1 EUR / 0.92 − 5 USD < 0 at P1's only quote.
		e.setQuotes(e.p1, e.quote("EUR", sepa, time.Hour, band(dec(1000, 0), dec(92, -2), dec(5, 0))))
		small := e.mustCreate(e.ben, createReq("small", "EUR", dec(1, 0), 2))
		want("amount too small", e.p1, confirmReq(small, e.p1.code(small), sepa, "R-small"), pi.ConfirmFundsReceivedResponse_Reject_REJECT_REASON_AMOUNT_TOO_SMALL)

		e.setQuotes(e.p1)
		want("no active quote", e.p1, confirmReq(b, e.p1.code(b), sepa, "R-b"), pi.ConfirmFundsReceivedResponse_Reject_REJECT_REASON_NO_ACTIVE_QUOTE)

		// An intent rejected at creation offers nothing.
		e.standardQuotes()
		e.p1.rejectDetails.Store(true)
		e.create(e.ben, createReq("rejected", "EUR", dec(5, 0), 2))
		var rid uint64
		if err := e.db.QueryRow(`SELECT id FROM tzero_intents WHERE external_reference = $1`, "rejected").Scan(&rid); err != nil {
			t.Fatal(err)
		}
		want("rejected intent", e.p1, confirmReq(rid, e.p1.code(rid), sepa, "R-r"), pi.ConfirmFundsReceivedResponse_Reject_REJECT_REASON_NO_VALID_OFFER)

		// A provider with two legal entities must name the one that received the funds.
		two, err := e.net.GetProvider(context.Background(), 3)
		if err != nil {
			t.Fatal(err)
		}
		two.LegalEntities = append(two.LegalEntities, LegalEntity{ID: 31, Person: legalPerson("Provider 3 Ltd")})
		if err := e.net.PutProvider(context.Background(), *two); err != nil {
			t.Fatal(err)
		}
		_, err = e.confirm(e.p2, confirmReq(b, e.p2.code(b), sepa, "R-two"))
		if connect.CodeOf(err) != connect.CodeInvalidArgument || !contains(err, "originator_provider_legal_entity_id") {
			t.Errorf("two legal entities, none named: %v", err)
		}

		_, err = e.confirm(e.p1, confirmReq(999999, "x", sepa, "R"))
		if connect.CodeOf(err) != connect.CodeNotFound || !contains(err, "payment_intent_id") {
			t.Errorf("unknown intent: %v, want not_found naming payment_intent_id", err)
		}
		// Nothing rejected was queued for the beneficiary: only a's confirmation.
		var n int
		if err := e.db.QueryRow(`SELECT COUNT(*) FROM tzero_outbox`).Scan(&n); err != nil || n != 1 {
			t.Errorf("outbox rows = %d, %v, want 1", n, err)
		}
	})
}

func TestUpdateQuoteRefusesInvalidSetsWhole(t *testing.T) {
	forEachDB(t, func(t *testing.T, d testDB) {
		e := newEnv(t, d, true)
		e.standardQuotes()
		ok := func() *pi.UpdateQuoteRequest_Quote {
			return e.quote("GBP", sepa, time.Hour, band(dec(100, 0), dec(8, -1), nil))
		}
		cases := []struct {
			name  string
			field string
			qs    func() []*pi.UpdateQuoteRequest_Quote
		}{
			{"duplicate currency and method", "payment_intent_quotes[1]", func() []*pi.UpdateQuoteRequest_Quote { return []*pi.UpdateQuoteRequest_Quote{ok(), ok()} }},
			{"duplicate client_quote_id", "payment_intent_quotes[1].bands[0].client_quote_id", func() []*pi.UpdateQuoteRequest_Quote {
				q1, q2 := ok(), e.quote("EUR", sepa, time.Hour, band(dec(100, 0), dec(8, -1), nil))
				q2.Bands[0].ClientQuoteId = q1.Bands[0].ClientQuoteId
				return []*pi.UpdateQuoteRequest_Quote{q1, q2}
			}},
			{"no expiration", "payment_intent_quotes[0].expiration", func() []*pi.UpdateQuoteRequest_Quote {
				q := ok()
				q.Expiration = nil
				return []*pi.UpdateQuoteRequest_Quote{q}
			}},
			{"not ISO 4217", "payment_intent_quotes[0].currency", func() []*pi.UpdateQuoteRequest_Quote {
				q := ok()
				q.Currency = "ABC"
				return []*pi.UpdateQuoteRequest_Quote{q}
			}},
			{"zero rate", "rate", func() []*pi.UpdateQuoteRequest_Quote {
				q := ok()
				q.Bands[0].Rate = dec(0, 0)
				return []*pi.UpdateQuoteRequest_Quote{q}
			}},
			{"negative fix", "fix", func() []*pi.UpdateQuoteRequest_Quote {
				q := ok()
				q.Bands[0].Fix = dec(-1, 0)
				return []*pi.UpdateQuoteRequest_Quote{q}
			}},
			{"exponent out of range", "exponent", func() []*pi.UpdateQuoteRequest_Quote {
				q := ok()
				q.Bands[0].Rate = dec(1, -9)
				return []*pi.UpdateQuoteRequest_Quote{q}
			}},
			{"no bands", "bands", func() []*pi.UpdateQuoteRequest_Quote {
				q := ok()
				q.Bands = nil
				return []*pi.UpdateQuoteRequest_Quote{q}
			}},
			{"unspecified method", "payment_method", func() []*pi.UpdateQuoteRequest_Quote {
				q := ok()
				q.PaymentMethod = 0
				return []*pi.UpdateQuoteRequest_Quote{q}
			}},
			{"unknown method", "payment_method", func() []*pi.UpdateQuoteRequest_Quote {
				q := ok()
				q.PaymentMethod = 12345
				return []*pi.UpdateQuoteRequest_Quote{q}
			}},
		}
		for _, c := range cases {
			_, err := e.p1.client.UpdateQuote(context.Background(), connect.NewRequest(&pi.UpdateQuoteRequest{PaymentIntentQuotes: c.qs()}))
			if connect.CodeOf(err) != connect.CodeInvalidArgument || !contains(err, c.field) {
				t.Errorf("%s: %v, want invalid_argument naming %s", c.name, err, c.field)
			}
		}
		// P1's previous set stands.
		r, err := e.ben.client.GetQuote(context.Background(), connect.NewRequest(&pi.GetQuoteRequest{Currency: "EUR", Amount: dec(100, 0), PayInProviderIds: []uint32{2}}))
		if err != nil || len(r.Msg.GetSuccess().GetAllQuotes()) != 1 {
			t.Errorf("P1 quotes after refused updates = %v, %v", r, err)
		}
	})
}

func contains(err error, s string) bool { return err != nil && strings.Contains(err.Error(), s) }

func itoa(n uint64) string { return strconv.FormatUint(n, 10) }

func ptr[T any](v T) *T { return &v }
