package example

import (
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk"
)

// Short names for the flows' request types.
type (
	authReq      = v1.PaymentServiceAuthorizeRequest
	captureReq   = v1.PaymentServiceCaptureRequest
	voidReq      = v1.PaymentServiceVoidRequest
	getReq       = v1.PaymentServiceGetRequest
	refundReq    = v1.PaymentServiceRefundRequest
	refundGetReq = v1.RefundServiceGetRequest
)

// authorize is POST /v1/payments, keyed by the merchant's id (a retry
// cannot charge twice):
//
//	{"reference":"order_1","amount":1000,"currency":"USD","capture":true,
//	 "card":{"number":"4242...","exp_month":12,"exp_year":2030,"cvc":"123","holder_name":"A B"}}
//
// or "payment_token":"tok_1" instead of "card". A decline (HTTP 402) is a
// response with a *_FAILED status and its error, not a Go error.
var authorize = &pdk.Call[*authReq, *v1.PaymentServiceAuthorizeResponse]{
	API: api, Method: "POST", Path: "/v1/payments",
	Key: pdk.Key[*authReq]{Field: "merchant_transaction_id", ID: (*authReq).GetMerchantTransactionId},
	Body: pdk.Fields[*authReq]{
		{Key: "reference", Str: (*authReq).GetMerchantTransactionId},
		{Key: "amount", CurrencyKey: "currency", Money: (*authReq).GetAmount, Name: "amount", Required: true},
		// capture now unless MANUAL (UNSPECIFIED means AUTOMATIC, the API's documented default)
		{Key: "capture", Bool: func(r *authReq) bool { return r.GetCaptureMethod() != v1.CaptureMethod_CAPTURE_METHOD_MANUAL }},
	},
	Fill: writePaymentMethod,
	Read: func(a *pdk.Answer) *v1.PaymentServiceAuthorizeResponse {
		p := readPayment(a)
		return &v1.PaymentServiceAuthorizeResponse{ConnectorTransactionId: p.id, Status: p.status, Amount: p.amount,
			MerchantTransactionId: p.reference, Error: p.failure}
	},
	OnDecline: func(_ *pdk.Context, req *authReq, e *pdk.Error, a *pdk.Answer) (*v1.PaymentServiceAuthorizeResponse, error) {
		return &v1.PaymentServiceAuthorizeResponse{ConnectorTransactionId: a.Str("error.payment"),
			Status: v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZATION_FAILED, Error: e.Detail}, nil
	},
}

// writePaymentMethod writes the card (sent only in the body) or the token.
// Refuse what the processor cannot take before any call.
func writePaymentMethod(_ *pdk.Context, req *authReq, b *pdk.Body) error {
	switch m := req.GetPaymentMethod().GetMethod().(type) {
	case *v1.PaymentMethod_Card:
		if m.Card.GetNumber() == "" {
			return pdk.InvalidRequest("payment_method.card.number", "is required")
		}
		b.Set("card.number", m.Card.GetNumber())
		b.SetInt("card.exp_month", int64(m.Card.GetExpMonth()))
		b.SetInt("card.exp_year", int64(m.Card.GetExpYear()))
		b.SetIf("card.cvc", m.Card.GetCvc())
		b.SetIf("card.holder_name", m.Card.GetHolderName())
	case *v1.PaymentMethod_Token:
		if m.Token.GetToken() == "" {
			return pdk.InvalidRequest("payment_method.token.token", "is required")
		}
		b.Set("payment_token", m.Token.GetToken())
	default:
		return pdk.Unsupported("ExamplePay takes cards and processor tokens, not %s", pdk.MethodGoType(m))
	}
	return nil
}

// capture is POST /v1/payments/{id}/capture {"amount":1000,"currency":"USD"}
// (no amount: the whole authorization). The key is the merchant's capture
// id, else the payment's id: one capture per payment.
var capture = &pdk.Call[*captureReq, *v1.PaymentServiceCaptureResponse]{
	API: api, Method: "POST", Path: "/v1/payments/{id}/capture",
	Params: pdk.Params[*captureReq]{"id": {Field: "connector_transaction_id", Get: (*captureReq).GetConnectorTransactionId}},
	Key:    pdk.Key[*captureReq]{Op: "capture", ID: (*captureReq).GetMerchantCaptureId, Fallback: (*captureReq).GetConnectorTransactionId},
	Body:   pdk.Fields[*captureReq]{{Key: "amount", CurrencyKey: "currency", Money: (*captureReq).GetAmountToCapture, Name: "amount_to_capture"}},
	Read: func(a *pdk.Answer) *v1.PaymentServiceCaptureResponse {
		p := readPayment(a)
		return &v1.PaymentServiceCaptureResponse{ConnectorTransactionId: p.id, Status: p.status, CapturedAmount: p.captured,
			Error: p.failure}
	},
}

// void is POST /v1/payments/{id}/cancel, keyed like capture.
var void = &pdk.Call[*voidReq, *v1.PaymentServiceVoidResponse]{
	API: api, Method: "POST", Path: "/v1/payments/{id}/cancel",
	Params: pdk.Params[*voidReq]{"id": {Field: "connector_transaction_id", Get: (*voidReq).GetConnectorTransactionId}},
	Key:    pdk.Key[*voidReq]{Op: "cancel", ID: (*voidReq).GetMerchantVoidId, Fallback: (*voidReq).GetConnectorTransactionId},
	Read: func(a *pdk.Answer) *v1.PaymentServiceVoidResponse {
		p := readPayment(a)
		return &v1.PaymentServiceVoidResponse{ConnectorTransactionId: p.id, Status: p.status, Error: p.failure}
	},
}

// get is GET /v1/payments/{id} (payment sync); a GET is safe to retry.
var get = &pdk.Call[*getReq, *v1.PaymentServiceGetResponse]{
	API: api, Path: "/v1/payments/{id}",
	Params: pdk.Params[*getReq]{"id": {Field: "connector_transaction_id", Get: (*getReq).GetConnectorTransactionId}},
	Read: func(a *pdk.Answer) *v1.PaymentServiceGetResponse {
		p := readPayment(a)
		return &v1.PaymentServiceGetResponse{ConnectorTransactionId: p.id, Status: p.status, Amount: p.amount,
			CapturedAmount: p.captured, MerchantTransactionId: p.reference, Error: p.failure}
	},
}

// refund is POST /v1/refunds {"payment":"pay_1","reference":"refund_1","amount":400,"currency":"USD"},
// keyed "refund:<merchant refund id>" (the prefix keeps it apart from a payment's key).
var refund = &pdk.Call[*refundReq, *v1.PaymentServiceRefundResponse]{
	API: api, Method: "POST", Path: "/v1/refunds",
	Key: pdk.Key[*refundReq]{Op: "refund", Field: "merchant_refund_id", ID: (*refundReq).GetMerchantRefundId},
	Body: pdk.Fields[*refundReq]{
		{Key: "payment", Str: (*refundReq).GetConnectorTransactionId, Name: "connector_transaction_id", Required: true},
		{Key: "reference", Str: (*refundReq).GetMerchantRefundId},
		{Key: "amount", CurrencyKey: "currency", Money: (*refundReq).GetRefundAmount, Name: "refund_amount", Required: true},
	},
	Read: func(a *pdk.Answer) *v1.PaymentServiceRefundResponse {
		r := readRefund(a)
		return &v1.PaymentServiceRefundResponse{ConnectorRefundId: r.id, Status: r.status, RefundAmount: r.amount,
			Error: r.failure, MerchantRefundId: r.reference, ConnectorTransactionId: r.payment}
	},
}

// refundGet is GET /v1/refunds/{id}.
var refundGet = &pdk.Call[*refundGetReq, *v1.RefundServiceGetResponse]{
	API: api, Path: "/v1/refunds/{id}",
	Params: pdk.Params[*refundGetReq]{"id": {Field: "connector_refund_id", Get: (*refundGetReq).GetConnectorRefundId}},
	Read: func(a *pdk.Answer) *v1.RefundServiceGetResponse {
		r := readRefund(a)
		return &v1.RefundServiceGetResponse{ConnectorRefundId: r.id, Status: r.status, RefundAmount: r.amount,
			Error: r.failure, MerchantRefundId: r.reference, ConnectorTransactionId: r.payment}
	},
}
