package webhooks

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/connectorhost/connector-host/platform/perr"
	"github.com/connectorhost/connector-host/platform/secrets"
	"github.com/connectorhost/connector-host/platform/store"
)

// Endpoint is a merchant's webhook subscription. Secret is set only in the
// answer that creates it.
type Endpoint struct {
	ID      string   `json:"id"`
	Object  string   `json:"object"`
	URL     string   `json:"url"`
	Events  []string `json:"events"`
	Secret  string   `json:"secret,omitempty"`
	Created int64    `json:"created"`
}

// Delivery is one event's delivery to one endpoint, with its attempts.
type Delivery struct {
	ID             string    `json:"id"`
	Object         string    `json:"object"`
	EndpointID     string    `json:"endpoint_id"`
	EventID        string    `json:"event_id"`
	EventType      string    `json:"event_type"`
	Status         string    `json:"status"`
	Attempts       int       `json:"attempts"`
	NextAttemptAt  int64     `json:"next_attempt_at"`
	LastStatusCode int       `json:"last_status_code"`
	LastError      string    `json:"last_error"`
	Log            []Attempt `json:"log"`
}

// Attempt is one POST of a delivery.
type Attempt struct {
	Attempt    int    `json:"attempt"`
	StatusCode int    `json:"status_code"`
	Error      string `json:"error"`
	Created    int64  `json:"created"`
}

// Store keeps endpoints.
type Store struct {
	DB   *store.DB
	Ring *secrets.Ring
}

// CreateEndpoint subscribes rawURL to events and returns the endpoint with
// its signing secret, shown this once.
func (s *Store) CreateEndpoint(ctx context.Context, tenant, rawURL string, events []string) (*Endpoint, error) {
	u, err := url.Parse(rawURL)
	if rawURL == "" {
		return nil, perr.Missing("url")
	}
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, perr.Invalid("url", "url must be an absolute http(s) URL")
	}
	if len(events) == 0 {
		return nil, perr.Missing("events")
	}
	for i, e := range events {
		if e != "*" && !slices.Contains(EventTypes, e) {
			return nil, perr.Invalid(fmt.Sprintf("events[%d]", i), "unknown event type %q (known: %s, or *)", e, strings.Join(EventTypes, ", "))
		}
	}
	ep := &Endpoint{ID: store.NewID("we"), Object: "webhook_endpoint", URL: rawURL, Events: events, Secret: newSecret(), Created: store.Now() / 1000}
	enc, err := s.Ring.Encrypt([]byte(ep.Secret), ep.ID)
	if err != nil {
		return nil, err
	}
	if _, err := s.DB.SQL.ExecContext(ctx, `INSERT INTO webhook_endpoints (id, tenant_id, url, secret, events, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
		ep.ID, tenant, ep.URL, enc, strings.Join(events, ","), store.Now()); err != nil {
		return nil, fmt.Errorf("insert webhook endpoint: %w", err)
	}
	return ep, nil
}

// ListEndpoints lists tenant's endpoints after cursor.
func (s *Store) ListEndpoints(ctx context.Context, tenant, cursor string, limit int) ([]*Endpoint, error) {
	rows, err := s.DB.SQL.QueryContext(ctx, `SELECT id, url, events, created_at FROM webhook_endpoints WHERE tenant_id = $1 AND deleted_at = 0 AND id > $2 ORDER BY id LIMIT $3`, tenant, cursor, limit)
	if err != nil {
		return nil, fmt.Errorf("list webhook endpoints: %w", err)
	}
	defer rows.Close()
	var out []*Endpoint
	for rows.Next() {
		ep := &Endpoint{Object: "webhook_endpoint"}
		var events string
		if err := rows.Scan(&ep.ID, &ep.URL, &events, &ep.Created); err != nil {
			return nil, err
		}
		ep.Events, ep.Created = strings.Split(events, ","), ep.Created/1000
		out = append(out, ep)
	}
	return out, rows.Err()
}

// DeleteEndpoint unsubscribes an endpoint; pending deliveries to it stop.
func (s *Store) DeleteEndpoint(ctx context.Context, tenant, id string) error {
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE webhook_endpoints SET deleted_at = $1 WHERE id = $2 AND tenant_id = $3 AND deleted_at = 0`, store.Now(), id, tenant)
		if err != nil {
			return err
		}
		if store.Affected(res) == 0 {
			return perr.NotFoundf("id", "no webhook endpoint %s", id)
		}
		_, err = tx.ExecContext(ctx, `UPDATE webhook_deliveries SET status = 'canceled' WHERE endpoint_id = $1 AND status = 'pending'`, id)
		return err
	})
}

// SendTest queues a test event to endpoint id.
func (s *Store) SendTest(ctx context.Context, tenant, id string) (string, error) {
	var evID string
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM webhook_endpoints WHERE id = $1 AND tenant_id = $2 AND deleted_at = 0`, id, tenant).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return perr.NotFoundf("endpoint_id", "no webhook endpoint %s", id)
		}
		var err error
		evID, err = Enqueue(ctx, tx, tenant, TestEventType, id, map[string]any{"object": "webhook_test", "endpoint_id": id}, id)
		return err
	})
	return evID, err
}

// Deliveries lists an endpoint's deliveries (the delivery log), newest last.
func (s *Store) Deliveries(ctx context.Context, tenant, endpointID, cursor string, limit int) ([]*Delivery, error) {
	rows, err := s.DB.SQL.QueryContext(ctx, `SELECT id, endpoint_id, event_id, event_type, status, attempts, next_attempt_at, last_status_code, last_error
		FROM webhook_deliveries WHERE tenant_id = $1 AND endpoint_id = $2 AND id > $3 ORDER BY id LIMIT $4`, tenant, endpointID, cursor, limit)
	if err != nil {
		return nil, fmt.Errorf("list deliveries: %w", err)
	}
	var out []*Delivery
	for rows.Next() {
		d := &Delivery{Object: "webhook_delivery", Log: []Attempt{}}
		if err := rows.Scan(&d.ID, &d.EndpointID, &d.EventID, &d.EventType, &d.Status, &d.Attempts, &d.NextAttemptAt, &d.LastStatusCode, &d.LastError); err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, d := range out {
		ar, err := s.DB.SQL.QueryContext(ctx, `SELECT attempt, status_code, error, created_at FROM webhook_delivery_attempts WHERE delivery_id = $1 ORDER BY id`, d.ID)
		if err != nil {
			return nil, err
		}
		for ar.Next() {
			var a Attempt
			if err := ar.Scan(&a.Attempt, &a.StatusCode, &a.Error, &a.Created); err != nil {
				ar.Close()
				return nil, err
			}
			d.Log = append(d.Log, a)
		}
		ar.Close()
	}
	return out, nil
}

// endpointSecret decrypts an endpoint's signing secret.
func (s *Store) endpointSecret(ctx context.Context, id string) (url string, secret []byte, err error) {
	var enc string
	var deleted int64
	err = s.DB.SQL.QueryRowContext(ctx, `SELECT url, secret, deleted_at FROM webhook_endpoints WHERE id = $1`, id).Scan(&url, &enc, &deleted)
	if errors.Is(err, sql.ErrNoRows) || deleted != 0 {
		return "", nil, errEndpointGone
	}
	if err != nil {
		return "", nil, err
	}
	secret, err = s.Ring.Decrypt(enc, id)
	return url, secret, err
}

var errEndpointGone = errors.New("endpoint deleted")
