package payments

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/platform/connectors"
	"github.com/connectorhost/connector-host/platform/perr"
	"github.com/connectorhost/connector-host/platform/store"
	"github.com/connectorhost/connector-host/platform/webhooks"
)

// Dispute is a chargeback or inquiry on a payment.
type Dispute struct {
	ID                     string `json:"id"`
	Object                 string `json:"object"`
	IntentID               string `json:"intent_id"`
	ConnectorID            string `json:"connector_id"`
	ConnectorDisputeID     string `json:"connector_dispute_id"`
	ConnectorTransactionID string `json:"connector_transaction_id"`
	Amount                 int64  `json:"amount"`
	Currency               string `json:"currency"`
	Status                 string `json:"status"`
	Reason                 string `json:"reason"`
	EvidenceDueBy          int64  `json:"evidence_due_by"`
	Version                int64  `json:"version"`
	Created                int64  `json:"created"`
	Updated                int64  `json:"updated"`
}

// DisputeRecord is one entry of a dispute's append-only history: an event
// (status change) or submitted evidence.
type DisputeRecord struct {
	ID      string          `json:"id"`
	Object  string          `json:"object"`
	Kind    string          `json:"kind"`
	Data    json.RawMessage `json:"data"`
	Created int64           `json:"created"`
}

// disputeRank orders dispute statuses: a late event never reopens a closed dispute.
var disputeRank = map[string]int{"inquiry": 0, "needs_response": 1, "under_review": 2, "won": 3, "lost": 3, "accepted": 3, "closed": 3, "warning_closed": 3}

func disputeStatus(st v1.DisputeStatus) string {
	s := strings.ToLower(strings.TrimPrefix(st.String(), "DISPUTE_STATUS_"))
	if _, ok := disputeRank[s]; ok {
		return s
	}
	return ""
}

// DisputeInput creates a dispute by hand.
type DisputeInput struct {
	IntentID           *string `json:"intent_id"`
	Amount             *int64  `json:"amount"`
	Reason             *string `json:"reason"`
	ConnectorDisputeID *string `json:"connector_dispute_id"`
	EvidenceDueBy      *int64  `json:"evidence_due_by"`
}

// CreateDispute records a dispute entered by hand on an intent.
func (s *Service) CreateDispute(ctx context.Context, tenant string, x DisputeInput) (*Dispute, error) {
	if x.IntentID == nil || *x.IntentID == "" {
		return nil, perr.Missing("intent_id")
	}
	in, err := s.GetIntent(ctx, tenant, *x.IntentID)
	if err != nil {
		return nil, perr.NotFoundf("intent_id", "no payment intent %s", *x.IntentID)
	}
	d := &Dispute{ID: store.NewID("dp"), Object: "dispute", IntentID: in.ID, ConnectorID: in.ConnectorID, ConnectorTransactionID: in.ConnectorTransactionID,
		Amount: in.AmountReceived, Currency: in.Currency, Status: "needs_response", Version: 1}
	if x.Amount != nil {
		if *x.Amount <= 0 || *x.Amount > in.AmountReceived {
			return nil, perr.Invalid("amount", "amount must be positive and at most the captured %d", in.AmountReceived)
		}
		d.Amount = *x.Amount
	}
	if x.Reason != nil {
		d.Reason = *x.Reason
	}
	if x.ConnectorDisputeID != nil {
		d.ConnectorDisputeID = *x.ConnectorDisputeID
	}
	if x.EvidenceDueBy != nil {
		d.EvidenceDueBy = *x.EvidenceDueBy
	}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error { return s.insertDispute(ctx, tx, tenant, d, "manual") })
	if err != nil {
		return nil, err
	}
	s.opts.OnEvent()
	return s.GetDispute(ctx, tenant, d.ID)
}

func (s *Service) insertDispute(ctx context.Context, tx *sql.Tx, tenant string, d *Dispute, source string) error {
	now := store.Now()
	if _, err := tx.ExecContext(ctx, `INSERT INTO disputes (id, tenant_id, intent_id, connector_id, connector_dispute_id, connector_transaction_id, amount, currency, status, reason, evidence_due_by, version, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13)`, d.ID, tenant, d.IntentID, d.ConnectorID, d.ConnectorDisputeID, d.ConnectorTransactionID,
		d.Amount, d.Currency, d.Status, d.Reason, d.EvidenceDueBy, d.Version, now); err != nil {
		return fmt.Errorf("insert dispute: %w", err)
	}
	if err := appendHistory(ctx, tx, d.ID, "event", map[string]any{"type": "created", "source": source, "status": d.Status}); err != nil {
		return err
	}
	cur, err := scanDispute(tx.QueryRowContext(ctx, `SELECT `+disputeCols+` FROM disputes WHERE id = $1`, d.ID))
	if err != nil {
		return err
	}
	_, err = webhooks.Enqueue(ctx, tx, tenant, "dispute.created", d.ID, cur, "")
	return err
}

func appendHistory(ctx context.Context, tx *sql.Tx, disputeID, kind string, data any) error {
	b, err := json.Marshal(data)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO dispute_history (id, dispute_id, kind, data, created_at) VALUES ($1, $2, $3, $4, $5)`,
		store.NewID("dph"), disputeID, kind, string(b), store.Now())
	return err
}

const disputeCols = `id, intent_id, connector_id, connector_dispute_id, connector_transaction_id, amount, currency, status, reason, evidence_due_by, version, created_at, updated_at`

func scanDispute(row interface{ Scan(...any) error }) (*Dispute, error) {
	d := &Dispute{Object: "dispute"}
	err := row.Scan(&d.ID, &d.IntentID, &d.ConnectorID, &d.ConnectorDisputeID, &d.ConnectorTransactionID, &d.Amount, &d.Currency, &d.Status, &d.Reason,
		&d.EvidenceDueBy, &d.Version, &d.Created, &d.Updated)
	d.Created, d.Updated = d.Created/1000, d.Updated/1000
	return d, err
}

// GetDispute reads a dispute.
func (s *Service) GetDispute(ctx context.Context, tenant, id string) (*Dispute, error) {
	d, err := scanDispute(s.db.SQL.QueryRowContext(ctx, `SELECT `+disputeCols+` FROM disputes WHERE id = $1 AND tenant_id = $2`, id, tenant))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, perr.NotFoundf("id", "no dispute %s", id)
	}
	return d, err
}

// ListDisputes lists disputes, optionally by status and intent.
func (s *Service) ListDisputes(ctx context.Context, tenant, status, intentID, cursor string, limit int) ([]*Dispute, error) {
	if _, ok := disputeRank[status]; status != "" && !ok {
		return nil, perr.Invalid("status", "unknown dispute status %q", status)
	}
	rows, err := s.db.SQL.QueryContext(ctx, `SELECT `+disputeCols+` FROM disputes WHERE tenant_id = $1 AND ($2 = '' OR status = $2) AND ($3 = '' OR intent_id = $3) AND id > $4 ORDER BY id LIMIT $5`,
		tenant, status, intentID, cursor, limit)
	if err != nil {
		return nil, fmt.Errorf("list disputes: %w", err)
	}
	defer rows.Close()
	var out []*Dispute
	for rows.Next() {
		d, err := scanDispute(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// DisputeHistory lists a dispute's history entries of kind ("evidence",
// "event", or "" for all).
func (s *Service) DisputeHistory(ctx context.Context, tenant, id, kind, cursor string, limit int) ([]*DisputeRecord, error) {
	if _, err := s.GetDispute(ctx, tenant, id); err != nil {
		return nil, err
	}
	rows, err := s.db.SQL.QueryContext(ctx, `SELECT id, kind, data, created_at FROM dispute_history WHERE dispute_id = $1 AND ($2 = '' OR kind = $2) AND id > $3 ORDER BY id LIMIT $4`,
		id, kind, cursor, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*DisputeRecord
	for rows.Next() {
		r := &DisputeRecord{Object: "dispute_record"}
		var data string
		if err := rows.Scan(&r.ID, &r.Kind, &data, &r.Created); err != nil {
			return nil, err
		}
		r.Data, r.Created = json.RawMessage(data), r.Created/1000
		out = append(out, r)
	}
	return out, rows.Err()
}

// EvidenceInput is one evidence document.
type EvidenceInput struct {
	Type          string `json:"type"`
	Text          string `json:"text"`
	ContentBase64 string `json:"content_base64"`
	FileName      string `json:"file_name"`
	MimeType      string `json:"mime_type"`
}

// SubmitEvidence sends evidence through the connector's DisputeService and
// records it (type, text, file name and a digest of any file) in the history.
func (s *Service) SubmitEvidence(ctx context.Context, tenant, id string, docs []EvidenceInput) (*Dispute, error) {
	if len(docs) == 0 {
		return nil, perr.Missing("evidence")
	}
	d, err := s.GetDispute(ctx, tenant, id)
	if err != nil {
		return nil, err
	}
	if disputeRank[d.Status] == 3 {
		return nil, perr.Conflictf("dispute_closed", "the dispute is %s", d.Status)
	}
	if d.ConnectorDisputeID == "" || d.ConnectorID == "" {
		return nil, perr.Conflictf("dispute_not_at_connector", "this dispute was entered by hand without a connector dispute id; evidence cannot be sent")
	}
	req := &v1.DisputeServiceSubmitEvidenceRequest{ConnectorDisputeId: d.ConnectorDisputeID, ConnectorTransactionId: d.ConnectorTransactionID}
	var recs []map[string]any
	for i, e := range docs {
		t, ok := v1.EvidenceType_value["EVIDENCE_TYPE_"+strings.ToUpper(e.Type)]
		if !ok || t == 0 {
			return nil, perr.Invalid(fmt.Sprintf("evidence[%d].type", i), "unknown evidence type %q (e.g. receipt, customer_communication, uncategorized)", e.Type)
		}
		doc := &v1.EvidenceDocument{Type: v1.EvidenceType(t), Text: e.Text, FileName: e.FileName, MimeType: e.MimeType}
		rec := map[string]any{"type": e.Type, "text": e.Text, "file_name": e.FileName}
		if e.ContentBase64 != "" {
			b, err := base64.StdEncoding.DecodeString(e.ContentBase64)
			if err != nil {
				return nil, perr.Invalid(fmt.Sprintf("evidence[%d].content_base64", i), "content_base64 is not standard base64")
			}
			sum := sha256.Sum256(b)
			doc.Content, rec["sha256"], rec["size"] = b, hex.EncodeToString(sum[:]), len(b)
		}
		if e.Text == "" && e.ContentBase64 == "" {
			return nil, perr.Invalid(fmt.Sprintf("evidence[%d]", i), "send text or content_base64")
		}
		req.Evidence = append(req.Evidence, doc)
		recs = append(recs, rec)
	}
	req.MerchantRequestId = evidenceKey(d.ID, req.GetEvidence())
	c, err := s.GetConnector(ctx, tenant, d.ConnectorID)
	if err != nil {
		return nil, err
	}
	res, err := s.gw.SubmitEvidence(ctx, c.target(), req)
	if err != nil && connectors.Classify(err) == connectors.Unknown {
		return nil, &perr.Error{Kind: perr.ConnectorUnavailable, Code: "outcome_unknown", Param: "evidence",
			Message: "the connector did not give a definite answer (" + errMessage(err) + "): the evidence may have been submitted. " +
				"Sending the same evidence again resends it with the same idempotency key (" + req.GetMerchantRequestId() + "); read the dispute before sending other evidence", Err: err}
	}
	if err != nil {
		return nil, &perr.Error{Kind: perr.Unprocessable, Code: "evidence_rejected", Param: "evidence", Message: "the connector did not accept the evidence: " + errMessage(err), Err: err}
	}
	next := disputeStatus(res.GetStatus())
	if disputeRank[next] < disputeRank[d.Status] {
		next = ""
	}
	return s.moveDispute(ctx, tenant, d.ID, next, "evidence", map[string]any{"documents": recs, "submitted_evidence_ids": res.GetSubmittedEvidenceIds()})
}

// CloseDispute accepts the dispute at the connector (concedes it).
func (s *Service) CloseDispute(ctx context.Context, tenant, id string) (*Dispute, error) {
	d, err := s.GetDispute(ctx, tenant, id)
	if err != nil {
		return nil, err
	}
	if disputeRank[d.Status] == 3 {
		return nil, perr.Conflictf("dispute_closed", "the dispute is already %s", d.Status)
	}
	status := "accepted"
	if d.ConnectorDisputeID != "" && d.ConnectorID != "" {
		c, err := s.GetConnector(ctx, tenant, d.ConnectorID)
		if err != nil {
			return nil, err
		}
		// One key per dispute: closing again after an answer that never
		// came resends the same request.
		res, err := s.gw.AcceptDispute(ctx, c.target(), &v1.DisputeServiceAcceptRequest{ConnectorDisputeId: d.ConnectorDisputeID, ConnectorTransactionId: d.ConnectorTransactionID, MerchantRequestId: "acc_" + d.ID})
		if err != nil && connectors.Classify(err) == connectors.Unknown {
			return nil, &perr.Error{Kind: perr.ConnectorUnavailable, Code: "outcome_unknown",
				Message: "the connector did not give a definite answer (" + errMessage(err) + "): the dispute may have been accepted; close it again to resend the same request", Err: err}
		}
		if err != nil {
			return nil, &perr.Error{Kind: perr.Unprocessable, Code: "dispute_accept_failed", Message: "the connector did not accept the dispute: " + errMessage(err), Err: err}
		}
		if st := disputeStatus(res.GetStatus()); disputeRank[st] == 3 {
			status = st
		}
	}
	return s.moveDispute(ctx, tenant, id, status, "event", map[string]any{"type": "closed", "status": status})
}

// moveDispute appends a history entry and moves the dispute forward to
// status ("" keeps it), queuing dispute.updated when it moved.
func (s *Service) moveDispute(ctx context.Context, tenant, id, status, kind string, data any) (*Dispute, error) {
	moved := false
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		if err := appendHistory(ctx, tx, id, kind, data); err != nil {
			return err
		}
		if status == "" {
			return nil
		}
		res, err := tx.ExecContext(ctx, `UPDATE disputes SET status = $1, version = version + 1, updated_at = $2 WHERE id = $3 AND status <> $1 AND status NOT IN ('won', 'lost', 'accepted', 'closed', 'warning_closed')`,
			status, store.Now(), id)
		if err != nil || store.Affected(res) == 0 {
			return err
		}
		moved = true
		cur, err := scanDispute(tx.QueryRowContext(ctx, `SELECT `+disputeCols+` FROM disputes WHERE id = $1`, id))
		if err != nil {
			return err
		}
		_, err = webhooks.Enqueue(ctx, tx, tenant, "dispute.updated", id, cur, "")
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("dispute %s: %w", id, err)
	}
	if moved {
		s.opts.OnEvent()
	}
	return s.GetDispute(ctx, tenant, id)
}

// applyDisputeEvent creates or moves a dispute from a connector webhook.
func (s *Service) applyDisputeEvent(ctx context.Context, tenant string, c *Connector, ev *v1.Event) (string, error) {
	de := ev.GetDispute()
	status := disputeStatus(de.GetStatus())
	var id, cur string
	err := s.db.SQL.QueryRowContext(ctx, `SELECT id, status FROM disputes WHERE tenant_id = $1 AND connector_id = $2 AND connector_dispute_id = $3`, tenant, c.ID, de.GetConnectorDisputeId()).Scan(&id, &cur)
	if errors.Is(err, sql.ErrNoRows) {
		d := &Dispute{ID: store.NewID("dp"), Object: "dispute", ConnectorID: c.ID, ConnectorDisputeID: de.GetConnectorDisputeId(), ConnectorTransactionID: de.GetConnectorTransactionId(),
			Amount: de.GetAmount().GetMinorAmount(), Currency: de.GetAmount().GetCurrency(), Status: status, Reason: de.GetReason(), EvidenceDueBy: de.GetEvidenceDueByUnix(), Version: 1}
		if d.Status == "" {
			d.Status = "needs_response"
		}
		_ = s.db.SQL.QueryRowContext(ctx, `SELECT id FROM intents WHERE tenant_id = $1 AND connector_id = $2 AND connector_transaction_id = $3`, tenant, c.ID, d.ConnectorTransactionID).Scan(&d.IntentID)
		err := s.db.Tx(ctx, func(tx *sql.Tx) error { return s.insertDispute(ctx, tx, tenant, d, "webhook:"+ev.GetEventId()) })
		if err != nil {
			if store.IsUniqueViolation(err) {
				return "", nil
			}
			return "", err
		}
		s.opts.OnEvent()
		return d.ID, nil
	}
	if err != nil {
		return "", err
	}
	if status == "" || disputeRank[status] < disputeRank[cur] {
		status = "" // late or unknown: recorded, not applied
	}
	if _, err := s.moveDispute(ctx, tenant, id, status, "event", map[string]any{"type": ev.GetConnectorEventType(), "event_id": ev.GetEventId(), "status": disputeStatus(de.GetStatus())}); err != nil {
		return "", err
	}
	return id, nil
}

// evidenceKey is the merchant request id (hence the processor's idempotency
// key) of a submission of docs to dispute id: a digest of the dispute and of
// every document (type, text, file name, MIME type, content), so the same
// evidence sent again (a retry after no definite answer) carries the same
// key, and different evidence a different one.
func evidenceKey(disputeID string, docs []*v1.EvidenceDocument) string {
	h := sha256.New()
	field := func(b []byte) {
		var n [8]byte
		binary.BigEndian.PutUint64(n[:], uint64(len(b)))
		h.Write(n[:])
		h.Write(b)
	}
	field([]byte(disputeID))
	for _, d := range docs {
		field([]byte(d.GetType().String()))
		field([]byte(d.GetText()))
		field([]byte(d.GetFileName()))
		field([]byte(d.GetMimeType()))
		field(d.GetContent())
	}
	return "ev_" + hex.EncodeToString(h.Sum(nil))[:24]
}
