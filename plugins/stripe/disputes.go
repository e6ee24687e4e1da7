package stripe

import (
	"fmt"
	"strings"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk"
	"github.com/connectorhost/connector-host/pdk/form"
	"github.com/valyala/fastjson"
)

// dispute is the unified reading of a Stripe Dispute.
type dispute struct {
	ID            string
	TransactionID string
	RawStatus     string
	Status        v1.DisputeStatus
	Amount        *v1.Money
	Reason        string
	ReasonCode    string
	DueBy         int64
	Stage         string
}

// parseDispute reads a Dispute object.
func parseDispute(v *fastjson.Value) (*dispute, error) {
	if obj := str(v, "object"); obj != "" && obj != "dispute" {
		return nil, pdk.InvalidResponse("answered with a %q object where a dispute was expected", obj)
	}
	id, err := requireID(v, "dispute")
	if err != nil {
		return nil, err
	}
	amount, err := fromStripeAmount(num(v, "amount"), str(v, "currency"))
	if err != nil {
		return nil, err
	}
	raw := str(v, "status")
	d := &dispute{
		ID:            id,
		TransactionID: firstNonEmpty(idOf(v, "payment_intent"), idOf(v, "charge")),
		RawStatus:     raw,
		Status:        disputeStatuses.Get(raw),
		Amount:        amount,
		Reason:        str(v, "reason"),
		ReasonCode:    str(v, "payment_method_details", "card", "network_reason_code"),
		DueBy:         num(v, "evidence_details", "due_by"),
		Stage:         str(v, "payment_method_details", "card", "case_type"),
	}
	if d.Stage == "" {
		d.Stage = "chargeback"
		if strings.HasPrefix(raw, "warning_") {
			d.Stage = "inquiry"
		}
	}
	return d, nil
}

// readDispute reads an answer carrying a Dispute; errors are typed errors.
func readDispute(c *pdk.Context, res *pdk.Response) (*dispute, error) {
	a, err := readAnswer(res, secretsOf(c, nil))
	if err != nil {
		return nil, err
	}
	if a.Err != nil {
		return nil, a.Err.pluginError()
	}
	return parseDispute(a.Obj)
}

var disputeGetHandler = pdk.H(func(c *pdk.Context, req *v1.DisputeServiceGetRequest) (*pluginv1.HttpRequest, error) {
	path, err := objectPath("/v1/disputes", req.GetConnectorDisputeId(), "connector_dispute_id")
	if err != nil {
		return nil, err
	}
	return get(c, path, nil)
}, func(c *pdk.Context, req *v1.DisputeServiceGetRequest, res *pdk.Response) (*v1.DisputeServiceGetResponse, error) {
	d, err := readDispute(c, res)
	if err != nil {
		return nil, err
	}
	return &v1.DisputeServiceGetResponse{
		ConnectorDisputeId:     d.ID,
		ConnectorTransactionId: firstNonEmpty(d.TransactionID, req.GetConnectorTransactionId()),
		Status:                 d.Status,
		Amount:                 d.Amount,
		Reason:                 d.Reason,
		ReasonCode:             d.ReasonCode,
		EvidenceDueByUnix:      d.DueBy,
		DefenseReasons:         defenseReasons(d.Reason),
		Stage:                  d.Stage,
		ConnectorHttpStatus:    int32(res.Status),
	}, nil
})

var disputeAcceptHandler = pdk.H(func(c *pdk.Context, req *v1.DisputeServiceAcceptRequest) (*pluginv1.HttpRequest, error) {
	path, err := objectPath("/v1/disputes", req.GetConnectorDisputeId(), "connector_dispute_id", "close")
	if err != nil {
		return nil, err
	}
	return post(c, path, optionalMerchantID(c, "dispute_accept", req.GetMerchantRequestId(), req.GetConnectorDisputeId()), nil)
}, func(c *pdk.Context, req *v1.DisputeServiceAcceptRequest, res *pdk.Response) (*v1.DisputeServiceAcceptResponse, error) {
	d, err := readDispute(c, res)
	if err != nil {
		return nil, err
	}
	status := d.Status
	if d.RawStatus == "lost" {
		// Closing a dispute concedes it: Stripe marks it lost.
		status = v1.DisputeStatus_DISPUTE_STATUS_ACCEPTED
	}
	return &v1.DisputeServiceAcceptResponse{ConnectorDisputeId: d.ID, Status: status, ConnectorHttpStatus: int32(res.Status)}, nil
})

var disputeSubmitEvidenceHandler = pdk.H(func(c *pdk.Context, req *v1.DisputeServiceSubmitEvidenceRequest) (*pluginv1.HttpRequest, error) {
	if len(req.GetEvidence()) == 0 {
		return nil, pdk.InvalidRequest("evidence", "is required")
	}
	return buildDisputeUpdate(c, req.GetConnectorDisputeId(), req.GetEvidence(), false, "",
		optionalMerchantID(c, "dispute_evidence", req.GetMerchantRequestId()))
}, func(c *pdk.Context, req *v1.DisputeServiceSubmitEvidenceRequest, res *pdk.Response) (*v1.DisputeServiceSubmitEvidenceResponse, error) {
	d, err := readDispute(c, res)
	if err != nil {
		return nil, err
	}
	fields, err := evidenceFields(req.GetEvidence())
	if err != nil {
		return nil, err
	}
	return &v1.DisputeServiceSubmitEvidenceResponse{
		ConnectorDisputeId:   d.ID,
		Status:               d.Status,
		SubmittedEvidenceIds: fields.names(),
		ConnectorHttpStatus:  int32(res.Status),
	}, nil
})

var disputeDefendHandler = pdk.H(func(c *pdk.Context, req *v1.DisputeServiceDefendRequest) (*pluginv1.HttpRequest, error) {
	return buildDisputeUpdate(c, req.GetConnectorDisputeId(), req.GetEvidence(), true, req.GetDefenseReasonCode(),
		optionalMerchantID(c, "dispute_defend", req.GetMerchantRequestId(), req.GetConnectorDisputeId()))
}, func(c *pdk.Context, req *v1.DisputeServiceDefendRequest, res *pdk.Response) (*v1.DisputeServiceDefendResponse, error) {
	d, err := readDispute(c, res)
	if err != nil {
		return nil, err
	}
	return &v1.DisputeServiceDefendResponse{ConnectorDisputeId: d.ID, Status: d.Status, ConnectorHttpStatus: int32(res.Status)}, nil
})

// buildDisputeUpdate builds POST /v1/disputes/{id} with evidence[...] and
// submit. Stripe has no defense reason codes: a given code is recorded in
// metadata[defense_reason_code].
func buildDisputeUpdate(c *pdk.Context, id string, docs []*v1.EvidenceDocument, submit bool, reasonCode, key string) (*pluginv1.HttpRequest, error) {
	path, err := objectPath("/v1/disputes", id, "connector_dispute_id")
	if err != nil {
		return nil, err
	}
	fields, err := evidenceFields(docs)
	if err != nil {
		return nil, err
	}
	f := form.New()
	ev := f.Nest("evidence")
	for _, name := range evidenceOrder {
		if v, ok := fields[name]; ok {
			ev.Set(name, v)
		}
	}
	f.SetBool("submit", submit)
	if reasonCode != "" {
		f.Nest("metadata").Set("defense_reason_code", reasonCode)
	}
	return post(c, path, key, f)
}

// evidenceSlot says where a unified evidence type goes in Stripe's
// evidence hash: a file field and a text field ("" when Stripe has none;
// texts then go to uncategorized_text, files to uncategorized_file).
type evidenceSlot struct{ file, text string }

var evidenceSlots = map[v1.EvidenceType]evidenceSlot{
	v1.EvidenceType_EVIDENCE_TYPE_RECEIPT:                        {file: "receipt"},
	v1.EvidenceType_EVIDENCE_TYPE_CUSTOMER_COMMUNICATION:         {file: "customer_communication"},
	v1.EvidenceType_EVIDENCE_TYPE_SHIPPING_DOCUMENTATION:         {file: "shipping_documentation"},
	v1.EvidenceType_EVIDENCE_TYPE_REFUND_POLICY:                  {file: "refund_policy", text: "refund_policy_disclosure"},
	v1.EvidenceType_EVIDENCE_TYPE_CANCELLATION_POLICY:            {file: "cancellation_policy", text: "cancellation_policy_disclosure"},
	v1.EvidenceType_EVIDENCE_TYPE_SERVICE_DOCUMENTATION:          {file: "service_documentation"},
	v1.EvidenceType_EVIDENCE_TYPE_CUSTOMER_SIGNATURE:             {file: "customer_signature"},
	v1.EvidenceType_EVIDENCE_TYPE_UNCATEGORIZED:                  {file: "uncategorized_file", text: "uncategorized_text"},
	v1.EvidenceType_EVIDENCE_TYPE_DUPLICATE_CHARGE_DOCUMENTATION: {file: "duplicate_charge_documentation", text: "duplicate_charge_explanation"},
	v1.EvidenceType_EVIDENCE_TYPE_PRODUCT_DESCRIPTION:            {text: "product_description"},
	v1.EvidenceType_EVIDENCE_TYPE_ACCESS_ACTIVITY_LOG:            {text: "access_activity_log"},
}

// evidenceOrder is the order evidence fields are written in.
var evidenceOrder = []string{
	"access_activity_log", "cancellation_policy", "cancellation_policy_disclosure", "customer_communication",
	"customer_signature", "duplicate_charge_documentation", "duplicate_charge_explanation", "product_description",
	"receipt", "refund_policy", "refund_policy_disclosure", "service_documentation", "shipping_documentation",
	"uncategorized_file", "uncategorized_text",
}

// evidence is Stripe evidence field name → value.
type evidence map[string]string

// names lists the fields set, in evidenceOrder.
func (e evidence) names() []string {
	var out []string
	for _, n := range evidenceOrder {
		if _, ok := e[n]; ok {
			out = append(out, n)
		}
	}
	return out
}

// evidenceFields maps evidence documents to Stripe's evidence hash. Files
// must already be uploaded to Stripe (connector_file_id, a file_... id with
// purpose dispute_evidence); Stripe takes one file per field. Texts for the
// same field are joined by blank lines.
func evidenceFields(docs []*v1.EvidenceDocument) (evidence, error) {
	out := evidence{}
	for i, d := range docs {
		field := fmt.Sprintf("evidence[%d]", i)
		slot, ok := evidenceSlots[d.GetType()]
		if !ok {
			return nil, pdk.InvalidRequest(field+".type", "is not a known evidence type")
		}
		if d.GetConnectorFileId() == "" && d.GetText() == "" {
			if len(d.GetContent()) > 0 {
				return nil, pdk.InvalidRequest(field+".connector_file_id",
					"is required for files: upload the file to Stripe (purpose dispute_evidence) first; inline content is not supported")
			}
			return nil, pdk.InvalidRequest(field, "has neither text nor connector_file_id")
		}
		if id := d.GetConnectorFileId(); id != "" {
			name := slot.file
			if name == "" {
				name = "uncategorized_file"
			}
			if _, dup := out[name]; dup {
				return nil, pdk.InvalidRequest(field+".connector_file_id", "Stripe takes one file for evidence "+name+": combine the documents")
			}
			out[name] = id
		}
		if text := strings.TrimSpace(d.GetText()); text != "" {
			name := slot.text
			if name == "" {
				name = "uncategorized_text"
				text = evidenceLabel(d.GetType()) + ": " + text
			}
			if prev, ok := out[name]; ok {
				text = prev + "\n\n" + text
			}
			out[name] = text
		}
	}
	return out, nil
}

func evidenceLabel(t v1.EvidenceType) string {
	s := strings.TrimPrefix(t.String(), "EVIDENCE_TYPE_")
	s = strings.ReplaceAll(strings.ToLower(s), "_", " ")
	return strings.ToUpper(s[:1]) + s[1:]
}

// reasonEvidence lists, per Stripe dispute reason, the evidence fields
// Stripe recommends (https://docs.stripe.com/disputes/categories).
var reasonEvidence = map[string][]string{
	"credit_not_processed":  {"refund_policy", "refund_policy_disclosure", "refund_refusal_explanation", "customer_communication", "receipt"},
	"duplicate":             {"duplicate_charge_documentation", "duplicate_charge_explanation", "duplicate_charge_id", "receipt"},
	"fraudulent":            {"access_activity_log", "billing_address", "customer_communication", "customer_purchase_ip", "customer_signature", "receipt", "shipping_documentation"},
	"product_not_received":  {"shipping_documentation", "shipping_carrier", "shipping_tracking_number", "shipping_date", "customer_communication", "receipt"},
	"product_unacceptable":  {"product_description", "refund_policy", "customer_communication", "receipt", "shipping_documentation"},
	"subscription_canceled": {"cancellation_policy", "cancellation_policy_disclosure", "cancellation_rebuttal", "customer_communication", "receipt"},
	"general":               {"receipt", "customer_communication", "uncategorized_file", "uncategorized_text"},
	"unrecognized":          {"receipt", "customer_communication", "access_activity_log", "shipping_documentation"},
}

// defenseReasons describes the defense for a dispute's reason: Stripe has
// one defense per dispute, with the evidence fields it recommends.
func defenseReasons(reason string) []*v1.DefenseReason {
	fields, ok := reasonEvidence[reason]
	if !ok {
		fields = reasonEvidence["general"]
	}
	if reason == "" {
		return nil
	}
	return []*v1.DefenseReason{{Code: reason, OptionalEvidence: append([]string(nil), fields...)}}
}
