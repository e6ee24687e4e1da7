package braintree

import (
	"cmp"
	"slices"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk"
	"github.com/connectorhost/connector-host/pdk/jsonr"
	"github.com/connectorhost/connector-host/pdk/jsonw"
	"github.com/connectorhost/connector-host/pdk/timestamp"
	"github.com/valyala/fastjson"
)

// disputeSelection is what every dispute answer selects. Dispute has no
// reason field: the reason and the processor's reason code are in
// processorResponse (DisputeProcessorResponse).
const disputeSelection = "id status type caseNumber replyByDate amountDisputed { value currencyCode } " +
	"processorResponse { reason reasonCode } transaction { id }"

// buildDisputeGet builds the node query of a Dispute.
func buildDisputeGet(c *pdk.Context, req *v1.DisputeServiceGetRequest) (*pluginv1.HttpRequest, error) {
	return node(c, "connector_dispute_id", req.GetConnectorDisputeId(), "Dispute", disputeSelection)
}

// buildDisputeAccept builds acceptDispute (only OPEN disputes can be accepted).
func buildDisputeAccept(c *pdk.Context, req *v1.DisputeServiceAcceptRequest) (*pluginv1.HttpRequest, error) {
	if req.GetConnectorDisputeId() == "" {
		return nil, pdk.InvalidRequest("connector_dispute_id", "is required")
	}
	if err := reference("merchant_request_id", req.GetMerchantRequestId()); err != nil {
		return nil, err
	}
	return mutation(c, "acceptDispute", "AcceptDisputeInput", "dispute { "+disputeSelection+" }",
		cmp.Or(req.GetMerchantRequestId(), req.GetConnectorDisputeId()), func(o *jsonw.Object) {
			o.StringIf("clientMutationId", req.GetMerchantRequestId())
			o.String("disputeId", req.GetConnectorDisputeId())
		})
}

// disputeFrom reads a Braintree Dispute (the reason code is the
// processor's, else the reason; its type is the stage).
func disputeFrom(o *fastjson.Value) (*pdk.DisputeResult, error) {
	if o == nil || o.Type() != fastjson.TypeObject || jsonr.Str(o, "id") == "" {
		return nil, pdk.InvalidResponse("Braintree's answer has no dispute with an id")
	}
	reason := jsonr.Str(o, "processorResponse", "reason")
	d := &pdk.DisputeResult{ID: jsonr.Str(o, "id"), PaymentID: jsonr.Str(o, "transaction", "id"), Reason: reason,
		ReasonCode: cmp.Or(jsonr.Str(o, "processorResponse", "reasonCode"), reason), Stage: jsonr.Str(o, "type"),
		Status: disputeStatuses().Get(jsonr.Str(o, "status"))}
	var err error
	if d.Amount, err = moneyAt(o, "amountDisputed"); err != nil {
		return nil, err
	}
	if t, ok := timestamp.ParseDate(jsonr.Str(o, "replyByDate")); ok {
		d.DueBy = t
	}
	return d, nil
}

func parseDisputeGet(c *pdk.Context, req *v1.DisputeServiceGetRequest, res *pdk.Response) (*v1.DisputeServiceGetResponse, error) {
	p, err := payload(res, "node")
	if err != nil {
		return nil, err
	}
	d, err := disputeFrom(p)
	if err != nil {
		return nil, err
	}
	return d.GetResponse(processor, req)
}

func parseDisputeAccept(c *pdk.Context, req *v1.DisputeServiceAcceptRequest, res *pdk.Response) (*v1.DisputeServiceAcceptResponse, error) {
	p, err := payload(res, "acceptDispute")
	if err != nil {
		return nil, err
	}
	d, err := disputeFrom(p.Get("dispute"))
	if err != nil {
		return nil, err
	}
	return d.AcceptResponse(processor, req)
}

// textCategories are Braintree's DisputeTextEvidenceCategory values
// (https://developer.paypal.com/braintree/graphql/reference/types/dispute-text-evidence-category),
// deprecated AVS_RESPONSE left out.
func textCategories() []string {
	return []string{"CARRIER_NAME", "CREDIT_ISSUED_AMOUNT", "CREDIT_ISSUED_ARN", "CREDIT_ISSUED_DATE_TIME", "DEVICE_ID",
		"DEVICE_NAME", "DOWNLOAD_DATE_TIME", "GENERAL", "GEOGRAPHICAL_LOCATION", "PRIOR_DIGITAL_GOODS_TRANSACTION_ARN",
		"PRIOR_DIGITAL_GOODS_TRANSACTION_DATE_TIME", "PRIOR_DIGITAL_GOODS_TRANSACTION_ID", "PRIOR_NON_DISPUTED_TRANSACTION_ARN",
		"PRIOR_NON_DISPUTED_TRANSACTION_DATE_TIME", "PRIOR_NON_DISPUTED_TRANSACTION_EMAIL_ADDRESS", "PRIOR_NON_DISPUTED_TRANSACTION_ID",
		"PRIOR_NON_DISPUTED_TRANSACTION_IP_ADDRESS", "PRIOR_NON_DISPUTED_TRANSACTION_PHONE_NUMBER",
		"PRIOR_NON_DISPUTED_TRANSACTION_PHYSICAL_ADDRESS", "PURCHASER_EMAIL_ADDRESS", "PURCHASER_IP_ADDRESS", "PURCHASER_NAME",
		"RECURRING_TRANSACTION_ARN", "RECURRING_TRANSACTION_DATE_TIME", "RECURRING_TRANSACTION_ID", "REFUND_ID", "TRACKING_NUMBER"}
}

// buildSubmitEvidence builds createDisputeTextEvidence for one text
// document (only OPEN disputes take evidence). Braintree's text categories
// name data items (a tracking number, a refund id) rather than document
// kinds, so the category is connector_evidence_type when the caller names
// one, else GENERAL.
func buildSubmitEvidence(c *pdk.Context, req *v1.DisputeServiceSubmitEvidenceRequest) (*pluginv1.HttpRequest, error) {
	if req.GetConnectorDisputeId() == "" {
		return nil, pdk.InvalidRequest("connector_dispute_id", "is required")
	}
	if len(req.GetEvidence()) != 1 {
		return nil, pdk.InvalidRequest("evidence", "must hold exactly one document: Braintree adds one text evidence per call")
	}
	ev := req.GetEvidence()[0]
	if len(ev.GetContent()) > 0 || ev.GetConnectorFileId() != "" {
		return nil, pdk.Unsupported("evidence[0].content: file evidence (Braintree's multipart createDisputeFileEvidence) is not supported; send evidence[0].text")
	}
	if ev.GetText() == "" {
		return nil, pdk.InvalidRequest("evidence[0].text", "is required")
	}
	category := cmp.Or(ev.GetConnectorEvidenceType(), "GENERAL")
	if !slices.Contains(textCategories(), category) {
		return nil, pdk.InvalidRequest("evidence[0].connector_evidence_type", "is not a Braintree DisputeTextEvidenceCategory")
	}
	if err := reference("merchant_request_id", req.GetMerchantRequestId()); err != nil {
		return nil, err
	}
	return mutation(c, "createDisputeTextEvidence", "CreateDisputeTextEvidenceInput", "evidence { id }",
		cmp.Or(req.GetMerchantRequestId(), req.GetConnectorDisputeId()+":"+hexRandom(c)), func(o *jsonw.Object) {
			o.StringIf("clientMutationId", req.GetMerchantRequestId())
			o.String("disputeId", req.GetConnectorDisputeId())
			o.String("category", category)
			o.String("content", ev.GetText())
		})
}

func parseSubmitEvidence(c *pdk.Context, req *v1.DisputeServiceSubmitEvidenceRequest, res *pdk.Response) (*v1.DisputeServiceSubmitEvidenceResponse, error) {
	p, err := payload(res, "createDisputeTextEvidence")
	if err != nil {
		return nil, err
	}
	id := jsonr.Str(p, "evidence", "id")
	if id == "" {
		return nil, pdk.InvalidResponse("Braintree's createDisputeTextEvidence answer has no evidence id")
	}
	// Evidence is taken only while the dispute is OPEN, which it still is.
	return &v1.DisputeServiceSubmitEvidenceResponse{
		Status: v1.DisputeStatus_DISPUTE_STATUS_NEEDS_RESPONSE, SubmittedEvidenceIds: []string{id}}, nil
}

// buildDefend builds finalizeDispute, which sends the evidence added so far
// (DisputeService.SubmitEvidence) to the bank.
func buildDefend(c *pdk.Context, req *v1.DisputeServiceDefendRequest) (*pluginv1.HttpRequest, error) {
	if req.GetConnectorDisputeId() == "" {
		return nil, pdk.InvalidRequest("connector_dispute_id", "is required")
	}
	if len(req.GetEvidence()) > 0 {
		return nil, pdk.InvalidRequest("evidence", "is not taken by Braintree's finalizeDispute: add each document with DisputeService.SubmitEvidence first")
	}
	if req.GetDefenseReasonCode() != "" {
		return nil, pdk.InvalidRequest("defense_reason_code", "is not taken by Braintree: explain the defense in a text evidence")
	}
	if err := reference("merchant_request_id", req.GetMerchantRequestId()); err != nil {
		return nil, err
	}
	return mutation(c, "finalizeDispute", "FinalizeDisputeInput", "dispute { "+disputeSelection+" }",
		cmp.Or(req.GetMerchantRequestId(), req.GetConnectorDisputeId()), func(o *jsonw.Object) {
			o.StringIf("clientMutationId", req.GetMerchantRequestId())
			o.String("disputeId", req.GetConnectorDisputeId())
		})
}

func parseDefend(c *pdk.Context, req *v1.DisputeServiceDefendRequest, res *pdk.Response) (*v1.DisputeServiceDefendResponse, error) {
	p, err := payload(res, "finalizeDispute")
	if err != nil {
		return nil, err
	}
	d, err := disputeFrom(p.Get("dispute"))
	if err != nil {
		return nil, err
	}
	return d.DefendResponse(processor, req)
}
