package razorpay

import (
	"cmp"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/internal/textf"
	"github.com/connectorhost/connector-host/pdk"
	"github.com/connectorhost/connector-host/pdk/jsonr"
	"github.com/connectorhost/connector-host/pdk/jsonw"
	"github.com/valyala/fastjson"
)

// paymentPlan is a validated S2S JSON payment (POST /v1/payments/create/json).
type paymentPlan struct {
	amount                int64
	currency, orderID     string
	email, contact        string
	customerID            string
	recurring             bool
	method                func(*jsonw.Object)
	description, callback string
	browser               *v1.BrowserInfo
	notes                 map[string]string
}

// newPlan checks what every S2S payment needs: an amount, the customer's
// email and phone (Razorpay requires both) and notes.
func newPlan(amountField string, amount *v1.Money, cust *v1.Customer, billing *v1.Address, md map[string]string) (*paymentPlan, error) {
	amt, cur, err := amounts.To(amount, amountField)
	if err != nil {
		return nil, err
	}
	p := &paymentPlan{amount: amt, currency: cur, email: cust.GetEmail(), contact: cmp.Or(cust.GetPhone(), billing.GetPhone()), notes: md}
	if p.email == "" {
		return nil, pdk.InvalidRequest("customer.email", "is required by Razorpay payments")
	}
	if p.contact == "" {
		return nil, pdk.InvalidRequest("customer.phone", "is required by Razorpay payments (or billing_address.phone)")
	}
	return p, checkNotes(md)
}

// setMethod maps a card or UPI payment method to Razorpay's method fields.
// Errors never echo the card number or CVC.
func (p *paymentPlan) setMethod(pm *v1.PaymentMethod) error {
	switch m := pm.GetMethod().(type) {
	case *v1.PaymentMethod_Card:
		card := m.Card
		if card.GetCvc() == "" {
			return pdk.InvalidRequest("payment_method.card.cvc", "is required by Razorpay card payments")
		}
		p.method = func(o *jsonw.Object) {
			o.String("method", "card")
			o.Object("card", func(w *jsonw.Object) {
				w.String("number", card.GetNumber())
				w.StringIf("name", card.GetHolderName())
				w.String("expiry_month", textf.Sprintf("%02d", card.GetExpMonth()))
				w.String("expiry_year", textf.Sprintf("%d", card.GetExpYear()))
				w.String("cvv", card.GetCvc())
			})
		}
		return nil
	case *v1.PaymentMethod_Upi:
		if p.currency != "INR" {
			return pdk.InvalidRequest("amount.currency", "must be INR for UPI")
		}
		vpa, intent := m.Upi.GetVpa(), m.Upi.GetIntent()
		if vpa == "" && !intent {
			return pdk.InvalidRequest("payment_method.upi", "needs vpa (collect) or intent")
		}
		p.method = func(o *jsonw.Object) {
			o.String("method", "upi")
			o.Object("upi", func(w *jsonw.Object) {
				if vpa != "" {
					w.String("flow", "collect")
					w.String("vpa", vpa)
				} else {
					w.String("flow", "intent")
				}
			})
		}
		return nil
	case nil:
		return pdk.InvalidRequest("payment_method", "is required")
	}
	return pdk.Unsupported("payment_method: only card, upi and (in SetupRecurring) a NACH bank_debit are supported")
}

// body writes the plan as the S2S JSON request in a fixed field order.
func (p *paymentPlan) body() []byte {
	o := jsonw.NewObject()
	o.Int("amount", p.amount)
	o.String("currency", p.currency)
	o.String("order_id", p.orderID)
	o.String("email", p.email)
	o.String("contact", p.contact)
	o.StringIf("customer_id", p.customerID)
	if p.recurring {
		o.String("recurring", "1")
	}
	p.method(o)
	o.StringIf("description", p.description)
	o.StringIf("callback_url", p.callback)
	if b := p.browser; b.GetIpAddress() != "" || b.GetUserAgent() != "" {
		o.Object("authentication", func(w *jsonw.Object) { w.String("authentication_channel", "browser") })
		o.Object("browser", func(w *jsonw.Object) {
			w.Bool("java_enabled", b.GetJavaEnabled())
			w.Bool("javascript_enabled", b.GetJavascriptEnabled())
			w.Int("timezone_offset", int64(b.GetTimeZoneOffsetMinutes()))
			w.Int("color_depth", int64(b.GetColorDepth()))
			w.Int("screen_width", int64(b.GetScreenWidth()))
			w.Int("screen_height", int64(b.GetScreenHeight()))
			w.StringIf("language", b.GetLanguage())
		})
		o.StringIf("ip", b.GetIpAddress())
		o.StringIf("user_agent", b.GetUserAgent())
	}
	o.SortedStringMap("notes", p.notes)
	return o.Bytes()
}

// buildAuthorize builds POST /v1/payments/create/json on the order; without
// one it asks the host to run CreateOrder for this payment first.
func buildAuthorize(c *pdk.Context, req *v1.PaymentServiceAuthorizeRequest) (*pluginv1.HttpRequest, error) {
	id := req.GetMerchantTransactionId()
	if id == "" {
		return nil, pdk.InvalidRequest("merchant_transaction_id", "is required (the order's receipt and the idempotency key)")
	}
	if req.GetMandate().GetConnectorMandateId() != "" {
		return nil, pdk.Unsupported("mandate: charge a Razorpay token with RecurringPaymentService.Charge, not Authorize")
	}
	if req.GetSetupFutureUsage() != v1.FutureUsage_FUTURE_USAGE_UNSPECIFIED {
		return nil, pdk.Unsupported("setup_future_usage: store a card or UPI mandate with PaymentService.SetupRecurring (a Razorpay recurring authorization)")
	}
	if req.GetPaymentMethod().GetBankDebit().GetKind() == v1.BankDebitKind_BANK_DEBIT_KIND_NACH {
		return nil, pdk.InvalidRequest("payment_method.bank_debit", "a NACH e-mandate is registered with PaymentService.SetupRecurring and debited with RecurringPaymentService.Charge (Razorpay has no one-off e-mandate payment)")
	}
	p, err := newPlan("amount", req.GetAmount(), req.GetCustomer(), req.GetBillingAddress(), req.GetMetadata())
	if err != nil {
		return nil, err
	}
	if err := p.setMethod(req.GetPaymentMethod()); err != nil {
		return nil, err
	}
	if cid := req.GetCustomer().GetConnectorCustomerId(); cid != "" {
		if err := pdk.CheckID("customer.connector_customer_id", cid, customerIDPattern.Match, "cust_1Aa00000000001"); err != nil {
			return nil, err
		}
		p.customerID = cid
	}
	if p.orderID, err = orderFor(c, req.GetConnectorOrderId(), id); err != nil {
		return nil, err
	}
	if p.orderID == "" {
		return nil, needOrder(id, req.GetAmount(), req.GetCustomer(), req.GetMetadata(),
			map[string]string{stateCapture: captureValue(req.GetCaptureMethod()), stateOrderStatus: "requested"})
	}
	if orderTried(c, p.orderID) {
		// A retry whose first answer was lost finds the order already
		// paid: read its payments first (a Get step); the one that paid it
		// is read and answered (parseAuthorize) instead of a refused payment.
		if _, read := c.Stamped(orderPaymentsKey(p.orderID)); !read {
			return nil, pdk.NeedStep(v1.Flow_FLOW_GET, &v1.PaymentServiceGetRequest{ConnectorTransactionId: p.orderID,
				State: pdk.AskState(orderPaymentsKey(p.orderID))})
		}
		if paid := earlierPayment(c, p.orderID); paid != "" {
			return payments.Get(c, api, paid)
		}
	}
	p.description, p.callback, p.browser = req.GetDescription(), req.GetReturnUrl(), req.GetBrowserInfo()
	return api.Send(c, "POST", "/v1/payments/create/json", idempotencyKey("payment", id), p.body())
}

// created is a parsed S2S JSON answer: the payment id and its next step.
type created struct {
	paymentID string
	status    v1.PaymentStatus
	next      *v1.NextAction
	err       *v1.PaymentError
}

// readCreated reads the S2S JSON answer {"razorpay_payment_id", "next":
// [{"action", "url"}]}: a redirect (card authentication) or an intent
// (upi://pay link) is for the shopper; poll only means a UPI collect request
// is waiting on the shopper's app. A refusal naming a payment
// (error.metadata.payment_id) is a failed payment, not a Go error.
func readCreated(res *pdk.Response) (*created, error) {
	if res.Status >= 400 && res.Status < 500 {
		if e := readAPIError(res.Body); e.paymentID != "" {
			return &created{paymentID: e.paymentID, status: v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZATION_FAILED, err: e.paymentError(res.Status)}, nil
		}
	}
	v, id, err := jsonr.ObjectWithID(res, processor, httpError, "payment", "razorpay_payment_id")
	if err != nil {
		return nil, err
	}
	r := &created{paymentID: id, status: v1.PaymentStatus_PAYMENT_STATUS_PENDING}
	for _, n := range jsonr.Objects(v, "next") {
		switch jsonr.Str(n, "action") {
		case "redirect", "intent":
			if r.next == nil && jsonr.Str(n, "url") != "" {
				r.status = v1.PaymentStatus_PAYMENT_STATUS_AUTHENTICATION_PENDING
				r.next = pdk.RedirectAction(jsonr.Str(n, "url"))
			}
		}
	}
	return r, nil
}

func parseAuthorize(c *pdk.Context, req *v1.PaymentServiceAuthorizeRequest, res *pdk.Response) (*v1.PaymentServiceAuthorizeResponse, error) {
	order, _ := orderFor(c, req.GetConnectorOrderId(), req.GetMerchantTransactionId())
	if paid := earlierPayment(c, order); paid != "" {
		return parseEarlierPayment(req, res, paid, order)
	}
	r, err := readCreated(res)
	if err != nil {
		return nil, err
	}
	return &v1.PaymentServiceAuthorizeResponse{
		ConnectorTransactionId: r.paymentID, Status: r.status, Amount: req.GetAmount(), NextAction: r.next, Error: r.err,
		ConnectorReferenceId: order,
	}, nil
}

// parseEarlierPayment answers an Authorize whose order was already paid
// with the payment that paid it (buildAuthorize read it: GET
// /v1/payments/{id}). It must be that payment, of this order (whose receipt
// is the merchant id, checked by parseCreateOrder), for the requested amount
// and currency.
func parseEarlierPayment(req *v1.PaymentServiceAuthorizeRequest, res *pdk.Response, paid, order string) (*v1.PaymentServiceAuthorizeResponse, error) {
	p, err := readPayment(res, req.GetAmount())
	if err != nil {
		return nil, err
	}
	switch {
	case p.id != paid:
		return nil, pdk.IntegrityMismatch("the payment read is %s, not %s", p.id, paid)
	case p.orderID != order:
		return nil, pdk.IntegrityMismatch("payment %s is of order %s, not %s", p.id, p.orderID, order)
	}
	if err := pdk.CheckAmount(req.GetAmount(), p.amount, "the order's earlier payment's amount"); err != nil {
		return nil, err
	}
	out := &v1.PaymentServiceAuthorizeResponse{ConnectorTransactionId: p.id, Status: p.status, Amount: p.amount, Error: p.err,
		ConnectorReferenceId: order}
	if p.status == v1.PaymentStatus_PAYMENT_STATUS_CHARGED {
		out.CapturedAmount = p.amount
	}
	return out, nil
}

// payment is a parsed payment entity.
type payment struct {
	id, orderID, tokenID, customerID, rrn string
	method                                string
	status                                v1.PaymentStatus
	amount, refunded                      *v1.Money
	err                                   *v1.PaymentError
}

// readPayment reads a payment entity; requested (when known) must have its currency.
func readPayment(res *pdk.Response, requested *v1.Money) (*payment, error) {
	v, err := object(res)
	if err != nil {
		return nil, err
	}
	return paymentOf(v, requested, res.Status)
}

func paymentOf(v *fastjson.Value, requested *v1.Money, httpStatus int) (*payment, error) {
	p := &payment{
		orderID: jsonr.Str(v, "order_id"), tokenID: jsonr.Str(v, "token_id"),
		customerID: jsonr.Str(v, "customer_id"), rrn: jsonr.Str(v, "acquirer_data", "rrn"),
		method: jsonr.Str(v, "method"),
	}
	var err error
	if p.id, err = jsonr.NeedStr(v, processor, "payment", "id"); err != nil {
		return nil, err
	}
	raw := jsonr.Str(v, "status")
	if raw == "" {
		return nil, pdk.InvalidResponse("%s's payment answer has no status", processor)
	}
	p.status = paymentStatuses().Get(raw)
	if captured, ok := jsonr.Bool(v, "captured"); ok && !captured && raw == "refunded" {
		// Razorpay auto-refunds an authorization left uncaptured ("Auto-refunds":
		// captured is always false): the money went back, it was never charged.
		p.status = v1.PaymentStatus_PAYMENT_STATUS_REVERSED
	}
	cur := jsonr.Str(v, "currency")
	if requested != nil && cur != requested.GetCurrency() {
		return nil, pdk.IntegrityMismatch("answer currency %s differs from the requested %s", cur, requested.GetCurrency())
	}
	if p.amount, err = amountAt(v, cur, "amount"); err != nil {
		return nil, err
	}
	if p.refunded, err = amountAt(v, cur, "amount_refunded"); err != nil {
		return nil, err
	}
	if raw == "failed" {
		p.err = apiError{
			code: jsonr.Str(v, "error_code"), description: jsonr.Str(v, "error_description"),
			reason: jsonr.Str(v, "error_reason"),
		}.paymentError(httpStatus)
	}
	return p, nil
}

// mandate is the token a recurring payment names (its authorization's or the
// one it debits), if any. The token's state follows the authorization
// payment's (Razorpay's "Token States"): a card or UPI token is active once
// the payment is authorized or captured, pending while the payment is
// created; an e-mandate token stays pending until the customer's bank
// confirms the mandate (token.confirmed or token.rejected), which takes
// days. A failed payment says nothing sure about its token (a failed
// authorization leaves it unusable, a failed debit does not): UNKNOWN.
func (p *payment) mandate() *v1.MandateReference {
	if p.tokenID == "" {
		return nil
	}
	status := pdk.MandateStatusOf(p.status)
	switch {
	case status == v1.MandateStatus_MANDATE_STATUS_FAILED:
		status = v1.MandateStatus_MANDATE_STATUS_UNKNOWN
	case status == v1.MandateStatus_MANDATE_STATUS_ACTIVE && p.method == methodEmandate:
		status = v1.MandateStatus_MANDATE_STATUS_PENDING
	}
	return &v1.MandateReference{ConnectorMandateId: p.tokenID, ConnectorCustomerId: p.customerID, Status: status}
}

// payments addresses a payment by its id: /v1/payments/{id} + suffix.
var payments = pdk.IDPath{Prefix: "/v1/payments/", Field: "connector_transaction_id", Shape: paymentIDPattern,
	Example: "pay_29QQoUBi66xm2f"}

// buildCapture builds POST /v1/payments/{id}/capture. Razorpay captures the
// authorized amount only.
func buildCapture(c *pdk.Context, req *v1.PaymentServiceCaptureRequest) (*pluginv1.HttpRequest, error) {
	path, err := payments.Of(req.GetConnectorTransactionId(), "/capture")
	if err != nil {
		return nil, err
	}
	amt, cur, err := amounts.To(req.GetAmountToCapture(), "amount_to_capture")
	if err != nil {
		return nil, err
	}
	if pa := req.GetPaymentAmount(); pa != nil && pa.GetMinorAmount() != req.GetAmountToCapture().GetMinorAmount() {
		return nil, pdk.InvalidRequest("amount_to_capture", "must equal payment_amount: Razorpay captures the authorized amount only")
	}
	o := jsonw.NewObject().Int("amount", amt).String("currency", cur)
	return api.Send(c, "POST", path, idempotencyKey("capture", cmp.Or(req.GetMerchantCaptureId(), req.GetConnectorTransactionId())), o.Bytes())
}

func parseCapture(c *pdk.Context, req *v1.PaymentServiceCaptureRequest, res *pdk.Response) (*v1.PaymentServiceCaptureResponse, error) {
	p, err := readPayment(res, req.GetAmountToCapture())
	if err != nil {
		return nil, err
	}
	if p.id != req.GetConnectorTransactionId() {
		return nil, pdk.IntegrityMismatch("capture answered for payment %s, not %s", p.id, req.GetConnectorTransactionId())
	}
	if p.amount.GetMinorAmount() != req.GetAmountToCapture().GetMinorAmount() {
		return nil, pdk.IntegrityMismatch("capture answered amount %d, not %d", p.amount.GetMinorAmount(), req.GetAmountToCapture().GetMinorAmount())
	}
	out := &v1.PaymentServiceCaptureResponse{
		ConnectorTransactionId: p.id, Status: p.status, Error: p.err,
	}
	if p.status == v1.PaymentStatus_PAYMENT_STATUS_CHARGED {
		out.CapturedAmount = p.amount
	}
	return out, nil
}

// buildGet builds GET /v1/payments/{id}; for an Authorize's step asking
// for an order's payments (orderPaymentsKey), GET /v1/orders/{id}/payments.
func buildGet(c *pdk.Context, req *v1.PaymentServiceGetRequest) (*pluginv1.HttpRequest, error) {
	if id := req.GetConnectorTransactionId(); pdk.Asked(req.GetState(), orderPaymentsKey(id)) {
		return buildOrderPayments(c, id)
	}
	return payments.Get(c, api, req.GetConnectorTransactionId())
}

func parseGet(c *pdk.Context, req *v1.PaymentServiceGetRequest, res *pdk.Response) (*v1.PaymentServiceGetResponse, error) {
	if id := req.GetConnectorTransactionId(); pdk.Asked(req.GetState(), orderPaymentsKey(id)) {
		return parseOrderPayments(c, id, res)
	}
	p, err := readPayment(res, req.GetAmount())
	if err != nil {
		return nil, err
	}
	// The answer's own id is answered: the host refuses one about another
	// payment than the request names (its integrity check).
	if err := pdk.CheckAmount(req.GetAmount(), p.amount, "the payment's amount"); err != nil {
		return nil, err
	}
	out := &v1.PaymentServiceGetResponse{
		ConnectorTransactionId: p.id, Status: p.status, Amount: p.amount, Error: p.err, Mandate: p.mandate(),
		ConnectorReferenceId: p.orderID,
		NetworkTransactionId: p.rrn,
	}
	if p.status == v1.PaymentStatus_PAYMENT_STATUS_CHARGED {
		out.CapturedAmount = p.amount
	}
	if p.refunded.GetMinorAmount() > 0 {
		out.RefundedAmount = p.refunded
	}
	return out, nil
}
