package razorpay

import (
	"cmp"
	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk"
	"github.com/connectorhost/connector-host/pdk/jsonr"
	"github.com/connectorhost/connector-host/pdk/jsonw"
	"github.com/valyala/fastjson"
)

// buildRefund builds POST /v1/payments/{id}/refund (full or partial, normal
// speed) with the merchant's refund id as receipt and X-Refund-Idempotency.
func buildRefund(c *pdk.Context, req *v1.PaymentServiceRefundRequest) (*pluginv1.HttpRequest, error) {
	path, err := paymentPath(req.GetConnectorTransactionId(), "/refund")
	if err != nil {
		return nil, err
	}
	id := req.GetMerchantRefundId()
	if id == "" {
		return nil, pdk.InvalidRequest("merchant_refund_id", "is required (Razorpay receipt and idempotency key)")
	}
	if len(id) > maxReceipt {
		return nil, pdk.InvalidRequest("merchant_refund_id", "must be at most 40 characters (Razorpay receipt)")
	}
	amt, _, err := amounts.To(req.GetRefundAmount(), "refund_amount")
	if err != nil {
		return nil, err
	}
	if err := checkNotes(req.GetMetadata()); err != nil {
		return nil, err
	}
	o := jsonw.NewObject()
	o.Int("amount", amt)
	o.String("speed", "normal")
	o.String("receipt", id)
	o.SortedStringMap("notes", req.GetMetadata())
	return post(c, path, "refund", id, o.Bytes())
}

// refund is a parsed refund entity.
type refund struct {
	id, paymentID, receipt string
	status                 v1.RefundStatus
	amount                 *v1.Money
}

func refundOf(v *fastjson.Value, requested *v1.Money) (*refund, error) {
	r := &refund{paymentID: jsonr.Str(v, "payment_id"), receipt: jsonr.Str(v, "receipt"), status: refundStatuses().Get(jsonr.Str(v, "status"))}
	var err error
	if r.id, err = needID(v, "id", "refund"); err != nil {
		return nil, err
	}
	cur := jsonr.Str(v, "currency")
	if requested != nil && cur != requested.GetCurrency() {
		return nil, pdk.IntegrityMismatch("refund currency %s differs from the requested %s", cur, requested.GetCurrency())
	}
	if r.amount, err = amountAt(v, cur, "amount"); err != nil {
		return nil, err
	}
	if err := pdk.CheckAmount(requested, r.amount, "the refund's amount"); err != nil {
		return nil, err
	}
	return r, nil
}

func parseRefund(c *pdk.Context, req *v1.PaymentServiceRefundRequest, res *pdk.Response) (*v1.PaymentServiceRefundResponse, error) {
	v, err := object(res)
	if err != nil {
		return nil, err
	}
	r, err := refundOf(v, req.GetRefundAmount())
	if err != nil {
		return nil, err
	}
	if r.paymentID != "" && r.paymentID != req.GetConnectorTransactionId() {
		return nil, pdk.IntegrityMismatch("refund answered for payment %s, not %s", r.paymentID, req.GetConnectorTransactionId())
	}
	return &v1.PaymentServiceRefundResponse{
		ConnectorRefundId: r.id, Status: r.status, RefundAmount: r.amount,
		MerchantRefundId: cmp.Or(r.receipt, req.GetMerchantRefundId()), ConnectorTransactionId: req.GetConnectorTransactionId(),
	}, nil
}

// buildRefundGet builds GET /v1/refunds/{id}.
func buildRefundGet(c *pdk.Context, req *v1.RefundServiceGetRequest) (*pluginv1.HttpRequest, error) {
	id := req.GetConnectorRefundId()
	if err := checkID("connector_refund_id", id, refundIDPattern, "rfnd_FP8QHiV938haTz"); err != nil {
		return nil, err
	}
	return get(c, "/v1/refunds/"+id)
}

func parseRefundGet(c *pdk.Context, req *v1.RefundServiceGetRequest, res *pdk.Response) (*v1.RefundServiceGetResponse, error) {
	v, err := object(res)
	if err != nil {
		return nil, err
	}
	r, err := refundOf(v, req.GetRefundAmount())
	if err != nil {
		return nil, err
	}
	if r.id != req.GetConnectorRefundId() {
		return nil, pdk.IntegrityMismatch("answered refund %s, not %s", r.id, req.GetConnectorRefundId())
	}
	return &v1.RefundServiceGetResponse{
		ConnectorRefundId: r.id, Status: r.status, RefundAmount: r.amount,
		MerchantRefundId:       cmp.Or(r.receipt, req.GetMerchantRefundId()),
		ConnectorTransactionId: cmp.Or(r.paymentID, req.GetConnectorTransactionId()),
	}, nil
}
