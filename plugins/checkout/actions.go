package checkout

import (
	"cmp"
	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk"
	"github.com/connectorhost/connector-host/pdk/jsonr"
	"github.com/connectorhost/connector-host/pdk/jsonw"
)

// paymentPath checks a payment id and returns /payments/{id} + suffix.
func paymentPath(field, id, suffix string) (string, error) {
	if err := checkID(field, id, paymentIDPattern, "pay_..."); err != nil {
		return "", err
	}
	return "/payments/" + id + suffix, nil
}

// actionBody writes a CaptureRequest, RefundRequest or VoidRequest body.
func actionBody(amount int64, withAmount bool, captureType, reference string, metadata map[string]string) []byte {
	o := jsonw.NewObject()
	if withAmount {
		o.Int("amount", amount)
	}
	o.StringIf("capture_type", captureType)
	o.StringIf("reference", reference)
	o.SortedStringMap("metadata", metadata)
	return o.Bytes()
}

// action posts a capture, refund or void: an idempotent POST keyed by the merchant's id.
func action(c *pdk.Context, paymentID, kind, idField, merchantID string, body []byte) (*pluginv1.HttpRequest, error) {
	path, err := paymentPath("connector_transaction_id", paymentID, "/"+kind)
	if err != nil {
		return nil, err
	}
	if merchantID == "" {
		return nil, pdk.InvalidRequest(idField, "is required (Checkout.com reference and idempotency key)")
	}
	if len(merchantID) > 50 {
		return nil, pdk.InvalidRequest(idField, "must be at most 50 characters (Checkout.com reference)")
	}
	return send(c, "POST", path, kind, merchantID, body)
}

// accepted reads the 202 answer of a capture, refund or void: its action id.
func accepted(res *pdk.Response, what string) (string, error) {
	v, err := object(res)
	if err != nil {
		return "", err
	}
	return needID(v, "action_id", what)
}

// buildCapture builds POST /payments/{id}/captures (full, or partial with a smaller amount).
func buildCapture(c *pdk.Context, req *v1.PaymentServiceCaptureRequest) (*pluginv1.HttpRequest, error) {
	amt, _, err := toCko("amount_to_capture", req.GetAmountToCapture())
	if err != nil {
		return nil, err
	}
	typ := ""
	if req.GetFinalCapture() {
		typ = "Final"
	}
	body := actionBody(amt, true, typ, req.GetMerchantCaptureId(), req.GetMetadata())
	return action(c, req.GetConnectorTransactionId(), "captures", "merchant_capture_id", req.GetMerchantCaptureId(), body)
}

// parseCapture: Checkout.com accepts captures asynchronously (202); the
// outcome arrives by webhook (payment_captured) or PaymentService.Get.
func parseCapture(c *pdk.Context, req *v1.PaymentServiceCaptureRequest, res *pdk.Response) (*v1.PaymentServiceCaptureResponse, error) {
	id, err := accepted(res, "capture")
	if err != nil {
		return nil, err
	}
	return &v1.PaymentServiceCaptureResponse{
		ConnectorTransactionId: req.GetConnectorTransactionId(), Status: v1.PaymentStatus_PAYMENT_STATUS_CAPTURE_PENDING,
		ConnectorCaptureId: id, MerchantCaptureId: req.GetMerchantCaptureId(),
	}, nil
}

// buildVoid builds POST /payments/{id}/voids.
func buildVoid(c *pdk.Context, req *v1.PaymentServiceVoidRequest) (*pluginv1.HttpRequest, error) {
	body := actionBody(0, false, "", req.GetMerchantVoidId(), req.GetMetadata())
	return action(c, req.GetConnectorTransactionId(), "voids", "merchant_void_id", req.GetMerchantVoidId(), body)
}

func parseVoid(c *pdk.Context, req *v1.PaymentServiceVoidRequest, res *pdk.Response) (*v1.PaymentServiceVoidResponse, error) {
	id, err := accepted(res, "void")
	if err != nil {
		return nil, err
	}
	return &v1.PaymentServiceVoidResponse{
		ConnectorTransactionId: req.GetConnectorTransactionId(), Status: v1.PaymentStatus_PAYMENT_STATUS_VOID_PENDING,
		ConnectorVoidId: id, MerchantVoidId: req.GetMerchantVoidId(),
	}, nil
}

// buildRefund builds POST /payments/{id}/refunds (full, or partial with a smaller amount).
func buildRefund(c *pdk.Context, req *v1.PaymentServiceRefundRequest) (*pluginv1.HttpRequest, error) {
	amt, _, err := toCko("refund_amount", req.GetRefundAmount())
	if err != nil {
		return nil, err
	}
	body := actionBody(amt, true, "", req.GetMerchantRefundId(), req.GetMetadata())
	return action(c, req.GetConnectorTransactionId(), "refunds", "merchant_refund_id", req.GetMerchantRefundId(), body)
}

func parseRefund(c *pdk.Context, req *v1.PaymentServiceRefundRequest, res *pdk.Response) (*v1.PaymentServiceRefundResponse, error) {
	id, err := accepted(res, "refund")
	if err != nil {
		return nil, err
	}
	return &v1.PaymentServiceRefundResponse{
		ConnectorRefundId: id, Status: v1.RefundStatus_REFUND_STATUS_PENDING, RefundAmount: req.GetRefundAmount(),
		MerchantRefundId: req.GetMerchantRefundId(), ConnectorTransactionId: req.GetConnectorTransactionId(),
	}, nil
}

// buildGet builds GET /payments/{id}.
func buildGet(c *pdk.Context, req *v1.PaymentServiceGetRequest) (*pluginv1.HttpRequest, error) {
	path, err := paymentPath("connector_transaction_id", req.GetConnectorTransactionId(), "")
	if err != nil {
		return nil, err
	}
	return get(c, path)
}

func parseGet(c *pdk.Context, req *v1.PaymentServiceGetRequest, res *pdk.Response) (*v1.PaymentServiceGetResponse, error) {
	r, err := readPayment(res, captureOf(req.GetCaptureMethod(), ""), req.GetAmount())
	if err != nil {
		return nil, err
	}
	if want := req.GetAmount(); want != nil && r.amount != nil && r.amount.GetMinorAmount() != want.GetMinorAmount() {
		return nil, pdk.IntegrityMismatch("answer amount %d differs from the expected %d", r.amount.GetMinorAmount(), want.GetMinorAmount())
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
	path, err := paymentPath("connector_transaction_id", req.GetConnectorTransactionId(), "/actions")
	if err != nil {
		return nil, err
	}
	return get(c, path)
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
		ConnectorRefundId: req.GetConnectorRefundId(), ConnectorTransactionId: req.GetConnectorTransactionId(),
		MerchantRefundId: req.GetMerchantRefundId(), Status: v1.RefundStatus_REFUND_STATUS_PENDING,
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
		if want := req.GetRefundAmount(); want != nil && out.RefundAmount != nil && out.RefundAmount.GetMinorAmount() != want.GetMinorAmount() {
			return nil, pdk.IntegrityMismatch("refund amount %d differs from the expected %d", out.RefundAmount.GetMinorAmount(), want.GetMinorAmount())
		}
		return out, nil
	}
	return out, nil
}
