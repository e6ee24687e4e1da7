package paypal

import (
	"strconv"
	"strings"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk"
	"github.com/connectorhost/connector-host/pdk/jsonr"
	"github.com/connectorhost/connector-host/pdk/jsonw"
	"github.com/connectorhost/connector-host/pdk/multipart"
	"github.com/connectorhost/connector-host/pdk/timestamp"
	"github.com/valyala/fastjson"
)

// disputePath is the path of a dispute, its id checked.
func disputePath(id string) (string, error) {
	id, err := pathID("connector_dispute_id", id)
	if err != nil {
		return "", err
	}
	return "/v1/customer/disputes/" + id, nil
}

func buildDisputeGet(c *pdk.Context, r *v1.DisputeServiceGetRequest) (*pluginv1.HttpRequest, error) {
	return getByID(c, "/v1/customer/disputes/", "connector_dispute_id", r.GetConnectorDisputeId())
}

func parseDisputeGet(c *pdk.Context, r *v1.DisputeServiceGetRequest, res *pdk.Response) (*v1.DisputeServiceGetResponse, error) {
	v, err := answer(res)
	if err != nil {
		return nil, err
	}
	d, err := readDispute(v)
	if err != nil {
		return nil, err
	}
	out := &v1.DisputeServiceGetResponse{
		ConnectorDisputeId: d.ConnectorDisputeId, Status: d.Status, Amount: d.Amount, Reason: d.Reason, ReasonCode: d.ReasonCode,
		EvidenceDueByUnix: d.EvidenceDueByUnix, Stage: d.Stage,
	}
	if want := r.GetConnectorTransactionId(); want == "" || want == d.ConnectorTransactionId {
		out.ConnectorTransactionId = d.ConnectorTransactionId
	}
	return out, nil
}

// readDispute reads a Disputes v1 dispute (also the resource of dispute webhooks).
func readDispute(v *fastjson.Value) (*v1.DisputeEvent, error) {
	id := jsonr.Str(v, "dispute_id")
	if id == "" {
		return nil, pdk.InvalidResponse("PayPal's dispute has no dispute_id")
	}
	amount, err := readMoney(v, "dispute_amount")
	if err != nil {
		return nil, err
	}
	// dispute_life_cycle_stage (INQUIRY, CHARGEBACK, PRE_ARBITRATION,
	// ARBITRATION) lower-cased is the unified stage vocabulary.
	d := &v1.DisputeEvent{
		ConnectorDisputeId: id, Amount: amount, Reason: jsonr.Str(v, "reason"), ReasonCode: jsonr.Str(v, "external_reason_code"),
		Stage: strings.ToLower(jsonr.Str(v, "dispute_life_cycle_stage")), Status: disputeStatuses.Get(jsonr.Str(v, "status")),
	}
	if d.Status == v1.DisputeStatus_DISPUTE_STATUS_CLOSED {
		d.Status = disputeOutcomes.Get(jsonr.Str(v, "dispute_outcome", "outcome_code"))
	}
	if d.Status == v1.DisputeStatus_DISPUTE_STATUS_NEEDS_RESPONSE && d.Stage == "inquiry" {
		d.Status = v1.DisputeStatus_DISPUTE_STATUS_INQUIRY
	}
	if t := jsonr.Objects(v, "disputed_transactions"); len(t) > 0 {
		d.ConnectorTransactionId = jsonr.Str(t[0], "seller_transaction_id")
	}
	if due := jsonr.Str(v, "seller_response_due_date"); due != "" {
		ts, ok := timestamp.ParseRFC3339(due)
		if !ok {
			return nil, pdk.InvalidResponse("PayPal's seller_response_due_date %q is not a time", due)
		}
		d.EvidenceDueByUnix = ts
	}
	return d, nil
}

// postMultipart is post with a multipart body.
func postMultipart(c *pdk.Context, path, op, id string, m *multipart.Body) (*pluginv1.HttpRequest, error) {
	req, err := post(c, path, op, id, nil)
	if err != nil {
		return nil, err
	}
	req.Headers = append(req.Headers, &v1.HttpHeader{Name: "Content-Type", Value: m.ContentType()})
	req.Body = m.Bytes()
	return req, nil
}

func buildDisputeAccept(c *pdk.Context, r *v1.DisputeServiceAcceptRequest) (*pluginv1.HttpRequest, error) {
	p, err := disputePath(r.GetConnectorDisputeId())
	if err != nil {
		return nil, err
	}
	return postMultipart(c, p+"/accept-claim", "accept", r.GetMerchantRequestId(), multipart.New(c.Random()))
}

func parseDisputeAccept(c *pdk.Context, r *v1.DisputeServiceAcceptRequest, res *pdk.Response) (*v1.DisputeServiceAcceptResponse, error) {
	if err := subsequentAction(res); err != nil {
		return nil, err
	}
	return &v1.DisputeServiceAcceptResponse{Status: v1.DisputeStatus_DISPUTE_STATUS_ACCEPTED}, nil
}

// subsequentAction checks the {links} answer of a dispute action.
func subsequentAction(res *pdk.Response) error {
	v, err := answer(res)
	if err != nil {
		return err
	}
	if linkOf(v, "self") == "" {
		return pdk.InvalidResponse("PayPal's dispute action answer has no link to the dispute")
	}
	return nil
}

// maxEvidenceFiles is PayPal's limit of files per provide-evidence call.
const maxEvidenceFiles = 10

// maxEvidenceNotes is PayPal's limit on an evidence's notes
// (customer_disputes_v1 evidence.notes maxLength).
const maxEvidenceNotes = 2000

// evidenceTypes maps unified evidence types to PayPal's evidence_type for
// text evidence; a type not listed is OTHER.
func evidenceTypes() map[v1.EvidenceType]string {
	return map[v1.EvidenceType]string{
		v1.EvidenceType_EVIDENCE_TYPE_SHIPPING_DOCUMENTATION: "PROOF_OF_FULFILLMENT",
		v1.EvidenceType_EVIDENCE_TYPE_RECEIPT:                "PROOF_OF_RECEIPT_COPY",
		v1.EvidenceType_EVIDENCE_TYPE_REFUND_POLICY:          "RETURN_POLICY",
		v1.EvidenceType_EVIDENCE_TYPE_PRODUCT_DESCRIPTION:    "ITEM_DESCRIPTION",
		v1.EvidenceType_EVIDENCE_TYPE_CUSTOMER_SIGNATURE:     "PROOF_OF_DELIVERY_SIGNATURE",
	}
}

// fileExtensions is the file name extension of the document types PayPal
// takes as evidence (JPG, GIF, PNG, PDF), by MIME type: a file sent without
// a name is named after its evidence type with this extension.
func fileExtensions() map[string]string {
	return map[string]string{"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png", "image/gif": ".gif"}
}

// buildSubmitEvidence builds POST provide-evidence, a multipart body. Files
// are evidence-file parts (PayPal takes JPG, GIF, PNG and PDF files); text
// evidence is no file: it is an evidence's notes in the "input" part's JSON
// {"evidences": [{"evidence_type", "notes"}]}, the caller's
// connector_evidence_type or the type's mapping as evidence_type.
func buildSubmitEvidence(c *pdk.Context, r *v1.DisputeServiceSubmitEvidenceRequest) (*pluginv1.HttpRequest, error) {
	p, err := disputePath(r.GetConnectorDisputeId())
	if err != nil {
		return nil, err
	}
	if len(r.GetEvidence()) > maxEvidenceFiles {
		return nil, pdk.InvalidRequest("evidence", "PayPal takes at most 10 files per submission")
	}
	m := multipart.New(c.Random())
	var notes []*v1.EvidenceDocument
	for i, e := range r.GetEvidence() {
		field := "evidence[" + strconv.Itoa(i) + "]"
		switch {
		case len(e.GetContent()) > 0:
		case e.GetText() != "":
			if len(e.GetText()) > maxEvidenceNotes {
				return nil, pdk.InvalidRequest(field+".text", "PayPal takes at most 2000 characters of notes per evidence")
			}
			notes = append(notes, e)
		default:
			return nil, pdk.InvalidRequest(field, "needs content or text (PayPal has no uploaded file ids)")
		}
	}
	if len(notes) > 0 {
		input := jsonw.NewObject().Array("evidences", func(a *jsonw.Array) {
			for _, e := range notes {
				a.Object(func(o *jsonw.Object) {
					o.String("evidence_type", pdk.First(strings.TrimSpace(e.GetConnectorEvidenceType()), evidenceTypes()[e.GetType()], "OTHER"))
					o.String("notes", e.GetText())
				})
			}
		}).Bytes()
		if err := m.Part("input", "application/json", input); err != nil {
			return nil, pdk.InvalidRequest("evidence", err.Error())
		}
	}
	for i, e := range r.GetEvidence() {
		if len(e.GetContent()) == 0 {
			continue
		}
		name := e.GetFileName()
		if name == "" {
			name = strings.ToLower(strings.TrimPrefix(e.GetType().String(), "EVIDENCE_TYPE_")) + fileExtensions()[e.GetMimeType()]
		}
		if err := m.File("evidence-file", name, e.GetMimeType(), e.GetContent()); err != nil {
			return nil, pdk.InvalidRequest("evidence["+strconv.Itoa(i)+"]", err.Error())
		}
	}
	return postMultipart(c, p+"/provide-evidence", "evidence", r.GetMerchantRequestId(), m)
}

func parseSubmitEvidence(c *pdk.Context, r *v1.DisputeServiceSubmitEvidenceRequest, res *pdk.Response) (*v1.DisputeServiceSubmitEvidenceResponse, error) {
	if err := subsequentAction(res); err != nil {
		return nil, err
	}
	return &v1.DisputeServiceSubmitEvidenceResponse{Status: v1.DisputeStatus_DISPUTE_STATUS_UNDER_REVIEW}, nil
}
