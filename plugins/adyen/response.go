package adyen

import (
	"strings"

	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk"
	"github.com/connectorhost/connector-host/pdk/jsonr"
	"github.com/connectorhost/connector-host/pdk/statusmap"
	"github.com/connectorhost/connector-host/pdk/timestamp"
)

// stateCapture is the ConnectorState value remembering the capture mode ("manual" or
// "automatic") of a payment awaiting a redirect, so VerifyRedirectResponse can tell AUTHORIZED from CHARGED.
const stateCapture = "adyen_capture"

// parsePayment reads the answer of /payments or /payments/details as the
// Authorize response the other payment flows copy from. manual is the
// capture mode (nil when unknown: Authorised then reads AUTHORIZED, capture
// not confirmed); requested is the amount asked for (nil after a redirect
// when the caller does not restate it), against which an Authorised answer
// for less is PARTIALLY_AUTHORIZED.
func parsePayment(a *pdk.Answer, manual *bool, requested *v1.Money) (*authorizeOut, error) {
	ad := a.At("additionalData")
	r := &authorizeOut{ConnectorTransactionId: a.Str("pspReference"), MerchantTransactionId: a.Str("merchantReference"),
		NetworkTransactionId: ad.Str("networkTxReference"), CardChecks: cardChecks(ad)}
	// The mandate: tokenization.storedPaymentMethodId, or the deprecated recurringDetailReference.
	if id := pdk.First(ad.Str(`tokenization\.storedPaymentMethodId`), ad.Str(`recurring\.recurringDetailReference`)); id != "" {
		r.Mandate = &v1.MandateReference{ConnectorMandateId: id, NetworkTransactionId: r.NetworkTransactionId, Status: v1.MandateStatus_MANDATE_STATUS_ACTIVE,
			ConnectorCustomerId: pdk.First(ad.Str(`tokenization\.shopperReference`), ad.Str(`recurring\.shopperReference`))}
	}
	code := a.Str("resultCode")
	if code == "" {
		return nil, pdk.InvalidResponse("Adyen's payment answer has no resultCode")
	}
	r.Status = resultStatuses.Get(code)
	if code == "Authorised" && (manual == nil || *manual) {
		r.Status = v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZED
	}
	if r.Amount = amountAt(a, "amount"); a.Err() != nil {
		return nil, a.Err()
	}
	authorized := r.Status == v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZED || r.Status == v1.PaymentStatus_PAYMENT_STATUS_CHARGED
	switch {
	case r.Amount != nil && requested != nil && r.Amount.GetCurrency() != requested.GetCurrency():
		return nil, pdk.IntegrityMismatch("answer currency %s differs from the requested %s", r.Amount.GetCurrency(), requested.GetCurrency())
	case r.Amount == nil && authorized:
		r.Amount = requested
	case authorized && requested != nil && r.Amount.GetMinorAmount() < requested.GetMinorAmount():
		// amount is the "Authorised amount in the transaction" (Checkout v71
		// PaymentResponse and PaymentDetailsResponse): Authorised for less
		// than asked is a partial authorisation, as PartiallyAuthorised is.
		r.Status = v1.PaymentStatus_PAYMENT_STATUS_PARTIALLY_AUTHORIZED
	}
	var err error
	if a.Obj("action") != nil {
		if r.NextAction, err = nextAction(a.At("action")); err != nil {
			return nil, err
		}
	}
	reason, reasonCode := a.Str("refusalReason"), a.Str("refusalReasonCode")
	ce := &v1.ConnectorError{Code: reasonCode, Message: reason, HttpStatus: int32(a.HTTPStatus()), RequestId: r.ConnectorTransactionId}
	switch code {
	case "Refused":
		ce.Type = "Refused"
		r.Error = &v1.PaymentError{Code: refusalCode(reasonCode, reason), Message: pdk.First(reason, "Refused"), Connector: ce}
		if raw, advice := ad.Str("refusalReasonRaw"), ad.Str("merchantAdviceCode"); raw != "" || advice != "" {
			// refusalReasonRaw is "<network code> : <text>", e.g. "05 : Do not honor".
			netCode, text, found := strings.Cut(raw, ":")
			if !found {
				netCode, text = "", raw
			}
			r.Error.Issuer = &v1.IssuerError{DeclineCode: raw, AdviceCode: advice, NetworkDeclineCode: strings.TrimSpace(netCode), Message: strings.TrimSpace(text)}
		}
	case "Error":
		r.Error = &v1.PaymentError{Code: v1.ErrorCode_ERROR_CODE_PROCESSING_ERROR, Message: pdk.First(reason, "Adyen reported an error processing the payment"),
			Connector: ce}
	}
	// A payment that is not final yet remembers its capture mode for VerifyRedirectResponse.
	switch r.Status {
	case v1.PaymentStatus_PAYMENT_STATUS_AUTHENTICATION_PENDING, v1.PaymentStatus_PAYMENT_STATUS_ACTION_REQUIRED, v1.PaymentStatus_PAYMENT_STATUS_PENDING:
		mode := "automatic"
		if manual != nil && *manual {
			mode = "manual"
		}
		r.State = &v1.ConnectorState{Values: map[string]string{stateCapture: mode}}
	}
	return r, nil
}

// nextAction maps Adyen's action object:
//
//	redirect  -> Redirect (GET url, or POST url with the data fields as form fields)
//	voucher   -> DisplayData (reference, instructions, expiry)
//	threeDS2, await, sdk, qrCode, bank, ... -> sdk_data_json (the action as Adyen sent it)
func nextAction(a *pdk.Answer) (*v1.NextAction, error) {
	switch a.Str("type") {
	case "":
		return nil, pdk.InvalidResponse("Adyen's action has no type")
	case "redirect":
		if a.Str("url") == "" {
			return nil, pdk.InvalidResponse("Adyen's redirect action has no url")
		}
		return &v1.NextAction{Action: &v1.NextAction_Redirect{Redirect: &v1.Redirect{Url: a.Str("url"),
			Method: strings.ToUpper(pdk.First(a.Str("method"), "GET")), FormFields: jsonr.StringMap(a.V, "data")}}}, nil
	case "voucher":
		d := &v1.DisplayData{
			Reference:       pdk.First(a.Str("reference"), a.Str("alternativeReference")),
			InstructionsUrl: pdk.First(a.Str("instructionsUrl"), a.Str("downloadUrl")),
		}
		d.ExpiresAtUnix, _ = timestamp.ParseRFC3339(a.Str("expiresAt"))
		return &v1.NextAction{Action: &v1.NextAction_Display{Display: d}}, nil
	}
	return &v1.NextAction{Action: &v1.NextAction_SdkDataJson{SdkDataJson: string(a.V.MarshalTo(nil))}}, nil
}

// manualCapture reports whether a capture method asks for manual capture (unspecified is automatic).
func manualCapture(m v1.CaptureMethod) bool {
	return m == v1.CaptureMethod_CAPTURE_METHOD_MANUAL || m == v1.CaptureMethod_CAPTURE_METHOD_MANUAL_MULTIPLE
}

// captureFrom is the capture mode a request asked for, else the one remembered in states (nil when none says).
func captureFrom(m v1.CaptureMethod, states ...*v1.ConnectorState) *bool {
	manual := manualCapture(m)
	if m != v1.CaptureMethod_CAPTURE_METHOD_UNSPECIFIED {
		return &manual
	}
	for _, s := range states {
		if v := s.GetValues()[stateCapture]; v == "manual" || v == "automatic" {
			manual = v == "manual"
			return &manual
		}
	}
	return nil
}

// withShopper is a mandate whose shopper is, when the answer named none, ref.
func withShopper(m *v1.MandateReference, ref string) *v1.MandateReference {
	if m != nil {
		m.ConnectorCustomerId = pdk.First(m.ConnectorCustomerId, ref)
	}
	return m
}

// cardChecks reads, as Adyen wrote them, the card results additionalData
// carries when the merchant account enables them: avsResult ("4 AVS not
// supported for this card type"), cvcResult ("1 Matches"), eci,
// threeDSVersion and threeDAuthenticatedResponse (the ARes/RReq transStatus;
// else threeDAuthenticated "true"/"false"). Adyen has no separate street and
// postal checks. Nil when none is present.
func cardChecks(ad *pdk.Answer) *v1.CardChecks {
	cc := &v1.CardChecks{AvsResult: ad.Str("avsResult"), CvcCheck: ad.Str("cvcResult")}
	eci, version := ad.Str("eci"), ad.Str("threeDSVersion")
	status := pdk.First(ad.Str("threeDAuthenticatedResponse"), ad.Str("threeDAuthenticated"))
	if eci != "" || version != "" || status != "" {
		cc.ThreeDsResult = &v1.ThreeDsResult{Eci: eci, Version: version, AuthenticationStatus: status}
	}
	if cc.AvsResult == "" && cc.CvcCheck == "" && cc.ThreeDsResult == nil {
		return nil
	}
	return cc
}

// resultStatuses maps Checkout v71 resultCode to unified statuses; Authorised
// is CHARGED only for automatic capture (parsePayment). Unknown result codes,
// and AuthenticationFinished, AuthenticationNotRequired and Success (answers
// of flows this connector does not start), map to UNKNOWN: never to a
// success.
var resultStatuses = statusmap.Grouped(map[v1.PaymentStatus]string{
	v1.PaymentStatus_PAYMENT_STATUS_CHARGED:                "Authorised",
	v1.PaymentStatus_PAYMENT_STATUS_PARTIALLY_AUTHORIZED:   "PartiallyAuthorised",
	v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZATION_FAILED:   "Refused",
	v1.PaymentStatus_PAYMENT_STATUS_PENDING:                "Pending Received",
	v1.PaymentStatus_PAYMENT_STATUS_AUTHENTICATION_PENDING: "RedirectShopper IdentifyShopper ChallengeShopper",
	v1.PaymentStatus_PAYMENT_STATUS_ACTION_REQUIRED:        "PresentToShopper",
	v1.PaymentStatus_PAYMENT_STATUS_VOIDED:                 "Cancelled",
	v1.PaymentStatus_PAYMENT_STATUS_FAILURE:                "Error",
}, v1.PaymentStatus_PAYMENT_STATUS_UNKNOWN)

// refusals maps Adyen's refusal reasons
// (https://docs.adyen.com/development-resources/refusal-reasons), each
// listed as its refusalReasonCode and its refusalReason text, to a unified
// ErrorCode. An unknown refusal is CARD_DECLINED: a refusal is never
// anything but a decline.
var refusals = map[v1.ErrorCode][]string{
	v1.ErrorCode_ERROR_CODE_CARD_DECLINED: {"2", "Refused", "3", "Referral", "5", "Blocked Card", "17", "Invalid Pin",
		"25", "Restricted Card", "32", "AVS Declined", "44", "Try another interface"},
	v1.ErrorCode_ERROR_CODE_PROCESSING_ERROR: {"4", "Acquirer Error", "15", "Cancelled", "19", "Pin validation not possible",
		"21", "Not Submitted", "40", "Current AID is in Penalty Box", "45", "Chip downgrade mode"},
	v1.ErrorCode_ERROR_CODE_EXPIRED_CARD:          {"6", "Expired Card"},
	v1.ErrorCode_ERROR_CODE_INVALID_REQUEST:       {"7", "Invalid Amount"},
	v1.ErrorCode_ERROR_CODE_INCORRECT_NUMBER:      {"8", "Invalid Card Number"},
	v1.ErrorCode_ERROR_CODE_PROCESSOR_UNAVAILABLE: {"9", "Issuer Unavailable"},
	v1.ErrorCode_ERROR_CODE_CARD_NOT_SUPPORTED: {"10", "Not supported", "23", "Transaction Not Permitted",
		"34", "No checking account available on Card", "35", "No savings account available on Card"},
	v1.ErrorCode_ERROR_CODE_AUTHENTICATION_FAILED: {"11", "3D Not Authenticated", "16", "Shopper Cancelled",
		"39", "RReq not received from DS", "42", "3DS Authentication Error"},
	v1.ErrorCode_ERROR_CODE_INSUFFICIENT_FUNDS: {"12", "Not enough balance"},
	v1.ErrorCode_ERROR_CODE_FRAUD_SUSPECTED:    {"14", "Acquirer Fraud", "31", "Issuer Suspected Fraud"},
	v1.ErrorCode_ERROR_CODE_LIMIT_EXCEEDED:     {"18", "Pin tries exceeded", "28", "Withdrawal amount exceeded", "29", "Withdrawal count exceeded"},
	v1.ErrorCode_ERROR_CODE_RISK_BLOCKED: {"20", "FRAUD", "22", "FRAUD-CANCELLED",
		"46", "Transaction blocked by Adyen to prevent excessive retry fees"},
	v1.ErrorCode_ERROR_CODE_INCORRECT_CVC: {"24", "CVC Declined"},
	v1.ErrorCode_ERROR_CODE_DO_NOT_HONOR:  {"26", "Revocation Of Auth", "27", "Declined Non Generic"},
	v1.ErrorCode_ERROR_CODE_AUTHENTICATION_REQUIRED: {"33", "Card requires online pin", "36", "Mobile pin required",
		"37", "Contactless fallback", "38", "Authentication required", "41", "CVM Required Restart Payment", "43", "Online PIN required"},
}

// refusalCode maps a refusalReasonCode or, when the code is empty (webhooks
// carry only the text), the refusalReason text in any case.
func refusalCode(code, reason string) v1.ErrorCode {
	for unified, rows := range refusals {
		for i := 0; i+1 < len(rows); i += 2 {
			if code != "" && rows[i] == code || code == "" && reason != "" && strings.EqualFold(rows[i+1], reason) {
				return unified
			}
		}
	}
	return v1.ErrorCode_ERROR_CODE_CARD_DECLINED
}
