package stripe

import (
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk"
	"github.com/valyala/fastjson"
)

// intent is the unified reading of a Stripe PaymentIntent.
type intent struct {
	ID         string
	RawStatus  string
	Status     v1.PaymentStatus
	Amount     *v1.Money
	Received   *v1.Money
	Refunded   *v1.Money // set when latest_charge was expanded
	NextAction *v1.NextAction
	Error      *v1.PaymentError
	Mandate    *v1.MandateReference
	CustomerID string
	// ChargeID is the latest charge (the id in Stripe's dashboard).
	ChargeID           string
	NetworkTxnID       string
	IncrementalAllowed bool
	// CardChecks are the latest charge's AVS, CVC and 3-D Secure results.
	CardChecks *v1.CardChecks
	// MerchantTxnID is metadata[merchant_transaction_id], set by Authorize.
	MerchantTxnID string
}

// parseIntent reads a PaymentIntent object. httpStatus and requestID fill
// the connector layer of a last_payment_error.
func parseIntent(v *fastjson.Value, httpStatus int, requestID string, secrets []string) (*intent, error) {
	if obj := str(v, "object"); obj != "" && obj != "payment_intent" {
		return nil, pdk.InvalidResponse("answered with a %q object where a payment_intent was expected", obj)
	}
	id, err := requireID(v, "payment_intent")
	if err != nil {
		return nil, err
	}
	cur := str(v, "currency")
	amount, err := fromStripeAmount(num(v, "amount"), cur)
	if err != nil {
		return nil, err
	}
	received, err := fromStripeAmount(num(v, "amount_received"), cur)
	if err != nil {
		return nil, err
	}
	in := &intent{
		ID:            id,
		RawStatus:     str(v, "status"),
		Amount:        amount,
		Received:      received,
		CustomerID:    idOf(v, "customer"),
		ChargeID:      idOf(v, "latest_charge"),
		MerchantTxnID: metadataValue(v, "merchant_transaction_id"),
	}
	in.Status, in.NextAction = paymentStatus(v)
	if lpe := object(v, "last_payment_error"); lpe != nil &&
		(in.RawStatus == "requires_payment_method" || in.RawStatus == "canceled") {
		in.Error = parseAPIError(lpe, httpStatus, requestID, secrets).paymentError()
	}
	if ch := object(v, "latest_charge"); ch != nil {
		card := object(ch, "payment_method_details", "card")
		in.NetworkTxnID = str(card, "network_transaction_id")
		in.IncrementalAllowed = str(card, "incremental_authorization", "status") == "available"
		in.CardChecks = cardChecks(card)
		if refunded, err := fromStripeAmount(num(ch, "amount_refunded"), cur); err == nil {
			in.Refunded = refunded
		}
	}
	if pm := idOf(v, "payment_method"); pm != "" && present(v, "setup_future_usage") {
		in.Mandate = &v1.MandateReference{
			ConnectorMandateId:   pm,
			ConnectorCustomerId:  in.CustomerID,
			NetworkTransactionId: in.NetworkTxnID,
			Status:               mandateFromPayment(in.Status),
		}
	}
	return in, nil
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
func paymentStatus(v *fastjson.Value) (v1.PaymentStatus, *v1.NextAction) {
	raw := str(v, "status")
	status := paymentIntentStatuses.Get(raw)
	amount, received, capturable := num(v, "amount"), num(v, "amount_received"), num(v, "amount_capturable")
	switch raw {
	case "requires_payment_method":
		if lpe := object(v, "last_payment_error"); lpe != nil {
			if str(lpe, "code") == "payment_intent_authentication_failure" {
				return v1.PaymentStatus_PAYMENT_STATUS_AUTHENTICATION_FAILED, nil
			}
			return v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZATION_FAILED, nil
		}
	case "requires_action":
		return nextAction(object(v, "next_action"))
	case "requires_capture":
		switch {
		case received > 0:
			return v1.PaymentStatus_PAYMENT_STATUS_PARTIALLY_CAPTURED, nil
		case capturable > 0 && capturable < amount:
			return v1.PaymentStatus_PAYMENT_STATUS_PARTIALLY_AUTHORIZED, nil
		}
	case "succeeded":
		if str(v, "capture_method") == "manual" && received < amount {
			return v1.PaymentStatus_PAYMENT_STATUS_PARTIALLY_CAPTURED, nil
		}
	}
	return status, nil
}

// nextAction maps a PaymentIntent's (or SetupIntent's) next_action to the
// unified action and the status it implies. Actions the shopper completes
// by authenticating (redirects, 3DS in Stripe.js, BLIK in the bank app) are
// AUTHENTICATION_PENDING; vouchers, QR codes, transfer instructions and
// microdeposit verification are ACTION_REQUIRED. Unknown actions are passed
// to the caller as sdk_data_json.
func nextAction(na *fastjson.Value) (v1.PaymentStatus, *v1.NextAction) {
	pending := v1.PaymentStatus_PAYMENT_STATUS_AUTHENTICATION_PENDING
	action := v1.PaymentStatus_PAYMENT_STATUS_ACTION_REQUIRED
	if na == nil {
		return pending, nil
	}
	redirect := func(url string) *v1.NextAction {
		return &v1.NextAction{Action: &v1.NextAction_Redirect{Redirect: &v1.Redirect{Url: url, Method: "GET"}}}
	}
	display := func(d *v1.DisplayData) *v1.NextAction {
		return &v1.NextAction{Action: &v1.NextAction_Display{Display: d}}
	}
	switch typ := str(na, "type"); typ {
	case "redirect_to_url":
		if url := str(na, "redirect_to_url", "url"); url != "" {
			return pending, redirect(url)
		}
	case "verify_with_microdeposits":
		if url := str(na, typ, "hosted_verification_url"); url != "" {
			return action, redirect(url)
		}
	case "oxxo_display_details":
		d := object(na, typ)
		return action, display(&v1.DisplayData{Reference: str(d, "number"), InstructionsUrl: str(d, "hosted_voucher_url"), ExpiresAtUnix: num(d, "expires_after")})
	case "boleto_display_details":
		d := object(na, typ)
		return action, display(&v1.DisplayData{Reference: str(d, "number"), InstructionsUrl: str(d, "hosted_voucher_url"), ExpiresAtUnix: num(d, "expires_at")})
	case "konbini_display_details":
		d := object(na, typ)
		return action, display(&v1.DisplayData{InstructionsUrl: str(d, "hosted_voucher_url"), ExpiresAtUnix: num(d, "expires_at")})
	case "multibanco_display_details":
		d := object(na, typ)
		return action, display(&v1.DisplayData{Reference: str(d, "reference"), InstructionsUrl: str(d, "hosted_voucher_url"), ExpiresAtUnix: num(d, "expires_at")})
	case "pix_display_qr_code":
		d := object(na, typ)
		return action, display(&v1.DisplayData{QrCodeUrl: str(d, "image_url_png"), InstructionsUrl: str(d, "hosted_instructions_url"), ExpiresAtUnix: num(d, "expires_at")})
	case "display_bank_transfer_instructions":
		d := object(na, typ)
		return action, display(&v1.DisplayData{Reference: str(d, "reference"), InstructionsUrl: str(d, "hosted_instructions_url")})
	}
	return pending, &v1.NextAction{Action: &v1.NextAction_SdkDataJson{SdkDataJson: na.String()}}
}

// cardChecks reads a charge's payment_method_details.card: checks
// (address_line1_check, address_postal_code_check, cvc_check: pass, fail,
// unavailable or unchecked) and three_d_secure (electronic_commerce_indicator,
// version, result), as Stripe wrote them. Stripe reports no combined AVS
// code, so avs_result stays empty. Nil when the charge reports none.
func cardChecks(card *fastjson.Value) *v1.CardChecks {
	if card == nil {
		return nil
	}
	cc := &v1.CardChecks{
		AddressLine1Check: str(card, "checks", "address_line1_check"),
		PostalCodeCheck:   str(card, "checks", "address_postal_code_check"),
		CvcCheck:          str(card, "checks", "cvc_check"),
	}
	if tds := object(card, "three_d_secure"); tds != nil {
		cc.ThreeDsResult = &v1.ThreeDsResult{
			Eci:                  str(tds, "electronic_commerce_indicator"),
			Version:              str(tds, "version"),
			AuthenticationStatus: str(tds, "result"),
		}
	}
	if cc.AddressLine1Check == "" && cc.PostalCodeCheck == "" && cc.CvcCheck == "" && cc.ThreeDsResult == nil {
		return nil
	}
	return cc
}
