package adyen

import (
	"strings"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk"
	"github.com/connectorhost/connector-host/pdk/jsonr"
	"github.com/connectorhost/connector-host/pdk/jsonw"
)

// Modifications (Checkout v71 /payments/{paymentPspReference}/...) answer
// 201 with status "received": the outcome arrives by webhook (CAPTURE,
// CANCELLATION, CANCEL_OR_REFUND, REFUND, AUTHORISATION_ADJUSTMENT), so the
// unified responses carry pending statuses: CAPTURE_PENDING, VOID_PENDING,
// REVERSAL_PENDING (a reversal is a cancel or a refund, Adyen's choice),
// REFUND_STATUS_PENDING and AUTHORIZING (Adyen is deciding the new amount).

// modification is one modification call.
type modification struct {
	op, path      string // idempotency prefix and error context; "captures", "cancels", ...
	psp           string // paymentPspReference
	ref, refField string // the merchant's id for the modification (Adyen reference, idempotency key)
	amount        *v1.Money
	amountField   string // "" when the call takes no amount (/cancels, /reversals: the whole payment)
	reason        string // merchantRefundReason (refunds only)
}

// modified is Adyen's acknowledgement of a modification.
type modified struct {
	psp, paymentPsp string
	amount          *v1.Money
}

// modFlow is the handler of a modification flow: mod describes the call,
// out makes the unified response of Adyen's acknowledgement.
func modFlow[Req, Resp pdk.Message](mod func(Req) modification, out func(Req, modified) Resp) pdk.Handler[Req, Resp] {
	return pdk.H(func(c *pdk.Context, req Req) (*pluginv1.HttpRequest, error) { return mod(req).build(c) },
		func(c *pdk.Context, req Req, res *pdk.Response) (Resp, error) {
			a, err := mod(req).parse(res)
			if err != nil {
				var zero Resp
				return zero, err
			}
			return out(req, a), nil
		})
}

func (m modification) build(c *pdk.Context) (*pluginv1.HttpRequest, error) {
	if m.ref == "" {
		return nil, pdk.InvalidRequest(m.refField, "is required (Adyen reference and idempotency key)")
	}
	var value int64
	if m.amountField != "" {
		var err error
		if value, err = toAdyen(m.amountField, m.amount); err != nil {
			return nil, err
		}
	}
	cl, err := newClient(c)
	if err != nil {
		return nil, err
	}
	seg, err := pathSegment("connector_transaction_id", m.psp)
	if err != nil {
		return nil, err
	}
	body := jsonw.NewObject().String("merchantAccount", cl.merchant)
	if m.amountField != "" {
		writeAmount(body, "amount", value, m.amount.GetCurrency())
	}
	body.String("reference", m.ref).StringIf("merchantRefundReason", m.reason)
	return cl.post(checkout, "/payments/"+seg+"/"+m.path, m.op, m.ref, body.Bytes())
}

// parse checks a modification answer: HTTP errors, status "received", the
// payment it is for and the amount.
func (m modification) parse(res *pdk.Response) (modified, error) {
	v, err := readAnswer(res)
	if err != nil {
		return modified{}, err
	}
	if s := jsonr.Str(v, "status"); s != "received" {
		return modified{}, pdk.InvalidResponse("Adyen's %s answer has status %q, expected \"received\"", m.op, s)
	}
	a := modified{psp: jsonr.Str(v, "pspReference"), paymentPsp: jsonr.Str(v, "paymentPspReference"), amount: m.amount}
	if a.psp == "" {
		return modified{}, pdk.InvalidResponse("Adyen's %s answer has no pspReference", m.op)
	}
	if a.paymentPsp != "" && a.paymentPsp != m.psp {
		return modified{}, pdk.IntegrityMismatch("%s answer is for payment %s, not %s", m.op, a.paymentPsp, m.psp)
	}
	got, err := amountAt(v, "amount")
	switch {
	case err != nil:
		return modified{}, err
	case got != nil && m.amount != nil && (got.GetMinorAmount() != m.amount.GetMinorAmount() || got.GetCurrency() != m.amount.GetCurrency()):
		return modified{}, pdk.IntegrityMismatch("%s answer amount %d %s differs from the requested %d %s", m.op,
			got.GetMinorAmount(), got.GetCurrency(), m.amount.GetMinorAmount(), m.amount.GetCurrency())
	case got != nil:
		a.amount = got
	}
	return a, nil
}

func captureMod(r *v1.PaymentServiceCaptureRequest) modification {
	return modification{op: "capture", path: "captures", psp: r.GetConnectorTransactionId(), ref: r.GetMerchantCaptureId(),
		refField: "merchant_capture_id", amount: r.GetAmountToCapture(), amountField: "amount_to_capture"}
}

func captured(r *v1.PaymentServiceCaptureRequest, a modified) *v1.PaymentServiceCaptureResponse {
	return &v1.PaymentServiceCaptureResponse{ConnectorTransactionId: r.GetConnectorTransactionId(), Status: v1.PaymentStatus_PAYMENT_STATUS_CAPTURE_PENDING,
		CapturedAmount: a.amount, ConnectorCaptureId: a.psp, MerchantCaptureId: r.GetMerchantCaptureId()}
}

func voidMod(r *v1.PaymentServiceVoidRequest) modification {
	return modification{op: "void", path: "cancels", psp: r.GetConnectorTransactionId(), ref: r.GetMerchantVoidId(), refField: "merchant_void_id"}
}

func voided(r *v1.PaymentServiceVoidRequest, a modified) *v1.PaymentServiceVoidResponse {
	return &v1.PaymentServiceVoidResponse{ConnectorTransactionId: r.GetConnectorTransactionId(), Status: v1.PaymentStatus_PAYMENT_STATUS_VOID_PENDING,
		MerchantVoidId: r.GetMerchantVoidId(), ConnectorVoidId: a.psp}
}

func reverseMod(r *v1.PaymentServiceReverseRequest) modification {
	return modification{op: "reverse", path: "reversals", psp: r.GetConnectorTransactionId(), ref: r.GetMerchantReversalId(), refField: "merchant_reversal_id"}
}

func reversed(r *v1.PaymentServiceReverseRequest, a modified) *v1.PaymentServiceReverseResponse {
	return &v1.PaymentServiceReverseResponse{ConnectorTransactionId: r.GetConnectorTransactionId(), Status: v1.PaymentStatus_PAYMENT_STATUS_REVERSAL_PENDING,
		MerchantReversalId: r.GetMerchantReversalId(), ConnectorReversalId: a.psp}
}

// refundMod maps the unified reason to Adyen's merchantRefundReason enum
// (FRAUD, CUSTOMER REQUEST, RETURN, DUPLICATE, OTHER); free text is OTHER.
func refundMod(r *v1.PaymentServiceRefundRequest) modification {
	reason := ""
	if s := strings.ToLower(strings.TrimSpace(r.GetReason())); s != "" {
		reason = map[string]string{"duplicate": "DUPLICATE", "fraudulent": "FRAUD", "fraud": "FRAUD", "return": "RETURN",
			"requested_by_customer": "CUSTOMER REQUEST", "customer request": "CUSTOMER REQUEST"}[s]
		reason = firstNonEmpty(reason, "OTHER")
	}
	return modification{op: "refund", path: "refunds", psp: r.GetConnectorTransactionId(), ref: r.GetMerchantRefundId(),
		refField: "merchant_refund_id", amount: r.GetRefundAmount(), amountField: "refund_amount", reason: reason}
}

func refunded(r *v1.PaymentServiceRefundRequest, a modified) *v1.PaymentServiceRefundResponse {
	return &v1.PaymentServiceRefundResponse{ConnectorRefundId: a.psp, Status: v1.RefundStatus_REFUND_STATUS_PENDING, RefundAmount: a.amount,
		MerchantRefundId: r.GetMerchantRefundId(), ConnectorTransactionId: firstNonEmpty(a.paymentPsp, r.GetConnectorTransactionId())}
}

// amountUpdateMod: amountUpdates takes the new total authorised amount, as
// the unified request does.
func amountUpdateMod(r *v1.PaymentServiceIncrementalAuthorizationRequest) modification {
	return modification{op: "increment", path: "amountUpdates", psp: r.GetConnectorTransactionId(), ref: r.GetMerchantIncrementId(),
		refField: "merchant_increment_id", amount: r.GetAmount(), amountField: "amount"}
}

func amountUpdated(r *v1.PaymentServiceIncrementalAuthorizationRequest, a modified) *v1.PaymentServiceIncrementalAuthorizationResponse {
	return &v1.PaymentServiceIncrementalAuthorizationResponse{ConnectorTransactionId: r.GetConnectorTransactionId(),
		Status: v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZING, Amount: a.amount}
}
