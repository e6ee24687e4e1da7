package stripe

import (
	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk"
	"github.com/connectorhost/connector-host/pdk/form"
	"github.com/valyala/fastjson"
)

var setupRecurringHandler = pdk.H(buildSetupRecurring, parseSetupRecurring)

// setupTypes are the Stripe payment method types a SetupIntent can store
// for off-session use.
var setupTypes = map[string]bool{
	"card": true, "sepa_debit": true, "us_bank_account": true, "bacs_debit": true, "au_becs_debit": true,
	"ideal": true, "bancontact": true, "sofort": true, "paypal": true,
}

// firstCharge reports whether SetupRecurring charges an amount while storing
// the payment method (a PaymentIntent with setup_future_usage) rather than
// only verifying it (a SetupIntent).
func firstCharge(req *v1.PaymentServiceSetupRecurringRequest) bool {
	return req.GetAmount().GetMinorAmount() > 0
}

func setupUsage(u v1.FutureUsage) v1.FutureUsage {
	if u == v1.FutureUsage_FUTURE_USAGE_UNSPECIFIED {
		return v1.FutureUsage_FUTURE_USAGE_OFF_SESSION
	}
	return u
}

// buildSetupRecurring stores a payment method for later merchant-initiated
// charges: POST /v1/setup_intents for a zero amount, else a PaymentIntent
// with setup_future_usage that charges the first amount.
func buildSetupRecurring(c *pdk.Context, req *v1.PaymentServiceSetupRecurringRequest) (*pluginv1.HttpRequest, error) {
	if firstCharge(req) {
		return buildIntent(c, &intentRequest{
			op:              "setup",
			merchantID:      req.GetMerchantSetupId(),
			merchantIDField: "merchant_setup_id",
			amount:          req.GetAmount(),
			paymentMethod:   req.GetPaymentMethod(),
			authType:        req.GetAuthenticationType(),
			customerID:      customerID(c, req.GetCustomer(), req.GetState()),
			payer:           payer{billing: req.GetBillingAddress(), customer: req.GetCustomer()},
			browser:         req.GetBrowserInfo(),
			acceptance:      req.GetCustomerAcceptance(),
			returnURL:       req.GetReturnUrl(),
			description:     req.GetDescription(),
			futureUsage:     setupUsage(req.GetFutureUsage()),
			metadata:        req.GetMetadata(),
			extraMetadata:   []string{"merchant_setup_id", req.GetMerchantSetupId()},
		})
	}
	key, err := requireMerchantID("setup", req.GetMerchantSetupId(), "merchant_setup_id")
	if err != nil {
		return nil, err
	}
	if req.GetPaymentMethod() == nil {
		return nil, pdk.InvalidRequest("payment_method", "is required")
	}
	f := form.New()
	f.SetBool("confirm", true)
	f.Set("usage", stripeFutureUsage(setupUsage(req.GetFutureUsage())))
	spec, err := encodePaymentMethod(f, req.GetPaymentMethod(), payer{billing: req.GetBillingAddress(), customer: req.GetCustomer()})
	if err != nil {
		return nil, err
	}
	if spec.Type != "" && !setupTypes[spec.Type] {
		return nil, pdk.Unsupported("%s cannot be stored for recurring payments", spec.Name)
	}
	f.SetIf("customer", customerID(c, req.GetCustomer(), req.GetState()))
	switch {
	case spec.Type != "":
		f.Nest("payment_method_types").Append(spec.Type)
	case req.GetReturnUrl() == "":
		apm := f.Nest("automatic_payment_methods")
		apm.SetBool("enabled", true)
		apm.Set("allow_redirects", "never")
	}
	if spec.Redirect && req.GetReturnUrl() == "" {
		return nil, pdk.InvalidRequest("return_url", "is required for "+spec.Name+": the shopper is redirected")
	}
	f.SetIf("return_url", req.GetReturnUrl())
	if spec.Mandate || spec.ReusableViaSEPA || spec.Type == "paypal" {
		writeMandateData(f, req.GetCustomerAcceptance(), req.GetBrowserInfo())
	}
	if spec.Card && req.GetAuthenticationType() == v1.AuthenticationType_AUTHENTICATION_TYPE_THREE_DS {
		f.Nest("payment_method_options").Nest("card").Set("request_three_d_secure", "any")
	}
	f.SetIf("description", req.GetDescription())
	if err := writeMetadata(f, req.GetMetadata(), "merchant_setup_id", req.GetMerchantSetupId()); err != nil {
		return nil, err
	}
	return post(c, "/v1/setup_intents", key, f)
}

// setupIntent is the unified reading of a Stripe SetupIntent.
type setupIntent struct {
	ID         string
	Status     v1.MandateStatus
	Mandate    *v1.MandateReference
	NextAction *v1.NextAction
	Error      *v1.PaymentError
	CustomerID string
}

// parseSetupIntent reads a SetupIntent object. The mandate id is the stored
// payment method's id (what RecurringCharge sends as payment_method).
func parseSetupIntent(v *fastjson.Value, httpStatus int, requestID string, secrets []string) (*setupIntent, error) {
	if obj := str(v, "object"); obj != "" && obj != "setup_intent" {
		return nil, pdk.InvalidResponse("answered with a %q object where a setup_intent was expected", obj)
	}
	id, err := requireID(v, "setup_intent")
	if err != nil {
		return nil, err
	}
	raw := str(v, "status")
	si := &setupIntent{ID: id, Status: setupIntentStatuses.Get(raw), CustomerID: idOf(v, "customer")}
	if lse := object(v, "last_setup_error"); lse != nil && (raw == "requires_payment_method" || raw == "canceled") {
		si.Error = parseAPIError(lse, httpStatus, requestID, secrets).paymentError()
		si.Status = v1.MandateStatus_MANDATE_STATUS_FAILED
	}
	if raw == "requires_action" {
		_, si.NextAction = nextAction(object(v, "next_action"))
	}
	if pm := idOf(v, "payment_method"); pm != "" {
		si.Mandate = &v1.MandateReference{ConnectorMandateId: pm, ConnectorCustomerId: si.CustomerID, Status: si.Status}
	}
	return si, nil
}

func parseSetupRecurring(c *pdk.Context, req *v1.PaymentServiceSetupRecurringRequest, res *pdk.Response) (*v1.PaymentServiceSetupRecurringResponse, error) {
	out := &v1.PaymentServiceSetupRecurringResponse{
		MerchantSetupId:     req.GetMerchantSetupId(),
		ConnectorHttpStatus: int32(res.Status),
	}
	if firstCharge(req) {
		in, err := parseIntentAnswer(c, res, req.GetAmount(), req.GetPaymentMethod())
		if err != nil {
			return nil, err
		}
		out.ConnectorSetupId = in.ID
		out.PaymentStatus = in.Status
		out.Status = mandateFromPayment(in.Status)
		out.Mandate = in.Mandate
		out.NextAction = in.NextAction
		out.Error = in.Error
		out.State = customerState(in.CustomerID)
		return out, nil
	}
	secrets := secretsOf(c, req.GetPaymentMethod())
	a, err := readAnswer(res, secrets)
	if err != nil {
		return nil, err
	}
	if a.Err != nil {
		if !a.Err.isDecline() {
			return nil, a.Err.pluginError()
		}
		out.Status = v1.MandateStatus_MANDATE_STATUS_FAILED
		out.Error = a.Err.paymentError()
		out.ConnectorSetupId = str(a.Err.SetupIntent, "id")
		return out, nil
	}
	si, err := parseSetupIntent(a.Obj, a.Status, a.RequestID, secrets)
	if err != nil {
		return nil, err
	}
	out.ConnectorSetupId = si.ID
	out.Status = si.Status
	out.Mandate = si.Mandate
	out.NextAction = si.NextAction
	out.Error = si.Error
	out.State = customerState(si.CustomerID)
	return out, nil
}

var recurringChargeHandler = pdk.H(buildRecurringCharge, parseRecurringCharge)

// buildRecurringCharge charges a stored payment method off-session:
// POST /v1/payment_intents with off_session=true, confirm=true,
// payment_method=mandate id and its customer.
func buildRecurringCharge(c *pdk.Context, req *v1.RecurringPaymentServiceChargeRequest) (*pluginv1.HttpRequest, error) {
	if req.GetMandate().GetConnectorMandateId() == "" {
		return nil, pdk.InvalidRequest("mandate.connector_mandate_id", "is required (the stored payment method, pm_...)")
	}
	return buildIntent(c, &intentRequest{
		merchantID:          req.GetMerchantTransactionId(),
		merchantIDField:     "merchant_transaction_id",
		amount:              req.GetAmount(),
		mandate:             req.GetMandate(),
		captureMethod:       req.GetCaptureMethod(),
		customerID:          customerID(c, req.GetCustomer(), req.GetState()),
		description:         req.GetDescription(),
		statementDescriptor: req.GetStatementDescriptor(),
		offSession:          true,
		metadata:            req.GetMetadata(),
		extraMetadata:       []string{"merchant_transaction_id", req.GetMerchantTransactionId()},
	})
}

func parseRecurringCharge(c *pdk.Context, req *v1.RecurringPaymentServiceChargeRequest, res *pdk.Response) (*v1.RecurringPaymentServiceChargeResponse, error) {
	in, err := parseIntentAnswer(c, res, req.GetAmount(), nil)
	if err != nil {
		return nil, err
	}
	mandate := req.GetMandate().CloneVT()
	if mandate == nil {
		mandate = &v1.MandateReference{}
	}
	if mandate.ConnectorCustomerId == "" {
		mandate.ConnectorCustomerId = in.CustomerID
	}
	return &v1.RecurringPaymentServiceChargeResponse{
		ConnectorTransactionId: in.ID,
		Status:                 in.Status,
		Amount:                 in.Amount,
		Error:                  in.Error,
		State:                  customerState(in.CustomerID),
		MerchantTransactionId:  req.GetMerchantTransactionId(),
		NetworkTransactionId:   in.NetworkTxnID,
		NextAction:             in.NextAction,
		Mandate:                mandate,
		ConnectorHttpStatus:    int32(res.Status),
	}, nil
}

var recurringRevokeHandler = pdk.H(buildRecurringRevoke, parseRecurringRevoke)

// buildRecurringRevoke detaches the stored payment method from its
// customer: POST /v1/payment_methods/{pm}/detach. A detached payment method
// can no longer be charged.
func buildRecurringRevoke(c *pdk.Context, req *v1.RecurringPaymentServiceRevokeRequest) (*pluginv1.HttpRequest, error) {
	path, err := objectPath("/v1/payment_methods", req.GetMandate().GetConnectorMandateId(), "mandate.connector_mandate_id", "detach")
	if err != nil {
		return nil, err
	}
	key, err := requireMerchantID("revoke", req.GetMerchantRevokeId(), "merchant_revoke_id")
	if err != nil {
		return nil, err
	}
	return post(c, path, key, nil)
}

func parseRecurringRevoke(c *pdk.Context, req *v1.RecurringPaymentServiceRevokeRequest, res *pdk.Response) (*v1.RecurringPaymentServiceRevokeResponse, error) {
	a, err := readAnswer(res, secretsOf(c, nil))
	if err != nil {
		return nil, err
	}
	if a.Err != nil {
		return nil, a.Err.pluginError()
	}
	if obj := str(a.Obj, "object"); obj != "" && obj != "payment_method" {
		return nil, pdk.InvalidResponse("answered with a %q object where a payment_method was expected", obj)
	}
	id, err := requireID(a.Obj, "payment_method")
	if err != nil {
		return nil, err
	}
	return &v1.RecurringPaymentServiceRevokeResponse{
		Status:              v1.MandateStatus_MANDATE_STATUS_REVOKED,
		ConnectorMandateId:  id,
		ConnectorHttpStatus: int32(res.Status),
	}, nil
}
