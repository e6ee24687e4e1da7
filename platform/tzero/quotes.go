package tzero

import (
	"context"
	"database/sql"
	"fmt"
	"math/big"
	"sort"
	"strings"

	"connectrpc.com/connect"
	"google.golang.org/protobuf/proto"

	"github.com/connectorhost/connector-host/gen/tzero/v1/common"
	pi "github.com/connectorhost/connector-host/gen/tzero/v1/payment_intent"
	"github.com/connectorhost/connector-host/money"
	"github.com/connectorhost/connector-host/platform/tzero/decimal"
)

// rpc implements payment_intentconnect.PaymentIntentServiceHandler.
type rpc struct{ s *Service }

type quoteKey struct {
	currency string
	method   common.PaymentMethodType
}

func invalid(field, format string, a ...any) error {
	return connect.NewError(connect.CodeInvalidArgument, fmt.Errorf("%s: %s", field, fmt.Sprintf(format, a...)))
}

// UpdateQuote atomically replaces the caller's whole quote set; an empty set
// withdraws every quote. A set breaking any rule is refused whole.
func (r *rpc) UpdateQuote(ctx context.Context, req *connect.Request[pi.UpdateQuoteRequest]) (*connect.Response[pi.UpdateQuoteResponse], error) {
	s := r.s
	caller, err := callerFrom(ctx)
	if err != nil {
		return nil, err
	}
	quotes := req.Msg.GetPaymentIntentQuotes()
	seenQuote := map[quoteKey]int{}
	seenBand := map[string]string{}
	now := s.now()
	for i, q := range quotes {
		f := fmt.Sprintf("payment_intent_quotes[%d]", i)
		if !money.Known(q.GetCurrency()) {
			return nil, invalid(f+".currency", "%q is not an ISO-4217 currency code", q.GetCurrency())
		}
		k := quoteKey{q.GetCurrency(), q.GetPaymentMethod()}
		if j, dup := seenQuote[k]; dup {
			return nil, invalid(f, "currency %s with payment method %s repeats payment_intent_quotes[%d]", k.currency, k.method, j)
		}
		seenQuote[k] = i
		if q.GetExpiration() == nil {
			return nil, invalid(f+".expiration", "required")
		}
		if !q.GetExpiration().AsTime().After(now) {
			return nil, invalid(f+".expiration", "must be in the future")
		}
		for j, b := range q.GetBands() {
			bf := fmt.Sprintf("%s.bands[%d].client_quote_id", f, j)
			if prev, dup := seenBand[b.GetClientQuoteId()]; dup {
				return nil, invalid(bf, "%q is already used by %s", b.GetClientQuoteId(), prev)
			}
			seenBand[b.GetClientQuoteId()] = bf
		}
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, s.internal(ctx, "update quote", err)
	}
	defer func() { _ = tx.Rollback() }()
	if _, err := tx.ExecContext(ctx, `DELETE FROM tzero_quotes WHERE provider_id = $1`, caller.ID); err != nil {
		return nil, s.internal(ctx, "update quote", err)
	}
	for _, q := range quotes {
		b, err := proto.Marshal(q)
		if err != nil {
			return nil, s.internal(ctx, "update quote", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO tzero_quotes (provider_id, currency, payment_method, expiration_ms, quote) VALUES ($1, $2, $3, $4, $5)`,
			caller.ID, q.GetCurrency(), int32(q.GetPaymentMethod()), q.GetExpiration().AsTime().UnixMilli(), b); err != nil {
			return nil, s.internal(ctx, "update quote", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, s.internal(ctx, "update quote", err)
	}
	s.log.InfoContext(ctx, "tzero: quotes replaced", "provider", caller.ID, "quotes", len(quotes))
	return connect.NewResponse(&pi.UpdateQuoteResponse{}), nil
}

// liveQuote is a band chosen from an unexpired quote for an amount.
type liveQuote struct {
	provider uint32
	method   common.PaymentMethodType
	rate     *common.Decimal
	fix      *common.Decimal
	exact    *big.Rat // (amount / rate) - fix
}

// chooseBand returns the band a quote applies to amount: of the bands whose
// max_amount (USD) covers amount / rate, the one with the smallest
// max_amount (ties: first listed). ok is false when no band covers it.
func chooseBand(q *pi.UpdateQuoteRequest_Quote, amount *big.Rat) (band *pi.UpdateQuoteRequest_Quote_Band, ok bool) {
	var best *pi.UpdateQuoteRequest_Quote_Band
	var bestMax *big.Rat
	for _, b := range q.GetBands() {
		rate, max := decimal.MustRat(b.GetRate()), decimal.MustRat(b.GetMaxAmount())
		if rate.Sign() <= 0 {
			continue
		}
		usd := new(big.Rat).Quo(amount, rate)
		if usd.Cmp(max) > 0 {
			continue
		}
		if best == nil || max.Cmp(bestMax) < 0 {
			best, bestMax = b, max
		}
	}
	return best, best != nil
}

// liveQuotes returns, for currency and amount, one live quote per provider
// and payment method whose quote has not expired and has a band covering the
// amount; providers restricts the providers (all when empty); method
// restricts the method (all when 0).
func (s *Service) liveQuotes(ctx context.Context, q querier, currency string, amount *common.Decimal, providers []uint32, method common.PaymentMethodType) ([]liveQuote, error) {
	args := []any{currency, s.nowMs()}
	query := `SELECT provider_id, quote FROM tzero_quotes WHERE currency = $1 AND expiration_ms > $2`
	if method != 0 {
		args = append(args, int32(method))
		query += fmt.Sprintf(" AND payment_method = $%d", len(args))
	}
	if len(providers) > 0 {
		ph := make([]string, len(providers))
		for i, p := range providers {
			args = append(args, int64(p))
			ph[i] = fmt.Sprintf("$%d", len(args))
		}
		query += " AND provider_id IN (" + strings.Join(ph, ", ") + ")"
	}
	rows, err := q.QueryContext(ctx, query+" ORDER BY provider_id, payment_method", args...)
	if err != nil {
		return nil, fmt.Errorf("live quotes: %w", err)
	}
	defer rows.Close()
	amt := decimal.MustRat(amount)
	var out []liveQuote
	for rows.Next() {
		var provider uint32
		var b []byte
		if err := rows.Scan(&provider, &b); err != nil {
			return nil, fmt.Errorf("live quotes: %w", err)
		}
		quote := &pi.UpdateQuoteRequest_Quote{}
		if err := proto.Unmarshal(b, quote); err != nil {
			return nil, fmt.Errorf("live quotes: provider %d: %w", provider, err)
		}
		band, ok := chooseBand(quote, amt)
		if !ok {
			continue
		}
		fix := band.GetFix()
		if fix == nil {
			fix = &common.Decimal{}
		}
		_, exact, err := decimal.Settlement(amount, band.GetRate(), fix)
		if err != nil {
			continue // out of the protocol's range for this amount: not an offer
		}
		out = append(out, liveQuote{provider: provider, method: quote.GetPaymentMethod(), rate: band.GetRate(), fix: fix, exact: exact})
	}
	return out, rows.Err()
}

// GetQuote returns every live quote for the currency and amount and the best
// per payment method (the one leaving the largest settlement,
// amount / rate − fix; ties go to the lower provider id).
func (r *rpc) GetQuote(ctx context.Context, req *connect.Request[pi.GetQuoteRequest]) (*connect.Response[pi.GetQuoteResponse], error) {
	s := r.s
	if _, err := callerFrom(ctx); err != nil {
		return nil, err
	}
	m := req.Msg
	if !money.Known(m.GetCurrency()) {
		return nil, invalid("currency", "%q is not an ISO-4217 currency code", m.GetCurrency())
	}
	live, err := s.liveQuotes(ctx, s.db, m.GetCurrency(), m.GetAmount(), m.GetPayInProviderIds(), 0)
	if err != nil {
		return nil, s.internal(ctx, "get quote", err)
	}
	if len(live) == 0 {
		return connect.NewResponse(&pi.GetQuoteResponse{Result: &pi.GetQuoteResponse_QuoteNotFound_{QuoteNotFound: &pi.GetQuoteResponse_QuoteNotFound{}}}), nil
	}
	sortQuotes(live)
	ok := &pi.GetQuoteResponse_Success{}
	bestSeen := map[common.PaymentMethodType]bool{}
	for _, l := range live {
		iq := &pi.GetQuoteResponse_Success_IndicativeQuote{PaymentMethod: l.method, ProviderId: l.provider, IndicativeRate: l.rate, IndicativeFix: l.fix}
		ok.AllQuotes = append(ok.AllQuotes, iq)
		if !bestSeen[l.method] {
			bestSeen[l.method] = true
			ok.BestQuotes = append(ok.BestQuotes, iq)
		}
	}
	return connect.NewResponse(&pi.GetQuoteResponse{Result: &pi.GetQuoteResponse_Success_{Success: ok}}), nil
}

// sortQuotes orders by payment method, then best settlement first, then
// provider id.
func sortQuotes(l []liveQuote) {
	sort.SliceStable(l, func(i, j int) bool {
		if l[i].method != l[j].method {
			return l[i].method < l[j].method
		}
		if c := l[i].exact.Cmp(l[j].exact); c != 0 {
			return c > 0
		}
		return l[i].provider < l[j].provider
	})
}

// querier is *sql.DB or *sql.Tx.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}
