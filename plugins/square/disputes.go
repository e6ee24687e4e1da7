package square

import (
	"cmp"
	"unicode/utf8"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk"
	"github.com/connectorhost/connector-host/pdk/jsonr"
	"github.com/connectorhost/connector-host/pdk/jsonw"
	"github.com/connectorhost/connector-host/pdk/sig"
	"github.com/connectorhost/connector-host/pdk/timestamp"
	"github.com/valyala/fastjson"
)

// maxEvidenceText is Square's limit on CreateDisputeEvidenceText's evidence_text.
const maxEvidenceText = 500

// buildDisputeGet builds RetrieveDispute.
func buildDisputeGet(c *pdk.Context, req *v1.DisputeServiceGetRequest) (*pluginv1.HttpRequest, error) {
	id, err := pdk.PathID("connector_dispute_id", req.GetConnectorDisputeId())
	if err != nil {
		return nil, err
	}
	return api.Get(c, "/v2/disputes/"+id)
}

// buildDisputeAccept builds AcceptDispute (no body: Square takes no key).
func buildDisputeAccept(c *pdk.Context, req *v1.DisputeServiceAcceptRequest) (*pluginv1.HttpRequest, error) {
	id, err := pdk.PathID("connector_dispute_id", req.GetConnectorDisputeId())
	if err != nil {
		return nil, err
	}
	return api.Send(c, "POST", "/v2/disputes/"+id+"/accept", idempotencyKey("accept", cmp.Or(req.GetMerchantRequestId(), req.GetConnectorDisputeId())), nil)
}

// buildDefend builds SubmitEvidence, which sends the evidence added so far
// (DisputeService.SubmitEvidence) to the bank. Square takes no reason code
// and no documents on this call.
func buildDefend(c *pdk.Context, req *v1.DisputeServiceDefendRequest) (*pluginv1.HttpRequest, error) {
	id, err := pdk.PathID("connector_dispute_id", req.GetConnectorDisputeId())
	if err != nil {
		return nil, err
	}
	if len(req.GetEvidence()) > 0 {
		return nil, pdk.InvalidRequest("evidence", "is not taken by Square's SubmitEvidence: add each document with DisputeService.SubmitEvidence first")
	}
	if req.GetDefenseReasonCode() != "" {
		return nil, pdk.InvalidRequest("defense_reason_code", "is not taken by Square: explain the defense in a REBUTTAL_EXPLANATION evidence text")
	}
	return api.Send(c, "POST", "/v2/disputes/"+id+"/submit-evidence", idempotencyKey("defend", cmp.Or(req.GetMerchantRequestId(), req.GetConnectorDisputeId())), nil)
}

// evidenceTypes maps unified evidence types to Square's DisputeEvidenceType.
func evidenceTypes() map[v1.EvidenceType]string {
	return map[v1.EvidenceType]string{
		v1.EvidenceType_EVIDENCE_TYPE_RECEIPT:                        "RECEIPT",
		v1.EvidenceType_EVIDENCE_TYPE_CUSTOMER_COMMUNICATION:         "CARDHOLDER_COMMUNICATION",
		v1.EvidenceType_EVIDENCE_TYPE_SHIPPING_DOCUMENTATION:         "PROOF_OF_DELIVERY_DOCUMENTATION",
		v1.EvidenceType_EVIDENCE_TYPE_REFUND_POLICY:                  "CANCELLATION_OR_REFUND_DOCUMENTATION",
		v1.EvidenceType_EVIDENCE_TYPE_CANCELLATION_POLICY:            "CANCELLATION_OR_REFUND_DOCUMENTATION",
		v1.EvidenceType_EVIDENCE_TYPE_SERVICE_DOCUMENTATION:          "SERVICE_RECEIVED_DOCUMENTATION",
		v1.EvidenceType_EVIDENCE_TYPE_CUSTOMER_SIGNATURE:             "AUTHORIZATION_DOCUMENTATION",
		v1.EvidenceType_EVIDENCE_TYPE_UNCATEGORIZED:                  "GENERIC_EVIDENCE",
		v1.EvidenceType_EVIDENCE_TYPE_DUPLICATE_CHARGE_DOCUMENTATION: "DUPLICATE_CHARGE_DOCUMENTATION",
		v1.EvidenceType_EVIDENCE_TYPE_PRODUCT_DESCRIPTION:            "PRODUCT_OR_SERVICE_DESCRIPTION",
		v1.EvidenceType_EVIDENCE_TYPE_ACCESS_ACTIVITY_LOG:            "ONLINE_OR_APP_ACCESS_LOG",
	}
}

// knownEvidenceType reports whether t is one of Square's DisputeEvidenceType values.
func knownEvidenceType(t string) bool {
	switch t {
	case "GENERIC_EVIDENCE", "ONLINE_OR_APP_ACCESS_LOG", "AUTHORIZATION_DOCUMENTATION", "CANCELLATION_OR_REFUND_DOCUMENTATION",
		"CARDHOLDER_COMMUNICATION", "CARDHOLDER_INFORMATION", "PURCHASE_ACKNOWLEDGEMENT", "DUPLICATE_CHARGE_DOCUMENTATION",
		"PRODUCT_OR_SERVICE_DESCRIPTION", "RECEIPT", "SERVICE_RECEIVED_DOCUMENTATION", "PROOF_OF_DELIVERY_DOCUMENTATION",
		"RELATED_TRANSACTION_DOCUMENTATION", "REBUTTAL_EXPLANATION", "TRACKING_NUMBER":
		return true
	}
	return false
}

// buildSubmitEvidence builds CreateDisputeEvidenceText for one text
// document. The idempotency key is derived from the dispute and the
// evidence, so a retried upload does not add the text twice.
func buildSubmitEvidence(c *pdk.Context, req *v1.DisputeServiceSubmitEvidenceRequest) (*pluginv1.HttpRequest, error) {
	id, err := pdk.PathID("connector_dispute_id", req.GetConnectorDisputeId())
	if err != nil {
		return nil, err
	}
	if len(req.GetEvidence()) != 1 {
		return nil, pdk.InvalidRequest("evidence", "must hold exactly one document: Square adds one evidence text per call")
	}
	ev := req.GetEvidence()[0]
	if len(ev.GetContent()) > 0 || ev.GetConnectorFileId() != "" {
		return nil, pdk.Unsupported("evidence[0].content: file evidence (Square's multipart CreateDisputeEvidenceFile) is not supported; send evidence[0].text")
	}
	text := ev.GetText()
	if text == "" {
		return nil, pdk.InvalidRequest("evidence[0].text", "is required")
	}
	if utf8.RuneCountInString(text) > maxEvidenceText {
		return nil, pdk.InvalidRequest("evidence[0].text", "must be at most 500 characters at Square")
	}
	typ := ev.GetConnectorEvidenceType()
	switch {
	case typ != "" && !knownEvidenceType(typ):
		return nil, pdk.InvalidRequest("evidence[0].connector_evidence_type", "is not a Square DisputeEvidenceType")
	case typ == "":
		var ok bool
		if typ, ok = evidenceTypes()[ev.GetType()]; !ok {
			return nil, pdk.InvalidRequest("evidence[0].type", "is required (or evidence[0].connector_evidence_type)")
		}
	}
	key := idempotencyKey("evidence", cmp.Or(req.GetMerchantRequestId(),
		sig.SHA256Hex([]byte(req.GetConnectorDisputeId()+"\x00"+typ+"\x00"+text))))
	o := jsonw.NewObject()
	o.String("idempotency_key", key)
	o.String("evidence_type", typ)
	o.String("evidence_text", text)
	return api.Send(c, "POST", "/v2/disputes/"+id+"/evidence-text", key, o.Bytes())
}

func parseSubmitEvidence(c *pdk.Context, req *v1.DisputeServiceSubmitEvidenceRequest, res *pdk.Response) (*v1.DisputeServiceSubmitEvidenceResponse, error) {
	o, err := object(res, "evidence")
	if err != nil {
		return nil, err
	}
	if err := pdk.SameID(processor, jsonr.Str(o, "dispute_id"), req.GetConnectorDisputeId()); err != nil {
		return nil, err
	}
	return &v1.DisputeServiceSubmitEvidenceResponse{
		SubmittedEvidenceIds: []string{jsonr.Str(o, "id")}}, nil
}

// readDispute reads a Dispute object (its reason is also the reason code,
// its state the stage).
func readDispute(o *fastjson.Value) (*pdk.DisputeResult, error) {
	d := &pdk.DisputeResult{ID: cmp.Or(jsonr.Str(o, "id"), jsonr.Str(o, "dispute_id")),
		PaymentID: jsonr.Str(o, "disputed_payment", "payment_id"), Reason: jsonr.Str(o, "reason"), ReasonCode: jsonr.Str(o, "reason"),
		Stage: jsonr.Str(o, "state")}
	if d.Stage == "" {
		return nil, pdk.InvalidResponse("Square's dispute %s has no state", d.ID)
	}
	d.Status = disputeStates().Get(d.Stage)
	var err error
	if d.Amount, err = moneyAt(o, "amount_money"); err != nil {
		return nil, err
	}
	if due := jsonr.Str(o, "due_at"); due != "" {
		t, ok := timestamp.ParseRFC3339(due)
		if !ok {
			return nil, pdk.InvalidResponse("Square's dispute due_at %q is not RFC 3339", due)
		}
		d.DueBy = t
	}
	return d, nil
}

// disputeAnswer reads a {dispute} answer.
func disputeAnswer(res *pdk.Response) (*pdk.DisputeResult, error) {
	o, err := object(res, "dispute")
	if err != nil {
		return nil, err
	}
	return readDispute(o)
}

func parseDisputeGet(c *pdk.Context, req *v1.DisputeServiceGetRequest, res *pdk.Response) (*v1.DisputeServiceGetResponse, error) {
	d, err := disputeAnswer(res)
	if err != nil {
		return nil, err
	}
	return d.GetResponse(processor, req)
}

func parseDisputeAccept(c *pdk.Context, req *v1.DisputeServiceAcceptRequest, res *pdk.Response) (*v1.DisputeServiceAcceptResponse, error) {
	d, err := disputeAnswer(res)
	if err != nil {
		return nil, err
	}
	return d.AcceptResponse(processor, req)
}

func parseDefend(c *pdk.Context, req *v1.DisputeServiceDefendRequest, res *pdk.Response) (*v1.DisputeServiceDefendResponse, error) {
	d, err := disputeAnswer(res)
	if err != nil {
		return nil, err
	}
	return d.DefendResponse(processor, req)
}
