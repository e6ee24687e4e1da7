package square

import (
	"unicode/utf8"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk"
	"github.com/connectorhost/connector-host/pdk/jsonr"
	"github.com/connectorhost/connector-host/pdk/jsonw"
)

// maxRefundReason is Square's limit on RefundPaymentRequest.reason, in
// characters (the spec's maxLength).
const maxRefundReason = 192

// buildRefund builds RefundPayment.
func buildRefund(c *pdk.Context, req *v1.PaymentServiceRefundRequest) (*pluginv1.HttpRequest, error) {
	if req.GetConnectorTransactionId() == "" {
		return nil, pdk.InvalidRequest("connector_transaction_id", "is required")
	}
	if req.GetMerchantRefundId() == "" {
		return nil, pdk.InvalidRequest("merchant_refund_id", "is required (Square idempotency_key)")
	}
	amount, cur, err := amounts.To(req.GetRefundAmount(), "refund_amount")
	if err != nil {
		return nil, err
	}
	if utf8.RuneCountInString(req.GetReason()) > maxRefundReason {
		return nil, pdk.InvalidRequest("reason", "must be at most 192 characters at Square")
	}
	key := idempotencyKey("refund", req.GetMerchantRefundId())
	o := jsonw.NewObject()
	o.String("idempotency_key", key)
	writeMoney(o, "amount_money", amount, cur)
	o.String("payment_id", req.GetConnectorTransactionId())
	o.StringIf("reason", req.GetReason())
	return api.Send(c, "POST", "/v2/refunds", key, o.Bytes())
}

// buildRefundGet builds GetPaymentRefund.
func buildRefundGet(c *pdk.Context, req *v1.RefundServiceGetRequest) (*pluginv1.HttpRequest, error) {
	id, err := pdk.PathID("connector_refund_id", req.GetConnectorRefundId())
	if err != nil {
		return nil, err
	}
	return api.Get(c, "/v2/refunds/"+id)
}

// readRefund reads a PaymentRefund answer; requested, when set, must equal
// the refunded amount.
func readRefund(res *pdk.Response, requested *v1.Money) (*pdk.RefundResult, error) {
	o, err := object(res, "refund")
	if err != nil {
		return nil, err
	}
	r := &pdk.RefundResult{ID: jsonr.Str(o, "id"), PaymentID: jsonr.Str(o, "payment_id")}
	raw := jsonr.Str(o, "status")
	if raw == "" {
		return nil, pdk.InvalidResponse("Square's refund %s has no status", r.ID)
	}
	r.Status = refundStatuses().Get(raw)
	if r.Amount, err = requiredMoney(o, "amount_money", "refund "+r.ID, requested); err != nil {
		return nil, err
	}
	if r.Status == v1.RefundStatus_REFUND_STATUS_FAILED {
		r.Error = pdk.ReportedFailure(processor, "refund", raw, res.Status)
	}
	return r, nil
}

func parseRefund(c *pdk.Context, req *v1.PaymentServiceRefundRequest, res *pdk.Response) (*v1.PaymentServiceRefundResponse, error) {
	r, err := readRefund(res, req.GetRefundAmount())
	if err != nil {
		return nil, err
	}
	return r.RefundResponse(processor, req)
}

func parseRefundGet(c *pdk.Context, req *v1.RefundServiceGetRequest, res *pdk.Response) (*v1.RefundServiceGetResponse, error) {
	r, err := readRefund(res, req.GetRefundAmount())
	if err != nil {
		return nil, err
	}
	return r.GetResponse(processor, req)
}
