package payments

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/connectorhost/connector-host/platform/perr"
)

// Authorization is the successful authorization of an intent at a connector.
type Authorization struct {
	ID                     string `json:"id"`
	Object                 string `json:"object"`
	IntentID               string `json:"intent_id"`
	ConnectorID            string `json:"connector_id"`
	ConnectorTransactionID string `json:"connector_transaction_id"`
	Amount                 int64  `json:"amount"`
	Currency               string `json:"currency"`
	// Status: authorized (capturable), captured, voided, or processing.
	Status              string `json:"status"`
	NetworkResponseCode string `json:"network_response_code"`
	Created             int64  `json:"created"`
}

// Charge is money taken: an automatic-capture authorization or a capture.
type Charge struct {
	ID                     string `json:"id"`
	Object                 string `json:"object"`
	IntentID               string `json:"intent_id"`
	ConnectorID            string `json:"connector_id"`
	ConnectorTransactionID string `json:"connector_transaction_id"`
	Amount                 int64  `json:"amount"`
	Currency               string `json:"currency"`
	Status                 string `json:"status"`
	NetworkResponseCode    string `json:"network_response_code"`
	// AVS, CVV and 3DS results are reported when the connector gives them;
	// the unified API carries none of them yet, so they are empty.
	AVSResult     string `json:"avs_result"`
	CVVResult     string `json:"cvv_result"`
	ThreeDSResult string `json:"three_ds_result"`
	Created       int64  `json:"created"`
}

const authorizedStatuses = `('PAYMENT_STATUS_AUTHORIZED', 'PAYMENT_STATUS_PARTIALLY_AUTHORIZED', 'PAYMENT_STATUS_CHARGED')`

// chargeFilter selects attempts (alias a) that took money.
const chargeFilter = `((a.kind = 'authorize' AND a.status = 'PAYMENT_STATUS_CHARGED') OR (a.kind = 'capture' AND a.status IN ('PAYMENT_STATUS_CHARGED', 'PAYMENT_STATUS_PARTIALLY_CAPTURED', 'PAYMENT_STATUS_CAPTURE_PENDING')))`

// GetAuthorization reads an authorization by id.
func (s *Service) GetAuthorization(ctx context.Context, tenant, id string) (*Authorization, error) {
	a := &Authorization{Object: "authorization"}
	err := s.db.SQL.QueryRowContext(ctx, `SELECT id, intent_id, connector_id, connector_transaction_id, amount, network_response_code, created_at
		FROM intent_attempts WHERE id = $1 AND tenant_id = $2 AND kind = 'authorize' AND status IN `+authorizedStatuses, id, tenant).
		Scan(&a.ID, &a.IntentID, &a.ConnectorID, &a.ConnectorTransactionID, &a.Amount, &a.NetworkResponseCode, &a.Created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, perr.NotFoundf("id", "no authorization %s", id)
	}
	if err != nil {
		return nil, fmt.Errorf("authorization: %w", err)
	}
	in, err := s.GetIntent(ctx, tenant, a.IntentID)
	if err != nil {
		return nil, err
	}
	a.Created, a.Currency = a.Created/1000, in.Currency
	switch {
	case in.ConnectorTransactionID != a.ConnectorTransactionID:
		a.Status = "superseded"
	case in.Status == StatusRequiresCapture:
		a.Status = "authorized"
	case in.Status == StatusSucceeded:
		a.Status = "captured"
	case in.Status == StatusCanceled:
		a.Status = "voided"
	default:
		a.Status = in.Status
	}
	return a, nil
}

// CaptureAuthorization captures the authorization's intent.
func (s *Service) CaptureAuthorization(ctx context.Context, tenant, id string, amount *int64) (*Authorization, error) {
	a, err := s.GetAuthorization(ctx, tenant, id)
	if err != nil {
		return nil, err
	}
	if _, err := s.Capture(ctx, tenant, a.IntentID, amount); err != nil {
		return nil, err
	}
	return s.GetAuthorization(ctx, tenant, id)
}

// VoidAuthorization voids the authorization (cancels its intent).
func (s *Service) VoidAuthorization(ctx context.Context, tenant, id, reason string) (*Authorization, error) {
	a, err := s.GetAuthorization(ctx, tenant, id)
	if err != nil {
		return nil, err
	}
	if a.Status != "authorized" {
		return nil, perr.Conflictf("authorization_unexpected_state", "cannot void: the authorization is %s", a.Status)
	}
	if _, err := s.Cancel(ctx, tenant, a.IntentID, reason); err != nil {
		return nil, err
	}
	return s.GetAuthorization(ctx, tenant, id)
}

func scanCharge(row interface{ Scan(...any) error }) (*Charge, error) {
	c := &Charge{Object: "charge", Status: "succeeded"}
	err := row.Scan(&c.ID, &c.IntentID, &c.ConnectorID, &c.ConnectorTransactionID, &c.Amount, &c.NetworkResponseCode, &c.Created, &c.Currency)
	c.Created /= 1000
	return c, err
}

const chargeQuery = `SELECT a.id, a.intent_id, a.connector_id, a.connector_transaction_id, a.amount, a.network_response_code, a.created_at, i.currency
	FROM intent_attempts a JOIN intents i ON i.id = a.intent_id WHERE a.tenant_id = $1 AND `

// GetCharge reads a charge.
func (s *Service) GetCharge(ctx context.Context, tenant, id string) (*Charge, error) {
	c, err := scanCharge(s.db.SQL.QueryRowContext(ctx, chargeQuery+`a.id = $2 AND `+chargeFilter, tenant, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, perr.NotFoundf("id", "no charge %s", id)
	}
	return c, err
}

// ListCharges lists an intent's charges.
func (s *Service) ListCharges(ctx context.Context, tenant, intentID, cursor string, limit int) ([]*Charge, error) {
	if _, err := s.GetIntent(ctx, tenant, intentID); err != nil {
		return nil, err
	}
	rows, err := s.db.SQL.QueryContext(ctx, chargeQuery+`a.intent_id = $2 AND a.id > $3 AND `+chargeFilter+` ORDER BY a.id LIMIT $4`, tenant, intentID, cursor, limit)
	if err != nil {
		return nil, fmt.Errorf("list charges: %w", err)
	}
	defer rows.Close()
	var out []*Charge
	for rows.Next() {
		c, err := scanCharge(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
