package square

import (
	"strings"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/internal/hexstr"
	"github.com/connectorhost/connector-host/pdk"
	"github.com/connectorhost/connector-host/pdk/idemkey"
	"github.com/connectorhost/connector-host/pdk/jsonr"
	"github.com/connectorhost/connector-host/pdk/jsonw"
	"github.com/valyala/fastjson"
)

// processor names Square in error messages.
const processor = "Square"

// maxIdempotencyKey is the shortest idempotency_key limit among the Square
// requests that take one (CreatePayment and CreateDisputeEvidenceText: 45).
const maxIdempotencyKey = 45

// idempotencyKey derives the key of an operation from the merchant's id for it.
func idempotencyKey(op, id string) string { return idemkey.Derive(op, id, maxIdempotencyKey) }

// randomKey is the key of a create call the caller gave no id for: the
// host's random bytes, so the host's retries of this call reuse it.
func randomKey(c *pdk.Context, op string) string {
	return idempotencyKey(op, hexstr.EncodeToString(c.Random()))
}

// api is how every Square request starts: the access token as bearer token,
// Square-Version and Accept; mutating requests carry their key (also written
// into the body's idempotency_key where Square's request takes one) in the
// ABI's idempotency header (see idempotencyHeader) and a JSON body.
var api = &pdk.API{
	Auth:              pdk.Bearer(credAccessToken),
	Headers:           [][2]string{{"Square-Version", APIVersion}, {"Accept", "application/json"}},
	IdempotencyHeader: idempotencyHeader,
	Encoding:          pdk.JSONEncoded,
}

// amounts validates a unified amount for a Square Money object. Square's
// amount is in the currency's smallest denomination, which is ISO-4217's
// minor unit (0 decimals for JPY, 3 for BHD), so the conversion is the
// identity, checked by pdk.Amounts.
var amounts = pdk.Amounts{}

// writeMoney writes a Square Money object.
func writeMoney(o *jsonw.Object, key string, amount int64, currency string) {
	o.Object(key, func(w *jsonw.Object) {
		w.Int("amount", amount)
		w.String("currency", currency)
	})
}

// moneyAt reads a Square Money object at keys; nil when absent.
func moneyAt(v *fastjson.Value, keys ...string) (*v1.Money, error) {
	if !jsonr.Has(v, keys...) {
		return nil, nil
	}
	amount, ok, err := jsonr.Int(v, append(keys, "amount")...)
	if err != nil {
		return nil, err
	}
	cur := jsonr.Str(v, append(keys, "currency")...)
	if !ok || cur == "" {
		return nil, pdk.InvalidResponse("%s is not a Money object {amount, currency}", strings.Join(keys, "."))
	}
	return amounts.From(amount, cur)
}

// requiredMoney reads the Money of an answer's object (what names it in
// errors); it must be present and, when requested is set, equal to it.
func requiredMoney(o *fastjson.Value, key, what string, requested *v1.Money) (*v1.Money, error) {
	m, err := moneyAt(o, key)
	if err != nil {
		return nil, err
	}
	if m == nil {
		return nil, pdk.InvalidResponse("Square's %s has no %s", what, key)
	}
	if err := pdk.CheckAmount(requested, m, "Square's "+what+" amount"); err != nil {
		return nil, err
	}
	return m, nil
}

// sameMoney reports whether got equals want (a nil want matches anything).
func sameMoney(got, want *v1.Money) bool {
	return want == nil || (got.GetMinorAmount() == want.GetMinorAmount() && got.GetCurrency() == want.GetCurrency())
}

// object reads a 2xx answer and returns its member name (payment, refund,
// customer, card, dispute, evidence); any other status is a typed error.
func object(res *pdk.Response, name string) (*fastjson.Value, error) {
	if err := httpError(res); err != nil {
		return nil, err
	}
	return jsonr.Member(res, processor, name)
}

// temporaryError is the ErrorCode of a failure Square asks to retry: "A
// temporary internal error occurred. You can safely retry your call using the
// same idempotency key" (api.json, ErrorCode). Its category is
// PAYMENT_METHOD_ERROR, yet it is no decline. A 408 (REQUEST_TIMEOUT) is
// retryable too: Square did not receive the whole request (RFC 9110 15.5.9).
const temporaryError = "TEMPORARY_ERROR"

// squareError is the first entry of an answer's errors list.
type squareError struct{ category, code, detail, field string }

func firstError(v *fastjson.Value) squareError {
	for _, e := range jsonr.Objects(v, "errors") {
		return squareError{jsonr.Str(e, "category"), jsonr.Str(e, "code"), jsonr.Str(e, "detail"), jsonr.Str(e, "field")}
	}
	return squareError{}
}

// connectorError is the processor layer of a PaymentError.
func (se squareError) connectorError(status int) *v1.ConnectorError {
	msg := se.detail
	if se.field != "" {
		msg = strings.TrimSpace(msg + " (field " + se.field + ")")
	}
	return &v1.ConnectorError{Code: se.code, Message: msg, HttpStatus: int32(status), Type: se.category}
}

// httpError classifies a non-2xx answer into a typed error with the
// three-layer PaymentError; nil for 2xx.
//
//	401                                   -> CREDENTIALS (INVALID_CREDENTIALS)
//	403                                   -> CREDENTIALS (PERMISSION_DENIED)
//	404                                   -> NOT_FOUND
//	409, IDEMPOTENCY_KEY_REUSED, VERSION_MISMATCH -> CONFLICT
//	429                                   -> RATE_LIMITED
//	5xx, 408, TEMPORARY_ERROR             -> PROCESSOR_UNAVAILABLE
//	other 4xx (402 declines included)     -> PROCESSOR_REJECTED, code mapped
//	1xx, 3xx                              -> INVALID_RESPONSE
func httpError(res *pdk.Response) error {
	if res.Status >= 200 && res.Status < 300 {
		return nil
	}
	se := firstError(jsonr.TryObject(res.Body))
	kind, code := classify(res.Status, se)
	return pdk.HTTPAnswerError(kind, code, res.Status, se.code, se.detail, se.connectorError(res.Status))
}

func classify(status int, se squareError) (pluginv1.ErrorKind, v1.ErrorCode) {
	kind, code := pdk.StatusKind(status)
	switch {
	case status == 401, status == 404: // pdk.StatusKind's, whatever the code
	case status == 403: // a token without the permission
		kind = pluginv1.ErrorKind_ERROR_KIND_CREDENTIALS
	case status == 409, se.code == "IDEMPOTENCY_KEY_REUSED", se.code == "VERSION_MISMATCH":
		kind, code = pdk.StatusKind(409)
	case se.code == temporaryError, status == 408: // retryable with the same key
		kind, code = pdk.StatusKind(503)
	case status >= 400 && status < 500 && status != 429:
		if c, ok := declineCodes()[se.code]; ok {
			code = c
		}
	}
	return kind, code
}
