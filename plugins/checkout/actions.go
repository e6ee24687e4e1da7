package checkout

import (
	"cmp"
	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk"
	"github.com/connectorhost/connector-host/pdk/jsonr"
)

// payments addresses a payment by its id: /payments/{id} + suffix.
var payments = pdk.IDPath{Prefix: "/payments/", Field: "connector_transaction_id", Shape: paymentIDPattern, Example: "pay_..."}

// Short names for the actions' request types.
type (
	captureReq = v1.PaymentServiceCaptureRequest
	voidReq    = v1.PaymentServiceVoidRequest
	refundReq  = v1.PaymentServiceRefundRequest
)

// checkAction refuses a payment id that is not Checkout.com's and a
// merchant id (the action's reference) longer than Checkout.com takes.
func checkAction(paymentID, idField, merchantID string) error {
	if err := pdk.CheckID("connector_transaction_id", paymentID, paymentIDPattern.Match, "pay_..."); err != nil {
		return err
	}
	if len(merchantID) > 50 {
		return pdk.InvalidRequest(idField, "must be at most 50 characters (Checkout.com reference)")
	}
	return nil
}

// capture is POST /payments/{id}/captures (full, or partial with a smaller
// amount), keyed "captures:<merchant capture id>". Checkout.com accepts it
// asynchronously (202); the outcome arrives by webhook (payment_captured)
// or PaymentService.Get. capture_type is always sent: Checkout.com's default
// is Final, which voids what a partial capture leaves, so a capture without
// final_capture (more may follow) is NonFinal.
var capture = &pdk.Call[*captureReq, *v1.PaymentServiceCaptureResponse]{
	API: api, Method: "POST", Path: "/payments/{id}/captures",
	Params: pdk.Params[*captureReq]{"id": {Field: "connector_transaction_id", Get: (*captureReq).GetConnectorTransactionId}},
	Key:    pdk.Key[*captureReq]{Op: "captures", Field: "merchant_capture_id", ID: (*captureReq).GetMerchantCaptureId},
	Body: pdk.Fields[*captureReq]{
		{Key: "amount", Money: (*captureReq).GetAmountToCapture, Name: "amount_to_capture", Required: true},
		{Key: "capture_type", Str: func(r *captureReq) string {
			if r.GetFinalCapture() {
				return "Final"
			}
			return "NonFinal"
		}},
		{Key: "reference", Str: (*captureReq).GetMerchantCaptureId},
		{Key: "metadata", Map: (*captureReq).GetMetadata},
	},
	Check: func(_ *pdk.Context, r *captureReq) error {
		return checkAction(r.GetConnectorTransactionId(), "merchant_capture_id", r.GetMerchantCaptureId())
	},
	Answer: func(_ *pdk.Context, r *captureReq, a *pdk.Answer) (*v1.PaymentServiceCaptureResponse, error) {
		return &v1.PaymentServiceCaptureResponse{
			Status:             v1.PaymentStatus_PAYMENT_STATUS_CAPTURE_PENDING,
			ConnectorCaptureId: a.Require("action_id"),
		}, nil
	},
}

// void is POST /payments/{id}/voids, keyed "voids:<merchant void id>" (202).
var void = &pdk.Call[*voidReq, *v1.PaymentServiceVoidResponse]{
	API: api, Method: "POST", Path: "/payments/{id}/voids",
	Params: pdk.Params[*voidReq]{"id": {Field: "connector_transaction_id", Get: (*voidReq).GetConnectorTransactionId}},
	Key:    pdk.Key[*voidReq]{Op: "voids", Field: "merchant_void_id", ID: (*voidReq).GetMerchantVoidId},
	Body: pdk.Fields[*voidReq]{
		{Key: "reference", Str: (*voidReq).GetMerchantVoidId},
		{Key: "metadata", Map: (*voidReq).GetMetadata},
	},
	Check: func(_ *pdk.Context, r *voidReq) error {
		return checkAction(r.GetConnectorTransactionId(), "merchant_void_id", r.GetMerchantVoidId())
	},
	Answer: func(_ *pdk.Context, r *voidReq, a *pdk.Answer) (*v1.PaymentServiceVoidResponse, error) {
		return &v1.PaymentServiceVoidResponse{
			Status:          v1.PaymentStatus_PAYMENT_STATUS_VOID_PENDING,
			ConnectorVoidId: a.Require("action_id"),
		}, nil
	},
}

// refund is POST /payments/{id}/refunds (full, or partial with a smaller
// amount), keyed "refunds:<merchant refund id>" (202); its outcome comes
// from RefundService.Get (the payment's actions) or webhooks.
var refund = &pdk.Call[*refundReq, *v1.PaymentServiceRefundResponse]{
	API: api, Method: "POST", Path: "/payments/{id}/refunds",
	Params: pdk.Params[*refundReq]{"id": {Field: "connector_transaction_id", Get: (*refundReq).GetConnectorTransactionId}},
	Key:    pdk.Key[*refundReq]{Op: "refunds", Field: "merchant_refund_id", ID: (*refundReq).GetMerchantRefundId},
	Body: pdk.Fields[*refundReq]{
		{Key: "amount", Money: (*refundReq).GetRefundAmount, Name: "refund_amount", Required: true},
		{Key: "reference", Str: (*refundReq).GetMerchantRefundId},
		{Key: "metadata", Map: (*refundReq).GetMetadata},
	},
	Check: func(_ *pdk.Context, r *refundReq) error {
		return checkAction(r.GetConnectorTransactionId(), "merchant_refund_id", r.GetMerchantRefundId())
	},
	Answer: func(_ *pdk.Context, r *refundReq, a *pdk.Answer) (*v1.PaymentServiceRefundResponse, error) {
		return &v1.PaymentServiceRefundResponse{
			ConnectorRefundId: a.Require("action_id"), Status: v1.RefundStatus_REFUND_STATUS_PENDING, RefundAmount: r.GetRefundAmount(),
		}, nil
	},
}

// buildGet builds GET /payments/{id}.
func buildGet(c *pdk.Context, req *v1.PaymentServiceGetRequest) (*pluginv1.HttpRequest, error) {
	return payments.Get(c, api, req.GetConnectorTransactionId())
}

func parseGet(c *pdk.Context, req *v1.PaymentServiceGetRequest, res *pdk.Response) (*v1.PaymentServiceGetResponse, error) {
	r, err := readPayment(res, captureOf(req.GetCaptureMethod(), ""), req.GetAmount())
	if err != nil {
		return nil, err
	}
	if err := pdk.CheckAmount(req.GetAmount(), r.amount, "the payment's amount"); err != nil {
		return nil, err
	}
	return &v1.PaymentServiceGetResponse{
		ConnectorTransactionId: r.id, Status: r.status, Amount: r.amount, CapturedAmount: r.captured,
		RefundedAmount: r.refunded, NextAction: r.next, Error: r.err, Mandate: r.mandate(),
		MerchantTransactionId: cmp.Or(r.reference, req.GetMerchantTransactionId()),
		NetworkTransactionId:  r.schemeID,
	}, nil
}

// maxActionsBytes bounds a payment's action list (a few hundred bytes per
// action: hundreds of actions).
const maxActionsBytes = 128 << 10

// buildRefundGet reads the payment's actions (GET /payments/{id}/actions):
// Checkout.com has no refund resource, a refund is an action of its payment.
func buildRefundGet(c *pdk.Context, req *v1.RefundServiceGetRequest) (*pluginv1.HttpRequest, error) {
	if req.GetConnectorRefundId() == "" {
		return nil, pdk.InvalidRequest("connector_refund_id", "is required (the refund's action id, act_...)")
	}
	path, err := payments.Of(req.GetConnectorTransactionId(), "/actions")
	if err != nil {
		return nil, err
	}
	return api.Get(c, path)
}

// parseRefundGet finds the refund among the payment's actions. A refund
// Checkout.com has accepted but not processed yet is not listed: PENDING.
func parseRefundGet(c *pdk.Context, req *v1.RefundServiceGetRequest, res *pdk.Response) (*v1.RefundServiceGetResponse, error) {
	if err := httpError(res); err != nil {
		return nil, err
	}
	v, err := jsonr.ArrayOf(res, processor, maxActionsBytes)
	if err != nil {
		return nil, err
	}
	out := &v1.RefundServiceGetResponse{
		Status: v1.RefundStatus_REFUND_STATUS_PENDING,
	}
	for _, a := range v {
		if jsonr.Str(a, "id") != req.GetConnectorRefundId() {
			continue
		}
		if t := jsonr.Str(a, "type"); t != "Refund" {
			return nil, pdk.IntegrityMismatch("action %s is a %s, not a refund", req.GetConnectorRefundId(), t)
		}
		out.MerchantRefundId = cmp.Or(jsonr.Str(a, "reference"), out.MerchantRefundId)
		cur := req.GetRefundAmount().GetCurrency()
		if cur != "" {
			if out.RefundAmount, err = amountAt(a, cur, "amount"); err != nil {
				return nil, err
			}
		}
		approved, ok := jsonr.Bool(a, "approved")
		switch {
		case !ok:
			out.Status = v1.RefundStatus_REFUND_STATUS_UNKNOWN
		case approved:
			out.Status = v1.RefundStatus_REFUND_STATUS_SUCCEEDED
		default:
			out.Status = v1.RefundStatus_REFUND_STATUS_FAILED
			out.Error = declineError(jsonr.Str(a, "response_code"), jsonr.Str(a, "response_summary"), res.Status, res.Header("Cko-Request-Id"))
		}
		if err := pdk.CheckAmount(req.GetRefundAmount(), out.RefundAmount, "the refund's amount"); err != nil {
			return nil, err
		}
		return out, nil
	}
	return out, nil
}
