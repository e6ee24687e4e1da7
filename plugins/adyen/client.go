package adyen

import (
	"strings"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/money"
	"github.com/connectorhost/connector-host/pdk"
	"github.com/valyala/fastjson"
)

// Base URLs of the Adyen APIs this connector speaks; {live_url_prefix} is
// filled (by the host or the plugin) from the credential of that name.
const (
	SandboxBaseURL     = "https://checkout-test.adyen.com/v71" // Checkout API v71
	LiveBaseURL        = "https://{live_url_prefix}-checkout-live.adyenpayments.com/checkout/v71"
	DisputesSandboxURL = "https://ca-test.adyen.com" + DisputesPath // Disputes API v30
	DisputesLiveURL    = "https://ca-live.adyen.com" + DisputesPath
	// DisputesPath is Disputes API v30's path on its host, and on the origin
	// of an operator's base URL override.
	DisputesPath  = "/ca/services/DisputeService/v30"
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
	credBalanceAccount  = "balance_account_id" // selects the Transfers API v4 for payouts
	// configReturnURL is the returnUrl sent when the request has none
	// (merchant-initiated recurring charges): Checkout v71 requires one.
	configReturnURL = "return_url"
)

// The header Adyen reads idempotency keys from, and its limit on their length.
const (
	idempotencyHeader = "Idempotency-Key"
	maxIdempotencyKey = 64
)

// checkout is Checkout v71, the API the host's base URL addresses; the
// others are found from it (pdk.Service): a config key, else the test URL for
// checkout-test.adyen.com, origin + path off Adyen's domains, else live.
var checkout = &pdk.Service{Main: &pdk.MainAPI{
	Sandbox: SandboxBaseURL, Live: LiveBaseURL, Domains: []string{".adyen.com", ".adyenpayments.com"},
	TestHosts: []string{"checkout-test.adyen.com"}, LiveHosts: []string{"-checkout-live.adyenpayments.com"},
}}

var (
	disputes = &pdk.Service{Config: "disputes_base_url", Test: DisputesSandboxURL, Live: DisputesLiveURL, Path: DisputesPath, Main: checkout.Main}
	payouts  = &pdk.Service{Config: "payout_base_url", Test: "https://pal-test.adyen.com" + payoutPath,
		Live: "https://{live_url_prefix}-pal-live.adyenpayments.com" + payoutPath, Path: payoutPath, Main: checkout.Main}
	transfers = &pdk.Service{Config: "transfers_base_url", Test: "https://balanceplatform-api-test.adyen.com" + transfersPath,
		Live: "https://balanceplatform-api-live.adyen.com" + transfersPath, Path: transfersPath, Main: checkout.Main}
)

// api is what every Adyen call shares: the API key in a secret header (and the
// merchant account every body names), JSON, keys hashed to 64 characters, ServiceErrors.
// Adyen stores idempotency keys per company account, across its merchant
// accounts (docs.adyen.com/development-resources/api-idempotency): keys name
// the merchant account, so one order id in two of them is two operations.
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
	KeyScope:          func(c *pdk.Context) string { return c.Credentials[credMerchantAccount] },
	Encoding:          pdk.JSONEncoded,
	Amounts:           amounts,
	ErrorAnswer:       func(res *pdk.Response, v *fastjson.Value) (*pdk.Error, bool) { return serviceError(res, v), false },
}

// serviceError classifies a non-2xx answer by pdk.StatusKind, except: 403
// is CREDENTIALS (Adyen answers it to an API key without the role the call
// needs, which only new credentials fix); 422 with error 704 (request
// already processed or in progress) is IN_PROGRESS, another idempotency
// refusal CONFLICT. It carries Adyen's ServiceError (errorCode, message, errorType,
// pspReference) when v is one (nil: a proxy's page).
func serviceError(res *pdk.Response, v *fastjson.Value) *pdk.Error {
	a, raw := pdk.NewAnswer(nil, v), ""
	code, msg := a.Str("errorCode"), a.Str("message")
	if code != "" {
		raw = "error " + code
	}
	kind, unified := pdk.StatusKind(res.Status)
	switch {
	case res.Status == 403:
		kind = pluginv1.ErrorKind_ERROR_KIND_CREDENTIALS
	case res.Status == 422 && code == "704":
		// "Request already processed or in progress": a request with the same
		// key still running (a finished one is answered from Adyen's store).
		kind, unified = pluginv1.ErrorKind_ERROR_KIND_IN_PROGRESS, v1.ErrorCode_ERROR_CODE_CONFLICT
	case res.Status == 422 && strings.Contains(strings.ToLower(msg), "idempotency"):
		kind, unified = pluginv1.ErrorKind_ERROR_KIND_CONFLICT, v1.ErrorCode_ERROR_CODE_CONFLICT
	}
	return pdk.HTTPAnswerError(kind, unified, res.Status, raw, msg, &v1.ConnectorError{Code: code, Message: msg, Type: a.Str("errorType"),
		HttpStatus: int32(res.Status), RequestId: a.Str("pspReference")})
}

// amounts uses Adyen's exponents where they differ from ISO 4217
// (docs.adyen.com/development-resources/currency-codes: "For CLP, CVE, IDR,
// and ISK the standard has a different number of decimals"); an amount Adyen
// cannot represent exactly (IDR 100.50: Adyen takes whole rupiah) is refused.
var amounts = pdk.Amounts{Exponents: money.Exponents{"CLP": 2, "CVE": 0, "IDR": 0, "ISK": 2}}

// amountAt reads an Adyen Amount at path (nil when absent).
func amountAt(a *pdk.Answer, path string) *v1.Money { return a.MoneyObject(path, "value", "currency") }

// setAmount writes an Adyen Amount at key.
func setAmount(b *pdk.Body, key string, n int64, currency string) {
	b.Set(key+".currency", currency)
	b.SetInt(key+".value", n)
}
