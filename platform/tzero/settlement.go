package tzero

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/big"
	"sort"
	"time"

	"github.com/connectorhost/connector-host/gen/tzero/v1/common"
	"github.com/connectorhost/connector-host/platform/tzero/decimal"
)

// Batch statuses.
const (
	BatchOpen    = "OPEN"    // computed, not yet paid
	BatchSettled = "SETTLED" // marked paid by an operator
)

// Batch is one settlement netting run: for every pair of providers, what one
// owes the other in USD after netting their confirmed intents both ways.
type Batch struct {
	ID        uint64
	Created   time.Time
	Cutoff    time.Time
	Status    string
	SettledAt *time.Time
	Lines     []BatchLine
}

// BatchLine is a net obligation: Payer pays Payee Amount (USD) for Intents
// confirmed intents between them (either direction).
type BatchLine struct {
	PayerID uint32
	PayeeID uint32
	Amount  *common.Decimal
	Intents int
}

// RunSettlement nets every confirmed intent not yet in a batch and confirmed
// at or before cutoff into a new batch, and returns it (nil when there was
// nothing to settle). Each intent lands in exactly one batch even when runs
// overlap. A pay-in provider owes the beneficiary the intent's settlement
// amount; between two providers the opposite obligations cancel.
func (s *Service) RunSettlement(ctx context.Context, cutoff time.Time) (*Batch, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("tzero: settlement: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	var id uint64
	now := s.nowMs()
	if err := tx.QueryRowContext(ctx, `INSERT INTO tzero_settlement_batches (created_ms, cutoff_ms, status) VALUES ($1, $2, $3) RETURNING id`,
		now, cutoff.UnixMilli(), BatchOpen).Scan(&id); err != nil {
		return nil, fmt.Errorf("tzero: settlement: %w", err)
	}
	res, err := tx.ExecContext(ctx, `UPDATE tzero_intents SET batch_id = $1 WHERE status = $2 AND batch_id IS NULL AND confirmed_ms <= $3`,
		id, statusConfirmed, cutoff.UnixMilli())
	if err != nil {
		return nil, fmt.Errorf("tzero: settlement: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil, nil // rolls back the empty batch
	}
	rows, err := tx.QueryContext(ctx, `SELECT payin_provider_id, beneficiary_id, settlement_unscaled, settlement_exp FROM tzero_intents WHERE batch_id = $1`, id)
	if err != nil {
		return nil, fmt.Errorf("tzero: settlement: %w", err)
	}
	type pair struct{ lo, hi uint32 }
	net := map[pair]*big.Rat{} // > 0: lo pays hi
	count := map[pair]int{}
	for rows.Next() {
		var payer, payee uint32
		amt := &common.Decimal{}
		if err := rows.Scan(&payer, &payee, &amt.Unscaled, &amt.Exponent); err != nil {
			rows.Close()
			return nil, fmt.Errorf("tzero: settlement: %w", err)
		}
		if payer == payee {
			continue // a provider paying itself moves nothing
		}
		v, err := decimal.Rat(amt)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("tzero: settlement: %w", err)
		}
		k := pair{min(payer, payee), max(payer, payee)}
		if payer > payee {
			v.Neg(v)
		}
		if net[k] == nil {
			net[k] = new(big.Rat)
		}
		net[k].Add(net[k], v)
		count[k]++
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("tzero: settlement: %w", err)
	}
	b := &Batch{ID: id, Created: time.UnixMilli(now), Cutoff: time.UnixMilli(cutoff.UnixMilli()), Status: BatchOpen}
	for k, v := range net {
		l := BatchLine{PayerID: k.lo, PayeeID: k.hi, Intents: count[k]}
		if v.Sign() == 0 {
			continue
		}
		if v.Sign() < 0 {
			l.PayerID, l.PayeeID = k.hi, k.lo
			v = new(big.Rat).Neg(v)
		}
		amt, err := decimal.FromRat(v)
		if err != nil {
			return nil, fmt.Errorf("tzero: settlement %d→%d: %w", l.PayerID, l.PayeeID, err)
		}
		l.Amount = amt
		if _, err := tx.ExecContext(ctx, `INSERT INTO tzero_settlement_lines (batch_id, payer_id, payee_id, amount_unscaled, amount_exp, intents) VALUES ($1, $2, $3, $4, $5, $6)`,
			id, l.PayerID, l.PayeeID, amt.GetUnscaled(), amt.GetExponent(), l.Intents); err != nil {
			return nil, fmt.Errorf("tzero: settlement: %w", err)
		}
		b.Lines = append(b.Lines, l)
	}
	sortLines(b.Lines)
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("tzero: settlement: %w", err)
	}
	s.log.InfoContext(ctx, "tzero: settlement batch created", "batch", id, "lines", len(b.Lines))
	return b, nil
}

func sortLines(l []BatchLine) {
	sort.Slice(l, func(i, j int) bool {
		if l[i].PayerID != l[j].PayerID {
			return l[i].PayerID < l[j].PayerID
		}
		return l[i].PayeeID < l[j].PayeeID
	})
}

// ListBatches returns every settlement batch with its lines, newest first.
func (s *Service) ListBatches(ctx context.Context) ([]*Batch, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, created_ms, cutoff_ms, status, settled_ms FROM tzero_settlement_batches ORDER BY id DESC`)
	if err != nil {
		return nil, fmt.Errorf("tzero: list batches: %w", err)
	}
	var out []*Batch
	for rows.Next() {
		b := &Batch{}
		var created, cutoff int64
		var settled *int64
		if err := rows.Scan(&b.ID, &created, &cutoff, &b.Status, &settled); err != nil {
			rows.Close()
			return nil, fmt.Errorf("tzero: list batches: %w", err)
		}
		b.Created, b.Cutoff = time.UnixMilli(created), time.UnixMilli(cutoff)
		if settled != nil {
			t := time.UnixMilli(*settled)
			b.SettledAt = &t
		}
		out = append(out, b)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("tzero: list batches: %w", err)
	}
	for _, b := range out {
		if b.Lines, err = s.batchLines(ctx, b.ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (s *Service) batchLines(ctx context.Context, id uint64) ([]BatchLine, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT payer_id, payee_id, amount_unscaled, amount_exp, intents FROM tzero_settlement_lines WHERE batch_id = $1 ORDER BY payer_id, payee_id`, id)
	if err != nil {
		return nil, fmt.Errorf("tzero: batch %d lines: %w", id, err)
	}
	defer rows.Close()
	var out []BatchLine
	for rows.Next() {
		l := BatchLine{Amount: &common.Decimal{}}
		if err := rows.Scan(&l.PayerID, &l.PayeeID, &l.Amount.Unscaled, &l.Amount.Exponent, &l.Intents); err != nil {
			return nil, fmt.Errorf("tzero: batch %d lines: %w", id, err)
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// ErrAlreadySettled is returned when marking a batch that is already settled.
var ErrAlreadySettled = errors.New("batch already settled")

// MarkSettled marks an open batch settled (exactly once).
func (s *Service) MarkSettled(ctx context.Context, id uint64) error {
	res, err := s.db.ExecContext(ctx, `UPDATE tzero_settlement_batches SET status = $1, settled_ms = $2 WHERE id = $3 AND status = $4`,
		BatchSettled, s.nowMs(), id, BatchOpen)
	if err != nil {
		return fmt.Errorf("tzero: mark batch %d settled: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return nil
	}
	var status string
	err = s.db.QueryRowContext(ctx, `SELECT status FROM tzero_settlement_batches WHERE id = $1`, id).Scan(&status)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("tzero: batch %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("tzero: mark batch %d settled: %w", id, err)
	}
	return fmt.Errorf("tzero: batch %d: %w", id, ErrAlreadySettled)
}
