package paypal

import (
	"slices"
	"strconv"
	"strings"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/internal/textf"
	"github.com/connectorhost/connector-host/pdk"
	"github.com/connectorhost/connector-host/pdk/jsonr"
	"github.com/connectorhost/connector-host/pdk/jsonw"
	"github.com/valyala/fastjson"
)

// State keys of the PayPal ids a later call needs. They are valid only for
// the order named by stateOrder.
const (
	stateOrder         = "paypal.order_id"
	stateAuthorization = "paypal.authorization_id"
	stateCapture       = "paypal.capture_id"
	// stateReadAt is the call time (Unix ms) of the Get that wrote the ids:
	// equal to the current call's time, it says the order was read in this
	// very call, so a missing id is really missing (no second read).
	stateReadAt = "paypal.read_at_ms"
	// stateIntent is the order's intent (AUTHORIZE or CAPTURE) while it has
	// no payment yet, so a VerifyRedirectResponse without capture_method
	// completes the order the way Authorize asked.
	stateIntent = "paypal.intent"
	// stateInstruction is the processing_instruction an order was created
	// with while it has no payment yet: ORDER_COMPLETE_ON_PAYMENT_APPROVAL
	// says PayPal completes it itself once the payer approves, so a
	// VerifyRedirectResponse reads the order instead of completing it.
	stateInstruction = "paypal.processing_instruction"
)

// completeOnApproval is the processing_instruction PayPal requires for the
// alternative payment methods created with a payment_source (iDEAL,
// Bancontact, BLIK, eps, giropay, P24, Sofort, Trustly, ...): PayPal
// captures the order itself once the payer approves it (Orders v2
// processing_instruction; orders.create answers 422
// ORDER_COMPLETE_ON_PAYMENT_APPROVAL without it).
const completeOnApproval = "ORDER_COMPLETE_ON_PAYMENT_APPROVAL"

// unit is the one purchase unit of an order.
type unit struct {
	amount         *v1.Money
	field          string // the request's name for amount
	customID       string
	invoiceID      string
	description    string
	softDescriptor string
	shipping       *v1.Address
}

// orderBody builds POST /v2/checkout/orders; instruction, when set, is the
// order's processing_instruction.
func orderBody(manual bool, instruction string, u unit, source func(*jsonw.Object)) ([]byte, error) {
	val, err := amountValue(u.field, u.amount)
	if err != nil {
		return nil, err
	}
	if len([]rune(u.invoiceID)) > 127 {
		return nil, pdk.InvalidRequest("merchant_order_reference", "PayPal takes at most 127 characters")
	}
	o := jsonw.NewObject()
	if manual {
		o.String("intent", "AUTHORIZE")
	} else {
		o.String("intent", "CAPTURE")
	}
	o.Array("purchase_units", func(a *jsonw.Array) {
		a.Object(func(p *jsonw.Object) {
			writeMoney(p, "amount", u.amount.GetCurrency(), val)
			p.StringIf("custom_id", u.customID).StringIf("invoice_id", u.invoiceID)
			p.StringIf("description", truncate(u.description, 127)).StringIf("soft_descriptor", u.softDescriptor)
			if u.shipping.GetCountry() != "" {
				p.Object("shipping", func(s *jsonw.Object) {
					if n := fullName(u.shipping, nil); n != "" {
						s.Object("name", func(x *jsonw.Object) { x.String("full_name", n) })
					}
					s.Object("address", func(x *jsonw.Object) { writeAddress(x, u.shipping) })
				})
			}
		})
	})
	if source != nil {
		o.Object("payment_source", source)
	}
	o.StringIf("processing_instruction", instruction)
	return o.Bytes(), nil
}

// isManual reports an authorize intent.
func isManual(m v1.CaptureMethod) bool {
	return m == v1.CaptureMethod_CAPTURE_METHOD_MANUAL || m == v1.CaptureMethod_CAPTURE_METHOD_MANUAL_MULTIPLE
}

// writeAddress writes an address_portable.
func writeAddress(o *jsonw.Object, a *v1.Address) {
	o.StringIf("address_line_1", a.GetLine1()).StringIf("address_line_2", a.GetLine2()).
		StringIf("admin_area_2", a.GetCity()).StringIf("admin_area_1", a.GetState()).
		StringIf("postal_code", a.GetPostalCode()).String("country_code", a.GetCountry())
}

// fullName is the address's name, else the customer's.
func fullName(a *v1.Address, c *v1.Customer) string {
	if n := strings.TrimSpace(a.GetFirstName() + " " + a.GetLastName()); n != "" {
		return n
	}
	return c.GetName()
}

// truncate cuts s to n characters (PayPal's maxLength counts characters).
func truncate(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n])
	}
	return s
}

// redirects are the URLs a payer returns to after approval.
type redirects struct{ ret, cancel string }

func redirectsOf(c *pdk.Context, ret, cancel string) redirects {
	if ret == "" {
		ret = c.Config[configReturnURL]
	}
	if cancel == "" {
		cancel = c.Config[configCancelURL]
	}
	if cancel == "" {
		cancel = ret
	}
	return redirects{ret, cancel}
}

func (r redirects) write(o *jsonw.Object, extra func(*jsonw.Object)) {
	if r.ret == "" && extra == nil {
		return
	}
	o.Object("experience_context", func(x *jsonw.Object) {
		if extra != nil {
			extra(x)
		}
		x.StringIf("return_url", r.ret).StringIf("cancel_url", r.cancel)
	})
}

// bankSources are the payment_source members of the bank redirect methods.
var bankSources = map[v1.BankRedirectKind]string{
	v1.BankRedirectKind_BANK_REDIRECT_KIND_IDEAL:      "ideal",
	v1.BankRedirectKind_BANK_REDIRECT_KIND_SOFORT:     "sofort",
	v1.BankRedirectKind_BANK_REDIRECT_KIND_GIROPAY:    "giropay",
	v1.BankRedirectKind_BANK_REDIRECT_KIND_BANCONTACT: "bancontact",
	v1.BankRedirectKind_BANK_REDIRECT_KIND_EPS:        "eps",
	v1.BankRedirectKind_BANK_REDIRECT_KIND_BLIK:       "blik",
	v1.BankRedirectKind_BANK_REDIRECT_KIND_PRZELEWY24: "p24",
	v1.BankRedirectKind_BANK_REDIRECT_KIND_TRUSTLY:    "trustly",
}

// splitToken reads a vault token "paypal:ID" or "card:ID" (a bare id is a card).
func splitToken(field, tok string) (source, id string, err error) {
	source, id, ok := strings.Cut(tok, ":")
	if !ok {
		source, id = "card", tok
	}
	if source != "card" && source != "paypal" {
		return "", "", pdk.InvalidRequest(field, "must be a PayPal vault id, optionally prefixed with card: or paypal:")
	}
	if _, err := pathID(field, id); err != nil {
		return "", "", err
	}
	return source, id, nil
}

// authorizeSource writes payment_source for an Authorize request.
func authorizeSource(c *pdk.Context, r *v1.PaymentServiceAuthorizeRequest) (func(*jsonw.Object), error) {
	rd := redirectsOf(c, r.GetReturnUrl(), r.GetCancelUrl())
	store := r.GetSetupFutureUsage() != v1.FutureUsage_FUTURE_USAGE_UNSPECIFIED
	switch m := r.GetPaymentMethod().GetMethod().(type) {
	case *v1.PaymentMethod_Card:
		return cardSource(m.Card, r.GetBillingAddress(), rd, store), nil
	case *v1.PaymentMethod_Token:
		src, id, err := splitToken("payment_method.token.token", m.Token.GetToken())
		if err != nil {
			return nil, err
		}
		return func(o *jsonw.Object) { o.Object(src, func(x *jsonw.Object) { x.String("vault_id", id) }) }, nil
	case *v1.PaymentMethod_Wallet:
		pp := m.Wallet.GetPaypal()
		if pp == nil {
			return nil, pdk.Unsupported("payment_method.wallet: PayPal Orders v2 takes only the PayPal wallet here")
		}
		return func(o *jsonw.Object) {
			o.Object("paypal", func(x *jsonw.Object) {
				x.StringIf("email_address", pp.GetEmail())
				if store {
					x.Object("attributes", func(a *jsonw.Object) {
						a.Object("vault", func(v *jsonw.Object) {
							v.String("store_in_vault", "ON_SUCCESS").String("usage_type", "MERCHANT")
						})
					})
				}
				rd.write(x, func(e *jsonw.Object) {
					e.String("user_action", "PAY_NOW")
					if r.GetShippingAddress().GetCountry() == "" {
						e.String("shipping_preference", "NO_SHIPPING")
					} else {
						e.String("shipping_preference", "SET_PROVIDED_ADDRESS")
					}
				})
			})
		}, nil
	case *v1.PaymentMethod_BankRedirect:
		name := bankSources[m.BankRedirect.GetKind()]
		if name == "" {
			return nil, pdk.Unsupported("payment_method.bank_redirect.kind %v is not offered through PayPal", m.BankRedirect.GetKind())
		}
		holder := fullName(r.GetBillingAddress(), r.GetCustomer())
		if holder == "" {
			return nil, pdk.InvalidRequest("billing_address.first_name", "PayPal needs the payer's name for "+name)
		}
		country := m.BankRedirect.GetCountry()
		if country == "" {
			country = r.GetBillingAddress().GetCountry()
		}
		if country == "" {
			return nil, pdk.InvalidRequest("payment_method.bank_redirect.country", "is required by PayPal for "+name)
		}
		email := r.GetCustomer().GetEmail()
		if name == "p24" && email == "" {
			return nil, pdk.InvalidRequest("customer.email", "is required by PayPal for Przelewy24")
		}
		return func(o *jsonw.Object) {
			o.Object(name, func(x *jsonw.Object) {
				x.String("name", holder).String("country_code", country)
				if name == "p24" {
					x.String("email", email)
				}
				rd.write(x, nil)
			})
		}, nil
	}
	return nil, pdk.Unsupported("payment_method: PayPal takes cards, the PayPal wallet, vault tokens and bank redirects")
}

// cardSource writes payment_source.card for a card the caller sends.
func cardSource(card *v1.Card, billing *v1.Address, rd redirects, store bool) func(*jsonw.Object) {
	return func(o *jsonw.Object) {
		o.Object("card", func(x *jsonw.Object) {
			name := card.GetHolderName()
			if name == "" {
				name = fullName(billing, nil)
			}
			x.StringIf("name", name).String("number", card.GetNumber()).StringIf("security_code", card.GetCvc()).
				String("expiry", textf.Sprintf("%04d-%02d", card.GetExpYear(), card.GetExpMonth()))
			if billing.GetCountry() != "" {
				x.Object("billing_address", func(a *jsonw.Object) { writeAddress(a, billing) })
			}
			if store {
				x.Object("attributes", func(a *jsonw.Object) {
					a.Object("vault", func(v *jsonw.Object) { v.String("store_in_vault", "ON_SUCCESS") })
				})
			}
			rd.write(x, nil)
		})
	}
}

func buildAuthorize(c *pdk.Context, r *v1.PaymentServiceAuthorizeRequest) (*pluginv1.HttpRequest, error) {
	if id := r.GetConnectorOrderId(); id != "" {
		// An order made by CreateOrder and approved by the payer: complete it.
		if _, err := pathID("connector_order_id", id); err != nil {
			return nil, err
		}
		return post(c, "/v2/checkout/orders/"+id+"/"+intentPath(r.GetCaptureMethod()), "complete", id, []byte("{}"))
	}
	src, err := authorizeSource(c, r)
	if err != nil {
		return nil, err
	}
	body, err := orderBody(isManual(r.GetCaptureMethod()), instructionFor(r), unit{
		amount: r.GetAmount(), field: "amount", customID: r.GetMerchantTransactionId(), invoiceID: r.GetMerchantOrderReference(),
		description: r.GetDescription(), softDescriptor: r.GetStatementDescriptor(), shipping: r.GetShippingAddress(),
	}, src)
	if err != nil {
		return nil, err
	}
	return post(c, "/v2/checkout/orders", "order", r.GetMerchantTransactionId(), body)
}

// instructionFor is the processing_instruction of an Authorize's new order:
// completeOnApproval for a bank redirect, none otherwise.
func instructionFor(r *v1.PaymentServiceAuthorizeRequest) string {
	if r.GetPaymentMethod().GetBankRedirect() != nil {
		return completeOnApproval
	}
	return ""
}

// intentPath is the order action that completes an approved order.
func intentPath(m v1.CaptureMethod) string {
	if isManual(m) {
		return "authorize"
	}
	return "capture"
}

func parseAuthorize(c *pdk.Context, r *v1.PaymentServiceAuthorizeRequest, res *pdk.Response) (*v1.PaymentServiceAuthorizeResponse, error) {
	o, err := readOrder(res, true)
	if err != nil {
		return nil, err
	}
	st := o.state()
	if in := instructionFor(r); in != "" && r.GetConnectorOrderId() == "" && st != nil && o.paymentID == "" {
		st.Values[stateInstruction] = in
	}
	return &v1.PaymentServiceAuthorizeResponse{
		ConnectorTransactionId: o.id, Status: o.status, Amount: o.amount, NextAction: o.next, Error: o.err, Mandate: o.mandate,
		State: st, MerchantTransactionId: o.customID, NetworkTransactionId: o.ntid, ConnectorReferenceId: o.paymentID,
		CapturedAmount: o.captured,
	}, nil
}

func buildCreateOrder(c *pdk.Context, r *v1.PaymentServiceCreateOrderRequest) (*pluginv1.HttpRequest, error) {
	rd := redirectsOf(c, r.GetReturnUrl(), "")
	var src func(*jsonw.Object)
	if rd.ret != "" {
		src = func(o *jsonw.Object) {
			o.Object("paypal", func(x *jsonw.Object) {
				rd.write(x, func(e *jsonw.Object) { e.String("shipping_preference", "NO_SHIPPING") })
			})
		}
	}
	body, err := orderBody(r.GetMetadata()["capture_method"] == "manual", "", unit{
		amount: r.GetAmount(), field: "amount", customID: r.GetMerchantOrderId(),
	}, src)
	if err != nil {
		return nil, err
	}
	// Not "order": an Authorize of the same merchant id creates another
	// order (with a payment source), and PayPal answers a reused
	// PayPal-Request-Id with the first request's order.
	return post(c, "/v2/checkout/orders", "create-order", r.GetMerchantOrderId(), body)
}

func parseCreateOrder(c *pdk.Context, r *v1.PaymentServiceCreateOrderRequest, res *pdk.Response) (*v1.PaymentServiceCreateOrderResponse, error) {
	o, err := readOrder(res, false)
	if err != nil {
		return nil, err
	}
	status := o.status
	if status == v1.PaymentStatus_PAYMENT_STATUS_ACTION_REQUIRED || status == v1.PaymentStatus_PAYMENT_STATUS_AUTHENTICATION_PENDING {
		status = v1.PaymentStatus_PAYMENT_STATUS_STARTED
	}
	return &v1.PaymentServiceCreateOrderResponse{ConnectorOrderId: o.id, Status: status, Error: o.err}, nil
}

// buildComplete authorizes or captures an order the payer approved (after
// the PayPal, bank or 3-D Secure redirect). An order created with
// ORDER_COMPLETE_ON_PAYMENT_APPROVAL (a bank redirect, the state says) is
// completed by PayPal itself: it is read, not captured a second time.
func buildComplete(c *pdk.Context, r *v1.PaymentServiceVerifyRedirectResponseRequest) (*pluginv1.HttpRequest, error) {
	id, err := pathID("connector_transaction_id", r.GetConnectorTransactionId())
	if err != nil {
		return nil, err
	}
	if tok := r.GetParams()["token"]; tok != "" && tok != id {
		return nil, pdk.InvalidRequest("params.token", "names another PayPal order than connector_transaction_id")
	}
	m, vals := r.GetCaptureMethod(), c.State.GetValues()
	if vals[stateOrder] == id && vals[stateInstruction] == completeOnApproval {
		return getByID(c, "/v2/checkout/orders/", "connector_transaction_id", id)
	}
	if m == v1.CaptureMethod_CAPTURE_METHOD_UNSPECIFIED && vals[stateOrder] == id && vals[stateIntent] == "AUTHORIZE" {
		m = v1.CaptureMethod_CAPTURE_METHOD_MANUAL
	}
	return post(c, "/v2/checkout/orders/"+id+"/"+intentPath(m), "complete", id, []byte("{}"))
}

func parseComplete(c *pdk.Context, r *v1.PaymentServiceVerifyRedirectResponseRequest, res *pdk.Response) (*v1.PaymentServiceVerifyRedirectResponseResponse, error) {
	o, err := readOrder(res, true)
	if err != nil {
		return nil, err
	}
	return &v1.PaymentServiceVerifyRedirectResponseResponse{
		ConnectorTransactionId: o.id, Status: o.status, Amount: o.amount, NextAction: o.next, Error: o.err, Mandate: o.mandate,
		State: o.state(), MerchantTransactionId: o.customID, NetworkTransactionId: o.ntid,
	}, nil
}

func buildGet(c *pdk.Context, r *v1.PaymentServiceGetRequest) (*pluginv1.HttpRequest, error) {
	return getByID(c, "/v2/checkout/orders/", "connector_transaction_id", r.GetConnectorTransactionId())
}

func parseGet(c *pdk.Context, r *v1.PaymentServiceGetRequest, res *pdk.Response) (*v1.PaymentServiceGetResponse, error) {
	o, err := readOrder(res, false)
	if err != nil {
		return nil, err
	}
	st := o.state()
	st.Values[stateReadAt] = strconv.FormatInt(c.NowUnixMilli(), 10)
	return &v1.PaymentServiceGetResponse{
		ConnectorTransactionId: o.id, Status: o.status, Amount: o.amount, CapturedAmount: o.captured, RefundedAmount: o.refunded,
		NextAction: o.next, Error: o.err, Mandate: o.mandate, State: st, MerchantTransactionId: o.customID,
		NetworkTransactionId: o.ntid, ConnectorReferenceId: o.paymentID,
	}, nil
}

func buildRecurringCharge(c *pdk.Context, r *v1.RecurringPaymentServiceChargeRequest) (*pluginv1.HttpRequest, error) {
	src, id, err := splitToken("mandate.connector_mandate_id", r.GetMandate().GetConnectorMandateId())
	if err != nil {
		return nil, err
	}
	payType := "UNSCHEDULED"
	if strings.Contains(strings.ToLower(r.GetRecurringModel()), "subscription") || strings.EqualFold(r.GetRecurringModel(), "recurring") {
		payType = "RECURRING"
	}
	body, err := orderBody(isManual(r.GetCaptureMethod()), "", unit{
		amount: r.GetAmount(), field: "amount", customID: r.GetMerchantTransactionId(),
		description: r.GetDescription(), softDescriptor: r.GetStatementDescriptor(),
	}, func(o *jsonw.Object) {
		o.Object(src, func(x *jsonw.Object) {
			x.String("vault_id", id)
			if src == "card" {
				x.Object("stored_credential", func(s *jsonw.Object) {
					s.String("payment_initiator", "MERCHANT").String("payment_type", payType).String("usage", "SUBSEQUENT")
					if nt := r.GetMandate().GetNetworkTransactionId(); len(nt) >= 9 && len(nt) <= 36 {
						s.Object("previous_network_transaction_reference", func(p *jsonw.Object) { p.String("id", nt) })
					}
				})
			}
		})
	})
	if err != nil {
		return nil, err
	}
	return post(c, "/v2/checkout/orders", "order", r.GetMerchantTransactionId(), body)
}

func parseRecurringCharge(c *pdk.Context, r *v1.RecurringPaymentServiceChargeRequest, res *pdk.Response) (*v1.RecurringPaymentServiceChargeResponse, error) {
	o, err := readOrder(res, true)
	if err != nil {
		return nil, err
	}
	return &v1.RecurringPaymentServiceChargeResponse{
		ConnectorTransactionId: o.id, Status: o.status, Amount: o.amount, Error: o.err, State: o.state(),
		MerchantTransactionId: o.customID, NetworkTransactionId: o.ntid, NextAction: o.next, Mandate: o.mandate,
	}, nil
}

// order is what the unified responses need from a PayPal order.
type order struct {
	id, customID, paymentID, ntid string
	intent                        string
	authorizationID, captureID    string
	status                        v1.PaymentStatus
	amount, captured, refunded    *v1.Money
	next                          *v1.NextAction
	err                           *v1.PaymentError
	mandate                       *v1.MandateReference
}

// state carries the ids capture, void and refund need.
func (o *order) state() *v1.ConnectorState {
	if o.id == "" {
		return nil
	}
	vals := map[string]string{stateOrder: o.id}
	if o.intent != "" && o.paymentID == "" {
		vals[stateIntent] = o.intent
	}
	if o.authorizationID != "" {
		vals[stateAuthorization] = o.authorizationID
	}
	if o.captureID != "" {
		vals[stateCapture] = o.captureID
	}
	return &v1.ConnectorState{Values: vals}
}

// readOrder parses an order answer. For paying flows (pay), a 422 that
// PayPal uses for declines becomes a failed payment instead of an error.
func readOrder(res *pdk.Response, pay bool) (*order, error) {
	if pay && res.Status == 422 {
		if pe, ok := declined(res); ok {
			return &order{status: v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZATION_FAILED, err: pe}, nil
		}
	}
	v, err := answer(res)
	if err != nil {
		return nil, err
	}
	return orderOf(v)
}

// orderOf reads an order object (an API answer or a webhook resource).
func orderOf(v *fastjson.Value) (o *order, err error) {
	o = &order{id: jsonr.Str(v, "id"), intent: jsonr.Str(v, "intent"), status: orderStatuses.Get(jsonr.Str(v, "status"))}
	if o.id == "" {
		return nil, pdk.InvalidResponse("PayPal's order has no id")
	}
	var u *fastjson.Value
	if pu := jsonr.Objects(v, "purchase_units"); len(pu) > 0 {
		u = pu[0]
		o.customID = jsonr.Str(u, "custom_id")
		if o.amount, err = readMoney(u, "amount"); err != nil {
			return nil, err
		}
	}
	if err := o.readPayments(u); err != nil {
		return nil, err
	}
	if link := linkOf(v, "payer-action", "approve"); link != "" && (o.status == v1.PaymentStatus_PAYMENT_STATUS_ACTION_REQUIRED ||
		o.status == v1.PaymentStatus_PAYMENT_STATUS_AUTHENTICATION_PENDING || o.status == v1.PaymentStatus_PAYMENT_STATUS_STARTED) {
		o.next = pdk.RedirectAction(link)
		if o.status == v1.PaymentStatus_PAYMENT_STATUS_STARTED {
			o.status = v1.PaymentStatus_PAYMENT_STATUS_ACTION_REQUIRED
		}
	}
	o.mandate = vaultOf(v)
	return o, nil
}

// readPayments reads the authorizations and captures of a purchase unit;
// they decide the status once they exist.
func (o *order) readPayments(u *fastjson.Value) error {
	if u == nil {
		return nil
	}
	auths, caps, refs := jsonr.Objects(u, "payments", "authorizations"), jsonr.Objects(u, "payments", "captures"), jsonr.Objects(u, "payments", "refunds")
	captured, err := total(caps, "COMPLETED", "PARTIALLY_REFUNDED", "REFUNDED")
	if err != nil {
		return err
	}
	refunded, err := total(refs, "COMPLETED")
	if err != nil {
		return err
	}
	cur := o.amount.GetCurrency()
	if len(caps) > 0 {
		last := caps[len(caps)-1]
		o.captureID, o.paymentID = jsonr.Str(last, "id"), jsonr.Str(last, "id")
		o.ntid = jsonr.Str(last, "network_transaction_reference", "id")
		o.status = captureStatuses.Get(jsonr.Str(last, "status"))
		o.captured = &v1.Money{MinorAmount: captured, Currency: cur}
		if o.status == v1.PaymentStatus_PAYMENT_STATUS_CAPTURE_FAILED && len(auths) == 0 {
			o.status = v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZATION_FAILED
		}
		if o.status == v1.PaymentStatus_PAYMENT_STATUS_CHARGED && o.amount != nil && captured < o.amount.GetMinorAmount() && len(auths) > 0 {
			o.status = v1.PaymentStatus_PAYMENT_STATUS_PARTIALLY_CAPTURED
		}
		o.err = processorError(last, o.status)
	}
	if len(auths) > 0 {
		a := auths[len(auths)-1]
		o.authorizationID = jsonr.Str(a, "id")
		if len(caps) == 0 {
			o.paymentID = o.authorizationID
			o.ntid = jsonr.Str(a, "network_transaction_reference", "id")
			o.status = authorizationStatuses.Get(jsonr.Str(a, "status"))
			o.err = processorError(a, o.status)
		}
	}
	if len(refs) > 0 {
		o.refunded = &v1.Money{MinorAmount: refunded, Currency: cur}
	}
	return nil
}

// total sums the amounts of the payments in one of statuses, refusing an
// answer whose sum would overflow.
func total(payments []*fastjson.Value, statuses ...string) (int64, error) {
	var sum int64
	for _, p := range payments {
		if !slices.Contains(statuses, jsonr.Str(p, "status")) {
			continue
		}
		m, err := readMoney(p, "amount")
		if err != nil {
			return 0, err
		}
		if sum+m.GetMinorAmount() < sum {
			return 0, pdk.InvalidResponse("PayPal's payment amounts overflow")
		}
		sum += m.GetMinorAmount()
	}
	return sum, nil
}

// linkOf returns the href of the first link with one of rels.
func linkOf(v *fastjson.Value, rels ...string) string {
	for _, rel := range rels {
		for _, l := range jsonr.Objects(v, "links") {
			if jsonr.Str(l, "rel") == rel {
				return jsonr.Str(l, "href")
			}
		}
	}
	return ""
}

// vaultOf reads a payment token PayPal created with the payment (vault
// with purchase): payment_source.<card|paypal>.attributes.vault.
func vaultOf(v *fastjson.Value) *v1.MandateReference {
	for _, src := range []string{"card", "paypal"} {
		vault := jsonr.Obj(v, "payment_source", src, "attributes", "vault")
		if vault == nil || jsonr.Str(vault, "id") == "" {
			continue
		}
		return &v1.MandateReference{
			ConnectorMandateId:  src + ":" + jsonr.Str(vault, "id"),
			ConnectorCustomerId: jsonr.Str(vault, "customer", "id"),
			Status:              vaultStatuses.Get(jsonr.Str(vault, "status")),
		}
	}
	return nil
}
