package payments

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"

	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/platform/perr"
	"github.com/connectorhost/connector-host/platform/store"
)

// InboundResult is what an inbound webhook did.
type InboundResult struct {
	Object     string   `json:"object"`
	Received   int      `json:"received"`
	Duplicates int      `json:"duplicates"`
	Applied    []string `json:"applied"`
	// Ack is the answer the processor expects (e.g. Adyen's "[accepted]"),
	// when the connector names one.
	Ack *v1.Acknowledgement `json:"-"`
}

// HandleInbound verifies a processor webhook through the connector's
// EventService, drops events already seen (by connector and event id), and
// applies each new one idempotently: an event only moves an intent, a
// refund or a dispute forward (a dispute is created by its first event), so
// late and out-of-order deliveries change nothing.
func (s *Service) HandleInbound(ctx context.Context, connectorID string, r *http.Request, body []byte) (*InboundResult, error) {
	c, tenant, err := s.connectorByID(ctx, connectorID)
	if err != nil {
		return nil, err
	}
	wr := &v1.WebhookRequest{Method: r.Method, Url: r.URL.String(), Body: body}
	names := make([]string, 0, len(r.Header))
	for k := range r.Header {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		for _, v := range r.Header[k] {
			wr.Headers = append(wr.Headers, &v1.HttpHeader{Name: k, Value: v})
		}
	}
	res, err := s.gw.HandleEvent(ctx, c.target(), &v1.EventServiceHandleEventRequest{Webhook: wr})
	if err != nil {
		return nil, &perr.Error{Kind: perr.InvalidRequest, Code: "webhook_rejected", Message: "the connector could not read this webhook: " + errMessage(err), Err: err}
	}
	out := &InboundResult{Object: "webhook_receipt", Applied: []string{}, Ack: res.GetAcknowledgement()}
	for _, ev := range res.GetEvents() {
		if !ev.GetVerified() {
			return nil, &perr.Error{Kind: perr.Unauthenticated, Code: "webhook_signature_invalid", Message: "webhook not verified: " + ev.GetRejectionReason()}
		}
		out.Received++
		res, err := s.db.SQL.ExecContext(ctx, `INSERT INTO inbound_events (connector_id, event_id, event_type, received_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
			c.ID, ev.GetEventId(), ev.GetConnectorEventType(), store.Now())
		if err != nil {
			return nil, fmt.Errorf("record inbound event: %w", err)
		}
		if store.Affected(res) == 0 {
			out.Duplicates++
			continue
		}
		applied, err := s.applyEvent(ctx, tenant, c, ev)
		if err != nil {
			// Forget the event so the processor's retry applies it.
			_, _ = s.db.SQL.ExecContext(context.WithoutCancel(ctx), `DELETE FROM inbound_events WHERE connector_id = $1 AND event_id = $2`, c.ID, ev.GetEventId())
			return nil, err
		}
		if applied != "" {
			out.Applied = append(out.Applied, applied)
		}
	}
	return out, nil
}

func (s *Service) applyEvent(ctx context.Context, tenant string, c *Connector, ev *v1.Event) (string, error) {
	switch {
	case ev.GetPayment() != nil:
		p := ev.GetPayment()
		var target string
		switch p.GetStatus() {
		case v1.PaymentStatus_PAYMENT_STATUS_CHARGED:
			target = StatusSucceeded
		case v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZED, v1.PaymentStatus_PAYMENT_STATUS_PARTIALLY_AUTHORIZED:
			target = StatusRequiresCapture
		case v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZATION_FAILED, v1.PaymentStatus_PAYMENT_STATUS_FAILURE, v1.PaymentStatus_PAYMENT_STATUS_AUTHENTICATION_FAILED:
			target = StatusFailed
		case v1.PaymentStatus_PAYMENT_STATUS_VOIDED:
			target = StatusCanceled
		default:
			return "", nil
		}
		var id string
		var amount int64
		err := sql.ErrNoRows
		if p.GetConnectorTransactionId() != "" {
			err = s.db.SQL.QueryRowContext(ctx, `SELECT id, amount FROM intents WHERE tenant_id = $1 AND connector_id = $2 AND connector_transaction_id = $3`,
				tenant, c.ID, p.GetConnectorTransactionId()).Scan(&id, &amount)
		}
		// An intent whose authorization try got no definite answer has no
		// transaction id yet: the event names it by the try's idempotency
		// key (<intent>_<attempt>_<seq>), sent as the merchant id.
		unresolved := false
		if errors.Is(err, sql.ErrNoRows) {
			if intent, attempt, seq, ok := parseTryKey(p.GetMerchantTransactionId()); ok {
				err = s.db.SQL.QueryRowContext(ctx, `SELECT id, amount FROM intents WHERE tenant_id = $1 AND id = $2 AND connector_id = $3 AND attempt = $4 AND unresolved_seq = $5
					AND status = 'processing' AND connector_transaction_id = ''`, tenant, intent, c.ID, attempt, seq).Scan(&id, &amount)
				unresolved = err == nil
			}
		}
		if errors.Is(err, sql.ErrNoRows) {
			return "", nil // not ours (or not recorded yet: the confirm's answer records it)
		}
		if err != nil {
			return "", err
		}
		lower := []string{}
		for st, r := range rank {
			// A capture or void in flight (processing, with a transaction id)
			// is only overtaken by a final outcome; an authorization event
			// must not pull it back to requires_capture under the capture.
			// An unresolved authorization (processing, no transaction id)
			// is resolved by any outcome.
			if st == StatusProcessing && !unresolved && target != StatusSucceeded && target != StatusCanceled {
				continue
			}
			if r < rank[target] {
				lower = append(lower, st)
			}
		}
		captured := int64(0)
		if target == StatusSucceeded {
			captured = amount
			if a := p.GetCapturedAmount().GetMinorAmount(); a > 0 {
				captured = a
			}
		}
		moved := false
		err = s.db.Tx(ctx, func(tx *sql.Tx) error {
			// status IN (…lower ranks): the same SQL for both databases.
			q := `UPDATE intents SET status = $1, amount_captured = CASE WHEN $2 > 0 THEN $2 ELSE amount_captured END,
				amount_capturable = CASE WHEN $1 = 'requires_capture' THEN amount ELSE 0 END, locked_until = 0, next_action = '', version = version + 1, updated_at = $3,
				connector_transaction_id = CASE WHEN connector_transaction_id = '' THEN $5 ELSE connector_transaction_id END,
				last_error = CASE WHEN unresolved_seq >= 0 THEN '' ELSE last_error END, unresolved_seq = -1
				WHERE id = $4 AND status IN (` + placeholders(6, len(lower)) + `)`
			args := []any{target, captured, store.Now(), id, p.GetConnectorTransactionId()}
			for _, l := range lower {
				args = append(args, l)
			}
			res, err := tx.ExecContext(ctx, q, args...)
			if err != nil || store.Affected(res) == 0 {
				return err
			}
			moved = true
			return s.emitIntent(ctx, tx, tenant, id, target)
		})
		if err != nil {
			return "", fmt.Errorf("apply payment event: %w", err)
		}
		if !moved {
			return "", nil
		}
		s.opts.OnEvent()
		return id, nil
	case ev.GetDispute() != nil:
		return s.applyDisputeEvent(ctx, tenant, c, ev)
	case ev.GetRefund() != nil:
		rf := ev.GetRefund()
		var status string
		switch rf.GetStatus() {
		case v1.RefundStatus_REFUND_STATUS_SUCCEEDED:
			status = "succeeded"
		case v1.RefundStatus_REFUND_STATUS_FAILED:
			status = "failed"
		case v1.RefundStatus_REFUND_STATUS_CANCELED:
			status = "canceled"
		default:
			return "", nil
		}
		var id string
		err := s.db.SQL.QueryRowContext(ctx, `SELECT id FROM refunds WHERE tenant_id = $1 AND (id = $2 OR (connector_refund_id <> '' AND connector_refund_id = $3))`,
			tenant, rf.GetMerchantRefundId(), rf.GetConnectorRefundId()).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return "", nil
		}
		if err != nil {
			return "", err
		}
		var le *LastError
		if status == "failed" {
			le = &LastError{Code: "refund_failed", Message: rf.GetError().GetMessage(), ConnectorID: c.ID}
		}
		if s.settleRefund(ctx, tenant, id, status, rf.GetConnectorRefundId(), le) {
			return id, nil
		}
		return "", nil
	}
	return "", nil
}

// tryKey is the idempotency key (the merchant id sent to the connector) of
// the authorization try seq of the intent's confirm attempt: the same for
// every send of that try.
func tryKey(intent string, attempt, seq int) string {
	return intent + "_" + strconv.Itoa(attempt) + "_" + strconv.Itoa(seq)
}

// parseTryKey reads an authorization try's idempotency key (tryKey),
// <intent>_<attempt>_<seq> (the intent id holds underscores itself).
func parseTryKey(key string) (intent string, attempt, seq int, ok bool) {
	i := strings.LastIndexByte(key, '_')
	if i <= 0 {
		return "", 0, 0, false
	}
	j := strings.LastIndexByte(key[:i], '_')
	if j <= 0 {
		return "", 0, 0, false
	}
	a, aerr := strconv.Atoi(key[j+1 : i])
	n, nerr := strconv.Atoi(key[i+1:])
	if aerr != nil || nerr != nil || a < 1 || n < 0 {
		return "", 0, 0, false
	}
	return key[:j], a, n, true
}

func placeholders(from, n int) string {
	out := ""
	for i := range n {
		if i > 0 {
			out += ", "
		}
		out += fmt.Sprintf("$%d", from+i)
	}
	return out
}
