package stripe

import (
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk"
	"github.com/connectorhost/connector-host/pdk/statusmap"
)

// Status tables. Each has an explicit fallback for statuses Stripe may add
// later: *_UNKNOWN, which callers treat as pending (never as success).

// paymentIntentStatuses maps PaymentIntent.status to the base unified
// status; paymentStatus refines it with the rest of the object.
var paymentIntentStatuses = statusmap.Grouped(map[v1.PaymentStatus]string{
	v1.PaymentStatus_PAYMENT_STATUS_STARTED:                "requires_payment_method requires_confirmation",
	v1.PaymentStatus_PAYMENT_STATUS_AUTHENTICATION_PENDING: "requires_action",
	v1.PaymentStatus_PAYMENT_STATUS_PENDING:                "processing",
	v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZED:             "requires_capture",
	v1.PaymentStatus_PAYMENT_STATUS_VOIDED:                 "canceled",
	v1.PaymentStatus_PAYMENT_STATUS_CHARGED:                "succeeded",
}, v1.PaymentStatus_PAYMENT_STATUS_UNKNOWN)

// intent is the unified reading of a Stripe PaymentIntent, the object
// behind every payment flow: Get's answer (connector_reference_id is the
// latest charge, the id in Stripe's dashboard; merchant_transaction_id is
// metadata[merchant_transaction_id], which Authorize sets; refunded_amount
// and card_checks come from the expanded latest_charge), which the other
// payment flows answer from, and whether the authorization can be raised.
type intent struct {
	*v1.PaymentServiceGetResponse
	incrementable bool
}

// readIntent reads a PaymentIntent; problems are recorded on a.
func readIntent(a *pdk.Answer) *intent {
	a.Expect("object", "payment_intent")
	raw, customer := a.Str("status"), idOf(a, "customer")
	in := &intent{PaymentServiceGetResponse: &v1.PaymentServiceGetResponse{
		ConnectorTransactionId: a.Require("id"), State: pdk.CustomerState(customer), ConnectorReferenceId: idOf(a, "latest_charge"),
		MerchantTransactionId: a.Str("metadata.merchant_transaction_id"),
		Amount:                a.Money("amount", "currency"), CapturedAmount: a.Money("amount_received", "currency"),
	}}
	in.Status, in.NextAction = paymentStatus(a)
	if lpe := a.At("last_payment_error"); lpe.V != nil && (raw == "requires_payment_method" || raw == "canceled") {
		in.Error = paymentError(lpe)
	}
	if ch := a.At("latest_charge"); ch.V != nil {
		card := ch.At("payment_method_details.card")
		in.NetworkTransactionId = card.Str("network_transaction_id")
		in.incrementable = card.Str("incremental_authorization.status") == "available"
		in.CardChecks = cardChecks(card)
		in.RefundedAmount, _ = amounts.From(ch.Int("amount_refunded"), a.Str("currency"))
	}
	if pm := idOf(a, "payment_method"); pm != "" && a.Has("setup_future_usage") {
		in.Mandate = &v1.MandateReference{ConnectorMandateId: pm, ConnectorCustomerId: customer,
			NetworkTransactionId: in.NetworkTransactionId, Status: pdk.MandateStatusOf(in.Status)}
	}
	return in
}

// paymentStatus maps a PaymentIntent's status, refined by its amounts,
// last_payment_error and next_action:
//
//   - requires_payment_method: AUTHORIZATION_FAILED after a failed attempt
//     (AUTHENTICATION_FAILED when 3DS failed), else STARTED.
//   - requires_action: AUTHENTICATION_PENDING (3DS, redirects, SDK actions)
//     or ACTION_REQUIRED (vouchers, QR codes, microdeposits), with the action.
//   - requires_capture: AUTHORIZED; PARTIALLY_CAPTURED once part was
//     captured; PARTIALLY_AUTHORIZED when less than the amount is capturable.
//   - succeeded: CHARGED; PARTIALLY_CAPTURED for a manual capture of less
//     than the amount.
//   - any status this table does not know: UNKNOWN.
func paymentStatus(a *pdk.Answer) (v1.PaymentStatus, *v1.NextAction) {
	amount, received, capturable := a.Int("amount"), a.Int("amount_received"), a.Int("amount_capturable")
	switch a.Str("status") {
	case "requires_payment_method":
		if a.Obj("last_payment_error") != nil {
			if a.Str("last_payment_error.code") == "payment_intent_authentication_failure" {
				return v1.PaymentStatus_PAYMENT_STATUS_AUTHENTICATION_FAILED, nil
			}
			return v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZATION_FAILED, nil
		}
	case "requires_action":
		return nextAction(a.At("next_action"))
	case "requires_capture":
		switch {
		case received > 0:
			return v1.PaymentStatus_PAYMENT_STATUS_PARTIALLY_CAPTURED, nil
		case capturable > 0 && capturable < amount:
			return v1.PaymentStatus_PAYMENT_STATUS_PARTIALLY_AUTHORIZED, nil
		}
	case "succeeded":
		if a.Str("capture_method") == "manual" && received < amount {
			return v1.PaymentStatus_PAYMENT_STATUS_PARTIALLY_CAPTURED, nil
		}
	}
	return pdk.Status(a, "status", paymentIntentStatuses), nil
}

// displays are the next_action types that show the shopper how to pay (a
// voucher, a QR code, transfer instructions): where each keeps its
// reference, instructions URL, QR image and expiry.
var displays = map[string]struct{ ref, url, qr, expires string }{
	"oxxo_display_details":               {"number", "hosted_voucher_url", "", "expires_after"},
	"boleto_display_details":             {"number", "hosted_voucher_url", "", "expires_at"},
	"konbini_display_details":            {"", "hosted_voucher_url", "", "expires_at"},
	"multibanco_display_details":         {"reference", "hosted_voucher_url", "", "expires_at"},
	"pix_display_qr_code":                {"", "hosted_instructions_url", "image_url_png", "expires_at"},
	"display_bank_transfer_instructions": {"reference", "hosted_instructions_url", "", ""},
}

// nextAction maps a PaymentIntent's (or SetupIntent's) next_action to the
// unified action and the status it implies. Actions the shopper completes
// by authenticating (redirects, 3DS in Stripe.js, BLIK in the bank app) are
// AUTHENTICATION_PENDING; vouchers, QR codes, transfer instructions and
// microdeposit verification are ACTION_REQUIRED. Unknown actions are passed
// to the caller as sdk_data_json.
func nextAction(na *pdk.Answer) (v1.PaymentStatus, *v1.NextAction) {
	pending, action := v1.PaymentStatus_PAYMENT_STATUS_AUTHENTICATION_PENDING, v1.PaymentStatus_PAYMENT_STATUS_ACTION_REQUIRED
	if na.V == nil {
		return pending, nil
	}
	redirect := func(url string) *v1.NextAction {
		return &v1.NextAction{Action: &v1.NextAction_Redirect{Redirect: &v1.Redirect{Url: url, Method: "GET"}}}
	}
	typ := na.Str("type")
	if d, ok := displays[typ]; ok {
		at := na.At(typ)
		return action, &v1.NextAction{Action: &v1.NextAction_Display{Display: &v1.DisplayData{
			Reference: at.Str(d.ref), InstructionsUrl: at.Str(d.url), QrCodeUrl: at.Str(d.qr), ExpiresAtUnix: at.Int(d.expires)}}}
	}
	switch url := na.Str(typ + ".hosted_verification_url"); {
	case typ == "redirect_to_url" && na.Str("redirect_to_url.url") != "":
		return pending, redirect(na.Str("redirect_to_url.url"))
	case typ == "verify_with_microdeposits" && url != "":
		return action, redirect(url)
	}
	return pending, &v1.NextAction{Action: &v1.NextAction_SdkDataJson{SdkDataJson: na.V.String()}}
}

// cardChecks reads a charge's payment_method_details.card: checks
// (address_line1_check, address_postal_code_check, cvc_check: pass, fail,
// unavailable or unchecked) and three_d_secure (electronic_commerce_indicator,
// version, result), as Stripe wrote them. Stripe reports no combined AVS
// code, so avs_result stays empty. Nil when the charge reports none.
func cardChecks(card *pdk.Answer) *v1.CardChecks {
	cc := &v1.CardChecks{
		AddressLine1Check: card.Str("checks.address_line1_check"),
		PostalCodeCheck:   card.Str("checks.address_postal_code_check"),
		CvcCheck:          card.Str("checks.cvc_check"),
	}
	if tds := card.At("three_d_secure"); tds.V != nil {
		cc.ThreeDsResult = &v1.ThreeDsResult{Eci: tds.Str("electronic_commerce_indicator"), Version: tds.Str("version"),
			AuthenticationStatus: tds.Str("result")}
	}
	if cc.AddressLine1Check == "" && cc.PostalCodeCheck == "" && cc.CvcCheck == "" && cc.ThreeDsResult == nil {
		return nil
	}
	return cc
}

// declinedIntent is the failed payment a decline (402) describes: Stripe
// names the PaymentIntent it created in error.payment_intent.
func declinedIntent(e *pdk.Error, a *pdk.Answer, want *v1.Money) *intent {
	in := &intent{PaymentServiceGetResponse: &v1.PaymentServiceGetResponse{Status: v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZATION_FAILED,
		Error: e.Detail, Amount: want}}
	if e.Detail.GetCode() == v1.ErrorCode_ERROR_CODE_AUTHENTICATION_FAILED {
		in.Status = v1.PaymentStatus_PAYMENT_STATUS_AUTHENTICATION_FAILED
	}
	if pi := a.At("error.payment_intent"); pi.V != nil {
		in.ConnectorTransactionId, in.ConnectorReferenceId = pi.Str("id"), idOf(pi, "latest_charge")
		in.State, in.MerchantTransactionId = pdk.CustomerState(idOf(pi, "customer")), pi.Str("metadata.merchant_transaction_id")
		if m, err := amounts.From(pi.Int("amount"), pi.Str("currency")); err == nil {
			in.Amount = m
		}
	}
	return in
}
