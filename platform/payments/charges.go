package payments

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
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
	// AVSResult, CVVResult and ThreeDSResult summarize CardChecks (the
	// combined AVS code, the CVC check and the 3DS authentication status);
	// empty when the connector reported none.
	AVSResult     string `json:"avs_result"`
	CVVResult     string `json:"cvv_result"`
	ThreeDSResult string `json:"three_ds_result"`
	// CardChecks are the processor's raw AVS, CVC and 3DS results from the
	// authorization; nil when the connector gave none.
	CardChecks *CardChecks `json:"card_checks"`
	Created    int64       `json:"created"`
}

// CardChecks are a card authorization's checks as the processor wrote them.
type CardChecks struct {
	AVSResult         string         `json:"avs_result,omitempty"`
	AddressLine1Check string         `json:"address_line1_check,omitempty"`
	PostalCodeCheck   string         `json:"postal_code_check,omitempty"`
	CVCCheck          string         `json:"cvc_check,omitempty"`
	ThreeDS           *ThreeDSResult `json:"three_ds_result,omitempty"`
}

// ThreeDSResult is a 3-D Secure authentication's outcome.
type ThreeDSResult struct {
	ECI                  string `json:"eci,omitempty"`
	Version              string `json:"version,omitempty"`
	AuthenticationStatus string `json:"authentication_status,omitempty"`
}

// cardChecksFrom copies the connector's card checks; nil when there are none.
func cardChecksFrom(cc *v1.CardChecks) *CardChecks {
	if cc == nil {
		return nil
	}
	out := &CardChecks{AVSResult: cc.GetAvsResult(), AddressLine1Check: cc.GetAddressLine1Check(), PostalCodeCheck: cc.GetPostalCodeCheck(), CVCCheck: cc.GetCvcCheck()}
	if t := cc.GetThreeDsResult(); t != nil {
		out.ThreeDS = &ThreeDSResult{ECI: t.GetEci(), Version: t.GetVersion(), AuthenticationStatus: t.GetAuthenticationStatus()}
	}
	return out
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
	var checks string
	if err := row.Scan(&c.ID, &c.IntentID, &c.ConnectorID, &c.ConnectorTransactionID, &c.Amount, &c.NetworkResponseCode, &c.Created, &c.Currency, &checks); err != nil {
		return nil, err
	}
	c.Created /= 1000
	if checks != "" {
		c.CardChecks = new(CardChecks)
		if err := json.Unmarshal([]byte(checks), c.CardChecks); err != nil {
			return nil, fmt.Errorf("charge %s card checks: %w", c.ID, err)
		}
		c.AVSResult, c.CVVResult = c.CardChecks.AVSResult, c.CardChecks.CVCCheck
		if c.CardChecks.ThreeDS != nil {
			c.ThreeDSResult = c.CardChecks.ThreeDS.AuthenticationStatus
		}
	}
	return c, nil
}

// chargeQuery reads a charge; a capture's card checks are its
// authorization's (the latest authorize or 3DS completion of the same
// transaction that reported them).
const chargeQuery = `SELECT a.id, a.intent_id, a.connector_id, a.connector_transaction_id, a.amount, a.network_response_code, a.created_at, i.currency,
	COALESCE((SELECT b.card_checks FROM intent_attempts b WHERE b.intent_id = a.intent_id AND b.kind IN ('authorize', '3ds_complete')
		AND b.connector_transaction_id = a.connector_transaction_id AND b.card_checks <> '' ORDER BY b.id DESC LIMIT 1), '')
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
