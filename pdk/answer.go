package pdk

import (
	"errors"
	"fmt"
	"strconv"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/money"
)

// StatusError is the typed error of a processor's non-2xx answer: kind and
// unified code by StatusKind, and the three-layer PaymentError whose
// connector layer is what the plugin read from the error body (code,
// message, type, request id; nil when the body had none). HttpStatus is
// filled here. The message is "HTTP 422 error 14_030: Return URL is
// missing." (no connector name: the host adds it). A connector that
// classifies a status otherwise changes Kind and Detail.Code afterwards.
func StatusError(status int, connector *v1.ConnectorError) *Error {
	kind, code := StatusKind(status)
	if connector == nil {
		connector = &v1.ConnectorError{}
	}
	connector.HttpStatus = int32(status)
	msg := connector.GetMessage()
	if msg == "" {
		msg = "HTTP " + strconv.Itoa(status)
	}
	text := "HTTP " + strconv.Itoa(status)
	if connector.GetCode() != "" {
		text += " error " + connector.GetCode()
	}
	return &Error{Kind: kind, Message: text + ": " + msg, Detail: &v1.PaymentError{Code: code, Message: msg, Connector: connector}}
}

// IntegrityMismatch reports a processor answer that contradicts the request
// (another payment, amount or currency): INVALID_RESPONSE with the unified
// code INTEGRITY_MISMATCH, so the caller never records the wrong money.
func IntegrityMismatch(format string, args ...any) *Error {
	msg := fmt.Sprintf(format, args...)
	return &Error{Kind: pluginv1.ErrorKind_ERROR_KIND_INVALID_RESPONSE, Message: msg,
		Detail: &v1.PaymentError{Code: v1.ErrorCode_ERROR_CODE_INTEGRITY_MISMATCH, Message: msg}}
}

// ToProcessorAmount converts a unified amount (ISO-4217 minor units) to the
// processor's minor units, exps holding the processor's deviations from
// ISO-4217. field names the request field in errors; processor names the
// processor in the message of an amount it cannot represent exactly (IDR
// 100.50 where the processor takes whole rupiah): an INVALID_REQUEST, never
// a rounding.
func ToProcessorAmount(field string, m *v1.Money, exps money.Exponents, processor string) (int64, error) {
	if m == nil {
		return 0, InvalidRequest(field, "is required")
	}
	cur := m.GetCurrency()
	if !money.Known(cur) {
		return 0, InvalidRequest(field+".currency", fmt.Sprintf("%q is not an ISO-4217 currency", cur))
	}
	if m.GetMinorAmount() < 0 {
		return 0, InvalidRequest(field+".minor_amount", "must not be negative")
	}
	n, err := exps.ToProcessor(m.GetMinorAmount(), cur)
	if errors.Is(err, money.ErrPrecision) {
		exp, _ := exps.Exponent(cur)
		return 0, InvalidRequest(field+".minor_amount",
			fmt.Sprintf("%d %s cannot be represented at %s, which uses %d decimals for %s", m.GetMinorAmount(), cur, processor, exp, cur))
	}
	if err != nil {
		return 0, InvalidRequest(field, err.Error())
	}
	return n, nil
}

// FromProcessorAmount converts a processor's amount and ISO currency code
// back to unified money, exactly; an unknown currency or an amount with no
// exact ISO value is INVALID_RESPONSE.
func FromProcessorAmount(amount int64, currency string, exps money.Exponents) (*v1.Money, error) {
	if !money.Known(currency) {
		return nil, InvalidResponse("the answer's currency %q is not an ISO-4217 currency", currency)
	}
	n, err := exps.FromProcessor(amount, currency)
	if err != nil {
		return nil, InvalidResponse("the answer's amount %d %s: %v", amount, currency, err)
	}
	return &v1.Money{MinorAmount: n, Currency: currency}, nil
}
