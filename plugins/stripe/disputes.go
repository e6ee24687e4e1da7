package stripe

import (
	"maps"
	"slices"
	"strings"

	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk"
	"github.com/connectorhost/connector-host/pdk/statusmap"
)

type (
	disputeGetIn      = v1.DisputeServiceGetRequest
	disputeAcceptIn   = v1.DisputeServiceAcceptRequest
	disputeEvidenceIn = v1.DisputeServiceSubmitEvidenceRequest
	disputeDefendIn   = v1.DisputeServiceDefendRequest
)

// disputeStatuses maps Dispute.status. warning_* statuses are inquiries
// (retrieval requests) that have not become chargebacks.
var disputeStatuses = statusmap.Grouped(map[v1.DisputeStatus]string{
	v1.DisputeStatus_DISPUTE_STATUS_INQUIRY:        "warning_needs_response",
	v1.DisputeStatus_DISPUTE_STATUS_UNDER_REVIEW:   "warning_under_review under_review",
	v1.DisputeStatus_DISPUTE_STATUS_WARNING_CLOSED: "warning_closed",
	v1.DisputeStatus_DISPUTE_STATUS_NEEDS_RESPONSE: "needs_response",
	v1.DisputeStatus_DISPUTE_STATUS_WON:            "won",
	v1.DisputeStatus_DISPUTE_STATUS_LOST:           "lost",
	v1.DisputeStatus_DISPUTE_STATUS_CLOSED:         "prevented charge_refunded",
}, v1.DisputeStatus_DISPUTE_STATUS_UNKNOWN)

// readDispute reads a Dispute (an answer or an event's object). The stage
// is payment_method_details.card.case_type when Stripe sends it.
func readDispute(a *pdk.Answer) *v1.DisputeEvent {
	a.Expect("object", "dispute")
	d := &v1.DisputeEvent{
		ConnectorDisputeId: a.Require("id"), Status: pdk.Status(a, "status", disputeStatuses), Amount: a.Money("amount", "currency"),
		ConnectorTransactionId: pdk.First(idOf(a, "payment_intent"), idOf(a, "charge")), Reason: a.Str("reason"),
		ReasonCode: a.Str("payment_method_details.card.network_reason_code"), EvidenceDueByUnix: a.Int("evidence_details.due_by"),
		Stage: a.Str("payment_method_details.card.case_type"),
	}
	if d.Stage == "" {
		d.Stage = "chargeback"
		if strings.HasPrefix(a.Str("status"), "warning_") {
			d.Stage = "inquiry"
		}
	}
	return d
}

// disputeGetHandler reads a Dispute. Stripe has no defense reason codes: the
// answer names one defense (the dispute's reason) with the evidence fields
// Stripe recommends for it.
var disputeGetHandler = &pdk.Call[*disputeGetIn, *v1.DisputeServiceGetResponse]{
	API: api, Path: "/v1/disputes/{id}",
	Params: pdk.Params[*disputeGetIn]{"id": {Field: "connector_dispute_id", Get: (*disputeGetIn).GetConnectorDisputeId}},
	Read: func(a *pdk.Answer) *v1.DisputeServiceGetResponse {
		d := readDispute(a)
		return &v1.DisputeServiceGetResponse{ConnectorDisputeId: d.ConnectorDisputeId, Status: d.Status, Amount: d.Amount,
			Reason: d.Reason, ReasonCode: d.ReasonCode, ConnectorTransactionId: d.ConnectorTransactionId,
			EvidenceDueByUnix: d.EvidenceDueByUnix, DefenseReasons: defenseReasons(d.Reason), Stage: d.Stage}
	},
}

// disputeAcceptHandler closes a dispute, which concedes it: Stripe marks it
// lost, answered as ACCEPTED.
var disputeAcceptHandler = &pdk.Call[*disputeAcceptIn, *v1.DisputeServiceAcceptResponse]{
	API: api, Method: "POST", Path: "/v1/disputes/{id}/close",
	Params: pdk.Params[*disputeAcceptIn]{"id": {Field: "connector_dispute_id", Get: (*disputeAcceptIn).GetConnectorDisputeId}},
	Key: pdk.Key[*disputeAcceptIn]{Op: "dispute_accept", ID: (*disputeAcceptIn).GetMerchantRequestId,
		Fallback: (*disputeAcceptIn).GetConnectorDisputeId},
	Read: func(a *pdk.Answer) *v1.DisputeServiceAcceptResponse {
		d := readDispute(a)
		if a.Str("status") == "lost" {
			d.Status = v1.DisputeStatus_DISPUTE_STATUS_ACCEPTED
		}
		return &v1.DisputeServiceAcceptResponse{ConnectorDisputeId: d.ConnectorDisputeId, Status: d.Status}
	},
}

// disputeSubmitEvidenceHandler adds evidence without submitting it (submit=false).
var disputeSubmitEvidenceHandler = &pdk.Call[*disputeEvidenceIn, *v1.DisputeServiceSubmitEvidenceResponse]{
	API: api, Method: "POST", Path: "/v1/disputes/{id}",
	Params: pdk.Params[*disputeEvidenceIn]{"id": {Field: "connector_dispute_id", Get: (*disputeEvidenceIn).GetConnectorDisputeId}},
	Key:    pdk.Key[*disputeEvidenceIn]{Op: "dispute_evidence", ID: (*disputeEvidenceIn).GetMerchantRequestId},
	Check:  pdk.Required("evidence", func(r *disputeEvidenceIn) bool { return len(r.GetEvidence()) > 0 }),
	Fill: func(_ *pdk.Context, req *disputeEvidenceIn, b *pdk.Body) error {
		return writeEvidence(b, req.GetEvidence(), false, "")
	},
	Answer: func(_ *pdk.Context, req *disputeEvidenceIn, a *pdk.Answer) (*v1.DisputeServiceSubmitEvidenceResponse, error) {
		d := readDispute(a)
		fields, err := evidence.Fields(req.GetEvidence())
		return &v1.DisputeServiceSubmitEvidenceResponse{ConnectorDisputeId: d.ConnectorDisputeId, Status: d.Status,
			SubmittedEvidenceIds: slices.Sorted(maps.Keys(fields))}, err
	},
}

// disputeDefendHandler submits the evidence (submit=true). Stripe has no
// defense reason codes: a given code goes to metadata[defense_reason_code].
var disputeDefendHandler = &pdk.Call[*disputeDefendIn, *v1.DisputeServiceDefendResponse]{
	API: api, Method: "POST", Path: "/v1/disputes/{id}",
	Params: pdk.Params[*disputeDefendIn]{"id": {Field: "connector_dispute_id", Get: (*disputeDefendIn).GetConnectorDisputeId}},
	Key: pdk.Key[*disputeDefendIn]{Op: "dispute_defend", ID: (*disputeDefendIn).GetMerchantRequestId,
		Fallback: (*disputeDefendIn).GetConnectorDisputeId},
	Fill: func(_ *pdk.Context, req *disputeDefendIn, b *pdk.Body) error {
		return writeEvidence(b, req.GetEvidence(), true, req.GetDefenseReasonCode())
	},
	Read: func(a *pdk.Answer) *v1.DisputeServiceDefendResponse {
		d := readDispute(a)
		return &v1.DisputeServiceDefendResponse{ConnectorDisputeId: d.ConnectorDisputeId, Status: d.Status}
	},
}

// writeEvidence writes evidence[...] in name order (the order
// SubmittedEvidenceIds lists), submit and the defense reason code.
func writeEvidence(b *pdk.Body, docs []*v1.EvidenceDocument, submit bool, reasonCode string) error {
	fields, err := evidence.Fields(docs)
	b.SetMap("evidence", fields)
	b.SetBool("submit", submit)
	b.SetIf("metadata.defense_reason_code", reasonCode)
	return err
}

// evidence maps documents to the evidence hash. Files must be uploaded to
// Stripe first (connector_file_id: file_..., purpose dispute_evidence), one
// per field; texts for one field are joined by blank lines; a file or text
// whose type has no field of its kind is uncategorized.
var evidence = pdk.EvidenceSlots{Slots: map[v1.EvidenceType]pdk.EvidenceSlot{
	v1.EvidenceType_EVIDENCE_TYPE_RECEIPT:                        {File: "receipt"},
	v1.EvidenceType_EVIDENCE_TYPE_CUSTOMER_COMMUNICATION:         {File: "customer_communication"},
	v1.EvidenceType_EVIDENCE_TYPE_SHIPPING_DOCUMENTATION:         {File: "shipping_documentation"},
	v1.EvidenceType_EVIDENCE_TYPE_REFUND_POLICY:                  {File: "refund_policy", Text: "refund_policy_disclosure"},
	v1.EvidenceType_EVIDENCE_TYPE_CANCELLATION_POLICY:            {File: "cancellation_policy", Text: "cancellation_policy_disclosure"},
	v1.EvidenceType_EVIDENCE_TYPE_SERVICE_DOCUMENTATION:          {File: "service_documentation"},
	v1.EvidenceType_EVIDENCE_TYPE_CUSTOMER_SIGNATURE:             {File: "customer_signature"},
	v1.EvidenceType_EVIDENCE_TYPE_UNCATEGORIZED:                  {File: "uncategorized_file", Text: "uncategorized_text"},
	v1.EvidenceType_EVIDENCE_TYPE_DUPLICATE_CHARGE_DOCUMENTATION: {File: "duplicate_charge_documentation", Text: "duplicate_charge_explanation"},
	v1.EvidenceType_EVIDENCE_TYPE_PRODUCT_DESCRIPTION:            {Text: "product_description"},
	v1.EvidenceType_EVIDENCE_TYPE_ACCESS_ACTIVITY_LOG:            {Text: "access_activity_log"},
}, Other: pdk.EvidenceSlot{File: "uncategorized_file", Text: "uncategorized_text"}, Join: "\n\n",
	Processor: "Stripe", Upload: "upload the file to Stripe (purpose dispute_evidence) first"}

// reasonEvidence lists, per Stripe dispute reason, the evidence fields
// Stripe recommends (https://docs.stripe.com/disputes/categories).
var reasonEvidence = map[string]string{
	"credit_not_processed": "refund_policy refund_policy_disclosure refund_refusal_explanation customer_communication receipt",
	"duplicate":            "duplicate_charge_documentation duplicate_charge_explanation duplicate_charge_id receipt",
	"fraudulent": "access_activity_log billing_address customer_communication customer_purchase_ip customer_signature receipt " +
		"shipping_documentation",
	"product_not_received":  "shipping_documentation shipping_carrier shipping_tracking_number shipping_date customer_communication receipt",
	"product_unacceptable":  "product_description refund_policy customer_communication receipt shipping_documentation",
	"subscription_canceled": "cancellation_policy cancellation_policy_disclosure cancellation_rebuttal customer_communication receipt",
	"general":               "receipt customer_communication uncategorized_file uncategorized_text",
	"unrecognized":          "receipt customer_communication access_activity_log shipping_documentation",
}

// defenseReasons describes the defense for a dispute's reason: Stripe has
// one defense per dispute, with the evidence fields it recommends.
func defenseReasons(reason string) []*v1.DefenseReason {
	if reason == "" {
		return nil
	}
	fields, ok := reasonEvidence[reason]
	if !ok {
		fields = reasonEvidence["general"]
	}
	return []*v1.DefenseReason{{Code: reason, OptionalEvidence: strings.Fields(fields)}}
}
