package stripe

import (
	"strconv"
	"strings"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk"
	"github.com/connectorhost/connector-host/pdk/statusmap"
	"github.com/valyala/fastjson"
)

// readError reads an error answer's error object (https://docs.stripe.com/api/errors)
// into the typed error with its three-layer detail. A 402 or a card_error is
// a decline, which the flows creating or capturing payments answer as such.
func readError(res *pdk.Response, body *fastjson.Value) (*pdk.Error, bool) {
	e := (&pdk.Answer{V: body, Res: res}).At("error")
	typ, code := e.Str("type"), e.Str("code")
	// "HTTP 402 card_error card_declined insufficient_funds: <message> (param <p>) [request <id>]"
	msg := strings.Join(strings.Fields("HTTP "+strconv.Itoa(res.Status)+" "+typ+" "+code+" "+e.Str("decline_code")), " ") +
		affix(": ", e.Str("message"), "") + affix(" (param ", e.Str("param"), ")") + affix(" [request ", res.Header(requestIDHeader), "]")
	return &pdk.Error{Kind: errorKind(res.Status, typ, code), Message: msg, Detail: paymentError(e)}, res.Status == 402 || typ == "card_error"
}

// paymentError is the three-layer unified error of a Stripe error object:
// an error answer's, or a last_payment_error / last_setup_error.
func paymentError(e *pdk.Answer) *v1.PaymentError {
	status, typ, code, decline, msg := e.HTTPStatus(), e.Str("type"), e.Str("code"), e.Str("decline_code"), e.Str("message")
	pe := &v1.PaymentError{
		Code: unifiedErrorCode(status, typ, code, decline),
		// Like every message the plugin writes, the fallback does not name
		// Stripe: the host prefixes errors with the connector's name.
		Message: pdk.First(msg, code, typ, "HTTP "+strconv.Itoa(status)+" without an error message"),
		Connector: &v1.ConnectorError{Code: code, Message: msg, HttpStatus: int32(status), Type: typ,
			RequestId: e.Header(requestIDHeader)},
	}
	advice, network := e.Str("network_advice_code"), e.Str("network_decline_code")
	if decline != "" || advice != "" || network != "" || typ == "card_error" {
		pe.Issuer = &v1.IssuerError{DeclineCode: decline, AdviceCode: advice, NetworkDeclineCode: network, Message: msg}
	}
	return pe
}

// affix is prefix+s+suffix, or "" when s is empty.
func affix(prefix, s, suffix string) string {
	if s == "" {
		return ""
	}
	return prefix + s + suffix
}

// conflictCodes are 400 error codes that mean the object's state does not
// allow the operation, or an idempotency clash.
var conflictCodes = statusmap.Grouped(map[bool]string{true: "payment_intent_unexpected_state " +
	"setup_intent_unexpected_state charge_already_captured charge_already_refunded charge_disputed idempotency_key_in_use"}, false)

// errorKind is the project's status table (pdk.StatusKind) but for
// conflicts Stripe answers with 400, and 403: a key without the permission.
// idempotency_key_in_use (409) is a request with the same key still
// running, whose outcome is unknown: IN_PROGRESS, retried later with the key.
func errorKind(status int, typ, code string) pluginv1.ErrorKind {
	switch {
	case code == "idempotency_key_in_use":
		return pluginv1.ErrorKind_ERROR_KIND_IN_PROGRESS
	case typ == "idempotency_error" || conflictCodes.Get(code):
		return pluginv1.ErrorKind_ERROR_KIND_CONFLICT
	case status == 403:
		return pluginv1.ErrorKind_ERROR_KIND_CREDENTIALS
	}
	kind, _ := pdk.StatusKind(status)
	return kind
}

// unifiedErrorCode picks the unified code: the decline code is the most
// specific, then the error code, then statuses that say more than any type
// (401, 403, 404, 409, 429, 5xx), the error type, and the remaining statuses.
func unifiedErrorCode(status int, typ, code, decline string) v1.ErrorCode {
	if c, ok := declineCodes.Lookup(decline); ok {
		return c
	}
	if c, ok := errorCodes.Lookup(code); ok {
		return c
	}
	if status == 401 || status == 403 || status == 404 || status == 409 || status == 429 || status >= 500 {
		_, c := pdk.StatusKind(status)
		return c
	}
	if c, ok := errorTypes.Lookup(typ); ok {
		return c
	}
	switch {
	case status == 402:
		return v1.ErrorCode_ERROR_CODE_CARD_DECLINED
	case status >= 400:
		return v1.ErrorCode_ERROR_CODE_INVALID_REQUEST
	}
	return v1.ErrorCode_ERROR_CODE_PROCESSING_ERROR
}

// declineCodes maps decline_code (https://docs.stripe.com/declines/codes).
var declineCodes = statusmap.Grouped(map[v1.ErrorCode]string{
	v1.ErrorCode_ERROR_CODE_INSUFFICIENT_FUNDS:      "insufficient_funds",
	v1.ErrorCode_ERROR_CODE_EXPIRED_CARD:            "expired_card",
	v1.ErrorCode_ERROR_CODE_INCORRECT_CVC:           "incorrect_cvc invalid_cvc",
	v1.ErrorCode_ERROR_CODE_INCORRECT_NUMBER:        "incorrect_number invalid_number invalid_account",
	v1.ErrorCode_ERROR_CODE_LOST_OR_STOLEN_CARD:     "lost_card stolen_card pickup_card restricted_card",
	v1.ErrorCode_ERROR_CODE_FRAUD_SUSPECTED:         "fraudulent security_violation",
	v1.ErrorCode_ERROR_CODE_RISK_BLOCKED:            "merchant_blacklist",
	v1.ErrorCode_ERROR_CODE_LIMIT_EXCEEDED:          "card_velocity_exceeded withdrawal_count_limit_exceeded",
	v1.ErrorCode_ERROR_CODE_AUTHENTICATION_REQUIRED: "authentication_required",
	v1.ErrorCode_ERROR_CODE_CARD_NOT_SUPPORTED:      "card_not_supported",
	v1.ErrorCode_ERROR_CODE_CURRENCY_NOT_SUPPORTED:  "currency_not_supported",
	v1.ErrorCode_ERROR_CODE_PROCESSING_ERROR:        "processing_error issuer_not_available try_again_later reenter_transaction",
	v1.ErrorCode_ERROR_CODE_DO_NOT_HONOR: "do_not_honor do_not_try_again revocation_of_all_authorizations " +
		"revocation_of_authorization stop_payment_order",
	v1.ErrorCode_ERROR_CODE_CARD_DECLINED: "generic_decline call_issuer no_action_taken not_permitted service_not_allowed " +
		"transaction_not_allowed approve_with_id incorrect_pin invalid_amount",
}, v1.ErrorCode_ERROR_CODE_UNSPECIFIED)

// errorCodes maps error code (https://docs.stripe.com/error-codes).
var errorCodes = statusmap.Grouped(map[v1.ErrorCode]string{
	v1.ErrorCode_ERROR_CODE_CARD_DECLINED: "card_declined incorrect_zip payment_method_provider_decline " +
		"payment_intent_payment_attempt_failed",
	v1.ErrorCode_ERROR_CODE_EXPIRED_CARD:            "expired_card",
	v1.ErrorCode_ERROR_CODE_INCORRECT_CVC:           "incorrect_cvc invalid_cvc",
	v1.ErrorCode_ERROR_CODE_INCORRECT_NUMBER:        "incorrect_number invalid_number",
	v1.ErrorCode_ERROR_CODE_PROCESSING_ERROR:        "processing_error",
	v1.ErrorCode_ERROR_CODE_AUTHENTICATION_REQUIRED: "authentication_required",
	v1.ErrorCode_ERROR_CODE_AUTHENTICATION_FAILED: "payment_intent_authentication_failure setup_intent_authentication_failure " +
		"payment_intent_payment_attempt_expired",
	v1.ErrorCode_ERROR_CODE_LIMIT_EXCEEDED:               "card_decline_rate_limit_exceeded",
	v1.ErrorCode_ERROR_CODE_AMOUNT_TOO_LARGE:             "amount_too_large",
	v1.ErrorCode_ERROR_CODE_AMOUNT_TOO_SMALL:             "amount_too_small",
	v1.ErrorCode_ERROR_CODE_INSUFFICIENT_FUNDS:           "balance_insufficient",
	v1.ErrorCode_ERROR_CODE_PAYMENT_METHOD_NOT_SUPPORTED: "payment_method_not_available payment_method_unactivated",
	v1.ErrorCode_ERROR_CODE_CURRENCY_NOT_SUPPORTED:       "payment_method_currency_mismatch",
	v1.ErrorCode_ERROR_CODE_CONFLICT: "payment_method_unexpected_state payment_intent_unexpected_state setup_intent_unexpected_state " +
		"charge_already_captured charge_already_refunded charge_disputed charge_expired_for_capture idempotency_key_in_use",
	v1.ErrorCode_ERROR_CODE_NOT_FOUND:           "resource_missing",
	v1.ErrorCode_ERROR_CODE_RATE_LIMITED:        "rate_limit lock_timeout",
	v1.ErrorCode_ERROR_CODE_INVALID_CREDENTIALS: "api_key_expired secret_key_required",
	v1.ErrorCode_ERROR_CODE_PERMISSION_DENIED:   "testmode_charges_only account_invalid",
	v1.ErrorCode_ERROR_CODE_INVALID_REQUEST: "invalid_expiry_month invalid_expiry_year parameter_invalid_empty parameter_invalid_integer " +
		"parameter_invalid_string_blank parameter_invalid_string_empty parameter_missing parameter_unknown parameters_exclusive url_invalid",
}, v1.ErrorCode_ERROR_CODE_UNSPECIFIED)

// errorTypes is the fallback by error type.
var errorTypes = statusmap.Grouped(map[v1.ErrorCode]string{
	v1.ErrorCode_ERROR_CODE_CARD_DECLINED:         "card_error",
	v1.ErrorCode_ERROR_CODE_INVALID_REQUEST:       "invalid_request_error",
	v1.ErrorCode_ERROR_CODE_INVALID_CREDENTIALS:   "authentication_error",
	v1.ErrorCode_ERROR_CODE_RATE_LIMITED:          "rate_limit_error",
	v1.ErrorCode_ERROR_CODE_CONFLICT:              "idempotency_error",
	v1.ErrorCode_ERROR_CODE_PROCESSOR_UNAVAILABLE: "api_error",
}, v1.ErrorCode_ERROR_CODE_UNSPECIFIED)
