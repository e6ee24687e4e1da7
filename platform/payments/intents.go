package payments

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"connectrpc.com/connect"
	"google.golang.org/protobuf/encoding/protojson"

	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/money"
	"github.com/connectorhost/connector-host/platform/connectors"
	"github.com/connectorhost/connector-host/platform/perr"
	"github.com/connectorhost/connector-host/platform/store"
	"github.com/connectorhost/connector-host/platform/webhooks"
)

var (
	currencyRE = regexp.MustCompile(`^[A-Z]{3}$`)
	countryRE  = regexp.MustCompile(`^[A-Z]{2}$`)
)

// checkMoney validates an amount and currency as the connector API does.
func checkMoney(amountParam string, amount int64, currency string) error {
	if amount <= 0 {
		return perr.Invalid(amountParam, "%s must be a positive integer in the currency's minor unit", amountParam)
	}
	if currency == "" {
		return perr.Missing("currency")
	}
	if !currencyRE.MatchString(currency) || !money.Known(currency) {
		return perr.Invalid("currency", "currency must be an ISO-4217 code in upper case (USD, EUR, JPY), got %q", currency)
	}
	return nil
}

// IntentInput creates or patches an intent.
type IntentInput struct {
	Amount          *int64            `json:"amount"`
	Currency        *string           `json:"currency"`
	CaptureMethod   *string           `json:"capture_method"`
	CustomerID      *string           `json:"customer_id"`
	PaymentMethodID *string           `json:"payment_method_id"`
	Country         *string           `json:"country"`
	Description     *string           `json:"description"`
	Metadata        map[string]string `json:"metadata"`
}

func (in *Intent) apply(x IntentInput) error {
	if x.Amount != nil {
		in.Amount = *x.Amount
	}
	if x.Currency != nil {
		in.Currency = *x.Currency
	}
	if x.CaptureMethod != nil {
		in.CaptureMethod = *x.CaptureMethod
	}
	if x.CustomerID != nil {
		in.CustomerID = *x.CustomerID
	}
	if x.Country != nil {
		if *x.Country != "" && !countryRE.MatchString(*x.Country) {
			return perr.Invalid("country", "country must be an ISO-3166 alpha-2 code like US")
		}
		in.Country = *x.Country
	}
	if x.Description != nil {
		if len(*x.Description) > 1000 {
			return perr.Invalid("description", "description is longer than 1000 characters")
		}
		in.Description = *x.Description
	}
	if x.Metadata != nil {
		if len(x.Metadata) > 50 {
			return perr.Invalid("metadata", "at most 50 metadata keys")
		}
		in.Metadata = x.Metadata
	}
	if in.CaptureMethod != "automatic" && in.CaptureMethod != "manual" {
		return perr.Invalid("capture_method", "capture_method must be automatic or manual")
	}
	return checkMoney("amount", in.Amount, in.Currency)
}

// CreateIntent creates an intent (requires_payment_method, or
// requires_confirmation when a payment method is given).
func (s *Service) CreateIntent(ctx context.Context, tenant string, x IntentInput) (*Intent, error) {
	if x.Amount == nil {
		return nil, perr.Missing("amount")
	}
	if x.Currency == nil {
		return nil, perr.Missing("currency")
	}
	in := &Intent{ID: store.NewID("pi"), Object: "payment_intent", Status: StatusRequiresPaymentMethod, CaptureMethod: "automatic",
		Metadata: map[string]string{}, Version: 1, tenant: tenant}
	if err := in.apply(x); err != nil {
		return nil, err
	}
	if x.PaymentMethodID != nil && *x.PaymentMethodID != "" {
		if _, err := s.GetMethod(ctx, tenant, *x.PaymentMethodID); err != nil {
			return nil, perr.NotFoundf("payment_method_id", "no payment method %s", *x.PaymentMethodID)
		}
		in.PaymentMethodID, in.Status = *x.PaymentMethodID, StatusRequiresConfirmation
	}
	meta, _ := json.Marshal(in.Metadata)
	now := store.Now()
	if _, err := s.db.SQL.ExecContext(ctx, `INSERT INTO intents (id, tenant_id, status, amount, currency, capture_method, customer_id, payment_method_id, country, description, metadata, version, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13)`,
		in.ID, tenant, in.Status, in.Amount, in.Currency, in.CaptureMethod, in.CustomerID, in.PaymentMethodID, in.Country, in.Description, string(meta), in.Version, now); err != nil {
		return nil, fmt.Errorf("insert intent: %w", err)
	}
	return s.GetIntent(ctx, tenant, in.ID)
}

const intentCols = `id, tenant_id, status, amount, currency, capture_method, customer_id, payment_method_id, country, description, metadata, connector_id,
	connector_transaction_id, amount_capturable, amount_captured, amount_refunded, attempt, next_action, last_error, version, created_at, updated_at,
	unresolved_seq, confirm_return_url, resolve_tries, unresolved_since, resend_stopped`

func scanIntent(row interface{ Scan(...any) error }) (*Intent, error) {
	in := &Intent{Object: "payment_intent"}
	var meta, next, lastErr string
	var stopped int
	if err := row.Scan(&in.ID, &in.tenant, &in.Status, &in.Amount, &in.Currency, &in.CaptureMethod, &in.CustomerID, &in.PaymentMethodID, &in.Country,
		&in.Description, &meta, &in.ConnectorID, &in.ConnectorTransactionID, &in.AmountCapturable, &in.AmountReceived, &in.AmountRefunded,
		&in.attempt, &next, &lastErr, &in.Version, &in.Created, &in.Updated, &in.unresolvedSeq, &in.returnURL, &in.resolveTries,
		&in.unresolvedSince, &stopped); err != nil {
		return nil, err
	}
	in.resendStopped = stopped == 1
	in.Created, in.Updated = in.Created/1000, in.Updated/1000
	if err := json.Unmarshal([]byte(meta), &in.Metadata); err != nil {
		return nil, fmt.Errorf("intent %s metadata: %w", in.ID, err)
	}
	if next != "" {
		in.NextAction = json.RawMessage(next)
	}
	if lastErr != "" {
		in.LastError = new(LastError)
		if err := json.Unmarshal([]byte(lastErr), in.LastError); err != nil {
			return nil, fmt.Errorf("intent %s last_error: %w", in.ID, err)
		}
	}
	return in, nil
}

// GetIntent reads an intent.
func (s *Service) GetIntent(ctx context.Context, tenant, id string) (*Intent, error) {
	in, err := scanIntent(s.db.SQL.QueryRowContext(ctx, `SELECT `+intentCols+` FROM intents WHERE id = $1 AND tenant_id = $2`, id, tenant))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, perr.NotFoundf("id", "no payment intent %s", id)
	}
	return in, err
}

// ListIntents lists intents after cursor, optionally of one customer.
func (s *Service) ListIntents(ctx context.Context, tenant, customer, cursor string, limit int) ([]*Intent, error) {
	rows, err := s.db.SQL.QueryContext(ctx, `SELECT `+intentCols+` FROM intents WHERE tenant_id = $1 AND id > $2 AND ($3 = '' OR customer_id = $3) ORDER BY id LIMIT $4`,
		tenant, cursor, customer, limit)
	if err != nil {
		return nil, fmt.Errorf("list intents: %w", err)
	}
	defer rows.Close()
	var out []*Intent
	for rows.Next() {
		in, err := scanIntent(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, in)
	}
	return out, rows.Err()
}

// PatchIntent changes an intent that has not been confirmed. ifVersion > 0
// makes the write conditional on that version (412 when stale); the write
// is always conditional on the version read, so no update is lost.
func (s *Service) PatchIntent(ctx context.Context, tenant, id string, x IntentInput, ifVersion int64) (*Intent, error) {
	in, err := s.GetIntent(ctx, tenant, id)
	if err != nil {
		return nil, err
	}
	if ifVersion > 0 && ifVersion != in.Version {
		return nil, &perr.Error{Kind: perr.PreconditionFailed, Code: "version_mismatch", Message: fmt.Sprintf("the intent is at version %d, not %d; read it again", in.Version, ifVersion)}
	}
	if in.Status != StatusRequiresPaymentMethod && in.Status != StatusRequiresConfirmation {
		return nil, perr.Conflictf("intent_unexpected_state", "an intent in status %s cannot be changed", in.Status)
	}
	if x.PaymentMethodID != nil {
		return nil, perr.Invalid("payment_method_id", "use POST /intents/{id}/attach-method to set the payment method")
	}
	if err := in.apply(x); err != nil {
		return nil, err
	}
	meta, _ := json.Marshal(in.Metadata)
	res, err := s.db.SQL.ExecContext(ctx, `UPDATE intents SET amount = $1, currency = $2, capture_method = $3, customer_id = $4, country = $5, description = $6, metadata = $7,
		version = version + 1, updated_at = $8 WHERE id = $9 AND tenant_id = $10 AND version = $11 AND status IN ('requires_payment_method', 'requires_confirmation')`,
		in.Amount, in.Currency, in.CaptureMethod, in.CustomerID, in.Country, in.Description, string(meta), store.Now(), id, tenant, in.Version)
	if err != nil {
		return nil, fmt.Errorf("update intent: %w", err)
	}
	if store.Affected(res) == 0 {
		return nil, &perr.Error{Kind: perr.PreconditionFailed, Code: "version_mismatch", Message: "the intent changed since it was read; read it again"}
	}
	return s.GetIntent(ctx, tenant, id)
}

// AttachMethod sets the intent's payment method.
func (s *Service) AttachMethod(ctx context.Context, tenant, id, methodID string) (*Intent, error) {
	if methodID == "" {
		return nil, perr.Missing("payment_method_id")
	}
	if _, err := s.GetMethod(ctx, tenant, methodID); err != nil {
		return nil, perr.NotFoundf("payment_method_id", "no payment method %s", methodID)
	}
	res, err := s.db.SQL.ExecContext(ctx, `UPDATE intents SET payment_method_id = $1, status = 'requires_confirmation', version = version + 1, updated_at = $2
		WHERE id = $3 AND tenant_id = $4 AND status IN ('requires_payment_method', 'requires_confirmation')`, methodID, store.Now(), id, tenant)
	if err != nil {
		return nil, fmt.Errorf("attach method: %w", err)
	}
	if store.Affected(res) == 0 {
		return nil, s.stateConflict(ctx, tenant, id, "attach a payment method")
	}
	return s.GetIntent(ctx, tenant, id)
}

// stateConflict explains why a conditional update matched nothing.
func (s *Service) stateConflict(ctx context.Context, tenant, id, what string) error {
	in, err := s.GetIntent(ctx, tenant, id)
	if err != nil {
		return err
	}
	return perr.Conflictf("intent_unexpected_state", "cannot %s: the intent is %s", what, in.Status)
}

// ConfirmInput confirms an intent.
type ConfirmInput struct {
	PaymentMethodID *string `json:"payment_method_id"`
	ReturnURL       *string `json:"return_url"`
}

// outcomeUnknownMessage tells the caller what an authorization without a
// definite answer means and what to do.
const outcomeUnknownMessage = "the connector did not give a definite answer (%s): the payment may have been authorized. " +
	"Confirm again to resend the SAME request (same idempotency key %s) to the SAME connector %s; it will not be sent to another connector"

// try is one authorization try: a connector and its position in the route
// (the seq of the idempotency key).
type try struct {
	c   *Connector
	seq int
}

// Confirm authorizes the intent through the routed connectors. Only a
// failure that sent nothing to the processor and means the connector could
// not take the call (its host or processor unreachable, its circuit open)
// falls back to the next eligible connector; a refusal or a decline does
// not. A failure after which the processor may have acted (a timeout, a
// broken connection, a 5xx, the same key still running) leaves the intent
// processing, bound to that try (connector and idempotency key), and
// answers outcome_unknown: a confirm again resends exactly that try, never
// another connector's, so the customer cannot be charged twice — while the
// processor still deduplicates its key (its idempotency window since the
// try's first send): past it, a 409 outcome_unknown_expired (or
// outcome_unknown_no_dedup) and nothing is resent. Every try
// is recorded. The processor-side idempotency key is intent id + attempt +
// position, so a confirm retried after a crash re-sends the same key.
func (s *Service) Confirm(ctx context.Context, tenant, id string, x ConfirmInput) (*Intent, error) {
	if x.PaymentMethodID != nil && *x.PaymentMethodID != "" {
		if _, err := s.AttachMethod(ctx, tenant, id, *x.PaymentMethodID); err != nil {
			return nil, err
		}
	}
	now := store.Now()
	lease := now + s.opts.Lease.Milliseconds()
	res, err := s.db.SQL.ExecContext(ctx, `UPDATE intents SET status = 'processing', attempt = attempt + 1, unresolved_seq = -1, resolve_tries = 0, next_resolve_at = 0,
		unresolved_since = 0, resend_stopped = 0, locked_until = $1, last_error = '', version = version + 1, updated_at = $2
		WHERE id = $3 AND tenant_id = $4 AND status = 'requires_confirmation'`, lease, now, id, tenant)
	if err != nil {
		return nil, fmt.Errorf("claim intent: %w", err)
	}
	if store.Affected(res) == 0 {
		// A confirm that died after claiming (the lease ran out), or whose
		// try got no definite answer (unresolved, lease released), is
		// driven again with the same attempt number, hence the same keys
		// (unless the try is no longer resent: past the processor's
		// idempotency window).
		res, err = s.db.SQL.ExecContext(ctx, `UPDATE intents SET locked_until = $1, version = version + 1, updated_at = $2
			WHERE id = $3 AND tenant_id = $4 AND status = 'processing' AND connector_transaction_id = '' AND resend_stopped = 0
			AND ((locked_until > 0 AND locked_until < $2) OR (unresolved_seq >= 0 AND locked_until = 0))`, lease, now, id, tenant)
		if err != nil {
			return nil, fmt.Errorf("reclaim intent: %w", err)
		}
		if store.Affected(res) == 0 {
			in, err := s.GetIntent(ctx, tenant, id)
			if err != nil {
				return nil, err
			}
			if in.Status == StatusRequiresPaymentMethod {
				return nil, &perr.Error{Kind: perr.InvalidRequest, Code: "payment_method_missing", Param: "payment_method_id", Message: "attach a payment method before confirming"}
			}
			if in.Status == StatusProcessing && in.unresolvedSeq >= 0 && in.resendStopped {
				return nil, stopped(in.LastError)
			}
			return nil, perr.Conflictf("intent_unexpected_state", "cannot confirm: the intent is %s", in.Status)
		}
	}
	returnURL := ""
	if x.ReturnURL != nil {
		returnURL = *x.ReturnURL
	}
	return s.authorizeClaimed(ctx, tenant, id, returnURL)
}

// authorizeClaimed sends the authorization of the intent id, claimed by
// the caller (processing, under its lease): the unresolved try again when
// there is one, else the routed connectors in order (returnURL is sent with
// a new try). It releases the claim whatever happens.
func (s *Service) authorizeClaimed(ctx context.Context, tenant, id, returnURL string) (*Intent, error) {
	in, err := s.GetIntent(ctx, tenant, id)
	if err != nil {
		return nil, err
	}
	// fail releases the claim with le; the caller may confirm again.
	fail := func(status string, le *LastError) error {
		b, _ := json.Marshal(le)
		_, err := s.db.SQL.ExecContext(context.WithoutCancel(ctx), `UPDATE intents SET status = $1, locked_until = 0, last_error = $2, unresolved_seq = -1,
			connector_id = CASE WHEN connector_transaction_id = '' THEN '' ELSE connector_id END, version = version + 1, updated_at = $3
			WHERE id = $4 AND status = 'processing' AND attempt = $5`, status, string(b), store.Now(), id, in.attempt)
		if err != nil {
			return fmt.Errorf("release intent %s: %w", id, err)
		}
		return nil
	}
	// keep releases the claim of an unresolved intent and leaves it bound
	// to its try, with le when not nil; the resolver resends the try after
	// the next backoff.
	keep := func(le *LastError) error {
		tries := in.resolveTries + 1
		q, args := `UPDATE intents SET locked_until = 0, resolve_tries = $4, next_resolve_at = $5, version = version + 1, updated_at = $1
			WHERE id = $2 AND status = 'processing' AND attempt = $3`, []any{store.Now(), id, in.attempt, tries, s.nextResolve(tries)}
		if le != nil {
			b, _ := json.Marshal(le)
			q, args = `UPDATE intents SET locked_until = 0, resolve_tries = $4, next_resolve_at = $5, last_error = $6, version = version + 1, updated_at = $1
				WHERE id = $2 AND status = 'processing' AND attempt = $3`, append(args, string(b))
		}
		if _, err := s.db.SQL.ExecContext(context.WithoutCancel(ctx), q, args...); err != nil {
			return fmt.Errorf("release intent %s: %w", id, err)
		}
		return nil
	}
	unresolved := in.unresolvedSeq >= 0
	m, err := s.GetMethod(ctx, tenant, in.PaymentMethodID)
	if err != nil {
		if unresolved {
			return nil, errors.Join(keep(nil), &perr.Error{Kind: perr.Conflict, Code: "payment_method_missing",
				Message: "the payment method of the unresolved authorization was deleted: it cannot be resent; the processor's webhook resolves the intent"})
		}
		if err := fail(StatusRequiresPaymentMethod, &LastError{Code: "payment_method_missing", Message: "the payment method was deleted"}); err != nil {
			return nil, err
		}
		return nil, perr.NotFoundf("payment_method_id", "no payment method %s", in.PaymentMethodID)
	}
	var tries []try
	if unresolved {
		// Resend exactly the try without a definite answer: same
		// connector, same key, same request.
		c, err := s.GetConnector(ctx, tenant, in.ConnectorID)
		if err != nil || !c.Enabled {
			return nil, errors.Join(keep(nil), &perr.Error{Kind: perr.Conflict, Code: "connector_unavailable",
				Message: fmt.Sprintf("the intent's unresolved authorization was sent to connector %s, which is deleted or disabled: it cannot be resent there, and is never sent to another connector; enable the connector and confirm again, or let the processor's webhook resolve the intent", in.ConnectorID)})
		}
		// Only while the processor still deduplicates the key.
		key := tryKey(in.ID, in.attempt, in.unresolvedSeq)
		switch v, werr := s.mayResend(ctx, c, in.unresolvedSince); v {
		case resendOK:
		case resendUnknownWindow:
			msg := fmt.Sprintf("the intent's authorization (idempotency key %s) got no definite answer and was not resent: the idempotency window of connector %s "+
				"could not be read (%s), and a resend is safe only within it; it is tried again later, and the processor's webhook resolves the intent", key, c.ID, errMessage(werr))
			return nil, errors.Join(keep(&LastError{Code: "outcome_unknown", Message: msg, ConnectorID: c.ID}),
				&perr.Error{Kind: perr.ConnectorUnavailable, Code: "outcome_unknown", Message: msg, Err: werr})
		default:
			pe := stoppedError(v, "authorization", key, c.ID)
			b, _ := json.Marshal(&LastError{Code: pe.Code, Message: pe.Message, ConnectorID: c.ID})
			if _, err := s.db.SQL.ExecContext(context.WithoutCancel(ctx), `UPDATE intents SET locked_until = 0, resend_stopped = 1, last_error = $1, version = version + 1, updated_at = $2
				WHERE id = $3 AND status = 'processing' AND attempt = $4`, string(b), store.Now(), id, in.attempt); err != nil {
				return nil, fmt.Errorf("stop resending intent %s: %w", id, err)
			}
			s.log.Warn("unresolved authorization no longer resent: reconcile it", "intent", id, "connector", c.ID, "code", pe.Code)
			return nil, pe
		}
		tries, returnURL = []try{{c: c, seq: in.unresolvedSeq}}, in.returnURL
	} else {
		cands, err := s.route(ctx, tenant, in, m)
		if err != nil {
			return nil, errors.Join(err, fail(StatusRequiresConfirmation, &LastError{Code: "routing_failed", Message: "routing failed"}))
		}
		if len(cands) == 0 {
			if err := fail(StatusRequiresConfirmation, &LastError{Code: "no_connector", Message: "no enabled connector matches this payment"}); err != nil {
				return nil, err
			}
			return nil, &perr.Error{Kind: perr.Unprocessable, Code: "no_connector", Message: "no enabled connector matches this payment; add a connector or a routing rule"}
		}
		for seq, c := range cands {
			tries = append(tries, try{c: c, seq: seq})
		}
	}
	capture := v1.CaptureMethod_CAPTURE_METHOD_AUTOMATIC
	if in.CaptureMethod == "manual" {
		capture = v1.CaptureMethod_CAPTURE_METHOD_MANUAL
	}
	var lastErr error
	for _, tr := range tries {
		c, seq := tr.c, tr.seq
		key := tryKey(in.ID, in.attempt, seq)
		req := &v1.PaymentServiceAuthorizeRequest{
			MerchantTransactionId: key,
			Amount:                &v1.Money{MinorAmount: in.Amount, Currency: in.Currency},
			PaymentMethod:         &v1.PaymentMethod{Method: &v1.PaymentMethod_Token{Token: &v1.ProcessorToken{Token: m.Token}}},
			CaptureMethod:         capture,
			Description:           in.Description,
			Metadata:              map[string]string{"intent_id": in.ID},
			ReturnUrl:             returnURL,
		}
		if cust := firstNonEmpty(in.CustomerID, m.CustomerID); cust != "" {
			req.Customer = &v1.Customer{Id: cust}
		}
		// Bind the intent to this try before sending it: a crash while it
		// is in flight leaves it to be resent, not routed afresh.
		// A new try's first send starts the processor's idempotency window
		// (on the resolver's clock); a resend keeps it.
		since := in.unresolvedSince
		if !unresolved {
			since = s.opts.Resolve.Now().UnixMilli()
		}
		if _, err := s.db.SQL.ExecContext(ctx, `UPDATE intents SET connector_id = $1, unresolved_seq = $2, confirm_return_url = $3, updated_at = $4, unresolved_since = $7
			WHERE id = $5 AND status = 'processing' AND attempt = $6`, c.ID, seq, returnURL, store.Now(), in.ID, in.attempt, since); err != nil {
			return nil, errors.Join(fmt.Errorf("record try: %w", err), keep(nil))
		}
		ar, err := s.gw.Authorize(ctx, c.target(), req)
		att := &Attempt{IntentID: in.ID, Kind: "authorize", Attempt: in.attempt, Seq: seq, ConnectorID: c.ID, IdempotencyKey: key, Amount: in.Amount}
		if err != nil {
			outcome := connectors.Classify(err)
			att.Status, att.ErrorCode, att.ErrorMessage = "error", connect.CodeOf(err).String(), errMessage(err)
			lastErr = err
			switch {
			case (outcome == connectors.NotSent || connectors.RateLimited(err)) && unresolved:
				// Nothing was sent, or the processor would not take it now:
				// the unresolved try stays unresolved (a refusal to send it
				// again says nothing about the first send).
				att.Retryable = connectors.Unreachable(err) || connectors.RateLimited(err)
				s.recordAttempt(ctx, tenant, att)
				continue
			case outcome == connectors.NotSent && connectors.Unreachable(err):
				// Nothing was sent: try the next connector.
				att.Retryable = true
				s.recordAttempt(ctx, tenant, att)
				continue
			case outcome == connectors.Unknown:
				att.Status, att.Retryable = "unknown", true
				s.recordAttempt(ctx, tenant, att)
				msg := fmt.Sprintf(outcomeUnknownMessage, errMessage(err), key, c.ID)
				if ferr := keep(&LastError{Code: "outcome_unknown", Message: msg, ConnectorID: c.ID}); ferr != nil {
					return nil, ferr
				}
				return nil, &perr.Error{Kind: perr.ConnectorUnavailable, Code: "outcome_unknown", Message: msg, Err: err}
			}
			s.recordAttempt(ctx, tenant, att)
			if ferr := fail(StatusRequiresConfirmation, &LastError{Code: "connector_error", Message: errMessage(err), ConnectorID: c.ID}); ferr != nil {
				return nil, ferr
			}
			return nil, &perr.Error{Kind: perr.Unprocessable, Code: "connector_rejected", Message: errMessage(err), Err: err}
		}
		att.Status, att.ConnectorTransactionID = ar.GetStatus().String(), ar.GetConnectorTransactionId()
		att.ErrorCode, att.ErrorMessage = ar.GetError().GetCode().String(), ar.GetError().GetMessage()
		if ar.GetError() == nil {
			att.ErrorCode = ""
		}
		att.NetworkResponseCode = ar.GetError().GetIssuer().GetNetworkDeclineCode()
		att.CardChecks = cardChecksFrom(ar.GetCardChecks())
		s.recordAttempt(ctx, tenant, att)
		return s.finishAuthorize(ctx, tenant, in, c, ar, "")
	}
	if unresolved {
		// Nothing reached the processor this time (the connector could not
		// be reached, or refused to send): the first send's outcome is
		// still unknown.
		msg := fmt.Sprintf(outcomeUnknownMessage, errMessage(lastErr), tryKey(in.ID, in.attempt, in.unresolvedSeq), in.ConnectorID)
		if ferr := keep(&LastError{Code: "outcome_unknown", Message: msg, ConnectorID: in.ConnectorID}); ferr != nil {
			return nil, ferr
		}
		return nil, &perr.Error{Kind: perr.ConnectorUnavailable, Code: "outcome_unknown", Message: msg, Err: lastErr}
	}
	if ferr := fail(StatusRequiresConfirmation, &LastError{Code: "connectors_unavailable", Message: "every eligible connector was unavailable: " + errMessage(lastErr)}); ferr != nil {
		return nil, ferr
	}
	return nil, &perr.Error{Kind: perr.ConnectorUnavailable, Code: "connectors_unavailable", Message: "every eligible connector was unreachable (nothing was sent to any processor); the intent was not charged and may be confirmed again", Err: lastErr}
}

func errMessage(err error) string {
	if err == nil {
		return ""
	}
	var ce *connect.Error
	if errors.As(err, &ce) {
		return ce.Message()
	}
	return err.Error()
}

func firstNonEmpty(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}

// finishAuthorize records the connector's answer (to Authorize, or to
// VerifyRedirectResponse after 3DS) on the claimed intent. prevTx is the
// connector transaction id the intent already had ("" on confirm).
func (s *Service) finishAuthorize(ctx context.Context, tenant string, in *Intent, c *Connector, ar authResult, prevTx string) (*Intent, error) {
	status, capturable, captured := StatusProcessing, int64(0), int64(0)
	var le *LastError
	var next string
	switch ar.GetStatus() {
	case v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZED, v1.PaymentStatus_PAYMENT_STATUS_PARTIALLY_AUTHORIZED:
		status, capturable = StatusRequiresCapture, in.Amount
		if a := ar.GetAmount().GetMinorAmount(); a > 0 && a < in.Amount {
			capturable = a
		}
	case v1.PaymentStatus_PAYMENT_STATUS_CHARGED:
		status, captured = StatusSucceeded, in.Amount
		if a := capturedAmount(ar); a > 0 {
			captured = a
		}
	case v1.PaymentStatus_PAYMENT_STATUS_ACTION_REQUIRED, v1.PaymentStatus_PAYMENT_STATUS_AUTHENTICATION_PENDING:
		status = StatusRequiresAction
		if ar.GetNextAction() != nil {
			b, _ := protojson.MarshalOptions{UseProtoNames: true}.Marshal(ar.GetNextAction())
			next = string(b)
		}
	case v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZATION_FAILED, v1.PaymentStatus_PAYMENT_STATUS_AUTHENTICATION_FAILED, v1.PaymentStatus_PAYMENT_STATUS_FAILURE:
		status = StatusFailed
	}
	if e := ar.GetError(); e != nil {
		le = &LastError{Code: strings.ToLower(strings.TrimPrefix(e.GetCode().String(), "ERROR_CODE_")), Message: e.GetMessage(), DeclineCode: e.GetIssuer().GetDeclineCode(), ConnectorID: c.ID}
	}
	lastErr := ""
	if le != nil {
		b, _ := json.Marshal(le)
		lastErr = string(b)
	}
	state := ""
	if ar.GetState() != nil {
		b, _ := protojson.Marshal(ar.GetState())
		state = string(b)
	}
	txID := firstNonEmpty(ar.GetConnectorTransactionId(), prevTx)
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE intents SET status = $1, connector_id = $2, connector_transaction_id = $3, amount_capturable = $4, amount_captured = $5,
			next_action = $6, last_error = $7, connector_state = $8, locked_until = 0, unresolved_seq = -1, version = version + 1, updated_at = $9
			WHERE id = $10 AND status = 'processing' AND attempt = $11`,
			status, c.ID, txID, capturable, captured, next, lastErr, state, store.Now(), in.ID, in.attempt)
		if err != nil {
			return err
		}
		if store.Affected(res) == 0 {
			return nil // a webhook already moved it on
		}
		return s.emitIntent(ctx, tx, tenant, in.ID, status)
	})
	if err != nil {
		return nil, fmt.Errorf("record authorization: %w", err)
	}
	s.opts.OnEvent()
	return s.GetIntent(ctx, tenant, in.ID)
}

// emitIntent queues the webhook event an intent's new status announces.
func (s *Service) emitIntent(ctx context.Context, tx *sql.Tx, tenant, id, status string) error {
	typ := map[string]string{StatusSucceeded: "payment.succeeded", StatusFailed: "payment.failed", StatusRequiresAction: "payment.requires_action", StatusCanceled: "payment.canceled"}[status]
	if typ == "" {
		return nil
	}
	in, err := scanIntent(tx.QueryRowContext(ctx, `SELECT `+intentCols+` FROM intents WHERE id = $1`, id))
	if err != nil {
		return err
	}
	_, err = webhooks.Enqueue(ctx, tx, tenant, typ, id, in, "")
	return err
}

func (s *Service) recordAttempt(ctx context.Context, tenant string, a *Attempt) {
	a.ID = store.NewID("att")
	checks := ""
	if a.CardChecks != nil {
		b, err := json.Marshal(a.CardChecks)
		if err != nil {
			s.log.Error("record attempt card checks", "intent", a.IntentID, "error", err)
		}
		checks = string(b)
	}
	_, err := s.db.SQL.ExecContext(context.WithoutCancel(ctx), `INSERT INTO intent_attempts (id, tenant_id, intent_id, kind, attempt, seq, connector_id, idempotency_key, status, amount,
		connector_transaction_id, error_code, error_message, retryable, network_response_code, card_checks, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)`,
		a.ID, tenant, a.IntentID, a.Kind, a.Attempt, a.Seq, a.ConnectorID, a.IdempotencyKey, a.Status, a.Amount, a.ConnectorTransactionID, a.ErrorCode, a.ErrorMessage,
		boolInt(a.Retryable), a.NetworkResponseCode, checks, store.Now())
	if err != nil {
		s.log.Error("record attempt", "intent", a.IntentID, "error", err)
	}
}

// Attempts lists the connector calls made for an intent.
func (s *Service) Attempts(ctx context.Context, tenant, id, cursor string, limit int) ([]*Attempt, error) {
	if _, err := s.GetIntent(ctx, tenant, id); err != nil {
		return nil, err
	}
	rows, err := s.db.SQL.QueryContext(ctx, `SELECT id, intent_id, kind, attempt, seq, connector_id, idempotency_key, status, amount, connector_transaction_id, error_code, error_message,
		retryable, network_response_code, created_at FROM intent_attempts WHERE intent_id = $1 AND tenant_id = $2 AND id > $3 ORDER BY id LIMIT $4`, id, tenant, cursor, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Attempt
	for rows.Next() {
		a := &Attempt{Object: "transaction"}
		var retry int
		if err := rows.Scan(&a.ID, &a.IntentID, &a.Kind, &a.Attempt, &a.Seq, &a.ConnectorID, &a.IdempotencyKey, &a.Status, &a.Amount, &a.ConnectorTransactionID,
			&a.ErrorCode, &a.ErrorMessage, &retry, &a.NetworkResponseCode, &a.Created); err != nil {
			return nil, err
		}
		a.Retryable, a.Created = retry == 1, a.Created/1000
		out = append(out, a)
	}
	return out, rows.Err()
}

// captureRequest is the host request capturing amt of in, keyed key. An
// intent is captured once: it is the final capture, so the processor
// releases what is not captured.
func captureRequest(in *Intent, amt int64, key string) *v1.PaymentServiceCaptureRequest {
	return &v1.PaymentServiceCaptureRequest{
		ConnectorTransactionId: in.ConnectorTransactionID, AmountToCapture: &v1.Money{MinorAmount: amt, Currency: in.Currency},
		MerchantCaptureId: key, MerchantTransactionId: in.ID, PaymentAmount: &v1.Money{MinorAmount: in.Amount, Currency: in.Currency},
		FinalCapture: true,
	}
}

// Capture captures all (amount nil) or part of an authorized intent. Two
// captures, or a capture racing a cancel, have exactly one winner.
func (s *Service) Capture(ctx context.Context, tenant, id string, amount *int64) (*Intent, error) {
	in, err := s.GetIntent(ctx, tenant, id)
	if err != nil {
		return nil, err
	}
	amt := in.AmountCapturable
	if amount != nil {
		if *amount <= 0 {
			return nil, perr.Invalid("amount_to_capture", "amount_to_capture must be positive")
		}
		if in.Status == StatusRequiresCapture && *amount > in.AmountCapturable {
			return nil, perr.Invalid("amount_to_capture", "amount_to_capture %d exceeds the capturable %d", *amount, in.AmountCapturable)
		}
		amt = *amount
	}
	res, err := s.db.SQL.ExecContext(ctx, `UPDATE intents SET status = 'processing', locked_until = $1, version = version + 1, updated_at = $2
		WHERE id = $3 AND tenant_id = $4 AND status = 'requires_capture' AND amount_capturable >= $5`, store.Now()+s.opts.Lease.Milliseconds(), store.Now(), id, tenant, amt)
	if err != nil {
		return nil, fmt.Errorf("claim capture: %w", err)
	}
	if store.Affected(res) == 0 {
		return nil, s.stateConflict(ctx, tenant, id, "capture")
	}
	c, err := s.GetConnector(ctx, tenant, in.ConnectorID)
	if err != nil {
		s.release(ctx, id, StatusRequiresCapture, &LastError{Code: "connector_missing", Message: "the intent's connector was deleted"})
		return nil, err
	}
	key := in.ID + "_capture"
	cr, err := s.gw.Capture(ctx, c.target(), captureRequest(in, amt, key))
	att := &Attempt{IntentID: in.ID, Kind: "capture", Attempt: in.attempt, ConnectorID: c.ID, IdempotencyKey: key, Amount: amt, ConnectorTransactionID: in.ConnectorTransactionID}
	if err != nil {
		// After no definite answer the processor may have captured: a
		// retry resends the same request (same key), which it answers
		// without capturing twice.
		return nil, s.failCall(ctx, tenant, c, att, err, callFailure{release: StatusRequiresCapture, code: "capture_failed",
			unknown:     "the capture may have happened. Retry the capture with the same amount: it resends the same request (idempotency key " + key + "), which the processor answers without capturing twice",
			unavailable: "the connector is unavailable; nothing was sent to the processor, so nothing was captured; retry later"})
	}
	att.Status = cr.GetStatus().String()
	s.recordAttempt(ctx, tenant, att)
	switch cr.GetStatus() {
	case v1.PaymentStatus_PAYMENT_STATUS_CHARGED, v1.PaymentStatus_PAYMENT_STATUS_PARTIALLY_CAPTURED, v1.PaymentStatus_PAYMENT_STATUS_CAPTURE_PENDING:
	default:
		s.release(ctx, id, StatusRequiresCapture, &LastError{Code: "capture_failed", Message: cr.GetError().GetMessage(), ConnectorID: c.ID})
		return nil, &perr.Error{Kind: perr.Unprocessable, Code: "capture_failed", Message: "the connector did not capture: " + cr.GetStatus().String()}
	}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE intents SET status = 'succeeded', amount_captured = $1, amount_capturable = 0, locked_until = 0, last_error = '', version = version + 1, updated_at = $2
			WHERE id = $3 AND status = 'processing'`, amt, store.Now(), id)
		if err != nil || store.Affected(res) == 0 {
			return err
		}
		return s.emitIntent(ctx, tx, tenant, id, StatusSucceeded)
	})
	if err != nil {
		return nil, fmt.Errorf("record capture: %w", err)
	}
	s.opts.OnEvent()
	return s.GetIntent(ctx, tenant, id)
}

// callFailure says how a failed connector call on a claimed intent ends.
type callFailure struct {
	// release is the status the intent returns to.
	release string
	// code is the error code of a refusal (capture_failed).
	code string
	// unknown says, after no definite answer, what may have happened and
	// how to retry; unavailable, after nothing was sent, what to do.
	unknown, unavailable string
}

// failCall records att, the failed call err to connector c on the claimed
// intent att.IntentID, releases the intent to f.release and returns the
// caller's error: outcome_unknown when the processor may have acted (the
// try recorded as unknown), connector_unavailable when nothing was sent
// because the connector could not be reached, f.code for a refusal.
func (s *Service) failCall(ctx context.Context, tenant string, c *Connector, att *Attempt, err error, f callFailure) error {
	outcome := connectors.Classify(err)
	att.Status, att.ErrorCode, att.ErrorMessage, att.Retryable = "error", connect.CodeOf(err).String(), errMessage(err), outcome == connectors.Unknown || connectors.Unreachable(err)
	switch {
	case outcome == connectors.Unknown:
		att.Status = "unknown"
		s.recordAttempt(ctx, tenant, att)
		msg := fmt.Sprintf("the connector did not give a definite answer (%s): %s", errMessage(err), f.unknown)
		s.release(ctx, att.IntentID, f.release, &LastError{Code: "outcome_unknown", Message: msg, ConnectorID: c.ID})
		return &perr.Error{Kind: perr.ConnectorUnavailable, Code: "outcome_unknown", Message: msg, Err: err}
	case outcome == connectors.NotSent && connectors.Unreachable(err):
		s.recordAttempt(ctx, tenant, att)
		s.release(ctx, att.IntentID, f.release, &LastError{Code: f.code, Message: errMessage(err), ConnectorID: c.ID})
		return &perr.Error{Kind: perr.ConnectorUnavailable, Code: "connector_unavailable", Message: f.unavailable, Err: err}
	}
	s.recordAttempt(ctx, tenant, att)
	s.release(ctx, att.IntentID, f.release, &LastError{Code: f.code, Message: errMessage(err), ConnectorID: c.ID})
	return &perr.Error{Kind: perr.Unprocessable, Code: f.code, Message: errMessage(err), Err: err}
}

// release returns a claimed intent to status with le.
func (s *Service) release(ctx context.Context, id, status string, le *LastError) {
	b, _ := json.Marshal(le)
	if _, err := s.db.SQL.ExecContext(context.WithoutCancel(ctx), `UPDATE intents SET status = $1, last_error = $2, locked_until = 0, version = version + 1, updated_at = $3
		WHERE id = $4 AND status = 'processing'`, status, string(b), store.Now(), id); err != nil {
		s.log.Error("release intent", "intent", id, "error", err)
	}
}

// Cancel cancels an intent: before authorization directly, after it by
// voiding at the connector.
func (s *Service) Cancel(ctx context.Context, tenant, id, reason string) (*Intent, error) {
	var canceled bool
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE intents SET status = 'canceled', next_action = '', version = version + 1, updated_at = $1
			WHERE id = $2 AND tenant_id = $3 AND status IN ('requires_payment_method', 'requires_confirmation', 'requires_action')`, store.Now(), id, tenant)
		if err != nil {
			return err
		}
		if canceled = store.Affected(res) == 1; canceled {
			return s.emitIntent(ctx, tx, tenant, id, StatusCanceled)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("cancel: %w", err)
	}
	if canceled {
		s.opts.OnEvent()
		return s.GetIntent(ctx, tenant, id)
	}
	in, err := s.GetIntent(ctx, tenant, id)
	if err != nil {
		return nil, err
	}
	res, err := s.db.SQL.ExecContext(ctx, `UPDATE intents SET status = 'processing', locked_until = $1, version = version + 1, updated_at = $2
		WHERE id = $3 AND tenant_id = $4 AND status = 'requires_capture'`, store.Now()+s.opts.Lease.Milliseconds(), store.Now(), id, tenant)
	if err != nil {
		return nil, fmt.Errorf("claim cancel: %w", err)
	}
	if store.Affected(res) == 0 {
		return nil, s.stateConflict(ctx, tenant, id, "cancel")
	}
	c, err := s.GetConnector(ctx, tenant, in.ConnectorID)
	if err != nil {
		s.release(ctx, id, StatusRequiresCapture, &LastError{Code: "connector_missing", Message: "the intent's connector was deleted"})
		return nil, err
	}
	key := in.ID + "_void"
	vr, err := s.gw.Void(ctx, c.target(), &v1.PaymentServiceVoidRequest{ConnectorTransactionId: in.ConnectorTransactionID, MerchantVoidId: key,
		CancellationReason: reason, MerchantTransactionId: in.ID, Amount: &v1.Money{MinorAmount: in.Amount, Currency: in.Currency}})
	att := &Attempt{IntentID: in.ID, Kind: "void", Attempt: in.attempt, ConnectorID: c.ID, IdempotencyKey: key, Amount: in.Amount, ConnectorTransactionID: in.ConnectorTransactionID}
	if err != nil {
		// After no definite answer the processor may have voided: a cancel
		// again resends the same request (same key).
		return nil, s.failCall(ctx, tenant, c, att, err, callFailure{release: StatusRequiresCapture, code: "void_failed",
			unknown:     "the authorization may have been voided. Cancel again: it resends the same request (idempotency key " + key + ")",
			unavailable: "the connector is unavailable; nothing was sent to the processor, so nothing was voided; retry later"})
	}
	if st := vr.GetStatus(); st != v1.PaymentStatus_PAYMENT_STATUS_VOIDED && st != v1.PaymentStatus_PAYMENT_STATUS_VOID_PENDING {
		att.Status = st.String()
		s.recordAttempt(ctx, tenant, att)
		s.release(ctx, id, StatusRequiresCapture, &LastError{Code: "void_failed", Message: vr.GetError().GetMessage(), ConnectorID: c.ID})
		return nil, &perr.Error{Kind: perr.Unprocessable, Code: "void_failed", Message: "the connector did not void the authorization: " + st.String()}
	}
	att.Status = vr.GetStatus().String()
	s.recordAttempt(ctx, tenant, att)
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE intents SET status = 'canceled', amount_capturable = 0, locked_until = 0, version = version + 1, updated_at = $1
			WHERE id = $2 AND status = 'processing'`, store.Now(), id)
		if err != nil || store.Affected(res) == 0 {
			return err
		}
		return s.emitIntent(ctx, tx, tenant, id, StatusCanceled)
	})
	if err != nil {
		return nil, fmt.Errorf("record void: %w", err)
	}
	s.opts.OnEvent()
	return s.GetIntent(ctx, tenant, id)
}
