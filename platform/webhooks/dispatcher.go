package webhooks

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/connectorhost/connector-host/platform/store"
)

// DispatcherOptions tune delivery.
type DispatcherOptions struct {
	// Poll is how often the queue is checked when nothing wakes the dispatcher (default 1s).
	Poll time.Duration
	// Backoff is the first retry delay, doubled per attempt up to MaxBackoff (defaults 5s, 1h).
	Backoff, MaxBackoff time.Duration
	// MaxAttempts before a delivery is marked failed (default 12).
	MaxAttempts int
	// Lease is how long a claimed delivery is held before another worker may take it (default 1m).
	Lease time.Duration
	// Client sends the POSTs (default: 10s timeout).
	Client *http.Client
	Logger *slog.Logger
	// OnAttempt, when set, observes each recorded attempt: the delivery,
	// its event type and its status afterwards (pending, succeeded, failed).
	OnAttempt func(deliveryID, eventType, status string)
}

// Dispatcher delivers queued events.
type Dispatcher struct {
	st   *Store
	opts DispatcherOptions
	wake chan struct{}
}

// NewDispatcher returns a dispatcher over st's queue.
func NewDispatcher(st *Store, opts DispatcherOptions) *Dispatcher {
	if opts.Poll <= 0 {
		opts.Poll = time.Second
	}
	if opts.Backoff <= 0 {
		opts.Backoff = 5 * time.Second
	}
	if opts.MaxBackoff <= 0 {
		opts.MaxBackoff = time.Hour
	}
	if opts.MaxAttempts <= 0 {
		opts.MaxAttempts = 12
	}
	if opts.Lease <= 0 {
		opts.Lease = time.Minute
	}
	if opts.Client == nil {
		opts.Client = &http.Client{Timeout: 10 * time.Second}
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	return &Dispatcher{st: st, opts: opts, wake: make(chan struct{}, 1)}
}

// Notify wakes the dispatcher: new deliveries were committed.
func (d *Dispatcher) Notify() {
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

// Run delivers until ctx ends.
func (d *Dispatcher) Run(ctx context.Context) {
	t := time.NewTimer(0)
	defer t.Stop()
	for {
		for ctx.Err() == nil {
			ok, err := d.deliverOne(ctx)
			if err != nil && ctx.Err() == nil {
				d.opts.Logger.Warn("webhook dispatcher", "error", err)
			}
			if !ok {
				break
			}
		}
		t.Reset(d.opts.Poll)
		select {
		case <-ctx.Done():
			return
		case <-d.wake:
		case <-t.C:
		}
	}
}

// backoff is the delay after the n-th failed attempt.
func (d *Dispatcher) backoff(n int) time.Duration {
	b := d.opts.Backoff
	for i := 1; i < n && b < d.opts.MaxBackoff; i++ {
		b *= 2
	}
	return min(b, d.opts.MaxBackoff)
}

// deliverOne claims one due delivery and sends it; false when none was due.
func (d *Dispatcher) deliverOne(ctx context.Context) (bool, error) {
	now := store.Now()
	lease := now + d.opts.Lease.Milliseconds()
	var id, endpointID, eventID, eventType string
	var attempts int
	// The claim and the record run to completion even when ctx ends, so a
	// shutdown never strands a delivery under a lease.
	dbctx := context.WithoutCancel(ctx)
	err := d.st.DB.SQL.QueryRowContext(dbctx, `UPDATE webhook_deliveries SET locked_until = $1, updated_at = $2
		WHERE id = (SELECT id FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at <= $2 AND locked_until <= $2 ORDER BY next_attempt_at, id LIMIT 1)
		AND status = 'pending' AND locked_until <= $2
		RETURNING id, endpoint_id, event_id, event_type, attempts`, lease, now).Scan(&id, &endpointID, &eventID, &eventType, &attempts)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("claim delivery: %w", err)
	}
	url, secret, err := d.st.endpointSecret(dbctx, endpointID)
	if errors.Is(err, errEndpointGone) {
		_, err = d.st.DB.SQL.ExecContext(dbctx, `UPDATE webhook_deliveries SET status = 'canceled' WHERE id = $1`, id)
		return true, err
	}
	if err != nil {
		return true, fmt.Errorf("delivery %s: endpoint secret: %w", id, err)
	}
	var payload string
	if err := d.st.DB.SQL.QueryRowContext(dbctx, `SELECT payload FROM events WHERE id = $1`, eventID).Scan(&payload); err != nil {
		return true, fmt.Errorf("delivery %s: event: %w", id, err)
	}
	code, sendErr := d.send(ctx, url, secret, []byte(payload))
	if ctx.Err() != nil {
		// Shutting down mid-send: hand the delivery back now rather than
		// leave it leased; the next run (here or on another instance) sends it.
		_, err := d.st.DB.SQL.ExecContext(dbctx, `UPDATE webhook_deliveries SET locked_until = 0 WHERE id = $1 AND locked_until = $2`, id, lease)
		return false, err
	}
	attempts++
	errText := ""
	if sendErr != nil {
		errText = sendErr.Error()
	}
	status, next := "succeeded", int64(0)
	if sendErr != nil || code < 200 || code > 299 {
		status, next = "pending", store.Now()+d.backoff(attempts).Milliseconds()
		if attempts >= d.opts.MaxAttempts {
			status = "failed"
		}
		if errText == "" {
			errText = fmt.Sprintf("endpoint answered HTTP %d", code)
		}
	}
	err = d.st.DB.Tx(dbctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(dbctx, `INSERT INTO webhook_delivery_attempts (id, delivery_id, attempt, status_code, error, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
			store.NewID("wha"), id, attempts, code, errText, store.Now()); err != nil {
			return err
		}
		_, err := tx.ExecContext(dbctx, `UPDATE webhook_deliveries SET status = $1, attempts = $2, next_attempt_at = $3, locked_until = 0, last_status_code = $4, last_error = $5, updated_at = $6
			WHERE id = $7 AND locked_until = $8`, status, attempts, next, code, errText, store.Now(), id, lease)
		return err
	})
	if err == nil && d.opts.OnAttempt != nil {
		d.opts.OnAttempt(id, eventType, status)
	}
	return true, err
}

func (d *Dispatcher) send(ctx context.Context, url string, secret, body []byte) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "payments-platform-webhooks/1")
	req.Header.Set(SignatureHeader, Sign(secret, time.Now().Unix(), body))
	res, err := d.opts.Client.Do(req)
	if err != nil {
		return 0, fmt.Errorf("POST: %w", err)
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10))
	res.Body.Close()
	return res.StatusCode, nil
}
