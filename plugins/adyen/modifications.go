package adyen

import (
	"strings"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk"
	"github.com/connectorhost/connector-host/pdk/jsonw"
)

// Modifications (Checkout v71 /payments/{paymentPspReference}/...) answer
// 201 with status "received": the outcome arrives by webhook (CAPTURE,
// CANCELLATION, CANCEL_OR_REFUND, REFUND, AUTHORISATION_ADJUSTMENT), so the
// unified responses carry pending statuses: CAPTURE_PENDING, VOID_PENDING,
// REVERSAL_PENDING, REFUND_STATUS_PENDING and AUTHORIZING.

// modification is a validated modification request.
type modification struct {
	op        string // idempotency prefix and error context
	path      string // "captures", "cancels", ...
	psp       string // paymentPspReference
	reference string // the merchant's id for the modification
	amount    *adyenAmount
	reason    string // merchantRefundReason (refunds only)
}

// build writes the modification request.
func (m modification) build(c *pdk.Context) (*pluginv1.HttpRequest, error) {
	cr, err := requireCredentials(c)
	if err != nil {
		return nil, err
	}
	base, err := checkoutBase(c)
	if err != nil {
		return nil, err
	}
	seg, err := pathSegment("connector_transaction_id", m.psp)
	if err != nil {
		return nil, err
	}
	o := jsonw.NewObject()
	o.String("merchantAccount", cr.merchantAccount)
	if m.amount != nil {
		writeAmount(o, "amount", *m.amount)
	}
	o.String("reference", m.reference)
	o.StringIf("merchantRefundReason", m.reason)
	return post(base+"/payments/"+seg+"/"+m.path, cr, idempotencyKey(m.op, m.reference), o.Bytes()), nil
}

// modResult is a parsed modification answer.
type modResult struct {
	psp        string
	paymentPsp string
	amount     *v1.Money
}

// parseModification checks a modification answer: HTTP errors, status
// "received", the payment it is for and the amount.
func parseModification(res *pdk.Response, m modification) (*modResult, error) {
	if err := httpError(res); err != nil {
		return nil, err
	}
	v, err := parseObject(res)
	if err != nil {
		return nil, err
	}
	if s := str(v, "status"); s != "received" {
		return nil, pdk.InvalidResponse("Adyen's %s answer has status %q, expected \"received\"", m.op, s)
	}
	r := &modResult{psp: str(v, "pspReference"), paymentPsp: str(v, "paymentPspReference")}
	if r.psp == "" {
		return nil, pdk.InvalidResponse("Adyen's %s answer has no pspReference", m.op)
	}
	if r.paymentPsp != "" && r.paymentPsp != m.psp {
		return nil, integrityError("%s answer is for payment %s, not %s", m.op, r.paymentPsp, m.psp)
	}
	value, cur, ok, err := amountAt(v, "amount")
	if err != nil {
		return nil, err
	}
	if ok {
		if m.amount != nil && (value != m.amount.Value || cur != m.amount.Currency) {
			return nil, integrityError("%s answer amount %d %s differs from the requested %d %s", m.op, value, cur, m.amount.Value, m.amount.Currency)
		}
		if r.amount, err = fromAdyen(value, cur); err != nil {
			return nil, pdk.InvalidResponse("amount: %v", err)
		}
	}
	return r, nil
}

// requireID checks the merchant's id for an operation (its idempotency key).
func requireID(field, v string) error {
	if v == "" {
		return pdk.InvalidRequest(field, "is required (Adyen reference and idempotency key)")
	}
	return nil
}

func captureMod(req *v1.PaymentServiceCaptureRequest) (modification, error) {
	if err := requireID("merchant_capture_id", req.GetMerchantCaptureId()); err != nil {
		return modification{}, err
	}
	amt, err := toAdyen("amount_to_capture", req.GetAmountToCapture())
	if err != nil {
		return modification{}, err
	}
	return modification{op: "capture", path: "captures", psp: req.GetConnectorTransactionId(), reference: req.GetMerchantCaptureId(), amount: &amt}, nil
}

func buildCapture(c *pdk.Context, req *v1.PaymentServiceCaptureRequest) (*pluginv1.HttpRequest, error) {
	m, err := captureMod(req)
	if err != nil {
		return nil, err
	}
	return m.build(c)
}

func parseCapture(c *pdk.Context, req *v1.PaymentServiceCaptureRequest, res *pdk.Response) (*v1.PaymentServiceCaptureResponse, error) {
	m, err := captureMod(req)
	if err != nil {
		return nil, err
	}
	r, err := parseModification(res, m)
	if err != nil {
		return nil, err
	}
	return &v1.PaymentServiceCaptureResponse{
		ConnectorTransactionId: req.GetConnectorTransactionId(),
		Status:                 v1.PaymentStatus_PAYMENT_STATUS_CAPTURE_PENDING,
		CapturedAmount:         firstMoney(r.amount, req.GetAmountToCapture()),
		ConnectorCaptureId:     r.psp,
		MerchantCaptureId:      req.GetMerchantCaptureId(),
		ConnectorHttpStatus:    int32(res.Status),
	}, nil
}

func voidMod(req *v1.PaymentServiceVoidRequest) (modification, error) {
	if err := requireID("merchant_void_id", req.GetMerchantVoidId()); err != nil {
		return modification{}, err
	}
	return modification{op: "void", path: "cancels", psp: req.GetConnectorTransactionId(), reference: req.GetMerchantVoidId()}, nil
}

func buildVoid(c *pdk.Context, req *v1.PaymentServiceVoidRequest) (*pluginv1.HttpRequest, error) {
	m, err := voidMod(req)
	if err != nil {
		return nil, err
	}
	return m.build(c)
}

func parseVoid(c *pdk.Context, req *v1.PaymentServiceVoidRequest, res *pdk.Response) (*v1.PaymentServiceVoidResponse, error) {
	m, err := voidMod(req)
	if err != nil {
		return nil, err
	}
	r, err := parseModification(res, m)
	if err != nil {
		return nil, err
	}
	return &v1.PaymentServiceVoidResponse{
		ConnectorTransactionId: req.GetConnectorTransactionId(),
		Status:                 v1.PaymentStatus_PAYMENT_STATUS_VOID_PENDING,
		MerchantVoidId:         req.GetMerchantVoidId(),
		ConnectorVoidId:        r.psp,
		ConnectorHttpStatus:    int32(res.Status),
	}, nil
}

func reverseMod(req *v1.PaymentServiceReverseRequest) (modification, error) {
	if err := requireID("merchant_reversal_id", req.GetMerchantReversalId()); err != nil {
		return modification{}, err
	}
	// /reversals always reverses the whole payment; it takes no amount.
	return modification{op: "reverse", path: "reversals", psp: req.GetConnectorTransactionId(), reference: req.GetMerchantReversalId()}, nil
}

func buildReverse(c *pdk.Context, req *v1.PaymentServiceReverseRequest) (*pluginv1.HttpRequest, error) {
	m, err := reverseMod(req)
	if err != nil {
		return nil, err
	}
	return m.build(c)
}

// parseReverse: a reversal is a cancel or a refund, Adyen's choice; until the
// CANCEL_OR_REFUND webhook the payment is REVERSAL_PENDING.
func parseReverse(c *pdk.Context, req *v1.PaymentServiceReverseRequest, res *pdk.Response) (*v1.PaymentServiceReverseResponse, error) {
	m, err := reverseMod(req)
	if err != nil {
		return nil, err
	}
	r, err := parseModification(res, m)
	if err != nil {
		return nil, err
	}
	return &v1.PaymentServiceReverseResponse{
		ConnectorTransactionId: req.GetConnectorTransactionId(),
		Status:                 v1.PaymentStatus_PAYMENT_STATUS_REVERSAL_PENDING,
		MerchantReversalId:     req.GetMerchantReversalId(),
		ConnectorReversalId:    r.psp,
		ConnectorHttpStatus:    int32(res.Status),
	}, nil
}

// refundReason maps the unified reason to Adyen's merchantRefundReason enum
// (FRAUD, CUSTOMER REQUEST, RETURN, DUPLICATE, OTHER); free text is OTHER.
func refundReason(reason string) string {
	switch strings.ToLower(strings.TrimSpace(reason)) {
	case "":
		return ""
	case "duplicate":
		return "DUPLICATE"
	case "fraudulent", "fraud":
		return "FRAUD"
	case "requested_by_customer", "customer request":
		return "CUSTOMER REQUEST"
	case "return":
		return "RETURN"
	}
	return "OTHER"
}

func refundMod(req *v1.PaymentServiceRefundRequest) (modification, error) {
	if err := requireID("merchant_refund_id", req.GetMerchantRefundId()); err != nil {
		return modification{}, err
	}
	amt, err := toAdyen("refund_amount", req.GetRefundAmount())
	if err != nil {
		return modification{}, err
	}
	return modification{op: "refund", path: "refunds", psp: req.GetConnectorTransactionId(), reference: req.GetMerchantRefundId(),
		amount: &amt, reason: refundReason(req.GetReason())}, nil
}

func buildRefund(c *pdk.Context, req *v1.PaymentServiceRefundRequest) (*pluginv1.HttpRequest, error) {
	m, err := refundMod(req)
	if err != nil {
		return nil, err
	}
	return m.build(c)
}

func parseRefund(c *pdk.Context, req *v1.PaymentServiceRefundRequest, res *pdk.Response) (*v1.PaymentServiceRefundResponse, error) {
	m, err := refundMod(req)
	if err != nil {
		return nil, err
	}
	r, err := parseModification(res, m)
	if err != nil {
		return nil, err
	}
	return &v1.PaymentServiceRefundResponse{
		ConnectorRefundId:      r.psp,
		Status:                 v1.RefundStatus_REFUND_STATUS_PENDING,
		RefundAmount:           firstMoney(r.amount, req.GetRefundAmount()),
		MerchantRefundId:       req.GetMerchantRefundId(),
		ConnectorTransactionId: firstNonEmpty(r.paymentPsp, req.GetConnectorTransactionId()),
		ConnectorHttpStatus:    int32(res.Status),
	}, nil
}

func amountUpdateMod(req *v1.PaymentServiceIncrementalAuthorizationRequest) (modification, error) {
	if err := requireID("merchant_increment_id", req.GetMerchantIncrementId()); err != nil {
		return modification{}, err
	}
	amt, err := toAdyen("amount", req.GetAmount())
	if err != nil {
		return modification{}, err
	}
	// amountUpdates takes the new total authorised amount, as the unified request does.
	return modification{op: "increment", path: "amountUpdates", psp: req.GetConnectorTransactionId(), reference: req.GetMerchantIncrementId(), amount: &amt}, nil
}

func buildAmountUpdate(c *pdk.Context, req *v1.PaymentServiceIncrementalAuthorizationRequest) (*pluginv1.HttpRequest, error) {
	m, err := amountUpdateMod(req)
	if err != nil {
		return nil, err
	}
	return m.build(c)
}

// parseAmountUpdate: Adyen is deciding the new authorised amount until the
// AUTHORISATION_ADJUSTMENT webhook, so the payment is AUTHORIZING.
func parseAmountUpdate(c *pdk.Context, req *v1.PaymentServiceIncrementalAuthorizationRequest, res *pdk.Response) (*v1.PaymentServiceIncrementalAuthorizationResponse, error) {
	m, err := amountUpdateMod(req)
	if err != nil {
		return nil, err
	}
	r, err := parseModification(res, m)
	if err != nil {
		return nil, err
	}
	return &v1.PaymentServiceIncrementalAuthorizationResponse{
		ConnectorTransactionId: req.GetConnectorTransactionId(),
		Status:                 v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZING,
		Amount:                 firstMoney(r.amount, req.GetAmount()),
		ConnectorHttpStatus:    int32(res.Status),
	}, nil
}

func firstMoney(ms ...*v1.Money) *v1.Money {
	for _, m := range ms {
		if m != nil {
			return m
		}
	}
	return nil
}
