package stripe

import (
	"fmt"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk"
	"github.com/connectorhost/connector-host/pdk/form"
)

var authorizeHandler = pdk.H(buildAuthorize, parseAuthorize)

// intentRequest is what creating and confirming a PaymentIntent needs; the
// Authorize, SetupRecurring (with a first charge) and RecurringCharge flows
// fill it from their requests.
type intentRequest struct {
	// op prefixes the idempotency key; merchantID is the merchant's id for
	// the operation and merchantIDField its request field.
	op, merchantID, merchantIDField string
	amount                          *v1.Money
	paymentMethod                   *v1.PaymentMethod
	mandate                         *v1.MandateReference
	captureMethod                   v1.CaptureMethod
	authType                        v1.AuthenticationType
	customerID                      string
	payer                           payer
	shipping                        *v1.Address
	browser                         *v1.BrowserInfo
	acceptance                      *v1.CustomerAcceptance
	returnURL                       string
	description                     string
	statementDescriptor             string
	futureUsage                     v1.FutureUsage
	offSession                      bool
	incremental                     bool
	threeDS                         *v1.ThreeDsData
	metadata                        map[string]string
	// reconciliation metadata the plugin adds (key, value pairs).
	extraMetadata []string
}

func buildAuthorize(c *pdk.Context, req *v1.PaymentServiceAuthorizeRequest) (*pluginv1.HttpRequest, error) {
	return buildIntent(c, &intentRequest{
		merchantID:          req.GetMerchantTransactionId(),
		merchantIDField:     "merchant_transaction_id",
		amount:              req.GetAmount(),
		paymentMethod:       req.GetPaymentMethod(),
		mandate:             req.GetMandate(),
		captureMethod:       req.GetCaptureMethod(),
		authType:            req.GetAuthenticationType(),
		customerID:          customerID(c, req.GetCustomer(), req.GetState()),
		payer:               payer{billing: req.GetBillingAddress(), customer: req.GetCustomer()},
		shipping:            req.GetShippingAddress(),
		browser:             req.GetBrowserInfo(),
		returnURL:           req.GetReturnUrl(),
		description:         req.GetDescription(),
		statementDescriptor: req.GetStatementDescriptor(),
		futureUsage:         req.GetSetupFutureUsage(),
		offSession:          req.GetOffSession(),
		incremental:         req.GetRequestIncrementalAuthorization(),
		threeDS:             req.GetThreeDs(),
		metadata:            req.GetMetadata(),
		extraMetadata: []string{
			"merchant_transaction_id", req.GetMerchantTransactionId(),
			"merchant_order_reference", req.GetMerchantOrderReference(),
		},
	})
}

// customerID is the Stripe customer for a payment: the request's customer,
// else the connector state the caller or an earlier step supplied.
func customerID(c *pdk.Context, cust *v1.Customer, state *v1.ConnectorState) string {
	switch {
	case cust.GetConnectorCustomerId() != "":
		return cust.GetConnectorCustomerId()
	case state.GetConnectorCustomerId() != "":
		return state.GetConnectorCustomerId()
	}
	return c.State.GetConnectorCustomerId()
}

// buildIntent builds POST /v1/payment_intents with confirm=true.
func buildIntent(c *pdk.Context, r *intentRequest) (*pluginv1.HttpRequest, error) {
	key, err := requireMerchantID(r.op, r.merchantID, r.merchantIDField)
	if err != nil {
		return nil, err
	}
	amount, currency, err := toStripeAmount(r.amount, "amount")
	if err != nil {
		return nil, err
	}
	f := form.New()
	f.SetInt("amount", amount)
	f.Set("currency", currency)
	f.SetBool("confirm", true)
	f.Set("capture_method", stripeCaptureMethod(r.captureMethod))

	customer := r.customerID
	var spec methodSpec
	if id := r.mandate.GetConnectorMandateId(); id != "" {
		// A merchant-initiated charge of a stored payment method.
		f.Set("payment_method", id)
		if cust := r.mandate.GetConnectorCustomerId(); cust != "" {
			customer = cust
		}
		spec = methodSpec{ID: id, Name: "stored payment method"}
		r.offSession = true
	} else {
		if r.paymentMethod == nil {
			return nil, pdk.InvalidRequest("payment_method", "is required (or mandate.connector_mandate_id)")
		}
		if spec, err = encodePaymentMethod(f, r.paymentMethod, r.payer); err != nil {
			return nil, err
		}
	}
	f.SetIf("customer", customer)
	switch {
	case spec.Type != "":
		f.Nest("payment_method_types").Append(spec.Type)
	case r.returnURL == "":
		// A payment method id of any type and nowhere to return to: let
		// Stripe use it, but never redirect.
		apm := f.Nest("automatic_payment_methods")
		apm.SetBool("enabled", true)
		apm.Set("allow_redirects", "never")
	}
	if spec.Redirect && r.returnURL == "" {
		return nil, pdk.InvalidRequest("return_url", "is required for "+spec.Name+": the shopper is redirected")
	}
	f.SetIf("return_url", r.returnURL)
	if r.offSession {
		f.SetBool("off_session", true)
	}
	usage := stripeFutureUsage(r.futureUsage)
	f.SetIf("setup_future_usage", usage)
	if spec.Mandate || (usage != "" && spec.ReusableViaSEPA) {
		writeMandateData(f, r.acceptance, r.browser)
	}
	if spec.Card {
		if err := writeCardOptions(f.Nest("payment_method_options").Nest("card"), r); err != nil {
			return nil, err
		}
	}
	f.SetIf("description", r.description)
	if spec.Card || spec.ID != "" {
		// Stripe refuses statement_descriptor for card payments; the suffix
		// is appended to the account's prefix.
		f.SetIf("statement_descriptor_suffix", r.statementDescriptor)
	} else {
		f.SetIf("statement_descriptor", r.statementDescriptor)
	}
	writeShipping(f, r.shipping, r.payer)
	if err := writeMetadata(f, r.metadata, r.extraMetadata...); err != nil {
		return nil, err
	}
	expandLatestCharge(f)
	return post(c, "/v1/payment_intents", key, f)
}

// writeCardOptions writes payment_method_options[card]: 3-D Secure,
// incremental and multiple capture, and imported 3DS results.
func writeCardOptions(card *form.Values, r *intentRequest) error {
	if r.authType == v1.AuthenticationType_AUTHENTICATION_TYPE_THREE_DS && !r.offSession {
		card.Set("request_three_d_secure", "any")
	}
	if r.incremental {
		card.Set("request_incremental_authorization", "if_available")
	}
	if r.captureMethod == v1.CaptureMethod_CAPTURE_METHOD_MANUAL_MULTIPLE {
		card.Set("request_multicapture", "if_available")
	}
	if t := r.threeDS; t != nil && t.GetAuthenticationValue() != "" {
		if t.GetDsTransactionId() == "" || t.GetMessageVersion() == "" {
			return pdk.InvalidRequest("three_ds", "ds_transaction_id and message_version are required with authentication_value")
		}
		tds := card.Nest("three_d_secure")
		tds.Set("cryptogram", t.GetAuthenticationValue())
		tds.Set("transaction_id", t.GetDsTransactionId())
		tds.Set("version", t.GetMessageVersion())
		tds.SetIf("electronic_commerce_indicator", t.GetEci())
		tds.SetIf("ares_trans_status", t.GetTransactionStatus())
	}
	return nil
}

func stripeCaptureMethod(m v1.CaptureMethod) string {
	switch m {
	case v1.CaptureMethod_CAPTURE_METHOD_MANUAL, v1.CaptureMethod_CAPTURE_METHOD_MANUAL_MULTIPLE:
		return "manual"
	}
	return "automatic"
}

func stripeFutureUsage(u v1.FutureUsage) string {
	switch u {
	case v1.FutureUsage_FUTURE_USAGE_OFF_SESSION:
		return "off_session"
	case v1.FutureUsage_FUTURE_USAGE_ON_SESSION:
		return "on_session"
	}
	return ""
}

func parseAuthorize(c *pdk.Context, req *v1.PaymentServiceAuthorizeRequest, res *pdk.Response) (*v1.PaymentServiceAuthorizeResponse, error) {
	out, err := parseIntentAnswer(c, res, req.GetAmount(), req.GetPaymentMethod())
	if err != nil {
		return nil, err
	}
	return &v1.PaymentServiceAuthorizeResponse{
		ConnectorTransactionId:          out.ID,
		Status:                          out.Status,
		Amount:                          out.Amount,
		NextAction:                      out.NextAction,
		Error:                           out.Error,
		Mandate:                         out.Mandate,
		State:                           customerState(out.CustomerID),
		MerchantTransactionId:           req.GetMerchantTransactionId(),
		NetworkTransactionId:            out.NetworkTxnID,
		ConnectorReferenceId:            out.ChargeID,
		IncrementalAuthorizationAllowed: out.IncrementalAllowed,
		CapturedAmount:                  out.Received,
		ConnectorHttpStatus:             int32(res.Status),
		CardChecks:                      out.CardChecks,
	}, nil
}

// parseIntentAnswer reads the answer to a PaymentIntent create/confirm. A
// decline (HTTP 402) becomes a failed intent carrying the error, not a Go
// error. want, when set, is checked against the intent's amount.
func parseIntentAnswer(c *pdk.Context, res *pdk.Response, want *v1.Money, pm *v1.PaymentMethod) (*intent, error) {
	secrets := secretsOf(c, pm)
	a, err := readAnswer(res, secrets)
	if err != nil {
		return nil, err
	}
	if a.Err != nil {
		if a.Err.isDecline() {
			return declinedIntent(a.Err, want), nil
		}
		return nil, a.Err.pluginError()
	}
	in, err := parseIntent(a.Obj, a.Status, a.RequestID, secrets)
	if err != nil {
		return nil, err
	}
	if err := checkAmount(want, in.Amount, "payment_intent "+in.ID); err != nil {
		return nil, err
	}
	return in, nil
}

// declinedIntent is the failed payment a 402 describes: Stripe names the
// PaymentIntent it created in error.payment_intent.
func declinedIntent(e *apiError, want *v1.Money) *intent {
	pe := e.paymentError()
	status := v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZATION_FAILED
	if pe.GetCode() == v1.ErrorCode_ERROR_CODE_AUTHENTICATION_FAILED {
		status = v1.PaymentStatus_PAYMENT_STATUS_AUTHENTICATION_FAILED
	}
	in := &intent{Status: status, Error: pe, Amount: want}
	if pi := e.PaymentIntent; pi != nil {
		in.ID = str(pi, "id")
		in.RawStatus = str(pi, "status")
		in.ChargeID = idOf(pi, "latest_charge")
		in.CustomerID = idOf(pi, "customer")
		in.MerchantTxnID = metadataValue(pi, "merchant_transaction_id")
		if m, err := fromStripeAmount(num(pi, "amount"), str(pi, "currency")); err == nil {
			in.Amount = m
		}
	}
	return in
}

// checkAmount reports an integrity error when Stripe's amount differs from
// the one the request expected.
func checkAmount(want, got *v1.Money, what string) error {
	if want == nil || got == nil {
		return nil
	}
	if want.GetCurrency() != got.GetCurrency() || want.GetMinorAmount() != got.GetMinorAmount() {
		msg := fmt.Sprintf("%s is %d %s, expected %d %s", what, got.GetMinorAmount(), got.GetCurrency(), want.GetMinorAmount(), want.GetCurrency())
		return &pdk.Error{
			Kind:    pluginv1.ErrorKind_ERROR_KIND_INVALID_RESPONSE,
			Message: msg,
			Detail:  &v1.PaymentError{Code: v1.ErrorCode_ERROR_CODE_INTEGRITY_MISMATCH, Message: msg},
		}
	}
	return nil
}

// customerState returns the connector state to hand back for a customer.
func customerState(customer string) *v1.ConnectorState {
	if customer == "" {
		return nil
	}
	return &v1.ConnectorState{ConnectorCustomerId: customer}
}
