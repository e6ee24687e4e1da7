package api

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/connectorhost/connector-host/platform/perr"
	"github.com/connectorhost/connector-host/platform/store"
)

// Resources a key's scopes name ("RESOURCE:read", "RESOURCE:write", or "*").
var Resources = []string{"intents", "methods", "refunds", "connectors", "routing", "webhooks", "keys", "disputes"}

// Key is an API key; Secret is set only in the answer that creates it.
type Key struct {
	ID      string   `json:"id"`
	Object  string   `json:"object"`
	Name    string   `json:"name"`
	Tenant  string   `json:"tenant_id"`
	Prefix  string   `json:"prefix"`
	Scopes  []string `json:"scopes"`
	Secret  string   `json:"secret,omitempty"`
	Created int64    `json:"created"`
}

var tenantRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

func hashKey(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}

func checkScopes(scopes []string) error {
	if len(scopes) == 0 {
		return perr.Missing("scopes")
	}
	for i, s := range scopes {
		if s == "*" {
			continue
		}
		res, act, ok := strings.Cut(s, ":")
		if !ok || !slices.Contains(Resources, res) || (act != "read" && act != "write") {
			return perr.Invalid(fmt.Sprintf("scopes[%d]", i), "scope %q is not RESOURCE:read or RESOURCE:write (resources: %s) or *", s, strings.Join(Resources, ", "))
		}
	}
	return nil
}

// CreateKey makes a key for tenant with scopes and returns it with its
// secret, which is stored only as a SHA-256 hash (the secret is 256 random
// bits, so a fast hash is enough) and never shown again.
func CreateKey(ctx context.Context, db *store.DB, tenant, name string, scopes []string) (*Key, error) {
	if !tenantRE.MatchString(tenant) {
		return nil, perr.Invalid("tenant_id", "tenant_id must be 1-64 characters of [A-Za-z0-9_-]")
	}
	if err := checkScopes(scopes); err != nil {
		return nil, err
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return nil, fmt.Errorf("key: %w", err)
	}
	secret := "pk_" + hex.EncodeToString(b)
	k := &Key{ID: store.NewID("key"), Object: "api_key", Name: name, Tenant: tenant, Prefix: secret[:10], Scopes: scopes, Secret: secret, Created: store.Now() / 1000}
	if _, err := db.SQL.ExecContext(ctx, `INSERT INTO api_keys (id, tenant_id, name, hash, prefix, scopes, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		k.ID, tenant, name, hashKey(secret), k.Prefix, strings.Join(scopes, ","), store.Now()); err != nil {
		return nil, fmt.Errorf("insert key: %w", err)
	}
	return k, nil
}

// CountKeys is how many live keys exist (the command bootstraps the first).
func CountKeys(ctx context.Context, db *store.DB) (int, error) {
	var n int
	err := db.SQL.QueryRowContext(ctx, `SELECT COUNT(*) FROM api_keys WHERE revoked_at = 0`).Scan(&n)
	return n, err
}

// principal is the caller an API key identifies.
type principal struct {
	keyID  string
	tenant string
	scopes []string
}

func (p *principal) allows(scope string) bool {
	res, act, _ := strings.Cut(scope, ":")
	for _, s := range p.scopes {
		if s == "*" || s == scope || (act == "read" && s == res+":write") {
			return true
		}
	}
	return false
}

func authenticate(ctx context.Context, db *store.DB, header string) (*principal, error) {
	secret, ok := strings.CutPrefix(header, "Bearer ")
	if header == "" {
		return nil, &perr.Error{Kind: perr.Unauthenticated, Code: "api_key_missing", Param: "Authorization", Message: "send Authorization: Bearer <api key>"}
	}
	if !ok || secret == "" {
		return nil, &perr.Error{Kind: perr.Unauthenticated, Code: "api_key_invalid", Param: "Authorization", Message: "the Authorization header must be Bearer <api key>"}
	}
	p := &principal{}
	var scopes string
	err := db.SQL.QueryRowContext(ctx, `SELECT id, tenant_id, scopes FROM api_keys WHERE hash = $1 AND revoked_at = 0`, hashKey(secret)).Scan(&p.keyID, &p.tenant, &scopes)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, &perr.Error{Kind: perr.Unauthenticated, Code: "api_key_invalid", Param: "Authorization", Message: "unknown or revoked API key"}
	}
	if err != nil {
		return nil, fmt.Errorf("authenticate: %w", err)
	}
	p.scopes = strings.Split(scopes, ",")
	return p, nil
}

func listKeys(ctx context.Context, db *store.DB, tenant, cursor string, limit int) ([]*Key, error) {
	rows, err := db.SQL.QueryContext(ctx, `SELECT id, name, tenant_id, prefix, scopes, created_at FROM api_keys WHERE tenant_id = $1 AND revoked_at = 0 AND id > $2 ORDER BY id LIMIT $3`, tenant, cursor, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Key
	for rows.Next() {
		k := &Key{Object: "api_key"}
		var scopes string
		if err := rows.Scan(&k.ID, &k.Name, &k.Tenant, &k.Prefix, &scopes, &k.Created); err != nil {
			return nil, err
		}
		k.Scopes, k.Created = strings.Split(scopes, ","), k.Created/1000
		out = append(out, k)
	}
	return out, rows.Err()
}

func revokeKey(ctx context.Context, db *store.DB, tenant, id string) error {
	res, err := db.SQL.ExecContext(ctx, `UPDATE api_keys SET revoked_at = $1 WHERE id = $2 AND tenant_id = $3 AND revoked_at = 0`, store.Now(), id, tenant)
	if err != nil {
		return err
	}
	if store.Affected(res) == 0 {
		return perr.NotFoundf("id", "no API key %s", id)
	}
	return nil
}
