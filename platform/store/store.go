// Package store opens the platform's SQL database — embedded SQLite (pure
// Go, modernc.org/sqlite) or PostgreSQL (pgx through database/sql) — and
// applies the platform's migrations. One set of SQL serves both: $N
// placeholders, BIGINT unix-millisecond timestamps, TEXT ids, and
// conditional UPDATEs (… WHERE status = $x) for every state change.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	_ "modernc.org/sqlite"             // registers the "sqlite" database/sql driver
)

// Dialect names.
const (
	SQLite   = "sqlite"
	Postgres = "postgres"
)

// DB is an open platform database.
type DB struct {
	// SQL is the connection pool; other packages may run their own
	// migrations and queries on it.
	SQL *sql.DB
	// Dialect is SQLite or Postgres.
	Dialect string
}

// Open opens the database named by url: "postgres://…" or "postgresql://…"
// for PostgreSQL, otherwise a SQLite path or "sqlite:PATH" / "file:PATH".
// Open does not migrate; call Migrate.
func Open(ctx context.Context, url string) (*DB, error) {
	var d *DB
	switch {
	case strings.HasPrefix(url, "postgres://"), strings.HasPrefix(url, "postgresql://"):
		db, err := sql.Open("pgx", url)
		if err != nil {
			return nil, fmt.Errorf("open postgres: %w", err)
		}
		db.SetMaxOpenConns(20)
		db.SetMaxIdleConns(20)
		d = &DB{SQL: db, Dialect: Postgres}
	default:
		path := strings.TrimPrefix(strings.TrimPrefix(url, "sqlite:"), "file:")
		if path == "" {
			return nil, errors.New("open sqlite: empty path")
		}
		sep := "?"
		if strings.Contains(path, "?") {
			sep = "&"
		}
		dsn := "file:" + path + sep + "_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)"
		db, err := sql.Open("sqlite", dsn)
		if err != nil {
			return nil, fmt.Errorf("open sqlite: %w", err)
		}
		// One connection: SQLite has one writer, and a single connection
		// serializes transactions without SQLITE_BUSY upgrade failures.
		// Callers never hold a transaction across a processor call.
		db.SetMaxOpenConns(1)
		d = &DB{SQL: db, Dialect: SQLite}
	}
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := d.SQL.PingContext(pctx); err != nil {
		d.SQL.Close()
		return nil, fmt.Errorf("open %s: %w", d.Dialect, err)
	}
	return d, nil
}

// Close closes the pool.
func (d *DB) Close() error { return d.SQL.Close() }

// Tx runs fn in a transaction, committing when it returns nil.
func (d *DB) Tx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := d.SQL.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// Migration is one schema change, applied once, in order.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

// Migrate applies the platform's migrations that have not run yet.
func (d *DB) Migrate(ctx context.Context) error {
	return d.MigrateSet(ctx, "platform", migrations)
}

// MigrateSet applies set's migrations not yet recorded under name (each
// package that keeps tables on this database uses its own name). Each
// migration runs in its own transaction; on PostgreSQL an advisory lock
// keeps several instances starting at once from racing.
func (d *DB) MigrateSet(ctx context.Context, name string, set []Migration) error {
	if _, err := d.SQL.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		set_name TEXT NOT NULL, version INTEGER NOT NULL, name TEXT NOT NULL, applied_at BIGINT NOT NULL,
		PRIMARY KEY (set_name, version))`); err != nil {
		return fmt.Errorf("migrate %s: %w", name, err)
	}
	for _, m := range set {
		err := d.Tx(ctx, func(tx *sql.Tx) error {
			if d.Dialect == Postgres {
				if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(7262001)`); err != nil {
					return err
				}
			}
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE set_name = $1 AND version = $2`, name, m.Version).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return nil
			}
			for _, stmt := range splitStatements(m.SQL) {
				if _, err := tx.ExecContext(ctx, stmt); err != nil {
					return fmt.Errorf("%q: %w", firstLine(stmt), err)
				}
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (set_name, version, name, applied_at) VALUES ($1, $2, $3, $4)`,
				name, m.Version, m.Name, time.Now().UnixMilli())
			return err
		})
		if err != nil {
			return fmt.Errorf("migrate %s %d (%s): %w", name, m.Version, m.Name, err)
		}
	}
	return nil
}

func splitStatements(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ";") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// Affected reports how many rows res changed (0 on error).
func Affected(res sql.Result) int64 {
	n, err := res.RowsAffected()
	if err != nil {
		return 0
	}
	return n
}

// IsUniqueViolation reports whether err is a unique-constraint violation on
// either database.
func IsUniqueViolation(err error) bool {
	if err == nil {
		return false
	}
	s := err.Error()
	return strings.Contains(s, "UNIQUE constraint failed") || strings.Contains(s, "SQLSTATE 23505") || strings.Contains(s, "duplicate key value")
}
