package adyen

import (
	"strings"

	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk/statusmap"
)

// captureMode is what the connector knows about a payment's capture.
type captureMode int

const (
	// captureUnknown: the request did not say (e.g. after a redirect without state).
	captureUnknown captureMode = iota
	captureAutomatic
	captureManual
)

// resultStatuses maps Checkout v71 resultCode to unified statuses. Authorised
// is resolved by paymentStatus (it depends on the capture mode). Unknown
// result codes, and AuthenticationFinished, AuthenticationNotRequired and
// Success (answers of flows this connector does not start), map to UNKNOWN:
// never to a success.
func resultStatuses() statusmap.Map[string, v1.PaymentStatus] {
	return statusmap.New(map[string]v1.PaymentStatus{
		"Authorised":          v1.PaymentStatus_PAYMENT_STATUS_CHARGED,
		"PartiallyAuthorised": v1.PaymentStatus_PAYMENT_STATUS_PARTIALLY_AUTHORIZED,
		"Refused":             v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZATION_FAILED,
		"Pending":             v1.PaymentStatus_PAYMENT_STATUS_PENDING,
		"Received":            v1.PaymentStatus_PAYMENT_STATUS_PENDING,
		"RedirectShopper":     v1.PaymentStatus_PAYMENT_STATUS_AUTHENTICATION_PENDING,
		"IdentifyShopper":     v1.PaymentStatus_PAYMENT_STATUS_AUTHENTICATION_PENDING,
		"ChallengeShopper":    v1.PaymentStatus_PAYMENT_STATUS_AUTHENTICATION_PENDING,
		"PresentToShopper":    v1.PaymentStatus_PAYMENT_STATUS_ACTION_REQUIRED,
		"Cancelled":           v1.PaymentStatus_PAYMENT_STATUS_VOIDED,
		"Error":               v1.PaymentStatus_PAYMENT_STATUS_FAILURE,
	}, v1.PaymentStatus_PAYMENT_STATUS_UNKNOWN)
}

// paymentStatus maps a resultCode: Authorised is AUTHORIZED for manual
// capture and CHARGED for automatic capture; when the capture mode is unknown
// it is AUTHORIZED (funds held, capture not confirmed).
func paymentStatus(resultCode string, mode captureMode) v1.PaymentStatus {
	if resultCode == "Authorised" && mode != captureAutomatic {
		return v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZED
	}
	return resultStatuses().Get(resultCode)
}

// refusal is one row of Adyen's refusal reasons table
// (https://docs.adyen.com/development-resources/refusal-reasons).
type refusal struct {
	code    string
	reason  string
	unified v1.ErrorCode
}

// refusals lists Adyen's refusalReasonCode / refusalReason values and the
// unified ErrorCode each maps to.
func refusals() []refusal {
	return []refusal{
		{"2", "Refused", v1.ErrorCode_ERROR_CODE_CARD_DECLINED},
		{"3", "Referral", v1.ErrorCode_ERROR_CODE_CARD_DECLINED},
		{"4", "Acquirer Error", v1.ErrorCode_ERROR_CODE_PROCESSING_ERROR},
		{"5", "Blocked Card", v1.ErrorCode_ERROR_CODE_CARD_DECLINED},
		{"6", "Expired Card", v1.ErrorCode_ERROR_CODE_EXPIRED_CARD},
		{"7", "Invalid Amount", v1.ErrorCode_ERROR_CODE_INVALID_REQUEST},
		{"8", "Invalid Card Number", v1.ErrorCode_ERROR_CODE_INCORRECT_NUMBER},
		{"9", "Issuer Unavailable", v1.ErrorCode_ERROR_CODE_PROCESSOR_UNAVAILABLE},
		{"10", "Not supported", v1.ErrorCode_ERROR_CODE_CARD_NOT_SUPPORTED},
		{"11", "3D Not Authenticated", v1.ErrorCode_ERROR_CODE_AUTHENTICATION_FAILED},
		{"12", "Not enough balance", v1.ErrorCode_ERROR_CODE_INSUFFICIENT_FUNDS},
		{"14", "Acquirer Fraud", v1.ErrorCode_ERROR_CODE_FRAUD_SUSPECTED},
		{"15", "Cancelled", v1.ErrorCode_ERROR_CODE_PROCESSING_ERROR},
		{"16", "Shopper Cancelled", v1.ErrorCode_ERROR_CODE_AUTHENTICATION_FAILED},
		{"17", "Invalid Pin", v1.ErrorCode_ERROR_CODE_CARD_DECLINED},
		{"18", "Pin tries exceeded", v1.ErrorCode_ERROR_CODE_LIMIT_EXCEEDED},
		{"19", "Pin validation not possible", v1.ErrorCode_ERROR_CODE_PROCESSING_ERROR},
		{"20", "FRAUD", v1.ErrorCode_ERROR_CODE_RISK_BLOCKED},
		{"21", "Not Submitted", v1.ErrorCode_ERROR_CODE_PROCESSING_ERROR},
		{"22", "FRAUD-CANCELLED", v1.ErrorCode_ERROR_CODE_RISK_BLOCKED},
		{"23", "Transaction Not Permitted", v1.ErrorCode_ERROR_CODE_CARD_NOT_SUPPORTED},
		{"24", "CVC Declined", v1.ErrorCode_ERROR_CODE_INCORRECT_CVC},
		{"25", "Restricted Card", v1.ErrorCode_ERROR_CODE_CARD_DECLINED},
		{"26", "Revocation Of Auth", v1.ErrorCode_ERROR_CODE_DO_NOT_HONOR},
		{"27", "Declined Non Generic", v1.ErrorCode_ERROR_CODE_DO_NOT_HONOR},
		{"28", "Withdrawal amount exceeded", v1.ErrorCode_ERROR_CODE_LIMIT_EXCEEDED},
		{"29", "Withdrawal count exceeded", v1.ErrorCode_ERROR_CODE_LIMIT_EXCEEDED},
		{"31", "Issuer Suspected Fraud", v1.ErrorCode_ERROR_CODE_FRAUD_SUSPECTED},
		{"32", "AVS Declined", v1.ErrorCode_ERROR_CODE_CARD_DECLINED},
		{"33", "Card requires online pin", v1.ErrorCode_ERROR_CODE_AUTHENTICATION_REQUIRED},
		{"34", "No checking account available on Card", v1.ErrorCode_ERROR_CODE_CARD_NOT_SUPPORTED},
		{"35", "No savings account available on Card", v1.ErrorCode_ERROR_CODE_CARD_NOT_SUPPORTED},
		{"36", "Mobile pin required", v1.ErrorCode_ERROR_CODE_AUTHENTICATION_REQUIRED},
		{"37", "Contactless fallback", v1.ErrorCode_ERROR_CODE_AUTHENTICATION_REQUIRED},
		{"38", "Authentication required", v1.ErrorCode_ERROR_CODE_AUTHENTICATION_REQUIRED},
		{"39", "RReq not received from DS", v1.ErrorCode_ERROR_CODE_AUTHENTICATION_FAILED},
		{"40", "Current AID is in Penalty Box", v1.ErrorCode_ERROR_CODE_PROCESSING_ERROR},
		{"41", "CVM Required Restart Payment", v1.ErrorCode_ERROR_CODE_AUTHENTICATION_REQUIRED},
		{"42", "3DS Authentication Error", v1.ErrorCode_ERROR_CODE_AUTHENTICATION_FAILED},
		{"43", "Online PIN required", v1.ErrorCode_ERROR_CODE_AUTHENTICATION_REQUIRED},
		{"44", "Try another interface", v1.ErrorCode_ERROR_CODE_CARD_DECLINED},
		{"45", "Chip downgrade mode", v1.ErrorCode_ERROR_CODE_PROCESSING_ERROR},
		{"46", "Transaction blocked by Adyen to prevent excessive retry fees", v1.ErrorCode_ERROR_CODE_RISK_BLOCKED},
	}
}

// refusalCode maps a refusalReasonCode (or, when the code is empty, the
// refusalReason text, as webhooks carry only the text) to a unified
// ErrorCode. Unknown refusals are CARD_DECLINED: a refusal is never anything
// but a decline.
func refusalCode(code, reason string) v1.ErrorCode {
	for _, r := range refusals() {
		if code != "" && r.code == code {
			return r.unified
		}
	}
	if code == "" && reason != "" {
		for _, r := range refusals() {
			if strings.EqualFold(r.reason, reason) {
				return r.unified
			}
		}
	}
	return v1.ErrorCode_ERROR_CODE_CARD_DECLINED
}
