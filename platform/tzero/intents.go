package tzero

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"sync"

	"buf.build/go/protovalidate"
	"connectrpc.com/connect"
	"google.golang.org/protobuf/proto"

	"github.com/connectorhost/connector-host/gen/tzero/v1/common"
	pi "github.com/connectorhost/connector-host/gen/tzero/v1/payment_intent"
	"github.com/connectorhost/connector-host/gen/tzero/v1/payment_intent/payment_intentconnect"
	"github.com/connectorhost/connector-host/money"
	"github.com/connectorhost/connector-host/platform/tzero/decimal"
)

// Intent statuses.
const (
	statusCreating  = "CREATING"  // inserted; offers not yet fixed
	statusPending   = "PENDING"   // offers fixed; awaiting ConfirmFundsReceived
	statusRejected  = "REJECTED"  // no pay-in provider returned valid details
	statusConfirmed = "CONFIRMED" // funds confirmed, settlement locked
)

type intent struct {
	id               uint64
	beneficiary      uint32
	currency         string
	amount           *common.Decimal
	request          *pi.CreatePaymentIntentRequest
	confirmationCode string
	status           string
}

type offer struct {
	provider uint32
	method   common.PaymentMethodType
	details  *common.PaymentDetails
}

func failure(reason pi.CreatePaymentIntentResponse_Failure_Reason) *connect.Response[pi.CreatePaymentIntentResponse] {
	return connect.NewResponse(&pi.CreatePaymentIntentResponse{Result: &pi.CreatePaymentIntentResponse_Failure_{
		Failure: &pi.CreatePaymentIntentResponse_Failure{Reason: reason}}})
}

// CreatePaymentIntent creates (or, for a known external_reference of the
// caller, returns) a payment intent with the pay-in options the chosen
// providers' GetPaymentDetails returned, rates and fixes resolved live.
func (r *rpc) CreatePaymentIntent(ctx context.Context, req *connect.Request[pi.CreatePaymentIntentRequest]) (*connect.Response[pi.CreatePaymentIntentResponse], error) {
	s := r.s
	caller, err := callerFrom(ctx)
	if err != nil {
		return nil, err
	}
	m := req.Msg
	if !money.Known(m.GetCurrency()) {
		return nil, invalid("currency", "%q is not an ISO-4217 currency code", m.GetCurrency())
	}
	in, err := s.loadIntentByRef(ctx, caller.ID, m.GetExternalReference())
	if err != nil {
		return nil, s.internal(ctx, "create payment intent", err)
	}
	if in == nil {
		live, err := s.liveQuotes(ctx, s.db, m.GetCurrency(), m.GetAmount(), m.GetPayInProviderIds(), 0)
		if err != nil {
			return nil, s.internal(ctx, "create payment intent", err)
		}
		if len(live) == 0 {
			return failure(pi.CreatePaymentIntentResponse_Failure_FAILURE_REASON_QUOTE_NOT_FOUND), nil
		}
		if in, err = s.insertIntent(ctx, caller.ID, m); err != nil {
			return nil, s.internal(ctx, "create payment intent", err)
		}
	} else if in.currency != m.GetCurrency() || decimal.MustRat(in.amount).Cmp(decimal.MustRat(m.GetAmount())) != 0 {
		return nil, connect.NewError(connect.CodeAlreadyExists, fmt.Errorf(
			"external_reference: %q is already used by payment intent %d for %s %s", m.GetExternalReference(), in.id, decimal.String(in.amount), in.currency))
	}
	if in.status == statusCreating {
		// Detached from the caller's cancellation: a client giving up must not
		// turn unanswered providers into a rejection.
		answered, err := s.fixOffers(context.WithoutCancel(ctx), caller, in)
		if err != nil {
			return nil, s.internal(ctx, "create payment intent", err)
		}
		if !answered {
			return nil, connect.NewError(connect.CodeUnavailable, fmt.Errorf(
				"no pay-in provider answered GetPaymentDetails for payment intent %d; retry with the same external_reference", in.id))
		}
		if in, err = s.loadIntent(ctx, s.db, in.id); err != nil {
			return nil, s.internal(ctx, "create payment intent", err)
		}
	}
	if in.status == statusRejected {
		return failure(pi.CreatePaymentIntentResponse_Failure_FAILURE_REASON_REJECTED), nil
	}
	details, err := s.payInDetails(ctx, in)
	if err != nil {
		return nil, s.internal(ctx, "create payment intent", err)
	}
	if len(details) == 0 {
		return failure(pi.CreatePaymentIntentResponse_Failure_FAILURE_REASON_QUOTE_NOT_FOUND), nil
	}
	return connect.NewResponse(&pi.CreatePaymentIntentResponse{Result: &pi.CreatePaymentIntentResponse_Success_{
		Success: &pi.CreatePaymentIntentResponse_Success{PaymentIntentId: in.id, PayInDetails: details}}}), nil
}

// insertIntent inserts the intent in status CREATING, or returns the one a
// concurrent call with the same external_reference inserted first.
func (s *Service) insertIntent(ctx context.Context, beneficiary uint32, m *pi.CreatePaymentIntentRequest) (*intent, error) {
	reqBytes, err := proto.Marshal(m)
	if err != nil {
		return nil, err
	}
	code := make([]byte, 16)
	if _, err := rand.Read(code); err != nil {
		return nil, err
	}
	var id uint64
	err = s.db.QueryRowContext(ctx, `INSERT INTO tzero_intents
		(beneficiary_id, external_reference, currency, amount_unscaled, amount_exp, request, confirmation_code, status, created_ms)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
		ON CONFLICT (beneficiary_id, external_reference) DO NOTHING RETURNING id`,
		beneficiary, m.GetExternalReference(), m.GetCurrency(), m.GetAmount().GetUnscaled(), m.GetAmount().GetExponent(),
		reqBytes, hex.EncodeToString(code), statusCreating, s.nowMs()).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		in, err := s.loadIntentByRef(ctx, beneficiary, m.GetExternalReference())
		if err == nil && in == nil {
			err = errors.New("intent vanished after a conflicting insert")
		}
		return in, err
	}
	if err != nil {
		return nil, fmt.Errorf("insert intent: %w", err)
	}
	return s.loadIntent(ctx, s.db, id)
}

const intentCols = `id, beneficiary_id, currency, amount_unscaled, amount_exp, request, confirmation_code, status`

func scanIntent(row interface{ Scan(...any) error }) (*intent, error) {
	in := &intent{amount: &common.Decimal{}, request: &pi.CreatePaymentIntentRequest{}}
	var reqBytes []byte
	if err := row.Scan(&in.id, &in.beneficiary, &in.currency, &in.amount.Unscaled, &in.amount.Exponent, &reqBytes, &in.confirmationCode, &in.status); err != nil {
		return nil, err
	}
	if err := proto.Unmarshal(reqBytes, in.request); err != nil {
		return nil, fmt.Errorf("intent %d: stored request: %w", in.id, err)
	}
	return in, nil
}

func (s *Service) loadIntentByRef(ctx context.Context, beneficiary uint32, ref string) (*intent, error) {
	in, err := scanIntent(s.db.QueryRowContext(ctx, `SELECT `+intentCols+` FROM tzero_intents WHERE beneficiary_id = $1 AND external_reference = $2`, beneficiary, ref))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("load intent by reference: %w", err)
	}
	return in, nil
}

// loadIntent returns the intent or nil when there is none.
func (s *Service) loadIntent(ctx context.Context, q querier, id uint64) (*intent, error) {
	in, err := scanIntent(q.QueryRowContext(ctx, `SELECT `+intentCols+` FROM tzero_intents WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("load intent %d: %w", id, err)
	}
	return in, nil
}

// fixOffers asks every pay-in provider with a live quote for payment details
// and fixes the intent's option set: PENDING with the valid details, or
// REJECTED when providers answered but none returned valid details. When no
// provider answered at all (unreachable, errors, timeouts) it changes nothing
// and reports answered = false, so a retry asks again. A concurrent call may
// fix the set first; the conditional update lets exactly one set stand.
func (s *Service) fixOffers(ctx context.Context, beneficiary *Provider, in *intent) (answered bool, err error) {
	live, err := s.liveQuotes(ctx, s.db, in.currency, in.amount, in.request.GetPayInProviderIds(), 0)
	if err != nil {
		return false, err
	}
	methods := map[uint32][]common.PaymentMethodType{}
	for _, l := range live {
		methods[l.provider] = append(methods[l.provider], l.method)
	}
	var (
		mu     sync.Mutex
		offers []offer
		wg     sync.WaitGroup
	)
	for provider, ms := range methods {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got, ok := s.getPaymentDetails(ctx, beneficiary, provider, in, ms)
			mu.Lock()
			offers = append(offers, got...)
			answered = answered || ok
			mu.Unlock()
		}()
	}
	wg.Wait()
	if !answered {
		return false, nil
	}
	sort.Slice(offers, func(i, j int) bool {
		if offers[i].provider != offers[j].provider {
			return offers[i].provider < offers[j].provider
		}
		return offers[i].method < offers[j].method
	})
	status := statusPending
	if len(offers) == 0 {
		status = statusRejected
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return false, err
	}
	defer func() { _ = tx.Rollback() }()
	res, err := tx.ExecContext(ctx, `UPDATE tzero_intents SET status = $1 WHERE id = $2 AND status = $3`, status, in.id, statusCreating)
	if err != nil {
		return false, fmt.Errorf("fix offers of intent %d: %w", in.id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return true, nil // a concurrent call fixed them first
	}
	for _, o := range offers {
		b, err := proto.Marshal(o.details)
		if err != nil {
			return false, err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO tzero_offers (intent_id, provider_id, payment_method, payment_details) VALUES ($1, $2, $3, $4)`,
			in.id, o.provider, int32(o.method), b); err != nil {
			return false, fmt.Errorf("fix offers of intent %d: %w", in.id, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("fix offers of intent %d: %w", in.id, err)
	}
	s.log.InfoContext(ctx, "tzero: payment intent created", "intent", in.id, "beneficiary", in.beneficiary, "offers", len(offers), "status", status)
	return true, nil
}

// getPaymentDetails calls one pay-in provider's GetPaymentDetails and keeps
// the valid details of the requested methods (one per method). answered is
// false when the provider gave no answer (unreachable, error, timeout); a
// rejection or invalid details are an answer with no offers.
func (s *Service) getPaymentDetails(ctx context.Context, beneficiary *Provider, providerID uint32, in *intent, methods []common.PaymentMethodType) (offers []offer, answered bool) {
	log := s.log.With("intent", in.id, "provider", providerID)
	p, err := s.GetProvider(ctx, providerID)
	if err != nil {
		log.WarnContext(ctx, "tzero: pay-in provider not loadable", "err", err)
		return nil, false
	}
	var benLegal = beneficiary.LegalEntities[0].Person
	req := &pi.GetPaymentDetailsRequest{
		PaymentIntentId:  in.id,
		ConfirmationCode: in.confirmationCode,
		PaymentMethods:   methods,
		Currency:         in.currency,
		Amount:           in.amount,
		TravelRule: &pi.GetPaymentDetailsRequest_TravelRuleData{
			Beneficiary:         in.request.GetTravelRuleData().GetBeneficiary(),
			BeneficiaryProvider: benLegal,
			Payer:               in.request.GetTravelRuleData().Payer,
		},
		BeneficiaryProviderId: beneficiary.ID,
	}
	ctx, cancel := context.WithTimeout(ctx, s.detailsTimeout)
	defer cancel()
	client := payment_intentconnect.NewPayInProviderServiceClient(s.signingClient(), p.BaseURL, s.clientOptions()...)
	resp, err := client.GetPaymentDetails(ctx, connect.NewRequest(req))
	if err != nil {
		log.WarnContext(ctx, "tzero: GetPaymentDetails failed", "err", err)
		return nil, false
	}
	d, ok := resp.Msg.GetResult().(*pi.GetPaymentDetailsResponse_Details_)
	if !ok {
		log.InfoContext(ctx, "tzero: GetPaymentDetails rejected", "reason", resp.Msg.GetRejection().GetReason())
		return nil, true
	}
	wanted := map[common.PaymentMethodType]bool{}
	for _, m := range methods {
		wanted[m] = true
	}
	for i, pd := range d.Details.GetPaymentDetails() {
		m := methodOf(pd)
		if !wanted[m] {
			log.WarnContext(ctx, "tzero: payment details for a method not asked for", "index", i, "method", m.String())
			continue
		}
		if err := protovalidate.Validate(pd); err != nil {
			log.WarnContext(ctx, "tzero: invalid payment details", "index", i, "method", m.String(), "err", err)
			continue
		}
		wanted[m] = false
		offers = append(offers, offer{provider: providerID, method: m, details: pd})
	}
	return offers, true
}

// methodOf is the payment method of a PaymentDetails: the
// (tzero.v1.common.payment_method_type) option of the message set in its
// details oneof.
func methodOf(d *common.PaymentDetails) common.PaymentMethodType {
	m := d.ProtoReflect()
	fd := m.WhichOneof(m.Descriptor().Oneofs().ByName("details"))
	if fd == nil || fd.Message() == nil {
		return common.PaymentMethodType_PAYMENT_METHOD_TYPE_UNSPECIFIED
	}
	v, _ := proto.GetExtension(fd.Message().Options(), common.E_PaymentMethodType).(common.PaymentMethodType)
	return v
}

// loadOffers returns an intent's fixed options.
func (s *Service) loadOffers(ctx context.Context, q querier, intentID uint64) ([]offer, error) {
	rows, err := q.QueryContext(ctx, `SELECT provider_id, payment_method, payment_details FROM tzero_offers WHERE intent_id = $1 ORDER BY provider_id, payment_method`, intentID)
	if err != nil {
		return nil, fmt.Errorf("load offers of intent %d: %w", intentID, err)
	}
	defer rows.Close()
	var out []offer
	for rows.Next() {
		var o offer
		var m int32
		var b []byte
		if err := rows.Scan(&o.provider, &m, &b); err != nil {
			return nil, fmt.Errorf("load offers of intent %d: %w", intentID, err)
		}
		o.method = common.PaymentMethodType(m)
		o.details = &common.PaymentDetails{}
		if err := proto.Unmarshal(b, o.details); err != nil {
			return nil, fmt.Errorf("load offers of intent %d: %w", intentID, err)
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// payInDetails is the intent's fixed options whose quote is still live, with
// the live indicative rate and fix.
func (s *Service) payInDetails(ctx context.Context, in *intent) ([]*pi.PaymentIntentPayInDetails, error) {
	offers, err := s.loadOffers(ctx, s.db, in.id)
	if err != nil {
		return nil, err
	}
	live, err := s.liveQuotes(ctx, s.db, in.currency, in.amount, nil, 0)
	if err != nil {
		return nil, err
	}
	type pm struct {
		p uint32
		m common.PaymentMethodType
	}
	byKey := map[pm]liveQuote{}
	for _, l := range live {
		byKey[pm{l.provider, l.method}] = l
	}
	var out []*pi.PaymentIntentPayInDetails
	for _, o := range offers {
		l, ok := byKey[pm{o.provider, o.method}]
		if !ok {
			continue // lapsed
		}
		out = append(out, &pi.PaymentIntentPayInDetails{PaymentMethod: o.method, ProviderId: o.provider, PaymentDetails: o.details, IndicativeRate: l.rate, IndicativeFix: l.fix})
	}
	return out, nil
}
