package stripe

import (
	"strings"

	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk"
)

type (
	authorizeIn = v1.PaymentServiceAuthorizeRequest
	captureIn   = v1.PaymentServiceCaptureRequest
	voidIn      = v1.PaymentServiceVoidRequest
	incrementIn = v1.PaymentServiceIncrementalAuthorizationRequest
	getIn       = v1.PaymentServiceGetRequest
	redirectIn  = v1.PaymentServiceVerifyRedirectResponseRequest
	redirectOut = v1.PaymentServiceVerifyRedirectResponseResponse
)

// authorizeHandler creates and confirms a PaymentIntent, keyed by
// merchant_transaction_id (no prefix: creating the payment is the merchant
// id's first use).
var authorizeHandler = &pdk.Call[*authorizeIn, *v1.PaymentServiceAuthorizeResponse]{
	API: api, Method: "POST", Path: "/v1/payment_intents",
	Key: pdk.Key[*authorizeIn]{Field: "merchant_transaction_id", ID: (*authorizeIn).GetMerchantTransactionId},
	Fill: func(c *pdk.Context, req *authorizeIn, b *pdk.Body) error {
		return writeIntent(c, b, req, nil, "merchant_transaction_id", req.GetMerchantTransactionId(),
			"merchant_order_reference", req.GetMerchantOrderReference())
	},
	Read:      fromIntent((*intent).authorize),
	OnDecline: declined((*authorizeIn).GetAmount, (*intent).authorize),
}

// captureHandler captures an authorized PaymentIntent, in full or in part
// (more captures may follow on a multicapture payment: stateMulticapture). A
// 402 (the payment method refused at capture) is a CAPTURE_FAILED response.
var captureHandler = &pdk.Call[*captureIn, *v1.PaymentServiceCaptureResponse]{
	API: api, Method: "POST", Path: "/v1/payment_intents/{id}/capture",
	Params: pdk.Params[*captureIn]{"id": {Field: "connector_transaction_id", Get: (*captureIn).GetConnectorTransactionId}},
	Key:    pdk.Key[*captureIn]{Op: "capture", Field: "merchant_capture_id", ID: (*captureIn).GetMerchantCaptureId},
	Body: pdk.Fields[*captureIn]{
		{Key: "amount_to_capture", Money: (*captureIn).GetAmountToCapture, Name: "amount_to_capture", Required: true},
		{Key: "statement_descriptor_suffix", Str: (*captureIn).GetStatementDescriptor},
	},
	Fill: func(c *pdk.Context, req *captureIn, b *pdk.Body) error {
		if !req.GetFinalCapture() && pdk.First(req.GetState().GetValues()[stateMulticapture], c.State.GetValues()[stateMulticapture]) != "" {
			b.SetBool("final_capture", false)
		}
		err := writeMetadata(b, req.GetMetadata(), "merchant_capture_id", req.GetMerchantCaptureId())
		b.Set("expand[]", "latest_charge")
		return err
	},
	Read: fromIntent(func(in *intent) *v1.PaymentServiceCaptureResponse {
		return &v1.PaymentServiceCaptureResponse{ConnectorTransactionId: in.ConnectorTransactionId, Status: in.Status,
			CapturedAmount: in.CapturedAmount, Error: in.Error, ConnectorCaptureId: in.ConnectorReferenceId, State: in.State}
	}),
	OnDecline: func(_ *pdk.Context, _ *captureIn, e *pdk.Error, _ *pdk.Answer) (*v1.PaymentServiceCaptureResponse, error) {
		return &v1.PaymentServiceCaptureResponse{Error: e.Detail, Status: v1.PaymentStatus_PAYMENT_STATUS_CAPTURE_FAILED}, nil
	},
}

// voidHandler cancels a PaymentIntent that is not captured.
var voidHandler = &pdk.Call[*voidIn, *v1.PaymentServiceVoidResponse]{
	API: api, Method: "POST", Path: "/v1/payment_intents/{id}/cancel",
	Params: pdk.Params[*voidIn]{"id": {Field: "connector_transaction_id", Get: (*voidIn).GetConnectorTransactionId}},
	Key:    pdk.Key[*voidIn]{Op: "void", Field: "merchant_void_id", ID: (*voidIn).GetMerchantVoidId},
	Body: pdk.Fields[*voidIn]{{Key: "cancellation_reason",
		Str: func(r *voidIn) string { return cancellationReasons.Match(r.GetCancellationReason()) }}},
	Read: fromIntent(func(in *intent) *v1.PaymentServiceVoidResponse {
		return &v1.PaymentServiceVoidResponse{ConnectorTransactionId: in.ConnectorTransactionId, Status: in.Status, Error: in.Error,
			State: in.State}
	}),
}

// cancellationReasons are the reasons Stripe accepts for cancelling a
// PaymentIntent, in the order they are tried on a free-text reason.
var cancellationReasons = pdk.Reasons{
	{Value: "fraudulent", Words: []string{"fraud"}},
	{Value: "duplicate", Words: []string{"duplicate"}},
	{Value: "abandoned", Words: []string{"abandon", "expire", "timeout", "timed out"}},
	{Value: "requested_by_customer", Words: []string{"customer", "shopper", "requested", "cancel"}},
}

// incrementHandler raises an authorization to a new total amount. A decline
// (402) is AUTHORIZATION_FAILED with the error; the original authorization
// still stands.
var incrementHandler = &pdk.Call[*incrementIn, *v1.PaymentServiceIncrementalAuthorizationResponse]{
	API: api, Method: "POST", Path: "/v1/payment_intents/{id}/increment_authorization",
	Params: pdk.Params[*incrementIn]{"id": {Field: "connector_transaction_id", Get: (*incrementIn).GetConnectorTransactionId}},
	Key:    pdk.Key[*incrementIn]{Op: "increment", Field: "merchant_increment_id", ID: (*incrementIn).GetMerchantIncrementId},
	Body: pdk.Fields[*incrementIn]{
		{Key: "amount", Money: (*incrementIn).GetAmount, Name: "amount", Required: true},
		{Key: "description", Str: (*incrementIn).GetReason},
	},
	Read:      fromIntent((*intent).increment),
	OnDecline: declined[*incrementIn](nil, (*intent).increment),
}

// getHandler reads a PaymentIntent with its latest charge (a GET: the host
// may repeat it after a timeout or a 429/5xx).
var getHandler = &pdk.Call[*getIn, *v1.PaymentServiceGetResponse]{
	API: api, Path: "/v1/payment_intents/{id}",
	Params: pdk.Params[*getIn]{"id": {Field: "connector_transaction_id", Get: (*getIn).GetConnectorTransactionId}},
	Query:  pdk.Fields[*getIn]{{Key: "expand[]", Const: "latest_charge"}},
	Answer: func(_ *pdk.Context, req *getIn, a *pdk.Answer) (*v1.PaymentServiceGetResponse, error) {
		// The PaymentIntent's own merchant id (metadata) wins over the
		// request's, so the host refuses an answer about another order.
		in := readIntent(a)
		in.MerchantTransactionId = pdk.First(in.MerchantTransactionId, req.GetMerchantTransactionId())
		return in.PaymentServiceGetResponse, nil
	},
}

// verifyRedirectHandler reads the intent a shopper returned for: the
// SetupIntent after SetupRecurring's redirect (see isSetupRedirect), else the
// PaymentIntent.
var verifyRedirectHandler = &pdk.Choice[*redirectIn, *redirectOut]{
	If: isSetupRedirect, Then: verifySetupRedirect, Else: verifyPaymentRedirect,
}

// isSetupRedirect tells a return from a SetupIntent's redirect, to which
// Stripe appends setup_intent (and setup_intent_client_secret) instead of
// payment_intent: setup_intent, or a connector_transaction_id naming one
// (seti_...), and nothing naming a PaymentIntent.
func isSetupRedirect(r *redirectIn) bool {
	id, params := r.GetConnectorTransactionId(), r.GetParams()
	return params["payment_intent"] == "" && !strings.HasPrefix(id, "pi_") &&
		(params["setup_intent"] != "" || strings.HasPrefix(id, "seti_"))
}

// redirectID is the intent a redirect names: the request's id or the return
// URL's parameter (param), which must agree when both are set.
func redirectID(r *redirectIn, param string) (string, error) {
	switch id, p := r.GetConnectorTransactionId(), r.GetParams()[param]; {
	case id != "" && p != "" && id != p:
		return "", pdk.InvalidRequest("params."+param, "does not match connector_transaction_id")
	case id == "" && p == "":
		return "", pdk.InvalidRequest("connector_transaction_id", "is required (or params.payment_intent or params.setup_intent from the return URL)")
	default:
		return pdk.First(id, p), nil
	}
}

// verifyPaymentRedirect reads the PaymentIntent a shopper returned for (the
// redirect's parameters are not trusted for the outcome): the request's id,
// or the payment_intent Stripe appends to the return_url; both must agree.
// The shopper controls the return URL: the intent's merchant id (metadata)
// is answered, so the host refuses another order's payment (as Get does).
var verifyPaymentRedirect = &pdk.Call[*redirectIn, *redirectOut]{
	API: api, Path: "/v1/payment_intents/{id}",
	Params: pdk.Params[*redirectIn]{"id": {Field: "connector_transaction_id",
		Get: func(r *redirectIn) string {
			return pdk.First(r.GetConnectorTransactionId(), r.GetParams()["payment_intent"])
		}}},
	Query: pdk.Fields[*redirectIn]{{Key: "expand[]", Const: "latest_charge"}},
	Check: func(_ *pdk.Context, req *redirectIn) error {
		_, err := redirectID(req, "payment_intent")
		return err
	},
	Answer: func(_ *pdk.Context, req *redirectIn, a *pdk.Answer) (*redirectOut, error) {
		in := readIntent(a)
		return &redirectOut{
			ConnectorTransactionId: in.ConnectorTransactionId, Status: in.Status, Amount: in.authorizedAmount(), NextAction: in.NextAction,
			Error: in.Error, Mandate: in.Mandate, State: in.State, NetworkTransactionId: in.NetworkTransactionId, CardChecks: in.CardChecks,
			MerchantTransactionId: pdk.First(in.MerchantTransactionId, req.GetMerchantTransactionId()),
		}, nil
	},
}

// verifySetupRedirect reads the SetupIntent a shopper returned for after
// SetupRecurring's redirect, with the same id checks as a PaymentIntent's:
// its status and the mandate (the stored payment method) as SetupRecurring
// answers them, and no amount (a SetupIntent moves no money). The intent's
// merchant_setup_id is answered as merchant_transaction_id, so the host
// refuses another setup's intent put in the return URL.
var verifySetupRedirect = &pdk.Call[*redirectIn, *redirectOut]{
	API: api, Path: "/v1/setup_intents/{id}",
	Params: pdk.Params[*redirectIn]{"id": {Field: "connector_transaction_id",
		Get: func(r *redirectIn) string {
			return pdk.First(r.GetConnectorTransactionId(), r.GetParams()["setup_intent"])
		}}},
	Check: func(_ *pdk.Context, req *redirectIn) error {
		_, err := redirectID(req, "setup_intent")
		return err
	},
	Answer: func(_ *pdk.Context, req *redirectIn, a *pdk.Answer) (*redirectOut, error) {
		si := readSetupIntent(a)
		return &redirectOut{ConnectorTransactionId: si.ConnectorSetupId, Status: setupPaymentStatus(a), NextAction: si.NextAction,
			Error: si.Error, Mandate: si.Mandate, State: si.State,
			MerchantTransactionId: pdk.First(a.Str("metadata.merchant_setup_id"), req.GetMerchantTransactionId()),
		}, nil
	},
}

// writeIntent writes a PaymentIntent confirmed on creation, its latest
// charge expanded (network transaction id, refunded amount, incremental
// authorization). SetupRecurring and RecurringCharge describe their payment
// as an Authorize request; acceptance is SetupRecurring's mandate
// acceptance, extra the reconciliation metadata.
func writeIntent(c *pdk.Context, b *pdk.Body, r *authorizeIn, acceptance *v1.CustomerAcceptance, extra ...string) error {
	amount, currency, err := amounts.To(r.GetAmount(), "amount")
	if err != nil {
		return err
	}
	b.SetInt("amount", amount)
	b.Set("currency", currency)
	b.SetBool("confirm", true)
	capture := "automatic"
	if m := r.GetCaptureMethod(); m == v1.CaptureMethod_CAPTURE_METHOD_MANUAL || m == v1.CaptureMethod_CAPTURE_METHOD_MANUAL_MULTIPLE {
		capture = "manual"
	}
	b.Set("capture_method", capture)
	customer := customerID(c, r.GetCustomer(), r.GetState())
	p, spec, offSession := pdk.Payer{Billing: r.GetBillingAddress(), Customer: r.GetCustomer()}, methodSpec{}, r.GetOffSession()
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
// known type names it; a payment method id without a return_url may be of
// any type, but never one that redirects.
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
		b.SetPairs(card+"three_d_secure.", "cryptogram", t.GetAuthenticationValue(), "transaction_id", t.GetDsTransactionId(),
			"version", t.GetMessageVersion(), "electronic_commerce_indicator", t.GetEci(), "ares_trans_status", t.GetTransactionStatus())
	}
	return nil
}

// futureUsages are Stripe's setup_future_usage (and SetupIntent usage) values.
var futureUsages = map[v1.FutureUsage]string{
	v1.FutureUsage_FUTURE_USAGE_OFF_SESSION: "off_session", v1.FutureUsage_FUTURE_USAGE_ON_SESSION: "on_session"}

// metadataLimits are Stripe's (https://docs.stripe.com/api/metadata).
var metadataLimits = pdk.Metadata{MaxKeys: 50, MaxKeyLen: 40, MaxValueLen: 500}

// writeMetadata writes metadata[k]=v in sorted key order, with extra pairs
// (the plugin's reconciliation keys) unless the caller set the same key.
func writeMetadata(b *pdk.Body, md map[string]string, extra ...string) error {
	all, err := metadataLimits.Merge(md, extra...)
	b.SetMap("metadata", all)
	return err
}
