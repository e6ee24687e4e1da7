package checkout

import (
	"cmp"
	"strconv"
	"strings"

	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/money"
	"github.com/connectorhost/connector-host/pdk"
	"github.com/connectorhost/connector-host/pdk/jsonr"
	"github.com/valyala/fastjson"
)

// processor names Checkout.com in error messages.
const processor = "Checkout.com"

// Checkout.com's id formats (the spec's patterns, e.g. ^pay_\w{26}$).
var (
	paymentIDPattern  = pdk.IDShape{Prefixes: []string{"pay_"}, Min: 26, Max: 26, Chars: pdk.WordChar}
	sessionIDPattern  = pdk.IDShape{Prefixes: []string{"pay_", "sid_"}, Min: 26, Max: 26, Chars: pdk.WordChar}
	sourceIDPattern   = pdk.IDShape{Prefixes: []string{"src_"}, Min: 26, Max: 26, Chars: pdk.WordChar}
	tokenPattern      = pdk.IDShape{Prefixes: []string{"tok_"}, Min: 26, Max: 26, Chars: pdk.WordChar}
	customerIDPattern = pdk.IDShape{Prefixes: []string{"cus_"}, Min: 26, Max: 26, Chars: pdk.WordChar}
	disputeIDPattern  = pdk.IDShape{Prefixes: []string{"dsp_"}, Min: 20, Max: 26, Chars: pdk.WordChar}
)

// api is what every Checkout.com request shares (the declared calls of
// actions.go and, through api.NewRequest, the hand-written ones): the
// secret key as bearer token, JSON bodies, Checkout.com's amounts and
// error answers.
var api = &pdk.API{
	Auth:              pdk.Bearer(credSecretKey),
	Headers:           [][2]string{{"Accept", "application/json"}},
	IdempotencyHeader: idempotencyHeader,
	Encoding:          pdk.JSONEncoded,
	Amounts:           amounts,
	ErrorAnswer:       pdk.ErrorAnswerOf(httpError), // always an *pdk.Error for a non-2xx answer
}

// amounts converts to and from Checkout.com's minor units. They differ from
// ISO 4217 for CLP, sent with two decimals ("Format the amount value": CLP is
// not among the full-value currencies, so the amount is divided by 100), and
// for CLF (four decimals in ISO 4217), which the page the spec links
// (docs.checkout.com/resources/calculating-the-value) lists as a full-value
// currency: 1 CLF is amount 1, not 10000.
// Amounts of the three-decimal currencies must end in 0, and an amount has at
// most nine digits.
var amounts = pdk.Amounts{
	Exponents: money.Exponents{"CLP": 2, "CLF": 0},
	Check: func(v int64, cur string) string {
		switch {
		case threeDecimal(cur) && v%10 != 0:
			return "must end in 0 for " + cur + " at Checkout.com (e.g. 1310, not 1312)"
		case v > maxAmount:
			return "has more than nine digits in Checkout.com's units"
		}
		return ""
	},
}

// threeDecimal are the currencies whose amounts must end in 0 at Checkout.com.
func threeDecimal(cur string) bool {
	switch cur {
	case "BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND":
		return true
	}
	return false
}

// maxAmount is Checkout.com's limit: at most nine digits.
const maxAmount = 999_999_999

// amountAt reads the integer at keys as an amount in cur; nil when absent.
func amountAt(v *fastjson.Value, cur string, keys ...string) (*v1.Money, error) {
	n, ok, err := jsonr.Int(v, keys...)
	if err != nil || !ok {
		return nil, err
	}
	return amounts.From(n, cur)
}

// httpError classifies a non-2xx answer (pdk.StatusKind: Checkout.com's 403
// "not allowed" is PROCESSOR_REJECTED, its 422 validation errors too, its 429
// "duplicate request" RATE_LIMITED) into a typed error carrying the
// three-layer PaymentError with Checkout.com's error_type and error_codes; nil for 2xx.
func httpError(res *pdk.Response) error {
	if res.Status >= 200 && res.Status < 300 {
		return nil
	}
	v := jsonr.TryObject(res.Body)
	typ := jsonr.Str(v, "error_type")
	codes := jsonr.Strings(v, "error_codes")
	kind, code := pdk.StatusKind(res.Status)
	msg := "HTTP " + strconv.Itoa(res.Status)
	if typ != "" {
		msg += " " + typ
	}
	raw := ""
	if len(codes) > 0 {
		raw = codes[0]
		msg += ": " + strings.Join(codes, ", ")
	}
	return &pdk.Error{
		Kind:    kind,
		Message: msg,
		Detail: &v1.PaymentError{
			Code:    code,
			Message: msg,
			Connector: &v1.ConnectorError{
				Code: raw, Message: strings.Join(codes, ", "), Type: typ,
				HttpStatus: int32(res.Status), RequestId: cmp.Or(jsonr.Str(v, "request_id"), res.Header("Cko-Request-Id")),
			},
		},
	}
}

// object checks the HTTP status and parses a 2xx answer as one JSON object.
func object(res *pdk.Response) (*fastjson.Value, error) {
	if err := httpError(res); err != nil {
		return nil, err
	}
	return jsonr.Object(res, processor)
}

// noContent checks the HTTP status of an answer that succeeds with 204.
func noContent(res *pdk.Response) error {
	if err := httpError(res); err != nil {
		return err
	}
	if res.Status != 204 && res.Status != 200 && res.Status != 202 {
		return pdk.InvalidResponse("%s answered HTTP %d where 204 was expected", processor, res.Status)
	}
	return nil
}
