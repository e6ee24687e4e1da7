package gocardless

import (
	"cmp"
	"strconv"
	"strings"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk"
	"github.com/connectorhost/connector-host/pdk/jsonr"
	"github.com/connectorhost/connector-host/pdk/jsonw"
	"github.com/valyala/fastjson"
)

// maxDescription is GoCardless's limit on Payment.description.
const maxDescription = 255

// charge is a validated POST /payments: an amount collected on a mandate.
type charge struct {
	merchantID, mandate, description string
	amount                           *v1.Money
	metadata                         map[string]string
}

// newCharge validates what every payment needs.
func newCharge(merchantID string, amount *v1.Money, mandate, description string, capture v1.CaptureMethod, meta map[string]string) (*charge, error) {
	if merchantID == "" {
		return nil, pdk.InvalidRequest("merchant_transaction_id", "is required (GoCardless Idempotency-Key)")
	}
	if _, _, err := amounts.To(amount, "amount"); err != nil {
		return nil, err
	}
	if mandate == "" {
		return nil, pdk.InvalidRequest("mandate.connector_mandate_id", "is required: GoCardless collects a payment on a mandate (PaymentService.SetupRecurring)")
	}
	if capture != v1.CaptureMethod_CAPTURE_METHOD_UNSPECIFIED && capture != v1.CaptureMethod_CAPTURE_METHOD_AUTOMATIC {
		return nil, pdk.Unsupported("capture_method: a GoCardless bank debit is collected when created; only CAPTURE_METHOD_AUTOMATIC is supported")
	}
	if len(description) > maxDescription {
		return nil, pdk.InvalidRequest("description", "must be at most 255 characters at GoCardless")
	}
	m, err := metadata("metadata", meta, "merchant_transaction_id", merchantID)
	if err != nil {
		return nil, err
	}
	return &charge{merchantID: merchantID, mandate: mandate, description: description, amount: amount, metadata: m}, nil
}

// request builds the POST /payments.
func (ch *charge) request(c *pdk.Context) (*pluginv1.HttpRequest, error) {
	body := envelope("payments", func(o *jsonw.Object) {
		o.Int("amount", ch.amount.GetMinorAmount())
		o.String("currency", ch.amount.GetCurrency())
		o.StringIf("description", ch.description)
		o.SortedStringMap("metadata", ch.metadata)
		o.Object("links", func(l *jsonw.Object) { l.String("mandate", ch.mandate) })
	})
	return api.Send(c, "POST", "/payments", idempotencyKey("payment", ch.merchantID), body)
}

// buildAuthorize builds POST /payments on the request's mandate: Authorize
// maps to GoCardless only as a collection on an existing mandate.
func buildAuthorize(c *pdk.Context, req *v1.PaymentServiceAuthorizeRequest) (*pluginv1.HttpRequest, error) {
	if req.GetPaymentMethod().GetBankDebit() != nil && req.GetMandate().GetConnectorMandateId() == "" {
		return nil, pdk.InvalidRequest("mandate.connector_mandate_id",
			"is required: GoCardless collects bank debits on a mandate; create it with PaymentService.SetupRecurring first")
	}
	ch, err := newCharge(req.GetMerchantTransactionId(), req.GetAmount(), req.GetMandate().GetConnectorMandateId(),
		req.GetDescription(), req.GetCaptureMethod(), req.GetMetadata())
	if err != nil {
		return nil, err
	}
	return ch.request(c)
}

// buildRecurringCharge builds POST /payments on the mandate.
func buildRecurringCharge(c *pdk.Context, req *v1.RecurringPaymentServiceChargeRequest) (*pluginv1.HttpRequest, error) {
	ch, err := newCharge(req.GetMerchantTransactionId(), req.GetAmount(), req.GetMandate().GetConnectorMandateId(),
		req.GetDescription(), req.GetCaptureMethod(), req.GetMetadata())
	if err != nil {
		return nil, err
	}
	return ch.request(c)
}

// payment is a parsed GoCardless Payment; its whole amount is collected
// (captured) once confirmed (CHARGED).
type payment struct {
	pdk.PaymentResult
	mandate, raw string
}

// readPayment reads a {"payments": {...}} answer; requested, when set, must
// equal its amount.
// A repeated create answers with the existing payment's id only: its status
// is UNKNOWN until PaymentService.Get.
func readPayment(res *pdk.Response, requested *v1.Money) (*payment, error) {
	if id := conflictID(res); id != "" {
		return &payment{PaymentResult: pdk.PaymentResult{ID: id, Status: v1.PaymentStatus_PAYMENT_STATUS_UNKNOWN}}, nil
	}
	o, err := resource(res, "payments", true)
	if err != nil {
		return nil, err
	}
	p := &payment{mandate: jsonr.Str(o, "links", "mandate"), raw: jsonr.Str(o, "status")}
	p.ID, p.MerchantID = jsonr.Str(o, "id"), jsonr.Str(o, "metadata", "merchant_transaction_id")
	p.Status = paymentStatuses().Get(p.raw)
	if p.Amount, err = moneyIn(o, "amount", "payment "+p.ID, requested); err != nil {
		return nil, err
	}
	if jsonr.Has(o, "amount_refunded") {
		if p.Refunded, err = moneyIn(o, "amount_refunded", "payment "+p.ID, nil); err != nil {
			return nil, err
		}
	}
	// A payment GoCardless reports failed or denied: the cause arrives with
	// the webhook event, so only the status is known.
	switch p.Status {
	case v1.PaymentStatus_PAYMENT_STATUS_FAILURE, v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZATION_FAILED:
		p.Error = pdk.ReportedFailure(processor, "payment", p.raw, 0)
	}
	return p, nil
}

func (p *payment) mandateRef() *v1.MandateReference {
	if p.mandate == "" {
		return nil
	}
	return &v1.MandateReference{ConnectorMandateId: p.mandate}
}

func parseAuthorize(c *pdk.Context, req *v1.PaymentServiceAuthorizeRequest, res *pdk.Response) (*v1.PaymentServiceAuthorizeResponse, error) {
	p, err := readPayment(res, req.GetAmount())
	if err != nil {
		return nil, err
	}
	return &v1.PaymentServiceAuthorizeResponse{ConnectorTransactionId: p.ID, Status: p.Status, Amount: p.Amount, Error: p.Error,
		Mandate: p.mandateRef(), CapturedAmount: p.Captured()}, nil
}

func parseRecurringCharge(c *pdk.Context, req *v1.RecurringPaymentServiceChargeRequest, res *pdk.Response) (*v1.RecurringPaymentServiceChargeResponse, error) {
	p, err := readPayment(res, req.GetAmount())
	if err != nil {
		return nil, err
	}
	return &v1.RecurringPaymentServiceChargeResponse{ConnectorTransactionId: p.ID, Status: p.Status, Amount: p.Amount, Error: p.Error,
		Mandate: p.mandateRef()}, nil
}

// buildGet builds GET /payments/{id}.
func buildGet(c *pdk.Context, req *v1.PaymentServiceGetRequest) (*pluginv1.HttpRequest, error) {
	id, err := pdk.PathID("connector_transaction_id", req.GetConnectorTransactionId())
	if err != nil {
		return nil, err
	}
	return api.Get(c, "/payments/"+id)
}

// refundedKey is the ConnectorState value holding a payment's refunded
// total (minor units), which Get sets and Refund reads.
func refundedKey(paymentID string) string { return "amount_refunded:" + paymentID }

// currencyKey is the ConnectorState value holding a payment's currency,
// which Get sets and Refund checks: POST /refunds takes no currency (a
// refund is in its payment's currency), so a refund_amount in another one
// would refund that number of the payment's minor units.
func currencyKey(paymentID string) string { return "currency:" + paymentID }

func parseGet(c *pdk.Context, req *v1.PaymentServiceGetRequest, res *pdk.Response) (*v1.PaymentServiceGetResponse, error) {
	p, err := readPayment(res, req.GetAmount())
	if err != nil {
		return nil, err
	}
	out, err := p.GetResponse(processor, req)
	if err != nil {
		return nil, err
	}
	out.Mandate = p.mandateRef()
	if p.Refunded != nil {
		out.State = &v1.ConnectorState{Values: map[string]string{refundedKey(p.ID): strconv.FormatInt(p.Refunded.GetMinorAmount(), 10),
			currencyKey(p.ID): p.Amount.GetCurrency()}}
	}
	if _, asked := req.GetState().GetValues()[cancelCheckKey(p.ID)]; asked {
		if out.State == nil {
			out.State = &v1.ConnectorState{}
		}
		if out.State.Values == nil {
			out.State.Values = map[string]string{}
		}
		out.State.Values[cancelCheckKey(p.ID)] = strconv.FormatInt(c.NowUnixMilli(), 10) + " " + p.raw
	}
	return out, nil
}

// buildVoid builds POST /payments/{id}/actions/cancel, which GoCardless
// accepts while the payment is not yet submitted to the bank. GoCardless
// honours Idempotency-Key on creates; on this action the key is the host
// ABI's contract (it may retry after a network failure), and a repeated
// cancel has no second effect: GoCardless refuses it (cancellation_failed),
// and parseVoid reads the payment to tell a cancel that already happened
// from one that cannot.
func buildVoid(c *pdk.Context, req *v1.PaymentServiceVoidRequest) (*pluginv1.HttpRequest, error) {
	id, err := pdk.PathID("connector_transaction_id", req.GetConnectorTransactionId())
	if err != nil {
		return nil, err
	}
	meta, err := metadata("metadata", req.GetMetadata(), "merchant_void_id", req.GetMerchantVoidId(), "cancellation_reason", req.GetCancellationReason())
	if err != nil {
		return nil, err
	}
	body := envelope("data", func(o *jsonw.Object) {
		if len(meta) > 0 {
			o.SortedStringMap("metadata", meta)
		}
	})
	key := idempotencyKey("cancel", cmp.Or(req.GetMerchantVoidId(), req.GetConnectorTransactionId()))
	return api.Send(c, "POST", "/payments/"+id+"/actions/cancel", key, body)
}

// cancelCheckKey is the ConnectorState value in which a Get step run for
// parseVoid reports the payment's status: "<call time, Unix ms> <status>".
// Set in the Get request's state, it asks parseGet for that report.
func cancelCheckKey(paymentID string) string { return "cancel_check:" + paymentID }

// cancelRefused reports whether res is GoCardless's refusal of a cancel:
// 422 invalid_state with reason cancellation_failed, which GoCardless answers
// whenever the payment is not pending_submission, including when it is
// already cancelled (GoCardless API reference, "Cancel a payment").
func cancelRefused(res *pdk.Response) bool {
	return res.Status == 422 && readAPIError(res.Body).reason == "cancellation_failed"
}

// checkedStatus is the payment status a Get step of this call reported under
// cancelCheckKey; ok is false when no Get of this call did (a value from an
// earlier call is stale).
func checkedStatus(c *pdk.Context, paymentID string) (status string, ok bool) {
	at, status, found := strings.Cut(c.State.GetValues()[cancelCheckKey(paymentID)], " ")
	if !found || at != strconv.FormatInt(c.NowUnixMilli(), 10) {
		return "", false
	}
	return status, true
}

// parseVoid reads the cancel's answer. A refused cancel (cancellation_failed)
// may be the retry of a cancel whose answer was lost: the payment is then
// already cancelled, and the void did happen. The payment is read first (a
// Get step); cancelled is VOIDED, any other status keeps GoCardless's error.
func parseVoid(c *pdk.Context, req *v1.PaymentServiceVoidRequest, res *pdk.Response) (*v1.PaymentServiceVoidResponse, error) {
	if cancelRefused(res) {
		pid := req.GetConnectorTransactionId()
		status, ok := checkedStatus(c, pid)
		if !ok {
			return nil, pdk.NeedStep(v1.Flow_FLOW_GET, &v1.PaymentServiceGetRequest{ConnectorTransactionId: pid,
				State: &v1.ConnectorState{Values: map[string]string{cancelCheckKey(pid): "requested"}}})
		}
		if paymentStatuses().Get(status) == v1.PaymentStatus_PAYMENT_STATUS_VOIDED {
			return &v1.PaymentServiceVoidResponse{ConnectorTransactionId: pid, Status: v1.PaymentStatus_PAYMENT_STATUS_VOIDED}, nil
		}
	}
	p, err := readPayment(res, req.GetAmount())
	if err != nil {
		return nil, err
	}
	if err := pdk.SameID(processor, p.ID, req.GetConnectorTransactionId()); err != nil {
		return nil, err
	}
	out := &v1.PaymentServiceVoidResponse{ConnectorTransactionId: p.ID, Status: p.Status}
	if p.Status != v1.PaymentStatus_PAYMENT_STATUS_VOIDED && p.Status != v1.PaymentStatus_PAYMENT_STATUS_UNKNOWN {
		out.Status = v1.PaymentStatus_PAYMENT_STATUS_VOID_FAILED
		out.Error = &v1.PaymentError{Code: v1.ErrorCode_ERROR_CODE_PROCESSING_ERROR, Message: "GoCardless reports the payment " + p.raw + " after the cancel",
			Connector: &v1.ConnectorError{Code: p.raw, HttpStatus: int32(res.Status)}}
	}
	return out, nil
}

// buildRefund builds POST /refunds. GoCardless requires
// total_amount_confirmation, the payment's refunded total after this refund
// (it refuses the refund when that does not hold, so two concurrent refunds
// cannot both pass). The refunded total comes from the state; without it
// the host first runs PaymentService.Get, which sets it.
func buildRefund(c *pdk.Context, req *v1.PaymentServiceRefundRequest) (*pluginv1.HttpRequest, error) {
	pid := req.GetConnectorTransactionId()
	if pid == "" {
		return nil, pdk.InvalidRequest("connector_transaction_id", "is required")
	}
	if req.GetMerchantRefundId() == "" {
		return nil, pdk.InvalidRequest("merchant_refund_id", "is required (GoCardless Idempotency-Key)")
	}
	amount, cur, err := amounts.To(req.GetRefundAmount(), "refund_amount")
	if err != nil {
		return nil, err
	}
	if paid := c.State.GetValues()[currencyKey(pid)]; paid != "" && paid != cur {
		return nil, pdk.InvalidRequest("refund_amount.currency", "must be the payment's currency "+paid+": GoCardless refunds in it")
	}
	before, known, err := refundedBefore(c, pid)
	if err != nil {
		return nil, err
	}
	if !known {
		return nil, pdk.NeedStep(v1.Flow_FLOW_GET, &v1.PaymentServiceGetRequest{ConnectorTransactionId: pid})
	}
	meta, err := metadata("metadata", req.GetMetadata(), "merchant_refund_id", req.GetMerchantRefundId(), "reason", req.GetReason())
	if err != nil {
		return nil, err
	}
	body := envelope("refunds", func(o *jsonw.Object) {
		o.Int("amount", amount)
		o.Int("total_amount_confirmation", before+amount)
		o.SortedStringMap("metadata", meta)
		o.Object("links", func(l *jsonw.Object) { l.String("payment", pid) })
	})
	return api.Send(c, "POST", "/refunds", idempotencyKey("refund", req.GetMerchantRefundId()), body)
}

// refundedBefore reads the payment's refunded total from the state; known
// is false when the state has none or an empty one (cleared by parseRefund).
func refundedBefore(c *pdk.Context, pid string) (total int64, known bool, err error) {
	done := c.State.GetValues()[refundedKey(pid)]
	if done == "" {
		return 0, false, nil
	}
	total, err = strconv.ParseInt(done, 10, 64)
	if err != nil || total < 0 {
		return 0, false, pdk.InvalidRequest("state.values", "holds a malformed refunded total for "+pid)
	}
	return total, true, nil
}

// buildRefundGet builds GET /refunds/{id}.
func buildRefundGet(c *pdk.Context, req *v1.RefundServiceGetRequest) (*pluginv1.HttpRequest, error) {
	id, err := pdk.PathID("connector_refund_id", req.GetConnectorRefundId())
	if err != nil {
		return nil, err
	}
	return api.Get(c, "/refunds/"+id)
}

// refund is a parsed GoCardless Refund.
type refund struct {
	pdk.RefundResult
	merchantID string
}

// readRefund reads a {"refunds": {...}} answer; requested, when set, must
// equal the refunded amount.
// A repeated create answers with the existing refund's id only (status
// UNKNOWN until RefundService.Get).
func readRefund(res *pdk.Response, requested *v1.Money) (*refund, error) {
	if id := conflictID(res); id != "" {
		return &refund{RefundResult: pdk.RefundResult{ID: id, Status: v1.RefundStatus_REFUND_STATUS_UNKNOWN}}, nil
	}
	o, err := resource(res, "refunds", true)
	if err != nil {
		return nil, err
	}
	return refundFrom(o, requested)
}

func refundFrom(o *fastjson.Value, requested *v1.Money) (*refund, error) {
	r := &refund{RefundResult: pdk.RefundResult{ID: jsonr.Str(o, "id"), PaymentID: jsonr.Str(o, "links", "payment")},
		merchantID: jsonr.Str(o, "metadata", "merchant_refund_id")}
	raw := jsonr.Str(o, "status")
	r.Status = refundStatuses().Get(raw)
	var err error
	if r.Amount, err = moneyIn(o, "amount", "refund "+r.ID, requested); err != nil {
		return nil, err
	}
	if r.Status == v1.RefundStatus_REFUND_STATUS_FAILED {
		r.Error = pdk.ReportedFailure(processor, "refund", raw, 0)
	}
	return r, nil
}

func parseRefund(c *pdk.Context, req *v1.PaymentServiceRefundRequest, res *pdk.Response) (*v1.PaymentServiceRefundResponse, error) {
	r, err := readRefund(res, req.GetRefundAmount())
	if err != nil {
		return nil, err
	}
	if r.PaymentID == "" && r.Status == v1.RefundStatus_REFUND_STATUS_UNKNOWN {
		r.PaymentID = req.GetConnectorTransactionId() // an idempotent repeat names only the refund
	}
	// The state goes back to the caller, who sends it with the next refund:
	// it must hold the payment's new refunded total. GoCardless created this
	// refund only because before+amount was the total, so that is the total
	// now; after an idempotent repeat it is not known, and the cleared value
	// makes the next refund read it again (PaymentService.Get).
	total := ""
	if before, known, err := refundedBefore(c, req.GetConnectorTransactionId()); err == nil && known && r.Amount != nil {
		total = strconv.FormatInt(before+r.Amount.GetMinorAmount(), 10)
	}
	out, err := r.RefundResponse(processor, req)
	if err != nil {
		return nil, err
	}
	out.State = &v1.ConnectorState{Values: map[string]string{refundedKey(req.GetConnectorTransactionId()): total}}
	return out, nil
}

func parseRefundGet(c *pdk.Context, req *v1.RefundServiceGetRequest, res *pdk.Response) (*v1.RefundServiceGetResponse, error) {
	r, err := readRefund(res, req.GetRefundAmount())
	if err != nil {
		return nil, err
	}
	out, err := r.GetResponse(processor, req)
	if err != nil {
		return nil, err
	}
	out.MerchantRefundId = cmp.Or(req.GetMerchantRefundId(), r.merchantID)
	return out, nil
}
