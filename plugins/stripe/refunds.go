package stripe

import (
	"strings"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk"
	"github.com/connectorhost/connector-host/pdk/form"
	"github.com/valyala/fastjson"
)

var refundHandler = pdk.H(buildRefund, parseRefundCreate)

// stripeRefundReason maps a free-text reason to Stripe's refund reasons,
// or "" when nothing fits (the text then goes to metadata[refund_reason]).
func stripeRefundReason(reason string) string {
	r := strings.ToLower(strings.TrimSpace(reason))
	switch {
	case r == "duplicate" || r == "fraudulent" || r == "requested_by_customer":
		return r
	case r == "":
		return ""
	case strings.Contains(r, "fraud"):
		return "fraudulent"
	case strings.Contains(r, "duplicate"):
		return "duplicate"
	case strings.Contains(r, "customer"), strings.Contains(r, "shopper"), strings.Contains(r, "requested"):
		return "requested_by_customer"
	}
	return ""
}

// buildRefund builds POST /v1/refunds for a PaymentIntent.
func buildRefund(c *pdk.Context, req *v1.PaymentServiceRefundRequest) (*pluginv1.HttpRequest, error) {
	if req.GetConnectorTransactionId() == "" {
		return nil, pdk.InvalidRequest("connector_transaction_id", "is required")
	}
	key, err := requireMerchantID("refund", req.GetMerchantRefundId(), "merchant_refund_id")
	if err != nil {
		return nil, err
	}
	amount, _, err := toStripeAmount(req.GetRefundAmount(), "refund_amount")
	if err != nil {
		return nil, err
	}
	f := form.New()
	f.Set("payment_intent", req.GetConnectorTransactionId())
	f.SetInt("amount", amount)
	reason := stripeRefundReason(req.GetReason())
	f.SetIf("reason", reason)
	extra := []string{"merchant_refund_id", req.GetMerchantRefundId()}
	if reason != strings.TrimSpace(req.GetReason()) {
		extra = append(extra, "refund_reason", req.GetReason())
	}
	if err := writeMetadata(f, req.GetMetadata(), extra...); err != nil {
		return nil, err
	}
	return post(c, "/v1/refunds", key, f)
}

// refund is the unified reading of a Stripe Refund.
type refund struct {
	ID               string
	Status           v1.RefundStatus
	Amount           *v1.Money
	PaymentIntentID  string
	MerchantRefundID string
	Error            *v1.PaymentError
}

// refundFailureCodes maps Refund.failure_reason.
var refundFailureCodes = map[string]v1.ErrorCode{
	"lost_or_stolen_card":                v1.ErrorCode_ERROR_CODE_LOST_OR_STOLEN_CARD,
	"expired_or_canceled_card":           v1.ErrorCode_ERROR_CODE_EXPIRED_CARD,
	"charge_for_pending_refund_disputed": v1.ErrorCode_ERROR_CODE_CONFLICT,
	"insufficient_funds":                 v1.ErrorCode_ERROR_CODE_INSUFFICIENT_FUNDS,
	"declined":                           v1.ErrorCode_ERROR_CODE_CARD_DECLINED,
}

// parseRefund reads a Refund object.
func parseRefund(v *fastjson.Value, httpStatus int, requestID string) (*refund, error) {
	if obj := str(v, "object"); obj != "" && obj != "refund" {
		return nil, pdk.InvalidResponse("answered with a %q object where a refund was expected", obj)
	}
	id, err := requireID(v, "refund")
	if err != nil {
		return nil, err
	}
	amount, err := fromStripeAmount(num(v, "amount"), str(v, "currency"))
	if err != nil {
		return nil, err
	}
	r := &refund{
		ID:               id,
		Status:           refundStatuses.Get(str(v, "status")),
		Amount:           amount,
		PaymentIntentID:  idOf(v, "payment_intent"),
		MerchantRefundID: metadataValue(v, "merchant_refund_id"),
	}
	if r.Status == v1.RefundStatus_REFUND_STATUS_FAILED {
		reason := str(v, "failure_reason")
		code, ok := refundFailureCodes[reason]
		if !ok {
			code = v1.ErrorCode_ERROR_CODE_PROCESSING_ERROR
		}
		msg := "refund failed"
		if reason != "" {
			msg += ": " + reason
		}
		r.Error = &v1.PaymentError{Code: code, Message: msg, Connector: &v1.ConnectorError{
			Code: reason, Message: msg, HttpStatus: int32(httpStatus), RequestId: requestID,
		}}
	}
	return r, nil
}

// readRefund reads an answer carrying a Refund; errors are typed errors.
func readRefund(c *pdk.Context, res *pdk.Response) (*refund, error) {
	a, err := readAnswer(res, secretsOf(c, nil))
	if err != nil {
		return nil, err
	}
	if a.Err != nil {
		return nil, a.Err.pluginError()
	}
	return parseRefund(a.Obj, a.Status, a.RequestID)
}

func parseRefundCreate(c *pdk.Context, req *v1.PaymentServiceRefundRequest, res *pdk.Response) (*v1.PaymentServiceRefundResponse, error) {
	r, err := readRefund(c, res)
	if err != nil {
		return nil, err
	}
	if err := checkAmount(req.GetRefundAmount(), r.Amount, "refund "+r.ID); err != nil {
		return nil, err
	}
	return &v1.PaymentServiceRefundResponse{
		ConnectorRefundId:      r.ID,
		Status:                 r.Status,
		RefundAmount:           r.Amount,
		Error:                  r.Error,
		MerchantRefundId:       req.GetMerchantRefundId(),
		ConnectorTransactionId: firstNonEmpty(r.PaymentIntentID, req.GetConnectorTransactionId()),
		ConnectorHttpStatus:    int32(res.Status),
	}, nil
}

var refundGetHandler = pdk.H(buildRefundGet, parseRefundGet)

// buildRefundGet builds GET /v1/refunds/{id}.
func buildRefundGet(c *pdk.Context, req *v1.RefundServiceGetRequest) (*pluginv1.HttpRequest, error) {
	path, err := objectPath("/v1/refunds", req.GetConnectorRefundId(), "connector_refund_id")
	if err != nil {
		return nil, err
	}
	return get(c, path, nil)
}

func parseRefundGet(c *pdk.Context, req *v1.RefundServiceGetRequest, res *pdk.Response) (*v1.RefundServiceGetResponse, error) {
	r, err := readRefund(c, res)
	if err != nil {
		return nil, err
	}
	if err := checkAmount(req.GetRefundAmount(), r.Amount, "refund "+r.ID); err != nil {
		return nil, err
	}
	return &v1.RefundServiceGetResponse{
		ConnectorRefundId:      r.ID,
		Status:                 r.Status,
		RefundAmount:           r.Amount,
		Error:                  r.Error,
		MerchantRefundId:       firstNonEmpty(req.GetMerchantRefundId(), r.MerchantRefundID),
		ConnectorTransactionId: firstNonEmpty(r.PaymentIntentID, req.GetConnectorTransactionId()),
		ConnectorHttpStatus:    int32(res.Status),
	}, nil
}

var refundCancelHandler = pdk.H(buildRefundCancel, parseRefundCancel)

// buildRefundCancel builds POST /v1/refunds/{id}/cancel. Stripe cancels only
// a refund still in requires_action (a pending refund to a card that needs
// the customer's bank details); any other refund is refused with a 400
// invalid_request_error, answered as the typed error.
func buildRefundCancel(c *pdk.Context, req *v1.RefundServiceCancelRequest) (*pluginv1.HttpRequest, error) {
	key, err := requireMerchantID("refund_cancel", req.GetMerchantCancelId(), "merchant_cancel_id")
	if err != nil {
		return nil, err
	}
	path, err := objectPath("/v1/refunds", req.GetConnectorRefundId(), "connector_refund_id", "cancel")
	if err != nil {
		return nil, err
	}
	return post(c, path, key, nil)
}

func parseRefundCancel(c *pdk.Context, _ *v1.RefundServiceCancelRequest, res *pdk.Response) (*v1.RefundServiceCancelResponse, error) {
	r, err := readRefund(c, res)
	if err != nil {
		return nil, err
	}
	return &v1.RefundServiceCancelResponse{
		ConnectorRefundId: r.ID, Status: r.Status, Error: r.Error, ConnectorHttpStatus: int32(res.Status),
	}, nil
}
