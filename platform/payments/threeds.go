package payments

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"google.golang.org/protobuf/encoding/protojson"

	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/platform/perr"
	"github.com/connectorhost/connector-host/platform/store"
)

// authResult is what Authorize and VerifyRedirectResponse both answer.
type authResult interface {
	GetConnectorTransactionId() string
	GetStatus() v1.PaymentStatus
	GetAmount() *v1.Money
	GetNextAction() *v1.NextAction
	GetError() *v1.PaymentError
	GetState() *v1.ConnectorState
}

// capturedAmount is the captured amount an answer reports, when it does.
func capturedAmount(ar authResult) int64 {
	if x, ok := ar.(interface{ GetCapturedAmount() *v1.Money }); ok {
		return x.GetCapturedAmount().GetMinorAmount()
	}
	return 0
}

// ThreeDSInput carries what the shopper's browser brought back from 3DS or
// a redirect: the return URL's parameters or the raw payload.
type ThreeDSInput struct {
	Params  map[string]string `json:"params"`
	Payload string            `json:"payload"`
}

// CompleteThreeDS finishes an intent in requires_action through the
// connector's VerifyRedirectResponse, with the connector state Authorize
// returned. Like confirm, it claims the intent first: two completions
// racing have one winner.
func (s *Service) CompleteThreeDS(ctx context.Context, tenant, id string, x ThreeDSInput) (*Intent, error) {
	if len(x.Params) == 0 && x.Payload == "" {
		return nil, perr.Missing("params")
	}
	res, err := s.db.SQL.ExecContext(ctx, `UPDATE intents SET status = 'processing', locked_until = $1, version = version + 1, updated_at = $2
		WHERE id = $3 AND tenant_id = $4 AND status = 'requires_action'`, store.Now()+s.opts.Lease.Milliseconds(), store.Now(), id, tenant)
	if err != nil {
		return nil, fmt.Errorf("claim intent: %w", err)
	}
	if store.Affected(res) == 0 {
		return nil, s.stateConflict(ctx, tenant, id, "complete 3DS")
	}
	in, err := s.GetIntent(ctx, tenant, id)
	if err != nil {
		return nil, err
	}
	var rawState, key string
	if err := s.db.SQL.QueryRowContext(ctx, `SELECT connector_state FROM intents WHERE id = $1`, id).Scan(&rawState); err != nil {
		return nil, err
	}
	err = s.db.SQL.QueryRowContext(ctx, `SELECT idempotency_key FROM intent_attempts WHERE intent_id = $1 AND kind = 'authorize' AND connector_id = $2 AND attempt = $3 ORDER BY id DESC LIMIT 1`,
		id, in.ConnectorID, in.attempt).Scan(&key)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	c, err := s.GetConnector(ctx, tenant, in.ConnectorID)
	if err != nil {
		s.release(ctx, id, StatusRequiresAction, &LastError{Code: "connector_missing", Message: "the intent's connector was deleted"})
		return nil, err
	}
	req := &v1.PaymentServiceVerifyRedirectResponseRequest{ConnectorTransactionId: in.ConnectorTransactionID, MerchantTransactionId: key,
		Params: x.Params, Payload: x.Payload, Amount: &v1.Money{MinorAmount: in.Amount, Currency: in.Currency}, CaptureMethod: v1.CaptureMethod_CAPTURE_METHOD_AUTOMATIC}
	if in.CaptureMethod == "manual" {
		req.CaptureMethod = v1.CaptureMethod_CAPTURE_METHOD_MANUAL
	}
	if rawState != "" {
		req.State = &v1.ConnectorState{}
		if err := protojson.Unmarshal([]byte(rawState), req.State); err != nil {
			return nil, fmt.Errorf("intent %s connector state: %w", id, err)
		}
	}
	vr, err := s.gw.VerifyRedirect(ctx, c.target(), req)
	att := &Attempt{IntentID: id, Kind: "3ds_complete", Attempt: in.attempt, ConnectorID: c.ID, IdempotencyKey: key, Amount: in.Amount, ConnectorTransactionID: in.ConnectorTransactionID}
	if err != nil {
		// After no definite answer the processor may have completed the
		// payment: the intent stays at this connector and transaction
		// (there is no other to fall back to).
		return nil, s.failCall(ctx, tenant, c, att, err, callFailure{release: StatusRequiresAction, code: "3ds_failed",
			unknown:     "the payment may have been authorized. Complete again with the same parameters: it asks the same connector about the same payment",
			unavailable: "the connector is unavailable (nothing was sent); retry"})
	}
	att.Status, att.ConnectorTransactionID = vr.GetStatus().String(), firstNonEmpty(vr.GetConnectorTransactionId(), in.ConnectorTransactionID)
	att.CardChecks = cardChecksFrom(vr.GetCardChecks())
	s.recordAttempt(ctx, tenant, att)
	return s.finishAuthorize(ctx, tenant, in, c, vr, in.ConnectorTransactionID)
}
