package razorpay

import (
	"cmp"
	"strconv"
	"strings"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk"
	"github.com/connectorhost/connector-host/pdk/jsonr"
	"github.com/connectorhost/connector-host/pdk/jsonw"
)

// ConnectorState values this connector sets and reads.
const (
	// stateOrderID and stateOrderFor: the order CreateOrder made and the
	// merchant id it was made for (a payment uses it only for that id).
	stateOrderID  = "razorpay_order_id"
	stateOrderFor = "razorpay_order_for"
	// stateCapture ("1" or "0") is the order's payment_capture, set by the
	// flow that asks for the order.
	stateCapture = "razorpay_payment_capture"
	// stateMethod (card, upi or emandate) and stateMaxAmount make the order a
	// recurring authorization order (token object) for SetupRecurring.
	stateMethod    = "razorpay_recurring_method"
	stateMaxAmount = "razorpay_token_max_amount"
	// stateOrderStatus, set in CreateOrder's request state, asks it to
	// report "<order id> <status>" there, stamped with the call's clock
	// (pdk.Context.Stamp), when the order already had payments.
	stateOrderStatus = "razorpay_order_status"
)

// orderPaymentsKey is the ConnectorState value in which a Get step naming
// an order (its id as connector_transaction_id) reports the payment that
// already paid it: its id, or noPayment, stamped with the call's clock. Set
// in the Get request's state, it asks buildGet to read the order's payments
// (GET /v1/orders/{id}/payments) instead of a payment.
func orderPaymentsKey(orderID string) string { return "razorpay_order_payments:" + orderID }

// noPayment is the report of an order none of whose payments is authorized
// or captured.
const noPayment = "none"

// orders addresses an order by its id: /v1/orders/{id} + suffix.
var orders = pdk.IDPath{Prefix: "/v1/orders/", Field: "connector_transaction_id", Shape: orderIDPattern,
	Example: "order_EKwxwAgItmmXdp"}

// orderTried reports whether the CreateOrder step of this call answered
// orderID with status attempted or paid: a payment was made on it before,
// so this payment may be the retry of one whose answer was lost (the order
// is the same: its receipt is the merchant id, with unique_receipt).
// Razorpay: "No further payment requests are allowed once the order moves
// to the paid state", nor on an attempted order whose payment is authorized
// (docs/payments/orders); and for a create-payment retry, "Fetch the order's
// payments first, then retry on the same order" (S2S "Retries and
// Idempotency").
func orderTried(c *pdk.Context, orderID string) bool {
	report, ok := c.Stamped(stateOrderStatus)
	id, status, _ := strings.Cut(report, " ")
	return ok && id == orderID && (status == "attempted" || status == "paid")
}

// earlierPayment is the payment that already paid orderID (authorized or
// captured), when orderTried and a Get step of this call read the order's
// payments; "" when none did or none was read.
func earlierPayment(c *pdk.Context, orderID string) string {
	if found, ok := c.Stamped(orderPaymentsKey(orderID)); ok && found != noPayment && orderTried(c, orderID) {
		return found
	}
	return ""
}

// buildOrderPayments builds GET /v1/orders/{id}/payments.
func buildOrderPayments(c *pdk.Context, orderID string) (*pluginv1.HttpRequest, error) {
	path, err := orders.Of(orderID, "/payments")
	if err != nil {
		return nil, err
	}
	return api.Get(c, path)
}

// parseOrderPayments reads the order's payments (a collection of payment
// entities) and reports under orderPaymentsKey the one that is authorized or
// captured (Razorpay allows one per order), else noPayment.
func parseOrderPayments(c *pdk.Context, orderID string, res *pdk.Response) (*v1.PaymentServiceGetResponse, error) {
	v, err := object(res)
	if err != nil {
		return nil, err
	}
	found := noPayment
	for _, item := range jsonr.Objects(v, "items") {
		if o := jsonr.Str(item, "order_id"); o != orderID {
			return nil, pdk.IntegrityMismatch("the payments of order %s include one of order %s", orderID, o)
		}
		if st := jsonr.Str(item, "status"); found == noPayment && (st == "authorized" || st == "captured") {
			found = jsonr.Str(item, "id")
			if !paymentIDPattern.Match(found) {
				return nil, pdk.InvalidResponse("%s's %s payment of order %s has no valid id", processor, st, orderID)
			}
		}
	}
	return &v1.PaymentServiceGetResponse{ConnectorTransactionId: orderID, Status: v1.PaymentStatus_PAYMENT_STATUS_UNKNOWN,
		State: &v1.ConnectorState{Values: map[string]string{orderPaymentsKey(orderID): c.Stamp(found)}}}, nil
}

// maxReceipt is the length limit of an order's or refund's receipt.
const maxReceipt = 40

// orderFor returns the Razorpay order to pay for merchantID: explicit when
// the caller named one, else the one CreateOrder made for merchantID in
// this call's state, else "".
func orderFor(c *pdk.Context, explicit, merchantID string) (string, error) {
	if explicit != "" {
		return explicit, pdk.CheckID("connector_order_id", explicit, orderIDPattern.Match, "order_EKwxwAgItmmXdp")
	}
	vals := c.State.GetValues()
	if vals[stateOrderFor] == merchantID {
		return vals[stateOrderID], nil
	}
	return "", nil
}

// needOrder asks the host to create the order a payment for merchantID needs.
func needOrder(merchantID string, amount *v1.Money, cust *v1.Customer, md map[string]string, values map[string]string) error {
	return pdk.NeedStep(v1.Flow_FLOW_CREATE_ORDER, &v1.PaymentServiceCreateOrderRequest{
		MerchantOrderId: merchantID, Amount: amount, Customer: cust, Metadata: md,
		State: &v1.ConnectorState{Values: values},
	})
}

// captureValue is the order's payment_capture for a capture method
// (automatic unless manual is asked for).
func captureValue(m v1.CaptureMethod) string {
	if m == v1.CaptureMethod_CAPTURE_METHOD_MANUAL || m == v1.CaptureMethod_CAPTURE_METHOD_MANUAL_MULTIPLE {
		return "0"
	}
	return "1"
}

// buildCreateOrder builds POST /v1/orders. The merchant id is the receipt,
// with unique_receipt so a retried create returns the same order.
func buildCreateOrder(c *pdk.Context, req *v1.PaymentServiceCreateOrderRequest) (*pluginv1.HttpRequest, error) {
	id := req.GetMerchantOrderId()
	if id == "" {
		return nil, pdk.InvalidRequest("merchant_order_id", "is required (Razorpay receipt)")
	}
	if len(id) > maxReceipt {
		return nil, pdk.InvalidRequest("merchant_order_id", "must be at most 40 characters (Razorpay receipt)")
	}
	amt, cur, err := amounts.To(req.GetAmount(), "amount")
	if err != nil {
		return nil, err
	}
	if err := checkNotes(req.GetMetadata()); err != nil {
		return nil, err
	}
	vals := req.GetState().GetValues()
	o := jsonw.NewObject()
	o.Int("amount", amt)
	o.String("currency", cur)
	o.String("receipt", id)
	o.Bool("unique_receipt", true)
	switch vals[stateCapture] {
	case "1", "0":
		o.Bool("payment_capture", vals[stateCapture] == "1")
	}
	if m := vals[stateMethod]; m != "" {
		cust := cmp.Or(req.GetCustomer().GetConnectorCustomerId(), req.GetState().GetConnectorCustomerId())
		if err := pdk.CheckID("customer.connector_customer_id", cust, customerIDPattern.Match, "cust_1Aa00000000001"); err != nil {
			return nil, err
		}
		o.String("method", m)
		o.String("customer_id", cust)
		var max int64
		if s := vals[stateMaxAmount]; s != "" {
			if max, err = strconv.ParseInt(s, 10, 64); err != nil || max <= 0 {
				return nil, pdk.InvalidRequest("metadata.max_amount", "must be a positive integer in minor units")
			}
		}
		if m == methodEmandate {
			em, err := emandateFromState(vals)
			if err != nil {
				return nil, err
			}
			if amt != 0 {
				return nil, pdk.InvalidRequest("amount.minor_amount", "must be 0 for a NACH e-mandate order")
			}
			o.Object("token", func(t *jsonw.Object) { em.writeOrderToken(t, max) })
		} else {
			o.Object("token", func(t *jsonw.Object) {
				if max > 0 {
					t.Int("max_amount", max)
				}
				t.String("frequency", "as_presented")
			})
		}
	}
	o.SortedStringMap("notes", req.GetMetadata())
	return api.Send(c, "POST", "/v1/orders", idempotencyKey("order", id), o.Bytes())
}

// parseCreateOrder reads the order entity and keeps its id in the state for
// the payment that asked for it.
func parseCreateOrder(c *pdk.Context, req *v1.PaymentServiceCreateOrderRequest, res *pdk.Response) (*v1.PaymentServiceCreateOrderResponse, error) {
	v, id, err := jsonr.ObjectWithID(res, processor, httpError, "order", "id")
	if err != nil {
		return nil, err
	}
	if r := jsonr.Str(v, "receipt"); r != "" && r != req.GetMerchantOrderId() {
		return nil, pdk.IntegrityMismatch("order %s has receipt %s, not %s", id, r, req.GetMerchantOrderId())
	}
	if cur := jsonr.Str(v, "currency"); cur != req.GetAmount().GetCurrency() {
		return nil, pdk.IntegrityMismatch("order currency %s differs from the requested %s", cur, req.GetAmount().GetCurrency())
	}
	amt, err := amountAt(v, req.GetAmount().GetCurrency(), "amount")
	if err != nil {
		return nil, err
	}
	if amt == nil || amt.GetMinorAmount() != req.GetAmount().GetMinorAmount() {
		return nil, pdk.IntegrityMismatch("order amount differs from the requested %d", req.GetAmount().GetMinorAmount())
	}
	status := v1.PaymentStatus_PAYMENT_STATUS_UNKNOWN
	switch jsonr.Str(v, "status") {
	case "created", "attempted":
		status = v1.PaymentStatus_PAYMENT_STATUS_PENDING
	case "paid":
		status = v1.PaymentStatus_PAYMENT_STATUS_CHARGED
	}
	st := &v1.ConnectorState{Values: map[string]string{stateOrderID: id, stateOrderFor: req.GetMerchantOrderId()}}
	if raw := jsonr.Str(v, "status"); raw != "created" && pdk.Asked(req.GetState(), stateOrderStatus) {
		st.Values[stateOrderStatus] = c.Stamp(id + " " + raw)
	}
	return &v1.PaymentServiceCreateOrderResponse{ConnectorOrderId: id, Status: status, State: st}, nil
}
