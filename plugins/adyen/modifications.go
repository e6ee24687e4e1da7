package adyen

import (
	"strings"

	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk"
)

// Modifications (Checkout v71 /payments/{paymentPspReference}/...) answer
// 201 with status "received": the outcome arrives by webhook (CAPTURE,
// CANCELLATION, CANCEL_OR_REFUND, REFUND, AUTHORISATION_ADJUSTMENT), so the
// unified responses carry pending statuses: CAPTURE_PENDING, VOID_PENDING,
// REVERSAL_PENDING (a reversal is a cancel or a refund, Adyen's choice),
// REFUND_STATUS_PENDING and AUTHORIZING (Adyen is deciding the new amount).

// modification is what one modification request says.
type modification struct {
	psp, ref    string    // paymentPspReference; the merchant's id for the modification (Adyen reference)
	amount      *v1.Money // nil for /cancels and /reversals, which act on the whole payment
	amountField string
	reason      string // merchantRefundReason (refunds only)
}

// modified is Adyen's acknowledgement of a modification.
type modified struct {
	psp, paymentPsp string
	amount          *v1.Money
}

// modFlow declares a modification flow: POST
// /payments/{paymentPspReference}/{path} keyed "<op>:<reference>" (refField
// names the reference as the caller writes it), mod reading the request and
// out making the unified response.
func modFlow[Req, Resp pdk.Message](path, op, refField string, mod func(Req) modification, out func(modified) Resp) pdk.Handler[Req, Resp] {
	return &pdk.Call[Req, Resp]{
		API: api, Base: checkout.Base, Method: "POST", Path: "/payments/{psp}/" + path,
		Params: pdk.Params[Req]{"psp": {Field: "connector_transaction_id", Get: func(r Req) string { return mod(r).psp }}},
		Key:    pdk.Key[Req]{Op: op, Field: refField, ID: func(r Req) string { return mod(r).ref }},
		Body:   pdk.Fields[Req]{{Key: "merchantAccount", Credential: credMerchantAccount}},
		Fill: func(c *pdk.Context, r Req, b *pdk.Body) error {
			m := mod(r)
			if strings.ContainsAny(m.psp, "/?#") {
				return pdk.InvalidRequest("connector_transaction_id", "is not an Adyen reference")
			}
			if m.amountField != "" {
				n, cur, err := amounts.To(m.amount, m.amountField)
				if err != nil {
					return err
				}
				setAmount(b, "amount", n, cur)
			}
			b.Set("reference", m.ref)
			b.SetIf("merchantRefundReason", m.reason)
			return nil
		},
		Answer: func(c *pdk.Context, r Req, a *pdk.Answer) (Resp, error) {
			m, ack := mod(r), modified{psp: a.Str("pspReference"), paymentPsp: a.Str("paymentPspReference")}
			switch {
			case a.Str("status") != "received":
				a.Fail(pdk.InvalidResponse("Adyen's %s answer has status %q, expected \"received\"", op, a.Str("status")))
			case ack.psp == "":
				a.Fail(pdk.InvalidResponse("Adyen's %s answer has no pspReference", op))
			case ack.paymentPsp != "" && ack.paymentPsp != m.psp:
				a.Fail(pdk.IntegrityMismatch("%s answer is for payment %s, not %s", op, ack.paymentPsp, m.psp))
			}
			switch got := amountAt(a, "amount"); {
			case got != nil && m.amount != nil && (got.GetMinorAmount() != m.amount.GetMinorAmount() || got.GetCurrency() != m.amount.GetCurrency()):
				a.Fail(pdk.IntegrityMismatch("%s answer amount %d %s differs from the requested %d %s", op,
					got.GetMinorAmount(), got.GetCurrency(), m.amount.GetMinorAmount(), m.amount.GetCurrency()))
			case got == nil:
				ack.amount = m.amount
			default:
				ack.amount = got
			}
			return out(ack), nil
		},
	}
}

func captureMod(r *v1.PaymentServiceCaptureRequest) modification {
	return modification{psp: r.GetConnectorTransactionId(), ref: r.GetMerchantCaptureId(), amount: r.GetAmountToCapture(), amountField: "amount_to_capture"}
}

func captured(a modified) *v1.PaymentServiceCaptureResponse {
	return &v1.PaymentServiceCaptureResponse{Status: v1.PaymentStatus_PAYMENT_STATUS_CAPTURE_PENDING, CapturedAmount: a.amount, ConnectorCaptureId: a.psp}
}

func voidMod(r *v1.PaymentServiceVoidRequest) modification {
	return modification{psp: r.GetConnectorTransactionId(), ref: r.GetMerchantVoidId()}
}

func voided(a modified) *v1.PaymentServiceVoidResponse {
	return &v1.PaymentServiceVoidResponse{Status: v1.PaymentStatus_PAYMENT_STATUS_VOID_PENDING, ConnectorVoidId: a.psp}
}

func reverseMod(r *v1.PaymentServiceReverseRequest) modification {
	return modification{psp: r.GetConnectorTransactionId(), ref: r.GetMerchantReversalId()}
}

func reversed(a modified) *v1.PaymentServiceReverseResponse {
	return &v1.PaymentServiceReverseResponse{Status: v1.PaymentStatus_PAYMENT_STATUS_REVERSAL_PENDING, ConnectorReversalId: a.psp}
}

// refundReasons are Adyen's merchantRefundReason values (FRAUD, CUSTOMER
// REQUEST, RETURN, DUPLICATE; any other reason is OTHER).
var refundReasons = pdk.Reasons{{Value: "DUPLICATE", Words: []string{"duplicate"}}, {Value: "FRAUD", Words: []string{"fraud"}},
	{Value: "CUSTOMER REQUEST", Words: []string{"customer"}}, {Value: "RETURN", Words: []string{"return"}}}

func refundMod(r *v1.PaymentServiceRefundRequest) modification {
	reason := refundReasons.Match(r.GetReason())
	if reason == "" && strings.TrimSpace(r.GetReason()) != "" {
		reason = "OTHER"
	}
	return modification{psp: r.GetConnectorTransactionId(), ref: r.GetMerchantRefundId(), amount: r.GetRefundAmount(), amountField: "refund_amount", reason: reason}
}

func refunded(a modified) *v1.PaymentServiceRefundResponse {
	return &v1.PaymentServiceRefundResponse{ConnectorRefundId: a.psp, Status: v1.RefundStatus_REFUND_STATUS_PENDING, RefundAmount: a.amount,
		ConnectorTransactionId: a.paymentPsp}
}

// amountUpdateMod: amountUpdates takes the new total authorised amount, as
// the unified request does.
func amountUpdateMod(r *v1.PaymentServiceIncrementalAuthorizationRequest) modification {
	return modification{psp: r.GetConnectorTransactionId(), ref: r.GetMerchantIncrementId(), amount: r.GetAmount(), amountField: "amount"}
}

func amountUpdated(a modified) *v1.PaymentServiceIncrementalAuthorizationResponse {
	return &v1.PaymentServiceIncrementalAuthorizationResponse{Status: v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZING, Amount: a.amount}
}
