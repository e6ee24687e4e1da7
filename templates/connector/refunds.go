package example

import (
	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk"
	"github.com/connectorhost/connector-host/pdk/jsonr"
	"github.com/connectorhost/connector-host/pdk/jsonw"
	"github.com/connectorhost/connector-host/pdk/statusmap"
)

// refundStatuses maps ExamplePay's refund statuses; UNKNOWN otherwise.
var refundStatuses = statusmap.New(map[string]v1.RefundStatus{
	"succeeded": v1.RefundStatus_REFUND_STATUS_SUCCEEDED,
	"pending":   v1.RefundStatus_REFUND_STATUS_PENDING,
	"failed":    v1.RefundStatus_REFUND_STATUS_FAILED,
	"canceled":  v1.RefundStatus_REFUND_STATUS_CANCELED,
}, v1.RefundStatus_REFUND_STATUS_UNKNOWN)

// refund is what the connector reads from an ExamplePay refund object:
//
//	{"id":"re_1","object":"refund","payment":"pay_1","reference":"refund_1","status":"succeeded",
//	 "amount":{"value":"4.00","currency":"USD"},"failure":{"code":"...","message":"..."}}
type refund struct {
	id, payment, reference string
	status                 v1.RefundStatus
	amount                 *v1.Money
	failure                *v1.PaymentError
}

// readRefund reads a refund answer.
func readRefund(res *pdk.Response) (*refund, error) {
	v, err := readObject(res, "refund", 0)
	if err != nil {
		return nil, err
	}
	r := &refund{
		id: jsonr.Str(v, "id"), payment: jsonr.Str(v, "payment"), reference: jsonr.Str(v, "reference"),
		status: refundStatuses.Get(jsonr.Str(v, "status")), failure: failure(v),
	}
	if r.amount, err = amountAt(v, "amount"); err != nil {
		return nil, err
	}
	return r, nil
}

// buildRefund builds POST /v1/refunds {"payment":"pay_1","reference":"refund_1","amount":{...}},
// keyed by the merchant's refund id.
func buildRefund(c *pdk.Context, req *v1.PaymentServiceRefundRequest) (*pluginv1.HttpRequest, error) {
	if req.GetConnectorTransactionId() == "" {
		return nil, pdk.InvalidRequest("connector_transaction_id", "is required")
	}
	if req.GetMerchantRefundId() == "" {
		return nil, pdk.InvalidRequest("merchant_refund_id", "is required (ExamplePay reference and idempotency key)")
	}
	body := jsonw.NewObject().String("payment", req.GetConnectorTransactionId()).String("reference", req.GetMerchantRefundId())
	if err := writeAmount(body, "amount", "refund_amount", req.GetRefundAmount()); err != nil {
		return nil, err
	}
	return send(c, "/v1/refunds", req.GetMerchantRefundId(), body)
}

func parseRefund(c *pdk.Context, req *v1.PaymentServiceRefundRequest, res *pdk.Response) (*v1.PaymentServiceRefundResponse, error) {
	r, err := readRefund(res)
	if err != nil {
		return nil, err
	}
	return &v1.PaymentServiceRefundResponse{
		ConnectorRefundId: r.id, Status: r.status, RefundAmount: r.amount, Error: r.failure,
		MerchantRefundId: r.reference, ConnectorTransactionId: r.payment,
	}, nil
}

// buildRefundGet builds GET /v1/refunds/{id}.
func buildRefundGet(c *pdk.Context, req *v1.RefundServiceGetRequest) (*pluginv1.HttpRequest, error) {
	return get(c, "/v1/refunds/", "connector_refund_id", req.GetConnectorRefundId())
}

func parseRefundGet(c *pdk.Context, req *v1.RefundServiceGetRequest, res *pdk.Response) (*v1.RefundServiceGetResponse, error) {
	r, err := readRefund(res)
	if err != nil {
		return nil, err
	}
	return &v1.RefundServiceGetResponse{
		ConnectorRefundId: r.id, Status: r.status, RefundAmount: r.amount, Error: r.failure,
		MerchantRefundId: r.reference, ConnectorTransactionId: r.payment,
	}, nil
}
