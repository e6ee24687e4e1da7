package braintree

import (
	"cmp"
	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk"
	"github.com/connectorhost/connector-host/pdk/jsonr"
	"github.com/connectorhost/connector-host/pdk/jsonw"
	"github.com/valyala/fastjson"
)

// txSelection is what every transaction answer selects. Transaction has no
// gatewayRejectionReason: it is on the GatewayRejectedEvent of statusHistory.
const txSelection = "id status orderId amount { value currencyCode } processorResponse { legacyCode message } " +
	"statusHistory { ... on GatewayRejectedEvent { gatewayRejectionReason } } paymentMethod { id } customer { id }"

// charge is a validated authorizePaymentMethod / chargePaymentMethod.
type charge struct {
	merchantID, paymentMethodID, customerID, amount, account, descriptor, initiator string
	capture, vault                                                                  bool
}

// newCharge validates what every transaction-creating mutation needs.
func newCharge(c *pdk.Context, merchantID string, amount *v1.Money, capture v1.CaptureMethod, descriptor string) (*charge, error) {
	if merchantID == "" {
		return nil, pdk.InvalidRequest("merchant_transaction_id", "is required (Braintree orderId and clientMutationId)")
	}
	if err := reference("merchant_transaction_id", merchantID); err != nil {
		return nil, err
	}
	dec, err := decimal("amount", amount, false)
	if err != nil {
		return nil, err
	}
	ch := &charge{merchantID: merchantID, amount: dec, account: merchantAccount(c, amount.GetCurrency()), descriptor: descriptor, capture: true}
	switch capture {
	case v1.CaptureMethod_CAPTURE_METHOD_MANUAL:
		ch.capture = false
	case v1.CaptureMethod_CAPTURE_METHOD_MANUAL_MULTIPLE:
		return nil, pdk.Unsupported("capture_method: CAPTURE_METHOD_MANUAL_MULTIPLE is not supported at Braintree (partialCaptureTransaction is PayPal-only)")
	}
	return ch, nil
}

// build writes the mutation: chargePaymentMethod captures at once,
// authorizePaymentMethod holds the funds for captureTransaction.
func (ch *charge) build(c *pdk.Context) (*pluginv1.HttpRequest, error) {
	name, typ := "chargePaymentMethod", "ChargePaymentMethodInput"
	if !ch.capture {
		name, typ = "authorizePaymentMethod", "AuthorizePaymentMethodInput"
	}
	return mutation(c, name, typ, "transaction { "+txSelection+" }", ch.merchantID, func(o *jsonw.Object) {
		o.String("clientMutationId", ch.merchantID)
		o.String("paymentMethodId", ch.paymentMethodID)
		o.Object("transaction", func(t *jsonw.Object) {
			t.String("amount", ch.amount)
			t.StringIf("merchantAccountId", ch.account)
			t.String("orderId", ch.merchantID)
			t.StringIf("paymentInitiator", ch.initiator)
			t.StringIf("customerId", ch.customerID)
			if ch.descriptor != "" {
				t.Object("descriptor", func(d *jsonw.Object) { d.String("name", ch.descriptor) })
			}
			if ch.vault {
				t.Object("vaultPaymentMethodAfterTransacting", func(v *jsonw.Object) { v.String("when", "ON_SUCCESSFUL_TRANSACTION") })
			}
		})
	})
}

// paymentMethodID maps a payment method to a Braintree payment method id.
func paymentMethodID(pm *v1.PaymentMethod) (string, error) {
	return pdk.TokenOnly(pm,
		"this connector does not send card numbers to Braintree; tokenize the card with a Braintree client SDK and send its nonce as payment_method.token",
		"Braintree takes payment method ids only (payment_method.token: a client SDK nonce or a vaulted payment method id)")
}

// buildAuthorize builds chargePaymentMethod (automatic capture) or
// authorizePaymentMethod (manual capture).
func buildAuthorize(c *pdk.Context, req *v1.PaymentServiceAuthorizeRequest) (*pluginv1.HttpRequest, error) {
	ch, err := newCharge(c, req.GetMerchantTransactionId(), req.GetAmount(), req.GetCaptureMethod(), req.GetStatementDescriptor())
	if err != nil {
		return nil, err
	}
	if id := req.GetMandate().GetConnectorMandateId(); id != "" {
		ch.paymentMethodID = id
	} else if ch.paymentMethodID, err = paymentMethodID(req.GetPaymentMethod()); err != nil {
		return nil, err
	}
	if req.GetThreeDs() != nil {
		return nil, pdk.Unsupported("three_ds: 3-D Secure runs in Braintree's client SDK (verifyCard), whose nonce carries the result; send that nonce as payment_method.token")
	}
	ch.customerID = cmp.Or(req.GetCustomer().GetConnectorCustomerId(), c.State.GetConnectorCustomerId())
	ch.vault = req.GetSetupFutureUsage() != v1.FutureUsage_FUTURE_USAGE_UNSPECIFIED
	return ch.build(c)
}

// buildRecurringCharge builds chargePaymentMethod on a vaulted payment method.
func buildRecurringCharge(c *pdk.Context, req *v1.RecurringPaymentServiceChargeRequest) (*pluginv1.HttpRequest, error) {
	ch, err := newCharge(c, req.GetMerchantTransactionId(), req.GetAmount(), req.GetCaptureMethod(), req.GetStatementDescriptor())
	if err != nil {
		return nil, err
	}
	if ch.paymentMethodID = req.GetMandate().GetConnectorMandateId(); ch.paymentMethodID == "" {
		return nil, pdk.InvalidRequest("mandate.connector_mandate_id", "is required (the vaulted Braintree payment method id)")
	}
	// The charge is merchant-initiated: Braintree's TransactionInput.paymentInitiator
	// says so (no value is a customer-initiated e-commerce payment).
	switch req.GetRecurringModel() {
	case "", "Subscription":
		ch.initiator = "RECURRING"
	case "UnscheduledCardOnFile":
		ch.initiator = "UNSCHEDULED"
	case "CardOnFile": // the customer uses the stored card: customer-initiated
	default:
		return nil, pdk.InvalidRequest("recurring_model", "must be Subscription, UnscheduledCardOnFile or CardOnFile")
	}
	return ch.build(c)
}

// buildCapture builds captureTransaction; a partial amount is allowed.
func buildCapture(c *pdk.Context, req *v1.PaymentServiceCaptureRequest) (*pluginv1.HttpRequest, error) {
	if req.GetConnectorTransactionId() == "" {
		return nil, pdk.InvalidRequest("connector_transaction_id", "is required")
	}
	dec, err := decimal("amount_to_capture", req.GetAmountToCapture(), false)
	if err != nil {
		return nil, err
	}
	if err := reference("merchant_capture_id", req.GetMerchantCaptureId()); err != nil {
		return nil, err
	}
	return mutation(c, "captureTransaction", "CaptureTransactionInput", "transaction { "+txSelection+" }",
		cmp.Or(req.GetMerchantCaptureId(), req.GetConnectorTransactionId()), func(o *jsonw.Object) {
			o.StringIf("clientMutationId", req.GetMerchantCaptureId())
			o.String("transactionId", req.GetConnectorTransactionId())
			o.Object("transaction", func(t *jsonw.Object) { t.String("amount", dec) })
		})
}

// buildVoid builds reverseTransaction: Braintree voids an unsettled
// transaction and refunds a settled one in full.
func buildVoid(c *pdk.Context, req *v1.PaymentServiceVoidRequest) (*pluginv1.HttpRequest, error) {
	if req.GetConnectorTransactionId() == "" {
		return nil, pdk.InvalidRequest("connector_transaction_id", "is required")
	}
	if err := reference("merchant_void_id", req.GetMerchantVoidId()); err != nil {
		return nil, err
	}
	sel := "reversal { __typename ... on Transaction { " + txSelection + " } ... on Refund { " + refundSelection + " } }"
	return mutation(c, "reverseTransaction", "ReverseTransactionInput", sel,
		cmp.Or(req.GetMerchantVoidId(), req.GetConnectorTransactionId()), func(o *jsonw.Object) {
			o.StringIf("clientMutationId", req.GetMerchantVoidId())
			o.String("transactionId", req.GetConnectorTransactionId())
		})
}

// buildGet builds the node query of a Transaction.
func buildGet(c *pdk.Context, req *v1.PaymentServiceGetRequest) (*pluginv1.HttpRequest, error) {
	return node(c, "connector_transaction_id", req.GetConnectorTransactionId(), "Transaction", txSelection)
}

// transaction is a parsed Braintree Transaction (its MerchantID the
// orderId); its whole amount is captured once submitted for settlement
// (CHARGED).
type transaction struct {
	pdk.PaymentResult
	paymentMethodID, customerID string
}

// readTransaction reads data.<field>.transaction (data.node for "node").
// requested, when set, must equal the answer's amount. When charging, a
// GraphQL error carrying a processor response code (legacyCode 2000-3000)
// without a transaction is a decline: AUTHORIZATION_FAILED with the error,
// not a Go error.
func readTransaction(res *pdk.Response, field string, requested *v1.Money, charging bool) (*transaction, error) {
	if charging && res.Status == 200 {
		v := jsonr.TryObject(res.Body)
		if ge, ok := firstError(v); ok && ge.isDecline() && dataObject(v, field) == nil {
			failed := pdk.PaymentResult{Status: v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZATION_FAILED, Error: declineError(ge, res.Status)}
			return &transaction{PaymentResult: failed}, nil
		}
	}
	p, err := payload(res, field)
	if err != nil {
		return nil, err
	}
	if field != "node" {
		p = p.Get("transaction")
	}
	return txFrom(p, requested, res.Status)
}

// txFrom reads a Transaction object.
func txFrom(o *fastjson.Value, requested *v1.Money, status int) (*transaction, error) {
	if o == nil || o.Type() != fastjson.TypeObject || jsonr.Str(o, "id") == "" {
		return nil, pdk.InvalidResponse("Braintree's answer has no transaction with an id")
	}
	t := &transaction{paymentMethodID: jsonr.Str(o, "paymentMethod", "id"), customerID: jsonr.Str(o, "customer", "id")}
	t.ID, t.MerchantID = jsonr.Str(o, "id"), jsonr.Str(o, "orderId")
	raw := jsonr.Str(o, "status")
	if raw == "" {
		return nil, pdk.InvalidResponse("Braintree's transaction %s has no status", t.ID)
	}
	t.Status = transactionStatuses().Get(raw)
	var err error
	if t.Amount, err = moneyAt(o, "amount"); err != nil {
		return nil, err
	}
	if err := checkMoney(t.Amount, requested, "transaction "+t.ID); err != nil {
		return nil, err
	}
	if t.Status == v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZATION_FAILED || t.Status == v1.PaymentStatus_PAYMENT_STATUS_FAILURE {
		ge := gqlError{legacyCode: jsonr.Str(o, "processorResponse", "legacyCode"), message: jsonr.Str(o, "processorResponse", "message"), class: raw}
		if r := gatewayRejectionReason(o); r != "" && ge.legacyCode == "" {
			ge.legacyCode, ge.message = r, cmp.Or(ge.message, "gateway rejected: "+r)
		}
		t.Error = declineError(ge, status)
	}
	return t, nil
}

// gatewayRejectionReason is the reason of the latest GatewayRejectedEvent in
// a transaction's statusHistory (most recent first); "" when none.
func gatewayRejectionReason(o *fastjson.Value) string {
	for _, e := range jsonr.Objects(o, "statusHistory") {
		if r := jsonr.Str(e, "gatewayRejectionReason"); r != "" {
			return r
		}
	}
	return ""
}

// declineError is the three-layer error of a declined transaction.
func declineError(ge gqlError, status int) *v1.PaymentError {
	e := &v1.PaymentError{Code: legacyCode(ge.legacyCode, v1.ErrorCode_ERROR_CODE_CARD_DECLINED),
		Message: cmp.Or(ge.message, "Braintree declined the transaction"), Connector: ge.connectorError(status)}
	if ge.legacyCode != "" {
		e.Issuer = &v1.IssuerError{DeclineCode: ge.legacyCode, Message: ge.message}
	}
	return e
}

// mandate is the vaulted payment method a transaction stored, if any.
func (t *transaction) mandate() *v1.MandateReference {
	if t.paymentMethodID == "" {
		return nil
	}
	return &v1.MandateReference{ConnectorMandateId: t.paymentMethodID, ConnectorCustomerId: t.customerID, Status: v1.MandateStatus_MANDATE_STATUS_ACTIVE}
}

func txField(req *v1.PaymentServiceAuthorizeRequest) string {
	if req.GetCaptureMethod() == v1.CaptureMethod_CAPTURE_METHOD_MANUAL {
		return "authorizePaymentMethod"
	}
	return "chargePaymentMethod"
}

func parseAuthorize(c *pdk.Context, req *v1.PaymentServiceAuthorizeRequest, res *pdk.Response) (*v1.PaymentServiceAuthorizeResponse, error) {
	t, err := readTransaction(res, txField(req), req.GetAmount(), true)
	if err != nil {
		return nil, err
	}
	out := &v1.PaymentServiceAuthorizeResponse{ConnectorTransactionId: t.ID, Status: t.Status, Amount: t.Amount, Error: t.Error,
		CapturedAmount: t.Captured()}
	if req.GetSetupFutureUsage() != v1.FutureUsage_FUTURE_USAGE_UNSPECIFIED {
		out.Mandate = t.mandate()
	}
	out.State = pdk.CustomerState(t.customerID)
	return out, nil
}

func parseRecurringCharge(c *pdk.Context, req *v1.RecurringPaymentServiceChargeRequest, res *pdk.Response) (*v1.RecurringPaymentServiceChargeResponse, error) {
	field := "chargePaymentMethod"
	if req.GetCaptureMethod() == v1.CaptureMethod_CAPTURE_METHOD_MANUAL {
		field = "authorizePaymentMethod"
	}
	t, err := readTransaction(res, field, req.GetAmount(), true)
	if err != nil {
		return nil, err
	}
	return &v1.RecurringPaymentServiceChargeResponse{ConnectorTransactionId: t.ID, Status: t.Status, Amount: t.Amount, Error: t.Error,
		MerchantTransactionId: req.GetMerchantTransactionId()}, nil
}

func parseCapture(c *pdk.Context, req *v1.PaymentServiceCaptureRequest, res *pdk.Response) (*v1.PaymentServiceCaptureResponse, error) {
	t, err := readTransaction(res, "captureTransaction", req.GetAmountToCapture(), false)
	if err != nil {
		return nil, err
	}
	return t.CaptureResponse(processor, req)
}

func parseVoid(c *pdk.Context, req *v1.PaymentServiceVoidRequest, res *pdk.Response) (*v1.PaymentServiceVoidResponse, error) {
	p, err := payload(res, "reverseTransaction")
	if err != nil {
		return nil, err
	}
	r := p.Get("reversal")
	out := &v1.PaymentServiceVoidResponse{}
	switch jsonr.Str(r, "__typename") {
	case "Transaction":
		t, err := txFrom(r, req.GetAmount(), res.Status)
		if err != nil {
			return nil, err
		}
		if err := pdk.SameID(processor, t.ID, req.GetConnectorTransactionId()); err != nil {
			return nil, err
		}
		out.Status, out.Error = t.Status, t.Error
		if t.Error == nil {
			out.Status = pdk.ActionStatus(t.Status, v1.PaymentStatus_PAYMENT_STATUS_VOIDED, v1.PaymentStatus_PAYMENT_STATUS_VOID_FAILED)
		}
	case "Refund":
		rf, err := refundFrom(r, req.GetAmount(), res.Status)
		if err != nil {
			return nil, err
		}
		if err := pdk.SameID(processor, rf.PaymentID, req.GetConnectorTransactionId()); err != nil {
			return nil, err
		}
		out.ConnectorVoidId, out.Error = rf.ID, rf.Error
		switch rf.Status {
		case v1.RefundStatus_REFUND_STATUS_FAILED, v1.RefundStatus_REFUND_STATUS_CANCELED:
			out.Status = v1.PaymentStatus_PAYMENT_STATUS_VOID_FAILED
		case v1.RefundStatus_REFUND_STATUS_SUCCEEDED:
			out.Status = v1.PaymentStatus_PAYMENT_STATUS_REVERSED
		default:
			out.Status = v1.PaymentStatus_PAYMENT_STATUS_REVERSAL_PENDING
		}
	default:
		return nil, pdk.InvalidResponse("Braintree's reversal is neither a Transaction nor a Refund")
	}
	return out, nil
}

func parseGet(c *pdk.Context, req *v1.PaymentServiceGetRequest, res *pdk.Response) (*v1.PaymentServiceGetResponse, error) {
	t, err := readTransaction(res, "node", req.GetAmount(), false)
	if err != nil {
		return nil, err
	}
	return t.GetResponse(processor, req)
}
