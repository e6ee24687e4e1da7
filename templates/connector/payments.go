package example

import (
	"net/url"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/money"
	"github.com/connectorhost/connector-host/pdk"
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

// newRequest starts a request to ExamplePay with its credentials. Build
// every URL on c.URL (sandbox, live or the operator's --base-url), and put
// credentials only in secret headers.
func newRequest(c *pdk.Context, method, path string) (*pdk.Request, error) {
	key, err := c.Credential(credAPIKey)
	if err != nil {
		return nil, err
	}
	return pdk.NewRequest(method, c.URL(path)).SecretHeader("Authorization", "Bearer "+key), nil
}

// buildAuthorize builds POST /v1/payments:
//
//	{"reference":"order_1","amount":{"value":"10.00","currency":"USD"},"capture":"automatic","payment_token":"tok_1"}
func buildAuthorize(c *pdk.Context, req *v1.PaymentServiceAuthorizeRequest) (*pluginv1.HttpRequest, error) {
	if req.GetMerchantTransactionId() == "" {
		return nil, pdk.InvalidRequest("merchant_transaction_id", "is required (ExamplePay reference)")
	}
	if req.GetAmount() == nil {
		return nil, pdk.InvalidRequest("amount", "is required")
	}
	// ExamplePay takes decimal amounts: convert exactly with money.
	value, err := money.Decimal(req.GetAmount().GetMinorAmount(), req.GetAmount().GetCurrency())
	if err != nil {
		return nil, pdk.InvalidRequest("amount.currency", err.Error())
	}
	tok, ok := req.GetPaymentMethod().GetMethod().(*v1.PaymentMethod_Token)
	if !ok {
		return nil, pdk.Unsupported("ExamplePay takes processor tokens only, not %T", req.GetPaymentMethod().GetMethod())
	}
	if tok.Token.GetToken() == "" {
		return nil, pdk.InvalidRequest("payment_method.token.token", "is required")
	}
	capture := "automatic" // UNSPECIFIED means AUTOMATIC (the API's documented default)
	if req.GetCaptureMethod() == v1.CaptureMethod_CAPTURE_METHOD_MANUAL {
		capture = "manual"
	}
	body := jsonw.NewObject().
		String("reference", req.GetMerchantTransactionId()).
		Object("amount", func(o *jsonw.Object) { o.String("value", value).String("currency", req.GetAmount().GetCurrency()) }).
		String("capture", capture).
		String("payment_token", tok.Token.GetToken())
	r, err := newRequest(c, "POST", "/v1/payments")
	if err != nil {
		return nil, err
	}
	// The merchant's id is the idempotency key: a retry cannot charge twice.
	return r.IdempotencyKey(idempotencyHeader, req.GetMerchantTransactionId()).Body("application/json", body.Bytes()).Build(), nil
}

// parseAuthorize reads the payment ExamplePay answered. A decline (HTTP 402)
// is a response with a *_FAILED status, not an error.
func parseAuthorize(c *pdk.Context, req *v1.PaymentServiceAuthorizeRequest, res *pdk.Response) (*v1.PaymentServiceAuthorizeResponse, error) {
	if res.Status == 402 {
		return declined(req, res)
	}
	p, err := readPayment(res)
	if err != nil {
		return nil, err
	}
	return &v1.PaymentServiceAuthorizeResponse{
		ConnectorTransactionId: p.id, Status: paymentStatuses.Get(p.status), Amount: p.amount,
		MerchantTransactionId: p.reference, ConnectorHttpStatus: int32(res.Status),
	}, nil
}

// declined turns a 402 {"error":{"code","message","payment"}} into a failed authorization.
func declined(req *v1.PaymentServiceAuthorizeRequest, res *pdk.Response) (*v1.PaymentServiceAuthorizeResponse, error) {
	v, err := parseObject(res)
	if err != nil {
		return nil, err
	}
	code, msg := str(v, "error", "code"), str(v, "error", "message")
	if code == "" {
		return nil, pdk.InvalidResponse("ExamplePay answered HTTP 402 without an error code")
	}
	return &v1.PaymentServiceAuthorizeResponse{
		ConnectorTransactionId: str(v, "error", "payment"), Status: v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZATION_FAILED,
		MerchantTransactionId: req.GetMerchantTransactionId(), ConnectorHttpStatus: int32(res.Status),
		Error: &v1.PaymentError{
			Code: v1.ErrorCode_ERROR_CODE_CARD_DECLINED, Message: msg,
			Issuer:    &v1.IssuerError{DeclineCode: code},
			Connector: &v1.ConnectorError{Code: code, Message: msg, HttpStatus: int32(res.Status)},
		},
	}, nil
}

// buildGet builds GET /v1/payments/{id}. A GET needs no idempotency key;
// Idempotent marks it safe for the host to retry.
func buildGet(c *pdk.Context, req *v1.PaymentServiceGetRequest) (*pluginv1.HttpRequest, error) {
	if req.GetConnectorTransactionId() == "" {
		return nil, pdk.InvalidRequest("connector_transaction_id", "is required")
	}
	r, err := newRequest(c, "GET", "/v1/payments/"+url.PathEscape(req.GetConnectorTransactionId()))
	if err != nil {
		return nil, err
	}
	return r.Idempotent().Build(), nil
}

func parseGet(c *pdk.Context, req *v1.PaymentServiceGetRequest, res *pdk.Response) (*v1.PaymentServiceGetResponse, error) {
	p, err := readPayment(res)
	if err != nil {
		return nil, err
	}
	return &v1.PaymentServiceGetResponse{
		ConnectorTransactionId: p.id, Status: paymentStatuses.Get(p.status), Amount: p.amount,
		MerchantTransactionId: p.reference, ConnectorHttpStatus: int32(res.Status),
	}, nil
}
