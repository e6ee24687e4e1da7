package checkout

import (
	"cmp"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/internal/textf"
	"github.com/connectorhost/connector-host/pdk"
	"github.com/connectorhost/connector-host/pdk/jsonw"
)

// Checkout.com's payment_type values.
const (
	typeRegular     = "Regular"
	typeRecurring   = "Recurring"
	typeInstallment = "Installment"
)

// paymentPlan is a validated POST /payments request (PaymentRequest).
type paymentPlan struct {
	reference       string
	amount          int64
	currency        string
	source          func(*jsonw.Object)
	paymentType     string
	mit             bool
	previousPayment string
	description     string
	capture         bool
	customer        *v1.Customer
	customerID      string
	shipping        *v1.Address
	threeDS         func(*jsonw.Object)
	channel         string
	successURL      string
	failureURL      string
	ip              string
	metadata        map[string]string
}

// body writes the plan as PaymentRequest JSON in a fixed field order.
func (p *paymentPlan) body() []byte {
	o := jsonw.NewObject()
	o.Object("source", p.source)
	o.Int("amount", p.amount)
	o.String("currency", p.currency)
	o.StringIf("payment_type", p.paymentType)
	if p.mit {
		o.Bool("merchant_initiated", true)
	}
	o.String("reference", p.reference)
	o.StringIf("description", p.description)
	o.Bool("capture", p.capture)
	if p.customerID != "" || p.customer.GetEmail() != "" || p.customer.GetName() != "" {
		o.Object("customer", func(w *jsonw.Object) {
			w.StringIf("id", p.customerID)
			w.StringIf("email", p.customer.GetEmail())
			w.StringIf("name", p.customer.GetName())
		})
	}
	if p.shipping.GetLine1() != "" || p.shipping.GetCountry() != "" {
		o.Object("shipping", func(w *jsonw.Object) {
			w.Object("address", func(a *jsonw.Object) { writeAddress(a, p.shipping) })
			if ph := p.shipping.GetPhone(); ph != "" {
				w.Object("phone", func(n *jsonw.Object) { n.String("number", ph) })
			}
		})
	}
	if p.threeDS != nil {
		o.Object("3ds", p.threeDS)
	}
	o.StringIf("processing_channel_id", p.channel)
	o.StringIf("previous_payment_id", p.previousPayment)
	o.StringIf("success_url", p.successURL)
	o.StringIf("failure_url", p.failureURL)
	o.StringIf("payment_ip", p.ip)
	o.SortedStringMap("metadata", p.metadata)
	return o.Bytes()
}

// writeAddress writes an Address object.
func writeAddress(w *jsonw.Object, a *v1.Address) {
	w.StringIf("address_line1", a.GetLine1())
	w.StringIf("address_line2", a.GetLine2())
	w.StringIf("city", a.GetCity())
	w.StringIf("state", a.GetState())
	w.StringIf("zip", a.GetPostalCode())
	w.StringIf("country", a.GetCountry())
}

// newPlan starts a plan with the fields every payment has.
func newPlan(c *pdk.Context, idField, id string, amountField string, amount *v1.Money) (*paymentPlan, error) {
	if id == "" {
		return nil, pdk.InvalidRequest(idField, "is required (Checkout.com reference and idempotency key)")
	}
	if len(id) > 50 {
		return nil, pdk.InvalidRequest(idField, "must be at most 50 characters (Checkout.com reference)")
	}
	v, cur, err := amounts.To(amount, amountField)
	if err != nil {
		return nil, err
	}
	return &paymentPlan{reference: id, amount: v, currency: cur, capture: true, channel: c.Credentials[credChannel]}, nil
}

// setSource maps a unified payment method to a PaymentRequest source:
// a card to "card", a Frames token (tok_) to "token", a stored instrument
// (src_) to "id". Errors never echo the card number or CVC.
func (p *paymentPlan) setSource(pm *v1.PaymentMethod, billing *v1.Address) error {
	const f = "payment_method"
	switch m := pm.GetMethod().(type) {
	case *v1.PaymentMethod_Card:
		return p.setCard(m.Card, billing)
	case *v1.PaymentMethod_Token:
		tok := m.Token.GetToken()
		switch {
		case sourceIDPattern.Match(tok):
			p.setInstrument(tok)
		case tokenPattern.Match(tok):
			p.source = func(w *jsonw.Object) {
				w.String("type", "token")
				w.String("token", tok)
				writeBilling(w, billing)
			}
		default:
			return pdk.InvalidRequest(f+".token.token", "must be a Checkout.com card token (tok_...) or stored instrument (src_...)")
		}
		return nil
	case nil:
		return pdk.InvalidRequest(f, "is required")
	}
	return pdk.Unsupported("payment method %s is not supported by the checkout connector (cards and tokens only)", pdk.MethodGoType(pm.GetMethod()))
}

// setInstrument pays with a stored instrument (source type "id").
func (p *paymentPlan) setInstrument(id string) {
	p.source = func(w *jsonw.Object) {
		w.String("type", "id")
		w.String("id", id)
	}
}

func (p *paymentPlan) setCard(c *v1.Card, billing *v1.Address) error {
	if err := pdk.CheckCard(c); err != nil {
		return err
	}
	p.source = func(w *jsonw.Object) {
		w.String("type", "card")
		w.String("number", c.GetNumber())
		w.Int("expiry_month", int64(c.GetExpMonth()))
		w.Int("expiry_year", int64(c.GetExpYear()))
		w.StringIf("name", c.GetHolderName())
		w.StringIf("cvv", c.GetCvc())
		writeBilling(w, billing)
	}
	return nil
}

func writeBilling(w *jsonw.Object, b *v1.Address) {
	if b.GetLine1() == "" && b.GetCountry() == "" {
		return
	}
	w.Object("billing_address", func(a *jsonw.Object) { writeAddress(a, b) })
	if b.GetPhone() != "" {
		w.Object("phone", func(n *jsonw.Object) { n.String("number", b.GetPhone()) })
	}
}

// setCustomer sends the customer: its Checkout.com id (cus_...) when known,
// else its email and name.
func (p *paymentPlan) setCustomer(field string, cust *v1.Customer, connectorID string) error {
	p.customer = cust
	if connectorID == "" {
		connectorID = cust.GetConnectorCustomerId()
	}
	if connectorID != "" {
		if err := pdk.CheckID(field, connectorID, customerIDPattern.Match, "cus_..."); err != nil {
			return err
		}
		p.customerID = connectorID
	}
	return nil
}

// setThreeDS asks for 3-D Secure, or passes an external authentication's result.
func (p *paymentPlan) setThreeDS(kind v1.AuthenticationType, t *v1.ThreeDsData) {
	switch {
	case t != nil:
		p.threeDS = func(w *jsonw.Object) {
			w.Bool("enabled", true)
			w.StringIf("eci", t.GetEci())
			w.StringIf("cryptogram", t.GetAuthenticationValue())
			w.StringIf("xid", t.GetDsTransactionId())
			w.StringIf("version", t.GetMessageVersion())
		}
	case kind == v1.AuthenticationType_AUTHENTICATION_TYPE_THREE_DS:
		p.threeDS = func(w *jsonw.Object) { w.Bool("enabled", true) }
	case kind == v1.AuthenticationType_AUTHENTICATION_TYPE_NO_THREE_DS:
		p.threeDS = func(w *jsonw.Object) { w.Bool("enabled", false) }
	}
}

// setDescription sets the description (at most 100 characters at Checkout.com).
func (p *paymentPlan) setDescription(d string) error {
	if len(d) > 100 {
		return pdk.InvalidRequest("description", "must be at most 100 characters at Checkout.com")
	}
	p.description = d
	return nil
}

// setReturn sets success_url and failure_url (failure: cancel URL, else the return URL).
func (p *paymentPlan) setReturn(ret, cancel string) {
	p.successURL = ret
	p.failureURL = cmp.Or(cancel, ret)
}

// post builds POST /payments for the plan.
func (p *paymentPlan) post(c *pdk.Context, op string) (*pluginv1.HttpRequest, error) {
	return api.Send(c, "POST", "/payments", op+":"+p.reference, p.body())
}

// buildAuthorize builds POST /payments.
func buildAuthorize(c *pdk.Context, req *v1.PaymentServiceAuthorizeRequest) (*pluginv1.HttpRequest, error) {
	p, err := newPlan(c, "merchant_transaction_id", req.GetMerchantTransactionId(), "amount", req.GetAmount())
	if err != nil {
		return nil, err
	}
	if id := req.GetMandate().GetConnectorMandateId(); id != "" {
		// A stored credential: a merchant-initiated charge when off session.
		if err := pdk.CheckID("mandate.connector_mandate_id", id, sourceIDPattern.Match, "src_..."); err != nil {
			return nil, err
		}
		p.setInstrument(id)
		p.paymentType = typeRegular
		if req.GetOffSession() {
			p.paymentType, p.mit = typeRecurring, true
			p.previousPayment = req.GetMandate().GetNetworkTransactionId()
		}
	} else if err := p.setSource(req.GetPaymentMethod(), req.GetBillingAddress()); err != nil {
		return nil, err
	} else if req.GetOffSession() {
		p.mit = true // card details on file, charged without the shopper
	}
	if req.GetSetupFutureUsage() == v1.FutureUsage_FUTURE_USAGE_OFF_SESSION {
		p.paymentType = typeRecurring
	}
	if err := p.setCustomer("customer.connector_customer_id", req.GetCustomer(), req.GetMandate().GetConnectorCustomerId()); err != nil {
		return nil, err
	}
	p.capture = captureOf(req.GetCaptureMethod(), modeAuto) == modeAuto
	if err := p.setDescription(req.GetDescription()); err != nil {
		return nil, err
	}
	p.setThreeDS(req.GetAuthenticationType(), req.GetThreeDs())
	p.setReturn(req.GetReturnUrl(), req.GetCancelUrl())
	p.shipping = req.GetShippingAddress()
	p.ip = req.GetBrowserInfo().GetIpAddress()
	p.metadata = req.GetMetadata()
	return p.post(c, "authorize")
}

// Capture modes, as the ConnectorState value stateCapture carries them
// across a 3DS redirect ("" when unknown).
const (
	stateCapture = "checkout_capture"
	modeAuto     = "automatic"
	modeManual   = "manual"
)

// captureOf is the capture mode of m; unspecified is what an unset m means.
func captureOf(m v1.CaptureMethod, unspecified string) string {
	switch m {
	case v1.CaptureMethod_CAPTURE_METHOD_MANUAL, v1.CaptureMethod_CAPTURE_METHOD_MANUAL_MULTIPLE:
		return modeManual
	case v1.CaptureMethod_CAPTURE_METHOD_AUTOMATIC:
		return modeAuto
	}
	return unspecified
}

func modeState(mode string) *v1.ConnectorState {
	return &v1.ConnectorState{Values: map[string]string{stateCapture: mode}}
}

// parseAuthorize reads the PaymentResponse (201) or PaymentAcceptedResponse (202).
func parseAuthorize(c *pdk.Context, req *v1.PaymentServiceAuthorizeRequest, res *pdk.Response) (*v1.PaymentServiceAuthorizeResponse, error) {
	mode := captureOf(req.GetCaptureMethod(), modeAuto)
	r, err := readPayment(res, mode, req.GetAmount())
	if err != nil {
		return nil, err
	}
	out := &v1.PaymentServiceAuthorizeResponse{
		ConnectorTransactionId: r.id, Status: r.status, Amount: r.amount, NextAction: r.next, Error: r.err,
		MerchantTransactionId: cmp.Or(r.reference, req.GetMerchantTransactionId()),
		NetworkTransactionId:  r.schemeID, ConnectorReferenceId: r.actionID,
	}
	if r.next != nil {
		out.State = modeState(mode)
	}
	if r.status == v1.PaymentStatus_PAYMENT_STATUS_CHARGED {
		out.CapturedAmount = r.amount
	}
	if req.GetSetupFutureUsage() != v1.FutureUsage_FUTURE_USAGE_UNSPECIFIED {
		out.Mandate = r.mandate()
	}
	return out, nil
}

// buildVerifyRedirect reads the payment after the shopper's 3DS redirect:
// GET /payments/{cko-session-id}, or the payment id when the redirect brought none.
func buildVerifyRedirect(c *pdk.Context, req *v1.PaymentServiceVerifyRedirectResponseRequest) (*pluginv1.HttpRequest, error) {
	id, field := req.GetParams()["cko-session-id"], "params.cko-session-id"
	if id == "" {
		id, field = req.GetConnectorTransactionId(), "connector_transaction_id"
	}
	if id == "" {
		return nil, pdk.InvalidRequest("params.cko-session-id", "or connector_transaction_id is required")
	}
	if err := pdk.CheckID(field, id, sessionIDPattern.Match, "sid_... or pay_..."); err != nil {
		return nil, err
	}
	return api.Get(c, "/payments/"+id)
}

func parseVerifyRedirect(c *pdk.Context, req *v1.PaymentServiceVerifyRedirectResponseRequest, res *pdk.Response) (*v1.PaymentServiceVerifyRedirectResponseResponse, error) {
	// The request's capture method wins over the state Authorize returned.
	mode := captureOf(req.GetCaptureMethod(), req.GetState().GetValues()[stateCapture])
	r, err := readPayment(res, mode, req.GetAmount())
	if err != nil {
		return nil, err
	}
	return &v1.PaymentServiceVerifyRedirectResponseResponse{
		ConnectorTransactionId: r.id, Status: r.status, Amount: r.amount, NextAction: r.next, Error: r.err,
		MerchantTransactionId: cmp.Or(r.reference, req.GetMerchantTransactionId()),
		NetworkTransactionId:  r.schemeID, Mandate: r.mandate(),
	}, nil
}

// buildSetupRecurring stores a card for merchant-initiated charges: a
// Recurring payment (a card verification for a zero amount) whose answer
// names the stored instrument (source.id) and the scheme's transaction id.
func buildSetupRecurring(c *pdk.Context, req *v1.PaymentServiceSetupRecurringRequest) (*pluginv1.HttpRequest, error) {
	p, err := newPlan(c, "merchant_setup_id", req.GetMerchantSetupId(), "amount", req.GetAmount())
	if err != nil {
		return nil, err
	}
	if err := p.setSource(req.GetPaymentMethod(), req.GetBillingAddress()); err != nil {
		return nil, err
	}
	if err := p.setCustomer("customer.connector_customer_id", req.GetCustomer(), ""); err != nil {
		return nil, err
	}
	p.paymentType = typeRecurring
	if err := p.setDescription(req.GetDescription()); err != nil {
		return nil, err
	}
	p.setThreeDS(req.GetAuthenticationType(), nil)
	p.setReturn(req.GetReturnUrl(), "")
	p.ip = req.GetBrowserInfo().GetIpAddress()
	p.metadata = req.GetMetadata()
	return p.post(c, "setup")
}

func parseSetupRecurring(c *pdk.Context, req *v1.PaymentServiceSetupRecurringRequest, res *pdk.Response) (*v1.PaymentServiceSetupRecurringResponse, error) {
	r, err := readPayment(res, modeAuto, req.GetAmount())
	if err != nil {
		return nil, err
	}
	out := &v1.PaymentServiceSetupRecurringResponse{
		ConnectorSetupId: r.id, PaymentStatus: r.status, NextAction: r.next, Error: r.err,
	}
	switch {
	case r.err != nil:
		out.Status = v1.MandateStatus_MANDATE_STATUS_FAILED
	case r.next != nil:
		out.Status = v1.MandateStatus_MANDATE_STATUS_ACTION_REQUIRED
		out.State = modeState(modeAuto)
	case r.status == v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZED || r.status == v1.PaymentStatus_PAYMENT_STATUS_CHARGED:
		out.Mandate = r.mandate()
		if out.Mandate == nil {
			return nil, pdk.InvalidResponse("%s approved the setup but named no stored instrument (source.id)", processor)
		}
		out.Status = v1.MandateStatus_MANDATE_STATUS_ACTIVE
	case r.status == v1.PaymentStatus_PAYMENT_STATUS_PENDING:
		out.Status = v1.MandateStatus_MANDATE_STATUS_PENDING
	default:
		out.Status = v1.MandateStatus_MANDATE_STATUS_UNKNOWN
	}
	return out, nil
}

// recurringTypes maps the unified recurring_model to payment_type.
func recurringType(model string) (string, error) {
	switch model {
	case "", "Subscription":
		return typeRecurring, nil
	case "Installment":
		return typeInstallment, nil
	case "UnscheduledCardOnFile", "CardOnFile":
		return typeRegular, nil
	}
	return "", pdk.InvalidRequest("recurring_model", textf.Sprintf("%q is not one of Subscription, Installment, UnscheduledCardOnFile, CardOnFile", model))
}

// buildRecurringCharge charges a stored instrument, merchant-initiated.
func buildRecurringCharge(c *pdk.Context, req *v1.RecurringPaymentServiceChargeRequest) (*pluginv1.HttpRequest, error) {
	p, err := newPlan(c, "merchant_transaction_id", req.GetMerchantTransactionId(), "amount", req.GetAmount())
	if err != nil {
		return nil, err
	}
	id := req.GetMandate().GetConnectorMandateId()
	if err := pdk.CheckID("mandate.connector_mandate_id", id, sourceIDPattern.Match, "src_..."); err != nil {
		return nil, err
	}
	p.setInstrument(id)
	if p.paymentType, err = recurringType(req.GetRecurringModel()); err != nil {
		return nil, err
	}
	p.mit = true
	p.previousPayment = req.GetMandate().GetNetworkTransactionId()
	if err := p.setCustomer("mandate.connector_customer_id", req.GetCustomer(), req.GetMandate().GetConnectorCustomerId()); err != nil {
		return nil, err
	}
	p.capture = captureOf(req.GetCaptureMethod(), modeAuto) == modeAuto
	if err := p.setDescription(req.GetDescription()); err != nil {
		return nil, err
	}
	p.setReturn(req.GetReturnUrl(), "")
	p.metadata = req.GetMetadata()
	return p.post(c, "charge")
}

func parseRecurringCharge(c *pdk.Context, req *v1.RecurringPaymentServiceChargeRequest, res *pdk.Response) (*v1.RecurringPaymentServiceChargeResponse, error) {
	mode := captureOf(req.GetCaptureMethod(), modeAuto)
	r, err := readPayment(res, mode, req.GetAmount())
	if err != nil {
		return nil, err
	}
	out := &v1.RecurringPaymentServiceChargeResponse{
		ConnectorTransactionId: r.id, Status: r.status, Amount: r.amount, NextAction: r.next, Error: r.err,
		MerchantTransactionId: cmp.Or(r.reference, req.GetMerchantTransactionId()),
		NetworkTransactionId:  r.schemeID,
	}
	if r.next != nil {
		out.State = modeState(mode)
	}
	return out, nil
}
