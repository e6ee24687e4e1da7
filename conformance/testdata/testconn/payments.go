package testconn

import (
	"bytes"
	"encoding/json"
	"net/url"
	"sort"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/money"
	"github.com/connectorhost/connector-host/pdk"
	"github.com/connectorhost/connector-host/pdk/jsonw"
	"github.com/connectorhost/connector-host/pdk/statusmap"
)

// amount is TestPay's money: a decimal string and an ISO code.
type amount struct {
	Value    string `json:"value"`
	Currency string `json:"currency"`
}

// payment is TestPay's payment object.
type payment struct {
	ID             string  `json:"id"`
	Object         string  `json:"object"`
	Status         string  `json:"status"`
	Amount         *amount `json:"amount"`
	AmountCaptured *amount `json:"amount_captured"`
	Reference      string  `json:"reference"`
	Decline        *struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"decline"`
	NextAction *struct {
		RedirectURL string `json:"redirect_url"`
	} `json:"next_action"`
}

// refund is TestPay's refund object.
type refund struct {
	ID        string  `json:"id"`
	Object    string  `json:"object"`
	Status    string  `json:"status"`
	Amount    *amount `json:"amount"`
	Payment   string  `json:"payment"`
	Reference string  `json:"reference"`
}

func (c *conn) paymentStatuses() statusmap.Map[string, v1.PaymentStatus] {
	authorized := v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZED
	if c.d.WrongStatus {
		authorized = v1.PaymentStatus_PAYMENT_STATUS_CHARGED
	}
	fallback := v1.PaymentStatus_PAYMENT_STATUS_UNKNOWN
	if c.d.UnknownIsSuccess {
		fallback = v1.PaymentStatus_PAYMENT_STATUS_CHARGED
	}
	return statusmap.New(map[string]v1.PaymentStatus{
		"succeeded":        v1.PaymentStatus_PAYMENT_STATUS_CHARGED,
		"requires_capture": authorized,
		"processing":       v1.PaymentStatus_PAYMENT_STATUS_PENDING,
		"requires_action":  v1.PaymentStatus_PAYMENT_STATUS_AUTHENTICATION_PENDING,
		"declined":         v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZATION_FAILED,
		"canceled":         v1.PaymentStatus_PAYMENT_STATUS_VOIDED,
	}, fallback)
}

func refundStatuses() statusmap.Map[string, v1.RefundStatus] {
	return statusmap.New(map[string]v1.RefundStatus{
		"succeeded": v1.RefundStatus_REFUND_STATUS_SUCCEEDED,
		"pending":   v1.RefundStatus_REFUND_STATUS_PENDING,
		"failed":    v1.RefundStatus_REFUND_STATUS_FAILED,
	}, v1.RefundStatus_REFUND_STATUS_UNKNOWN)
}

// newRequest starts a request with auth.
func (c *conn) newRequest(ctx *pdk.Context, method, url string) (*pdk.Request, error) {
	key, err := ctx.Credential(credAPIKey)
	if err != nil {
		return nil, err
	}
	return pdk.NewRequest(method, url).SecretHeader("Authorization", "Bearer "+key).Header("TestPay-Version", "2026-01"), nil
}

// decimal writes m as TestPay's decimal amount.
func (c *conn) decimal(field string, m *v1.Money) (amount, error) {
	if m == nil {
		return amount{}, pdk.InvalidRequest(field, "is required")
	}
	if c.d.FixedTwoDecimals {
		return amount{Value: money.FormatDecimal(m.GetMinorAmount(), 2), Currency: m.GetCurrency()}, nil
	}
	d, err := money.Decimal(m.GetMinorAmount(), m.GetCurrency())
	if err != nil {
		return amount{}, pdk.InvalidRequest(field+".currency", err.Error())
	}
	return amount{Value: d, Currency: m.GetCurrency()}, nil
}

func writeAmount(o *jsonw.Object, k string, a amount) {
	o.Object(k, func(x *jsonw.Object) { x.String("value", a.Value).String("currency", a.Currency) })
}

// unified converts a TestPay amount to the unified one.
func unified(a *amount) (*v1.Money, error) {
	if a == nil {
		return nil, nil
	}
	v, err := money.ParseDecimal(a.Value, a.Currency)
	if err != nil {
		return nil, pdk.InvalidResponse("amount %q %q: %v", a.Value, a.Currency, err)
	}
	return &v1.Money{MinorAmount: v, Currency: a.Currency}, nil
}

func (c *conn) buildAuthorize(ctx *pdk.Context, r *v1.PaymentServiceAuthorizeRequest) (*pluginv1.HttpRequest, error) {
	amt, err := c.decimal("amount", r.GetAmount())
	if err != nil {
		return nil, err
	}
	o := jsonw.NewObject().String("reference", r.GetMerchantTransactionId())
	writeAmount(o, "amount", amt)
	capture := "automatic"
	if r.GetCaptureMethod() == v1.CaptureMethod_CAPTURE_METHOD_MANUAL {
		capture = "manual"
	}
	o.String("capture", capture)
	switch pm := r.GetPaymentMethod().GetMethod().(type) {
	case *v1.PaymentMethod_Card:
		o.Object("source", func(s *jsonw.Object) {
			s.String("type", "card").String("number", pm.Card.GetNumber()).StringIf("cvc", pm.Card.GetCvc()).
				Int("exp_month", int64(pm.Card.GetExpMonth())).Int("exp_year", int64(pm.Card.GetExpYear())).StringIf("holder", pm.Card.GetHolderName())
		})
	case *v1.PaymentMethod_Token:
		o.Object("source", func(s *jsonw.Object) { s.String("type", "token").String("token", pm.Token.GetToken()) })
	default:
		return nil, pdk.Unsupported("payment method %T is not supported by TestPay", pm)
	}
	o.StringIf("return_url", r.GetReturnUrl())
	if len(r.GetMetadata()) > 0 {
		o.Raw("metadata", c.metadata(r.GetMetadata()))
	}
	req, err := c.newRequest(ctx, "POST", ctx.URL("/v1/payments"))
	if err != nil {
		return nil, err
	}
	if c.d.SecretInURL {
		req, _ = c.newRequest(ctx, "POST", ctx.URL("/v1/payments?api_key="+url.QueryEscape(ctx.Credentials[credAPIKey])))
	}
	if c.d.SecretInBody {
		o.String("merchant_key", ctx.Credentials[credAPIKey])
	}
	if !c.d.NoIdempotency {
		req.IdempotencyKey(idempotencyHeader, r.GetMerchantTransactionId())
	}
	return req.Body("application/json", o.Bytes()).Build(), nil
}

// metadata writes the metadata object in key order (or, with the
// NonDeterministic defect, in Go's random map order).
func (c *conn) metadata(m map[string]string) []byte {
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	if !c.d.NonDeterministic {
		sort.Strings(keys)
	}
	o := jsonw.NewObject()
	for _, k := range keys {
		o.String(k, m[k])
	}
	return o.Bytes()
}

// checkAnswer maps HTTP errors and unreadable answers to typed errors and
// decodes a JSON object into v. It returns declined=true for a 402 on a
// flow that reports declines as responses.
func (c *conn) checkAnswer(res *pdk.Response, v any) error {
	body := res.Body
	if c.d.TrapOnHTML && bytes.Contains(body, []byte("<html")) {
		var empty []byte
		_ = empty[len(body)] // a latent bounds bug: traps
	}
	if c.d.TrapOnControlBytes && hasControlBytes(body) {
		panic("unexpected control byte in answer")
	}
	if c.d.MemoryHog && len(body) > 512<<10 {
		var hog [][]byte
		for {
			hog = append(hog, make([]byte, 1<<20))
			hog[len(hog)-1][0] = 1
		}
	}
	status := res.Status
	if c.d.SuccessOnServerError && status >= 500 {
		status = 200
	}
	switch {
	case status == 401 || status == 403:
		return pdk.Errorf(pluginv1.ErrorKind_ERROR_KIND_CREDENTIALS, "TestPay refused the API key (HTTP %d)", status)
	case status == 404:
		return pdk.Errorf(pluginv1.ErrorKind_ERROR_KIND_NOT_FOUND, "TestPay has no such object")
	case status == 409:
		return pdk.Errorf(pluginv1.ErrorKind_ERROR_KIND_CONFLICT, "TestPay reports a conflict")
	case status == 429:
		return pdk.Errorf(pluginv1.ErrorKind_ERROR_KIND_RATE_LIMITED, "TestPay rate-limited the request")
	case status >= 500:
		return pdk.Errorf(pluginv1.ErrorKind_ERROR_KIND_PROCESSOR_UNAVAILABLE, "TestPay is unavailable (HTTP %d)", status)
	case status >= 400:
		return pdk.Errorf(pluginv1.ErrorKind_ERROR_KIND_PROCESSOR_REJECTED, "TestPay rejected the request (HTTP %d)", status)
	case status/100 != 2:
		return pdk.InvalidResponse("unexpected HTTP status %d", status)
	}
	if len(body) == 0 || body[0] != '{' {
		return pdk.InvalidResponse("answer is not a JSON object")
	}
	if err := json.Unmarshal(body, v); err != nil {
		return pdk.InvalidResponse("answer is not valid JSON: %v", err)
	}
	return nil
}

func hasControlBytes(b []byte) bool {
	for _, c := range b {
		if (c < 0x20 && c != '\n' && c != '\r' && c != '\t') || c == 0xff || c == '\\' {
			return true
		}
	}
	return false
}

// readPayment decodes a payment answer.
func (c *conn) readPayment(res *pdk.Response) (*payment, error) {
	p := &payment{}
	if err := c.checkAnswer(res, p); err != nil {
		return nil, err
	}
	if p.Object != "payment" || p.ID == "" {
		return nil, pdk.InvalidResponse("answer is not a TestPay payment")
	}
	return p, nil
}

func (c *conn) parseAuthorize(ctx *pdk.Context, r *v1.PaymentServiceAuthorizeRequest, res *pdk.Response) (*v1.PaymentServiceAuthorizeResponse, error) {
	if res.Status == 402 {
		return c.declined(r, res)
	}
	p, err := c.readPayment(res)
	if err != nil {
		return nil, err
	}
	amt, err := unified(p.Amount)
	if err != nil {
		return nil, err
	}
	out := &v1.PaymentServiceAuthorizeResponse{
		ConnectorTransactionId: p.ID, Status: c.paymentStatuses().Get(p.Status), Amount: amt,
		MerchantTransactionId: p.Reference, ConnectorHttpStatus: int32(res.Status),
	}
	if p.NextAction != nil && p.NextAction.RedirectURL != "" {
		out.NextAction = &v1.NextAction{Action: &v1.NextAction_Redirect{Redirect: &v1.Redirect{Url: p.NextAction.RedirectURL, Method: "GET"}}}
	}
	if p.Decline != nil {
		out.Error = &v1.PaymentError{Code: v1.ErrorCode_ERROR_CODE_CARD_DECLINED, Message: p.Decline.Message,
			Issuer: &v1.IssuerError{DeclineCode: p.Decline.Code}}
	}
	return out, nil
}

// declined turns a 402 decline into a failed authorization.
func (c *conn) declined(r *v1.PaymentServiceAuthorizeRequest, res *pdk.Response) (*v1.PaymentServiceAuthorizeResponse, error) {
	var e struct {
		Error struct {
			Code    string `json:"code"`
			Message string `json:"message"`
			Payment string `json:"payment"`
		} `json:"error"`
	}
	if len(res.Body) == 0 || json.Unmarshal(res.Body, &e) != nil || e.Error.Code == "" {
		return nil, pdk.InvalidResponse("HTTP 402 without a TestPay error object")
	}
	msg := e.Error.Message
	return &v1.PaymentServiceAuthorizeResponse{
		ConnectorTransactionId: e.Error.Payment, Status: v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZATION_FAILED,
		MerchantTransactionId: r.GetMerchantTransactionId(), ConnectorHttpStatus: int32(res.Status),
		Error: &v1.PaymentError{Code: v1.ErrorCode_ERROR_CODE_CARD_DECLINED, Message: msg, Issuer: &v1.IssuerError{DeclineCode: e.Error.Code},
			Connector: &v1.ConnectorError{Code: e.Error.Code, Message: e.Error.Message, HttpStatus: int32(res.Status)}},
	}, nil
}

func (c *conn) buildCapture(ctx *pdk.Context, r *v1.PaymentServiceCaptureRequest) (*pluginv1.HttpRequest, error) {
	if r.GetConnectorTransactionId() == "" {
		return nil, pdk.InvalidRequest("connector_transaction_id", "is required")
	}
	amt, err := c.decimal("amount_to_capture", r.GetAmountToCapture())
	if err != nil {
		return nil, err
	}
	o := jsonw.NewObject()
	if !c.d.CaptureOmitsAmount {
		writeAmount(o, "amount", amt)
	}
	req, err := c.newRequest(ctx, "POST", ctx.URL("/v1/payments/"+url.PathEscape(r.GetConnectorTransactionId())+"/capture"))
	if err != nil {
		return nil, err
	}
	return req.IdempotencyKey(idempotencyHeader, r.GetMerchantCaptureId()).Body("application/json", o.Bytes()).Build(), nil
}

func (c *conn) parseCapture(ctx *pdk.Context, r *v1.PaymentServiceCaptureRequest, res *pdk.Response) (*v1.PaymentServiceCaptureResponse, error) {
	p, err := c.readPayment(res)
	if err != nil {
		return nil, err
	}
	captured, err := unified(p.AmountCaptured)
	if err != nil {
		return nil, err
	}
	return &v1.PaymentServiceCaptureResponse{ConnectorTransactionId: p.ID, Status: c.paymentStatuses().Get(p.Status), CapturedAmount: captured,
		MerchantCaptureId: r.GetMerchantCaptureId(), ConnectorHttpStatus: int32(res.Status)}, nil
}

func (c *conn) buildGet(ctx *pdk.Context, r *v1.PaymentServiceGetRequest) (*pluginv1.HttpRequest, error) {
	if r.GetConnectorTransactionId() == "" {
		return nil, pdk.InvalidRequest("connector_transaction_id", "is required")
	}
	req, err := c.newRequest(ctx, "GET", ctx.URL("/v1/payments/"+url.PathEscape(r.GetConnectorTransactionId())))
	if err != nil {
		return nil, err
	}
	return req.Build(), nil
}

func (c *conn) parseGet(ctx *pdk.Context, r *v1.PaymentServiceGetRequest, res *pdk.Response) (*v1.PaymentServiceGetResponse, error) {
	p, err := c.readPayment(res)
	if err != nil {
		return nil, err
	}
	amt, err := unified(p.Amount)
	if err != nil {
		return nil, err
	}
	captured, err := unified(p.AmountCaptured)
	if err != nil {
		return nil, err
	}
	return &v1.PaymentServiceGetResponse{ConnectorTransactionId: p.ID, Status: c.paymentStatuses().Get(p.Status), Amount: amt,
		CapturedAmount: captured, MerchantTransactionId: p.Reference, ConnectorHttpStatus: int32(res.Status)}, nil
}

func (c *conn) buildVoid(ctx *pdk.Context, r *v1.PaymentServiceVoidRequest) (*pluginv1.HttpRequest, error) {
	if r.GetConnectorTransactionId() == "" {
		return nil, pdk.InvalidRequest("connector_transaction_id", "is required")
	}
	req, err := c.newRequest(ctx, "POST", ctx.URL("/v1/payments/"+url.PathEscape(r.GetConnectorTransactionId())+"/cancel"))
	if err != nil {
		return nil, err
	}
	o := jsonw.NewObject().StringIf("reason", r.GetCancellationReason())
	return req.IdempotencyKey(idempotencyHeader, r.GetMerchantVoidId()).Body("application/json", o.Bytes()).Build(), nil
}

func (c *conn) parseVoid(ctx *pdk.Context, r *v1.PaymentServiceVoidRequest, res *pdk.Response) (*v1.PaymentServiceVoidResponse, error) {
	p, err := c.readPayment(res)
	if err != nil {
		return nil, err
	}
	return &v1.PaymentServiceVoidResponse{ConnectorTransactionId: p.ID, Status: c.paymentStatuses().Get(p.Status),
		MerchantVoidId: r.GetMerchantVoidId(), ConnectorHttpStatus: int32(res.Status)}, nil
}

func (c *conn) buildRefund(ctx *pdk.Context, r *v1.PaymentServiceRefundRequest) (*pluginv1.HttpRequest, error) {
	amt, err := c.decimal("refund_amount", r.GetRefundAmount())
	if err != nil {
		return nil, err
	}
	o := jsonw.NewObject().String("payment", r.GetConnectorTransactionId()).String("reference", r.GetMerchantRefundId())
	writeAmount(o, "amount", amt)
	u := ctx.URL("/v1/refunds")
	if c.d.UndeclaredHost {
		u = "https://refunds.testpay-eu.example/v1/refunds"
	}
	req, err := c.newRequest(ctx, "POST", u)
	if err != nil {
		return nil, err
	}
	return req.IdempotencyKey(idempotencyHeader, r.GetMerchantRefundId()).Body("application/json", o.Bytes()).Build(), nil
}

func (c *conn) parseRefund(ctx *pdk.Context, r *v1.PaymentServiceRefundRequest, res *pdk.Response) (*v1.PaymentServiceRefundResponse, error) {
	rf := &refund{}
	if err := c.checkAnswer(res, rf); err != nil {
		return nil, err
	}
	if rf.Object != "refund" || rf.ID == "" {
		return nil, pdk.InvalidResponse("answer is not a TestPay refund")
	}
	amt, err := unified(rf.Amount)
	if err != nil {
		return nil, err
	}
	return &v1.PaymentServiceRefundResponse{ConnectorRefundId: rf.ID, Status: refundStatuses().Get(rf.Status), RefundAmount: amt,
		MerchantRefundId: rf.Reference, ConnectorTransactionId: rf.Payment, ConnectorHttpStatus: int32(res.Status)}, nil
}
