package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/connectorhost/connector-host/platform/perr"
	"github.com/connectorhost/connector-host/platform/store"
)

// errorBody is the one error shape.
type errorBody struct {
	Error struct {
		Type    string `json:"type"`
		Code    string `json:"code"`
		Message string `json:"message"`
		Param   string `json:"param,omitempty"`
	} `json:"error"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

func writeError(w http.ResponseWriter, log *slog.Logger, r *http.Request, err error) {
	pe := perr.As(err)
	if pe.Kind == perr.Internal || pe.Err != nil {
		// The cause may be detailed; it goes to the log, never to the caller.
		log.LogAttrs(r.Context(), slog.LevelWarn, "request failed", slog.String("method", r.Method), slog.String("path", r.URL.Path),
			slog.String("code", pe.Code), slog.Any("error", pe.Err))
	}
	var b errorBody
	b.Error.Type, b.Error.Code, b.Error.Message, b.Error.Param = pe.Type(), pe.Code, pe.Message, pe.Param
	writeJSON(w, pe.Status(), b)
}

const maxBody = 1 << 20

// readBody reads the request body (at most 1 MiB).
func readBody(r *http.Request) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil {
		return nil, perr.Invalid("", "could not read the request body")
	}
	if len(b) > maxBody {
		return nil, perr.Invalid("", "the request body is larger than 1 MiB")
	}
	return b, nil
}

// decode parses body strictly into v: unknown fields and wrong types are
// errors naming the field.
func decode(body []byte, v any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		body = []byte("{}")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil && dec.More() {
		err = errors.New("trailing data")
	}
	if err == nil {
		return nil
	}
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &te):
		return perr.Invalid(te.Field, "%s must be a %s, not a JSON %s", te.Field, jsonKind(te.Type.Kind().String()), te.Value)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		f := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return &perr.Error{Kind: perr.InvalidRequest, Code: "parameter_unknown", Param: f, Message: fmt.Sprintf("unknown field %q", f)}
	}
	return perr.Invalid("", "the body is not a JSON object: %v", err)
}

func jsonKind(k string) string {
	switch {
	case strings.HasPrefix(k, "int"), strings.HasPrefix(k, "uint"):
		return "integer"
	case k == "map", k == "struct":
		return "object"
	case k == "slice":
		return "array"
	case k == "bool":
		return "boolean"
	}
	return k
}

// page is a list answer.
type page[T any] struct {
	Object     string `json:"object"`
	Data       []T    `json:"data"`
	HasMore    bool   `json:"has_more"`
	NextCursor string `json:"next_cursor,omitempty"`
}

// pageParams reads cursor and limit (default 10, 1-100).
func pageParams(r *http.Request) (cursor string, limit int, err error) {
	cursor, limit = r.URL.Query().Get("cursor"), 10
	if s := r.URL.Query().Get("limit"); s != "" {
		n, perr2 := strconv.Atoi(s)
		if perr2 != nil || n < 1 || n > 100 {
			return "", 0, perr.Invalid("limit", "limit must be an integer from 1 to 100")
		}
		limit = n
	}
	return cursor, limit, nil
}

// makePage turns limit+1 rows into a page.
func makePage[T any](rows []T, limit int, id func(T) string) page[T] {
	p := page[T]{Object: "list", Data: rows}
	if p.Data == nil {
		p.Data = []T{}
	}
	if len(rows) > limit {
		p.Data, p.HasMore = rows[:limit], true
		p.NextCursor = id(rows[limit-1])
	}
	return p
}

// recorder captures a response for the idempotency store.
type recorder struct {
	http.ResponseWriter
	status int
	buf    bytes.Buffer
}

func (r *recorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	r.buf.Write(b)
	return r.ResponseWriter.Write(b)
}

// Idempotency-Key handling. A key lives 24 hours; a request still running
// holds it for at most idemLease (after that it is presumed dead and a
// retry takes over).
const (
	idemTTL   = 24 * time.Hour
	idemLease = 5 * time.Minute
)

// idempotent runs next at most once per (tenant, Idempotency-Key): a retry
// with the same body gets the stored answer, with another body a 422, and
// while the first is still running a 409. 5xx answers are not stored, so
// the request may be retried with the same key.
func idempotent(ctx context.Context, db *store.DB, tenant string, w http.ResponseWriter, r *http.Request, body []byte, next func(w http.ResponseWriter)) error {
	key := r.Header.Get("Idempotency-Key")
	if key == "" {
		next(w)
		return nil
	}
	if len(key) > 255 {
		return perr.Invalid("Idempotency-Key", "Idempotency-Key is longer than 255 characters")
	}
	sum := sha256.Sum256(append([]byte(r.Method+" "+r.URL.Path+"\n"), body...))
	hash := hex.EncodeToString(sum[:])
	now := store.Now()
	// Expired keys are forgotten first.
	if _, err := db.SQL.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE tenant_id = $1 AND idem_key = $2 AND created_at < $3`, tenant, key, now-idemTTL.Milliseconds()); err != nil {
		return fmt.Errorf("idempotency: %w", err)
	}
	lease := now + idemLease.Milliseconds()
	res, err := db.SQL.ExecContext(ctx, `INSERT INTO idempotency_keys (tenant_id, idem_key, method, path, body_hash, state, created_at, locked_until)
		VALUES ($1, $2, $3, $4, $5, 'running', $6, $7) ON CONFLICT DO NOTHING`, tenant, key, r.Method, r.URL.Path, hash, now, lease)
	if err != nil {
		return fmt.Errorf("idempotency: %w", err)
	}
	if store.Affected(res) == 0 {
		var state, storedHash, headers, stored string
		var status int
		var locked int64
		err := db.SQL.QueryRowContext(ctx, `SELECT state, body_hash, response_status, response_headers, response_body, locked_until FROM idempotency_keys WHERE tenant_id = $1 AND idem_key = $2`,
			tenant, key).Scan(&state, &storedHash, &status, &headers, &stored, &locked)
		if errors.Is(err, sql.ErrNoRows) {
			return perr.Conflictf("idempotency_request_in_flight", "a request with this Idempotency-Key just finished; retry")
		}
		if err != nil {
			return fmt.Errorf("idempotency: %w", err)
		}
		if storedHash != hash {
			return &perr.Error{Kind: perr.Unprocessable, Code: "idempotency_key_reused", Param: "Idempotency-Key",
				Message: "this Idempotency-Key was used with a different request (method, path or body); use a new key"}
		}
		if state == "running" {
			if locked > now {
				return perr.Conflictf("idempotency_request_in_flight", "a request with this Idempotency-Key is still running; retry later")
			}
			res, err := db.SQL.ExecContext(ctx, `UPDATE idempotency_keys SET locked_until = $1 WHERE tenant_id = $2 AND idem_key = $3 AND state = 'running' AND locked_until = $4`,
				lease, tenant, key, locked)
			if err != nil {
				return fmt.Errorf("idempotency: %w", err)
			}
			if store.Affected(res) == 0 {
				return perr.Conflictf("idempotency_request_in_flight", "a request with this Idempotency-Key is still running; retry later")
			}
		} else {
			if headers != "" {
				w.Header().Set("ETag", headers)
			}
			w.Header().Set("Idempotent-Replayed", "true")
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			_, _ = io.WriteString(w, stored)
			return nil
		}
	}
	rec := &recorder{ResponseWriter: w}
	done := false
	defer func() {
		if !done {
			_, _ = db.SQL.ExecContext(context.WithoutCancel(ctx), `DELETE FROM idempotency_keys WHERE tenant_id = $1 AND idem_key = $2 AND state = 'running'`, tenant, key)
		}
	}()
	next(rec)
	if rec.status >= 500 || rec.status == 0 {
		return nil // deferred delete: the key may be retried
	}
	if _, err := db.SQL.ExecContext(context.WithoutCancel(ctx), `UPDATE idempotency_keys SET state = 'done', response_status = $1, response_headers = $2, response_body = $3
		WHERE tenant_id = $4 AND idem_key = $5`, rec.status, rec.Header().Get("ETag"), rec.buf.String(), tenant, key); err != nil {
		return nil // the answer was sent; the deferred delete lets a retry run again
	}
	done = true
	return nil
}

// PurgeIdempotencyKeys forgets keys older than their 24 hours.
func PurgeIdempotencyKeys(ctx context.Context, db *store.DB) (int64, error) {
	res, err := db.SQL.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE created_at < $1`, store.Now()-idemTTL.Milliseconds())
	if err != nil {
		return 0, fmt.Errorf("purge idempotency keys: %w", err)
	}
	return store.Affected(res), nil
}
