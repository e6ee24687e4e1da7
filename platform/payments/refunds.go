package payments

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"connectrpc.com/connect"

	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/platform/connectors"
	"github.com/connectorhost/connector-host/platform/perr"
	"github.com/connectorhost/connector-host/platform/store"
	"github.com/connectorhost/connector-host/platform/webhooks"
)

// RefundInput creates a refund.
type RefundInput struct {
	IntentID *string `json:"intent_id"`
	Amount   *int64  `json:"amount"`
	Reason   *string `json:"reason"`
}

// CreateRefund refunds all that remains (amount nil) or part of a
// succeeded intent. The amount is reserved on the intent with one
// conditional UPDATE (refunded + amount <= captured) before the connector
// is called, so concurrent refunds can never exceed what was captured; a
// failed refund releases its reservation.
func (s *Service) CreateRefund(ctx context.Context, tenant string, x RefundInput) (*Refund, error) {
	if x.IntentID == nil || *x.IntentID == "" {
		return nil, perr.Missing("intent_id")
	}
	in, err := s.GetIntent(ctx, tenant, *x.IntentID)
	if err != nil {
		var pe *perr.Error
		if errors.As(err, &pe) && pe.Kind == perr.NotFound {
			pe.Param = "intent_id"
		}
		return nil, err
	}
	amt := in.AmountReceived - in.AmountRefunded
	if x.Amount != nil {
		if *x.Amount <= 0 {
			return nil, perr.Invalid("amount", "amount must be a positive integer in the currency's minor unit")
		}
		amt = *x.Amount
	}
	r := &Refund{ID: store.NewID("re"), Object: "refund", IntentID: in.ID, Amount: amt, Currency: in.Currency, Status: "pending"}
	if x.Reason != nil {
		if len(*x.Reason) > 255 {
			return nil, perr.Invalid("reason", "reason is longer than 255 characters")
		}
		r.Reason = *x.Reason
	}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE intents SET amount_refunded = amount_refunded + $1, version = version + 1, updated_at = $2
			WHERE id = $3 AND tenant_id = $4 AND status = 'succeeded' AND amount_refunded + $1 <= amount_captured`, amt, store.Now(), in.ID, tenant)
		if err != nil {
			return err
		}
		if store.Affected(res) == 0 {
			cur, err := scanIntent(tx.QueryRowContext(ctx, `SELECT `+intentCols+` FROM intents WHERE id = $1`, in.ID))
			if err != nil {
				return err
			}
			if cur.Status != StatusSucceeded {
				return perr.Conflictf("intent_unexpected_state", "cannot refund: the intent is %s", cur.Status)
			}
			return &perr.Error{Kind: perr.Conflict, Code: "amount_exceeds_refundable", Param: "amount",
				Message: fmt.Sprintf("amount %d exceeds what remains refundable (%d captured, %d already refunded or pending)", amt, cur.AmountReceived, cur.AmountRefunded)}
		}
		// The refund is unresolved from the start, under this call's
		// claim: if the platform stops before an answer is recorded, the
		// resolver resends it once the claim expires. Its first send,
		// now, starts the processor's idempotency window (on the
		// resolver's clock).
		now := store.Now()
		_, err = tx.ExecContext(ctx, `INSERT INTO refunds (id, tenant_id, intent_id, amount, currency, status, reason, unresolved, locked_until, created_at, updated_at, unresolved_since)
			VALUES ($1, $2, $3, $4, $5, 'pending', $6, 1, $7, $8, $8, $9)`,
			r.ID, tenant, in.ID, amt, in.Currency, r.Reason, now+s.opts.Lease.Milliseconds(), now, s.opts.Resolve.Now().UnixMilli())
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.sendRefund(ctx, tenant, r.ID, false)
}

// refundOutcomeUnknown tells the caller what a refund without a definite
// answer means and what happens next.
const refundOutcomeUnknown = "the connector did not give a definite answer (%s): the refund may have been made. It stays pending, its amount reserved, " +
	"and the SAME request (same idempotency key %s) is resent to the same connector in the background until the processor answers, while it still deduplicates the key " +
	"(POST /refunds/%s/retry resends it now); the processor's webhook settles it too"

// refundRequest is the connector request of refund r of intent in: built
// from what is stored only, so every send of r is the same request.
func refundRequest(in *Intent, r *Refund) *v1.PaymentServiceRefundRequest {
	return &v1.PaymentServiceRefundRequest{
		ConnectorTransactionId: in.ConnectorTransactionID, MerchantRefundId: r.ID, RefundAmount: &v1.Money{MinorAmount: r.Amount, Currency: r.Currency},
		PaymentAmount: &v1.Money{MinorAmount: in.Amount, Currency: in.Currency}, Reason: r.Reason, MerchantTransactionId: in.ID,
	}
}

// sendRefund sends the refund id, claimed by the caller (pending,
// unresolved, under its lease), to its intent's connector and records the
// answer: a final one settles it (settleRefund), a pending one leaves it
// pending at the processor for its webhook, and none (a timeout, a broken
// connection, a 5xx, the same key still running: the processor may have
// refunded) keeps it unresolved, its amount reserved, to be resent with the
// same key after the next backoff. resend says an earlier send got no
// definite answer: then a failure that sent nothing this time keeps it
// unresolved too, as does a rate limit: neither says anything about the
// earlier send. A resend is made only within the processor's idempotency
// window since the first send (resendDecision): past it, or at a processor
// that does not deduplicate, the refund is marked as no longer resent and
// the error says so (isStopped); when the window cannot be read it stays
// unresolved, not resent, until the next backoff.
func (s *Service) sendRefund(ctx context.Context, tenant, id string, resend bool) (*Refund, error) {
	r, err := s.GetRefund(ctx, tenant, id)
	if err != nil {
		return nil, err
	}
	in, err := s.GetIntent(ctx, tenant, r.IntentID)
	if err != nil {
		return nil, fmt.Errorf("refund %s: %w", id, err)
	}
	// keep releases the claim and leaves the refund unresolved until the
	// next backoff.
	keep := func(le *LastError) error {
		b, _ := json.Marshal(le)
		tries := r.resolveTries + 1
		if _, err := s.db.SQL.ExecContext(context.WithoutCancel(ctx), `UPDATE refunds SET last_error = $1, locked_until = 0, resolve_tries = $2, next_resolve_at = $3, updated_at = $4
			WHERE id = $5 AND status = 'pending' AND unresolved = 1`, string(b), tries, s.nextResolve(tries), store.Now(), id); err != nil {
			return fmt.Errorf("record refund outcome: %w", err)
		}
		return nil
	}
	c, err := s.GetConnector(ctx, tenant, in.ConnectorID)
	if err != nil {
		if resend {
			if err := keep(&LastError{Code: "outcome_unknown", Message: "the refund may have been made, and its connector " + in.ConnectorID +
				" was deleted: it cannot be resent; it stays pending, its amount reserved, until the processor's webhook settles it"}); err != nil {
				return nil, err
			}
			return s.GetRefund(ctx, tenant, id)
		}
		s.settleRefund(ctx, tenant, id, "failed", "", &LastError{Code: "connector_missing", Message: "the intent's connector was deleted"})
		return s.GetRefund(ctx, tenant, id)
	}
	if resend {
		switch v, werr := s.mayResend(ctx, c, r.unresolvedSince); v {
		case resendOK:
		case resendUnknownWindow:
			if err := keep(&LastError{Code: "outcome_unknown", ConnectorID: c.ID, Message: fmt.Sprintf("the refund (idempotency key %s) got no definite answer and was not resent: "+
				"the idempotency window of connector %s could not be read (%s), and a resend is safe only within it; it is tried again later, and the processor's webhook settles it",
				id, c.ID, errMessage(werr))}); err != nil {
				return nil, err
			}
			return s.GetRefund(ctx, tenant, id)
		default:
			pe := stoppedError(v, "refund", id, c.ID)
			b, _ := json.Marshal(&LastError{Code: pe.Code, Message: pe.Message, ConnectorID: c.ID})
			if _, err := s.db.SQL.ExecContext(context.WithoutCancel(ctx), `UPDATE refunds SET last_error = $1, locked_until = 0, resend_stopped = 1, updated_at = $2
				WHERE id = $3 AND status = 'pending' AND unresolved = 1`, string(b), store.Now(), id); err != nil {
				return nil, fmt.Errorf("stop resending refund %s: %w", id, err)
			}
			s.log.Warn("unresolved refund no longer resent: reconcile it", "refund", id, "connector", c.ID, "code", pe.Code)
			return nil, pe
		}
	}
	rr, err := s.gw.Refund(ctx, c.target(), refundRequest(in, r))
	outcome := connectors.Classify(err)
	switch {
	case err != nil && (outcome == connectors.Unknown || (resend && (outcome == connectors.NotSent || connectors.RateLimited(err)))):
		if err := keep(&LastError{Code: "outcome_unknown", ConnectorID: c.ID, Message: fmt.Sprintf(refundOutcomeUnknown, errMessage(err), id, id)}); err != nil {
			return nil, err
		}
	case err != nil:
		s.settleRefund(ctx, tenant, id, "failed", "", &LastError{Code: "connector_error", Message: errMessage(err), ConnectorID: c.ID})
	case rr.GetStatus() == v1.RefundStatus_REFUND_STATUS_SUCCEEDED:
		s.settleRefund(ctx, tenant, id, "succeeded", rr.GetConnectorRefundId(), nil)
	case rr.GetStatus() == v1.RefundStatus_REFUND_STATUS_FAILED || rr.GetStatus() == v1.RefundStatus_REFUND_STATUS_CANCELED:
		s.settleRefund(ctx, tenant, id, "failed", rr.GetConnectorRefundId(), &LastError{Code: "refund_failed", Message: rr.GetError().GetMessage(), ConnectorID: c.ID})
	default: // pending at the processor: a webhook settles it
		if _, err := s.db.SQL.ExecContext(context.WithoutCancel(ctx), `UPDATE refunds SET connector_refund_id = $1, unresolved = 0, locked_until = 0, last_error = '', updated_at = $2
			WHERE id = $3 AND status = 'pending'`, rr.GetConnectorRefundId(), store.Now(), id); err != nil {
			return nil, fmt.Errorf("record pending refund: %w", err)
		}
	}
	return s.GetRefund(ctx, tenant, id)
}

// RetryRefund resends now a refund whose send got no definite answer (the
// same request, the same idempotency key, to the same connector) and
// records the answer as CreateRefund does. Any other refund (final, pending
// at the processor, or being sent right now) is a 409, as is a refund past
// its processor's idempotency window (outcome_unknown_expired) or at a
// processor that does not deduplicate (outcome_unknown_no_dedup): a resend
// could refund twice.
func (s *Service) RetryRefund(ctx context.Context, tenant, id string) (*Refund, error) {
	if _, err := s.GetRefund(ctx, tenant, id); err != nil {
		return nil, err
	}
	now := store.Now()
	res, err := s.db.SQL.ExecContext(ctx, `UPDATE refunds SET locked_until = $1, updated_at = $2
		WHERE id = $3 AND tenant_id = $4 AND status = 'pending' AND unresolved = 1 AND resend_stopped = 0 AND locked_until <= $2`, now+s.opts.Lease.Milliseconds(), now, id, tenant)
	if err != nil {
		return nil, fmt.Errorf("claim refund: %w", err)
	}
	if store.Affected(res) == 0 {
		r, err := s.GetRefund(ctx, tenant, id)
		switch {
		case err != nil:
			return nil, err
		case r.Status != "pending":
			return nil, perr.Conflictf("refund_not_retryable", "cannot retry: the refund already %s", r.Status)
		case !r.unresolved:
			return nil, perr.Conflictf("refund_not_retryable", "cannot retry: the processor accepted the refund, which is pending there; its webhook settles it")
		case r.resendStopped:
			return nil, stopped(r.LastError)
		}
		return nil, perr.Conflictf("refund_not_retryable", "cannot retry: the refund is being sent right now; read it again")
	}
	return s.sendRefund(ctx, tenant, id, true)
}

// settleRefund moves a pending refund to its final status once (later and
// duplicate settlements change nothing); a failure or a cancellation
// releases the amount.
func (s *Service) settleRefund(ctx context.Context, tenant, id, status, connectorRefundID string, le *LastError) bool {
	ctx = context.WithoutCancel(ctx)
	lastErr := ""
	if le != nil {
		b, _ := json.Marshal(le)
		lastErr = string(b)
	}
	moved := false
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE refunds SET status = $1, connector_refund_id = CASE WHEN $2 = '' THEN connector_refund_id ELSE $2 END, last_error = $3, updated_at = $4,
			unresolved = 0, locked_until = 0 WHERE id = $5 AND status = 'pending'`, status, connectorRefundID, lastErr, store.Now(), id)
		if err != nil || store.Affected(res) == 0 {
			return err
		}
		moved = true
		r, err := scanRefund(tx.QueryRowContext(ctx, `SELECT `+refundCols+` FROM refunds WHERE id = $1`, id))
		if err != nil {
			return err
		}
		if status == "failed" || status == "canceled" {
			if _, err := tx.ExecContext(ctx, `UPDATE intents SET amount_refunded = amount_refunded - $1, version = version + 1, updated_at = $2 WHERE id = $3`,
				r.Amount, store.Now(), r.IntentID); err != nil {
				return err
			}
		}
		_, err = webhooks.Enqueue(ctx, tx, tenant, "refund."+status, id, r, "")
		return err
	})
	if err != nil {
		s.log.Error("settle refund", "refund", id, "error", err)
		return false
	}
	if moved {
		s.opts.OnEvent()
	}
	return moved
}

// CancelRefund cancels a refund still pending at the processor, through the
// connector's RefundService.Cancel. The refund moves to canceled (releasing
// its amount) with the same conditional update a webhook uses (status still
// pending), so a cancel racing a webhook resolves once: whichever commits
// first wins and the other changes nothing. A refund that is already final,
// not yet sent, or at a connector without the flow is a 409 saying why.
func (s *Service) CancelRefund(ctx context.Context, tenant, id string) (*Refund, error) {
	r, err := s.GetRefund(ctx, tenant, id)
	if err != nil {
		return nil, err
	}
	if r.Status == "canceled" {
		return r, nil // a retried cancel answers the canceled refund
	}
	if r.Status != "pending" {
		return nil, perr.Conflictf("refund_not_cancelable", "cannot cancel: the refund already %s", r.Status)
	}
	if r.ConnectorRefundID == "" {
		return nil, perr.Conflictf("refund_not_cancelable", "cannot cancel: the refund has not yet been accepted by the processor")
	}
	in, err := s.GetIntent(ctx, tenant, r.IntentID)
	if err != nil {
		return nil, err
	}
	c, err := s.GetConnector(ctx, tenant, in.ConnectorID)
	if err != nil {
		return nil, perr.Conflictf("refund_not_cancelable", "cannot cancel: the refund's connector was deleted")
	}
	cr, err := s.gw.CancelRefund(ctx, c.target(), &v1.RefundServiceCancelRequest{
		ConnectorRefundId: r.ConnectorRefundID, MerchantCancelId: "cancel_" + r.ID,
	})
	if err != nil {
		switch connect.CodeOf(err) {
		case connect.CodeUnimplemented:
			return nil, perr.Conflictf("connector_cannot_cancel_refund", "cannot cancel: connector %s (%s) does not support refund cancellation", c.ID, c.Plugin)
		case connect.CodeUnavailable, connect.CodeDeadlineExceeded:
			return nil, &perr.Error{Kind: perr.ConnectorUnavailable, Code: "connector_unavailable", Message: errMessage(err), Err: err}
		}
		return nil, &perr.Error{Kind: perr.Conflict, Code: "refund_not_cancelable", Message: "the processor refused to cancel the refund: " + errMessage(err), Err: err}
	}
	switch cr.GetStatus() {
	case v1.RefundStatus_REFUND_STATUS_CANCELED:
		s.settleRefund(ctx, tenant, r.ID, "canceled", "", nil)
	case v1.RefundStatus_REFUND_STATUS_SUCCEEDED:
		s.settleRefund(ctx, tenant, r.ID, "succeeded", "", nil)
	case v1.RefundStatus_REFUND_STATUS_FAILED:
		s.settleRefund(ctx, tenant, r.ID, "failed", "", &LastError{Code: "refund_failed", Message: cr.GetError().GetMessage(), ConnectorID: c.ID})
	default:
		return nil, perr.Conflictf("refund_not_cancelable", "cannot cancel: the processor still reports the refund as %s", refundStatusName(cr.GetStatus()))
	}
	out, err := s.GetRefund(ctx, tenant, r.ID)
	if err != nil {
		return nil, err
	}
	if out.Status != "canceled" {
		return nil, perr.Conflictf("refund_not_cancelable", "cannot cancel: the refund already %s", out.Status)
	}
	return out, nil
}

// refundStatusName is a connector refund status in the platform's words.
func refundStatusName(st v1.RefundStatus) string {
	return strings.ToLower(strings.TrimPrefix(st.String(), "REFUND_STATUS_"))
}

const refundCols = `id, intent_id, amount, currency, status, reason, connector_refund_id, last_error, created_at, updated_at, unresolved, resolve_tries,
	unresolved_since, resend_stopped`

func scanRefund(row interface{ Scan(...any) error }) (*Refund, error) {
	r := &Refund{Object: "refund"}
	var lastErr string
	var stopped int
	if err := row.Scan(&r.ID, &r.IntentID, &r.Amount, &r.Currency, &r.Status, &r.Reason, &r.ConnectorRefundID, &lastErr, &r.Created, &r.Updated, &r.unresolved, &r.resolveTries,
		&r.unresolvedSince, &stopped); err != nil {
		return nil, err
	}
	r.resendStopped = stopped == 1
	r.Created, r.Updated = r.Created/1000, r.Updated/1000
	if lastErr != "" {
		r.LastError = new(LastError)
		if err := json.Unmarshal([]byte(lastErr), r.LastError); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// GetRefund reads a refund.
func (s *Service) GetRefund(ctx context.Context, tenant, id string) (*Refund, error) {
	r, err := scanRefund(s.db.SQL.QueryRowContext(ctx, `SELECT `+refundCols+` FROM refunds WHERE id = $1 AND tenant_id = $2`, id, tenant))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, perr.NotFoundf("id", "no refund %s", id)
	}
	return r, err
}

// ListRefunds lists refunds (of one intent when intentID is set) after cursor.
func (s *Service) ListRefunds(ctx context.Context, tenant, intentID, cursor string, limit int) ([]*Refund, error) {
	if intentID != "" {
		if _, err := s.GetIntent(ctx, tenant, intentID); err != nil {
			return nil, err
		}
	}
	rows, err := s.db.SQL.QueryContext(ctx, `SELECT `+refundCols+` FROM refunds WHERE tenant_id = $1 AND ($2 = '' OR intent_id = $2) AND id > $3 ORDER BY id LIMIT $4`,
		tenant, intentID, cursor, limit)
	if err != nil {
		return nil, fmt.Errorf("list refunds: %w", err)
	}
	defer rows.Close()
	var out []*Refund
	for rows.Next() {
		r, err := scanRefund(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
