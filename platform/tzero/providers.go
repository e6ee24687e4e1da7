package tzero

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"google.golang.org/protobuf/proto"

	"github.com/connectorhost/connector-host/gen/ivms101/v1/ivms"
	"github.com/connectorhost/connector-host/platform/tzero/sigauth"
)

// Provider is a registered network participant: a beneficiary and/or pay-in
// provider.
type Provider struct {
	// ID is the provider's T-0 provider id (> 0).
	ID uint32
	// Name is a label for operators.
	Name string
	// PublicKey is the provider's secp256k1 public key (hex, 0x optional,
	// compressed or uncompressed); stored canonical (uncompressed, 0x).
	PublicKey string
	// BaseURL is where the provider serves PayInProviderService and/or
	// BeneficiaryService (http or https).
	BaseURL string
	// LegalEntities are the provider's legal entities with their IVMS101
	// travel-rule data; at least one.
	LegalEntities []LegalEntity
}

// LegalEntity is one legal entity of a provider.
type LegalEntity struct {
	// ID is the legal entity id (> 0, unique across the network).
	ID uint32
	// Person is its IVMS101 legal person data, sent as travel-rule data.
	Person *ivms.LegalPerson
}

// ErrNotFound is returned for an unknown provider or batch.
var ErrNotFound = errors.New("not found")

// InvalidError is a registry input error; Field names the field as written.
type InvalidError struct {
	Field, Reason string
}

func (e *InvalidError) Error() string { return e.Field + ": " + e.Reason }

func (p *Provider) check() error {
	if p.ID == 0 {
		return &InvalidError{"id", "must be greater than zero"}
	}
	if strings.TrimSpace(p.Name) == "" {
		return &InvalidError{"name", "required"}
	}
	k, err := sigauth.ParsePublicKey(p.PublicKey)
	if err != nil {
		return &InvalidError{"public_key", err.Error()}
	}
	p.PublicKey = sigauth.FormatPublicKey(k)
	u, err := url.Parse(p.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return &InvalidError{"base_url", "must be an absolute http or https URL"}
	}
	if len(p.LegalEntities) == 0 {
		return &InvalidError{"legal_entities", "at least one legal entity is required"}
	}
	seen := map[uint32]bool{}
	for i, le := range p.LegalEntities {
		f := fmt.Sprintf("legal_entities[%d]", i)
		if le.ID == 0 {
			return &InvalidError{f + ".id", "must be greater than zero"}
		}
		if seen[le.ID] {
			return &InvalidError{f + ".id", fmt.Sprintf("duplicate legal entity id %d", le.ID)}
		}
		seen[le.ID] = true
		if le.Person == nil || le.Person.GetName() == nil {
			return &InvalidError{f + ".legal_person", "IVMS101 legal person with a name is required"}
		}
	}
	return nil
}

// PutProvider registers a provider or replaces its registration (key, URL,
// legal entities) atomically.
func (s *Service) PutProvider(ctx context.Context, p Provider) error {
	if err := p.check(); err != nil {
		return err
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("tzero: put provider: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	var other uint32
	err = tx.QueryRowContext(ctx, `SELECT id FROM tzero_providers WHERE public_key = $1 AND id <> $2`, p.PublicKey, p.ID).Scan(&other)
	if err == nil {
		return &InvalidError{"public_key", fmt.Sprintf("already registered to provider %d", other)}
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("tzero: put provider %d: %w", p.ID, err)
	}
	for i, le := range p.LegalEntities {
		err = tx.QueryRowContext(ctx, `SELECT provider_id FROM tzero_legal_entities WHERE id = $1 AND provider_id <> $2`, le.ID, p.ID).Scan(&other)
		if err == nil {
			return &InvalidError{fmt.Sprintf("legal_entities[%d].id", i), fmt.Sprintf("legal entity %d belongs to provider %d", le.ID, other)}
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("tzero: put provider %d: %w", p.ID, err)
		}
	}
	res, err := tx.ExecContext(ctx, `UPDATE tzero_providers SET name = $2, public_key = $3, base_url = $4 WHERE id = $1`,
		p.ID, p.Name, p.PublicKey, p.BaseURL)
	if err != nil {
		return fmt.Errorf("tzero: put provider %d: %w", p.ID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		if _, err := tx.ExecContext(ctx, `INSERT INTO tzero_providers (id, name, public_key, base_url, created_ms) VALUES ($1, $2, $3, $4, $5)`,
			p.ID, p.Name, p.PublicKey, p.BaseURL, s.nowMs()); err != nil {
			return fmt.Errorf("tzero: put provider %d: %w", p.ID, err)
		}
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM tzero_legal_entities WHERE provider_id = $1`, p.ID); err != nil {
		return fmt.Errorf("tzero: put provider %d: %w", p.ID, err)
	}
	for _, le := range p.LegalEntities {
		b, err := proto.Marshal(le.Person)
		if err != nil {
			return fmt.Errorf("tzero: put provider %d: legal entity %d: %w", p.ID, le.ID, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO tzero_legal_entities (id, provider_id, legal_person) VALUES ($1, $2, $3)`,
			le.ID, p.ID, b); err != nil {
			return fmt.Errorf("tzero: put provider %d: legal entity %d (is the id used by another provider?): %w", p.ID, le.ID, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("tzero: put provider %d: %w", p.ID, err)
	}
	return nil
}

// GetProvider returns a provider with its legal entities, or ErrNotFound.
func (s *Service) GetProvider(ctx context.Context, id uint32) (*Provider, error) {
	return s.loadProvider(ctx, `WHERE id = $1`, id)
}

func (s *Service) loadProvider(ctx context.Context, where string, arg any) (*Provider, error) {
	p := &Provider{}
	err := s.db.QueryRowContext(ctx, `SELECT id, name, public_key, base_url FROM tzero_providers `+where, arg).
		Scan(&p.ID, &p.Name, &p.PublicKey, &p.BaseURL)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("tzero: load provider: %w", err)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT id, legal_person FROM tzero_legal_entities WHERE provider_id = $1 ORDER BY id`, p.ID)
	if err != nil {
		return nil, fmt.Errorf("tzero: load provider %d: %w", p.ID, err)
	}
	defer rows.Close()
	for rows.Next() {
		var le LegalEntity
		var b []byte
		if err := rows.Scan(&le.ID, &b); err != nil {
			return nil, fmt.Errorf("tzero: load provider %d: %w", p.ID, err)
		}
		le.Person = &ivms.LegalPerson{}
		if err := proto.Unmarshal(b, le.Person); err != nil {
			return nil, fmt.Errorf("tzero: load provider %d: legal entity %d: %w", p.ID, le.ID, err)
		}
		p.LegalEntities = append(p.LegalEntities, le)
	}
	return p, rows.Err()
}

// ListProviders returns every provider, by id.
func (s *Service) ListProviders(ctx context.Context) ([]*Provider, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id FROM tzero_providers ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("tzero: list providers: %w", err)
	}
	var ids []uint32
	for rows.Next() {
		var id uint32
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, fmt.Errorf("tzero: list providers: %w", err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("tzero: list providers: %w", err)
	}
	out := make([]*Provider, 0, len(ids))
	for _, id := range ids {
		p, err := s.GetProvider(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// resolveKey is the sigauth.Resolver: the provider registered with the key.
func (s *Service) resolveKey(ctx context.Context, key string) (any, error) {
	p, err := s.loadProvider(ctx, `WHERE public_key = $1`, key)
	if errors.Is(err, ErrNotFound) {
		return nil, sigauth.ErrUnknownKey
	}
	if err != nil {
		return nil, err
	}
	return p, nil
}

func (p *Provider) legalEntity(id uint32) *LegalEntity {
	for i := range p.LegalEntities {
		if p.LegalEntities[i].ID == id {
			return &p.LegalEntities[i]
		}
	}
	return nil
}
