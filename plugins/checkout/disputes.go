package checkout

import (
	"cmp"
	"strings"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/internal/textf"
	"github.com/connectorhost/connector-host/pdk"
	"github.com/connectorhost/connector-host/pdk/jsonr"
	"github.com/connectorhost/connector-host/pdk/jsonw"
	"github.com/connectorhost/connector-host/pdk/timestamp"
	"github.com/valyala/fastjson"
)

// disputes addresses a dispute by its id: /disputes/{id} + suffix.
var disputes = pdk.IDPath{Prefix: "/disputes/", Field: "connector_dispute_id", Shape: disputeIDPattern, Example: "dsp_..."}

// buildDisputeGet builds GET /disputes/{id}.
func buildDisputeGet(c *pdk.Context, req *v1.DisputeServiceGetRequest) (*pluginv1.HttpRequest, error) {
	return disputes.Get(c, api, req.GetConnectorDisputeId())
}

func parseDisputeGet(c *pdk.Context, req *v1.DisputeServiceGetRequest, res *pdk.Response) (*v1.DisputeServiceGetResponse, error) {
	v, err := object(res)
	if err != nil {
		return nil, err
	}
	d, err := readDispute(v)
	if err != nil {
		return nil, err
	}
	out := &v1.DisputeServiceGetResponse{
		ConnectorDisputeId:     cmp.Or(d.ConnectorDisputeId, req.GetConnectorDisputeId()),
		ConnectorTransactionId: cmp.Or(d.ConnectorTransactionId, req.GetConnectorTransactionId()),
		Status:                 d.Status, Amount: d.Amount, Reason: d.Reason, ReasonCode: d.ReasonCode,
		EvidenceDueByUnix: d.EvidenceDueByUnix, Stage: d.Stage,
	}
	if ev := jsonr.Strings(v, "relevant_evidence"); len(ev) > 0 {
		out.DefenseReasons = []*v1.DefenseReason{{Code: d.Reason, OptionalEvidence: ev}}
	}
	return out, nil
}

// readDispute reads a Dispute resource, or the data of a dispute webhook
// (which names the payment as payment_id).
func readDispute(v *fastjson.Value) (*v1.DisputeEvent, error) {
	status := jsonr.Str(v, "status")
	d := &v1.DisputeEvent{
		ConnectorDisputeId:     jsonr.Str(v, "id"),
		ConnectorTransactionId: cmp.Or(jsonr.Str(v, "payment", "id"), jsonr.Str(v, "payment_id")),
		Status:                 disputeStatuses().Get(status),
		Reason:                 jsonr.Str(v, "category"),
		ReasonCode:             jsonr.Str(v, "reason_code"),
		Stage:                  "chargeback",
	}
	if strings.HasPrefix(status, "arbitration_") {
		d.Stage = "arbitration"
	}
	if cur := jsonr.Str(v, "currency"); cur != "" {
		var err error
		if d.Amount, err = amountAt(v, cur, "amount"); err != nil {
			return nil, err
		}
	}
	if t, ok := timestamp.ParseRFC3339(jsonr.Str(v, "evidence_required_by")); ok {
		d.EvidenceDueByUnix = t
	}
	return d, nil
}

// buildDisputeAccept builds POST /disputes/{id}/accept (204).
func buildDisputeAccept(c *pdk.Context, req *v1.DisputeServiceAcceptRequest) (*pluginv1.HttpRequest, error) {
	path, err := disputes.Of(req.GetConnectorDisputeId(), "/accept")
	if err != nil {
		return nil, err
	}
	return api.Send(c, "POST", path, "dispute-accept:"+cmp.Or(req.GetMerchantRequestId(), req.GetConnectorDisputeId()), nil)
}

func parseDisputeAccept(c *pdk.Context, req *v1.DisputeServiceAcceptRequest, res *pdk.Response) (*v1.DisputeServiceAcceptResponse, error) {
	if err := noContent(res); err != nil {
		return nil, err
	}
	return &v1.DisputeServiceAcceptResponse{
		Status: v1.DisputeStatus_DISPUTE_STATUS_ACCEPTED,
	}, nil
}

// evidenceFields are the ProvideEvidenceRequest field stems, each with a
// _file (a file id from the Files API) and a _text (at most 500 characters) field.
var evidenceFields = []string{
	"proof_of_delivery_or_service", "invoice_or_receipt", "invoice_showing_distinct_transactions",
	"customer_communication", "refund_or_cancellation_policy", "recurring_transaction_agreement",
	"additional_evidence", "proof_of_delivery_or_service_date",
}

// evidenceField maps a unified evidence type to a field stem; the types
// Checkout.com has no field for are additional_evidence.
func evidenceField(t v1.EvidenceType) string {
	stem, ok := map[v1.EvidenceType]string{
		v1.EvidenceType_EVIDENCE_TYPE_RECEIPT:                        "invoice_or_receipt",
		v1.EvidenceType_EVIDENCE_TYPE_CUSTOMER_COMMUNICATION:         "customer_communication",
		v1.EvidenceType_EVIDENCE_TYPE_SHIPPING_DOCUMENTATION:         "proof_of_delivery_or_service",
		v1.EvidenceType_EVIDENCE_TYPE_SERVICE_DOCUMENTATION:          "proof_of_delivery_or_service",
		v1.EvidenceType_EVIDENCE_TYPE_REFUND_POLICY:                  "refund_or_cancellation_policy",
		v1.EvidenceType_EVIDENCE_TYPE_CANCELLATION_POLICY:            "refund_or_cancellation_policy",
		v1.EvidenceType_EVIDENCE_TYPE_DUPLICATE_CHARGE_DOCUMENTATION: "invoice_showing_distinct_transactions",
	}[t]
	if !ok {
		return "additional_evidence"
	}
	return stem
}

// evidenceBody writes a ProvideEvidenceRequest: each document fills its
// stem's _file (a Files API id) and/or _text (at most 500 characters) field,
// once. It returns the fields set, in request order.
func evidenceBody(docs []*v1.EvidenceDocument) ([]byte, []string, error) {
	vals := map[string]string{}
	var ids []string
	for i, d := range docs {
		f := textf.Sprintf("evidence[%d]", i)
		stem := evidenceField(d.GetType())
		if t := d.GetConnectorEvidenceType(); t != "" {
			if stem = strings.TrimSuffix(strings.TrimSuffix(t, "_file"), "_text"); !contains(evidenceFields, stem) {
				return nil, nil, pdk.InvalidRequest(f+".connector_evidence_type", textf.Sprintf("%q is not a Checkout.com evidence field (%s)", t, strings.Join(evidenceFields, ", ")))
			}
		}
		switch {
		case len(d.GetContent()) > 0:
			return nil, nil, pdk.InvalidRequest(f+".content", "upload the file with Checkout.com's Files API first and send its id (file_...) as connector_file_id")
		case d.GetConnectorFileId() == "" && d.GetText() == "":
			return nil, nil, pdk.InvalidRequest(f, "needs connector_file_id or text")
		case len(d.GetText()) > 500:
			return nil, nil, pdk.InvalidRequest(f+".text", "must be at most 500 characters at Checkout.com")
		}
		for _, kv := range [][2]string{{stem + "_file", d.GetConnectorFileId()}, {stem + "_text", d.GetText()}} {
			if kv[1] == "" {
				continue
			}
			if _, dup := vals[kv[0]]; dup {
				return nil, nil, pdk.InvalidRequest(f, "a second document for Checkout.com's "+kv[0])
			}
			vals[kv[0]], ids = kv[1], append(ids, kv[0])
		}
	}
	o := jsonw.NewObject()
	for _, id := range ids {
		o.String(id, vals[id])
	}
	return o.Bytes(), ids, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// buildSubmitEvidence provides evidence (PUT /disputes/{id}/evidence, 204).
// Checkout.com keeps it editable until it is submitted to the scheme (POST
// /disputes/{id}/evidence), which the spec allows only with an OAuth token:
// the dashboard submits it, or Checkout.com does at the deadline.
func buildSubmitEvidence(c *pdk.Context, req *v1.DisputeServiceSubmitEvidenceRequest) (*pluginv1.HttpRequest, error) {
	path, err := disputes.Of(req.GetConnectorDisputeId(), "/evidence")
	if err != nil {
		return nil, err
	}
	if len(req.GetEvidence()) == 0 {
		return nil, pdk.InvalidRequest("evidence", "needs at least one document")
	}
	body, _, err := evidenceBody(req.GetEvidence())
	if err != nil {
		return nil, err
	}
	r, err := api.NewRequest(c, "PUT", path)
	if err != nil {
		return nil, err
	}
	return r.Idempotent().Body("application/json", body).Build(), nil
}

func parseSubmitEvidence(c *pdk.Context, req *v1.DisputeServiceSubmitEvidenceRequest, res *pdk.Response) (*v1.DisputeServiceSubmitEvidenceResponse, error) {
	if err := noContent(res); err != nil {
		return nil, err
	}
	_, ids, _ := evidenceBody(req.GetEvidence())
	return &v1.DisputeServiceSubmitEvidenceResponse{
		Status:               v1.DisputeStatus_DISPUTE_STATUS_NEEDS_RESPONSE,
		SubmittedEvidenceIds: ids,
	}, nil
}
