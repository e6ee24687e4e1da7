package adyen

import (
	"strings"
	"time"

	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk"
	"github.com/valyala/fastjson"
)

// stateCapture is the ConnectorState value that remembers the capture mode
// of a payment waiting for a redirect or 3DS, so VerifyRedirectResponse can
// tell AUTHORIZED from CHARGED.
const stateCapture = "adyen_capture"

// paymentResult is a parsed PaymentResponse or PaymentDetailsResponse.
type paymentResult struct {
	psp          string
	merchantRef  string
	resultCode   string
	status       v1.PaymentStatus
	amount       *v1.Money
	next         *v1.NextAction
	err          *v1.PaymentError
	networkTxID  string
	token        string
	tokenShopper string
	checks       *v1.CardChecks
}

// parsePayment reads the answer of /payments or /payments/details.
// requested is the amount asked for (nil after a redirect).
func parsePayment(res *pdk.Response, mode captureMode, requested *v1.Money) (*paymentResult, error) {
	if err := httpError(res); err != nil {
		return nil, err
	}
	v, err := parseObject(res)
	if err != nil {
		return nil, err
	}
	r := &paymentResult{
		psp:         str(v, "pspReference"),
		merchantRef: str(v, "merchantReference"),
		resultCode:  str(v, "resultCode"),
		networkTxID: str(v, "additionalData", "networkTxReference"),
		token: firstNonEmpty(str(v, "additionalData", "tokenization.storedPaymentMethodId"),
			str(v, "additionalData", "recurring.recurringDetailReference")),
		tokenShopper: firstNonEmpty(str(v, "additionalData", "tokenization.shopperReference"),
			str(v, "additionalData", "recurring.shopperReference")),
		checks: cardChecks(v),
	}
	if r.resultCode == "" {
		return nil, pdk.InvalidResponse("Adyen's payment answer has no resultCode")
	}
	r.status = paymentStatus(r.resultCode, mode)

	value, cur, ok, err := amountAt(v, "amount")
	if err != nil {
		return nil, err
	}
	switch {
	case ok:
		if requested != nil && cur != requested.GetCurrency() {
			return nil, integrityError("answer currency %s differs from the requested %s", cur, requested.GetCurrency())
		}
		if r.amount, err = fromAdyen(value, cur); err != nil {
			return nil, pdk.InvalidResponse("amount: %v", err)
		}
	case requested != nil && authorizedLike(r.status):
		r.amount = requested
	}

	if a := v.Get("action"); a != nil && a.Type() == fastjson.TypeObject {
		if r.next, err = nextAction(a); err != nil {
			return nil, err
		}
	}
	switch r.resultCode {
	case "Refused":
		r.err = refusalError(v, res.Status)
	case "Error":
		msg := firstNonEmpty(str(v, "refusalReason"), "Adyen reported an error processing the payment")
		r.err = &v1.PaymentError{
			Code:    v1.ErrorCode_ERROR_CODE_PROCESSING_ERROR,
			Message: msg,
			Connector: &v1.ConnectorError{
				Code: str(v, "refusalReasonCode"), Message: str(v, "refusalReason"),
				HttpStatus: int32(res.Status), RequestId: r.psp,
			},
		}
	}
	return r, nil
}

func authorizedLike(s v1.PaymentStatus) bool {
	return s == v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZED || s == v1.PaymentStatus_PAYMENT_STATUS_CHARGED
}

// refusalError is the three-layer error of a Refused payment.
func refusalError(v *fastjson.Value, httpStatus int) *v1.PaymentError {
	code := str(v, "refusalReasonCode")
	reason := str(v, "refusalReason")
	raw := str(v, "additionalData", "refusalReasonRaw")
	e := &v1.PaymentError{
		Code:    refusalCode(code, reason),
		Message: firstNonEmpty(reason, "Refused"),
		Connector: &v1.ConnectorError{
			Code: code, Message: reason, HttpStatus: int32(httpStatus),
			Type: "Refused", RequestId: str(v, "pspReference"),
		},
	}
	advice := str(v, "additionalData", "merchantAdviceCode")
	if raw != "" || advice != "" {
		// refusalReasonRaw is "<network code> : <text>", e.g. "05 : Do not honor".
		netCode, text, found := strings.Cut(raw, ":")
		if !found {
			netCode, text = "", raw
		}
		e.Issuer = &v1.IssuerError{
			DeclineCode:        raw,
			AdviceCode:         advice,
			NetworkDeclineCode: strings.TrimSpace(netCode),
			Message:            strings.TrimSpace(text),
		}
	}
	return e
}

// nextAction maps Adyen's action object:
//
//	redirect  -> Redirect (GET url, or POST url with the data fields as form fields)
//	voucher   -> DisplayData (reference, instructions, expiry)
//	threeDS2, await, sdk, qrCode, bank, ... -> sdk_data_json (the action as Adyen sent it)
func nextAction(a *fastjson.Value) (*v1.NextAction, error) {
	switch str(a, "type") {
	case "":
		return nil, pdk.InvalidResponse("Adyen's action has no type")
	case "redirect":
		u := str(a, "url")
		if u == "" {
			return nil, pdk.InvalidResponse("Adyen's redirect action has no url")
		}
		method := strings.ToUpper(firstNonEmpty(str(a, "method"), "GET"))
		rd := &v1.Redirect{Url: u, Method: method}
		if names, values := stringMembers(a, "data"); len(names) > 0 {
			rd.FormFields = make(map[string]string, len(names))
			for i, n := range names {
				rd.FormFields[n] = values[i]
			}
		}
		return &v1.NextAction{Action: &v1.NextAction_Redirect{Redirect: rd}}, nil
	case "voucher":
		d := &v1.DisplayData{
			Reference:       firstNonEmpty(str(a, "reference"), str(a, "alternativeReference")),
			InstructionsUrl: firstNonEmpty(str(a, "instructionsUrl"), str(a, "downloadUrl")),
		}
		if t, err := time.Parse(time.RFC3339, str(a, "expiresAt")); err == nil {
			d.ExpiresAtUnix = t.Unix()
		}
		return &v1.NextAction{Action: &v1.NextAction_Display{Display: d}}, nil
	default:
		return &v1.NextAction{Action: &v1.NextAction_SdkDataJson{SdkDataJson: string(a.MarshalTo(nil))}}, nil
	}
}

// state is the ConnectorState to return with a payment that is not final
// yet: it remembers the capture mode for VerifyRedirectResponse.
func (r *paymentResult) state(mode captureMode) *v1.ConnectorState {
	switch r.status {
	case v1.PaymentStatus_PAYMENT_STATUS_AUTHENTICATION_PENDING, v1.PaymentStatus_PAYMENT_STATUS_ACTION_REQUIRED,
		v1.PaymentStatus_PAYMENT_STATUS_PENDING:
	default:
		return nil
	}
	v := "automatic"
	if mode == captureManual {
		v = "manual"
	}
	return &v1.ConnectorState{Values: map[string]string{stateCapture: v}}
}

// captureFromState reads the capture mode remembered by state.
func captureFromState(states ...*v1.ConnectorState) captureMode {
	for _, s := range states {
		switch s.GetValues()[stateCapture] {
		case "manual":
			return captureManual
		case "automatic":
			return captureAutomatic
		}
	}
	return captureUnknown
}

// mandateFor returns the stored payment method Adyen created, if its answer
// names one (additionalData tokenization.storedPaymentMethodId, or the
// deprecated recurring.recurringDetailReference).
func (r *paymentResult) mandateFor(shopperRef string) *v1.MandateReference {
	if r.token == "" {
		return nil
	}
	return &v1.MandateReference{
		ConnectorMandateId:   r.token,
		ConnectorCustomerId:  firstNonEmpty(r.tokenShopper, shopperRef),
		NetworkTransactionId: r.networkTxID,
		Status:               v1.MandateStatus_MANDATE_STATUS_ACTIVE,
	}
}

// cardChecks reads the card results Adyen returns in additionalData when
// the merchant account enables them: avsResult ("4 AVS not supported for
// this card type"), cvcResult ("1 Matches"), eci, threeDSVersion and
// threeDAuthenticatedResponse (the ARes/RReq transStatus, e.g. "Y"; else
// threeDAuthenticated "true"/"false"), as Adyen wrote them. Adyen reports no
// separate street and postal checks. Nil when none is present.
func cardChecks(v *fastjson.Value) *v1.CardChecks {
	ad := func(k string) string { return str(v, "additionalData", k) }
	cc := &v1.CardChecks{AvsResult: ad("avsResult"), CvcCheck: ad("cvcResult")}
	eci, version := ad("eci"), ad("threeDSVersion")
	status := firstNonEmpty(ad("threeDAuthenticatedResponse"), ad("threeDAuthenticated"))
	if eci != "" || version != "" || status != "" {
		cc.ThreeDsResult = &v1.ThreeDsResult{Eci: eci, Version: version, AuthenticationStatus: status}
	}
	if cc.AvsResult == "" && cc.CvcCheck == "" && cc.ThreeDsResult == nil {
		return nil
	}
	return cc
}
