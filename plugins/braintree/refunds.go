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

// refundFrom reads a Refund object; requested, when set, must equal its amount.
func refundFrom(o *fastjson.Value, requested *v1.Money, status int) (*pdk.RefundResult, error) {
	if o == nil || o.Type() != fastjson.TypeObject || jsonr.Str(o, "id") == "" {
		return nil, pdk.InvalidResponse("Braintree's answer has no refund with an id")
	}
	r := &pdk.RefundResult{ID: jsonr.Str(o, "id"), PaymentID: jsonr.Str(o, "refundedTransaction", "id")}
	raw := jsonr.Str(o, "status")
	if raw == "" {
		return nil, pdk.InvalidResponse("Braintree's refund %s has no status", r.ID)
	}
	r.Status = refundStatuses().Get(raw)
	var err error
	if r.Amount, err = moneyAt(o, "amount"); err != nil {
		return nil, err
	}
	if err := checkMoney(r.Amount, requested, "refund "+r.ID); err != nil {
		return nil, err
	}
	if r.Status == v1.RefundStatus_REFUND_STATUS_FAILED {
		r.Error = pdk.ReportedFailure(processor, "refund", raw, status)
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
	if err := pdk.SameID(processor, r.PaymentID, req.GetConnectorTransactionId()); err != nil {
		return nil, err
	}
	return &v1.PaymentServiceRefundResponse{ConnectorRefundId: r.ID, Status: r.Status, RefundAmount: r.Amount, Error: r.Error,
		ConnectorTransactionId: req.GetConnectorTransactionId()}, nil
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
	return r.GetResponse(processor, req)
}
