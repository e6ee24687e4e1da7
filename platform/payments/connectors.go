package payments

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"sort"

	"github.com/connectorhost/connector-host/platform/connectors"
	"github.com/connectorhost/connector-host/platform/perr"
	"github.com/connectorhost/connector-host/platform/store"
)

var pluginName = regexp.MustCompile(`^[a-z0-9_]{1,64}$`)

// ConnectorInput creates or patches a connector (nil fields unchanged on patch).
type ConnectorInput struct {
	Name        *string           `json:"name"`
	Plugin      *string           `json:"plugin"`
	HostURL     *string           `json:"host_url"`
	Credentials map[string]string `json:"credentials"`
	Enabled     *bool             `json:"enabled"`
}

func checkHostURL(raw string) error {
	if raw == "" {
		return nil
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return perr.Invalid("host_url", "host_url must be an absolute http(s) URL of a connector host, or empty for the in-process host")
	}
	return nil
}

// CreateConnector stores a connector; its credentials are encrypted.
func (s *Service) CreateConnector(ctx context.Context, tenant string, in ConnectorInput) (*Connector, error) {
	if in.Plugin == nil || *in.Plugin == "" {
		return nil, perr.Missing("plugin")
	}
	if !pluginName.MatchString(*in.Plugin) {
		return nil, perr.Invalid("plugin", "plugin must be a connector name like stripe or adyen ([a-z0-9_])")
	}
	c := &Connector{ID: store.NewID("mca"), Object: "connector", Plugin: *in.Plugin, Enabled: true, Version: 1, creds: in.Credentials}
	c.Name = c.Plugin
	if in.Name != nil {
		c.Name = *in.Name
	}
	if in.HostURL != nil {
		if err := checkHostURL(*in.HostURL); err != nil {
			return nil, err
		}
		c.HostURL = *in.HostURL
	}
	if in.Enabled != nil {
		c.Enabled = *in.Enabled
	}
	enc, err := s.sealCreds(c.ID, c.creds)
	if err != nil {
		return nil, err
	}
	now := store.Now()
	c.Created, c.Updated = now/1000, now/1000
	if _, err := s.db.SQL.ExecContext(ctx, `INSERT INTO connectors (id, tenant_id, name, plugin, host_url, credentials, enabled, version, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)`, c.ID, tenant, c.Name, c.Plugin, c.HostURL, enc, boolInt(c.Enabled), c.Version, now); err != nil {
		return nil, fmt.Errorf("insert connector: %w", err)
	}
	c.CredKeys = credKeys(c.creds)
	return c, nil
}

func (s *Service) sealCreds(id string, creds map[string]string) (string, error) {
	if creds == nil {
		creds = map[string]string{}
	}
	b, err := json.Marshal(creds)
	if err != nil {
		return "", err
	}
	return s.ring.Encrypt(b, id)
}

func credKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

const connectorCols = `id, name, plugin, host_url, credentials, enabled, version, created_at, updated_at`

func (s *Service) scanConnector(row interface{ Scan(...any) error }) (*Connector, error) {
	c := &Connector{Object: "connector"}
	var enc string
	var enabled int
	if err := row.Scan(&c.ID, &c.Name, &c.Plugin, &c.HostURL, &enc, &enabled, &c.Version, &c.Created, &c.Updated); err != nil {
		return nil, err
	}
	c.Enabled, c.Created, c.Updated = enabled == 1, c.Created/1000, c.Updated/1000
	pt, err := s.ring.Decrypt(enc, c.ID)
	if err != nil {
		return nil, fmt.Errorf("connector %s credentials: %w", c.ID, err)
	}
	if err := json.Unmarshal(pt, &c.creds); err != nil {
		return nil, fmt.Errorf("connector %s credentials: %w", c.ID, err)
	}
	c.CredKeys = credKeys(c.creds)
	return c, nil
}

// GetConnector reads one connector.
func (s *Service) GetConnector(ctx context.Context, tenant, id string) (*Connector, error) {
	c, err := s.scanConnector(s.db.SQL.QueryRowContext(ctx, `SELECT `+connectorCols+` FROM connectors WHERE id = $1 AND tenant_id = $2 AND deleted_at = 0`, id, tenant))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, perr.NotFoundf("id", "no connector %s", id)
	}
	return c, err
}

// connectorByID reads a connector whatever its tenant (inbound webhooks).
func (s *Service) connectorByID(ctx context.Context, id string) (*Connector, string, error) {
	var tenant string
	if err := s.db.SQL.QueryRowContext(ctx, `SELECT tenant_id FROM connectors WHERE id = $1 AND deleted_at = 0`, id).Scan(&tenant); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, "", perr.NotFoundf("connector_id", "no connector %s", id)
		}
		return nil, "", err
	}
	c, err := s.GetConnector(ctx, tenant, id)
	return c, tenant, err
}

// ListConnectors lists connectors after cursor.
func (s *Service) ListConnectors(ctx context.Context, tenant, cursor string, limit int) ([]*Connector, error) {
	rows, err := s.db.SQL.QueryContext(ctx, `SELECT `+connectorCols+` FROM connectors WHERE tenant_id = $1 AND deleted_at = 0 AND id > $2 ORDER BY id LIMIT $3`, tenant, cursor, limit)
	if err != nil {
		return nil, fmt.Errorf("list connectors: %w", err)
	}
	defer rows.Close()
	var out []*Connector
	for rows.Next() {
		c, err := s.scanConnector(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// PatchConnector changes a connector; ifVersion > 0 makes the write
// conditional on the version the caller read (412 when stale).
func (s *Service) PatchConnector(ctx context.Context, tenant, id string, in ConnectorInput, ifVersion int64) (*Connector, error) {
	c, err := s.GetConnector(ctx, tenant, id)
	if err != nil {
		return nil, err
	}
	if in.Plugin != nil && *in.Plugin != c.Plugin {
		return nil, perr.Invalid("plugin", "a connector's plugin cannot change; create another connector")
	}
	if in.Name != nil {
		c.Name = *in.Name
	}
	if in.HostURL != nil {
		if err := checkHostURL(*in.HostURL); err != nil {
			return nil, err
		}
		c.HostURL = *in.HostURL
	}
	if in.Enabled != nil {
		c.Enabled = *in.Enabled
	}
	if in.Credentials != nil {
		c.creds = in.Credentials
	}
	enc, err := s.sealCreds(c.ID, c.creds)
	if err != nil {
		return nil, err
	}
	want := c.Version
	if ifVersion > 0 {
		want = ifVersion
	}
	res, err := s.db.SQL.ExecContext(ctx, `UPDATE connectors SET name = $1, host_url = $2, credentials = $3, enabled = $4, version = version + 1, updated_at = $5
		WHERE id = $6 AND tenant_id = $7 AND version = $8 AND deleted_at = 0`, c.Name, c.HostURL, enc, boolInt(c.Enabled), store.Now(), id, tenant, want)
	if err != nil {
		return nil, fmt.Errorf("update connector: %w", err)
	}
	if store.Affected(res) == 0 {
		return nil, &perr.Error{Kind: perr.PreconditionFailed, Code: "version_mismatch", Message: "the connector changed since you read it; read it again"}
	}
	return s.GetConnector(ctx, tenant, id)
}

// DeleteConnector soft-deletes a connector.
func (s *Service) DeleteConnector(ctx context.Context, tenant, id string) error {
	res, err := s.db.SQL.ExecContext(ctx, `UPDATE connectors SET deleted_at = $1 WHERE id = $2 AND tenant_id = $3 AND deleted_at = 0`, store.Now(), id, tenant)
	if err != nil {
		return fmt.Errorf("delete connector: %w", err)
	}
	if store.Affected(res) == 0 {
		return perr.NotFoundf("id", "no connector %s", id)
	}
	return nil
}

// TestConnector asks the connector's host whether it serves the plugin.
func (s *Service) TestConnector(ctx context.Context, tenant, id string) (map[string]any, error) {
	c, err := s.GetConnector(ctx, tenant, id)
	if err != nil {
		return nil, err
	}
	res, err := s.gw.GetConnector(ctx, c.target())
	if err != nil {
		return map[string]any{"object": "connector_test", "connector_id": id, "ok": false, "error": err.Error()}, nil
	}
	info := res.GetConnector()
	return map[string]any{"object": "connector_test", "connector_id": id, "ok": true,
		"load_state": info.GetLoadState().String(), "version": info.GetManifest().GetVersion()}, nil
}

func (c *Connector) target() connectors.Target {
	return connectors.Target{Plugin: c.Plugin, HostURL: c.HostURL, Credentials: c.creds}
}

// RotateCredentials re-encrypts every stored secret still under an old
// key: connector credentials and webhook endpoints' signing secrets.
func (s *Service) RotateCredentials(ctx context.Context) (int, error) {
	n := 0
	for _, table := range []struct{ name, col string }{{"connectors", "credentials"}, {"webhook_endpoints", "secret"}} {
		m, err := s.rotate(ctx, table.name, table.col)
		n += m
		if err != nil {
			return n, fmt.Errorf("%s.%s: %w", table.name, table.col, err)
		}
	}
	return n, nil
}

// rotate re-encrypts table's col (encrypted with the row id as context).
func (s *Service) rotate(ctx context.Context, table, col string) (int, error) {
	rows, err := s.db.SQL.QueryContext(ctx, `SELECT id, `+col+` FROM `+table)
	if err != nil {
		return 0, err
	}
	type row struct{ id, enc string }
	var todo []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.id, &r.enc); err != nil {
			rows.Close()
			return 0, err
		}
		if s.ring.NeedsRotation(r.enc) {
			todo = append(todo, r)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	n := 0
	for _, r := range todo {
		pt, err := s.ring.Decrypt(r.enc, r.id)
		if err != nil {
			return n, fmt.Errorf("row %s: %w", r.id, err)
		}
		enc, err := s.ring.Encrypt(pt, r.id)
		if err != nil {
			return n, err
		}
		res, err := s.db.SQL.ExecContext(ctx, `UPDATE `+table+` SET `+col+` = $1 WHERE id = $2 AND `+col+` = $3`, enc, r.id, r.enc)
		if err != nil {
			return n, err
		}
		n += int(store.Affected(res))
	}
	return n, nil
}

// RuleInput creates or patches a routing rule.
type RuleInput struct {
	Priority    *int    `json:"priority"`
	ConnectorID *string `json:"connector_id"`
	Currency    *string `json:"currency"`
	Country     *string `json:"country"`
	CardBrand   *string `json:"card_brand"`
	MethodType  *string `json:"payment_method_type"`
	MinAmount   *int64  `json:"min_amount"`
	MaxAmount   *int64  `json:"max_amount"`
}

func (r *Rule) apply(in RuleInput) error {
	if in.Priority != nil {
		r.Priority = *in.Priority
	}
	if in.ConnectorID != nil {
		r.ConnectorID = *in.ConnectorID
	}
	if in.Currency != nil {
		if *in.Currency != "" && !currencyRE.MatchString(*in.Currency) {
			return perr.Invalid("currency", "currency must be an ISO-4217 code like USD")
		}
		r.Currency = *in.Currency
	}
	if in.Country != nil {
		r.Country = *in.Country
	}
	if in.CardBrand != nil {
		r.CardBrand = *in.CardBrand
	}
	if in.MethodType != nil {
		r.MethodType = *in.MethodType
	}
	if in.MinAmount != nil {
		r.MinAmount = *in.MinAmount
	}
	if in.MaxAmount != nil {
		r.MaxAmount = *in.MaxAmount
	}
	if r.MinAmount < 0 {
		return perr.Invalid("min_amount", "min_amount must be >= 0")
	}
	if r.MaxAmount < 0 || (r.MaxAmount > 0 && r.MaxAmount < r.MinAmount) {
		return perr.Invalid("max_amount", "max_amount must be 0 (no limit) or >= min_amount")
	}
	if r.ConnectorID == "" {
		return perr.Missing("connector_id")
	}
	return nil
}

// CreateRule adds a routing rule.
func (s *Service) CreateRule(ctx context.Context, tenant string, in RuleInput) (*Rule, error) {
	r := &Rule{ID: store.NewID("rr"), Object: "routing_rule", Version: 1, Created: store.Now() / 1000}
	if err := r.apply(in); err != nil {
		return nil, err
	}
	if _, err := s.GetConnector(ctx, tenant, r.ConnectorID); err != nil {
		return nil, perr.NotFoundf("connector_id", "no connector %s", r.ConnectorID)
	}
	if _, err := s.db.SQL.ExecContext(ctx, `INSERT INTO routing_rules (id, tenant_id, priority, connector_id, currency, country, card_brand, method_type, min_amount, max_amount, version, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`, r.ID, tenant, r.Priority, r.ConnectorID, r.Currency, r.Country, r.CardBrand, r.MethodType, r.MinAmount, r.MaxAmount, r.Version, store.Now()); err != nil {
		return nil, fmt.Errorf("insert routing rule: %w", err)
	}
	return r, nil
}

const ruleCols = `id, priority, connector_id, currency, country, card_brand, method_type, min_amount, max_amount, version, created_at`

func scanRule(row interface{ Scan(...any) error }) (*Rule, error) {
	r := &Rule{Object: "routing_rule"}
	err := row.Scan(&r.ID, &r.Priority, &r.ConnectorID, &r.Currency, &r.Country, &r.CardBrand, &r.MethodType, &r.MinAmount, &r.MaxAmount, &r.Version, &r.Created)
	r.Created /= 1000
	return r, err
}

// ListRules lists rules by priority (cursor: rule id, within the id order).
func (s *Service) ListRules(ctx context.Context, tenant, cursor string, limit int) ([]*Rule, error) {
	rows, err := s.db.SQL.QueryContext(ctx, `SELECT `+ruleCols+` FROM routing_rules WHERE tenant_id = $1 AND id > $2 ORDER BY id LIMIT $3`, tenant, cursor, limit)
	if err != nil {
		return nil, fmt.Errorf("list routing rules: %w", err)
	}
	defer rows.Close()
	var out []*Rule
	for rows.Next() {
		r, err := scanRule(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// PatchRule changes a rule.
func (s *Service) PatchRule(ctx context.Context, tenant, id string, in RuleInput) (*Rule, error) {
	r, err := scanRule(s.db.SQL.QueryRowContext(ctx, `SELECT `+ruleCols+` FROM routing_rules WHERE id = $1 AND tenant_id = $2`, id, tenant))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, perr.NotFoundf("id", "no routing rule %s", id)
	}
	if err != nil {
		return nil, err
	}
	if err := r.apply(in); err != nil {
		return nil, err
	}
	res, err := s.db.SQL.ExecContext(ctx, `UPDATE routing_rules SET priority = $1, connector_id = $2, currency = $3, country = $4, card_brand = $5, method_type = $6, min_amount = $7, max_amount = $8, version = version + 1
		WHERE id = $9 AND tenant_id = $10 AND version = $11`, r.Priority, r.ConnectorID, r.Currency, r.Country, r.CardBrand, r.MethodType, r.MinAmount, r.MaxAmount, id, tenant, r.Version)
	if err != nil {
		return nil, err
	}
	if store.Affected(res) == 0 {
		return nil, &perr.Error{Kind: perr.PreconditionFailed, Code: "version_mismatch", Message: "the rule changed concurrently; retry"}
	}
	r.Version++
	return r, nil
}

// DeleteRule removes a rule.
func (s *Service) DeleteRule(ctx context.Context, tenant, id string) error {
	res, err := s.db.SQL.ExecContext(ctx, `DELETE FROM routing_rules WHERE id = $1 AND tenant_id = $2`, id, tenant)
	if err != nil {
		return err
	}
	if store.Affected(res) == 0 {
		return perr.NotFoundf("id", "no routing rule %s", id)
	}
	return nil
}

// route returns the connectors to try for intent paid with m, in order:
// the connectors of matching rules by priority, then (when no rule
// matches) every enabled connector by age.
func (s *Service) route(ctx context.Context, tenant string, in *Intent, m *Method) ([]*Connector, error) {
	rows, err := s.db.SQL.QueryContext(ctx, `SELECT `+ruleCols+` FROM routing_rules WHERE tenant_id = $1 ORDER BY priority, id`, tenant)
	if err != nil {
		return nil, fmt.Errorf("routing rules: %w", err)
	}
	var ids []string
	for rows.Next() {
		r, err := scanRule(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		if r.matches(in, m) && !slices.Contains(ids, r.ConnectorID) {
			ids = append(ids, r.ConnectorID)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if m != nil && m.ConnectorID != "" {
		// A connector token only works at the connector that issued it.
		ids = []string{m.ConnectorID}
	}
	var out []*Connector
	if len(ids) == 0 {
		all, err := s.ListConnectors(ctx, tenant, "", 1000)
		if err != nil {
			return nil, err
		}
		for _, c := range all {
			if c.Enabled {
				out = append(out, c)
			}
		}
		return out, nil
	}
	for _, id := range ids {
		c, err := s.GetConnector(ctx, tenant, id)
		if err != nil {
			var pe *perr.Error
			if errors.As(err, &pe) && pe.Kind == perr.NotFound {
				continue
			}
			return nil, err
		}
		if c.Enabled {
			out = append(out, c)
		}
	}
	return out, nil
}

func (r *Rule) matches(in *Intent, m *Method) bool {
	if r.Currency != "" && r.Currency != in.Currency {
		return false
	}
	if r.Country != "" && r.Country != in.Country {
		return false
	}
	if r.CardBrand != "" && (m == nil || r.CardBrand != m.Brand) {
		return false
	}
	if r.MethodType != "" && (m == nil || r.MethodType != m.Type) {
		return false
	}
	if in.Amount < r.MinAmount || (r.MaxAmount > 0 && in.Amount > r.MaxAmount) {
		return false
	}
	return true
}
