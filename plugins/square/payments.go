package square

import (
	"cmp"
	"strconv"
	"strings"
	"unicode/utf8"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk"
	"github.com/connectorhost/connector-host/pdk/jsonr"
	"github.com/connectorhost/connector-host/pdk/jsonw"
	"github.com/valyala/fastjson"
)

// Square's limits on CreatePayment fields, in characters (the spec's
// maxLength), not bytes.
const (
	maxReferenceID = 40
	maxNote        = 500
	maxStatement   = 20
)

// paymentPlan is a validated CreatePayment request, written in a fixed order.
type paymentPlan struct {
	key, source, customerID, verification string
	amount                                int64
	currency                              string
	autocomplete                          bool
	reference, email, note, statement     string
	billing, shipping                     *v1.Address
}

// body writes the plan as CreatePaymentRequest JSON.
func (p *paymentPlan) body(c *pdk.Context) []byte {
	o := jsonw.NewObject()
	o.String("idempotency_key", p.key)
	o.String("source_id", p.source)
	writeMoney(o, "amount_money", p.amount, p.currency)
	o.Bool("autocomplete", p.autocomplete)
	o.StringIf("customer_id", p.customerID)
	o.StringIf("location_id", c.Credentials[credLocationID])
	o.StringIf("reference_id", p.reference)
	o.StringIf("verification_token", p.verification)
	o.StringIf("buyer_email_address", p.email)
	writeAddress(o, "billing_address", p.billing)
	writeAddress(o, "shipping_address", p.shipping)
	o.StringIf("note", p.note)
	o.StringIf("statement_description_identifier", p.statement)
	return o.Bytes()
}

// writeAddress writes a Square Address; nothing when a is empty.
func writeAddress(o *jsonw.Object, key string, a *v1.Address) {
	if a.GetLine1() == "" && a.GetCity() == "" && a.GetPostalCode() == "" && a.GetCountry() == "" {
		return
	}
	o.Object(key, func(w *jsonw.Object) {
		w.StringIf("address_line_1", a.GetLine1())
		w.StringIf("address_line_2", a.GetLine2())
		w.StringIf("address_line_3", a.GetLine3())
		w.StringIf("locality", a.GetCity())
		w.StringIf("administrative_district_level_1", a.GetState())
		w.StringIf("postal_code", a.GetPostalCode())
		w.StringIf("country", a.GetCountry())
		w.StringIf("first_name", a.GetFirstName())
		w.StringIf("last_name", a.GetLastName())
	})
}

// newPlan validates what every CreatePayment needs: the merchant's id (the
// idempotency key), the amount, capture mode, description and descriptor.
func newPlan(merchantID string, amount *v1.Money, capture v1.CaptureMethod, description, statement string) (*paymentPlan, error) {
	if merchantID == "" {
		return nil, pdk.InvalidRequest("merchant_transaction_id", "is required (Square idempotency_key)")
	}
	v, cur, err := amounts.To(amount, "amount")
	if err != nil {
		return nil, err
	}
	p := &paymentPlan{key: idempotencyKey("pay", merchantID), amount: v, currency: cur, autocomplete: true,
		note: description, statement: statement}
	switch capture {
	case v1.CaptureMethod_CAPTURE_METHOD_MANUAL:
		p.autocomplete = false
	case v1.CaptureMethod_CAPTURE_METHOD_MANUAL_MULTIPLE:
		return nil, pdk.Unsupported("capture_method: Square completes a payment once, for its whole amount; CAPTURE_METHOD_MANUAL_MULTIPLE is not supported")
	}
	if len(merchantID) <= maxReferenceID {
		p.reference = merchantID
	}
	if utf8.RuneCountInString(description) > maxNote {
		return nil, pdk.InvalidRequest("description", "must be at most 500 characters at Square (note)")
	}
	if utf8.RuneCountInString(statement) > maxStatement {
		return nil, pdk.InvalidRequest("statement_descriptor", "must be at most 20 characters at Square (statement_description_identifier)")
	}
	return p, nil
}

// buildAuthorize builds CreatePayment; manual capture is autocomplete=false.
func buildAuthorize(c *pdk.Context, req *v1.PaymentServiceAuthorizeRequest) (*pluginv1.HttpRequest, error) {
	p, err := newPlan(req.GetMerchantTransactionId(), req.GetAmount(), req.GetCaptureMethod(), req.GetDescription(), req.GetStatementDescriptor())
	if err != nil {
		return nil, err
	}
	if req.GetSetupFutureUsage() != v1.FutureUsage_FUTURE_USAGE_UNSPECIFIED {
		return nil, pdk.Unsupported("setup_future_usage: Square stores a card with PaymentService.SetupRecurring (CreateCard), not while paying")
	}
	p.customerID = cmp.Or(req.GetCustomer().GetConnectorCustomerId(), req.GetMandate().GetConnectorCustomerId(), c.State.GetConnectorCustomerId())
	if id := req.GetMandate().GetConnectorMandateId(); id != "" {
		p.source = id
		if p.customerID == "" {
			return nil, pdk.InvalidRequest("mandate.connector_customer_id", "is required to charge a card on file at Square")
		}
	} else if p.source, err = sourceID(req.GetPaymentMethod()); err != nil {
		return nil, err
	}
	p.verification = req.GetThreeDs().GetAuthenticationId()
	if req.GetAuthenticationType() == v1.AuthenticationType_AUTHENTICATION_TYPE_THREE_DS && p.verification == "" {
		return nil, pdk.InvalidRequest("three_ds.authentication_id",
			"is required for 3-D Secure at Square: run verifyBuyer in the Web Payments SDK and send its verification token")
	}
	p.email = cmp.Or(req.GetCustomer().GetEmail(), req.GetBillingAddress().GetEmail())
	p.billing, p.shipping = req.GetBillingAddress(), req.GetShippingAddress()
	return api.Send(c, "POST", "/v2/payments", p.key, p.body(c))
}

// buildRecurringCharge builds CreatePayment on a card on file.
func buildRecurringCharge(c *pdk.Context, req *v1.RecurringPaymentServiceChargeRequest) (*pluginv1.HttpRequest, error) {
	p, err := newPlan(req.GetMerchantTransactionId(), req.GetAmount(), req.GetCaptureMethod(), req.GetDescription(), req.GetStatementDescriptor())
	if err != nil {
		return nil, err
	}
	if p.source = req.GetMandate().GetConnectorMandateId(); p.source == "" {
		return nil, pdk.InvalidRequest("mandate.connector_mandate_id", "is required (the Square card id, ccof:...)")
	}
	p.customerID = cmp.Or(req.GetMandate().GetConnectorCustomerId(), req.GetCustomer().GetConnectorCustomerId(), c.State.GetConnectorCustomerId())
	if p.customerID == "" {
		return nil, pdk.InvalidRequest("mandate.connector_customer_id", "is required to charge a card on file at Square")
	}
	p.email = req.GetCustomer().GetEmail()
	return api.Send(c, "POST", "/v2/payments", p.key, p.body(c))
}

// sourceID maps a payment method to a Square source_id.
func sourceID(pm *v1.PaymentMethod) (string, error) {
	return pdk.TokenOnly(pm,
		"Square does not take card numbers; tokenize the card with the Web Payments SDK and send payment_method.token",
		"Square takes only tokens (payment_method.token: a Web Payments SDK token or a card on file id)")
}

// buildCapture builds CompletePayment, which completes the whole amount.
// CompletePayment takes no amount, so a capture of another amount than the
// authorized one is refused before sending. The authorized amount is the
// request's payment_amount; without it, the payment is read first (a Get
// step, whose report under authorizedKey is the payment's amount_money).
func buildCapture(c *pdk.Context, req *v1.PaymentServiceCaptureRequest) (*pluginv1.HttpRequest, error) {
	id, err := pdk.PathID("connector_transaction_id", req.GetConnectorTransactionId())
	if err != nil {
		return nil, err
	}
	if _, _, err := amounts.To(req.GetAmountToCapture(), "amount_to_capture"); err != nil {
		return nil, err
	}
	authorized := req.GetPaymentAmount()
	if authorized == nil {
		report, ok := c.Stamped(authorizedKey(id))
		if !ok {
			return nil, pdk.NeedStep(v1.Flow_FLOW_GET, &v1.PaymentServiceGetRequest{ConnectorTransactionId: id,
				State: pdk.AskState(authorizedKey(id))})
		}
		if authorized, err = readAuthorized(report); err != nil {
			return nil, err
		}
	}
	if !sameMoney(req.GetAmountToCapture(), authorized) {
		return nil, pdk.Unsupported("amount_to_capture: Square completes the whole authorized amount; partial capture is not supported")
	}
	key := idempotencyKey("capture", cmp.Or(req.GetMerchantCaptureId(), req.GetConnectorTransactionId()))
	return api.Send(c, "POST", "/v2/payments/"+id+"/complete", key, []byte("{}"))
}

// buildVoid builds CancelPayment.
func buildVoid(c *pdk.Context, req *v1.PaymentServiceVoidRequest) (*pluginv1.HttpRequest, error) {
	id, err := pdk.PathID("connector_transaction_id", req.GetConnectorTransactionId())
	if err != nil {
		return nil, err
	}
	key := idempotencyKey("void", cmp.Or(req.GetMerchantVoidId(), req.GetConnectorTransactionId()))
	return api.Send(c, "POST", "/v2/payments/"+id+"/cancel", key, nil)
}

// buildGet builds GetPayment.
func buildGet(c *pdk.Context, req *v1.PaymentServiceGetRequest) (*pluginv1.HttpRequest, error) {
	id, err := pdk.PathID("connector_transaction_id", req.GetConnectorTransactionId())
	if err != nil {
		return nil, err
	}
	return api.Get(c, "/v2/payments/"+id)
}

// readPayment reads a Payment answer; requested, when set, must equal the
// answer's amount. For CreatePayment (charging), a 4xx whose first error is
// a PAYMENT_METHOD_ERROR other than TEMPORARY_ERROR is a decline:
// AUTHORIZATION_FAILED with the error, not a Go error.
func readPayment(res *pdk.Response, requested *v1.Money, charging bool) (*pdk.PaymentResult, error) {
	if charging && res.Status >= 400 && res.Status < 500 {
		v := jsonr.TryObject(res.Body)
		if se := firstError(v); se.category == "PAYMENT_METHOD_ERROR" && se.code != temporaryError {
			return declined(v, se, res.Status), nil
		}
	}
	o, err := object(res, "payment")
	if err != nil {
		return nil, err
	}
	p := &pdk.PaymentResult{ID: jsonr.Str(o, "id"), MerchantID: jsonr.Str(o, "reference_id")}
	raw := jsonr.Str(o, "status")
	if raw == "" {
		return nil, pdk.InvalidResponse("Square's payment %s has no status", p.ID)
	}
	p.Status = paymentStatuses().Get(raw)
	if p.Amount, err = requiredMoney(o, "amount_money", "payment "+p.ID, requested); err != nil {
		return nil, err
	}
	if p.Refunded, err = moneyAt(o, "refunded_money"); err != nil {
		return nil, err
	}
	if p.Status == v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZATION_FAILED {
		se := firstError(o.Get("card_details"))
		p.Error = declineError(se, res.Status)
	}
	return p, nil
}

// declined is the payment of a decline answer: nothing was authorized, so
// it has no amount.
func declined(v *fastjson.Value, se squareError, status int) *pdk.PaymentResult {
	p := &pdk.PaymentResult{Status: v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZATION_FAILED, Error: declineError(se, status)}
	if o := v.Get("payment"); o != nil && o.Type() == fastjson.TypeObject {
		p.ID, p.MerchantID = jsonr.Str(o, "id"), jsonr.Str(o, "reference_id")
	}
	return p
}

// declineError is the three-layer error of a declined payment.
func declineError(se squareError, status int) *v1.PaymentError {
	msg := cmp.Or(se.detail, "Square declined the payment")
	e := &v1.PaymentError{Code: declineCode(se.code), Message: msg, Connector: se.connectorError(status)}
	if se.code != "" {
		e.Issuer = &v1.IssuerError{DeclineCode: se.code, Message: se.detail}
	}
	return e
}

func parseAuthorize(c *pdk.Context, req *v1.PaymentServiceAuthorizeRequest, res *pdk.Response) (*v1.PaymentServiceAuthorizeResponse, error) {
	p, err := readPayment(res, req.GetAmount(), true)
	if err != nil {
		return nil, err
	}
	return &v1.PaymentServiceAuthorizeResponse{
		ConnectorTransactionId: p.ID, Status: p.Status, Amount: p.Amount, Error: p.Error,
		CapturedAmount: p.Captured(),
	}, nil
}

func parseRecurringCharge(c *pdk.Context, req *v1.RecurringPaymentServiceChargeRequest, res *pdk.Response) (*v1.RecurringPaymentServiceChargeResponse, error) {
	p, err := readPayment(res, req.GetAmount(), true)
	if err != nil {
		return nil, err
	}
	return &v1.RecurringPaymentServiceChargeResponse{
		ConnectorTransactionId: p.ID, Status: p.Status, Amount: p.Amount, Error: p.Error,
	}, nil
}

func parseCapture(c *pdk.Context, req *v1.PaymentServiceCaptureRequest, res *pdk.Response) (*v1.PaymentServiceCaptureResponse, error) {
	p, err := readPayment(res, req.GetAmountToCapture(), false)
	if err != nil {
		return nil, err
	}
	return p.CaptureResponse(processor, req)
}

func parseVoid(c *pdk.Context, req *v1.PaymentServiceVoidRequest, res *pdk.Response) (*v1.PaymentServiceVoidResponse, error) {
	p, err := readPayment(res, req.GetAmount(), false)
	if err != nil {
		return nil, err
	}
	return p.VoidResponse(processor, req)
}

// parseGet reads GetPayment's answer. Asked by a Capture's step (the
// request's state holds authorizedKey), it also reports the payment's
// amount_money there, stamped with the call's clock.
func parseGet(c *pdk.Context, req *v1.PaymentServiceGetRequest, res *pdk.Response) (*v1.PaymentServiceGetResponse, error) {
	p, err := readPayment(res, req.GetAmount(), false)
	if err != nil {
		return nil, err
	}
	out, err := p.GetResponse(processor, req)
	if err != nil {
		return nil, err
	}
	if key := authorizedKey(p.ID); pdk.Asked(req.GetState(), key) {
		amount := strconv.FormatInt(p.Amount.GetMinorAmount(), 10) + " " + p.Amount.GetCurrency()
		out.State = &v1.ConnectorState{Values: map[string]string{key: c.Stamp(amount)}}
	}
	return out, nil
}

// authorizedKey is the ConnectorState value in which a Get step run for
// buildCapture reports the payment's amount_money, "<amount> <currency>"
// stamped by pdk.Context.Stamp. Set in the Get request's state, it asks
// parseGet for that report.
func authorizedKey(paymentID string) string { return "authorized_amount:" + paymentID }

// readAuthorized reads the amount a Get step reported under authorizedKey.
func readAuthorized(report string) (*v1.Money, error) {
	amount, currency, _ := strings.Cut(report, " ")
	v, err := strconv.ParseInt(amount, 10, 64)
	if err != nil || currency == "" {
		return nil, pdk.InvalidResponse("the payment's amount read before the capture is %q, not <amount> <currency>", report)
	}
	return amounts.From(v, currency)
}
