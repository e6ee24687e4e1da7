package stripe

import (
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk"
)

type authorizeIn = v1.PaymentServiceAuthorizeRequest

// authorizeHandler creates and confirms a PaymentIntent: POST /v1/payment_intents
// with confirm=true, keyed by merchant_transaction_id (no prefix: creating
// the payment is the merchant id's first use).
var authorizeHandler = &pdk.Call[*authorizeIn, *v1.PaymentServiceAuthorizeResponse]{
	API: api, Method: "POST", Path: "/v1/payment_intents",
	Key: pdk.Key[*authorizeIn]{Field: "merchant_transaction_id", ID: (*authorizeIn).GetMerchantTransactionId},
	Fill: func(c *pdk.Context, req *authorizeIn, b *pdk.Body) error {
		return writeIntent(c, b, req, nil, "merchant_transaction_id", req.GetMerchantTransactionId(),
			"merchant_order_reference", req.GetMerchantOrderReference())
	},
	Answer: func(_ *pdk.Context, _ *authorizeIn, a *pdk.Answer) (*v1.PaymentServiceAuthorizeResponse, error) {
		return authorizeResponse(readIntent(a)), nil
	},
	OnDecline: func(_ *pdk.Context, req *authorizeIn, e *pdk.Error, a *pdk.Answer) (*v1.PaymentServiceAuthorizeResponse, error) {
		return authorizeResponse(declinedIntent(e, a, req.GetAmount())), nil
	},
}

func authorizeResponse(in *intent) *v1.PaymentServiceAuthorizeResponse {
	return &v1.PaymentServiceAuthorizeResponse{
		ConnectorTransactionId: in.ConnectorTransactionId, Status: in.Status, Amount: in.Amount, NextAction: in.NextAction, Error: in.Error,
		Mandate: in.Mandate, State: in.State, NetworkTransactionId: in.NetworkTransactionId, ConnectorReferenceId: in.ConnectorReferenceId,
		IncrementalAuthorizationAllowed: in.incrementable, CapturedAmount: in.CapturedAmount, CardChecks: in.CardChecks,
	}
}

// writeIntent writes a PaymentIntent confirmed on creation, with the latest
// charge expanded: it carries the network transaction id, the refunded
// amount and the incremental-authorization status. SetupRecurring (with a
// first charge) and RecurringCharge describe their payment as an Authorize
// request; acceptance is a mandate's customer acceptance (SetupRecurring's)
// and extra the plugin's reconciliation metadata.
func writeIntent(c *pdk.Context, b *pdk.Body, r *authorizeIn, acceptance *v1.CustomerAcceptance, extra ...string) error {
	amount, currency, err := amounts.To(r.GetAmount(), "amount")
	if err != nil {
		return err
	}
	b.SetInt("amount", amount)
	b.Set("currency", currency)
	b.SetBool("confirm", true)
	manual := r.GetCaptureMethod() == v1.CaptureMethod_CAPTURE_METHOD_MANUAL || r.GetCaptureMethod() == v1.CaptureMethod_CAPTURE_METHOD_MANUAL_MULTIPLE
	if manual {
		b.Set("capture_method", "manual")
	} else {
		b.Set("capture_method", "automatic")
	}
	customer := customerID(c, r.GetCustomer(), r.GetState())
	p, spec, offSession := payer{billing: r.GetBillingAddress(), customer: r.GetCustomer()}, methodSpec{}, r.GetOffSession()
	if id := r.GetMandate().GetConnectorMandateId(); id != "" {
		// A merchant-initiated charge of a stored payment method.
		b.Set("payment_method", id)
		customer = pdk.First(r.GetMandate().GetConnectorCustomerId(), customer)
		spec, offSession = methodSpec{ID: id, Name: "stored payment method"}, true
	} else if spec, err = writePaymentMethod(b, r.GetPaymentMethod(), p); err != nil {
		return err
	}
	b.SetIf("customer", customer)
	if err := writeTypes(b, spec, r.GetReturnUrl()); err != nil {
		return err
	}
	if offSession {
		b.SetBool("off_session", true)
	}
	usage := futureUsages[r.GetSetupFutureUsage()]
	b.SetIf("setup_future_usage", usage)
	if spec.Mandate || (usage != "" && spec.ReusableViaSEPA) {
		writeMandateData(b, acceptance, r.GetBrowserInfo())
	}
	if spec.Card {
		if err := writeCardOptions(b, r, offSession); err != nil {
			return err
		}
	}
	b.SetIf("description", r.GetDescription())
	if spec.Card || spec.ID != "" {
		// Stripe refuses statement_descriptor for card payments; the suffix
		// is appended to the account's prefix.
		b.SetIf("statement_descriptor_suffix", r.GetStatementDescriptor())
	} else {
		b.SetIf("statement_descriptor", r.GetStatementDescriptor())
	}
	writeShipping(b, r.GetShippingAddress(), p)
	if err := writeMetadata(b, r.GetMetadata(), extra...); err != nil {
		return err
	}
	b.Set("expand[]", "latest_charge")
	return nil
}

// customerID is the Stripe customer for a payment: the request's customer,
// else the connector state the caller or an earlier step supplied.
func customerID(c *pdk.Context, cust *v1.Customer, state *v1.ConnectorState) string {
	return pdk.First(cust.GetConnectorCustomerId(), state.GetConnectorCustomerId(), c.State.GetConnectorCustomerId())
}

// writeTypes writes payment_method_types and return_url: a method of a
// known type names it; a payment method id of any type with nowhere to
// return to may be used by Stripe, but never with a redirect.
func writeTypes(b *pdk.Body, spec methodSpec, returnURL string) error {
	switch {
	case spec.Type != "":
		b.Set("payment_method_types[]", spec.Type)
	case returnURL == "":
		b.SetBool("automatic_payment_methods.enabled", true)
		b.Set("automatic_payment_methods.allow_redirects", "never")
	}
	if spec.Redirect && returnURL == "" {
		return pdk.InvalidRequest("return_url", "is required for "+spec.Name+": the shopper is redirected")
	}
	b.SetIf("return_url", returnURL)
	return nil
}

// writeCardOptions writes payment_method_options[card]: 3-D Secure,
// incremental and multiple capture, and imported 3DS results.
func writeCardOptions(b *pdk.Body, r *authorizeIn, offSession bool) error {
	const card = "payment_method_options.card."
	if r.GetAuthenticationType() == v1.AuthenticationType_AUTHENTICATION_TYPE_THREE_DS && !offSession {
		b.Set(card+"request_three_d_secure", "any")
	}
	if r.GetRequestIncrementalAuthorization() {
		b.Set(card+"request_incremental_authorization", "if_available")
	}
	if r.GetCaptureMethod() == v1.CaptureMethod_CAPTURE_METHOD_MANUAL_MULTIPLE {
		b.Set(card+"request_multicapture", "if_available")
	}
	if t := r.GetThreeDs(); t.GetAuthenticationValue() != "" {
		if t.GetDsTransactionId() == "" || t.GetMessageVersion() == "" {
			return pdk.InvalidRequest("three_ds", "ds_transaction_id and message_version are required with authentication_value")
		}
		b.Set(card+"three_d_secure.cryptogram", t.GetAuthenticationValue())
		b.Set(card+"three_d_secure.transaction_id", t.GetDsTransactionId())
		b.Set(card+"three_d_secure.version", t.GetMessageVersion())
		b.SetIf(card+"three_d_secure.electronic_commerce_indicator", t.GetEci())
		b.SetIf(card+"three_d_secure.ares_trans_status", t.GetTransactionStatus())
	}
	return nil
}

// futureUsages are Stripe's setup_future_usage (and SetupIntent usage) values.
var futureUsages = map[v1.FutureUsage]string{
	v1.FutureUsage_FUTURE_USAGE_OFF_SESSION: "off_session", v1.FutureUsage_FUTURE_USAGE_ON_SESSION: "on_session"}

// metadataLimits are Stripe's (https://docs.stripe.com/api/metadata).
var metadataLimits = pdk.Metadata{MaxKeys: 50, MaxKeyLen: 40, MaxValueLen: 500}

// writeMetadata writes metadata[k]=v in sorted key order. extra pairs (the
// plugin's own reconciliation keys, e.g. merchant_transaction_id) are added
// unless the caller set the same key.
func writeMetadata(b *pdk.Body, md map[string]string, extra ...string) error {
	all, err := metadataLimits.Merge(md, extra...)
	b.SetMap("metadata", all)
	return err
}
