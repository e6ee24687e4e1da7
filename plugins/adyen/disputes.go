package adyen

import (
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk"
	"github.com/connectorhost/connector-host/pdk/jsonw"
	"github.com/connectorhost/connector-host/pdk/sig"
	"github.com/valyala/fastjson"
)

// Disputes API v30: every operation is a POST of
// {merchantAccountCode, disputePspReference, ...} answered with
// {disputeServiceResult: {success, errorMessage}}. connector_dispute_id is
// the dispute's pspReference (the pspReference of the CHARGEBACK /
// NOTIFICATION_OF_CHARGEBACK webhook).

// stateEvidence is the ConnectorState value SubmitEvidence sets to the
// dispute id whose documents it supplied; Defend uses it to skip the
// supply step it asks the host to run first.
const stateEvidence = "adyen_evidence_supplied"

// disputeCall builds one Disputes API call. key is its idempotency key;
// when empty it is derived from the body, so the same operation retried
// shares a key and another one (other documents, another reason) does not.
func disputeCall(c *pdk.Context, op, disputeID, key string, extra func(*jsonw.Object)) (*pluginv1.HttpRequest, error) {
	cr, err := requireCredentials(c)
	if err != nil {
		return nil, err
	}
	if disputeID == "" {
		return nil, pdk.InvalidRequest("connector_dispute_id", "is required (Adyen disputePspReference)")
	}
	base, err := disputesBase(c)
	if err != nil {
		return nil, err
	}
	o := jsonw.NewObject()
	o.String("merchantAccountCode", cr.merchantAccount)
	o.String("disputePspReference", disputeID)
	if extra != nil {
		extra(o)
	}
	body := o.Bytes()
	if key == "" {
		key = idempotencyKey("dispute-"+strings.ToLower(op), sig.SHA256Hex(body)[:32])
	}
	return post(base+"/"+op, cr, key, body), nil
}

// disputeResult checks an answer's disputeServiceResult. success false is a
// typed error: NOT_FOUND when Adyen does not know the dispute, otherwise
// CONFLICT (the dispute's state does not allow the operation).
func disputeResult(res *pdk.Response, op string) (*fastjson.Value, error) {
	if err := httpError(res); err != nil {
		return nil, err
	}
	v, err := parseObject(res)
	if err != nil {
		return nil, err
	}
	r := v.Get("disputeServiceResult")
	if r == nil || r.Type() != fastjson.TypeObject {
		return nil, pdk.InvalidResponse("Adyen's %s answer has no disputeServiceResult", op)
	}
	ok := r.Get("success")
	if ok == nil || (ok.Type() != fastjson.TypeTrue && ok.Type() != fastjson.TypeFalse) {
		return nil, pdk.InvalidResponse("Adyen's %s answer has no disputeServiceResult.success", op)
	}
	if ok.Type() == fastjson.TypeTrue {
		return v, nil
	}
	msg := firstNonEmpty(str(r, "errorMessage"), "Adyen refused the dispute operation")
	kind, code := pluginv1.ErrorKind_ERROR_KIND_CONFLICT, v1.ErrorCode_ERROR_CODE_CONFLICT
	if l := strings.ToLower(msg); strings.Contains(l, "not found") || strings.Contains(l, "unknown dispute") {
		kind, code = pluginv1.ErrorKind_ERROR_KIND_NOT_FOUND, v1.ErrorCode_ERROR_CODE_NOT_FOUND
	}
	return nil, &pdk.Error{
		Kind:    kind,
		Message: fmt.Sprintf("%s: %s", op, msg),
		Detail: &v1.PaymentError{Code: code, Message: msg,
			Connector: &v1.ConnectorError{Message: msg, HttpStatus: int32(res.Status), Type: "disputeServiceResult"}},
	}
}

// disputeKey is the idempotency key of a dispute operation from the
// merchant's request id; "" (derive it from the body) when there is none.
func disputeKey(op, merchantReqID string) string {
	if merchantReqID == "" {
		return ""
	}
	return idempotencyKey("dispute-"+op, merchantReqID)
}

// buildDisputeGet calls retrieveApplicableDefenseReasons. It is a read whose
// answer changes as documents are supplied, so its idempotency key comes from
// the host's per-call randomness: a retry of this call reuses it, a later
// Get is not answered from Adyen's idempotency cache.
func buildDisputeGet(c *pdk.Context, req *v1.DisputeServiceGetRequest) (*pluginv1.HttpRequest, error) {
	id := hex.EncodeToString(c.Random())
	if len(id) > 32 {
		id = id[:32]
	}
	if id == "" {
		id = req.GetConnectorDisputeId()
	}
	return disputeCall(c, "retrieveApplicableDefenseReasons", req.GetConnectorDisputeId(), idempotencyKey("dispute-reasons", id), nil)
}

// parseDisputeGet returns the defense reasons. The Disputes API does not
// report the dispute's status or amount (webhooks do), so status is UNKNOWN.
// Document types with requirementLevel Optional are optional evidence; all
// others (Required, OneOrMore, AlternativeRequired) are required evidence.
func parseDisputeGet(c *pdk.Context, req *v1.DisputeServiceGetRequest, res *pdk.Response) (*v1.DisputeServiceGetResponse, error) {
	v, err := disputeResult(res, "retrieveApplicableDefenseReasons")
	if err != nil {
		return nil, err
	}
	out := &v1.DisputeServiceGetResponse{
		ConnectorDisputeId:     req.GetConnectorDisputeId(),
		ConnectorTransactionId: req.GetConnectorTransactionId(),
		Status:                 v1.DisputeStatus_DISPUTE_STATUS_UNKNOWN,
		ConnectorHttpStatus:    int32(res.Status),
	}
	for _, r := range v.GetArray("defenseReasons") {
		code := str(r, "defenseReasonCode")
		if code == "" {
			return nil, pdk.InvalidResponse("a defense reason has no defenseReasonCode")
		}
		dr := &v1.DefenseReason{Code: code, Satisfied: r.GetBool("satisfied")}
		for _, d := range r.GetArray("defenseDocumentTypes") {
			name := str(d, "defenseDocumentTypeCode")
			if name == "" {
				continue
			}
			if strings.EqualFold(str(d, "requirementLevel"), "Optional") {
				dr.OptionalEvidence = append(dr.OptionalEvidence, name)
			} else {
				dr.RequiredEvidence = append(dr.RequiredEvidence, name)
			}
		}
		out.DefenseReasons = append(out.DefenseReasons, dr)
	}
	return out, nil
}

// buildDisputeAccept calls acceptDispute.
func buildDisputeAccept(c *pdk.Context, req *v1.DisputeServiceAcceptRequest) (*pluginv1.HttpRequest, error) {
	return disputeCall(c, "acceptDispute", req.GetConnectorDisputeId(), disputeKey("accept", req.GetMerchantRequestId()), nil)
}

func parseDisputeAccept(c *pdk.Context, req *v1.DisputeServiceAcceptRequest, res *pdk.Response) (*v1.DisputeServiceAcceptResponse, error) {
	if _, err := disputeResult(res, "acceptDispute"); err != nil {
		return nil, err
	}
	return &v1.DisputeServiceAcceptResponse{
		ConnectorDisputeId:  req.GetConnectorDisputeId(),
		Status:              v1.DisputeStatus_DISPUTE_STATUS_ACCEPTED,
		ConnectorHttpStatus: int32(res.Status),
	}, nil
}

// buildDisputeDefend calls defendDispute. When the request carries evidence
// that was not supplied yet in this call, it first asks the host to run
// SubmitEvidence (supplyDefenseDocument) with it, then defends.
func buildDisputeDefend(c *pdk.Context, req *v1.DisputeServiceDefendRequest) (*pluginv1.HttpRequest, error) {
	if req.GetDefenseReasonCode() == "" {
		return nil, pdk.InvalidRequest("defense_reason_code", "is required (one of DisputeService.Get's defense_reasons)")
	}
	supplied := c.State.GetValues()[stateEvidence] == req.GetConnectorDisputeId() ||
		req.GetState().GetValues()[stateEvidence] == req.GetConnectorDisputeId()
	if len(req.GetEvidence()) > 0 && !supplied {
		if _, err := defenseDocuments(req.GetEvidence(), "evidence"); err != nil {
			return nil, err
		}
		return nil, pdk.NeedStep(v1.Flow_FLOW_DISPUTE_SUBMIT_EVIDENCE, &v1.DisputeServiceSubmitEvidenceRequest{
			ConnectorDisputeId:     req.GetConnectorDisputeId(),
			Evidence:               req.GetEvidence(),
			ConnectorTransactionId: req.GetConnectorTransactionId(),
			MerchantRequestId:      req.GetMerchantRequestId(),
		})
	}
	key := disputeKey("defend", req.GetMerchantRequestId())
	return disputeCall(c, "defendDispute", req.GetConnectorDisputeId(), key, func(o *jsonw.Object) {
		o.String("defenseReasonCode", req.GetDefenseReasonCode())
	})
}

func parseDisputeDefend(c *pdk.Context, req *v1.DisputeServiceDefendRequest, res *pdk.Response) (*v1.DisputeServiceDefendResponse, error) {
	if _, err := disputeResult(res, "defendDispute"); err != nil {
		return nil, err
	}
	return &v1.DisputeServiceDefendResponse{
		ConnectorDisputeId:  req.GetConnectorDisputeId(),
		Status:              v1.DisputeStatus_DISPUTE_STATUS_UNDER_REVIEW,
		ConnectorHttpStatus: int32(res.Status),
	}, nil
}

// evidenceCode maps unified evidence types to Adyen defenseDocumentTypeCode.
// Adyen's codes depend on the defense reason; the generic DefenseMaterial is
// used where no specific code fits.
func evidenceCode(t v1.EvidenceType) string {
	switch t {
	case v1.EvidenceType_EVIDENCE_TYPE_RECEIPT:
		return "TIDorInvoice"
	case v1.EvidenceType_EVIDENCE_TYPE_PRODUCT_DESCRIPTION:
		return "GoodsWereAsDescribed"
	}
	return "DefenseMaterial"
}

// documentTypeCode is the defenseDocumentTypeCode of a document: the
// caller's own Adyen code (connector_evidence_type) when set, else the
// mapping of its unified type.
func documentTypeCode(d *v1.EvidenceDocument) string {
	if code := strings.TrimSpace(d.GetConnectorEvidenceType()); code != "" {
		return code
	}
	return evidenceCode(d.GetType())
}

// defenseDoc is a validated DefenseDocument.
type defenseDoc struct{ code, contentType, content string }

// defenseDocuments validates evidence: Adyen takes files only (base64 content
// with a content type), not text or previously uploaded file ids.
func defenseDocuments(ev []*v1.EvidenceDocument, field string) ([]defenseDoc, error) {
	if len(ev) == 0 {
		return nil, pdk.InvalidRequest(field, "is required")
	}
	out := make([]defenseDoc, 0, len(ev))
	for i, d := range ev {
		f := fmt.Sprintf("%s[%d]", field, i)
		if d.GetConnectorFileId() != "" {
			return nil, pdk.Unsupported("%s.connector_file_id: Adyen's Disputes API takes document content, not file ids", f)
		}
		if len(d.GetContent()) == 0 {
			return nil, pdk.InvalidRequest(f+".content", "is required: Adyen takes defense documents as files (PDF, JPEG, TIFF)")
		}
		ct := d.GetMimeType()
		if ct == "" {
			return nil, pdk.InvalidRequest(f+".mime_type", "is required")
		}
		out = append(out, defenseDoc{code: documentTypeCode(d), contentType: ct, content: base64.StdEncoding.EncodeToString(d.GetContent())})
	}
	return out, nil
}

// buildSubmitEvidence calls supplyDefenseDocument.
func buildSubmitEvidence(c *pdk.Context, req *v1.DisputeServiceSubmitEvidenceRequest) (*pluginv1.HttpRequest, error) {
	docs, err := defenseDocuments(req.GetEvidence(), "evidence")
	if err != nil {
		return nil, err
	}
	key := disputeKey("evidence", req.GetMerchantRequestId())
	return disputeCall(c, "supplyDefenseDocument", req.GetConnectorDisputeId(), key, func(o *jsonw.Object) {
		o.Array("defenseDocuments", func(a *jsonw.Array) {
			for _, d := range docs {
				a.Object(func(w *jsonw.Object) {
					w.String("content", d.content)
					w.String("contentType", d.contentType)
					w.String("defenseDocumentTypeCode", d.code)
				})
			}
		})
	})
}

// parseSubmitEvidence: documents supplied, the defense itself is still to be
// submitted (Defend), so the dispute still NEEDS_RESPONSE. The state marks
// the documents as supplied for a Defend that asked for this step.
func parseSubmitEvidence(c *pdk.Context, req *v1.DisputeServiceSubmitEvidenceRequest, res *pdk.Response) (*v1.DisputeServiceSubmitEvidenceResponse, error) {
	if _, err := disputeResult(res, "supplyDefenseDocument"); err != nil {
		return nil, err
	}
	out := &v1.DisputeServiceSubmitEvidenceResponse{
		ConnectorDisputeId:  req.GetConnectorDisputeId(),
		Status:              v1.DisputeStatus_DISPUTE_STATUS_NEEDS_RESPONSE,
		ConnectorHttpStatus: int32(res.Status),
		State:               &v1.ConnectorState{Values: map[string]string{stateEvidence: req.GetConnectorDisputeId()}},
	}
	for _, d := range req.GetEvidence() {
		out.SubmittedEvidenceIds = append(out.SubmittedEvidenceIds, documentTypeCode(d))
	}
	return out, nil
}
