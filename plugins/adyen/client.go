package adyen

import (
	"strconv"
	"strings"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/internal/weburl"
	"github.com/connectorhost/connector-host/money"
	"github.com/connectorhost/connector-host/pdk"
	"github.com/connectorhost/connector-host/pdk/idemkey"
	"github.com/connectorhost/connector-host/pdk/jsonr"
	"github.com/connectorhost/connector-host/pdk/jsonw"
	"github.com/valyala/fastjson"
)

// Base URLs and paths of the Adyen APIs this connector speaks.
const (
	// SandboxBaseURL is Checkout API v71 on Adyen's test environment.
	SandboxBaseURL = "https://checkout-test.adyen.com/v71"
	// LiveBaseURL is Checkout API v71 live; the host or the plugin fills
	// {live_url_prefix} from the credential of that name.
	LiveBaseURL = "https://{live_url_prefix}-checkout-live.adyenpayments.com/checkout/v71"
	// DisputesSandboxURL is Disputes API v30 on the test environment.
	DisputesSandboxURL = "https://ca-test.adyen.com" + DisputesPath
	// DisputesLiveURL is Disputes API v30 live.
	DisputesLiveURL = "https://ca-live.adyen.com" + DisputesPath
	// DisputesPath is the path of Disputes API v30 on its host; it is appended
	// to the origin of an operator's base URL override.
	DisputesPath = "/ca/services/DisputeService/v30"

	payoutPath    = "/pal/servlet/Payout/v68"
	transfersPath = "/btl/v4"
)

// Credential fields and operator config keys (non-secret).
const (
	credAPIKey          = "api_key"
	credMerchantAccount = "merchant_account"
	credHMACKey         = "hmac_key"
	credBPHMACKey       = "balance_platform_hmac_key"
	credLivePrefix      = "live_url_prefix"
	// credBalanceAccount selects the Transfers API v4 for payouts.
	credBalanceAccount = "balance_account_id"

	// configReturnURL is the returnUrl sent when the unified request has none
	// (merchant-initiated recurring charges): Checkout v71 requires one.
	configReturnURL = "return_url"
)

// idempotencyHeader is the header Adyen reads idempotency keys from, and
// maxIdempotencyKey Adyen's limit on its length.
const (
	idempotencyHeader = "Idempotency-Key"
	maxIdempotencyKey = 64
)

// idempotencyKey derives an operation's Idempotency-Key from the merchant's
// id for it: "<op>:<id>", hashed to fit 64 characters. The operation prefix
// keeps one merchant id used for a payment and its refund from colliding in
// Adyen's company-wide key space.
func idempotencyKey(op, id string) string { return idemkey.Derive(op, id, maxIdempotencyKey) }

// service is an Adyen API beside Checkout: the operator config key that
// overrides its base URL, its test and live URLs, and its path on the
// origin of an operator's Checkout override (a test server). The zero
// service is Checkout itself.
type service struct{ config, test, live, path string }

var (
	checkout  = service{}
	disputes  = service{"disputes_base_url", DisputesSandboxURL, DisputesLiveURL, DisputesPath}
	payouts   = service{"payout_base_url", "https://pal-test.adyen.com" + payoutPath, "https://{live_url_prefix}-pal-live.adyenpayments.com" + payoutPath, payoutPath}
	transfers = service{"transfers_base_url", "https://balanceplatform-api-test.adyen.com" + transfersPath, "https://balanceplatform-api-live.adyen.com" + transfersPath, transfersPath}
)

// base returns the service's base URL for this call. For Checkout it is
// c.BaseURL (sandbox, live or an operator override; empty means the
// environment's default) with a remaining {live_url_prefix} filled from the
// credential. For the others: the operator's config key when set; the test
// or live URL when the Checkout base is Adyen's own; otherwise (a fake or a
// proxy) the Checkout base's origin + the service's path.
func (s service) base(c *pdk.Context) (string, error) {
	if v := c.Config[s.config]; s.config != "" && v != "" {
		return strings.TrimRight(v, "/"), nil
	}
	base := c.BaseURL
	if base == "" && c.Environment == pluginv1.Environment_ENVIRONMENT_LIVE {
		base = LiveBaseURL
	}
	base, err := c.FillPlaceholders(pdk.First(base, SandboxBaseURL))
	if err != nil || s == checkout {
		return strings.TrimRight(base, "/"), err
	}
	u, err := weburl.Parse(base)
	if err != nil || u.Host == "" {
		return "", pdk.Errorf(pluginv1.ErrorKind_ERROR_KIND_INTERNAL, "base URL %q is not an absolute URL", base)
	}
	switch host := strings.ToLower(u.Hostname()); {
	case host == "checkout-test.adyen.com":
		return s.test, nil
	case !strings.HasSuffix(host, ".adyen.com") && !strings.HasSuffix(host, ".adyenpayments.com"):
		return u.Scheme + "://" + u.Host + s.path, nil
	case c.Environment == pluginv1.Environment_ENVIRONMENT_LIVE || strings.HasSuffix(host, "-checkout-live.adyenpayments.com"):
		return c.FillPlaceholders(s.live)
	}
	return s.test, nil
}

// api is what every Adyen call shares (pdk.Call's connector-wide part):
// the API key in a secret header (and the merchant account, which every
// body names), JSON bodies, 64-character idempotency keys, Adyen's
// exponents and ServiceError answers.
var api = &pdk.API{
	Auth: func(c *pdk.Context, r *pdk.Request) error {
		key, err := c.Credential(credAPIKey)
		if err == nil {
			_, err = c.Credential(credMerchantAccount)
			r.SecretHeader("X-API-Key", key)
		}
		return err
	},
	Headers:           [][2]string{{"Accept", "application/json"}},
	IdempotencyHeader: idempotencyHeader,
	MaxKeyLen:         maxIdempotencyKey,
	Encoding:          pdk.JSONEncoded,
	Amounts:           amounts,
	ErrorAnswer:       func(res *pdk.Response, v *fastjson.Value) (*pdk.Error, bool) { return serviceError(res, v), false },
}

// at is c with the base URL of svc for this call: pdk.API's hand-written
// requests build on c.BaseURL, which is Checkout's (a pdk.Call names its
// service's base in Call.Base).
func (svc service) at(c *pdk.Context) (*pdk.Context, error) {
	base, err := svc.base(c)
	at := *c
	at.BaseURL = base
	return &at, err
}

// send builds a hand-written request to svc the way api does: a POST
// carries the JSON body and the Idempotency-Key "<op>:<id>"; a GET or DELETE
// is retry-safe by itself (Adyen declares Idempotency-Key on POSTs only).
func send(c *pdk.Context, svc service, method, path, op, id string, body []byte) (*pluginv1.HttpRequest, error) {
	at, err := svc.at(c)
	if err != nil {
		return nil, err
	}
	if method == "POST" {
		return api.Send(at, method, path, idempotencyKey(op, id), body)
	}
	r, err := api.NewRequest(at, method, path)
	if err != nil {
		return nil, err
	}
	return r.Idempotent().Build(), nil
}

// merchant is the merchant account every body names (api.Auth requires it).
func merchant(c *pdk.Context) string { return c.Credentials[credMerchantAccount] }

// readAnswer reads an Adyen answer: a non-2xx status is a typed error carrying
// Adyen's ServiceError (errorCode, message, errorType, pspReference); a 2xx
// must be one JSON object.
func readAnswer(res *pdk.Response) (*fastjson.Value, error) {
	if err := httpError(res); err != nil {
		return nil, err
	}
	return jsonr.Object(res, "Adyen")
}

// httpError classifies a non-2xx answer by pdk.StatusKind, except: 403 is
// CREDENTIALS (Adyen answers it to an API key without the role the call
// needs, which only new credentials fix), and 422 with error 704 (request
// already processed or in progress) or another idempotency refusal is
// CONFLICT. The error carries Adyen's ServiceError (errorCode, message,
// errorType, pspReference). It returns nil for 2xx.
func httpError(res *pdk.Response) error {
	if res.Status >= 200 && res.Status < 300 {
		return nil
	}
	return serviceError(res, jsonr.TryObject(res.Body))
}

// serviceError is the typed error of a non-2xx answer whose body v is
// Adyen's ServiceError (nil when it is not one: a proxy's page).
func serviceError(res *pdk.Response, v *fastjson.Value) *pdk.Error {
	e := pdk.StatusError(res, "")
	code, msg := jsonr.Str(v, "errorCode"), jsonr.Str(v, "message")
	ce := e.Detail.Connector
	ce.Code, ce.Message, ce.Type, ce.RequestId = code, msg, jsonr.Str(v, "errorType"), jsonr.Str(v, "pspReference")
	if code != "" {
		e.Message += " error " + code
	}
	if msg != "" {
		e.Detail.Message = msg
	}
	e.Message += ": " + e.Detail.Message
	switch {
	case res.Status == 403:
		e.Kind = pluginv1.ErrorKind_ERROR_KIND_CREDENTIALS
	case res.Status == 422 && (code == "704" || strings.Contains(strings.ToLower(msg), "idempotency")):
		e.Kind, e.Detail.Code = pluginv1.ErrorKind_ERROR_KIND_CONFLICT, v1.ErrorCode_ERROR_CODE_CONFLICT
	}
	return e
}

// exponents is Adyen's currency exponent table where it differs from ISO
// 4217. Source: Adyen, "Currency codes and minor units"
// (https://docs.adyen.com/development-resources/currency-codes): "For CLP,
// CVE, IDR, and ISK the standard has a different number of decimals than
// shown in our currency codes table." Adyen lists CLP 2, CVE 0, IDR 0 and ISK
// 2 decimals; every other currency uses its ISO-4217 exponent.
func exponents() money.Exponents {
	return money.Exponents{"CLP": 2, "CVE": 0, "IDR": 0, "ISK": 2}
}

// amounts converts amounts with Adyen's exponents; toAdyen refuses an
// amount Adyen cannot represent exactly (IDR 100.50: Adyen takes whole
// rupiah), naming field.
var amounts = pdk.Amounts{Exponents: exponents()}

func toAdyen(field string, m *v1.Money) (int64, error) {
	n, _, err := amounts.To(m, field)
	return n, err
}

// writeAmount writes an Adyen Amount {currency, value}.
func writeAmount(o *jsonw.Object, key string, value int64, currency string) {
	o.Object(key, func(w *jsonw.Object) { w.String("currency", currency).Int("value", value) })
}

// amountAt reads an Adyen Amount object at keys as unified money: nil when
// absent, INVALID_RESPONSE when malformed (a value Adyen may quote).
func amountAt(v *fastjson.Value, keys ...string) (*v1.Money, error) {
	if !jsonr.Has(v, keys...) {
		return nil, nil
	}
	a := jsonr.Obj(v, keys...)
	txt, cur := jsonr.Number(a, "value"), jsonr.Str(a, "currency")
	n, err := strconv.ParseInt(txt, 10, 64)
	if err != nil || cur == "" {
		return nil, pdk.InvalidResponse("amount {value: %q, currency: %q} is malformed", txt, cur)
	}
	return amounts.From(n, cur)
}
