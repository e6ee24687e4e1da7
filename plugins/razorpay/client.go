package razorpay

import (
	"cmp"
	"strconv"
	"strings"

	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/money"
	"github.com/connectorhost/connector-host/pdk"
	"github.com/connectorhost/connector-host/pdk/idemkey"
	"github.com/connectorhost/connector-host/pdk/jsonr"
	"github.com/connectorhost/connector-host/pdk/sig"
	"github.com/valyala/fastjson"
)

// processor names Razorpay in error messages.
const processor = "Razorpay"

// Razorpay's id formats: a prefix and 14 base-62 characters.
var (
	paymentIDPattern  = pdk.IDShape{Prefixes: []string{"pay_"}, Min: 14, Max: 14, Chars: pdk.AlphaNumeric}
	orderIDPattern    = pdk.IDShape{Prefixes: []string{"order_"}, Min: 14, Max: 14, Chars: pdk.AlphaNumeric}
	refundIDPattern   = pdk.IDShape{Prefixes: []string{"rfnd_"}, Min: 14, Max: 14, Chars: pdk.AlphaNumeric}
	customerIDPattern = pdk.IDShape{Prefixes: []string{"cust_"}, Min: 14, Max: 14, Chars: pdk.AlphaNumeric}
	tokenIDPattern    = pdk.IDShape{Prefixes: []string{"token_"}, Min: 14, Max: 14, Chars: pdk.AlphaNumeric}
	// keyPattern is what Razorpay accepts as X-Refund-Idempotency: 10 to 64
	// letters, digits, hyphens and underscores.
	keyPattern = pdk.IDShape{Min: 10, Max: 64, Chars: func(c byte) bool { return pdk.WordChar(c) || c == '-' }}
)

// idempotencyKey is "<op>_<id>" when Razorpay accepts that as a key, else
// "<op>_" and a hash of id (ids with '.' or ':', too short or too long).
func idempotencyKey(op, id string) string {
	k := strings.Replace(idemkey.Derive(op, id, 64), ":", "_", 1)
	if !keyPattern.Match(k) {
		k = strings.Replace(idemkey.Derive(op, sig.SHA256Hex([]byte(id)), 64), ":", "_", 1)
	}
	return k
}

// api is what every Razorpay request shares (the declared calls of
// refunds.go and, through api.NewRequest, the hand-written ones): HTTP
// Basic auth with the key id and secret, JSON bodies, Razorpay's amounts,
// and error answers read by httpError.
var api = &pdk.API{
	Auth:              pdk.Basic(credKeyID, credKeySecret),
	IdempotencyHeader: idempotencyHeader,
	MaxKeyLen:         64,
	Encoding:          pdk.JSONEncoded,
	Amounts:           amounts,
	ErrorAnswer:       pdk.ErrorAnswerOf(httpError), // always an *pdk.Error for a non-2xx answer
}

// amounts converts to and from Razorpay's subunits (ISO 4217 minor units),
// refusing what Razorpay would refuse: amounts of three-decimal currencies
// must end in 0.
var amounts = pdk.Amounts{Check: func(v int64, cur string) string {
	if e, _ := money.Exponent(cur); e == 3 && v%10 != 0 {
		return "must end in 0 for " + cur + " at Razorpay (e.g. 295990 for 295.990)"
	}
	return ""
}}

// amountAt reads the integer at key as an amount in cur; nil when absent.
func amountAt(v *fastjson.Value, cur, key string) (*v1.Money, error) {
	n, ok, err := jsonr.Int(v, key)
	if err != nil || !ok {
		return nil, err
	}
	return amounts.From(n, cur)
}

// apiError is what the connector reads of Razorpay's error object:
// {"error": {"code", "description", "reason", "field", "metadata": {"payment_id"}}}.
type apiError struct {
	code, description, reason, field, paymentID string
}

func readAPIError(body []byte) apiError {
	v := jsonr.TryObject(body)
	return apiError{
		code: jsonr.Str(v, "error", "code"), description: jsonr.Str(v, "error", "description"),
		reason: jsonr.Str(v, "error", "reason"), field: jsonr.Str(v, "error", "field"),
		paymentID: jsonr.Str(v, "error", "metadata", "payment_id"),
	}
}

// paymentError is the three-layer error of a failed payment: the unified
// code from the reason, Razorpay's code, reason and description kept.
func (e apiError) paymentError(httpStatus int) *v1.PaymentError {
	msg := cmp.Or(e.description, e.reason, "payment failed")
	return &v1.PaymentError{
		Code: reasonCode(e.reason, e.code), Message: msg,
		Connector: &v1.ConnectorError{
			Code: cmp.Or(e.reason, e.code), Message: e.description, Type: e.code, HttpStatus: int32(httpStatus),
		},
		Issuer: &v1.IssuerError{DeclineCode: e.reason},
	}
}

// Descriptions of Razorpay's HTTP 400 answers that mean more than a bad
// request: an id it does not know (NOT_FOUND), and a capture already done,
// e.g. by a retried request whose first answer was lost (CONFLICT: read the
// payment with PaymentService.Get).
const (
	notFound        = "The id provided does not exist"
	alreadyCaptured = "This payment has already been captured"
)

// httpError classifies a non-2xx answer (pdk.StatusKind; Razorpay answers
// 400 BAD_REQUEST_ERROR for validation errors and refusals, and for the two
// cases above) into a typed error carrying the three-layer PaymentError;
// nil for 2xx.
func httpError(res *pdk.Response) error {
	if res.Status >= 200 && res.Status < 300 {
		return nil
	}
	e := readAPIError(res.Body)
	kind, code := pdk.StatusKind(res.Status)
	switch {
	case res.Status == 400 && e.description == notFound:
		kind, code = pdk.StatusKind(404)
	case res.Status == 400 && e.description == alreadyCaptured:
		kind, code = pdk.StatusKind(409)
	}
	msg := "HTTP " + strconv.Itoa(res.Status)
	if e.code != "" {
		msg += " " + e.code
	}
	if e.description != "" {
		msg += ": " + e.description
	}
	if e.field != "" {
		msg += " (field " + e.field + ")"
	}
	return &pdk.Error{
		Kind: kind, Message: msg,
		Detail: &v1.PaymentError{Code: code, Message: msg, Connector: &v1.ConnectorError{
			Code: cmp.Or(e.reason, e.code), Message: e.description, Type: e.code, HttpStatus: int32(res.Status),
		}},
	}
}

// object checks the HTTP status and parses a 2xx answer as one JSON object.
func object(res *pdk.Response) (*fastjson.Value, error) {
	if err := httpError(res); err != nil {
		return nil, err
	}
	return jsonr.Object(res, processor)
}

// checkNotes refuses metadata Razorpay's notes cannot hold (at most 15
// entries of at most 256 characters).
func checkNotes(md map[string]string) error {
	if len(md) > 15 {
		return pdk.InvalidRequest("metadata", "must have at most 15 entries (Razorpay notes)")
	}
	for k, v := range md {
		if len(v) > 256 {
			return pdk.InvalidRequest("metadata."+k, "must be at most 256 characters (Razorpay notes)")
		}
	}
	return nil
}
