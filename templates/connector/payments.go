package example

import (
	"net/url"

	"github.com/valyala/fastjson"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk"
	"github.com/connectorhost/connector-host/pdk/jsonr"
	"github.com/connectorhost/connector-host/pdk/jsonw"
	"github.com/connectorhost/connector-host/pdk/statusmap"
)

// paymentStatuses maps ExamplePay's payment statuses. A status it does not
// know is UNKNOWN: never read an unknown answer as a success.
var paymentStatuses = statusmap.New(map[string]v1.PaymentStatus{
	"succeeded":       v1.PaymentStatus_PAYMENT_STATUS_CHARGED,
	"authorized":      v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZED,
	"pending":         v1.PaymentStatus_PAYMENT_STATUS_PENDING,
	"declined":        v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZATION_FAILED,
	"canceled":        v1.PaymentStatus_PAYMENT_STATUS_VOIDED,
	"requires_action": v1.PaymentStatus_PAYMENT_STATUS_AUTHENTICATION_PENDING,
}, v1.PaymentStatus_PAYMENT_STATUS_UNKNOWN)

// payment is what the connector reads from an ExamplePay payment object:
//
//	{"id":"pay_1","object":"payment","status":"succeeded","reference":"order_1",
//	 "amount":{"value":"10.00","currency":"USD"},"amount_captured":{...},
//	 "failure":{"code":"insufficient_funds","message":"..."}}
type payment struct {
	id, reference    string
	status           v1.PaymentStatus
	amount, captured *v1.Money
	failure          *v1.PaymentError
}

// readPayment reads a payment answer. HTTP 402 carries a declined payment.
func readPayment(res *pdk.Response) (*payment, error) {
	v, err := readObject(res, "payment", 402)
	if err != nil {
		return nil, err
	}
	p := &payment{id: jsonr.Str(v, "id"), reference: jsonr.Str(v, "reference"), status: paymentStatuses.Get(jsonr.Str(v, "status"))}
	if res.Status == 402 { // whatever the body says, a 402 is not a success
		p.status = v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZATION_FAILED
	}
	if p.amount, err = amountAt(v, "amount"); err != nil {
		return nil, err
	}
	if p.captured, err = amountAt(v, "amount_captured"); err != nil {
		return nil, err
	}
	p.failure = failure(v)
	return p, nil
}

// failure is the three-layer error of a declined payment or failed refund.
func failure(v *fastjson.Value) *v1.PaymentError {
	code, msg := jsonr.Str(v, "failure", "code"), jsonr.Str(v, "failure", "message")
	if code == "" {
		return nil
	}
	return &v1.PaymentError{
		Code: v1.ErrorCode_ERROR_CODE_CARD_DECLINED, Message: msg,
		Issuer: &v1.IssuerError{DeclineCode: code}, Connector: &v1.ConnectorError{Code: code, Message: msg},
	}
}

// buildAuthorize builds POST /v1/payments:
//
//	{"reference":"order_1","amount":{"value":"10.00","currency":"USD"},"capture":"automatic",
//	 "card":{"number":"4242...","exp_month":12,"exp_year":2030,"cvc":"123","holder_name":"A B"}}
//
// or "payment_token":"tok_1" instead of "card".
func buildAuthorize(c *pdk.Context, req *v1.PaymentServiceAuthorizeRequest) (*pluginv1.HttpRequest, error) {
	if req.GetMerchantTransactionId() == "" {
		return nil, pdk.InvalidRequest("merchant_transaction_id", "is required (ExamplePay reference)")
	}
	body := jsonw.NewObject().String("reference", req.GetMerchantTransactionId())
	if err := writeAmount(body, "amount", "amount", req.GetAmount()); err != nil {
		return nil, err
	}
	capture := "automatic" // UNSPECIFIED means AUTOMATIC (the API's documented default)
	if req.GetCaptureMethod() == v1.CaptureMethod_CAPTURE_METHOD_MANUAL {
		capture = "manual"
	}
	body.String("capture", capture)
	switch m := req.GetPaymentMethod().GetMethod().(type) {
	case *v1.PaymentMethod_Card:
		card := m.Card
		if card.GetNumber() == "" {
			return nil, pdk.InvalidRequest("payment_method.card.number", "is required")
		}
		body.Object("card", func(o *jsonw.Object) {
			o.String("number", card.GetNumber()).Int("exp_month", int64(card.GetExpMonth())).Int("exp_year", int64(card.GetExpYear())).
				StringIf("cvc", card.GetCvc()).StringIf("holder_name", card.GetHolderName())
		})
	case *v1.PaymentMethod_Token:
		if m.Token.GetToken() == "" {
			return nil, pdk.InvalidRequest("payment_method.token.token", "is required")
		}
		body.String("payment_token", m.Token.GetToken())
	default:
		return nil, pdk.Unsupported("ExamplePay takes cards and processor tokens, not %T", m)
	}
	// The merchant's id is the idempotency key: a retry cannot charge twice.
	return send(c, "/v1/payments", req.GetMerchantTransactionId(), body)
}

// parseAuthorize reads the payment ExamplePay answered. A decline is a
// response with a *_FAILED status and its error, not a Go error.
func parseAuthorize(c *pdk.Context, req *v1.PaymentServiceAuthorizeRequest, res *pdk.Response) (*v1.PaymentServiceAuthorizeResponse, error) {
	p, err := readPayment(res)
	if err != nil {
		return nil, err
	}
	return &v1.PaymentServiceAuthorizeResponse{
		ConnectorTransactionId: p.id, Status: p.status, Amount: p.amount, MerchantTransactionId: p.reference, Error: p.failure,
	}, nil
}

// buildCapture builds POST /v1/payments/{id}/capture {"amount":{...}}; no
// amount captures the whole authorization.
func buildCapture(c *pdk.Context, req *v1.PaymentServiceCaptureRequest) (*pluginv1.HttpRequest, error) {
	body := jsonw.NewObject()
	if req.GetAmountToCapture() != nil {
		if err := writeAmount(body, "amount", "amount_to_capture", req.GetAmountToCapture()); err != nil {
			return nil, err
		}
	}
	return sendFor(c, req.GetConnectorTransactionId(), "capture", req.GetMerchantCaptureId(), body)
}

func parseCapture(c *pdk.Context, req *v1.PaymentServiceCaptureRequest, res *pdk.Response) (*v1.PaymentServiceCaptureResponse, error) {
	p, err := readPayment(res)
	if err != nil {
		return nil, err
	}
	return &v1.PaymentServiceCaptureResponse{
		ConnectorTransactionId: p.id, Status: p.status, CapturedAmount: p.captured, MerchantCaptureId: req.GetMerchantCaptureId(), Error: p.failure,
	}, nil
}

// buildVoid builds POST /v1/payments/{id}/cancel.
func buildVoid(c *pdk.Context, req *v1.PaymentServiceVoidRequest) (*pluginv1.HttpRequest, error) {
	return sendFor(c, req.GetConnectorTransactionId(), "cancel", req.GetMerchantVoidId(), jsonw.NewObject())
}

func parseVoid(c *pdk.Context, req *v1.PaymentServiceVoidRequest, res *pdk.Response) (*v1.PaymentServiceVoidResponse, error) {
	p, err := readPayment(res)
	if err != nil {
		return nil, err
	}
	return &v1.PaymentServiceVoidResponse{ConnectorTransactionId: p.id, Status: p.status, MerchantVoidId: req.GetMerchantVoidId(), Error: p.failure}, nil
}

// buildGet builds GET /v1/payments/{id} (payment sync).
func buildGet(c *pdk.Context, req *v1.PaymentServiceGetRequest) (*pluginv1.HttpRequest, error) {
	return get(c, "/v1/payments/", "connector_transaction_id", req.GetConnectorTransactionId())
}

func parseGet(c *pdk.Context, req *v1.PaymentServiceGetRequest, res *pdk.Response) (*v1.PaymentServiceGetResponse, error) {
	p, err := readPayment(res)
	if err != nil {
		return nil, err
	}
	return &v1.PaymentServiceGetResponse{
		ConnectorTransactionId: p.id, Status: p.status, Amount: p.amount, CapturedAmount: p.captured,
		MerchantTransactionId: p.reference, Error: p.failure,
	}, nil
}

// sendFor builds POST /v1/payments/{id}/{action}. The idempotency key is
// the merchant's id for the operation, else "<action>:<payment id>" (one
// capture or cancel per payment: a retry is deduplicated either way).
func sendFor(c *pdk.Context, id, action, merchantID string, body *jsonw.Object) (*pluginv1.HttpRequest, error) {
	if id == "" {
		return nil, pdk.InvalidRequest("connector_transaction_id", "is required")
	}
	if merchantID == "" {
		merchantID = action + ":" + id
	}
	return send(c, "/v1/payments/"+url.PathEscape(id)+"/"+action, merchantID, body)
}
