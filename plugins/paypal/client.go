package paypal

import (
	"slices"
	"strconv"
	"strings"

	"github.com/connectorhost/connector-host/abi"
	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/internal/hexstr"
	"github.com/connectorhost/connector-host/money"
	"github.com/connectorhost/connector-host/pdk"
	"github.com/connectorhost/connector-host/pdk/idemkey"
	"github.com/connectorhost/connector-host/pdk/jsonr"
	"github.com/connectorhost/connector-host/pdk/jsonw"
	"github.com/valyala/fastjson"
)

// who names PayPal in error messages.
const who = "PayPal"

// maxRequestID is the longest PayPal-Request-Id Orders v2 takes.
const maxRequestID = 108

// tokenMargin is how many seconds before its expiry a token is renewed.
const tokenMargin = 60

// buildToken asks for an access token: POST /v1/oauth2/token with the
// client id and secret as HTTP Basic credentials (RFC 6749 section 4.4).
func buildToken(c *pdk.Context, _ *v1.MerchantAuthenticationServiceCreateAccessTokenRequest) (*pluginv1.HttpRequest, error) {
	r := pdk.NewRequest("POST", c.URL("/v1/oauth2/token"))
	if err := pdk.Basic(credClientID, credClientSecret)(c, r); err != nil {
		return nil, err
	}
	return r.Header("Accept", "application/json").
		Idempotent().
		Body("application/x-www-form-urlencoded", []byte("grant_type=client_credentials")).
		Build(), nil
}

// parseToken reads {access_token, token_type, expires_in}.
func parseToken(c *pdk.Context, _ *v1.MerchantAuthenticationServiceCreateAccessTokenRequest, res *pdk.Response) (*v1.MerchantAuthenticationServiceCreateAccessTokenResponse, error) {
	v, err := answer(res)
	if err != nil {
		return nil, err
	}
	tok := jsonr.Str(v, "access_token")
	exp, ok, err := jsonr.Int(v, "expires_in")
	if tok == "" || !ok || err != nil || exp <= 0 {
		return nil, pdk.InvalidResponse("PayPal's token answer has no access_token or expires_in")
	}
	typ := jsonr.Str(v, "token_type")
	if typ == "" {
		typ = "Bearer"
	}
	return &v1.MerchantAuthenticationServiceCreateAccessTokenResponse{
		AccessToken: &v1.AccessToken{Token: tok, TokenType: typ, ExpiresAtUnix: c.NowUnix() + exp},
	}, nil
}

// needToken asks the host to fetch an access token first.
func needToken() error {
	return pdk.NeedStep(v1.Flow_FLOW_CREATE_ACCESS_TOKEN, &v1.MerchantAuthenticationServiceCreateAccessTokenRequest{})
}

// api is how every PayPal REST request starts: the state's access token
// as bearer token (or a request for a token first) and Accept.
var api = &pdk.API{Auth: stateToken, Headers: [][2]string{{"Accept", "application/json"}}}

// stateToken sends the state's access token, or asks for a token when the
// state has none that is valid for another minute.
func stateToken(c *pdk.Context, r *pdk.Request) error {
	tok := c.State.GetAccessToken()
	if tok.GetToken() == "" || (tok.GetExpiresAtUnix() != 0 && tok.GetExpiresAtUnix() <= c.NowUnix()+tokenMargin) {
		return needToken()
	}
	r.SecretHeader("Authorization", "Bearer "+tok.GetToken())
	return nil
}

// getByID builds a GET of prefix+id, the id (the request's field) checked.
func getByID(c *pdk.Context, prefix, field, id string) (*pluginv1.HttpRequest, error) {
	id, err := pathID(field, id)
	if err != nil {
		return nil, err
	}
	return api.Get(c, prefix+id)
}

// post builds a JSON POST carrying PayPal-Request-Id "<op>:<id>"; without a
// merchant id the key comes from the call's random bytes, so host retries
// of this call are deduplicated but separate calls are not.
func post(c *pdk.Context, path, op, id string, body []byte) (*pluginv1.HttpRequest, error) {
	r, err := api.NewRequest(c, "POST", path)
	if err != nil {
		return nil, err
	}
	if id == "" {
		id = hexstr.EncodeToString(c.Random())
	}
	key := idemkey.Derive(op, id, min(abi.IdempotencyKeyMaxLen, maxRequestID))
	r.Header("Prefer", "return=representation").IdempotencyKey(idempotencyHeader, key)
	if body != nil {
		r.Body("application/json", body)
	}
	return r.Build(), nil
}

// pathID accepts only what PayPal ids are made of ([A-Za-z0-9_-], at most
// 64), so an id can never change the URL's path or query.
func pathID(field, id string) (string, error) {
	if id == "" {
		return "", pdk.InvalidRequest(field, "is required")
	}
	if len(id) > 64 || strings.IndexFunc(id, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_')
	}) >= 0 {
		return "", pdk.InvalidRequest(field, "is not a PayPal id (letters, digits, - and _)")
	}
	return id, nil
}

// exponents are PayPal's deviations from ISO-4217: HUF and TWD take no decimals.
var exponents = money.Exponents{"HUF": 0, "TWD": 0}

// amountValue renders minor units as PayPal's decimal string.
func amountValue(field string, m *v1.Money) (string, error) {
	if m == nil {
		return "", pdk.InvalidRequest(field, "is required")
	}
	if !slices.Contains(currencies, m.GetCurrency()) {
		return "", pdk.InvalidRequest(field+".currency", "PayPal does not support "+strconv.Quote(m.GetCurrency()))
	}
	if m.GetMinorAmount() <= 0 {
		return "", pdk.InvalidRequest(field+".minor_amount", "must be positive")
	}
	v, err := exponents.Decimal(m.GetMinorAmount(), m.GetCurrency())
	if err != nil {
		return "", pdk.InvalidRequest(field+".minor_amount", "PayPal takes no decimals in "+m.GetCurrency())
	}
	return v, nil
}

// writeMoney writes {currency_code, value} under key k.
func writeMoney(o *jsonw.Object, k, cur, val string) {
	o.Object(k, func(a *jsonw.Object) { a.String("currency_code", cur).String("value", val) })
}

// readMoney reads a {currency_code, value} object at keys; nil when absent.
func readMoney(v *fastjson.Value, keys ...string) (*v1.Money, error) {
	m := jsonr.Obj(v, keys...)
	if m == nil {
		return nil, nil
	}
	cur, val := jsonr.Str(m, "currency_code"), jsonr.Str(m, "value")
	minor, err := exponents.ParseDecimal(val, cur)
	if err != nil || minor < 0 {
		return nil, pdk.InvalidResponse("PayPal amount %q %q cannot be read: %v", val, cur, err)
	}
	return &v1.Money{MinorAmount: minor, Currency: cur}, nil
}

// apiError is PayPal's error body: {name, message, debug_id, details[{issue,
// description}]} for REST APIs, {error, error_description} for OAuth. code
// and text are the most specific code and message it gives.
type apiError struct {
	name, issue, code, text, debugID string
}

func readAPIError(body []byte) apiError {
	v := jsonr.TryObject(body)
	e := apiError{name: jsonr.Str(v, "name"), text: jsonr.Str(v, "message"), debugID: jsonr.Str(v, "debug_id")}
	if e.name == "" {
		e.name, e.text = jsonr.Str(v, "error"), jsonr.Str(v, "error_description")
	}
	e.code = e.name
	if d := jsonr.Objects(v, "details"); len(d) > 0 && jsonr.Str(d[0], "issue") != "" {
		e.issue, e.code = jsonr.Str(d[0], "issue"), jsonr.Str(d[0], "issue")
		if desc := jsonr.Str(d[0], "description"); desc != "" {
			e.text = desc
		}
	}
	return e
}

// paymentError is the three-layer error of a PayPal error body.
func (e apiError) paymentError(status int, code v1.ErrorCode) *v1.PaymentError {
	msg := e.text
	if msg == "" {
		msg = "HTTP " + strconv.Itoa(status)
	}
	return &v1.PaymentError{Code: code, Message: msg, Connector: &v1.ConnectorError{
		Code: e.code, Message: e.text, HttpStatus: int32(status), Type: e.name, RequestId: e.debugID,
	}}
}

// answer reads a 2xx answer's JSON object; other statuses are typed errors.
func answer(res *pdk.Response) (*fastjson.Value, error) {
	if err := httpError(res); err != nil {
		return nil, err
	}
	return jsonr.Object(res, who)
}

// httpError classifies a non-2xx answer into a typed error; nil for 2xx.
// An expired or revoked token (401 invalid_token) asks for a new token.
func httpError(res *pdk.Response) error {
	if res.Status >= 200 && res.Status < 300 {
		return nil
	}
	e := readAPIError(res.Body)
	if res.Status == 401 && (e.name == "invalid_token" || e.name == "AUTHENTICATION_FAILURE") && res.Request != nil &&
		!strings.HasSuffix(res.Request.GetUrl(), "/v1/oauth2/token") {
		return needToken()
	}
	kind, code := pdk.StatusKind(res.Status)
	if res.Status == 422 && e.issue == "DUPLICATE_INVOICE_ID" || e.issue == "DUPLICATE_REQUEST_ID" {
		kind, code = pluginv1.ErrorKind_ERROR_KIND_CONFLICT, v1.ErrorCode_ERROR_CODE_CONFLICT
	}
	text := "HTTP " + strconv.Itoa(res.Status)
	if c := e.code; c != "" {
		text += " " + c
	}
	if m := e.text; m != "" {
		text += ": " + m
	}
	return &pdk.Error{Kind: kind, Message: text, Detail: e.paymentError(res.Status, code)}
}
