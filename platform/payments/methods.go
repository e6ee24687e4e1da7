package payments

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"

	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/money"
	"github.com/connectorhost/connector-host/platform/perr"
	"github.com/connectorhost/connector-host/platform/store"
)

// CardInput is raw card data for server-side tokenization. It goes to the
// connector's Tokenize and nowhere else: never stored, logged or returned.
type CardInput struct {
	Number   string `json:"number"`
	ExpMonth int    `json:"exp_month"`
	ExpYear  int    `json:"exp_year"`
	CVC      string `json:"cvc"`
}

// MethodInput creates (card through a connector, or a client/processor
// token) or patches a payment method.
type MethodInput struct {
	Type        *string           `json:"type"`
	ConnectorID *string           `json:"connector_id"`
	Token       *string           `json:"token"`
	Card        *CardInput        `json:"card"`
	CustomerID  *string           `json:"customer_id"`
	Brand       *string           `json:"brand"`
	Last4       *string           `json:"last4"`
	ExpMonth    *int              `json:"exp_month"`
	ExpYear     *int              `json:"exp_year"`
	Metadata    map[string]string `json:"metadata"`
}

var (
	panRE   = regexp.MustCompile(`^[0-9]{12,19}$`)
	cvcRE   = regexp.MustCompile(`^[0-9]{3,4}$`)
	last4RE = regexp.MustCompile(`^[0-9]{4}$`)
)

func (m *Method) apply(x MethodInput) error {
	if x.CustomerID != nil {
		m.CustomerID = *x.CustomerID
	}
	if x.Brand != nil {
		m.Brand = strings.ToLower(*x.Brand)
	}
	if x.Last4 != nil {
		if !last4RE.MatchString(*x.Last4) {
			return perr.Invalid("last4", "last4 must be 4 digits")
		}
		m.Last4 = *x.Last4
	}
	if x.ExpMonth != nil {
		if *x.ExpMonth < 1 || *x.ExpMonth > 12 {
			return perr.Invalid("exp_month", "exp_month must be 1-12")
		}
		m.ExpMonth = *x.ExpMonth
	}
	if x.ExpYear != nil {
		if *x.ExpYear < 2000 || *x.ExpYear > 2200 {
			return perr.Invalid("exp_year", "exp_year must be a four-digit year")
		}
		m.ExpYear = *x.ExpYear
	}
	if x.Metadata != nil {
		m.Metadata = x.Metadata
	}
	return nil
}

// CreateMethod saves a payment method: a card is tokenized at the
// connector (only the token and display data are kept); a token is stored
// as given.
func (s *Service) CreateMethod(ctx context.Context, tenant string, x MethodInput) (*Method, error) {
	m := &Method{ID: store.NewID("pm"), Object: "payment_method", Type: "card", Metadata: map[string]string{}, Version: 1}
	if x.Type != nil {
		m.Type = *x.Type
	}
	if m.Type != "card" && m.Type != "token" {
		return nil, perr.Invalid("type", "type must be card or token")
	}
	if x.ConnectorID != nil && *x.ConnectorID != "" {
		if _, err := s.GetConnector(ctx, tenant, *x.ConnectorID); err != nil {
			return nil, perr.NotFoundf("connector_id", "no connector %s", *x.ConnectorID)
		}
		m.ConnectorID = *x.ConnectorID
	}
	if err := m.apply(x); err != nil {
		return nil, err
	}
	switch {
	case x.Card != nil && x.Token != nil:
		return nil, perr.Invalid("card", "send card or token, not both")
	case x.Card != nil:
		if err := s.tokenize(ctx, tenant, m, x.Card); err != nil {
			return nil, err
		}
	case x.Token != nil && *x.Token != "":
		m.Token = *x.Token
	default:
		return nil, perr.Missing("token")
	}
	return m, s.insertMethod(ctx, tenant, m)
}

func (s *Service) tokenize(ctx context.Context, tenant string, m *Method, card *CardInput) error {
	if m.ConnectorID == "" {
		return &perr.Error{Kind: perr.InvalidRequest, Code: "parameter_missing", Param: "connector_id", Message: "connector_id names the connector that tokenizes the card"}
	}
	if !panRE.MatchString(card.Number) {
		return perr.Invalid("card.number", "card.number must be 12-19 digits")
	}
	if card.ExpMonth < 1 || card.ExpMonth > 12 {
		return perr.Invalid("card.exp_month", "card.exp_month must be 1-12")
	}
	if card.ExpYear < 2000 || card.ExpYear > 2200 {
		return perr.Invalid("card.exp_year", "card.exp_year must be a four-digit year")
	}
	if card.CVC != "" && !cvcRE.MatchString(card.CVC) {
		return perr.Invalid("card.cvc", "card.cvc must be 3 or 4 digits")
	}
	c, err := s.GetConnector(ctx, tenant, m.ConnectorID)
	if err != nil {
		return err
	}
	res, err := s.gw.Tokenize(ctx, c.target(), &v1.PaymentMethodServiceTokenizeRequest{
		PaymentMethod:     &v1.PaymentMethod{Method: &v1.PaymentMethod_Card{Card: &v1.Card{Number: card.Number, ExpMonth: int32(card.ExpMonth), ExpYear: int32(card.ExpYear), Cvc: card.CVC}}},
		MerchantRequestId: m.ID,
	})
	if err != nil {
		return &perr.Error{Kind: perr.Unprocessable, Code: "tokenization_failed", Param: "card", Message: "the connector did not tokenize the card: " + errMessage(err), Err: err}
	}
	if res.GetPaymentMethodToken() == "" {
		return &perr.Error{Kind: perr.Unprocessable, Code: "tokenization_failed", Param: "card", Message: "the connector returned no token: " + res.GetError().GetMessage()}
	}
	m.Token, m.Last4 = res.GetPaymentMethodToken(), card.Number[len(card.Number)-4:]
	m.ExpMonth, m.ExpYear = card.ExpMonth, card.ExpYear
	if n := res.GetCardNetwork(); n != v1.CardNetwork_CARD_NETWORK_UNSPECIFIED {
		m.Brand = strings.ToLower(strings.TrimPrefix(n.String(), "CARD_NETWORK_"))
	}
	return nil
}

func (s *Service) insertMethod(ctx context.Context, tenant string, m *Method) error {
	meta, _ := json.Marshal(m.Metadata)
	now := store.Now()
	m.Created = now / 1000
	if _, err := s.db.SQL.ExecContext(ctx, `INSERT INTO payment_methods (id, tenant_id, customer_id, connector_id, type, token, brand, last4, exp_month, exp_year, metadata, version, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`, m.ID, tenant, m.CustomerID, m.ConnectorID, m.Type, m.Token, m.Brand, m.Last4, m.ExpMonth, m.ExpYear, string(meta), m.Version, now); err != nil {
		return fmt.Errorf("insert payment method: %w", err)
	}
	return nil
}

const methodCols = `id, customer_id, connector_id, type, token, brand, last4, exp_month, exp_year, metadata, version, created_at`

func scanMethod(row interface{ Scan(...any) error }) (*Method, error) {
	m := &Method{Object: "payment_method"}
	var meta string
	if err := row.Scan(&m.ID, &m.CustomerID, &m.ConnectorID, &m.Type, &m.Token, &m.Brand, &m.Last4, &m.ExpMonth, &m.ExpYear, &meta, &m.Version, &m.Created); err != nil {
		return nil, err
	}
	m.Created /= 1000
	return m, json.Unmarshal([]byte(meta), &m.Metadata)
}

// GetMethod reads a payment method that is not deleted.
func (s *Service) GetMethod(ctx context.Context, tenant, id string) (*Method, error) {
	m, err := scanMethod(s.db.SQL.QueryRowContext(ctx, `SELECT `+methodCols+` FROM payment_methods WHERE id = $1 AND tenant_id = $2 AND deleted_at = 0`, id, tenant))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, perr.NotFoundf("id", "no payment method %s", id)
	}
	return m, err
}

// ListMethods lists a customer's methods after cursor.
func (s *Service) ListMethods(ctx context.Context, tenant, customer, cursor string, limit int) ([]*Method, error) {
	rows, err := s.db.SQL.QueryContext(ctx, `SELECT `+methodCols+` FROM payment_methods WHERE tenant_id = $1 AND deleted_at = 0 AND ($2 = '' OR customer_id = $2) AND id > $3 ORDER BY id LIMIT $4`,
		tenant, customer, cursor, limit)
	if err != nil {
		return nil, fmt.Errorf("list payment methods: %w", err)
	}
	defer rows.Close()
	var out []*Method
	for rows.Next() {
		m, err := scanMethod(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// PatchMethod changes a method's display data, customer or metadata.
func (s *Service) PatchMethod(ctx context.Context, tenant, id string, x MethodInput) (*Method, error) {
	if x.Card != nil || x.Token != nil || x.Type != nil || x.ConnectorID != nil {
		param := "card"
		switch {
		case x.Token != nil:
			param = "token"
		case x.Type != nil:
			param = "type"
		case x.ConnectorID != nil:
			param = "connector_id"
		}
		return nil, perr.Invalid(param, "%s cannot change; save a new payment method", param)
	}
	m, err := s.GetMethod(ctx, tenant, id)
	if err != nil {
		return nil, err
	}
	if err := m.apply(x); err != nil {
		return nil, err
	}
	meta, _ := json.Marshal(m.Metadata)
	res, err := s.db.SQL.ExecContext(ctx, `UPDATE payment_methods SET customer_id = $1, brand = $2, last4 = $3, exp_month = $4, exp_year = $5, metadata = $6, version = version + 1
		WHERE id = $7 AND tenant_id = $8 AND version = $9 AND deleted_at = 0`, m.CustomerID, m.Brand, m.Last4, m.ExpMonth, m.ExpYear, string(meta), id, tenant, m.Version)
	if err != nil {
		return nil, err
	}
	if store.Affected(res) == 0 {
		return nil, &perr.Error{Kind: perr.PreconditionFailed, Code: "version_mismatch", Message: "the payment method changed concurrently; retry"}
	}
	return s.GetMethod(ctx, tenant, id)
}

// DeleteMethod soft-deletes a method and writes an audit record.
func (s *Service) DeleteMethod(ctx context.Context, tenant, actor, id string) error {
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE payment_methods SET deleted_at = $1 WHERE id = $2 AND tenant_id = $3 AND deleted_at = 0`, store.Now(), id, tenant)
		if err != nil {
			return err
		}
		if store.Affected(res) == 0 {
			return perr.NotFoundf("id", "no payment method %s", id)
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO audit_log (id, tenant_id, actor, action, object_id, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
			store.NewID("aud"), tenant, actor, "payment_method.deleted", id, store.Now())
		return err
	})
}

// Verification is the result of checking a saved method with its connector.
type Verification struct {
	Object           string     `json:"object"`
	PaymentMethodID  string     `json:"payment_method_id"`
	ConnectorID      string     `json:"connector_id"`
	Verified         bool       `json:"verified"`
	Status           string     `json:"status"`
	ConnectorSetupID string     `json:"connector_setup_id"`
	LastError        *LastError `json:"last_error"`
}

// VerifyInput names the method to verify.
type VerifyInput struct {
	PaymentMethodID *string `json:"payment_method_id"`
	ConnectorID     *string `json:"connector_id"`
	Currency        *string `json:"currency"`
}

// VerifyMethod checks a saved method with the connector without charging
// it: a zero-amount setup (the connector's SetupRecurring). The method's
// own connector is used when it has one, else connector_id.
func (s *Service) VerifyMethod(ctx context.Context, tenant string, x VerifyInput) (*Verification, error) {
	if x.PaymentMethodID == nil || *x.PaymentMethodID == "" {
		return nil, perr.Missing("payment_method_id")
	}
	m, err := s.GetMethod(ctx, tenant, *x.PaymentMethodID)
	if err != nil {
		return nil, perr.NotFoundf("payment_method_id", "no payment method %s", *x.PaymentMethodID)
	}
	connID := m.ConnectorID
	if connID == "" && x.ConnectorID != nil {
		connID = *x.ConnectorID
	}
	if connID == "" {
		return nil, &perr.Error{Kind: perr.InvalidRequest, Code: "parameter_missing", Param: "connector_id", Message: "the payment method has no connector; name one in connector_id"}
	}
	c, err := s.GetConnector(ctx, tenant, connID)
	if err != nil {
		return nil, perr.NotFoundf("connector_id", "no connector %s", connID)
	}
	cur := "USD"
	if x.Currency != nil {
		cur = *x.Currency
	}
	if !currencyRE.MatchString(cur) || !money.Known(cur) {
		return nil, perr.Invalid("currency", "currency must be an ISO-4217 code in upper case")
	}
	req := &v1.PaymentServiceSetupRecurringRequest{MerchantSetupId: store.NewID("vf"), Amount: &v1.Money{MinorAmount: 0, Currency: cur},
		PaymentMethod: &v1.PaymentMethod{Method: &v1.PaymentMethod_Token{Token: &v1.ProcessorToken{Token: m.Token}}}}
	if m.CustomerID != "" {
		req.Customer = &v1.Customer{Id: m.CustomerID}
	}
	res, err := s.gw.SetupRecurring(ctx, c.target(), req)
	if err != nil {
		return nil, &perr.Error{Kind: perr.Unprocessable, Code: "verification_failed", Message: "the connector could not verify the method: " + errMessage(err), Err: err}
	}
	v := &Verification{Object: "method_verification", PaymentMethodID: m.ID, ConnectorID: c.ID, ConnectorSetupID: res.GetConnectorSetupId(),
		Status: strings.ToLower(strings.TrimPrefix(res.GetStatus().String(), "MANDATE_STATUS_")), Verified: res.GetStatus() == v1.MandateStatus_MANDATE_STATUS_ACTIVE}
	if e := res.GetError(); e != nil {
		v.LastError = &LastError{Code: strings.ToLower(strings.TrimPrefix(e.GetCode().String(), "ERROR_CODE_")), Message: e.GetMessage(), DeclineCode: e.GetIssuer().GetDeclineCode(), ConnectorID: c.ID}
	}
	return v, nil
}
