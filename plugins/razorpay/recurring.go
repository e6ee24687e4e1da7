package razorpay

import (
	"cmp"
	"strconv"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk"
	"github.com/connectorhost/connector-host/pdk/jsonr"
	"github.com/connectorhost/connector-host/pdk/jsonw"
)

// buildCreateCustomer builds POST /v1/customers with fail_existing "0":
// a customer with the same email and contact is returned, not duplicated,
// which also makes a retried create safe.
func buildCreateCustomer(c *pdk.Context, req *v1.CustomerServiceCreateRequest) (*pluginv1.HttpRequest, error) {
	cu := req.GetCustomer()
	contact := cmp.Or(cu.GetPhone(), req.GetAddress().GetPhone())
	if cu.GetEmail() == "" && contact == "" {
		return nil, pdk.InvalidRequest("customer.email", "or customer.phone is required by Razorpay")
	}
	if len(cu.GetName()) > 50 {
		return nil, pdk.InvalidRequest("customer.name", "must be at most 50 characters at Razorpay")
	}
	md := map[string]string{}
	for k, v := range req.GetMetadata() {
		md[k] = v
	}
	if cu.GetId() != "" {
		md["merchant_customer_id"] = cu.GetId()
	}
	if err := checkNotes(md); err != nil {
		return nil, err
	}
	o := jsonw.NewObject()
	o.StringIf("name", cu.GetName())
	o.StringIf("email", cu.GetEmail())
	o.StringIf("contact", contact)
	o.String("fail_existing", "0")
	o.SortedStringMap("notes", md)
	return api.Send(c, "POST", "/v1/customers", idempotencyKey("customer", cmp.Or(req.GetMerchantRequestId(), cu.GetId(), cu.GetEmail()+contact)), o.Bytes())
}

func parseCreateCustomer(c *pdk.Context, req *v1.CustomerServiceCreateRequest, res *pdk.Response) (*v1.CustomerServiceCreateResponse, error) {
	_, id, err := jsonr.ObjectWithID(res, processor, httpError, "customer", "id")
	if err != nil {
		return nil, err
	}
	return pdk.CustomerCreated(id), nil
}

// buildSetupRecurring starts a recurring authorization: the authorization
// payment (S2S JSON with recurring "1") on an order made for it, for a card,
// a UPI AutoPay mandate or a NACH e-mandate. It asks the host for the
// missing steps first: CreateCustomer (Razorpay tokens belong to a
// customer), then CreateOrder with method, customer_id and token (metadata
// max_amount sets the token's max_amount in minor units; UPI AutoPay
// requires one; an e-mandate's token also takes auth_type and the bank
// account).
func buildSetupRecurring(c *pdk.Context, req *v1.PaymentServiceSetupRecurringRequest) (*pluginv1.HttpRequest, error) {
	id := req.GetMerchantSetupId()
	if id == "" {
		return nil, pdk.InvalidRequest("merchant_setup_id", "is required (the order's receipt and the idempotency key)")
	}
	md := map[string]string{}
	for k, v := range req.GetMetadata() {
		if k != mdMaxAmount && k != mdAuthType {
			md[k] = v
		}
	}
	p, err := newPlan("amount", req.GetAmount(), req.GetCustomer(), req.GetBillingAddress(), md)
	if err != nil {
		return nil, err
	}
	pm := req.GetPaymentMethod()
	method, orderValues := "card", map[string]string{}
	switch {
	case pm.GetBankDebit() != nil:
		em, err := newEmandate(pm.GetBankDebit(), p.currency, req.GetMetadata())
		if err != nil {
			return nil, err
		}
		if p.amount != 0 {
			return nil, pdk.InvalidRequest("amount.minor_amount", "must be 0 for a NACH e-mandate: Razorpay registers it with a zero-amount authorization; debit it with RecurringPaymentService.Charge")
		}
		method, p.method = methodEmandate, em.writePayment
		em.orderValues(orderValues)
	case req.GetMetadata()[mdAuthType] != "":
		return nil, pdk.InvalidRequest("metadata.auth_type", "applies only to a NACH e-mandate (payment_method.bank_debit)")
	case pm.GetUpi() != nil:
		method = "upi"
		if req.GetMetadata()[mdMaxAmount] == "" {
			return nil, pdk.InvalidRequest("metadata.max_amount", "is required for UPI AutoPay (the mandate's maximum debit, in minor units)")
		}
	}
	if p.method == nil {
		if err := p.setMethod(pm); err != nil {
			return nil, err
		}
	}
	if s := req.GetMetadata()[mdMaxAmount]; s != "" {
		if n, err := strconv.ParseInt(s, 10, 64); err != nil || n <= 0 {
			return nil, pdk.InvalidRequest("metadata.max_amount", "must be a positive integer in minor units")
		}
	}
	cust := req.GetCustomer()
	p.customerID = cmp.Or(cust.GetConnectorCustomerId(), c.State.GetConnectorCustomerId())
	if p.customerID == "" {
		return nil, pdk.NeedStep(v1.Flow_FLOW_CREATE_CUSTOMER, &v1.CustomerServiceCreateRequest{
			Customer: cust, Address: req.GetBillingAddress(), MerchantRequestId: id,
		})
	}
	if err := pdk.CheckID("customer.connector_customer_id", p.customerID, customerIDPattern.Match, "cust_1Aa00000000001"); err != nil {
		return nil, err
	}
	if p.orderID, err = orderFor(c, "", id); err != nil {
		return nil, err
	}
	if p.orderID == "" {
		withID := &v1.Customer{ConnectorCustomerId: p.customerID, Email: cust.GetEmail(), Phone: cust.GetPhone(), Name: cust.GetName()}
		orderValues[stateMethod], orderValues[stateMaxAmount], orderValues[stateCapture] = method, req.GetMetadata()[mdMaxAmount], "1"
		return nil, needOrder(id, req.GetAmount(), withID, md, orderValues)
	}
	p.recurring = true
	p.description, p.callback, p.browser = req.GetDescription(), req.GetReturnUrl(), req.GetBrowserInfo()
	return api.Send(c, "POST", "/v1/payments/create/json", idempotencyKey("setup", id), p.body())
}

// parseSetupRecurring reads the authorization payment's answer. The token
// exists once the shopper completes the authorization: PaymentService.Get
// (token_id) or the token.confirmed webhook names it.
func parseSetupRecurring(c *pdk.Context, req *v1.PaymentServiceSetupRecurringRequest, res *pdk.Response) (*v1.PaymentServiceSetupRecurringResponse, error) {
	r, err := readCreated(res)
	if err != nil {
		return nil, err
	}
	out := &v1.PaymentServiceSetupRecurringResponse{
		ConnectorSetupId: r.paymentID, PaymentStatus: r.status, NextAction: r.next, Error: r.err,
		Mandate: &v1.MandateReference{ConnectorCustomerId: cmp.Or(req.GetCustomer().GetConnectorCustomerId(), c.State.GetConnectorCustomerId())},
	}
	switch {
	case r.err != nil:
		out.Status = v1.MandateStatus_MANDATE_STATUS_FAILED
	case r.next != nil:
		out.Status = v1.MandateStatus_MANDATE_STATUS_ACTION_REQUIRED
	default:
		out.Status = v1.MandateStatus_MANDATE_STATUS_PENDING
	}
	return out, nil
}

// buildRecurringCharge charges a token: POST /v1/payments/create/recurring
// on a new order (asked of the host when this call has none).
func buildRecurringCharge(c *pdk.Context, req *v1.RecurringPaymentServiceChargeRequest) (*pluginv1.HttpRequest, error) {
	id := req.GetMerchantTransactionId()
	if id == "" {
		return nil, pdk.InvalidRequest("merchant_transaction_id", "is required (the order's receipt and the idempotency key)")
	}
	token := req.GetMandate().GetConnectorMandateId()
	if err := pdk.CheckID("mandate.connector_mandate_id", token, tokenIDPattern.Match, "token_1Aa00000000001"); err != nil {
		return nil, err
	}
	custID := cmp.Or(req.GetMandate().GetConnectorCustomerId(), req.GetCustomer().GetConnectorCustomerId())
	if err := pdk.CheckID("mandate.connector_customer_id", custID, customerIDPattern.Match, "cust_1Aa00000000001"); err != nil {
		return nil, err
	}
	p, err := newPlan("amount", req.GetAmount(), req.GetCustomer(), nil, req.GetMetadata())
	if err != nil {
		return nil, err
	}
	if p.orderID, err = orderFor(c, "", id); err != nil {
		return nil, err
	}
	if p.orderID == "" {
		return nil, needOrder(id, req.GetAmount(), nil, req.GetMetadata(), map[string]string{stateCapture: captureValue(req.GetCaptureMethod())})
	}
	o := jsonw.NewObject()
	o.String("email", p.email)
	o.String("contact", p.contact)
	o.Int("amount", p.amount)
	o.String("currency", p.currency)
	o.String("order_id", p.orderID)
	o.String("customer_id", custID)
	o.String("token", token)
	o.String("recurring", "1")
	o.StringIf("description", req.GetDescription())
	o.SortedStringMap("notes", req.GetMetadata())
	return api.Send(c, "POST", "/v1/payments/create/recurring", idempotencyKey("charge", id), o.Bytes())
}

// parseRecurringCharge reads {"razorpay_payment_id", "razorpay_order_id",
// "razorpay_signature"}: the debit is accepted; its outcome comes from
// PaymentService.Get or the payment.captured / payment.failed webhooks.
func parseRecurringCharge(c *pdk.Context, req *v1.RecurringPaymentServiceChargeRequest, res *pdk.Response) (*v1.RecurringPaymentServiceChargeResponse, error) {
	r, err := readCreated(res)
	if err != nil {
		return nil, err
	}
	if r.err == nil {
		want, _ := orderFor(c, "", req.GetMerchantTransactionId())
		if got := jsonr.Str(jsonr.TryObject(res.Body), "razorpay_order_id"); got != "" && want != "" && got != want {
			return nil, pdk.IntegrityMismatch("recurring payment answered for order %s, not %s", got, want)
		}
	}
	return &v1.RecurringPaymentServiceChargeResponse{
		ConnectorTransactionId: r.paymentID, Status: r.status, Amount: req.GetAmount(), Error: r.err,
	}, nil
}
