package stripe

import (
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk"
	"github.com/connectorhost/connector-host/pdk/statusmap"
)

// paymentIntentStatuses maps PaymentIntent.status to the base unified
// status; paymentStatus refines it. Every status table falls back to
// *_UNKNOWN for statuses Stripe may add: pending, never success.
var paymentIntentStatuses = statusmap.Grouped(map[v1.PaymentStatus]string{
	v1.PaymentStatus_PAYMENT_STATUS_STARTED:                "requires_payment_method requires_confirmation",
	v1.PaymentStatus_PAYMENT_STATUS_AUTHENTICATION_PENDING: "requires_action",
	v1.PaymentStatus_PAYMENT_STATUS_PENDING:                "processing",
	v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZED:             "requires_capture",
	v1.PaymentStatus_PAYMENT_STATUS_VOIDED:                 "canceled",
	v1.PaymentStatus_PAYMENT_STATUS_CHARGED:                "succeeded",
}, v1.PaymentStatus_PAYMENT_STATUS_UNKNOWN)

// intent is a PaymentIntent read as Get's answer, which the other payment
// flows answer from, whether the authorization can be raised, and the
// amount the issuer authorized when less than requested (Stripe keeps amount
// as requested; a partial authorization's approved amount is
// amount_capturable).
// connector_reference_id is the latest charge (the id in Stripe's
// dashboard); merchant_transaction_id is the metadata Authorize sets;
// refunded_amount and card_checks come from the expanded latest_charge.
type intent struct {
	*v1.PaymentServiceGetResponse
	incrementable bool
	authorized    *v1.Money
}

// stateMulticapture is the ConnectorState value a payment's answers carry
// when Stripe made several captures available (an Authorize with capture
// method MANUAL_MULTIPLE, card multicapture.status "available"). Capture,
// given that state back, sends final_capture=false unless the request's
// final_capture is set, so a partial capture keeps the rest of the hold for
// the next one; Stripe refuses final_capture on any other payment, and
// releases the rest at the first capture without it
// (https://docs.stripe.com/payments/multicapture).
const stateMulticapture = "stripe_multicapture"

// withValue is s (a new state when nil) with values[k] = v.
func withValue(s *v1.ConnectorState, k, v string) *v1.ConnectorState {
	if s == nil {
		s = &v1.ConnectorState{}
	}
	if s.Values == nil {
		s.Values = map[string]string{}
	}
	s.Values[k] = v
	return s
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
	if in.Status == v1.PaymentStatus_PAYMENT_STATUS_PARTIALLY_AUTHORIZED {
		in.authorized = a.Money("amount_capturable", "currency")
	}
	if lpe := a.At("last_payment_error"); lpe.V != nil && (raw == "requires_payment_method" || raw == "canceled") {
		in.Error = paymentError(lpe)
	}
	if ch := a.At("latest_charge"); ch.V != nil {
		card := ch.At("payment_method_details.card")
		in.NetworkTransactionId = card.Str("network_transaction_id")
		in.incrementable = card.Str("incremental_authorization.status") == "available"
		if card.Str("multicapture.status") == "available" {
			in.State = withValue(in.State, stateMulticapture, "available")
		}
		in.CardChecks = cardChecks(card)
		in.RefundedAmount, _ = amounts.From(ch.Int("amount_refunded"), a.Str("currency"))
	}
	if pm := idOf(a, "payment_method"); pm != "" && a.Has("setup_future_usage") {
		in.Mandate = &v1.MandateReference{ConnectorMandateId: pm, ConnectorCustomerId: customer,
			NetworkTransactionId: in.NetworkTransactionId, Status: pdk.MandateStatusOf(in.Status)}
	}
	return in
}

// paymentStatus maps a PaymentIntent's status, refined: a failed attempt
// of requires_payment_method is AUTHORIZATION_FAILED (AUTHENTICATION_FAILED
// when 3DS failed); requires_action is nextAction's; requires_capture is
// PARTIALLY_CAPTURED once part was captured, PARTIALLY_AUTHORIZED when less
// than the amount is capturable; succeeded is PARTIALLY_CAPTURED for a
// manual capture of less than the amount.
func paymentStatus(a *pdk.Answer) (v1.PaymentStatus, *v1.NextAction) {
	amount, received, capturable := a.Int("amount"), a.Int("amount_received"), a.Int("amount_capturable")
	switch raw := a.Str("status"); {
	case raw == "requires_payment_method" && a.Obj("last_payment_error") != nil:
		if a.Str("last_payment_error.code") == "payment_intent_authentication_failure" {
			return v1.PaymentStatus_PAYMENT_STATUS_AUTHENTICATION_FAILED, nil
		}
		return v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZATION_FAILED, nil
	case raw == "requires_action":
		return nextAction(a.At("next_action"))
	case raw == "requires_capture" && received > 0, raw == "succeeded" && a.Str("capture_method") == "manual" && received < amount:
		return v1.PaymentStatus_PAYMENT_STATUS_PARTIALLY_CAPTURED, nil
	case raw == "requires_capture" && capturable > 0 && capturable < amount:
		return v1.PaymentStatus_PAYMENT_STATUS_PARTIALLY_AUTHORIZED, nil
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

// nextAction maps a PaymentIntent's (or SetupIntent's) next_action and the
// status it implies: AUTHENTICATION_PENDING for what the shopper completes
// by authenticating (redirects, 3DS in Stripe.js, BLIK in the bank app),
// ACTION_REQUIRED for displays and microdeposits. Unknown actions are
// passed on as sdk_data_json.
func nextAction(na *pdk.Answer) (v1.PaymentStatus, *v1.NextAction) {
	pending, action := v1.PaymentStatus_PAYMENT_STATUS_AUTHENTICATION_PENDING, v1.PaymentStatus_PAYMENT_STATUS_ACTION_REQUIRED
	if na.V == nil {
		return pending, nil
	}
	typ := na.Str("type")
	if d, ok := displays[typ]; ok {
		at := na.At(typ)
		return action, &v1.NextAction{Action: &v1.NextAction_Display{Display: &v1.DisplayData{
			Reference: at.Str(d.ref), InstructionsUrl: at.Str(d.url), QrCodeUrl: at.Str(d.qr), ExpiresAtUnix: at.Int(d.expires)}}}
	}
	switch url := na.Str(typ + ".hosted_verification_url"); {
	case typ == "redirect_to_url" && na.Str("redirect_to_url.url") != "":
		return pending, pdk.RedirectAction(na.Str("redirect_to_url.url"))
	case typ == "verify_with_microdeposits" && url != "":
		return action, pdk.RedirectAction(url)
	}
	return pending, &v1.NextAction{Action: &v1.NextAction_SdkDataJson{SdkDataJson: na.V.String()}}
}

// cardChecks reads a charge's payment_method_details.card checks and
// three_d_secure as Stripe wrote them (pass, fail, unavailable...); Stripe
// has no combined AVS code, so avs_result stays empty. Nil when none.
func cardChecks(card *pdk.Answer) *v1.CardChecks {
	cc := &v1.CardChecks{AddressLine1Check: card.Str("checks.address_line1_check"),
		PostalCodeCheck: card.Str("checks.address_postal_code_check"), CvcCheck: card.Str("checks.cvc_check")}
	if tds := card.At("three_d_secure"); tds.V != nil {
		cc.ThreeDsResult = &v1.ThreeDsResult{Eci: tds.Str("electronic_commerce_indicator"), Version: tds.Str("version"),
			AuthenticationStatus: tds.Str("result")}
	}
	if cc.AddressLine1Check == "" && cc.PostalCodeCheck == "" && cc.CvcCheck == "" && cc.ThreeDsResult == nil {
		return nil
	}
	return cc
}

// fromIntent answers a flow from the PaymentIntent of its answer.
func fromIntent[R any](project func(*intent) R) func(*pdk.Answer) R {
	return func(a *pdk.Answer) R { return project(readIntent(a)) }
}

// declined answers a decline from the failed payment it describes; want
// reads the amount asked for (nil: none).
func declined[Req, R any](want func(Req) *v1.Money, project func(*intent) R) func(*pdk.Context, Req, *pdk.Error, *pdk.Answer) (R, error) {
	return func(_ *pdk.Context, req Req, e *pdk.Error, a *pdk.Answer) (R, error) {
		var amount *v1.Money
		if want != nil {
			amount = want(req)
		}
		return project(declinedIntent(e, a, amount)), nil
	}
}

// authorizedAmount is what the issuer authorized: the amount, or less for a
// partial authorization.
func (in *intent) authorizedAmount() *v1.Money {
	if in.authorized != nil {
		return in.authorized
	}
	return in.Amount
}

func (in *intent) authorize() *v1.PaymentServiceAuthorizeResponse {
	return &v1.PaymentServiceAuthorizeResponse{
		ConnectorTransactionId: in.ConnectorTransactionId, Status: in.Status, Amount: in.authorizedAmount(), NextAction: in.NextAction, Error: in.Error,
		Mandate: in.Mandate, State: in.State, NetworkTransactionId: in.NetworkTransactionId, ConnectorReferenceId: in.ConnectorReferenceId,
		IncrementalAuthorizationAllowed: in.incrementable, CapturedAmount: in.CapturedAmount, CardChecks: in.CardChecks,
	}
}

func (in *intent) increment() *v1.PaymentServiceIncrementalAuthorizationResponse {
	return &v1.PaymentServiceIncrementalAuthorizationResponse{ConnectorTransactionId: in.ConnectorTransactionId, Status: in.Status,
		Amount: in.Amount, Error: in.Error, State: in.State}
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
