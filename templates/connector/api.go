package example

import (
	"github.com/valyala/fastjson"

	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk"
	"github.com/connectorhost/connector-host/pdk/jsonr"
	"github.com/connectorhost/connector-host/pdk/statusmap"
)

// api is what every ExamplePay call shares: credentials only in a secret
// header, JSON bodies, amounts in ISO-4217 minor units with upper-case
// currency codes, and error answers read into typed errors.
var api = &pdk.API{
	Auth:              pdk.Bearer(credAPIKey),
	IdempotencyHeader: idempotencyHeader,
	Encoding:          pdk.JSONEncoded,
	ErrorAnswer:       errorAnswer,
}

// errorAnswer reads a non-2xx answer, {"error":{"code":"...","message":"...","payment":"pay_1"}},
// into the typed error pdk.StatusError gives its HTTP status (401 is
// CREDENTIALS, 404 NOT_FOUND, 5xx PROCESSOR_UNAVAILABLE...). ExamplePay
// declines with HTTP 402: a decline, which Authorize answers as a response.
func errorAnswer(res *pdk.Response, body *fastjson.Value) (*pdk.Error, bool) {
	e := pdk.StatusError(res, "Request-Id")
	code, msg := jsonr.Str(body, "error", "code"), jsonr.Str(body, "error", "message")
	if code != "" {
		e.Message += " " + code
	}
	e.Detail.Connector.Code, e.Detail.Connector.Message = code, msg
	if res.Status != 402 {
		return e, false
	}
	e.Detail.Code, e.Detail.Message, e.Detail.Issuer = v1.ErrorCode_ERROR_CODE_CARD_DECLINED, msg, &v1.IssuerError{DeclineCode: code}
	return e, true
}

// declined is the three-layer error of a declined payment or failed refund.
func declined(code, msg string) *v1.PaymentError {
	return &v1.PaymentError{
		Code: v1.ErrorCode_ERROR_CODE_CARD_DECLINED, Message: msg,
		Issuer: &v1.IssuerError{DeclineCode: code}, Connector: &v1.ConnectorError{Code: code, Message: msg},
	}
}

// paymentStatuses and refundStatuses map ExamplePay's statuses. A status
// they do not know is UNKNOWN: never read an unknown answer as a success.
var (
	paymentStatuses = statusmap.New(map[string]v1.PaymentStatus{
		"succeeded":       v1.PaymentStatus_PAYMENT_STATUS_CHARGED,
		"authorized":      v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZED,
		"pending":         v1.PaymentStatus_PAYMENT_STATUS_PENDING,
		"declined":        v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZATION_FAILED,
		"canceled":        v1.PaymentStatus_PAYMENT_STATUS_VOIDED,
		"requires_action": v1.PaymentStatus_PAYMENT_STATUS_AUTHENTICATION_PENDING,
	}, v1.PaymentStatus_PAYMENT_STATUS_UNKNOWN)
	refundStatuses = statusmap.New(map[string]v1.RefundStatus{
		"succeeded": v1.RefundStatus_REFUND_STATUS_SUCCEEDED,
		"pending":   v1.RefundStatus_REFUND_STATUS_PENDING,
		"failed":    v1.RefundStatus_REFUND_STATUS_FAILED,
	}, v1.RefundStatus_REFUND_STATUS_UNKNOWN)
)

// paymentObject is an ExamplePay payment object:
//
//	{"id":"pay_1","object":"payment","status":"succeeded","reference":"order_1","amount":1000,
//	 "amount_captured":1000,"currency":"USD","failure":{"code":"insufficient_funds","message":"..."}}
type paymentObject struct {
	id, reference    string
	status           v1.PaymentStatus
	amount, captured *v1.Money
	failure          *v1.PaymentError
}

// readPayment reads a payment; a missing id or amount is recorded in a.Err.
func readPayment(a *pdk.Answer) paymentObject {
	a.Expect("object", "payment")
	p := paymentObject{id: a.Require("id"), reference: a.Str("reference"), status: pdk.Status(a, "status", paymentStatuses),
		amount: a.Money("amount", "currency"), failure: failure(a)}
	if a.Has("amount_captured") {
		p.captured = a.Money("amount_captured", "currency")
	}
	return p
}

// refundObject is an ExamplePay refund object:
//
//	{"id":"re_1","object":"refund","payment":"pay_1","reference":"refund_1","status":"succeeded",
//	 "amount":400,"currency":"USD","failure":{...}}
type refundObject struct {
	id, payment, reference string
	status                 v1.RefundStatus
	amount                 *v1.Money
	failure                *v1.PaymentError
}

// readRefund reads a refund; a missing id or amount is recorded in a.Err.
func readRefund(a *pdk.Answer) refundObject {
	a.Expect("object", "refund")
	return refundObject{id: a.Require("id"), payment: a.Str("payment"), reference: a.Str("reference"),
		status: pdk.Status(a, "status", refundStatuses), amount: a.Money("amount", "currency"), failure: failure(a)}
}

// failure reads the failure of a declined payment or failed refund, if any.
func failure(a *pdk.Answer) *v1.PaymentError {
	if !a.Has("failure.code") {
		return nil
	}
	return declined(a.Str("failure.code"), a.Str("failure.message"))
}
