package stripe

import (
	"strings"

	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk"
	"github.com/connectorhost/connector-host/pdk/statusmap"
)

type (
	refundIn       = v1.PaymentServiceRefundRequest
	refundGetIn    = v1.RefundServiceGetRequest
	refundCancelIn = v1.RefundServiceCancelRequest
)

// refundStatuses maps Refund.status.
var refundStatuses = statusmap.Grouped(map[v1.RefundStatus]string{
	v1.RefundStatus_REFUND_STATUS_PENDING:         "pending",
	v1.RefundStatus_REFUND_STATUS_ACTION_REQUIRED: "requires_action",
	v1.RefundStatus_REFUND_STATUS_SUCCEEDED:       "succeeded",
	v1.RefundStatus_REFUND_STATUS_FAILED:          "failed",
	v1.RefundStatus_REFUND_STATUS_CANCELED:        "canceled",
}, v1.RefundStatus_REFUND_STATUS_UNKNOWN)

// refundFailureCodes maps Refund.failure_reason.
var refundFailureCodes = statusmap.Grouped(map[v1.ErrorCode]string{
	v1.ErrorCode_ERROR_CODE_LOST_OR_STOLEN_CARD: "lost_or_stolen_card",
	v1.ErrorCode_ERROR_CODE_EXPIRED_CARD:        "expired_or_canceled_card",
	v1.ErrorCode_ERROR_CODE_CONFLICT:            "charge_for_pending_refund_disputed",
	v1.ErrorCode_ERROR_CODE_INSUFFICIENT_FUNDS:  "insufficient_funds",
	v1.ErrorCode_ERROR_CODE_CARD_DECLINED:       "declined",
}, v1.ErrorCode_ERROR_CODE_PROCESSING_ERROR)

// refundReasons are Stripe's refund reasons, in the order they are tried on
// a free-text reason; a text none fits goes to metadata[refund_reason].
// fraudulent adds the card and email to the account's block lists
// (https://docs.stripe.com/api/refunds/create): it is sent only when the
// reason is exactly "fraud" or "fraudulent", never for a text mentioning it.
var refundReasons = pdk.Reasons{
	{Value: "fraudulent", Words: []string{"fraud"}, Exact: true},
	{Value: "duplicate", Words: []string{"duplicate"}},
	{Value: "requested_by_customer", Words: []string{"customer", "shopper", "requested"}},
}

// refundHandler refunds a PaymentIntent, in full or in part.
var refundHandler = &pdk.Call[*refundIn, *v1.PaymentServiceRefundResponse]{
	API: api, Method: "POST", Path: "/v1/refunds",
	Key: pdk.Key[*refundIn]{Op: "refund", Field: "merchant_refund_id", ID: (*refundIn).GetMerchantRefundId},
	Body: pdk.Fields[*refundIn]{
		{Key: "payment_intent", Str: (*refundIn).GetConnectorTransactionId, Name: "connector_transaction_id", Required: true},
		{Key: "amount", Money: (*refundIn).GetRefundAmount, Name: "refund_amount", Required: true},
		{Key: "reason", Str: func(r *refundIn) string { return refundReasons.Match(r.GetReason()) }},
	},
	Fill: func(_ *pdk.Context, req *refundIn, b *pdk.Body) error {
		extra := []string{"merchant_refund_id", req.GetMerchantRefundId()}
		if refundReasons.Match(req.GetReason()) != strings.TrimSpace(req.GetReason()) {
			extra = append(extra, "refund_reason", req.GetReason())
		}
		return writeMetadata(b, req.GetMetadata(), extra...)
	},
	Read: func(a *pdk.Answer) *v1.PaymentServiceRefundResponse {
		r := readRefund(a)
		return &v1.PaymentServiceRefundResponse{ConnectorRefundId: r.ConnectorRefundId, Status: r.Status, RefundAmount: r.Amount,
			Error: r.Error, ConnectorTransactionId: r.ConnectorTransactionId}
	},
}

// refundGetHandler reads a Refund. Its own merchant id (metadata) wins over
// the request's, so the host refuses an answer about another refund.
var refundGetHandler = &pdk.Call[*refundGetIn, *v1.RefundServiceGetResponse]{
	API: api, Path: "/v1/refunds/{id}",
	Params: pdk.Params[*refundGetIn]{"id": {Field: "connector_refund_id", Get: (*refundGetIn).GetConnectorRefundId}},
	Answer: func(_ *pdk.Context, req *refundGetIn, a *pdk.Answer) (*v1.RefundServiceGetResponse, error) {
		r := readRefund(a)
		return &v1.RefundServiceGetResponse{ConnectorRefundId: r.ConnectorRefundId, Status: r.Status, RefundAmount: r.Amount,
			Error: r.Error, MerchantRefundId: pdk.First(r.MerchantRefundId, req.GetMerchantRefundId()),
			ConnectorTransactionId: r.ConnectorTransactionId}, nil
	},
}

// refundCancelHandler cancels a refund. Stripe cancels only a refund in
// requires_action (to a card that needs the customer's bank details); any
// other is refused with a 400 invalid_request_error, the typed error.
var refundCancelHandler = &pdk.Call[*refundCancelIn, *v1.RefundServiceCancelResponse]{
	API: api, Method: "POST", Path: "/v1/refunds/{id}/cancel",
	Params: pdk.Params[*refundCancelIn]{"id": {Field: "connector_refund_id", Get: (*refundCancelIn).GetConnectorRefundId}},
	Key:    pdk.Key[*refundCancelIn]{Op: "refund_cancel", Field: "merchant_cancel_id", ID: (*refundCancelIn).GetMerchantCancelId},
	Read: func(a *pdk.Answer) *v1.RefundServiceCancelResponse {
		r := readRefund(a)
		return &v1.RefundServiceCancelResponse{ConnectorRefundId: r.ConnectorRefundId, Status: r.Status, Error: r.Error}
	},
}

// readRefund reads a Refund (an answer or an event's object) into the
// event, which has every field the refund flows answer.
func readRefund(a *pdk.Answer) *v1.RefundEvent {
	a.Expect("object", "refund")
	r := &v1.RefundEvent{
		ConnectorRefundId: a.Require("id"), Status: pdk.Status(a, "status", refundStatuses), Amount: a.Money("amount", "currency"),
		ConnectorTransactionId: pdk.First(idOf(a, "payment_intent"), idOf(a, "charge")),
		MerchantRefundId:       a.Str("metadata.merchant_refund_id"),
	}
	if r.Status == v1.RefundStatus_REFUND_STATUS_FAILED {
		reason := a.Str("failure_reason")
		r.Error = a.Failure(refundFailureCodes.Get(reason), reason, strings.TrimSuffix("refund failed: "+reason, ": "), requestIDHeader)
	}
	return r
}
