package adyen

import (
	"encoding/base64"
	"strconv"
	"strings"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/internal/hexstr"
	"github.com/connectorhost/connector-host/internal/textf"
	"github.com/connectorhost/connector-host/pdk"
	"github.com/connectorhost/connector-host/pdk/jsonr"
	"github.com/connectorhost/connector-host/pdk/sig"
)

// Disputes API v30: every operation is a POST of {merchantAccountCode,
// disputePspReference, ...} answered with {disputeServiceResult: {success,
// errorMessage}}. connector_dispute_id is the dispute's pspReference (that
// of the CHARGEBACK / NOTIFICATION_OF_CHARGEBACK webhook).

// stateEvidence is the ConnectorState value SubmitEvidence sets to the
// dispute whose documents it supplied, so Defend skips that step.
const stateEvidence = "adyen_evidence_supplied"

type (
	disputeGetIn    = v1.DisputeServiceGetRequest
	disputeAcceptIn = v1.DisputeServiceAcceptRequest
	disputeDefendIn = v1.DisputeServiceDefendRequest
	evidenceIn      = v1.DisputeServiceSubmitEvidenceRequest
)

// disputeCall declares POST /{op} of {merchantAccountCode,
// disputePspReference, extra, what fill writes}; read maps an answer whose
// disputeServiceResult succeeded. Without the merchant's request id the key
// is made of what the operation says: another reason or documents, another key.
func disputeCall[Req interface {
	pdk.Message
	GetConnectorDisputeId() string
}, Resp pdk.Message](op string, key pdk.Key[Req], extra pdk.Fields[Req], fill func(*pdk.Context, Req, *pdk.Body) error,
	read func(Req, *pdk.Answer) Resp) *pdk.Call[Req, Resp] {
	return &pdk.Call[Req, Resp]{
		API: api, Base: disputes.Base, Method: "POST", Path: "/" + op, Key: key, Fill: fill,
		Body: append(pdk.Fields[Req]{
			{Key: "merchantAccountCode", Credential: credMerchantAccount},
			{Key: "disputePspReference", Str: Req.GetConnectorDisputeId, Name: "connector_dispute_id", Required: true,
				Problem: "is required (Adyen disputePspReference)"},
		}, extra...),
		Answer: func(_ *pdk.Context, r Req, a *pdk.Answer) (Resp, error) {
			var zero Resp
			if err := disputeResult(a, op); err != nil {
				return zero, err
			}
			return read(r, a), nil
		},
	}
}

// disputeResult checks an answer's disputeServiceResult. success false is a
// typed error: NOT_FOUND when Adyen does not know the dispute, otherwise
// CONFLICT (the dispute's state does not allow the operation).
func disputeResult(a *pdk.Answer, op string) error {
	ok, known := jsonr.Bool(a.V, "disputeServiceResult", "success")
	switch {
	case a.Obj("disputeServiceResult") == nil:
		return pdk.InvalidResponse("Adyen's %s answer has no disputeServiceResult", op)
	case !known:
		return pdk.InvalidResponse("Adyen's %s answer has no disputeServiceResult.success", op)
	case ok:
		return nil
	}
	msg := pdk.First(a.Str("disputeServiceResult.errorMessage"), "Adyen refused the dispute operation")
	kind, code := pluginv1.ErrorKind_ERROR_KIND_CONFLICT, v1.ErrorCode_ERROR_CODE_CONFLICT
	if l := strings.ToLower(msg); strings.Contains(l, "not found") || strings.Contains(l, "unknown dispute") {
		kind, code = pluginv1.ErrorKind_ERROR_KIND_NOT_FOUND, v1.ErrorCode_ERROR_CODE_NOT_FOUND
	}
	return &pdk.Error{Kind: kind, Message: op + ": " + msg, Detail: &v1.PaymentError{Code: code, Message: msg,
		Connector: &v1.ConnectorError{Message: msg, HttpStatus: int32(a.HTTPStatus()), Type: "disputeServiceResult"}}}
}

// disputeGet calls retrieveApplicableDefenseReasons. Its answer changes as
// documents are supplied, so its key is the host's per-call randomness (a
// retry reuses it, a later Get is not answered from Adyen's idempotency
// cache). Adyen does not report the dispute's status or amount here
// (webhooks do): status is UNKNOWN. Document types with requirementLevel
// Optional are optional evidence, all others required.
var disputeGet = disputeCall("retrieveApplicableDefenseReasons",
	pdk.Key[*disputeGetIn]{Derive: func(c *pdk.Context, r *disputeGetIn, _ []byte) (string, string) {
		id := hexstr.EncodeToString(c.Random())
		return "dispute-reasons", pdk.First(id[:min(32, len(id))], r.GetConnectorDisputeId())
	}}, nil, nil,
	func(_ *disputeGetIn, a *pdk.Answer) *v1.DisputeServiceGetResponse {
		out := &v1.DisputeServiceGetResponse{Status: v1.DisputeStatus_DISPUTE_STATUS_UNKNOWN}
		for _, r := range a.List("defenseReasons") {
			dr := &v1.DefenseReason{Code: r.Str("defenseReasonCode"), Satisfied: r.Bool("satisfied")}
			if dr.Code == "" {
				a.Fail(pdk.InvalidResponse("a defense reason has no defenseReasonCode"))
			}
			for _, d := range r.List("defenseDocumentTypes") {
				switch name := d.Str("defenseDocumentTypeCode"); {
				case name == "":
				case strings.EqualFold(d.Str("requirementLevel"), "Optional"):
					dr.OptionalEvidence = append(dr.OptionalEvidence, name)
				default:
					dr.RequiredEvidence = append(dr.RequiredEvidence, name)
				}
			}
			out.DefenseReasons = append(out.DefenseReasons, dr)
		}
		return out
	})

// disputeAccept calls acceptDispute.
var disputeAccept = disputeCall("acceptDispute",
	pdk.Key[*disputeAcceptIn]{Op: "dispute-accept", ID: (*disputeAcceptIn).GetMerchantRequestId, Fallback: (*disputeAcceptIn).GetConnectorDisputeId},
	nil, nil, func(*disputeAcceptIn, *pdk.Answer) *v1.DisputeServiceAcceptResponse {
		return &v1.DisputeServiceAcceptResponse{Status: v1.DisputeStatus_DISPUTE_STATUS_ACCEPTED}
	})

// disputeDefend calls defendDispute. Evidence not supplied yet is first
// sent by a SubmitEvidence step: Adyen's order is supply documents, then defend.
func disputeDefend() pdk.Handler[*disputeDefendIn, *v1.DisputeServiceDefendResponse] {
	h := disputeCall("defendDispute", pdk.Key[*disputeDefendIn]{Op: "dispute-defend", ID: (*disputeDefendIn).GetMerchantRequestId,
		Fallback: func(r *disputeDefendIn) string { return r.GetConnectorDisputeId() + ":" + r.GetDefenseReasonCode() }},
		pdk.Fields[*disputeDefendIn]{{Key: "defenseReasonCode", Str: (*disputeDefendIn).GetDefenseReasonCode}}, nil,
		func(*disputeDefendIn, *pdk.Answer) *v1.DisputeServiceDefendResponse {
			return &v1.DisputeServiceDefendResponse{Status: v1.DisputeStatus_DISPUTE_STATUS_UNDER_REVIEW}
		})
	h.Check = func(c *pdk.Context, req *disputeDefendIn) error {
		if req.GetDefenseReasonCode() == "" {
			return pdk.InvalidRequest("defense_reason_code", "is required (one of DisputeService.Get's defense_reasons)")
		}
		supplied := c.State.GetValues()[stateEvidence] == req.GetConnectorDisputeId() ||
			req.GetState().GetValues()[stateEvidence] == req.GetConnectorDisputeId()
		if len(req.GetEvidence()) == 0 || supplied {
			return nil
		}
		if err := writeDocuments(&pdk.Body{}, req.GetEvidence()); err != nil {
			return err
		}
		return pdk.NeedStep(v1.Flow_FLOW_DISPUTE_SUBMIT_EVIDENCE, &evidenceIn{
			ConnectorDisputeId: req.GetConnectorDisputeId(), Evidence: req.GetEvidence(),
			ConnectorTransactionId: req.GetConnectorTransactionId(), MerchantRequestId: req.GetMerchantRequestId(),
		})
	}
	return h
}

// documentTypeCode is a document's defenseDocumentTypeCode: the caller's
// connector_evidence_type, else its type's code. Adyen's codes depend on the
// defense reason; the generic DefenseMaterial is used where none fits.
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
// files only (base64 content with a content type), not text or file ids.
func writeDocuments(b *pdk.Body, ev []*v1.EvidenceDocument) error {
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
	for i, d := range ev {
		k := "defenseDocuments[" + strconv.Itoa(i) + "]."
		b.Set(k+"content", base64.StdEncoding.EncodeToString(d.GetContent()))
		b.Set(k+"contentType", d.GetMimeType())
		b.Set(k+"defenseDocumentTypeCode", documentTypeCode(d))
	}
	return nil
}

// submitEvidence calls supplyDefenseDocument. The defense is still to be
// submitted (Defend), so the dispute still NEEDS_RESPONSE; the state marks
// the documents supplied for a Defend that asked for this step.
var submitEvidence = disputeCall("supplyDefenseDocument",
	pdk.Key[*evidenceIn]{Op: "dispute-evidence", ID: (*evidenceIn).GetMerchantRequestId,
		Derive: func(_ *pdk.Context, _ *evidenceIn, body []byte) (string, string) {
			return "dispute-supplydefensedocument", sig.SHA256Hex(body)[:32]
		}}, nil,
	func(_ *pdk.Context, req *evidenceIn, b *pdk.Body) error { return writeDocuments(b, req.GetEvidence()) },
	func(req *evidenceIn, _ *pdk.Answer) *v1.DisputeServiceSubmitEvidenceResponse {
		out := &v1.DisputeServiceSubmitEvidenceResponse{Status: v1.DisputeStatus_DISPUTE_STATUS_NEEDS_RESPONSE,
			State: &v1.ConnectorState{Values: map[string]string{stateEvidence: req.GetConnectorDisputeId()}}}
		for _, d := range req.GetEvidence() {
			out.SubmittedEvidenceIds = append(out.SubmittedEvidenceIds, documentTypeCode(d))
		}
		return out
	})
