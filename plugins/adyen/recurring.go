package adyen

import (
	"net/url"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk"
)

// buildSetupRecurring builds a zero-amount (or first) /payments call that
// stores the payment method: storePaymentMethod, shopperReference,
// shopperInteraction Ecommerce and recurringProcessingModel (CardOnFile for
// on-session reuse, Subscription otherwise).
func buildSetupRecurring(c *pdk.Context, req *v1.PaymentServiceSetupRecurringRequest) (*pluginv1.HttpRequest, error) {
	return postPayments(c, "setup", req.GetMerchantSetupId(), func(cr credentials) (*paymentPlan, error) { return setupPlan(c, cr, req) })
}

func setupPlan(c *pdk.Context, cr credentials, req *v1.PaymentServiceSetupRecurringRequest) (*paymentPlan, error) {
	if err := requireID("merchant_setup_id", req.GetMerchantSetupId()); err != nil {
		return nil, err
	}
	amt, err := toAdyen("amount", req.GetAmount())
	if err != nil {
		return nil, err
	}
	ret, err := returnURL(c, "return_url", req.GetReturnUrl())
	if err != nil {
		return nil, err
	}
	ref := req.GetCustomer().GetId()
	if ref == "" {
		return nil, pdk.InvalidRequest("customer.id", "is required: Adyen stores payment methods per shopperReference")
	}
	if err := shopperReference("customer.id", ref); err != nil {
		return nil, err
	}
	m, err := paymentMethod(req.GetPaymentMethod(), req.GetBillingAddress().GetCountry())
	if err != nil {
		return nil, err
	}
	if m.stored {
		return nil, pdk.InvalidRequest("payment_method", "is already a stored payment method")
	}
	p := &paymentPlan{
		cr: cr, reference: req.GetMerchantSetupId(), amount: amt, method: m, returnURL: ret,
		shopperReference: ref, shopperInteraction: interactionEcom, recurringModel: modelSubscription,
		storePaymentMethod: true, browser: req.GetBrowserInfo(),
	}
	if req.GetFutureUsage() == v1.FutureUsage_FUTURE_USAGE_ON_SESSION {
		p.recurringModel = modelCardOnFile
	}
	switch req.GetAuthenticationType() {
	case v1.AuthenticationType_AUTHENTICATION_TYPE_THREE_DS:
		p.attemptAuth = "always"
	case v1.AuthenticationType_AUTHENTICATION_TYPE_NO_THREE_DS:
		p.attemptAuth = "never"
	}
	p.shopperDetails(req.GetCustomer(), req.GetBillingAddress(), nil)
	if p.metadata, err = metadataPairs(req.GetMetadata()); err != nil {
		return nil, err
	}
	if err := p.checkOrderNeeds(); err != nil {
		return nil, err
	}
	return p, nil
}

// parseSetupRecurring maps the answer: the mandate is the stored payment
// method id Adyen returns (tokenization.storedPaymentMethodId, or
// recurring.recurringDetailReference). Authorised without one is PENDING:
// the id then arrives in the AUTHORISATION / RECURRING_CONTRACT webhook.
func parseSetupRecurring(c *pdk.Context, req *v1.PaymentServiceSetupRecurringRequest, res *pdk.Response) (*v1.PaymentServiceSetupRecurringResponse, error) {
	r, err := parsePayment(res, captureAutomatic, req.GetAmount())
	if err != nil {
		return nil, err
	}
	out := &v1.PaymentServiceSetupRecurringResponse{
		ConnectorSetupId:    r.psp,
		NextAction:          r.next,
		Error:               r.err,
		MerchantSetupId:     req.GetMerchantSetupId(),
		ConnectorHttpStatus: int32(res.Status),
		State:               r.state(captureAutomatic),
	}
	if req.GetAmount().GetMinorAmount() > 0 {
		out.PaymentStatus = r.status
	}
	mandate := r.mandateFor(req.GetCustomer().GetId())
	switch r.status {
	case v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZED, v1.PaymentStatus_PAYMENT_STATUS_CHARGED:
		if mandate != nil {
			out.Status = v1.MandateStatus_MANDATE_STATUS_ACTIVE
		} else {
			out.Status = v1.MandateStatus_MANDATE_STATUS_PENDING
		}
	case v1.PaymentStatus_PAYMENT_STATUS_AUTHENTICATION_PENDING, v1.PaymentStatus_PAYMENT_STATUS_ACTION_REQUIRED:
		out.Status = v1.MandateStatus_MANDATE_STATUS_ACTION_REQUIRED
	case v1.PaymentStatus_PAYMENT_STATUS_PENDING:
		out.Status = v1.MandateStatus_MANDATE_STATUS_PENDING
	case v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZATION_FAILED, v1.PaymentStatus_PAYMENT_STATUS_FAILURE,
		v1.PaymentStatus_PAYMENT_STATUS_VOIDED:
		out.Status = v1.MandateStatus_MANDATE_STATUS_FAILED
		mandate = nil
	default:
		out.Status = v1.MandateStatus_MANDATE_STATUS_UNKNOWN
	}
	if mandate != nil {
		mandate.Status = out.Status
	}
	out.Mandate = mandate
	return out, nil
}

// recurringModel maps the unified recurring_model (default Subscription).
func recurringModel(v string) (string, error) {
	switch v {
	case "", modelSubscription:
		return modelSubscription, nil
	case modelCardOnFile, modelUnscheduled:
		return v, nil
	}
	return "", pdk.InvalidRequest("recurring_model", "must be Subscription, UnscheduledCardOnFile or CardOnFile")
}

// buildRecurringCharge charges a stored payment method: POST /payments with
// paymentMethod.storedPaymentMethodId, shopperInteraction ContAuth and
// recurringProcessingModel.
func buildRecurringCharge(c *pdk.Context, req *v1.RecurringPaymentServiceChargeRequest) (*pluginv1.HttpRequest, error) {
	return postPayments(c, "charge", req.GetMerchantTransactionId(), func(cr credentials) (*paymentPlan, error) { return chargePlan(c, cr, req) })
}

func chargePlan(c *pdk.Context, cr credentials, req *v1.RecurringPaymentServiceChargeRequest) (*paymentPlan, error) {
	if err := requireID("merchant_transaction_id", req.GetMerchantTransactionId()); err != nil {
		return nil, err
	}
	amt, err := toAdyen("amount", req.GetAmount())
	if err != nil {
		return nil, err
	}
	id := req.GetMandate().GetConnectorMandateId()
	if id == "" {
		return nil, pdk.InvalidRequest("mandate.connector_mandate_id", "is required (Adyen storedPaymentMethodId)")
	}
	ref, field := req.GetMandate().GetConnectorCustomerId(), "mandate.connector_customer_id"
	if ref == "" {
		ref, field = req.GetCustomer().GetId(), "customer.id"
	}
	if ref == "" {
		return nil, pdk.InvalidRequest("mandate.connector_customer_id", "is required (Adyen shopperReference)")
	}
	if err := shopperReference(field, ref); err != nil {
		return nil, err
	}
	model, err := recurringModel(req.GetRecurringModel())
	if err != nil {
		return nil, err
	}
	// Checkout v71 requires returnUrl even on merchant-initiated charges (the
	// issuer may still ask for authentication): the request's, else config's.
	ret, err := returnURL(c, "return_url", req.GetReturnUrl())
	if err != nil {
		return nil, err
	}
	p := &paymentPlan{
		cr: cr, reference: req.GetMerchantTransactionId(), amount: amt, method: storedMethod(id),
		returnURL: ret, shopperReference: ref, shopperInteraction: interactionCont, recurringModel: model,
		manualCapture: captureOf(req.GetCaptureMethod()) == captureManual,
		statement:     req.GetStatementDescriptor(),
		email:         req.GetCustomer().GetEmail(),
	}
	if p.metadata, err = metadataPairs(req.GetMetadata()); err != nil {
		return nil, err
	}
	return p, nil
}

func parseRecurringCharge(c *pdk.Context, req *v1.RecurringPaymentServiceChargeRequest, res *pdk.Response) (*v1.RecurringPaymentServiceChargeResponse, error) {
	mode := captureOf(req.GetCaptureMethod())
	r, err := parsePayment(res, mode, req.GetAmount())
	if err != nil {
		return nil, err
	}
	return &v1.RecurringPaymentServiceChargeResponse{
		ConnectorTransactionId: r.psp,
		Status:                 r.status,
		Amount:                 r.amount,
		Error:                  r.err,
		MerchantTransactionId:  firstNonEmpty(r.merchantRef, req.GetMerchantTransactionId()),
		NetworkTransactionId:   r.networkTxID,
		NextAction:             r.next,
		Mandate:                req.GetMandate(),
		ConnectorHttpStatus:    int32(res.Status),
		State:                  r.state(mode),
	}, nil
}

// revokeTarget is the stored payment method and shopper a revoke names.
func revokeTarget(req *v1.RecurringPaymentServiceRevokeRequest) (id, shopper string, err error) {
	id = req.GetMandate().GetConnectorMandateId()
	if id == "" {
		return "", "", pdk.InvalidRequest("mandate.connector_mandate_id", "is required (Adyen storedPaymentMethodId)")
	}
	shopper, field := req.GetMandate().GetConnectorCustomerId(), "mandate.connector_customer_id"
	if shopper == "" {
		shopper, field = req.GetCustomer().GetId(), "customer.id"
	}
	if shopper == "" {
		return "", "", pdk.InvalidRequest("mandate.connector_customer_id", "is required (Adyen shopperReference)")
	}
	return id, shopper, shopperReference(field, shopper)
}

// buildRecurringRevoke builds DELETE
// /storedPaymentMethods/{storedPaymentMethodId}?shopperReference=...&merchantAccount=...
// (both query parameters are required in v71). Checkout v71 declares the
// Idempotency-Key header on POST operations only; deleting a token is
// idempotent by itself, so the request is marked retry-safe without a key.
func buildRecurringRevoke(c *pdk.Context, req *v1.RecurringPaymentServiceRevokeRequest) (*pluginv1.HttpRequest, error) {
	cr, err := requireCredentials(c)
	if err != nil {
		return nil, err
	}
	base, err := checkoutBase(c)
	if err != nil {
		return nil, err
	}
	id, shopper, err := revokeTarget(req)
	if err != nil {
		return nil, err
	}
	seg, err := pathSegment("mandate.connector_mandate_id", id)
	if err != nil {
		return nil, err
	}
	u := base + "/storedPaymentMethods/" + seg +
		"?shopperReference=" + url.QueryEscape(shopper) + "&merchantAccount=" + url.QueryEscape(cr.merchantAccount)
	return pdk.NewRequest("DELETE", u).
		SecretHeader("X-API-Key", cr.apiKey).
		Header("Accept", "application/json").
		Idempotent().
		Build(), nil
}

// parseRecurringRevoke: 204 No Content (or any 2xx) means the token is deleted.
func parseRecurringRevoke(c *pdk.Context, req *v1.RecurringPaymentServiceRevokeRequest, res *pdk.Response) (*v1.RecurringPaymentServiceRevokeResponse, error) {
	if err := httpError(res); err != nil {
		return nil, err
	}
	if res.Truncated {
		return nil, pdk.InvalidResponse("Adyen's answer (HTTP %d) was truncated", res.Status)
	}
	return &v1.RecurringPaymentServiceRevokeResponse{
		Status:              v1.MandateStatus_MANDATE_STATUS_REVOKED,
		ConnectorMandateId:  req.GetMandate().GetConnectorMandateId(),
		ConnectorHttpStatus: int32(res.Status),
	}, nil
}
