//go:build !wasip1

package stripe

import (
	"slices"
	"strings"
	"testing"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
)

const testDispute = "dp_1MtwBwLkdIwHu7ixV9Y5GyN1"

func TestDisputeGet(t *testing.T) {
	resp, http := ok[*v1.DisputeServiceGetResponse](t, call{flow: v1.Flow_FLOW_DISPUTE_GET, req: &v1.DisputeServiceGetRequest{ConnectorDisputeId: testDispute}, status: 200, body: disputeBody(nil)})
	wantRequest(t, http, "GET", "/v1/disputes/"+testDispute, "")
	if resp.GetConnectorDisputeId() != testDispute || resp.GetConnectorTransactionId() != testPI || resp.GetStatus() != v1.DisputeStatus_DISPUTE_STATUS_NEEDS_RESPONSE ||
		resp.GetAmount().GetMinorAmount() != 1000 || resp.GetReason() != "fraudulent" || resp.GetReasonCode() != "10.4" ||
		resp.GetEvidenceDueByUnix() != 1681516799 || resp.GetStage() != "chargeback" {
		t.Errorf("got %v", resp)
	}
	if d := resp.GetDefenseReasons(); len(d) != 1 || d[0].GetCode() != "fraudulent" || !slices.Contains(d[0].GetOptionalEvidence(), "access_activity_log") {
		t.Errorf("defense reasons = %v", d)
	}
}

func TestDisputeStatuses(t *testing.T) {
	for _, tc := range []struct {
		status string
		want   v1.DisputeStatus
		stage  string
	}{
		{"warning_needs_response", v1.DisputeStatus_DISPUTE_STATUS_INQUIRY, "inquiry"},
		{"warning_under_review", v1.DisputeStatus_DISPUTE_STATUS_UNDER_REVIEW, "inquiry"},
		{"warning_closed", v1.DisputeStatus_DISPUTE_STATUS_WARNING_CLOSED, "inquiry"},
		{"needs_response", v1.DisputeStatus_DISPUTE_STATUS_NEEDS_RESPONSE, "chargeback"},
		{"under_review", v1.DisputeStatus_DISPUTE_STATUS_UNDER_REVIEW, "chargeback"},
		{"won", v1.DisputeStatus_DISPUTE_STATUS_WON, "chargeback"},
		{"lost", v1.DisputeStatus_DISPUTE_STATUS_LOST, "chargeback"},
		{"prevented", v1.DisputeStatus_DISPUTE_STATUS_CLOSED, "chargeback"},
		{"something_new", v1.DisputeStatus_DISPUTE_STATUS_UNKNOWN, "chargeback"},
	} {
		body := disputeBody(obj{"status": tc.status, "payment_method_details": obj{"type": "card", "card": obj{"brand": "visa"}}})
		resp, _ := ok[*v1.DisputeServiceGetResponse](t, call{flow: v1.Flow_FLOW_DISPUTE_GET, req: &v1.DisputeServiceGetRequest{ConnectorDisputeId: testDispute}, status: 200, body: body})
		if resp.GetStatus() != tc.want || resp.GetStage() != tc.stage {
			t.Errorf("%s: %v %s", tc.status, resp.GetStatus(), resp.GetStage())
		}
	}
}

func TestDisputeSubmitEvidence(t *testing.T) {
	req := &v1.DisputeServiceSubmitEvidenceRequest{
		ConnectorDisputeId: testDispute, MerchantRequestId: "ev_1",
		Evidence: []*v1.EvidenceDocument{
			{Type: v1.EvidenceType_EVIDENCE_TYPE_RECEIPT, ConnectorFileId: "file_receipt"},
			{Type: v1.EvidenceType_EVIDENCE_TYPE_REFUND_POLICY, ConnectorFileId: "file_policy", Text: "No refunds after 30 days."},
			{Type: v1.EvidenceType_EVIDENCE_TYPE_PRODUCT_DESCRIPTION, Text: "A blue mug."},
			{Type: v1.EvidenceType_EVIDENCE_TYPE_CUSTOMER_COMMUNICATION, Text: "Customer confirmed delivery by email."},
			{Type: v1.EvidenceType_EVIDENCE_TYPE_UNCATEGORIZED, Text: "Order was picked up in store."},
		},
	}
	resp, http := ok[*v1.DisputeServiceSubmitEvidenceResponse](t, call{flow: v1.Flow_FLOW_DISPUTE_SUBMIT_EVIDENCE, req: req, status: 200,
		body: disputeBody(obj{"status": "needs_response"})})
	wantRequest(t, http, "POST", "/v1/disputes/"+testDispute, "dispute_evidence:ev_1")
	wantForm(t, http, map[string]string{
		"evidence[receipt]":                  "file_receipt",
		"evidence[refund_policy]":            "file_policy",
		"evidence[refund_policy_disclosure]": "No refunds after 30 days.",
		"evidence[product_description]":      "A blue mug.",
		"evidence[uncategorized_text]":       "Customer communication: Customer confirmed delivery by email.\n\nOrder was picked up in store.",
		"submit":                             "false",
	})
	want := []string{"product_description", "receipt", "refund_policy", "refund_policy_disclosure", "uncategorized_text"}
	if !slices.Equal(resp.GetSubmittedEvidenceIds(), want) || resp.GetStatus() != v1.DisputeStatus_DISPUTE_STATUS_NEEDS_RESPONSE {
		t.Errorf("got %v", resp)
	}
}

func TestDisputeEvidenceErrors(t *testing.T) {
	for _, tc := range []struct {
		name  string
		docs  []*v1.EvidenceDocument
		field string
	}{
		{"inline file", []*v1.EvidenceDocument{{Type: v1.EvidenceType_EVIDENCE_TYPE_RECEIPT, Content: []byte("%PDF-1.4"), FileName: "r.pdf"}}, "evidence[0].connector_file_id"},
		{"empty", []*v1.EvidenceDocument{{Type: v1.EvidenceType_EVIDENCE_TYPE_RECEIPT}}, "evidence[0]"},
		{"two files one field", []*v1.EvidenceDocument{
			{Type: v1.EvidenceType_EVIDENCE_TYPE_RECEIPT, ConnectorFileId: "file_1"},
			{Type: v1.EvidenceType_EVIDENCE_TYPE_RECEIPT, ConnectorFileId: "file_2"}}, "evidence[1].connector_file_id"},
		{"none", nil, "evidence"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := buildErr(t, v1.Flow_FLOW_DISPUTE_SUBMIT_EVIDENCE, &v1.DisputeServiceSubmitEvidenceRequest{ConnectorDisputeId: testDispute, Evidence: tc.docs})
			wantKind(t, e, pluginv1.ErrorKind_ERROR_KIND_INVALID_REQUEST)
			if !strings.HasPrefix(e.GetMessage(), tc.field+":") {
				t.Errorf("message %q does not name %s", e.GetMessage(), tc.field)
			}
		})
	}
}

func TestDisputeDefend(t *testing.T) {
	req := &v1.DisputeServiceDefendRequest{ConnectorDisputeId: testDispute, DefenseReasonCode: "fraudulent",
		Evidence: []*v1.EvidenceDocument{{Type: v1.EvidenceType_EVIDENCE_TYPE_ACCESS_ACTIVITY_LOG, Text: "Login from the cardholder's usual IP."}}}
	resp, http := ok[*v1.DisputeServiceDefendResponse](t, call{flow: v1.Flow_FLOW_DISPUTE_DEFEND, req: req, status: 200, body: disputeBody(obj{"status": "under_review"})})
	wantRequest(t, http, "POST", "/v1/disputes/"+testDispute, "dispute_defend:"+testDispute)
	wantForm(t, http, map[string]string{"submit": "true", "evidence[access_activity_log]": "Login from the cardholder's usual IP.", "metadata[defense_reason_code]": "fraudulent"})
	if resp.GetStatus() != v1.DisputeStatus_DISPUTE_STATUS_UNDER_REVIEW || resp.GetConnectorDisputeId() != testDispute {
		t.Errorf("got %v", resp)
	}
	e := parseErr(t, call{flow: v1.Flow_FLOW_DISPUTE_DEFEND, req: req, status: 400,
		body: errorBody(obj{"type": "invalid_request_error", "message": "This dispute is already closed"})})
	wantKind(t, e, pluginv1.ErrorKind_ERROR_KIND_PROCESSOR_REJECTED)
}

func TestDisputeAccept(t *testing.T) {
	req := &v1.DisputeServiceAcceptRequest{ConnectorDisputeId: testDispute}
	resp, http := ok[*v1.DisputeServiceAcceptResponse](t, call{flow: v1.Flow_FLOW_DISPUTE_ACCEPT, req: req, status: 200, body: disputeBody(obj{"status": "lost"})})
	wantRequest(t, http, "POST", "/v1/disputes/"+testDispute+"/close", "dispute_accept:"+testDispute)
	if resp.GetStatus() != v1.DisputeStatus_DISPUTE_STATUS_ACCEPTED {
		t.Errorf("got %v", resp)
	}
	// An inquiry closed by the merchant stays warning_closed.
	resp, _ = ok[*v1.DisputeServiceAcceptResponse](t, call{flow: v1.Flow_FLOW_DISPUTE_ACCEPT, req: req, status: 200, body: disputeBody(obj{"status": "warning_closed"})})
	if resp.GetStatus() != v1.DisputeStatus_DISPUTE_STATUS_WARNING_CLOSED {
		t.Errorf("inquiry: %v", resp)
	}
}
