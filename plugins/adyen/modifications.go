package adyen

import (
	"strings"

	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk"
)

// Modifications (/payments/{paymentPspReference}/...) answer 201 "received":
// the outcome arrives by webhook (CAPTURE, CANCELLATION, CANCEL_OR_REFUND,
// REFUND, AUTHORISATION_ADJUSTMENT), so the responses carry pending statuses
// (a reversal is a cancel or a refund, Adyen's choice; AUTHORIZING while
// Adyen decides a new amount).

// modified is Adyen's acknowledgement: its pspReference, the payment's, and the amount (else the requested one).
type modified struct {
	psp, paymentPsp string
	amount          *v1.Money
}

// modFlow declares POST /payments/{psp}/{path} keyed "<op>:<reference>": amount reads the
// amount of an operation that takes one (not /cancels, /reversals), reason the merchantRefundReason.
func modFlow[Req interface {
	pdk.Message
	GetConnectorTransactionId() string
}, Resp pdk.Message](path, op, refField string, ref func(Req) string, amountField string, amount func(Req) *v1.Money,
	reason func(Req) string, out func(modified) Resp) pdk.Handler[Req, Resp] {
	return &pdk.Call[Req, Resp]{
		API: api, Base: checkout.Base, Method: "POST", Path: "/payments/{psp}/" + path,
		Params: pdk.Params[Req]{"psp": {Field: "connector_transaction_id", Get: Req.GetConnectorTransactionId}},
		Key:    pdk.Key[Req]{Op: op, Field: refField, ID: ref},
		Body:   pdk.Fields[Req]{{Key: "merchantAccount", Credential: credMerchantAccount}},
		Fill: func(c *pdk.Context, r Req, b *pdk.Body) error {
			if strings.ContainsAny(r.GetConnectorTransactionId(), "/?#") {
				return pdk.InvalidRequest("connector_transaction_id", "is not an Adyen reference")
			}
			if amount != nil {
				n, cur, err := amounts.To(amount(r), amountField)
				if err != nil {
					return err
				}
				setAmount(b, "amount", n, cur)
			}
			b.Set("reference", ref(r))
			if reason != nil {
				b.SetIf("merchantRefundReason", reason(r))
			}
			return nil
		},
		Answer: func(c *pdk.Context, r Req, a *pdk.Answer) (Resp, error) {
			ack, psp := modified{psp: a.Str("pspReference"), paymentPsp: a.Str("paymentPspReference")}, r.GetConnectorTransactionId()
			switch {
			case a.Str("status") != "received":
				a.Fail(pdk.InvalidResponse("Adyen's %s answer has status %q, expected \"received\"", op, a.Str("status")))
			case ack.psp == "":
				a.Fail(pdk.InvalidResponse("Adyen's %s answer has no pspReference", op))
			case ack.paymentPsp != "" && ack.paymentPsp != psp:
				a.Fail(pdk.IntegrityMismatch("%s answer is for payment %s, not %s", op, ack.paymentPsp, psp))
			}
			var want *v1.Money
			if amount != nil {
				want = amount(r)
			}
			switch ack.amount = amountAt(a, "amount"); {
			case ack.amount == nil:
				ack.amount = want
			case want != nil && (ack.amount.GetMinorAmount() != want.GetMinorAmount() || ack.amount.GetCurrency() != want.GetCurrency()):
				a.Fail(pdk.IntegrityMismatch("%s answer amount %d %s differs from the requested %d %s", op,
					ack.amount.GetMinorAmount(), ack.amount.GetCurrency(), want.GetMinorAmount(), want.GetCurrency()))
			}
			return out(ack), nil
		},
	}
}

var capture = modFlow("captures", "capture", "merchant_capture_id", (*v1.PaymentServiceCaptureRequest).GetMerchantCaptureId,
	"amount_to_capture", (*v1.PaymentServiceCaptureRequest).GetAmountToCapture, nil, func(a modified) *v1.PaymentServiceCaptureResponse {
		return &v1.PaymentServiceCaptureResponse{Status: v1.PaymentStatus_PAYMENT_STATUS_CAPTURE_PENDING, CapturedAmount: a.amount, ConnectorCaptureId: a.psp}
	})

var void = modFlow("cancels", "void", "merchant_void_id", (*v1.PaymentServiceVoidRequest).GetMerchantVoidId, "", nil, nil,
	func(a modified) *v1.PaymentServiceVoidResponse {
		return &v1.PaymentServiceVoidResponse{Status: v1.PaymentStatus_PAYMENT_STATUS_VOID_PENDING, ConnectorVoidId: a.psp}
	})

var reverse = modFlow("reversals", "reverse", "merchant_reversal_id", (*v1.PaymentServiceReverseRequest).GetMerchantReversalId, "", nil, nil,
	func(a modified) *v1.PaymentServiceReverseResponse {
		return &v1.PaymentServiceReverseResponse{Status: v1.PaymentStatus_PAYMENT_STATUS_REVERSAL_PENDING, ConnectorReversalId: a.psp}
	})

// refundReasons are Adyen's merchantRefundReason values (FRAUD, CUSTOMER
// REQUEST, RETURN, DUPLICATE; any other reason is OTHER).
var refundReasons = pdk.Reasons{{Value: "DUPLICATE", Words: []string{"duplicate"}}, {Value: "FRAUD", Words: []string{"fraud"}},
	{Value: "CUSTOMER REQUEST", Words: []string{"customer"}}, {Value: "RETURN", Words: []string{"return"}}}

var refund = modFlow("refunds", "refund", "merchant_refund_id", (*v1.PaymentServiceRefundRequest).GetMerchantRefundId,
	"refund_amount", (*v1.PaymentServiceRefundRequest).GetRefundAmount, func(r *v1.PaymentServiceRefundRequest) string {
		if reason := refundReasons.Match(r.GetReason()); reason != "" || strings.TrimSpace(r.GetReason()) == "" {
			return reason
		}
		return "OTHER"
	}, func(a modified) *v1.PaymentServiceRefundResponse {
		return &v1.PaymentServiceRefundResponse{ConnectorRefundId: a.psp, Status: v1.RefundStatus_REFUND_STATUS_PENDING, RefundAmount: a.amount,
			ConnectorTransactionId: a.paymentPsp}
	})

// amountUpdate: amountUpdates takes the new total amount, as the unified request does.
var amountUpdate = modFlow("amountUpdates", "increment", "merchant_increment_id",
	(*v1.PaymentServiceIncrementalAuthorizationRequest).GetMerchantIncrementId, "amount", (*v1.PaymentServiceIncrementalAuthorizationRequest).GetAmount,
	nil, func(a modified) *v1.PaymentServiceIncrementalAuthorizationResponse {
		return &v1.PaymentServiceIncrementalAuthorizationResponse{Status: v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZING, Amount: a.amount}
	})
