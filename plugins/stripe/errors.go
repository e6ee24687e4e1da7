package stripe

import (
	"fmt"
	"strings"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/mask"
	"github.com/connectorhost/connector-host/pdk"
	"github.com/valyala/fastjson"
)

// apiError is Stripe's error object
// (https://docs.stripe.com/api/errors) with the HTTP status and request id.
type apiError struct {
	HTTPStatus         int
	RequestID          string
	Type               string
	Code               string
	DeclineCode        string
	Message            string
	Param              string
	AdviceCode         string
	NetworkDeclineCode string
	RequestLogURL      string
	// PaymentIntent and SetupIntent are error.payment_intent / setup_intent
	// (the object the failed request touched), when Stripe included them.
	PaymentIntent *fastjson.Value
	SetupIntent   *fastjson.Value
}

// parseAPIError reads a Stripe error object (the "error" of an error
// response, or a last_payment_error / last_setup_error).
func parseAPIError(e *fastjson.Value, httpStatus int, requestID string, secrets []string) *apiError {
	return &apiError{
		HTTPStatus:         httpStatus,
		RequestID:          requestID,
		Type:               str(e, "type"),
		Code:               str(e, "code"),
		DeclineCode:        str(e, "decline_code"),
		Message:            mask.Redact(str(e, "message"), secrets...),
		Param:              str(e, "param"),
		AdviceCode:         str(e, "network_advice_code"),
		NetworkDeclineCode: str(e, "network_decline_code"),
		RequestLogURL:      str(e, "request_log_url"),
		PaymentIntent:      object(e, "payment_intent"),
		SetupIntent:        object(e, "setup_intent"),
	}
}

// isDecline reports whether the error is a payment failure (a card or
// payment method decline) rather than a request problem: Stripe answers
// those with 402 and type card_error.
func (e *apiError) isDecline() bool {
	return e.HTTPStatus == 402 || e.Type == "card_error"
}

// paymentError returns the three-layer unified error.
func (e *apiError) paymentError() *v1.PaymentError {
	pe := &v1.PaymentError{
		Code:    unifiedErrorCode(e.HTTPStatus, e.Type, e.Code, e.DeclineCode),
		Message: e.Message,
		Connector: &v1.ConnectorError{
			Code:       e.Code,
			Message:    e.Message,
			HttpStatus: int32(e.HTTPStatus),
			Type:       e.Type,
			RequestId:  e.RequestID,
		},
	}
	if pe.Message == "" {
		pe.Message = fallbackMessage(e)
	}
	if e.DeclineCode != "" || e.AdviceCode != "" || e.NetworkDeclineCode != "" || e.Type == "card_error" {
		pe.Issuer = &v1.IssuerError{
			DeclineCode:        e.DeclineCode,
			AdviceCode:         e.AdviceCode,
			NetworkDeclineCode: e.NetworkDeclineCode,
			Message:            e.Message,
		}
	}
	return pe
}

// fallbackMessage is the unified message for an error answer without a
// message: Stripe's code or type, else the HTTP status. Like every message
// the plugin writes, it does not name Stripe: the host prefixes errors with
// the connector's name.
func fallbackMessage(e *apiError) string {
	switch {
	case e.Code != "":
		return e.Code
	case e.Type != "":
		return e.Type
	default:
		return fmt.Sprintf("HTTP %d without an error message", e.HTTPStatus)
	}
}

// conflictCodes are 400 error codes that mean the object's state does not
// allow the operation, or an idempotency clash.
var conflictCodes = map[string]bool{
	"payment_intent_unexpected_state": true,
	"setup_intent_unexpected_state":   true,
	"charge_already_captured":         true,
	"charge_already_refunded":         true,
	"charge_disputed":                 true,
	"idempotency_key_in_use":          true,
}

// errorKind maps an HTTP status and error type to the pdk error kind.
func (e *apiError) errorKind() pluginv1.ErrorKind {
	switch {
	case e.Type == "idempotency_error" || conflictCodes[e.Code]:
		return pluginv1.ErrorKind_ERROR_KIND_CONFLICT
	case e.HTTPStatus == 401 || e.HTTPStatus == 403:
		return pluginv1.ErrorKind_ERROR_KIND_CREDENTIALS
	case e.HTTPStatus == 404:
		return pluginv1.ErrorKind_ERROR_KIND_NOT_FOUND
	case e.HTTPStatus == 409:
		return pluginv1.ErrorKind_ERROR_KIND_CONFLICT
	case e.HTTPStatus == 429:
		return pluginv1.ErrorKind_ERROR_KIND_RATE_LIMITED
	case e.HTTPStatus >= 500:
		return pluginv1.ErrorKind_ERROR_KIND_PROCESSOR_UNAVAILABLE
	case e.HTTPStatus >= 400:
		return pluginv1.ErrorKind_ERROR_KIND_PROCESSOR_REJECTED
	default:
		return pluginv1.ErrorKind_ERROR_KIND_INVALID_RESPONSE
	}
}

// pluginError returns the typed error for a Stripe error answer, with the
// three-layer detail attached.
func (e *apiError) pluginError() *pdk.Error {
	var b strings.Builder
	fmt.Fprintf(&b, "HTTP %d", e.HTTPStatus)
	for _, s := range []string{e.Type, e.Code, e.DeclineCode} {
		if s != "" {
			b.WriteString(" " + s)
		}
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	if e.Param != "" {
		b.WriteString(" (param " + e.Param + ")")
	}
	if e.RequestID != "" {
		b.WriteString(" [request " + e.RequestID + "]")
	}
	return &pdk.Error{Kind: e.errorKind(), Message: b.String(), Detail: e.paymentError()}
}

// declineCodes maps Stripe decline_code values to unified codes
// (https://docs.stripe.com/declines/codes).
var declineCodes = map[string]v1.ErrorCode{
	"insufficient_funds":               v1.ErrorCode_ERROR_CODE_INSUFFICIENT_FUNDS,
	"expired_card":                     v1.ErrorCode_ERROR_CODE_EXPIRED_CARD,
	"incorrect_cvc":                    v1.ErrorCode_ERROR_CODE_INCORRECT_CVC,
	"invalid_cvc":                      v1.ErrorCode_ERROR_CODE_INCORRECT_CVC,
	"incorrect_number":                 v1.ErrorCode_ERROR_CODE_INCORRECT_NUMBER,
	"invalid_number":                   v1.ErrorCode_ERROR_CODE_INCORRECT_NUMBER,
	"invalid_account":                  v1.ErrorCode_ERROR_CODE_INCORRECT_NUMBER,
	"lost_card":                        v1.ErrorCode_ERROR_CODE_LOST_OR_STOLEN_CARD,
	"stolen_card":                      v1.ErrorCode_ERROR_CODE_LOST_OR_STOLEN_CARD,
	"pickup_card":                      v1.ErrorCode_ERROR_CODE_LOST_OR_STOLEN_CARD,
	"restricted_card":                  v1.ErrorCode_ERROR_CODE_LOST_OR_STOLEN_CARD,
	"fraudulent":                       v1.ErrorCode_ERROR_CODE_FRAUD_SUSPECTED,
	"security_violation":               v1.ErrorCode_ERROR_CODE_FRAUD_SUSPECTED,
	"merchant_blacklist":               v1.ErrorCode_ERROR_CODE_RISK_BLOCKED,
	"do_not_honor":                     v1.ErrorCode_ERROR_CODE_DO_NOT_HONOR,
	"do_not_try_again":                 v1.ErrorCode_ERROR_CODE_DO_NOT_HONOR,
	"revocation_of_all_authorizations": v1.ErrorCode_ERROR_CODE_DO_NOT_HONOR,
	"revocation_of_authorization":      v1.ErrorCode_ERROR_CODE_DO_NOT_HONOR,
	"stop_payment_order":               v1.ErrorCode_ERROR_CODE_DO_NOT_HONOR,
	"card_velocity_exceeded":           v1.ErrorCode_ERROR_CODE_LIMIT_EXCEEDED,
	"withdrawal_count_limit_exceeded":  v1.ErrorCode_ERROR_CODE_LIMIT_EXCEEDED,
	"authentication_required":          v1.ErrorCode_ERROR_CODE_AUTHENTICATION_REQUIRED,
	"card_not_supported":               v1.ErrorCode_ERROR_CODE_CARD_NOT_SUPPORTED,
	"currency_not_supported":           v1.ErrorCode_ERROR_CODE_CURRENCY_NOT_SUPPORTED,
	"processing_error":                 v1.ErrorCode_ERROR_CODE_PROCESSING_ERROR,
	"issuer_not_available":             v1.ErrorCode_ERROR_CODE_PROCESSING_ERROR,
	"try_again_later":                  v1.ErrorCode_ERROR_CODE_PROCESSING_ERROR,
	"reenter_transaction":              v1.ErrorCode_ERROR_CODE_PROCESSING_ERROR,
	"generic_decline":                  v1.ErrorCode_ERROR_CODE_CARD_DECLINED,
	"call_issuer":                      v1.ErrorCode_ERROR_CODE_CARD_DECLINED,
	"no_action_taken":                  v1.ErrorCode_ERROR_CODE_CARD_DECLINED,
	"not_permitted":                    v1.ErrorCode_ERROR_CODE_CARD_DECLINED,
	"service_not_allowed":              v1.ErrorCode_ERROR_CODE_CARD_DECLINED,
	"transaction_not_allowed":          v1.ErrorCode_ERROR_CODE_CARD_DECLINED,
	"approve_with_id":                  v1.ErrorCode_ERROR_CODE_CARD_DECLINED,
	"incorrect_pin":                    v1.ErrorCode_ERROR_CODE_CARD_DECLINED,
	"invalid_amount":                   v1.ErrorCode_ERROR_CODE_CARD_DECLINED,
}

// errorCodes maps Stripe error code values to unified codes
// (https://docs.stripe.com/error-codes).
var errorCodes = map[string]v1.ErrorCode{
	"card_declined":                          v1.ErrorCode_ERROR_CODE_CARD_DECLINED,
	"expired_card":                           v1.ErrorCode_ERROR_CODE_EXPIRED_CARD,
	"incorrect_cvc":                          v1.ErrorCode_ERROR_CODE_INCORRECT_CVC,
	"invalid_cvc":                            v1.ErrorCode_ERROR_CODE_INCORRECT_CVC,
	"incorrect_number":                       v1.ErrorCode_ERROR_CODE_INCORRECT_NUMBER,
	"invalid_number":                         v1.ErrorCode_ERROR_CODE_INCORRECT_NUMBER,
	"incorrect_zip":                          v1.ErrorCode_ERROR_CODE_CARD_DECLINED,
	"invalid_expiry_month":                   v1.ErrorCode_ERROR_CODE_INVALID_REQUEST,
	"invalid_expiry_year":                    v1.ErrorCode_ERROR_CODE_INVALID_REQUEST,
	"processing_error":                       v1.ErrorCode_ERROR_CODE_PROCESSING_ERROR,
	"authentication_required":                v1.ErrorCode_ERROR_CODE_AUTHENTICATION_REQUIRED,
	"payment_intent_authentication_failure":  v1.ErrorCode_ERROR_CODE_AUTHENTICATION_FAILED,
	"setup_intent_authentication_failure":    v1.ErrorCode_ERROR_CODE_AUTHENTICATION_FAILED,
	"card_decline_rate_limit_exceeded":       v1.ErrorCode_ERROR_CODE_LIMIT_EXCEEDED,
	"amount_too_large":                       v1.ErrorCode_ERROR_CODE_AMOUNT_TOO_LARGE,
	"amount_too_small":                       v1.ErrorCode_ERROR_CODE_AMOUNT_TOO_SMALL,
	"balance_insufficient":                   v1.ErrorCode_ERROR_CODE_INSUFFICIENT_FUNDS,
	"payment_method_not_available":           v1.ErrorCode_ERROR_CODE_PAYMENT_METHOD_NOT_SUPPORTED,
	"payment_method_unactivated":             v1.ErrorCode_ERROR_CODE_PAYMENT_METHOD_NOT_SUPPORTED,
	"payment_method_unexpected_state":        v1.ErrorCode_ERROR_CODE_CONFLICT,
	"payment_method_currency_mismatch":       v1.ErrorCode_ERROR_CODE_CURRENCY_NOT_SUPPORTED,
	"payment_method_provider_decline":        v1.ErrorCode_ERROR_CODE_CARD_DECLINED,
	"payment_intent_payment_attempt_failed":  v1.ErrorCode_ERROR_CODE_CARD_DECLINED,
	"payment_intent_payment_attempt_expired": v1.ErrorCode_ERROR_CODE_AUTHENTICATION_FAILED,
	"payment_intent_unexpected_state":        v1.ErrorCode_ERROR_CODE_CONFLICT,
	"setup_intent_unexpected_state":          v1.ErrorCode_ERROR_CODE_CONFLICT,
	"charge_already_captured":                v1.ErrorCode_ERROR_CODE_CONFLICT,
	"charge_already_refunded":                v1.ErrorCode_ERROR_CODE_CONFLICT,
	"charge_disputed":                        v1.ErrorCode_ERROR_CODE_CONFLICT,
	"charge_expired_for_capture":             v1.ErrorCode_ERROR_CODE_CONFLICT,
	"idempotency_key_in_use":                 v1.ErrorCode_ERROR_CODE_CONFLICT,
	"resource_missing":                       v1.ErrorCode_ERROR_CODE_NOT_FOUND,
	"rate_limit":                             v1.ErrorCode_ERROR_CODE_RATE_LIMITED,
	"lock_timeout":                           v1.ErrorCode_ERROR_CODE_RATE_LIMITED,
	"api_key_expired":                        v1.ErrorCode_ERROR_CODE_INVALID_CREDENTIALS,
	"secret_key_required":                    v1.ErrorCode_ERROR_CODE_INVALID_CREDENTIALS,
	"testmode_charges_only":                  v1.ErrorCode_ERROR_CODE_PERMISSION_DENIED,
	"account_invalid":                        v1.ErrorCode_ERROR_CODE_PERMISSION_DENIED,
	"parameter_invalid_empty":                v1.ErrorCode_ERROR_CODE_INVALID_REQUEST,
	"parameter_invalid_integer":              v1.ErrorCode_ERROR_CODE_INVALID_REQUEST,
	"parameter_invalid_string_blank":         v1.ErrorCode_ERROR_CODE_INVALID_REQUEST,
	"parameter_invalid_string_empty":         v1.ErrorCode_ERROR_CODE_INVALID_REQUEST,
	"parameter_missing":                      v1.ErrorCode_ERROR_CODE_INVALID_REQUEST,
	"parameter_unknown":                      v1.ErrorCode_ERROR_CODE_INVALID_REQUEST,
	"parameters_exclusive":                   v1.ErrorCode_ERROR_CODE_INVALID_REQUEST,
	"url_invalid":                            v1.ErrorCode_ERROR_CODE_INVALID_REQUEST,
}

// errorTypes is the fallback by error type.
var errorTypes = map[string]v1.ErrorCode{
	"card_error":            v1.ErrorCode_ERROR_CODE_CARD_DECLINED,
	"invalid_request_error": v1.ErrorCode_ERROR_CODE_INVALID_REQUEST,
	"authentication_error":  v1.ErrorCode_ERROR_CODE_INVALID_CREDENTIALS,
	"rate_limit_error":      v1.ErrorCode_ERROR_CODE_RATE_LIMITED,
	"idempotency_error":     v1.ErrorCode_ERROR_CODE_CONFLICT,
	"api_error":             v1.ErrorCode_ERROR_CODE_PROCESSOR_UNAVAILABLE,
}

// unifiedErrorCode picks the unified code: the decline code is the most
// specific, then the error code, then statuses that say more than any type
// (401, 403, 404, 409, 429, 5xx), the error type, and the remaining statuses.
func unifiedErrorCode(httpStatus int, typ, code, decline string) v1.ErrorCode {
	if c, ok := declineCodes[decline]; ok {
		return c
	}
	if c, ok := errorCodes[code]; ok {
		return c
	}
	switch {
	case httpStatus == 401:
		return v1.ErrorCode_ERROR_CODE_INVALID_CREDENTIALS
	case httpStatus == 403:
		return v1.ErrorCode_ERROR_CODE_PERMISSION_DENIED
	case httpStatus == 404:
		return v1.ErrorCode_ERROR_CODE_NOT_FOUND
	case httpStatus == 409:
		return v1.ErrorCode_ERROR_CODE_CONFLICT
	case httpStatus == 429:
		return v1.ErrorCode_ERROR_CODE_RATE_LIMITED
	case httpStatus >= 500:
		return v1.ErrorCode_ERROR_CODE_PROCESSOR_UNAVAILABLE
	}
	if c, ok := errorTypes[typ]; ok {
		return c
	}
	switch {
	case httpStatus == 402:
		return v1.ErrorCode_ERROR_CODE_CARD_DECLINED
	case httpStatus >= 400:
		return v1.ErrorCode_ERROR_CODE_INVALID_REQUEST
	}
	return v1.ErrorCode_ERROR_CODE_PROCESSING_ERROR
}
