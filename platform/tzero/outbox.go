package tzero

import (
	"context"
	"fmt"
	"time"

	"connectrpc.com/connect"
	"google.golang.org/protobuf/proto"

	pi "github.com/connectorhost/connector-host/gen/tzero/v1/payment_intent"
	"github.com/connectorhost/connector-host/gen/tzero/v1/payment_intent/payment_intentconnect"
)

// The beneficiary notifications are a transactional outbox: the row is
// written in the transaction that confirms the funds, and the worker
// delivers it through BeneficiaryService.PaymentIntentUpdate until the
// beneficiary acknowledges it (an OK response), backing off exponentially.
// A delivery is claimed by moving its next attempt past the call timeout with
// a conditional update, so several workers never send one row at once
// (a crash mid-call means one more delivery later: handling is idempotent by
// the protocol).

// poke wakes the worker after a notification was queued.
func (s *Service) poke() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

func (s *Service) runOutbox(ctx context.Context) {
	t := time.NewTicker(s.pollEvery)
	defer t.Stop()
	for {
		for {
			n, err := s.DeliverDue(ctx)
			if err != nil && ctx.Err() == nil {
				s.log.Error("tzero: notification delivery", "err", err)
			}
			if n == 0 || err != nil {
				break
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-s.wake:
		}
	}
}

type outboxRow struct {
	id, intent uint64
	provider   uint32
	payload    []byte
	attempts   int
	next       int64
}

// DeliverDue sends every notification due now once and returns how many it
// attempted. Run calls it; it is exported for operators and tests.
func (s *Service) DeliverDue(ctx context.Context) (int, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, provider_id, intent_id, payload, attempts, next_attempt_ms FROM tzero_outbox
		WHERE delivered_ms IS NULL AND next_attempt_ms <= $1 ORDER BY next_attempt_ms, id LIMIT 50`, s.nowMs())
	if err != nil {
		return 0, fmt.Errorf("tzero: due notifications: %w", err)
	}
	var due []outboxRow
	for rows.Next() {
		var r outboxRow
		if err := rows.Scan(&r.id, &r.provider, &r.intent, &r.payload, &r.attempts, &r.next); err != nil {
			rows.Close()
			return 0, fmt.Errorf("tzero: due notifications: %w", err)
		}
		due = append(due, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("tzero: due notifications: %w", err)
	}
	n := 0
	for _, r := range due {
		// Claim: push the next attempt past the call's timeout.
		lease := s.nowMs() + (s.notifyTimeout + 5*time.Second).Milliseconds()
		res, err := s.db.ExecContext(ctx, `UPDATE tzero_outbox SET next_attempt_ms = $1 WHERE id = $2 AND next_attempt_ms = $3 AND delivered_ms IS NULL`, lease, r.id, r.next)
		if err != nil {
			return n, fmt.Errorf("tzero: claim notification %d: %w", r.id, err)
		}
		if c, _ := res.RowsAffected(); c == 0 {
			continue
		}
		n++
		sendErr := s.deliver(ctx, r)
		if sendErr == nil {
			if _, err := s.db.ExecContext(ctx, `UPDATE tzero_outbox SET delivered_ms = $1, attempts = $2, last_error = '' WHERE id = $3`, s.nowMs(), r.attempts+1, r.id); err != nil {
				return n, fmt.Errorf("tzero: mark notification %d delivered: %w", r.id, err)
			}
			s.log.InfoContext(ctx, "tzero: beneficiary notified", "intent", r.intent, "provider", r.provider, "attempts", r.attempts+1)
			if s.onDelivered != nil {
				s.onDelivered(r.intent)
			}
			continue
		}
		backoff := s.retryMin << min(r.attempts, 30)
		if backoff > s.retryMax || backoff <= 0 {
			backoff = s.retryMax
		}
		msg := sendErr.Error()
		if len(msg) > 500 {
			msg = msg[:500]
		}
		if _, err := s.db.ExecContext(ctx, `UPDATE tzero_outbox SET attempts = $1, next_attempt_ms = $2, last_error = $3 WHERE id = $4`,
			r.attempts+1, s.nowMs()+backoff.Milliseconds(), msg, r.id); err != nil {
			return n, fmt.Errorf("tzero: reschedule notification %d: %w", r.id, err)
		}
		s.log.WarnContext(ctx, "tzero: beneficiary notification failed; will retry", "intent", r.intent, "provider", r.provider, "attempt", r.attempts+1, "retry_in", backoff, "err", sendErr)
	}
	return n, nil
}

func (s *Service) deliver(ctx context.Context, r outboxRow) error {
	p, err := s.GetProvider(ctx, r.provider)
	if err != nil {
		return fmt.Errorf("beneficiary %d: %w", r.provider, err)
	}
	msg := &pi.PaymentIntentUpdateRequest{}
	if err := proto.Unmarshal(r.payload, msg); err != nil {
		return fmt.Errorf("decode notification: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, s.notifyTimeout)
	defer cancel()
	client := payment_intentconnect.NewBeneficiaryServiceClient(s.signingClient(), p.BaseURL, s.clientOptions()...)
	if _, err := client.PaymentIntentUpdate(ctx, connect.NewRequest(msg)); err != nil {
		return fmt.Errorf("PaymentIntentUpdate to provider %d: %w", r.provider, err)
	}
	return nil
}

// Notification is the delivery state of one beneficiary notification.
type Notification struct {
	IntentID    uint64
	ProviderID  uint32
	Attempts    int
	Delivered   bool
	NextAttempt time.Time
	LastError   string
}

// Notifications returns the delivery state of an intent's notifications.
func (s *Service) Notifications(ctx context.Context, intentID uint64) ([]Notification, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT provider_id, attempts, delivered_ms, next_attempt_ms, last_error FROM tzero_outbox WHERE intent_id = $1 ORDER BY id`, intentID)
	if err != nil {
		return nil, fmt.Errorf("tzero: notifications of intent %d: %w", intentID, err)
	}
	defer rows.Close()
	var out []Notification
	for rows.Next() {
		n := Notification{IntentID: intentID}
		var delivered *int64
		var next int64
		if err := rows.Scan(&n.ProviderID, &n.Attempts, &delivered, &next, &n.LastError); err != nil {
			return nil, fmt.Errorf("tzero: notifications of intent %d: %w", intentID, err)
		}
		n.Delivered = delivered != nil
		n.NextAttempt = time.UnixMilli(next)
		out = append(out, n)
	}
	return out, rows.Err()
}
