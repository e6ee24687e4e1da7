// Package webhooks keeps merchants' webhook subscriptions and delivers the
// platform's events to them, signed, from a durable queue.
//
// The queue is a transactional outbox in the platform's own database: an
// event and one delivery row per subscribed endpoint are written in the
// same transaction as the state change they announce (so an event exists
// if and only if the change committed), and a dispatcher claims due rows
// with a conditional UPDATE (a lease), POSTs them, and reschedules failures
// with exponential backoff. Nothing lives in memory, so deliveries survive
// a restart, and several platform instances share the work safely. This is
// simpler than a job library here: one table, the same SQL on SQLite and
// PostgreSQL, and enqueueing joins the caller's transaction with no second
// driver.
package webhooks

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/connectorhost/connector-host/platform/store"
)

// Event types merchants subscribe to.
var EventTypes = []string{
	"payment.succeeded", "payment.failed", "payment.requires_action", "payment.canceled",
	"refund.succeeded", "refund.failed", "refund.canceled", "dispute.created", "dispute.updated",
}

// TestEventType is what POST /webhooks/test sends.
const TestEventType = "webhook.test"

// SignatureHeader carries "t=UNIX,v1=HEX": HMAC-SHA256 under the
// endpoint's secret over "UNIX.BODY".
const SignatureHeader = "Payments-Signature"

// Sign returns the SignatureHeader value for body at ts.
func Sign(secret []byte, ts int64, body []byte) string {
	m := hmac.New(sha256.New, secret)
	fmt.Fprintf(m, "%d.", ts)
	m.Write(body)
	return "t=" + strconv.FormatInt(ts, 10) + ",v1=" + hex.EncodeToString(m.Sum(nil))
}

// Verify checks a SignatureHeader value against body in constant time and
// that its timestamp is within tolerance of now — what a receiver does.
func Verify(secret []byte, header string, body []byte, now time.Time, tolerance time.Duration) bool {
	var ts int64
	var sig string
	for _, part := range strings.Split(header, ",") {
		k, v, _ := strings.Cut(part, "=")
		switch k {
		case "t":
			ts, _ = strconv.ParseInt(v, 10, 64)
		case "v1":
			sig = v
		}
	}
	if ts == 0 || sig == "" {
		return false
	}
	if d := now.Sub(time.Unix(ts, 0)); d > tolerance || d < -tolerance {
		return false
	}
	want := Sign(secret, ts, body)
	_, wantSig, _ := strings.Cut(want, ",v1=")
	return hmac.Equal([]byte(sig), []byte(wantSig))
}

// Event is what an endpoint receives.
type Event struct {
	ID      string          `json:"id"`
	Object  string          `json:"object"`
	Type    string          `json:"type"`
	Created int64           `json:"created"`
	Data    json.RawMessage `json:"data"`
}

// Enqueue records an event of typ about object and a delivery to each of
// tenant's endpoints subscribed to it, inside tx. onlyEndpoint, when set,
// delivers to that endpoint alone whatever it subscribed to (test events).
func Enqueue(ctx context.Context, tx *sql.Tx, tenant, typ, objectID string, object any, onlyEndpoint string) (string, error) {
	data, err := json.Marshal(map[string]any{"object": object})
	if err != nil {
		return "", fmt.Errorf("event %s: %w", typ, err)
	}
	now := store.Now()
	ev := Event{ID: store.NewID("evt"), Object: "event", Type: typ, Created: now / 1000, Data: data}
	payload, err := json.Marshal(ev)
	if err != nil {
		return "", fmt.Errorf("event %s: %w", typ, err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO events (id, tenant_id, type, object_id, payload, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
		ev.ID, tenant, typ, objectID, string(payload), now); err != nil {
		return "", fmt.Errorf("insert event: %w", err)
	}
	rows, err := tx.QueryContext(ctx, `SELECT id, events FROM webhook_endpoints WHERE tenant_id = $1 AND deleted_at = 0 ORDER BY id`, tenant)
	if err != nil {
		return "", fmt.Errorf("endpoints: %w", err)
	}
	var targets []string
	for rows.Next() {
		var id, events string
		if err := rows.Scan(&id, &events); err != nil {
			rows.Close()
			return "", err
		}
		if onlyEndpoint != "" {
			if id == onlyEndpoint {
				targets = append(targets, id)
			}
		} else if slices.Contains(strings.Split(events, ","), typ) || events == "*" {
			targets = append(targets, id)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return "", err
	}
	for _, ep := range targets {
		if _, err := tx.ExecContext(ctx, `INSERT INTO webhook_deliveries (id, tenant_id, endpoint_id, event_id, event_type, status, attempts, next_attempt_at, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, 'pending', 0, $6, $6, $6)`, store.NewID("whd"), tenant, ep, ev.ID, typ, now); err != nil {
			return "", fmt.Errorf("insert delivery: %w", err)
		}
	}
	return ev.ID, nil
}

// newSecret is an endpoint's signing secret.
func newSecret() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return "whsec_" + hex.EncodeToString(b)
}
