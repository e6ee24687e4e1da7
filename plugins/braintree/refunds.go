package braintree

import (
	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk"
	"github.com/connectorhost/connector-host/pdk/jsonr"
	"github.com/connectorhost/connector-host/pdk/jsonw"
	"github.com/valyala/fastjson"
)

// refundSelection is what every refund answer selects.
const refundSelection = "id status orderId amount { value currencyCode } refundedTransaction { id }"

// buildRefund builds refundTransaction.
func buildRefund(c *pdk.Context, req *v1.PaymentServiceRefundRequest) (*pluginv1.HttpRequest, error) {
	if req.GetConnectorTransactionId() == "" {
		return nil, pdk.InvalidRequest("connector_transaction_id", "is required")
	}
	if req.GetMerchantRefundId() == "" {
		return nil, pdk.InvalidRequest("merchant_refund_id", "is required (Braintree orderId and clientMutationId of the refund)")
	}
	if err := reference("merchant_refund_id", req.GetMerchantRefundId()); err != nil {
		return nil, err
	}
	dec, err := decimal("refund_amount", req.GetRefundAmount(), false)
	if err != nil {
		return nil, err
	}
	return mutation(c, "refundTransaction", "RefundTransactionInput", "refund { "+refundSelection+" }", req.GetMerchantRefundId(), func(o *jsonw.Object) {
		o.String("clientMutationId", req.GetMerchantRefundId())
		o.String("transactionId", req.GetConnectorTransactionId())
		o.Object("refund", func(r *jsonw.Object) {
			r.String("amount", dec)
			r.String("orderId", req.GetMerchantRefundId())
			r.StringIf("description", req.GetReason())
		})
	})
}

// refund is a parsed Braintree Refund.
type refund struct {
	id, transactionID string
	status            v1.RefundStatus
	amount            *v1.Money
	err               *v1.PaymentError
}

// refundFrom reads a Refund object; requested, when set, must equal its amount.
func refundFrom(o *fastjson.Value, requested *v1.Money, status int) (*refund, error) {
	if o == nil || o.Type() != fastjson.TypeObject || jsonr.Str(o, "id") == "" {
		return nil, pdk.InvalidResponse("Braintree's answer has no refund with an id")
	}
	r := &refund{id: jsonr.Str(o, "id"), transactionID: jsonr.Str(o, "refundedTransaction", "id")}
	raw := jsonr.Str(o, "status")
	if raw == "" {
		return nil, pdk.InvalidResponse("Braintree's refund %s has no status", r.id)
	}
	r.status = refundStatuses().Get(raw)
	var err error
	if r.amount, err = moneyAt(o, "amount"); err != nil {
		return nil, err
	}
	if err := checkMoney(r.amount, requested, "refund "+r.id); err != nil {
		return nil, err
	}
	if r.status == v1.RefundStatus_REFUND_STATUS_FAILED {
		r.err = &v1.PaymentError{Code: v1.ErrorCode_ERROR_CODE_PROCESSING_ERROR, Message: "Braintree reports the refund " + raw,
			Connector: &v1.ConnectorError{Code: raw, HttpStatus: int32(status)}}
	}
	return r, nil
}

func parseRefund(c *pdk.Context, req *v1.PaymentServiceRefundRequest, res *pdk.Response) (*v1.PaymentServiceRefundResponse, error) {
	p, err := payload(res, "refundTransaction")
	if err != nil {
		return nil, err
	}
	r, err := refundFrom(p.Get("refund"), req.GetRefundAmount(), res.Status)
	if err != nil {
		return nil, err
	}
	if err := pdk.SameID(processor, r.transactionID, req.GetConnectorTransactionId()); err != nil {
		return nil, err
	}
	return &v1.PaymentServiceRefundResponse{ConnectorRefundId: r.id, Status: r.status, RefundAmount: r.amount, Error: r.err,
		MerchantRefundId: req.GetMerchantRefundId(), ConnectorTransactionId: req.GetConnectorTransactionId()}, nil
}

// buildRefundGet builds the node query of a Refund.
func buildRefundGet(c *pdk.Context, req *v1.RefundServiceGetRequest) (*pluginv1.HttpRequest, error) {
	return node(c, "connector_refund_id", req.GetConnectorRefundId(), "Refund", refundSelection)
}

func parseRefundGet(c *pdk.Context, req *v1.RefundServiceGetRequest, res *pdk.Response) (*v1.RefundServiceGetResponse, error) {
	p, err := payload(res, "node")
	if err != nil {
		return nil, err
	}
	r, err := refundFrom(p, req.GetRefundAmount(), res.Status)
	if err != nil {
		return nil, err
	}
	if err := pdk.SameID(processor, r.id, req.GetConnectorRefundId()); err != nil {
		return nil, err
	}
	if err := pdk.SameID(processor, r.transactionID, req.GetConnectorTransactionId()); err != nil {
		return nil, err
	}
	return &v1.RefundServiceGetResponse{ConnectorRefundId: r.id, Status: r.status, RefundAmount: r.amount, Error: r.err,
		MerchantRefundId: req.GetMerchantRefundId(), ConnectorTransactionId: r.transactionID}, nil
}
