package adyen

import (
	"encoding/base64"
	"strings"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/internal/hexstr"
	"github.com/connectorhost/connector-host/internal/textf"
	"github.com/connectorhost/connector-host/pdk"
	"github.com/connectorhost/connector-host/pdk/jsonr"
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

// disputeCall builds one Disputes API call, extra writing its own members.
// Its idempotency key is made of keyOp and id (the merchant's request id);
// without an id, of op and the body, so the same operation retried shares
// a key and another one (other documents, another reason) does not.
func disputeCall(c *pdk.Context, op, disputeID, keyOp, id string, extra func(*jsonw.Object) error) (*pluginv1.HttpRequest, error) {
	if disputeID == "" {
		return nil, pdk.InvalidRequest("connector_dispute_id", "is required (Adyen disputePspReference)")
	}
	o := jsonw.NewObject().String("merchantAccountCode", merchant(c)).String("disputePspReference", disputeID)
	if extra != nil {
		if err := extra(o); err != nil {
			return nil, err
		}
	}
	body := o.Bytes()
	if id == "" {
		keyOp, id = strings.ToLower(op), sig.SHA256Hex(body)[:32]
	}
	return send(c, disputes, "POST", "/"+op, "dispute-"+keyOp, id, body)
}

// disputeAnswer checks an answer's disputeServiceResult. success false is a
// typed error: NOT_FOUND when Adyen does not know the dispute, otherwise
// CONFLICT (the dispute's state does not allow the operation).
func disputeAnswer(res *pdk.Response, op string) (*fastjson.Value, error) {
	v, err := readAnswer(res)
	if err != nil {
		return nil, err
	}
	return disputeResult(v, res.Status, op)
}

func disputeResult(v *fastjson.Value, httpStatus int, op string) (*fastjson.Value, error) {
	ok, known := jsonr.Bool(v, "disputeServiceResult", "success")
	switch {
	case jsonr.Obj(v, "disputeServiceResult") == nil:
		return nil, pdk.InvalidResponse("Adyen's %s answer has no disputeServiceResult", op)
	case !known:
		return nil, pdk.InvalidResponse("Adyen's %s answer has no disputeServiceResult.success", op)
	case ok:
		return v, nil
	}
	msg := pdk.First(jsonr.Str(v, "disputeServiceResult", "errorMessage"), "Adyen refused the dispute operation")
	kind, code := pluginv1.ErrorKind_ERROR_KIND_CONFLICT, v1.ErrorCode_ERROR_CODE_CONFLICT
	if l := strings.ToLower(msg); strings.Contains(l, "not found") || strings.Contains(l, "unknown dispute") {
		kind, code = pluginv1.ErrorKind_ERROR_KIND_NOT_FOUND, v1.ErrorCode_ERROR_CODE_NOT_FOUND
	}
	return nil, &pdk.Error{Kind: kind, Message: op + ": " + msg, Detail: &v1.PaymentError{Code: code, Message: msg,
		Connector: &v1.ConnectorError{Message: msg, HttpStatus: int32(httpStatus), Type: "disputeServiceResult"}}}
}

// buildDisputeGet calls retrieveApplicableDefenseReasons. It is a read whose
// answer changes as documents are supplied, so its idempotency key comes from
// the host's per-call randomness: a retry of this call reuses it, a later
// Get is not answered from Adyen's idempotency cache.
func buildDisputeGet(c *pdk.Context, req *v1.DisputeServiceGetRequest) (*pluginv1.HttpRequest, error) {
	id := hexstr.EncodeToString(c.Random())
	if len(id) > 32 {
		id = id[:32]
	}
	return disputeCall(c, "retrieveApplicableDefenseReasons", req.GetConnectorDisputeId(), "reasons", pdk.First(id, req.GetConnectorDisputeId()), nil)
}

// parseDisputeGet returns the defense reasons. The Disputes API does not
// report the dispute's status or amount (webhooks do), so status is UNKNOWN.
// Document types with requirementLevel Optional are optional evidence; all
// others (Required, OneOrMore, AlternativeRequired) are required evidence.
func parseDisputeGet(c *pdk.Context, req *v1.DisputeServiceGetRequest, res *pdk.Response) (*v1.DisputeServiceGetResponse, error) {
	v, err := disputeAnswer(res, "retrieveApplicableDefenseReasons")
	if err != nil {
		return nil, err
	}
	out := &v1.DisputeServiceGetResponse{Status: v1.DisputeStatus_DISPUTE_STATUS_UNKNOWN}
	for _, r := range jsonr.Objects(v, "defenseReasons") {
		dr := &v1.DefenseReason{Code: jsonr.Str(r, "defenseReasonCode")}
		if dr.Code == "" {
			return nil, pdk.InvalidResponse("a defense reason has no defenseReasonCode")
		}
		dr.Satisfied, _ = jsonr.Bool(r, "satisfied")
		for _, d := range jsonr.Objects(r, "defenseDocumentTypes") {
			switch name := jsonr.Str(d, "defenseDocumentTypeCode"); {
			case name == "":
			case strings.EqualFold(jsonr.Str(d, "requirementLevel"), "Optional"):
				dr.OptionalEvidence = append(dr.OptionalEvidence, name)
			default:
				dr.RequiredEvidence = append(dr.RequiredEvidence, name)
			}
		}
		out.DefenseReasons = append(out.DefenseReasons, dr)
	}
	return out, nil
}

// disputeFlow declares a Disputes API operation without documents as a
// pdk.Call: POST /{op} of {merchantAccountCode, disputePspReference, and
// the extra fields}. Its idempotency key is "dispute-<keyOp>:" and the
// merchant's request id or, without one, what fallback reads (the dispute
// and what the operation says), so the same operation retried shares a key
// and another one does not.
func disputeFlow[Req interface {
	pdk.Message
	GetConnectorDisputeId() string
	GetMerchantRequestId() string
}, Resp pdk.Message](op, keyOp string, check func(*pdk.Context, Req) error, fallback func(Req) string, extra pdk.Fields[Req], status v1.DisputeStatus,
	out func(v1.DisputeStatus) Resp) pdk.Handler[Req, Resp] {
	return &pdk.Call[Req, Resp]{
		API: api, Base: disputes.base, Method: "POST", Path: "/" + op, Check: check,
		Key: pdk.Key[Req]{Op: "dispute-" + keyOp, ID: Req.GetMerchantRequestId, Fallback: fallback},
		Body: append(pdk.Fields[Req]{
			{Key: "merchantAccountCode", Credential: credMerchantAccount},
			{Key: "disputePspReference", Str: Req.GetConnectorDisputeId, Name: "connector_dispute_id", Required: true,
				Problem: "is required (Adyen disputePspReference)"},
		}, extra...),
		Answer: func(c *pdk.Context, r Req, a *pdk.Answer) (Resp, error) {
			_, err := disputeResult(a.V, a.HTTPStatus(), op)
			return out(status), err
		},
	}
}

// disputeAccept calls acceptDispute.
func disputeAccept() pdk.Handler[*v1.DisputeServiceAcceptRequest, *v1.DisputeServiceAcceptResponse] {
	return disputeFlow("acceptDispute", "accept", nil, (*v1.DisputeServiceAcceptRequest).GetConnectorDisputeId, nil, v1.DisputeStatus_DISPUTE_STATUS_ACCEPTED,
		func(s v1.DisputeStatus) *v1.DisputeServiceAcceptResponse {
			return &v1.DisputeServiceAcceptResponse{Status: s}
		})
}

// disputeDefend calls defendDispute. When the request carries evidence that
// was not supplied yet in this call, it first asks the host to run
// SubmitEvidence (supplyDefenseDocument) with it: Adyen's order is supply
// documents, then defend.
func disputeDefend() pdk.Handler[*v1.DisputeServiceDefendRequest, *v1.DisputeServiceDefendResponse] {
	check := func(c *pdk.Context, req *v1.DisputeServiceDefendRequest) error {
		if req.GetDefenseReasonCode() == "" {
			return pdk.InvalidRequest("defense_reason_code", "is required (one of DisputeService.Get's defense_reasons)")
		}
		supplied := c.State.GetValues()[stateEvidence] == req.GetConnectorDisputeId() ||
			req.GetState().GetValues()[stateEvidence] == req.GetConnectorDisputeId()
		if len(req.GetEvidence()) == 0 || supplied {
			return nil
		}
		if err := writeDocuments(jsonw.NewObject(), req.GetEvidence()); err != nil {
			return err
		}
		return pdk.NeedStep(v1.Flow_FLOW_DISPUTE_SUBMIT_EVIDENCE, &v1.DisputeServiceSubmitEvidenceRequest{
			ConnectorDisputeId: req.GetConnectorDisputeId(), Evidence: req.GetEvidence(),
			ConnectorTransactionId: req.GetConnectorTransactionId(), MerchantRequestId: req.GetMerchantRequestId(),
		})
	}
	return disputeFlow("defendDispute", "defend", check,
		func(r *v1.DisputeServiceDefendRequest) string {
			return r.GetConnectorDisputeId() + ":" + r.GetDefenseReasonCode()
		},
		pdk.Fields[*v1.DisputeServiceDefendRequest]{{Key: "defenseReasonCode", Str: (*v1.DisputeServiceDefendRequest).GetDefenseReasonCode}},
		v1.DisputeStatus_DISPUTE_STATUS_UNDER_REVIEW,
		func(s v1.DisputeStatus) *v1.DisputeServiceDefendResponse {
			return &v1.DisputeServiceDefendResponse{Status: s}
		})
}

// documentTypeCode is the defenseDocumentTypeCode of a document: the
// caller's own Adyen code (connector_evidence_type) when set, else the
// mapping of its unified type. Adyen's codes depend on the defense reason;
// the generic DefenseMaterial is used where no specific code fits.
func documentTypeCode(d *v1.EvidenceDocument) string {
	if code := strings.TrimSpace(d.GetConnectorEvidenceType()); code != "" {
		return code
	}
	return pdk.First(map[v1.EvidenceType]string{
		v1.EvidenceType_EVIDENCE_TYPE_RECEIPT:             "TIDorInvoice",
		v1.EvidenceType_EVIDENCE_TYPE_PRODUCT_DESCRIPTION: "GoodsWereAsDescribed",
	}[d.GetType()], "DefenseMaterial")
}

// writeDocuments writes defenseDocuments after checking them: Adyen takes
// files only (base64 content with a content type), not text or previously
// uploaded file ids.
func writeDocuments(o *jsonw.Object, ev []*v1.EvidenceDocument) error {
	if len(ev) == 0 {
		return pdk.InvalidRequest("evidence", "is required")
	}
	for i, d := range ev {
		f := textf.Sprintf("evidence[%d]", i)
		switch {
		case d.GetConnectorFileId() != "":
			return pdk.Unsupported("%s.connector_file_id: Adyen's Disputes API takes document content, not file ids", f)
		case len(d.GetContent()) == 0:
			return pdk.InvalidRequest(f+".content", "is required: Adyen takes defense documents as files (PDF, JPEG, TIFF)")
		case d.GetMimeType() == "":
			return pdk.InvalidRequest(f+".mime_type", "is required")
		}
	}
	o.Array("defenseDocuments", func(a *jsonw.Array) {
		for _, d := range ev {
			a.Object(func(w *jsonw.Object) {
				w.String("content", base64.StdEncoding.EncodeToString(d.GetContent())).String("contentType", d.GetMimeType())
				w.String("defenseDocumentTypeCode", documentTypeCode(d))
			})
		}
	})
	return nil
}

// buildSubmitEvidence calls supplyDefenseDocument.
func buildSubmitEvidence(c *pdk.Context, req *v1.DisputeServiceSubmitEvidenceRequest) (*pluginv1.HttpRequest, error) {
	return disputeCall(c, "supplyDefenseDocument", req.GetConnectorDisputeId(), "evidence", req.GetMerchantRequestId(), func(o *jsonw.Object) error {
		return writeDocuments(o, req.GetEvidence())
	})
}

// parseSubmitEvidence: documents supplied, the defense itself is still to be
// submitted (Defend), so the dispute still NEEDS_RESPONSE. The state marks
// the documents as supplied for a Defend that asked for this step.
func parseSubmitEvidence(c *pdk.Context, req *v1.DisputeServiceSubmitEvidenceRequest, res *pdk.Response) (*v1.DisputeServiceSubmitEvidenceResponse, error) {
	if _, err := disputeAnswer(res, "supplyDefenseDocument"); err != nil {
		return nil, err
	}
	out := &v1.DisputeServiceSubmitEvidenceResponse{Status: v1.DisputeStatus_DISPUTE_STATUS_NEEDS_RESPONSE,
		State: &v1.ConnectorState{Values: map[string]string{stateEvidence: req.GetConnectorDisputeId()}}}
	for _, d := range req.GetEvidence() {
		out.SubmittedEvidenceIds = append(out.SubmittedEvidenceIds, documentTypeCode(d))
	}
	return out, nil
}
