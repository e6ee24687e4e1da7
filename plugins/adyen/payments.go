package adyen

import (
	"strconv"
	"strings"

	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/internal/textf"
	"github.com/connectorhost/connector-host/pdk"
	"github.com/connectorhost/connector-host/pdk/sig"
)

// Adyen's recurringProcessingModel and shopperInteraction values.
const (
	modelSubscription = "Subscription"
	modelCardOnFile   = "CardOnFile"
	modelUnscheduled  = "UnscheduledCardOnFile"
	interactionEcom   = "Ecommerce"
	interactionCont   = "ContAuth"
)

type (
	authorizeIn  = v1.PaymentServiceAuthorizeRequest
	authorizeOut = v1.PaymentServiceAuthorizeResponse
)

// payments declares a POST /payments flow keyed "<op>:<reference>" (SetupRecurring and
// RecurringPaymentService.Charge write the Authorize request they amount to).
func payments[Req, Resp pdk.Message](op string, ref func(Req) string, fill func(*pdk.Context, Req, *pdk.Body) error,
	read func(*pdk.Context, Req, *pdk.Answer) (Resp, error)) *pdk.Call[Req, Resp] {
	return &pdk.Call[Req, Resp]{API: api, Base: checkout.Base, Method: "POST", Path: "/payments", Key: pdk.Key[Req]{Op: op, ID: ref},
		Fill: fill, Answer: read}
}

// writePayment checks an Authorize request and writes its PaymentRequest; refField names
// the merchant's reference as the caller wrote it, model the recurringProcessingModel the flow asks for.
func writePayment(c *pdk.Context, req *authorizeIn, refField, model string, b *pdk.Body) error {
	if req.GetMerchantTransactionId() == "" {
		return pdk.InvalidRequest(refField, "is required (Adyen reference and idempotency key)")
	}
	value, cur, err := amounts.To(req.GetAmount(), "amount")
	if err != nil {
		return err
	}
	b.Set("merchantAccount", c.Credentials[credMerchantAccount])
	b.Set("reference", req.GetMerchantTransactionId())
	setAmount(b, "amount", value, cur)
	// Checkout v71 requires returnUrl on every /payments call, merchant-initiated ones included.
	returnURL := pdk.First(req.GetReturnUrl(), c.Config[configReturnURL])
	if returnURL == "" {
		return pdk.InvalidRequest("return_url", "is required by Adyen Checkout v71 (or set the connector config return_url)")
	}
	// A mandate (stored credential) takes the place of payment_method data.
	var m method
	if id := req.GetMandate().GetConnectorMandateId(); id != "" {
		m = storedMethod(id)
	} else if m, err = paymentMethod(req.GetPaymentMethod(), req.GetBillingAddress().GetCountry()); err != nil {
		return err
	}
	b.SetPairs("paymentMethod.", m.fields...)
	b.Set("returnUrl", returnURL)
	ref, field := req.GetCustomer().GetId(), "customer.id"
	if ref == "" {
		ref, field = req.GetMandate().GetConnectorCustomerId(), "mandate.connector_customer_id"
	}
	var interaction, derived string
	var store bool
	switch usage := req.GetSetupFutureUsage(); {
	case m.stored: // charging a token: card on file, merchant-initiated when off session
		interaction, derived = interactionCont, modelCardOnFile
		if req.GetOffSession() {
			derived = modelUnscheduled
		}
	case usage != v1.FutureUsage_FUTURE_USAGE_UNSPECIFIED:
		interaction, store, derived = interactionEcom, true, modelCardOnFile
		if usage == v1.FutureUsage_FUTURE_USAGE_OFF_SESSION {
			derived = modelUnscheduled
		}
	case req.GetOffSession():
		interaction, derived = interactionCont, modelUnscheduled
	}
	model = pdk.First(model, derived)
	if ref == "" && (m.stored || store) {
		return pdk.InvalidRequest("customer.id", "is required to store or charge a stored payment method at Adyen (shopperReference)")
	}
	if err := checkShopper(field, ref); err != nil {
		return err
	}
	b.SetPairs("", "shopperReference", ref, "shopperInteraction", interaction, "recurringProcessingModel", model)
	if store {
		b.SetBool("storePaymentMethod", true)
	}
	t := req.GetThreeDs()
	if s := t.GetTransactionStatus(); len(s) > 1 || !strings.Contains("ACDINRUY", s) {
		return pdk.InvalidRequest("three_ds.transaction_status", "must be one of A, C, D, I, N, R, U, Y")
	}
	// Adyen's limits: 20 entries, 20-character keys and 80-character values.
	if _, err := (pdk.Metadata{MaxKeys: 20, MaxKeyLen: 20, MaxValueLen: 80}).Merge(req.GetMetadata()); err != nil {
		return err
	}
	if req.GetRequestIncrementalAuthorization() {
		b.Set("additionalData.authorisationType", "PreAuth")
	}
	if manualCapture(req.GetCaptureMethod()) {
		b.Set("additionalData.manualCapture", "true")
	}
	b.SetPairs("authenticationData.", "attemptAuthentication", attempts[req.GetAuthenticationType()])
	if t != nil {
		// authenticationResponse (the RReq) takes only Y, N, U and A.
		s, answered := t.GetTransactionStatus(), ""
		if strings.Contains("YNUA", s) {
			answered = s
		}
		b.SetPairs("mpiData.", "authenticationResponse", answered, "cavv", t.GetAuthenticationValue(), "directoryResponse", s,
			"dsTransID", t.GetDsTransactionId(), "eci", t.GetEci(), "threeDSVersion", t.GetMessageVersion())
	}
	if bi := req.GetBrowserInfo(); bi != nil {
		b.Set("browserInfo.acceptHeader", bi.GetAcceptHeader())
		b.SetInt("browserInfo.colorDepth", int64(bi.GetColorDepth()))
		b.SetBool("browserInfo.javaEnabled", bi.GetJavaEnabled())
		b.SetBool("browserInfo.javaScriptEnabled", bi.GetJavascriptEnabled())
		b.Set("browserInfo.language", bi.GetLanguage())
		b.SetInt("browserInfo.screenHeight", int64(bi.GetScreenHeight()))
		b.SetInt("browserInfo.screenWidth", int64(bi.GetScreenWidth()))
		b.SetInt("browserInfo.timeZoneOffset", int64(bi.GetTimeZoneOffsetMinutes()))
		b.Set("browserInfo.userAgent", bi.GetUserAgent())
		b.SetIf("shopperIP", bi.GetIpAddress())
	}
	billing, cust := req.GetBillingAddress(), req.GetCustomer()
	writeAddress(b, "billingAddress.", billing, false)
	writeAddress(b, "deliveryAddress.", req.GetShippingAddress(), true)
	b.SetPairs("", "shopperEmail", pdk.First(cust.GetEmail(), billing.GetEmail()), "telephoneNumber", pdk.First(cust.GetPhone(), billing.GetPhone()))
	first, last := billing.GetFirstName(), billing.GetLastName()
	if first == "" || last == "" {
		first, last = pdk.NameParts(cust.GetName())
	}
	if last = strings.TrimSpace(last); first != "" && last != "" {
		b.SetPairs("shopperName.", "firstName", first, "lastName", last)
	}
	// The shopper's country: the method's own (Sofort), else billing.
	country := pdk.First(m.country, billing.GetCountry())
	b.SetIf("countryCode", country)
	for i, d := range req.GetOrderDetails() {
		f, k := textf.Sprintf("order_details[%d]", i), "lineItems["+strconv.Itoa(i)+"]."
		unit, _, err := amounts.To(&v1.Money{MinorAmount: d.GetUnitAmount(), Currency: cur}, f+".unit_amount")
		if err != nil {
			return err
		}
		tax, _, err := amounts.To(&v1.Money{MinorAmount: d.GetTaxAmount(), Currency: cur}, f+".tax_amount")
		if err != nil {
			return err
		}
		b.SetPairs(k, "id", d.GetProductId(), "description", d.GetProductName(), "itemCategory", d.GetCategory())
		b.SetInt(k+"quantity", d.GetQuantity())
		b.SetInt(k+"amountIncludingTax", unit)
		if d.GetTaxAmount() != 0 {
			b.SetInt(k+"taxAmount", tax)
		}
	}
	switch {
	case m.needsOrder && len(req.GetOrderDetails()) == 0:
		return pdk.InvalidRequest("order_details", "is required for buy-now-pay-later methods at Adyen")
	case m.needsOrder && country == "":
		return pdk.InvalidRequest("billing_address.country", "is required for buy-now-pay-later methods at Adyen")
	case m.needsCountry && country == "":
		return pdk.InvalidRequest("payment_method.bank_redirect.country", "is required for Sofort (or billing_address.country)")
	}
	b.SetMap("metadata", req.GetMetadata())
	b.SetPairs("", "shopperStatement", req.GetStatementDescriptor(), "merchantOrderReference", req.GetMerchantOrderReference())
	return nil
}

// checkShopper checks Adyen's shopperReference, when set: 3 to 256 characters.
func checkShopper(field, ref string) error {
	if ref != "" && (len(ref) < 3 || len(ref) > 256) {
		return pdk.InvalidRequest(field, "must be 3 to 256 characters (Adyen shopperReference)")
	}
	return nil
}

// attempts maps authentication_type to authenticationData.attemptAuthentication.
var attempts = map[v1.AuthenticationType]string{
	v1.AuthenticationType_AUTHENTICATION_TYPE_THREE_DS: "always", v1.AuthenticationType_AUTHENTICATION_TYPE_NO_THREE_DS: "never",
}

// writeAddress writes a BillingAddress or DeliveryAddress that has a country. Adyen requires
// street, houseNumberOrName, city, postalCode and country: line2 is the house number or name (may be empty).
func writeAddress(b *pdk.Body, k string, a *v1.Address, names bool) {
	if a.GetCountry() == "" {
		return
	}
	b.Set(k+"city", a.GetCity())
	b.Set(k+"country", a.GetCountry())
	b.Set(k+"houseNumberOrName", a.GetLine2())
	b.Set(k+"postalCode", a.GetPostalCode())
	b.SetIf(k+"stateOrProvince", a.GetState())
	b.Set(k+"street", a.GetLine1())
	if names {
		b.SetPairs(k, "firstName", a.GetFirstName(), "lastName", a.GetLastName())
	}
}

var authorize = payments("authorize", (*authorizeIn).GetMerchantTransactionId,
	func(c *pdk.Context, req *authorizeIn, b *pdk.Body) error {
		return writePayment(c, req, "merchant_transaction_id", "", b)
	},
	func(_ *pdk.Context, req *authorizeIn, a *pdk.Answer) (*authorizeOut, error) {
		manual := manualCapture(req.GetCaptureMethod())
		out, err := parsePayment(a, &manual, req.GetAmount())
		if err != nil {
			return nil, err
		}
		out.Mandate = withShopper(out.Mandate, pdk.First(req.GetCustomer().GetId(), req.GetMandate().GetConnectorCustomerId()))
		if req.GetSetupFutureUsage() == v1.FutureUsage_FUTURE_USAGE_UNSPECIFIED {
			out.Mandate = nil
		}
		if s := out.Status; s == v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZED || s == v1.PaymentStatus_PAYMENT_STATUS_PARTIALLY_AUTHORIZED {
			out.IncrementalAuthorizationAllowed = req.GetRequestIncrementalAuthorization()
		}
		if out.Status == v1.PaymentStatus_PAYMENT_STATUS_CHARGED {
			out.CapturedAmount = out.Amount
		}
		return out, nil
	})

// detailsKeys are the members of Checkout v71 PaymentCompletionDetails, the
// only redirect parameters /payments/details accepts (the schema is closed).
var detailsKeys = []string{
	"MD", "PaReq", "PaRes", "authorization_token", "billingToken", "cupsecureplus.smscode",
	"facilitatorAccessToken", "oneTimePasscode", "orderID", "payerID", "payload", "paymentID",
	"paymentStatus", "redirectResult", "resultCode", "returnUrlQueryString", "threeDSResult",
	"threeds2.challengeResult", "threeds2.fingerprint", "vaultToken",
}

type (
	detailsIn  = v1.PaymentServiceVerifyRedirectResponseRequest
	detailsOut = v1.PaymentServiceVerifyRedirectResponseResponse
)

// details is POST /payments/details with the redirect parameters Adyen
// accepts, sorted (the merchant's own on the return URL are dropped); a raw
// payload without any is sent as returnUrlQueryString. Its key is a digest
// of the body: a retry shares it, another redirect result (a 3DS step then a
// bank redirect) does not. The capture mode is the request's, else the one
// Authorize remembered in its state; without either, Authorised is AUTHORIZED.
var details = &pdk.Call[*detailsIn, *detailsOut]{
	API: api, Base: checkout.Base, Method: "POST", Path: "/payments/details",
	Key: pdk.Key[*detailsIn]{Derive: func(_ *pdk.Context, _ *detailsIn, body []byte) (string, string) {
		return "details", sig.SHA256Hex(body)[:32]
	}},
	Fill: func(_ *pdk.Context, req *detailsIn, b *pdk.Body) error {
		d := map[string]string{}
		for _, k := range detailsKeys {
			if v := req.GetParams()[k]; v != "" {
				d[k] = v
			}
		}
		if len(d) == 0 && req.GetPayload() != "" {
			d["returnUrlQueryString"] = strings.TrimPrefix(req.GetPayload(), "?")
		}
		if len(d) == 0 {
			return pdk.InvalidRequest("params", "carry none of Adyen's redirect parameters (e.g. redirectResult)")
		}
		b.SetMap("details", d)
		return nil
	},
	Answer: func(c *pdk.Context, req *detailsIn, a *pdk.Answer) (*detailsOut, error) {
		r, err := parsePayment(a, captureFrom(req.GetCaptureMethod(), req.GetState(), c.State), req.GetAmount())
		if err != nil {
			return nil, err
		}
		return &detailsOut{ConnectorTransactionId: r.ConnectorTransactionId, Status: r.Status, Amount: r.Amount, NextAction: r.NextAction,
			Error: r.Error, Mandate: r.Mandate, State: r.State, CardChecks: r.CardChecks, MerchantTransactionId: r.MerchantTransactionId,
			NetworkTransactionId: r.NetworkTransactionId}, nil
	},
}

type (
	setupIn  = v1.PaymentServiceSetupRecurringRequest
	setupOut = v1.PaymentServiceSetupRecurringResponse
)

// setupRecurring is a zero-amount (or first) /payments call that stores the
// payment method (recurringProcessingModel CardOnFile for on-session reuse,
// else Subscription). The mandate is the stored payment method id Adyen
// returns; Authorised without one is PENDING: the id then arrives by webhook
// (AUTHORISATION / RECURRING_CONTRACT).
var setupRecurring = payments("setup", (*setupIn).GetMerchantSetupId,
	func(c *pdk.Context, req *setupIn, b *pdk.Body) error {
		if req.GetCustomer().GetId() == "" {
			return pdk.InvalidRequest("customer.id", "is required: Adyen stores payment methods per shopperReference")
		}
		if _, stored := req.GetPaymentMethod().GetMethod().(*v1.PaymentMethod_Token); stored {
			return pdk.InvalidRequest("payment_method", "is already a stored payment method")
		}
		model := modelSubscription
		if req.GetFutureUsage() == v1.FutureUsage_FUTURE_USAGE_ON_SESSION {
			model = modelCardOnFile
		}
		return writePayment(c, &authorizeIn{
			MerchantTransactionId: req.GetMerchantSetupId(), Amount: req.GetAmount(), PaymentMethod: req.GetPaymentMethod(),
			Customer: req.GetCustomer(), BillingAddress: req.GetBillingAddress(), BrowserInfo: req.GetBrowserInfo(), ReturnUrl: req.GetReturnUrl(),
			Metadata: req.GetMetadata(), AuthenticationType: req.GetAuthenticationType(), SetupFutureUsage: v1.FutureUsage_FUTURE_USAGE_OFF_SESSION,
		}, "merchant_setup_id", model, b)
	},
	func(_ *pdk.Context, req *setupIn, a *pdk.Answer) (*setupOut, error) {
		automatic := false
		r, err := parsePayment(a, &automatic, req.GetAmount())
		if err != nil {
			return nil, err
		}
		out := &setupOut{ConnectorSetupId: r.ConnectorTransactionId, NextAction: r.NextAction, Error: r.Error, State: r.State}
		if req.GetAmount().GetMinorAmount() > 0 {
			out.PaymentStatus = r.Status
		}
		mandate := withShopper(r.Mandate, req.GetCustomer().GetId())
		switch out.Status = pdk.MandateStatusOf(r.Status); {
		case out.Status == v1.MandateStatus_MANDATE_STATUS_ACTIVE && mandate == nil:
			out.Status = v1.MandateStatus_MANDATE_STATUS_PENDING
		case out.Status == v1.MandateStatus_MANDATE_STATUS_FAILED:
			mandate = nil
		}
		if mandate != nil {
			mandate.Status = out.Status
		}
		out.Mandate = mandate
		return out, nil
	})

// storedShopper is the stored payment method and the shopper (the mandate's, else the customer) a request names.
func storedShopper(m *v1.MandateReference, cust *v1.Customer) (id, shopper string, err error) {
	if id = m.GetConnectorMandateId(); id == "" {
		return "", "", pdk.InvalidRequest("mandate.connector_mandate_id", "is required (Adyen storedPaymentMethodId)")
	}
	shopper, field := m.GetConnectorCustomerId(), "mandate.connector_customer_id"
	if shopper == "" {
		shopper, field = cust.GetId(), "customer.id"
	}
	if shopper == "" {
		return "", "", pdk.InvalidRequest("mandate.connector_customer_id", "is required (Adyen shopperReference)")
	}
	return id, shopper, checkShopper(field, shopper)
}

type (
	chargeIn  = v1.RecurringPaymentServiceChargeRequest
	chargeOut = v1.RecurringPaymentServiceChargeResponse
)

// recurringCharge charges a stored payment method (ContAuth, default model Subscription).
var recurringCharge = payments("charge", (*chargeIn).GetMerchantTransactionId,
	func(c *pdk.Context, req *chargeIn, b *pdk.Body) error {
		id, shopper, err := storedShopper(req.GetMandate(), req.GetCustomer())
		if err != nil {
			return err
		}
		model := pdk.First(req.GetRecurringModel(), modelSubscription)
		if model != modelSubscription && model != modelCardOnFile && model != modelUnscheduled {
			return pdk.InvalidRequest("recurring_model", "must be Subscription, UnscheduledCardOnFile or CardOnFile")
		}
		return writePayment(c, &authorizeIn{
			MerchantTransactionId: req.GetMerchantTransactionId(), Amount: req.GetAmount(), Mandate: &v1.MandateReference{ConnectorMandateId: id},
			Customer: &v1.Customer{Id: shopper, Email: req.GetCustomer().GetEmail()}, ReturnUrl: req.GetReturnUrl(), Metadata: req.GetMetadata(),
			StatementDescriptor: req.GetStatementDescriptor(), CaptureMethod: req.GetCaptureMethod(),
		}, "merchant_transaction_id", model, b)
	},
	func(_ *pdk.Context, req *chargeIn, a *pdk.Answer) (*chargeOut, error) {
		manual := manualCapture(req.GetCaptureMethod())
		r, err := parsePayment(a, &manual, req.GetAmount())
		if err != nil {
			return nil, err
		}
		return &chargeOut{ConnectorTransactionId: r.ConnectorTransactionId, Status: r.Status, Amount: r.Amount, Error: r.Error,
			NextAction: r.NextAction, State: r.State, MerchantTransactionId: r.MerchantTransactionId,
			NetworkTransactionId: r.NetworkTransactionId, Mandate: req.GetMandate()}, nil
	})

type (
	revokeIn  = v1.RecurringPaymentServiceRevokeRequest
	revokeOut = v1.RecurringPaymentServiceRevokeResponse
)

// recurringRevoke is DELETE /storedPaymentMethods/{id} with shopperReference and
// merchantAccount (both required in v71), answered 204 (any 2xx: the token is deleted).
var recurringRevoke = &pdk.Call[*revokeIn, *revokeOut]{
	API: api, Base: checkout.Base, Method: "DELETE", Path: "/storedPaymentMethods/{id}", IgnoreBody: true,
	Check: func(_ *pdk.Context, req *revokeIn) error {
		_, _, err := storedShopper(req.GetMandate(), req.GetCustomer())
		return err
	},
	Params: pdk.Params[*revokeIn]{"id": {Field: "mandate.connector_mandate_id", Get: func(r *revokeIn) string { return r.GetMandate().GetConnectorMandateId() }}},
	Query: pdk.Fields[*revokeIn]{
		{Key: "shopperReference", Str: func(r *revokeIn) string {
			return pdk.First(r.GetMandate().GetConnectorCustomerId(), r.GetCustomer().GetId())
		}},
		{Key: "merchantAccount", Credential: credMerchantAccount},
	},
	Answer: func(_ *pdk.Context, req *revokeIn, _ *pdk.Answer) (*revokeOut, error) {
		return &revokeOut{Status: v1.MandateStatus_MANDATE_STATUS_REVOKED, ConnectorMandateId: req.GetMandate().GetConnectorMandateId()}, nil
	},
}
