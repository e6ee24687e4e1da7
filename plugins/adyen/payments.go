package adyen

import (
	"strings"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/internal/textf"
	"github.com/connectorhost/connector-host/internal/weburl"
	"github.com/connectorhost/connector-host/pdk"
	"github.com/connectorhost/connector-host/pdk/jsonw"
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

// payment is a validated /payments request (Checkout v71 PaymentRequest).
// SetupRecurring and RecurringPaymentService.Charge are written as the
// Authorize request they amount to, then adjusted.
type payment struct {
	req                            *v1.PaymentServiceAuthorizeRequest
	value                          int64
	returnURL                      string
	method                         method
	shopperRef, interaction, model string
	store                          bool
	lines                          [][3]int64 // per order detail: unit amount and tax in Adyen's minor units, tax set
}

// newPayment validates an Authorize request into a /payments call; refField
// names the merchant's reference (also the idempotency key) as the caller
// wrote it.
func newPayment(c *pdk.Context, req *v1.PaymentServiceAuthorizeRequest, refField string) (*payment, error) {
	if req.GetMerchantTransactionId() == "" {
		return nil, pdk.InvalidRequest(refField, "is required (Adyen reference and idempotency key)")
	}
	value, err := toAdyen("amount", req.GetAmount())
	if err != nil {
		return nil, err
	}
	// Checkout v71 requires returnUrl on every /payments call, merchant-initiated ones included.
	p := &payment{req: req, value: value, returnURL: pdk.First(req.GetReturnUrl(), c.Config[configReturnURL])}
	if p.returnURL == "" {
		return nil, pdk.InvalidRequest("return_url", "is required by Adyen Checkout v71 (or set the connector config return_url)")
	}
	// A mandate (stored credential) takes the place of payment_method data.
	if id := req.GetMandate().GetConnectorMandateId(); id != "" {
		p.method = storedMethod(id)
	} else if p.method, err = paymentMethod(req.GetPaymentMethod(), req.GetBillingAddress().GetCountry()); err != nil {
		return nil, err
	}
	ref, field := req.GetCustomer().GetId(), "customer.id"
	if ref == "" {
		ref, field = req.GetMandate().GetConnectorCustomerId(), "mandate.connector_customer_id"
	}
	switch usage := req.GetSetupFutureUsage(); {
	case p.method.stored: // charging a token: card on file, merchant-initiated when off session
		p.interaction, p.model = interactionCont, modelCardOnFile
		if req.GetOffSession() {
			p.model = modelUnscheduled
		}
	case usage != v1.FutureUsage_FUTURE_USAGE_UNSPECIFIED:
		p.store, p.interaction, p.model = true, interactionEcom, modelCardOnFile
		if usage == v1.FutureUsage_FUTURE_USAGE_OFF_SESSION {
			p.model = modelUnscheduled
		}
	case req.GetOffSession():
		p.interaction, p.model = interactionCont, modelUnscheduled
	}
	if ref == "" && (p.method.stored || p.store) {
		return nil, pdk.InvalidRequest("customer.id", "is required to store or charge a stored payment method at Adyen (shopperReference)")
	}
	if p.shopperRef = ref; ref != "" {
		if err := checkShopper(field, ref); err != nil {
			return nil, err
		}
	}
	switch req.GetThreeDs().GetTransactionStatus() {
	case "", "A", "C", "D", "I", "N", "R", "U", "Y":
	default:
		return nil, pdk.InvalidRequest("three_ds.transaction_status", "must be one of A, C, D, I, N, R, U, Y")
	}
	// Adyen's limits: 20 entries, 20-character keys and 80-character values.
	if _, err := (pdk.Metadata{MaxKeys: 20, MaxKeyLen: 20, MaxValueLen: 80}).Merge(req.GetMetadata()); err != nil {
		return nil, err
	}
	for i, d := range req.GetOrderDetails() {
		f, cur := textf.Sprintf("order_details[%d]", i), req.GetAmount().GetCurrency()
		unit, err := toAdyen(f+".unit_amount", &v1.Money{MinorAmount: d.GetUnitAmount(), Currency: cur})
		if err != nil {
			return nil, err
		}
		tax, err := toAdyen(f+".tax_amount", &v1.Money{MinorAmount: d.GetTaxAmount(), Currency: cur})
		if err != nil {
			return nil, err
		}
		p.lines = append(p.lines, [3]int64{unit, tax})
	}
	switch {
	case p.method.needsOrder && len(p.lines) == 0:
		return nil, pdk.InvalidRequest("order_details", "is required for buy-now-pay-later methods at Adyen")
	case p.method.needsOrder && p.country() == "":
		return nil, pdk.InvalidRequest("billing_address.country", "is required for buy-now-pay-later methods at Adyen")
	case p.method.needsCountry && p.country() == "":
		return nil, pdk.InvalidRequest("payment_method.bank_redirect.country", "is required for Sofort (or billing_address.country)")
	}
	return p, nil
}

// checkShopper checks Adyen's shopperReference: 3 to 256 characters.
func checkShopper(field, ref string) error {
	if len(ref) < 3 || len(ref) > 256 {
		return pdk.InvalidRequest(field, "must be 3 to 256 characters (Adyen shopperReference)")
	}
	return nil
}

// country is the shopper's country: the method's own (Sofort), else billing.
func (p *payment) country() string {
	return pdk.First(p.method.country, p.req.GetBillingAddress().GetCountry())
}

// post builds POST /payments; op prefixes the idempotency key.
func (p *payment) post(c *pdk.Context, op string) (*pluginv1.HttpRequest, error) {
	return send(c, checkout, "POST", "/payments", op, p.req.GetMerchantTransactionId(), p.body(merchant(c)))
}

// body writes the PaymentRequest in a fixed field order.
func (p *payment) body(merchant string) []byte {
	r, manual := p.req, manualCapture(p.req.GetCaptureMethod())
	o := jsonw.NewObject().String("merchantAccount", merchant).String("reference", r.GetMerchantTransactionId())
	writeAmount(o, "amount", p.value, r.GetAmount().GetCurrency())
	p.method.write(o)
	o.String("returnUrl", p.returnURL).StringIf("shopperReference", p.shopperRef)
	o.StringIf("shopperInteraction", p.interaction).StringIf("recurringProcessingModel", p.model)
	if p.store {
		o.Bool("storePaymentMethod", true)
	}
	if manual || r.GetRequestIncrementalAuthorization() {
		o.Object("additionalData", func(a *jsonw.Object) {
			if r.GetRequestIncrementalAuthorization() {
				a.String("authorisationType", "PreAuth")
			}
			if manual {
				a.String("manualCapture", "true")
			}
		})
	}
	if attempt := map[v1.AuthenticationType]string{v1.AuthenticationType_AUTHENTICATION_TYPE_THREE_DS: "always",
		v1.AuthenticationType_AUTHENTICATION_TYPE_NO_THREE_DS: "never"}[r.GetAuthenticationType()]; attempt != "" {
		o.Object("authenticationData", func(a *jsonw.Object) { a.String("attemptAuthentication", attempt) })
	}
	if t := r.GetThreeDs(); t != nil {
		o.Object("mpiData", func(w *jsonw.Object) {
			if s := t.GetTransactionStatus(); s == "Y" || s == "N" || s == "U" || s == "A" {
				w.String("authenticationResponse", s)
			}
			w.StringIf("cavv", t.GetAuthenticationValue()).StringIf("directoryResponse", t.GetTransactionStatus())
			w.StringIf("dsTransID", t.GetDsTransactionId()).StringIf("eci", t.GetEci()).StringIf("threeDSVersion", t.GetMessageVersion())
		})
	}
	if b := r.GetBrowserInfo(); b != nil {
		o.Object("browserInfo", func(w *jsonw.Object) {
			w.String("acceptHeader", b.GetAcceptHeader()).Int("colorDepth", int64(b.GetColorDepth()))
			w.Bool("javaEnabled", b.GetJavaEnabled()).Bool("javaScriptEnabled", b.GetJavascriptEnabled())
			w.String("language", b.GetLanguage()).Int("screenHeight", int64(b.GetScreenHeight()))
			w.Int("screenWidth", int64(b.GetScreenWidth())).Int("timeZoneOffset", int64(b.GetTimeZoneOffsetMinutes()))
			w.String("userAgent", b.GetUserAgent())
		})
		o.StringIf("shopperIP", b.GetIpAddress())
	}
	billing, cust := r.GetBillingAddress(), r.GetCustomer()
	writeAddress(o, "billingAddress", billing, false)
	writeAddress(o, "deliveryAddress", r.GetShippingAddress(), true)
	o.StringIf("shopperEmail", pdk.First(cust.GetEmail(), billing.GetEmail())).StringIf("telephoneNumber", pdk.First(cust.GetPhone(), billing.GetPhone()))
	first, last := billing.GetFirstName(), billing.GetLastName()
	if first == "" || last == "" {
		first, last, _ = strings.Cut(strings.TrimSpace(cust.GetName()), " ")
	}
	if last = strings.TrimSpace(last); first != "" && last != "" {
		o.Object("shopperName", func(n *jsonw.Object) { n.String("firstName", first).String("lastName", last) })
	}
	o.StringIf("countryCode", p.country())
	if len(p.lines) > 0 {
		o.Array("lineItems", func(a *jsonw.Array) {
			for i, d := range r.GetOrderDetails() {
				a.Object(func(w *jsonw.Object) {
					w.StringIf("id", d.GetProductId()).StringIf("description", d.GetProductName()).StringIf("itemCategory", d.GetCategory())
					w.Int("quantity", d.GetQuantity()).Int("amountIncludingTax", p.lines[i][0])
					if d.GetTaxAmount() != 0 {
						w.Int("taxAmount", p.lines[i][1])
					}
				})
			}
		})
	}
	o.SortedStringMap("metadata", r.GetMetadata())
	return o.StringIf("shopperStatement", r.GetStatementDescriptor()).StringIf("merchantOrderReference", r.GetMerchantOrderReference()).Bytes()
}

// writeAddress writes a BillingAddress or DeliveryAddress (only when it has
// a country). Adyen requires street, houseNumberOrName, city, postalCode
// and country; line1 is the street and line2 the house number or name
// (empty when the caller has no separate one).
func writeAddress(o *jsonw.Object, key string, a *v1.Address, names bool) {
	if a.GetCountry() == "" {
		return
	}
	o.Object(key, func(w *jsonw.Object) {
		w.String("city", a.GetCity()).String("country", a.GetCountry()).String("houseNumberOrName", a.GetLine2())
		w.String("postalCode", a.GetPostalCode()).StringIf("stateOrProvince", a.GetState()).String("street", a.GetLine1())
		if names {
			w.StringIf("firstName", a.GetFirstName()).StringIf("lastName", a.GetLastName())
		}
	})
}

// buildAuthorize builds POST /payments.
func buildAuthorize(c *pdk.Context, req *v1.PaymentServiceAuthorizeRequest) (*pluginv1.HttpRequest, error) {
	p, err := newPayment(c, req, "merchant_transaction_id")
	if err != nil {
		return nil, err
	}
	return p.post(c, "authorize")
}

// parseAuthorize reads the /payments answer.
func parseAuthorize(c *pdk.Context, req *v1.PaymentServiceAuthorizeRequest, res *pdk.Response) (*v1.PaymentServiceAuthorizeResponse, error) {
	manual := manualCapture(req.GetCaptureMethod())
	r, err := parsePayment(res, &manual, req.GetAmount())
	if err != nil {
		return nil, err
	}
	out := &v1.PaymentServiceAuthorizeResponse{
		ConnectorTransactionId: r.psp, Status: r.status, Amount: r.amount, NextAction: r.next, Error: r.err,
		MerchantTransactionId: r.merchantRef,
		NetworkTransactionId:  r.networkTxID, State: r.state, CardChecks: r.checks,
	}
	if req.GetSetupFutureUsage() != v1.FutureUsage_FUTURE_USAGE_UNSPECIFIED {
		out.Mandate = r.mandateFor(pdk.First(req.GetCustomer().GetId(), req.GetMandate().GetConnectorCustomerId()))
	}
	if r.status == v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZED || r.status == v1.PaymentStatus_PAYMENT_STATUS_PARTIALLY_AUTHORIZED {
		out.IncrementalAuthorizationAllowed = req.GetRequestIncrementalAuthorization()
	}
	if r.status == v1.PaymentStatus_PAYMENT_STATUS_CHARGED {
		out.CapturedAmount = r.amount
	}
	return out, nil
}

// detailsKeys are the members of Checkout v71 PaymentCompletionDetails, the
// only redirect parameters /payments/details accepts (the schema is closed).
var detailsKeys = []string{
	"MD", "PaReq", "PaRes", "authorization_token", "billingToken", "cupsecureplus.smscode",
	"facilitatorAccessToken", "oneTimePasscode", "orderID", "payerID", "payload", "paymentID",
	"paymentStatus", "redirectResult", "resultCode", "returnUrlQueryString", "threeDSResult",
	"threeds2.challengeResult", "threeds2.fingerprint", "vaultToken",
}

// buildDetails builds POST /payments/details with the shopper's redirect
// result: the parameters Adyen's details object accepts, sorted by name
// (other parameters, the merchant's own on the return URL, are dropped); a
// raw payload without any known parameter is sent as returnUrlQueryString.
func buildDetails(c *pdk.Context, req *v1.PaymentServiceVerifyRedirectResponseRequest) (*pluginv1.HttpRequest, error) {
	details := map[string]string{}
	for _, k := range detailsKeys {
		if v := req.GetParams()[k]; v != "" {
			details[k] = v
		}
	}
	if len(details) == 0 && req.GetPayload() != "" {
		details["returnUrlQueryString"] = strings.TrimPrefix(req.GetPayload(), "?")
	}
	if len(details) == 0 {
		return nil, pdk.InvalidRequest("params", "carry none of Adyen's redirect parameters (e.g. redirectResult)")
	}
	body := jsonw.NewObject().SortedStringMap("details", details).Bytes()
	// The same redirect result retried gets the same key; another one (a 3DS
	// step then a bank redirect) gets its own.
	return send(c, checkout, "POST", "/payments/details", "details", sig.SHA256Hex(body)[:32], body)
}

// parseDetails reads the /payments/details answer. The capture mode is the
// request's capture_method when set, else the one remembered in the state
// Authorize returned; without either, Authorised is AUTHORIZED.
func parseDetails(c *pdk.Context, req *v1.PaymentServiceVerifyRedirectResponseRequest, res *pdk.Response) (*v1.PaymentServiceVerifyRedirectResponseResponse, error) {
	r, err := parsePayment(res, captureFrom(req.GetCaptureMethod(), req.GetState(), c.State), req.GetAmount())
	if err != nil {
		return nil, err
	}
	return &v1.PaymentServiceVerifyRedirectResponseResponse{
		ConnectorTransactionId: r.psp, Status: r.status, Amount: r.amount,
		NextAction: r.next, Error: r.err, Mandate: r.mandateFor(""), State: r.state, CardChecks: r.checks,
		MerchantTransactionId: r.merchantRef, NetworkTransactionId: r.networkTxID,
	}, nil
}

// buildSetupRecurring builds a zero-amount (or first) /payments call that
// stores the payment method: storePaymentMethod, shopperReference,
// shopperInteraction Ecommerce and recurringProcessingModel (CardOnFile for
// on-session reuse, Subscription otherwise).
func buildSetupRecurring(c *pdk.Context, req *v1.PaymentServiceSetupRecurringRequest) (*pluginv1.HttpRequest, error) {
	if req.GetCustomer().GetId() == "" {
		return nil, pdk.InvalidRequest("customer.id", "is required: Adyen stores payment methods per shopperReference")
	}
	if _, stored := req.GetPaymentMethod().GetMethod().(*v1.PaymentMethod_Token); stored {
		return nil, pdk.InvalidRequest("payment_method", "is already a stored payment method")
	}
	p, err := newPayment(c, &v1.PaymentServiceAuthorizeRequest{
		MerchantTransactionId: req.GetMerchantSetupId(), Amount: req.GetAmount(), PaymentMethod: req.GetPaymentMethod(),
		Customer: req.GetCustomer(), BillingAddress: req.GetBillingAddress(), BrowserInfo: req.GetBrowserInfo(), ReturnUrl: req.GetReturnUrl(),
		Metadata: req.GetMetadata(), AuthenticationType: req.GetAuthenticationType(), SetupFutureUsage: v1.FutureUsage_FUTURE_USAGE_OFF_SESSION,
	}, "merchant_setup_id")
	if err != nil {
		return nil, err
	}
	if p.model = modelSubscription; req.GetFutureUsage() == v1.FutureUsage_FUTURE_USAGE_ON_SESSION {
		p.model = modelCardOnFile
	}
	return p.post(c, "setup")
}

// parseSetupRecurring maps the answer: the mandate is the stored payment
// method id Adyen returns. Authorised without one is PENDING: the id then
// arrives in the AUTHORISATION / RECURRING_CONTRACT webhook.
func parseSetupRecurring(c *pdk.Context, req *v1.PaymentServiceSetupRecurringRequest, res *pdk.Response) (*v1.PaymentServiceSetupRecurringResponse, error) {
	automatic := false
	r, err := parsePayment(res, &automatic, req.GetAmount())
	if err != nil {
		return nil, err
	}
	out := &v1.PaymentServiceSetupRecurringResponse{ConnectorSetupId: r.psp, NextAction: r.next, Error: r.err,
		State: r.state}
	if req.GetAmount().GetMinorAmount() > 0 {
		out.PaymentStatus = r.status
	}
	mandate := r.mandateFor(req.GetCustomer().GetId())
	switch out.Status = pdk.MandateStatusOf(r.status); {
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
}

// storedShopper is the stored payment method and the shopper a recurring
// request names (the mandate's customer, else the request's customer).
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

// buildRecurringCharge charges a stored payment method: POST /payments with
// paymentMethod.storedPaymentMethodId, shopperInteraction ContAuth and
// recurringProcessingModel (default Subscription).
func buildRecurringCharge(c *pdk.Context, req *v1.RecurringPaymentServiceChargeRequest) (*pluginv1.HttpRequest, error) {
	id, shopper, err := storedShopper(req.GetMandate(), req.GetCustomer())
	if err != nil {
		return nil, err
	}
	model := pdk.First(req.GetRecurringModel(), modelSubscription)
	if model != modelSubscription && model != modelCardOnFile && model != modelUnscheduled {
		return nil, pdk.InvalidRequest("recurring_model", "must be Subscription, UnscheduledCardOnFile or CardOnFile")
	}
	p, err := newPayment(c, &v1.PaymentServiceAuthorizeRequest{
		MerchantTransactionId: req.GetMerchantTransactionId(), Amount: req.GetAmount(), Mandate: &v1.MandateReference{ConnectorMandateId: id},
		Customer: &v1.Customer{Id: shopper, Email: req.GetCustomer().GetEmail()}, ReturnUrl: req.GetReturnUrl(), Metadata: req.GetMetadata(),
		StatementDescriptor: req.GetStatementDescriptor(), CaptureMethod: req.GetCaptureMethod(),
	}, "merchant_transaction_id")
	if err != nil {
		return nil, err
	}
	p.model = model
	return p.post(c, "charge")
}

func parseRecurringCharge(c *pdk.Context, req *v1.RecurringPaymentServiceChargeRequest, res *pdk.Response) (*v1.RecurringPaymentServiceChargeResponse, error) {
	manual := manualCapture(req.GetCaptureMethod())
	r, err := parsePayment(res, &manual, req.GetAmount())
	if err != nil {
		return nil, err
	}
	return &v1.RecurringPaymentServiceChargeResponse{
		ConnectorTransactionId: r.psp, Status: r.status, Amount: r.amount, Error: r.err, NextAction: r.next, State: r.state,
		MerchantTransactionId: r.merchantRef, NetworkTransactionId: r.networkTxID,
		Mandate: req.GetMandate(),
	}, nil
}

// buildRecurringRevoke builds DELETE
// /storedPaymentMethods/{storedPaymentMethodId}?shopperReference=...&merchantAccount=...
// (both query parameters are required in v71).
func buildRecurringRevoke(c *pdk.Context, req *v1.RecurringPaymentServiceRevokeRequest) (*pluginv1.HttpRequest, error) {
	id, shopper, err := storedShopper(req.GetMandate(), req.GetCustomer())
	if err != nil {
		return nil, err
	}
	seg, err := pdk.PathID("mandate.connector_mandate_id", id)
	if err != nil {
		return nil, err
	}
	return send(c, checkout, "DELETE", "/storedPaymentMethods/"+seg+"?shopperReference="+weburl.QueryEscape(shopper)+"&merchantAccount="+weburl.QueryEscape(merchant(c)), "", "", nil)
}

// parseRecurringRevoke: 204 No Content (or any 2xx) means the token is deleted.
func parseRecurringRevoke(c *pdk.Context, req *v1.RecurringPaymentServiceRevokeRequest, res *pdk.Response) (*v1.RecurringPaymentServiceRevokeResponse, error) {
	if err := httpError(res); err != nil {
		return nil, err
	}
	if res.Truncated {
		return nil, pdk.InvalidResponse("Adyen's answer (HTTP %d) was truncated", res.Status)
	}
	return &v1.RecurringPaymentServiceRevokeResponse{Status: v1.MandateStatus_MANDATE_STATUS_REVOKED, ConnectorMandateId: req.GetMandate().GetConnectorMandateId()}, nil
}
