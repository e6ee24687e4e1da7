package razorpay

import (
	"cmp"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk"
	"github.com/connectorhost/connector-host/pdk/jsonr"
	"github.com/valyala/fastjson"
)

// Short names for the refund flows' request types.
type (
	refundReq    = v1.PaymentServiceRefundRequest
	refundGetReq = v1.RefundServiceGetRequest
)

// refundCall is POST /v1/payments/{id}/refund (full or partial, normal
// speed) with the merchant's refund id as receipt and X-Refund-Idempotency.
var refundCall = &pdk.Call[*refundReq, *v1.PaymentServiceRefundResponse]{
	API: api, Method: "POST", Path: "/v1/payments/{id}/refund",
	Check: func(_ *pdk.Context, r *refundReq) error {
		if err := pdk.CheckID("connector_transaction_id", r.GetConnectorTransactionId(), paymentIDPattern.Match, "pay_29QQoUBi66xm2f"); err != nil {
			return err
		}
		switch id := r.GetMerchantRefundId(); {
		case id == "":
			return pdk.InvalidRequest("merchant_refund_id", "is required (Razorpay receipt and idempotency key)")
		case len(id) > maxReceipt:
			return pdk.InvalidRequest("merchant_refund_id", "must be at most 40 characters (Razorpay receipt)")
		}
		return checkNotes(r.GetMetadata())
	},
	Params: pdk.Params[*refundReq]{"id": {Field: "connector_transaction_id", Get: (*refundReq).GetConnectorTransactionId}},
	Key:    pdk.Key[*refundReq]{ID: func(r *refundReq) string { return idempotencyKey("refund", r.GetMerchantRefundId()) }},
	Body: pdk.Fields[*refundReq]{
		{Key: "amount", Money: (*refundReq).GetRefundAmount, Name: "refund_amount", Required: true},
		{Key: "speed", Const: "normal"},
		{Key: "receipt", Str: (*refundReq).GetMerchantRefundId},
		{Key: "notes", Map: (*refundReq).GetMetadata},
	},
	Answer: func(_ *pdk.Context, req *refundReq, a *pdk.Answer) (*v1.PaymentServiceRefundResponse, error) {
		r, err := refundOf(a.V, req.GetRefundAmount())
		if err != nil {
			return nil, err
		}
		if r.paymentID != "" && r.paymentID != req.GetConnectorTransactionId() {
			return nil, pdk.IntegrityMismatch("refund answered for payment %s, not %s", r.paymentID, req.GetConnectorTransactionId())
		}
		return &v1.PaymentServiceRefundResponse{
			ConnectorRefundId: r.id, Status: r.status, RefundAmount: r.amount,
			MerchantRefundId: r.receipt,
		}, nil
	},
}

// refundGet is GET /v1/refunds/{id}.
var refundGet = &pdk.Call[*refundGetReq, *v1.RefundServiceGetResponse]{
	API: api, Path: "/v1/refunds/{id}",
	Check: func(_ *pdk.Context, r *refundGetReq) error {
		return pdk.CheckID("connector_refund_id", r.GetConnectorRefundId(), refundIDPattern.Match, "rfnd_FP8QHiV938haTz")
	},
	Params: pdk.Params[*refundGetReq]{"id": {Field: "connector_refund_id", Get: (*refundGetReq).GetConnectorRefundId}},
	Answer: func(_ *pdk.Context, req *refundGetReq, a *pdk.Answer) (*v1.RefundServiceGetResponse, error) {
		r, err := refundOf(a.V, req.GetRefundAmount())
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
	},
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
	if r.id, err = jsonr.NeedStr(v, processor, "refund", "id"); err != nil {
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
