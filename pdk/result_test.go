package pdk

import (
	"testing"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
)

func TestPaymentResultResponses(t *testing.T) {
	amount := &v1.Money{MinorAmount: 500, Currency: "USD"}
	charged := &PaymentResult{ID: "p1", MerchantID: "order-1", Status: v1.PaymentStatus_PAYMENT_STATUS_CHARGED, Amount: amount,
		Refunded: &v1.Money{MinorAmount: 100, Currency: "USD"}}
	if charged.Captured() != amount {
		t.Errorf("a CHARGED payment's captured amount is its amount")
	}
	authorized := &PaymentResult{ID: "p1", Status: v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZED, Amount: amount}
	if authorized.Captured() != nil {
		t.Errorf("an authorized payment has captured nothing")
	}

	out, err := charged.CaptureResponse("Acme", &v1.PaymentServiceCaptureRequest{ConnectorTransactionId: "p1"})
	if err != nil || out.GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_CHARGED || out.GetCapturedAmount() != amount ||
		out.GetConnectorTransactionId() != "p1" {
		t.Errorf("capture: %v, %v", out, err)
	}
	if out, _ := authorized.CaptureResponse("Acme", &v1.PaymentServiceCaptureRequest{}); out.GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_CAPTURE_FAILED {
		t.Errorf("a payment still authorized after a capture: %v", out.GetStatus())
	}
	failed := &PaymentResult{ID: "p1", Status: v1.PaymentStatus_PAYMENT_STATUS_FAILURE, Error: ReportedFailure("Acme", "payment", "failed", 0)}
	if out, _ := failed.CaptureResponse("Acme", &v1.PaymentServiceCaptureRequest{}); out.GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_FAILURE ||
		out.GetError() == nil {
		t.Errorf("a reported failure keeps its status and error: %v", out)
	}
	if _, err := charged.CaptureResponse("Acme", &v1.PaymentServiceCaptureRequest{ConnectorTransactionId: "p2"}); kindOf(t, err) !=
		pluginv1.ErrorKind_ERROR_KIND_INVALID_RESPONSE {
		t.Errorf("capture of another payment: %v", err)
	}

	voided := &PaymentResult{ID: "p1", Status: v1.PaymentStatus_PAYMENT_STATUS_VOIDED}
	if out, err := voided.VoidResponse("Acme", &v1.PaymentServiceVoidRequest{ConnectorTransactionId: "p1"}); err != nil ||
		out.GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_VOIDED || out.GetConnectorTransactionId() != "p1" {
		t.Errorf("void: %v, %v", out, err)
	}
	if out, _ := charged.VoidResponse("Acme", &v1.PaymentServiceVoidRequest{}); out.GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_VOID_FAILED {
		t.Errorf("a charged payment after a void: %v", out.GetStatus())
	}
	if _, err := voided.VoidResponse("Acme", &v1.PaymentServiceVoidRequest{ConnectorTransactionId: "p2"}); err == nil {
		t.Errorf("void of another payment must fail")
	}

	get, err := charged.GetResponse("Acme", &v1.PaymentServiceGetRequest{ConnectorTransactionId: "p1"})
	if err != nil || get.GetMerchantTransactionId() != "order-1" || get.GetRefundedAmount().GetMinorAmount() != 100 ||
		get.GetCapturedAmount() != amount || get.GetAmount() != amount {
		t.Errorf("get: %v, %v", get, err)
	}
	if get, _ := charged.GetResponse("Acme", &v1.PaymentServiceGetRequest{MerchantTransactionId: "mine"}); get.GetMerchantTransactionId() != "mine" {
		t.Errorf("the request's merchant id wins: %v", get.GetMerchantTransactionId())
	}
	if _, err := charged.GetResponse("Acme", &v1.PaymentServiceGetRequest{ConnectorTransactionId: "p2"}); err == nil {
		t.Errorf("get of another payment must fail")
	}
}

func TestRefundResultResponses(t *testing.T) {
	amount := &v1.Money{MinorAmount: 300, Currency: "EUR"}
	r := &RefundResult{ID: "r1", PaymentID: "p1", Status: v1.RefundStatus_REFUND_STATUS_FAILED, Amount: amount,
		Error: ReportedFailure("Acme", "refund", "failed", 200)}
	out, err := r.RefundResponse("Acme", &v1.PaymentServiceRefundRequest{ConnectorTransactionId: "p1"})
	if err != nil || out.GetConnectorRefundId() != "r1" || out.GetConnectorTransactionId() != "p1" || out.GetRefundAmount() != amount ||
		out.GetStatus() != v1.RefundStatus_REFUND_STATUS_FAILED || out.GetError() != r.Error {
		t.Errorf("refund: %v, %v", out, err)
	}
	if _, err := r.RefundResponse("Acme", &v1.PaymentServiceRefundRequest{ConnectorTransactionId: "p2"}); kindOf(t, err) !=
		pluginv1.ErrorKind_ERROR_KIND_INVALID_RESPONSE {
		t.Errorf("a refund of another payment: %v", err)
	}
	get, err := r.GetResponse("Acme", &v1.RefundServiceGetRequest{ConnectorRefundId: "r1", ConnectorTransactionId: "p1"})
	if err != nil || get.GetConnectorRefundId() != "r1" || get.GetConnectorTransactionId() != "p1" || get.GetError() != r.Error {
		t.Errorf("get: %v, %v", get, err)
	}
	if _, err := r.GetResponse("Acme", &v1.RefundServiceGetRequest{ConnectorRefundId: "r2"}); err == nil {
		t.Errorf("an answer about another refund must fail")
	}
	if _, err := r.GetResponse("Acme", &v1.RefundServiceGetRequest{ConnectorTransactionId: "p2"}); err == nil {
		t.Errorf("a refund of another payment must fail")
	}
}

func TestReportedFailure(t *testing.T) {
	e := ReportedFailure("Acme", "refund", "failed", 201)
	if e.GetCode() != v1.ErrorCode_ERROR_CODE_PROCESSING_ERROR || e.GetMessage() != "Acme reports the refund failed" ||
		e.GetConnector().GetCode() != "failed" || e.GetConnector().GetHttpStatus() != 201 {
		t.Errorf("ReportedFailure: %v", e)
	}
	if e := ReportedFailure("Acme", "payment", "cancelled", 0); e.GetConnector().GetHttpStatus() != 0 {
		t.Errorf("status 0 is left out: %v", e)
	}
}

func TestDisputeResultResponses(t *testing.T) {
	d := &DisputeResult{ID: "dp1", PaymentID: "p1", Status: v1.DisputeStatus_DISPUTE_STATUS_NEEDS_RESPONSE,
		Amount: &v1.Money{MinorAmount: 900, Currency: "USD"}, Reason: "FRAUD", ReasonCode: "10.4", Stage: "CHARGEBACK", DueBy: 1700000000}
	get, err := d.GetResponse("Acme", &v1.DisputeServiceGetRequest{ConnectorDisputeId: "dp1"})
	if err != nil || get.GetConnectorDisputeId() != "dp1" || get.GetConnectorTransactionId() != "p1" || get.GetAmount() != d.Amount ||
		get.GetReason() != "FRAUD" || get.GetReasonCode() != "10.4" || get.GetStage() != "CHARGEBACK" ||
		get.GetEvidenceDueByUnix() != 1700000000 || get.GetStatus() != v1.DisputeStatus_DISPUTE_STATUS_NEEDS_RESPONSE {
		t.Errorf("get: %v, %v", get, err)
	}
	if _, err := d.GetResponse("Acme", &v1.DisputeServiceGetRequest{ConnectorDisputeId: "dp2"}); kindOf(t, err) !=
		pluginv1.ErrorKind_ERROR_KIND_INVALID_RESPONSE {
		t.Errorf("get of another dispute: %v", err)
	}
	acc, err := d.AcceptResponse("Acme", &v1.DisputeServiceAcceptRequest{ConnectorDisputeId: "dp1"})
	if err != nil || acc.GetConnectorDisputeId() != "dp1" || acc.GetStatus() != d.Status {
		t.Errorf("accept: %v, %v", acc, err)
	}
	if _, err := d.AcceptResponse("Acme", &v1.DisputeServiceAcceptRequest{ConnectorDisputeId: "dp2"}); err == nil {
		t.Errorf("accept of another dispute must fail")
	}
	def, err := d.DefendResponse("Acme", &v1.DisputeServiceDefendRequest{})
	if err != nil || def.GetConnectorDisputeId() != "dp1" || def.GetStatus() != d.Status {
		t.Errorf("defend: %v, %v", def, err)
	}
	if _, err := d.DefendResponse("Acme", &v1.DisputeServiceDefendRequest{ConnectorDisputeId: "dp2"}); err == nil {
		t.Errorf("defend of another dispute must fail")
	}
	if ev := d.Event(); ev.GetConnectorDisputeId() != "dp1" || ev.GetConnectorTransactionId() != "p1" || ev.GetReasonCode() != "10.4" ||
		ev.GetEvidenceDueByUnix() != 1700000000 || ev.GetStage() != "CHARGEBACK" || ev.GetAmount() != d.Amount {
		t.Errorf("event: %v", ev)
	}
}
