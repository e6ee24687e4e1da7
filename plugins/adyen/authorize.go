package adyen

import (
	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk"
)

// postPayments builds POST /payments from a request's plan, with the
// idempotency key derived from op and the merchant's id.
func postPayments(c *pdk.Context, op, merchantID string, plan func(credentials) (*paymentPlan, error)) (*pluginv1.HttpRequest, error) {
	cr, err := requireCredentials(c)
	if err != nil {
		return nil, err
	}
	base, err := checkoutBase(c)
	if err != nil {
		return nil, err
	}
	p, err := plan(cr)
	if err != nil {
		return nil, err
	}
	return post(base+"/payments", cr, idempotencyKey(op, merchantID), p.body()), nil
}

// buildAuthorize builds POST /payments.
func buildAuthorize(c *pdk.Context, req *v1.PaymentServiceAuthorizeRequest) (*pluginv1.HttpRequest, error) {
	return postPayments(c, "authorize", req.GetMerchantTransactionId(), func(cr credentials) (*paymentPlan, error) { return authorizePlan(c, cr, req) })
}

// authorizePlan validates an Authorize request into a /payments plan.
func authorizePlan(c *pdk.Context, cr credentials, req *v1.PaymentServiceAuthorizeRequest) (*paymentPlan, error) {
	if req.GetMerchantTransactionId() == "" {
		return nil, pdk.InvalidRequest("merchant_transaction_id", "is required (Adyen reference)")
	}
	amt, err := toAdyen("amount", req.GetAmount())
	if err != nil {
		return nil, err
	}
	ret, err := returnURL(c, "return_url", req.GetReturnUrl())
	if err != nil {
		return nil, err
	}
	p := &paymentPlan{cr: cr, reference: req.GetMerchantTransactionId(), amount: amt, returnURL: ret}

	// A mandate (stored credential) takes the place of payment_method data.
	if id := req.GetMandate().GetConnectorMandateId(); id != "" {
		p.method = storedMethod(id)
	} else if p.method, err = paymentMethod(req.GetPaymentMethod(), req.GetBillingAddress().GetCountry()); err != nil {
		return nil, err
	}

	shopperRef, refField := req.GetCustomer().GetId(), "customer.id"
	if shopperRef == "" {
		shopperRef, refField = req.GetMandate().GetConnectorCustomerId(), "mandate.connector_customer_id"
	}
	needShopper := false
	switch {
	case p.method.stored:
		// Charging a token: card on file, merchant-initiated when off session.
		p.shopperInteraction = interactionCont
		p.recurringModel = modelCardOnFile
		if req.GetOffSession() {
			p.recurringModel = modelUnscheduled
		}
		needShopper = true
	case req.GetSetupFutureUsage() != v1.FutureUsage_FUTURE_USAGE_UNSPECIFIED:
		p.storePaymentMethod = true
		p.shopperInteraction = interactionEcom
		p.recurringModel = modelCardOnFile
		if req.GetSetupFutureUsage() == v1.FutureUsage_FUTURE_USAGE_OFF_SESSION {
			p.recurringModel = modelUnscheduled
		}
		needShopper = true
	case req.GetOffSession():
		p.shopperInteraction = interactionCont
		p.recurringModel = modelUnscheduled
	}
	if needShopper && shopperRef == "" {
		return nil, pdk.InvalidRequest("customer.id", "is required to store or charge a stored payment method at Adyen (shopperReference)")
	}
	if shopperRef != "" {
		if err := shopperReference(refField, shopperRef); err != nil {
			return nil, err
		}
		p.shopperReference = shopperRef
	}

	switch req.GetCaptureMethod() {
	case v1.CaptureMethod_CAPTURE_METHOD_MANUAL, v1.CaptureMethod_CAPTURE_METHOD_MANUAL_MULTIPLE:
		p.manualCapture = true
	}
	p.preAuth = req.GetRequestIncrementalAuthorization()
	switch req.GetAuthenticationType() {
	case v1.AuthenticationType_AUTHENTICATION_TYPE_THREE_DS:
		p.attemptAuth = "always"
	case v1.AuthenticationType_AUTHENTICATION_TYPE_NO_THREE_DS:
		p.attemptAuth = "never"
	}
	if t := req.GetThreeDs(); t != nil {
		if err := validMPI(t); err != nil {
			return nil, err
		}
		p.mpi = t
	}
	p.browser = req.GetBrowserInfo()
	p.shopperDetails(req.GetCustomer(), req.GetBillingAddress(), req.GetShippingAddress())
	if p.lineItems, err = lineItems(req.GetOrderDetails(), amt.Currency); err != nil {
		return nil, err
	}
	if p.metadata, err = metadataPairs(req.GetMetadata()); err != nil {
		return nil, err
	}
	p.statement = req.GetStatementDescriptor()
	p.orderReference = req.GetMerchantOrderReference()
	if err := p.checkOrderNeeds(); err != nil {
		return nil, err
	}
	return p, nil
}

// captureOf is the capture mode an Authorize request asked for.
func captureOf(m v1.CaptureMethod) captureMode {
	switch m {
	case v1.CaptureMethod_CAPTURE_METHOD_MANUAL, v1.CaptureMethod_CAPTURE_METHOD_MANUAL_MULTIPLE:
		return captureManual
	}
	return captureAutomatic
}

// parseAuthorize reads the /payments answer.
func parseAuthorize(c *pdk.Context, req *v1.PaymentServiceAuthorizeRequest, res *pdk.Response) (*v1.PaymentServiceAuthorizeResponse, error) {
	mode := captureOf(req.GetCaptureMethod())
	r, err := parsePayment(res, mode, req.GetAmount())
	if err != nil {
		return nil, err
	}
	out := &v1.PaymentServiceAuthorizeResponse{
		ConnectorTransactionId: r.psp,
		Status:                 r.status,
		Amount:                 r.amount,
		NextAction:             r.next,
		Error:                  r.err,
		MerchantTransactionId:  firstNonEmpty(r.merchantRef, req.GetMerchantTransactionId()),
		NetworkTransactionId:   r.networkTxID,
		ConnectorHttpStatus:    int32(res.Status),
		State:                  r.state(mode),
		CardChecks:             r.checks,
	}
	if req.GetSetupFutureUsage() != v1.FutureUsage_FUTURE_USAGE_UNSPECIFIED {
		out.Mandate = r.mandateFor(firstNonEmpty(req.GetCustomer().GetId(), req.GetMandate().GetConnectorCustomerId()))
	}
	if r.status == v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZED || r.status == v1.PaymentStatus_PAYMENT_STATUS_PARTIALLY_AUTHORIZED {
		out.IncrementalAuthorizationAllowed = req.GetRequestIncrementalAuthorization()
	}
	if r.status == v1.PaymentStatus_PAYMENT_STATUS_CHARGED {
		out.CapturedAmount = r.amount
	}
	return out, nil
}
