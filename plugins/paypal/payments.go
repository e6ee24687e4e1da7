package paypal

import (
	"strconv"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk"
	"github.com/connectorhost/connector-host/pdk/jsonr"
	"github.com/connectorhost/connector-host/pdk/jsonw"
	"github.com/valyala/fastjson"
)

// paymentID returns the authorization or capture id (key) of the order
// named by field, from the state when it describes that order; otherwise
// it asks the host to read the order first (its Get answer fills the state).
func paymentID(c *pdk.Context, field, orderID, key string) (string, error) {
	if _, err := pathID(field, orderID); err != nil {
		return "", err
	}
	vals := c.State.GetValues()
	id := vals[key]
	if vals[stateOrder] != orderID || id == "" && vals[stateReadAt] != strconv.FormatInt(c.NowUnixMilli(), 10) {
		return "", pdk.NeedStep(v1.Flow_FLOW_GET, &v1.PaymentServiceGetRequest{ConnectorTransactionId: orderID})
	}
	if id == "" {
		what := "authorization (it was not created with capture_method MANUAL, or the payer has not approved it)"
		if key == stateCapture {
			what = "completed capture"
		}
		return "", pdk.Errorf(pluginv1.ErrorKind_ERROR_KIND_CONFLICT, "%s: PayPal order %s has no %s", field, orderID, what)
	}
	return pathID("state.values."+key, id)
}

// withState copies the request's state values for the order and sets one more id.
func withState(c *pdk.Context, orderID, key, id string) *v1.ConnectorState {
	vals := map[string]string{stateOrder: orderID}
	for _, k := range []string{stateAuthorization, stateCapture} {
		if v := c.State.GetValues()[k]; v != "" && c.State.GetValues()[stateOrder] == orderID {
			vals[k] = v
		}
	}
	if id != "" {
		vals[key] = id
	}
	return &v1.ConnectorState{Values: vals}
}

func buildCapture(c *pdk.Context, r *v1.PaymentServiceCaptureRequest) (*pluginv1.HttpRequest, error) {
	authID, err := paymentID(c, "connector_transaction_id", r.GetConnectorTransactionId(), stateAuthorization)
	if err != nil {
		return nil, err
	}
	val, err := amountValue("amount_to_capture", r.GetAmountToCapture())
	if err != nil {
		return nil, err
	}
	o := jsonw.NewObject()
	writeMoney(o, "amount", r.GetAmountToCapture().GetCurrency(), val)
	o.Bool("final_capture", r.GetFinalCapture()).StringIf("soft_descriptor", r.GetStatementDescriptor())
	return post(c, "/v2/payments/authorizations/"+authID+"/capture", "capture", r.GetMerchantCaptureId(), o.Bytes())
}

func parseCapture(c *pdk.Context, r *v1.PaymentServiceCaptureRequest, res *pdk.Response) (*v1.PaymentServiceCaptureResponse, error) {
	out := &v1.PaymentServiceCaptureResponse{}
	if res.Status == 422 {
		if pe, ok := declined(res); ok {
			out.Status, out.Error = v1.PaymentStatus_PAYMENT_STATUS_CAPTURE_FAILED, pe
			return out, nil
		}
	}
	v, m, err := readPayment(res, "capture")
	if err != nil {
		return nil, err
	}
	out.ConnectorCaptureId, out.CapturedAmount = jsonr.Str(v, "id"), m
	out.Status = captureStatuses.Get(jsonr.Str(v, "status"))
	if out.Status == v1.PaymentStatus_PAYMENT_STATUS_CHARGED && !r.GetFinalCapture() && r.GetPaymentAmount().GetMinorAmount() > m.GetMinorAmount() {
		out.Status = v1.PaymentStatus_PAYMENT_STATUS_PARTIALLY_CAPTURED
	}
	out.Error = processorError(v, out.Status)
	out.State = withState(c, r.GetConnectorTransactionId(), stateCapture, out.ConnectorCaptureId)
	return out, nil
}

// readPayment reads an authorization, capture or refund answer with its id and amount.
func readPayment(res *pdk.Response, what string) (*fastjson.Value, *v1.Money, error) {
	v, err := answer(res)
	if err != nil {
		return nil, nil, err
	}
	if jsonr.Str(v, "id") == "" {
		return nil, nil, pdk.InvalidResponse("PayPal's %s has no id", what)
	}
	m, err := readMoney(v, "amount")
	if err != nil {
		return nil, nil, err
	}
	return v, m, nil
}

func buildVoid(c *pdk.Context, r *v1.PaymentServiceVoidRequest) (*pluginv1.HttpRequest, error) {
	authID, err := paymentID(c, "connector_transaction_id", r.GetConnectorTransactionId(), stateAuthorization)
	if err != nil {
		return nil, err
	}
	return post(c, "/v2/payments/authorizations/"+authID+"/void", "void", r.GetMerchantVoidId(), nil)
}

func parseVoid(c *pdk.Context, r *v1.PaymentServiceVoidRequest, res *pdk.Response) (*v1.PaymentServiceVoidResponse, error) {
	out := &v1.PaymentServiceVoidResponse{}
	if res.Status == 204 {
		out.Status = v1.PaymentStatus_PAYMENT_STATUS_VOIDED
		return out, nil
	}
	if res.Status == 422 {
		if pe, ok := declined(res); ok {
			out.Status, out.Error = v1.PaymentStatus_PAYMENT_STATUS_VOID_FAILED, pe
			return out, nil
		}
	}
	v, _, err := readPayment(res, "authorization")
	if err != nil {
		return nil, err
	}
	out.ConnectorVoidId = jsonr.Str(v, "id")
	out.Status = pdk.ActionStatus(authorizationStatuses.Get(jsonr.Str(v, "status")), v1.PaymentStatus_PAYMENT_STATUS_VOIDED,
		v1.PaymentStatus_PAYMENT_STATUS_VOID_FAILED)
	return out, nil
}

func buildRefund(c *pdk.Context, r *v1.PaymentServiceRefundRequest) (*pluginv1.HttpRequest, error) {
	capID, err := paymentID(c, "connector_transaction_id", r.GetConnectorTransactionId(), stateCapture)
	if err != nil {
		return nil, err
	}
	val, err := amountValue("refund_amount", r.GetRefundAmount())
	if err != nil {
		return nil, err
	}
	if len(r.GetMerchantRefundId()) > 127 {
		return nil, pdk.InvalidRequest("merchant_refund_id", "PayPal takes at most 127 characters")
	}
	o := jsonw.NewObject()
	writeMoney(o, "amount", r.GetRefundAmount().GetCurrency(), val)
	o.StringIf("custom_id", r.GetMerchantRefundId()).StringIf("note_to_payer", truncate(r.GetReason(), 255))
	return post(c, "/v2/payments/captures/"+capID+"/refund", "refund", r.GetMerchantRefundId(), o.Bytes())
}

func parseRefund(c *pdk.Context, r *v1.PaymentServiceRefundRequest, res *pdk.Response) (*v1.PaymentServiceRefundResponse, error) {
	v, m, err := readPayment(res, "refund")
	if err != nil {
		return nil, err
	}
	return &v1.PaymentServiceRefundResponse{
		ConnectorRefundId: jsonr.Str(v, "id"), Status: refundStatuses.Get(jsonr.Str(v, "status")), RefundAmount: m,
		State: withState(c, r.GetConnectorTransactionId(), "", ""),
	}, nil
}

func buildRefundGet(c *pdk.Context, r *v1.RefundServiceGetRequest) (*pluginv1.HttpRequest, error) {
	return getByID(c, "/v2/payments/refunds/", "connector_refund_id", r.GetConnectorRefundId())
}

func parseRefundGet(c *pdk.Context, r *v1.RefundServiceGetRequest, res *pdk.Response) (*v1.RefundServiceGetResponse, error) {
	v, m, err := readPayment(res, "refund")
	if err != nil {
		return nil, err
	}
	return &v1.RefundServiceGetResponse{
		ConnectorRefundId: jsonr.Str(v, "id"), Status: refundStatuses.Get(jsonr.Str(v, "status")), RefundAmount: m,
		MerchantRefundId: jsonr.Str(v, "custom_id"),
	}, nil
}
