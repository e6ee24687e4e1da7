package stripe

import (
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk"
	"github.com/connectorhost/connector-host/pdk/statusmap"
)

type (
	setupIn  = v1.PaymentServiceSetupRecurringRequest
	setupOut = v1.PaymentServiceSetupRecurringResponse
	chargeIn = v1.RecurringPaymentServiceChargeRequest
	revokeIn = v1.RecurringPaymentServiceRevokeRequest
)

// setupIntentStatuses maps SetupIntent.status to the mandate's status.
// requires_payment_method with a last_setup_error is refined to FAILED.
var setupIntentStatuses = statusmap.Grouped(map[v1.MandateStatus]string{
	v1.MandateStatus_MANDATE_STATUS_PENDING:         "requires_payment_method requires_confirmation processing",
	v1.MandateStatus_MANDATE_STATUS_ACTION_REQUIRED: "requires_action",
	v1.MandateStatus_MANDATE_STATUS_FAILED:          "canceled",
	v1.MandateStatus_MANDATE_STATUS_ACTIVE:          "succeeded",
}, v1.MandateStatus_MANDATE_STATUS_UNKNOWN)

// setupPaymentStatuses maps SetupIntent.status to the payment status
// VerifyRedirectResponse answers for it (setupPaymentStatus refines it): a
// payment method verified and stored is AUTHORIZED, as a zero-amount card
// verification is, and the mandate's status is MandateStatusOf of it.
var setupPaymentStatuses = statusmap.Grouped(map[v1.PaymentStatus]string{
	v1.PaymentStatus_PAYMENT_STATUS_STARTED:                "requires_payment_method requires_confirmation",
	v1.PaymentStatus_PAYMENT_STATUS_AUTHENTICATION_PENDING: "requires_action",
	v1.PaymentStatus_PAYMENT_STATUS_PENDING:                "processing",
	v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZED:             "succeeded",
	v1.PaymentStatus_PAYMENT_STATUS_VOIDED:                 "canceled",
}, v1.PaymentStatus_PAYMENT_STATUS_UNKNOWN)

// setupPaymentStatus is a SetupIntent's payment status: a failed attempt
// (requires_payment_method with a last_setup_error) is AUTHORIZATION_FAILED,
// AUTHENTICATION_FAILED when 3DS failed; requires_action is nextAction's.
func setupPaymentStatus(a *pdk.Answer) v1.PaymentStatus {
	switch raw := a.Str("status"); {
	case raw == "requires_payment_method" && a.Obj("last_setup_error") != nil:
		if a.Str("last_setup_error.code") == "setup_intent_authentication_failure" {
			return v1.PaymentStatus_PAYMENT_STATUS_AUTHENTICATION_FAILED
		}
		return v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZATION_FAILED
	case raw == "requires_action":
		status, _ := nextAction(a.At("next_action"))
		return status
	}
	return pdk.Status(a, "status", setupPaymentStatuses)
}

// setupTypes are the payment method types a SetupIntent can store.
var setupTypes = statusmap.Grouped(map[bool]string{
	true: "card sepa_debit us_bank_account bacs_debit au_becs_debit ideal bancontact sofort paypal"}, false)

// SetupRecurring stores a payment method for merchant-initiated charges: a
// SetupIntent for a zero amount, else a PaymentIntent with
// setup_future_usage that charges the first amount; both keyed by
// setup:<merchant_setup_id>.
var (
	setupWithCharge = &pdk.Call[*setupIn, *setupOut]{
		API: api, Method: "POST", Path: "/v1/payment_intents", Key: setupKey,
		Fill: func(c *pdk.Context, req *setupIn, b *pdk.Body) error {
			return writeIntent(c, b, &authorizeIn{Amount: req.GetAmount(), PaymentMethod: req.GetPaymentMethod(),
				AuthenticationType: req.GetAuthenticationType(), Customer: req.GetCustomer(), State: req.GetState(),
				BillingAddress: req.GetBillingAddress(), BrowserInfo: req.GetBrowserInfo(), ReturnUrl: req.GetReturnUrl(),
				Description: req.GetDescription(), SetupFutureUsage: setupUsage(req.GetFutureUsage()), Metadata: req.GetMetadata(),
			}, req.GetCustomerAcceptance(), "merchant_setup_id", req.GetMerchantSetupId())
		},
		Answer: func(_ *pdk.Context, req *setupIn, a *pdk.Answer) (*setupOut, error) {
			// The host checks no amount for SetupRecurring: this one charges, so the plugin does.
			in := readIntent(a)
			return in.setup(), pdk.CheckAmount(req.GetAmount(), in.Amount, "payment_intent "+in.ConnectorTransactionId)
		},
		OnDecline: declined((*setupIn).GetAmount, (*intent).setup),
	}
	setupOnly = &pdk.Call[*setupIn, *setupOut]{
		API: api, Method: "POST", Path: "/v1/setup_intents", Key: setupKey,
		Body: pdk.Fields[*setupIn]{{Key: "confirm", Const: "true"}},
		Fill: fillSetupIntent,
		Read: readSetupIntent,
		OnDecline: func(_ *pdk.Context, _ *setupIn, e *pdk.Error, a *pdk.Answer) (*setupOut, error) {
			return &setupOut{Status: v1.MandateStatus_MANDATE_STATUS_FAILED, Error: e.Detail, ConnectorSetupId: a.Str("error.setup_intent.id")}, nil
		},
	}
	setupKey = pdk.Key[*setupIn]{Op: "setup", Field: "merchant_setup_id", ID: (*setupIn).GetMerchantSetupId}
)

// setupRecurringHandler charges when the request has an amount.
var setupRecurringHandler = &pdk.Choice[*setupIn, *setupOut]{
	If:   func(req *setupIn) bool { return req.GetAmount().GetMinorAmount() > 0 },
	Then: setupWithCharge, Else: setupOnly,
}

// setupUsage is the usage a stored payment method is set up for: off-session
// (merchant-initiated charges) unless the request says otherwise.
func setupUsage(u v1.FutureUsage) v1.FutureUsage {
	if u == v1.FutureUsage_FUTURE_USAGE_UNSPECIFIED {
		return v1.FutureUsage_FUTURE_USAGE_OFF_SESSION
	}
	return u
}

func (in *intent) setup() *setupOut {
	return &setupOut{ConnectorSetupId: in.ConnectorTransactionId, PaymentStatus: in.Status, Status: pdk.MandateStatusOf(in.Status),
		Mandate: in.Mandate, NextAction: in.NextAction, Error: in.Error, State: in.State}
}

// fillSetupIntent writes a SetupIntent storing the payment method.
func fillSetupIntent(c *pdk.Context, req *setupIn, b *pdk.Body) error {
	if req.GetPaymentMethod() == nil {
		return pdk.InvalidRequest("payment_method", "is required")
	}
	b.Set("usage", futureUsages[setupUsage(req.GetFutureUsage())])
	spec, err := writePaymentMethod(b, req.GetPaymentMethod(), pdk.Payer{Billing: req.GetBillingAddress(), Customer: req.GetCustomer()})
	if err != nil {
		return err
	}
	if spec.Type != "" && !setupTypes.Get(spec.Type) {
		return pdk.Unsupported("%s cannot be stored for recurring payments", spec.Name)
	}
	b.SetIf("customer", customerID(c, req.GetCustomer(), req.GetState()))
	if err := writeTypes(b, spec, req.GetReturnUrl()); err != nil {
		return err
	}
	if spec.Mandate || spec.ReusableViaSEPA || spec.Type == "paypal" {
		writeMandateData(b, req.GetCustomerAcceptance(), req.GetBrowserInfo())
	}
	if spec.Card && req.GetAuthenticationType() == v1.AuthenticationType_AUTHENTICATION_TYPE_THREE_DS {
		b.Set("payment_method_options.card.request_three_d_secure", "any")
	}
	b.SetIf("description", req.GetDescription())
	return writeMetadata(b, req.GetMetadata(), "merchant_setup_id", req.GetMerchantSetupId())
}

// readSetupIntent reads a SetupIntent as SetupRecurring answers it. The
// mandate id is the stored payment method (RecurringCharge's payment_method).
func readSetupIntent(a *pdk.Answer) *setupOut {
	a.Expect("object", "setup_intent")
	raw, customer := a.Str("status"), idOf(a, "customer")
	si := &setupOut{ConnectorSetupId: a.Require("id"), Status: setupIntentStatuses.Get(raw), State: pdk.CustomerState(customer)}
	if lse := a.At("last_setup_error"); lse.V != nil && (raw == "requires_payment_method" || raw == "canceled") {
		si.Error, si.Status = paymentError(lse), v1.MandateStatus_MANDATE_STATUS_FAILED
	}
	if raw == "requires_action" {
		_, si.NextAction = nextAction(a.At("next_action"))
	}
	if pm := idOf(a, "payment_method"); pm != "" {
		si.Mandate = &v1.MandateReference{ConnectorMandateId: pm, ConnectorCustomerId: customer, Status: si.Status}
	}
	return si
}

// recurringChargeHandler charges a stored payment method (the mandate id)
// off-session, with its customer.
var recurringChargeHandler = &pdk.Call[*chargeIn, *v1.RecurringPaymentServiceChargeResponse]{
	API: api, Method: "POST", Path: "/v1/payment_intents",
	Key: pdk.Key[*chargeIn]{Field: "merchant_transaction_id", ID: (*chargeIn).GetMerchantTransactionId},
	Fill: func(c *pdk.Context, req *chargeIn, b *pdk.Body) error {
		if req.GetMandate().GetConnectorMandateId() == "" {
			return pdk.InvalidRequest("mandate.connector_mandate_id", "is required (the stored payment method, pm_...)")
		}
		return writeIntent(c, b, &authorizeIn{Amount: req.GetAmount(), Mandate: req.GetMandate(), CaptureMethod: req.GetCaptureMethod(),
			Customer: req.GetCustomer(), State: req.GetState(), Description: req.GetDescription(),
			StatementDescriptor: req.GetStatementDescriptor(), OffSession: true, Metadata: req.GetMetadata(),
		}, nil, "merchant_transaction_id", req.GetMerchantTransactionId())
	},
	Answer: func(_ *pdk.Context, req *chargeIn, a *pdk.Answer) (*v1.RecurringPaymentServiceChargeResponse, error) {
		return chargeResponse(req, readIntent(a)), nil
	},
	OnDecline: func(_ *pdk.Context, req *chargeIn, e *pdk.Error, a *pdk.Answer) (*v1.RecurringPaymentServiceChargeResponse, error) {
		return chargeResponse(req, declinedIntent(e, a, req.GetAmount())), nil
	},
}

func chargeResponse(req *chargeIn, in *intent) *v1.RecurringPaymentServiceChargeResponse {
	mandate := req.GetMandate().CloneVT()
	if mandate == nil {
		mandate = &v1.MandateReference{}
	}
	mandate.ConnectorCustomerId = pdk.First(mandate.ConnectorCustomerId, in.State.GetConnectorCustomerId())
	return &v1.RecurringPaymentServiceChargeResponse{
		ConnectorTransactionId: in.ConnectorTransactionId, Status: in.Status, Amount: in.Amount, Error: in.Error, State: in.State,
		NetworkTransactionId: in.NetworkTransactionId, NextAction: in.NextAction, Mandate: mandate,
	}
}

// recurringRevokeHandler detaches the stored payment method from its
// customer: it can no longer be charged.
var recurringRevokeHandler = &pdk.Call[*revokeIn, *v1.RecurringPaymentServiceRevokeResponse]{
	API: api, Method: "POST", Path: "/v1/payment_methods/{pm}/detach",
	Params: pdk.Params[*revokeIn]{"pm": {Field: "mandate.connector_mandate_id",
		Get: func(r *revokeIn) string { return r.GetMandate().GetConnectorMandateId() }}},
	Key: pdk.Key[*revokeIn]{Op: "revoke", Field: "merchant_revoke_id", ID: (*revokeIn).GetMerchantRevokeId},
	Read: func(a *pdk.Answer) *v1.RecurringPaymentServiceRevokeResponse {
		a.Expect("object", "payment_method")
		return &v1.RecurringPaymentServiceRevokeResponse{Status: v1.MandateStatus_MANDATE_STATUS_REVOKED, ConnectorMandateId: a.Require("id")}
	},
}
