package tzero

import (
	"context"
	"crypto/subtle"
	"database/sql"
	"errors"
	"fmt"

	"connectrpc.com/connect"
	"google.golang.org/protobuf/proto"

	"github.com/connectorhost/connector-host/gen/tzero/v1/common"
	pi "github.com/connectorhost/connector-host/gen/tzero/v1/payment_intent"
	"github.com/connectorhost/connector-host/platform/tzero/decimal"
)

type rejectReason = pi.ConfirmFundsReceivedResponse_Reject_Reason

func reject(r rejectReason) *connect.Response[pi.ConfirmFundsReceivedResponse] {
	return connect.NewResponse(&pi.ConfirmFundsReceivedResponse{Result: &pi.ConfirmFundsReceivedResponse_Reject_{
		Reject: &pi.ConfirmFundsReceivedResponse_Reject{Reason: r}}})
}

func accept(settlement, rate, fix *common.Decimal) *connect.Response[pi.ConfirmFundsReceivedResponse] {
	return connect.NewResponse(&pi.ConfirmFundsReceivedResponse{Result: &pi.ConfirmFundsReceivedResponse_Accept_{
		Accept: &pi.ConfirmFundsReceivedResponse_Accept{SettlementAmount: settlement, Rate: rate, Fix: fix}}})
}

// confirmation is what a successful ConfirmFundsReceived locked.
type confirmation struct {
	provider   uint32
	method     common.PaymentMethodType
	reference  string
	rate       *common.Decimal
	fix        *common.Decimal
	settlement *common.Decimal
}

// ConfirmFundsReceived confirms a pay-in, locks rate and fix from the
// caller's live quote and computes the settlement in exact arithmetic (see
// package decimal for the rounding). A repeat of the accepted confirmation
// (same provider, method and transaction_reference) returns the same Accept;
// of two different confirmations of one intent exactly one is accepted.
func (r *rpc) ConfirmFundsReceived(ctx context.Context, req *connect.Request[pi.ConfirmFundsReceivedRequest]) (*connect.Response[pi.ConfirmFundsReceivedResponse], error) {
	s := r.s
	caller, err := callerFrom(ctx)
	if err != nil {
		return nil, err
	}
	m := req.Msg
	in, err := s.loadIntent(ctx, s.db, m.GetPaymentIntentId())
	if err != nil {
		return nil, s.internal(ctx, "confirm funds received", err)
	}
	if in == nil {
		return nil, connect.NewError(connect.CodeNotFound, fmt.Errorf("payment_intent_id: no payment intent %d", m.GetPaymentIntentId()))
	}
	if in.status == statusConfirmed {
		return s.replayConfirmation(ctx, caller, m)
	}
	if in.status == statusRejected || in.status == statusCreating {
		return reject(pi.ConfirmFundsReceivedResponse_Reject_REJECT_REASON_NO_VALID_OFFER), nil
	}
	offers, err := s.loadOffers(ctx, s.db, in.id)
	if err != nil {
		return nil, s.internal(ctx, "confirm funds received", err)
	}
	offered, methodOffered := false, false
	for _, o := range offers {
		if o.provider == caller.ID {
			offered = true
			methodOffered = methodOffered || o.method == m.GetPaymentMethod()
		}
	}
	if !offered {
		return reject(pi.ConfirmFundsReceivedResponse_Reject_REJECT_REASON_PROVIDER_NOT_ALLOWED), nil
	}
	var entity *LegalEntity
	if m.OriginatorProviderLegalEntityId != nil {
		if entity = caller.legalEntity(m.GetOriginatorProviderLegalEntityId()); entity == nil {
			return reject(pi.ConfirmFundsReceivedResponse_Reject_REJECT_REASON_PROVIDER_NOT_ALLOWED), nil
		}
	} else if len(caller.LegalEntities) == 1 {
		entity = &caller.LegalEntities[0]
	} else {
		return nil, invalid("originator_provider_legal_entity_id", "required: provider %d has %d legal entities", caller.ID, len(caller.LegalEntities))
	}
	if subtle.ConstantTimeCompare([]byte(m.GetConfirmationCode()), []byte(in.confirmationCode)) != 1 {
		return reject(pi.ConfirmFundsReceivedResponse_Reject_REJECT_REASON_CONFIRMATION_CODE_MISMATCH), nil
	}
	if !methodOffered {
		return reject(pi.ConfirmFundsReceivedResponse_Reject_REJECT_REASON_NO_VALID_OFFER), nil
	}
	var usedBy uint64
	err = s.db.QueryRowContext(ctx, `SELECT intent_id FROM tzero_transaction_refs WHERE payment_method = $1 AND transaction_reference = $2`,
		int32(m.GetPaymentMethod()), m.GetTransactionReference()).Scan(&usedBy)
	if err == nil && usedBy != in.id {
		return reject(pi.ConfirmFundsReceivedResponse_Reject_REJECT_REASON_TRANSACTION_REFERENCE_ALREADY_USED), nil
	}
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, s.internal(ctx, "confirm funds received", err)
	}
	live, err := s.liveQuotes(ctx, s.db, in.currency, in.amount, []uint32{caller.ID}, m.GetPaymentMethod())
	if err != nil {
		return nil, s.internal(ctx, "confirm funds received", err)
	}
	if len(live) == 0 {
		return reject(pi.ConfirmFundsReceivedResponse_Reject_REJECT_REASON_NO_ACTIVE_QUOTE), nil
	}
	q := live[0]
	settlement, exact, err := decimal.Settlement(in.amount, q.rate, q.fix)
	if err != nil {
		return nil, s.internal(ctx, "confirm funds received", err)
	}
	if exact.Sign() <= 0 || settlement.GetUnscaled() <= 0 {
		return reject(pi.ConfirmFundsReceivedResponse_Reject_REJECT_REASON_AMOUNT_TOO_SMALL), nil
	}
	c := confirmation{provider: caller.ID, method: m.GetPaymentMethod(), reference: m.GetTransactionReference(), rate: q.rate, fix: q.fix, settlement: settlement}
	won, reason, err := s.lockConfirmation(ctx, in, entity, c)
	if err != nil {
		return nil, s.internal(ctx, "confirm funds received", err)
	}
	if reason != 0 {
		return reject(reason), nil
	}
	if !won {
		return s.replayConfirmation(ctx, caller, m)
	}
	s.log.InfoContext(ctx, "tzero: funds confirmed", "intent", in.id, "provider", caller.ID, "settlement_usd", decimal.String(settlement))
	s.poke()
	return accept(settlement, q.rate, q.fix), nil
}

// lockConfirmation moves the intent from PENDING to CONFIRMED, claims the
// transaction reference and queues the beneficiary notification in one
// transaction. won is false when another confirmation got there first.
func (s *Service) lockConfirmation(ctx context.Context, in *intent, entity *LegalEntity, c confirmation) (won bool, reason rejectReason, err error) {
	note := &pi.PaymentIntentUpdateRequest{
		PaymentIntentId: in.id,
		Update: &pi.PaymentIntentUpdateRequest_FundsReceived_{FundsReceived: &pi.PaymentIntentUpdateRequest_FundsReceived{
			SettlementAmount:     c.settlement,
			Rate:                 c.rate,
			PaymentAmount:        in.amount,
			PaymentMethod:        c.method,
			TransactionReference: c.reference,
			TravelRuleData:       &pi.PaymentIntentUpdateRequest_FundsReceived_TravelRuleData{OriginatorProvider: entity.Person},
			Fix:                  c.fix,
		}},
	}
	payload, err := proto.Marshal(note)
	if err != nil {
		return false, 0, err
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return false, 0, err
	}
	defer func() { _ = tx.Rollback() }()
	now := s.nowMs()
	res, err := tx.ExecContext(ctx, `UPDATE tzero_intents SET status = $1, payin_provider_id = $2, payin_legal_entity_id = $3,
		payment_method = $4, transaction_reference = $5, rate_unscaled = $6, rate_exp = $7, fix_unscaled = $8, fix_exp = $9,
		settlement_unscaled = $10, settlement_exp = $11, confirmed_ms = $12
		WHERE id = $13 AND status = $14`,
		statusConfirmed, c.provider, entity.ID, int32(c.method), c.reference,
		c.rate.GetUnscaled(), c.rate.GetExponent(), c.fix.GetUnscaled(), c.fix.GetExponent(),
		c.settlement.GetUnscaled(), c.settlement.GetExponent(), now, in.id, statusPending)
	if err != nil {
		return false, 0, fmt.Errorf("confirm intent %d: %w", in.id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return false, 0, nil
	}
	res, err = tx.ExecContext(ctx, `INSERT INTO tzero_transaction_refs (payment_method, transaction_reference, intent_id) VALUES ($1, $2, $3)
		ON CONFLICT (payment_method, transaction_reference) DO NOTHING`, int32(c.method), c.reference, in.id)
	if err != nil {
		return false, 0, fmt.Errorf("confirm intent %d: %w", in.id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return false, pi.ConfirmFundsReceivedResponse_Reject_REJECT_REASON_TRANSACTION_REFERENCE_ALREADY_USED, nil
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO tzero_outbox (provider_id, intent_id, payload, next_attempt_ms) VALUES ($1, $2, $3, $4)`,
		in.beneficiary, in.id, payload, now); err != nil {
		return false, 0, fmt.Errorf("confirm intent %d: queue notification: %w", in.id, err)
	}
	if err := tx.Commit(); err != nil {
		return false, 0, fmt.Errorf("confirm intent %d: %w", in.id, err)
	}
	return true, 0, nil
}

// replayConfirmation answers a confirmation of an already confirmed intent:
// the stored Accept when it repeats the accepted one, otherwise a
// failed-precondition error.
func (s *Service) replayConfirmation(ctx context.Context, caller *Provider, m *pi.ConfirmFundsReceivedRequest) (*connect.Response[pi.ConfirmFundsReceivedResponse], error) {
	var (
		provider uint32
		method   int32
		ref      string
		rate     = &common.Decimal{}
		fix      = &common.Decimal{}
		settle   = &common.Decimal{}
	)
	err := s.db.QueryRowContext(ctx, `SELECT payin_provider_id, payment_method, transaction_reference, rate_unscaled, rate_exp,
		fix_unscaled, fix_exp, settlement_unscaled, settlement_exp FROM tzero_intents WHERE id = $1 AND status = $2`,
		m.GetPaymentIntentId(), statusConfirmed).Scan(&provider, &method, &ref, &rate.Unscaled, &rate.Exponent,
		&fix.Unscaled, &fix.Exponent, &settle.Unscaled, &settle.Exponent)
	if err != nil {
		return nil, s.internal(ctx, "confirm funds received", err)
	}
	if provider == caller.ID && common.PaymentMethodType(method) == m.GetPaymentMethod() && ref == m.GetTransactionReference() {
		return accept(settle, rate, fix), nil
	}
	return nil, connect.NewError(connect.CodeFailedPrecondition, fmt.Errorf(
		"payment_intent_id: payment intent %d is already confirmed by another pay-in", m.GetPaymentIntentId()))
}
