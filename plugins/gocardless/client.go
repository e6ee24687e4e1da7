package gocardless

import (
	"strings"

	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/internal/hexstr"
	"github.com/connectorhost/connector-host/internal/textf"
	"github.com/connectorhost/connector-host/pdk"
	"github.com/connectorhost/connector-host/pdk/idemkey"
	"github.com/connectorhost/connector-host/pdk/jsonr"
	"github.com/connectorhost/connector-host/pdk/jsonw"
	"github.com/valyala/fastjson"
)

// processor names GoCardless in error messages.
const processor = "GoCardless"

// maxIdempotencyKey bounds the Idempotency-Key this connector sends. The
// GoCardless pages read for this connector state no limit; merchant ids are
// at most 64 characters, so keys stay near 80 and the bound is a safeguard.
const maxIdempotencyKey = 128

// maxMetadataKeys is GoCardless's limit on a resource's metadata keys.
const maxMetadataKeys = 3

// idempotencyKey derives the key of an operation from the merchant's id for it.
func idempotencyKey(op, id string) string { return idemkey.Derive(op, id, maxIdempotencyKey) }

// keyFor is the key of a create: from the merchant's id when given, else
// from the host's random bytes (the host's retries of this call reuse them).
func keyFor(c *pdk.Context, op, merchantID string) string {
	if merchantID == "" {
		merchantID = hexstr.EncodeToString(c.Random())
	}
	return idempotencyKey(op, merchantID)
}

// api is how every GoCardless request starts: the access token as bearer
// token, GoCardless-Version and Accept; mutating requests carry their
// Idempotency-Key and a JSON body.
var api = &pdk.API{
	Auth:              pdk.Bearer(credAccessToken),
	Headers:           [][2]string{{"GoCardless-Version", APIVersion}, {"Accept", "application/json"}},
	IdempotencyHeader: idempotencyHeader,
	Encoding:          pdk.JSONEncoded,
}

// envelope writes {"<name>": {...}}, GoCardless's request shape.
func envelope(name string, fn func(*jsonw.Object)) []byte {
	return jsonw.NewObject().Object(name, fn).Bytes()
}

// metadata merges the request's metadata with the connector's own keys and
// enforces GoCardless's limit of three keys.
func metadata(field string, from map[string]string, own ...string) (map[string]string, error) {
	m := make(map[string]string, len(from)+len(own)/2)
	for k, v := range from {
		m[k] = v
	}
	for i := 0; i+1 < len(own); i += 2 {
		if own[i+1] != "" {
			m[own[i]] = own[i+1]
		}
	}
	if len(m) > maxMetadataKeys {
		return nil, pdk.InvalidRequest(field, textf.Sprintf("GoCardless takes at most %d metadata keys, %d with the connector's own (%s)",
			maxMetadataKeys, len(m), strings.Join(ownKeys(own), ", ")))
	}
	return m, nil
}

func ownKeys(own []string) []string {
	var ks []string
	for i := 0; i < len(own); i += 2 {
		ks = append(ks, own[i])
	}
	return ks
}

// amounts validates a unified amount. GoCardless amounts are integers in the
// currency's minor unit (pence, cents), ISO-4217's, so the conversion is the
// identity, checked by pdk.Amounts.
var amounts = pdk.Amounts{}

// moneyIn reads the resource's amount member (integer minor units) with its
// currency; requested, when set, must equal it.
func moneyIn(o *fastjson.Value, key, what string, requested *v1.Money) (*v1.Money, error) {
	n, ok, err := jsonr.Int(o, key)
	if err != nil {
		return nil, err
	}
	cur := jsonr.Str(o, "currency")
	if !ok || cur == "" {
		return nil, pdk.InvalidResponse("GoCardless's %s has no %s with a currency", what, key)
	}
	m, err := amounts.From(n, cur)
	if err != nil {
		return nil, err
	}
	if err := pdk.CheckAmount(requested, m, "GoCardless's "+what+" amount"); err != nil {
		return nil, err
	}
	return m, nil
}

// resource reads a 2xx answer's {"<name>": {...}} (payments, refunds,
// customers, customer_bank_accounts, mandates) with its id and status when
// status is true; any other HTTP status is a typed error.
func resource(res *pdk.Response, name string, status bool) (*fastjson.Value, error) {
	if err := httpError(res); err != nil {
		return nil, err
	}
	o, err := jsonr.Member(res, processor, name)
	if err != nil {
		return nil, err
	}
	if status && jsonr.Str(o, "status") == "" {
		return nil, pdk.InvalidResponse("GoCardless's %s %s has no status", name, jsonr.Str(o, "id"))
	}
	return o, nil
}

// conflictID is the id of the resource an earlier request with the same
// Idempotency-Key created: GoCardless answers a repeated create with 409
// idempotent_creation_conflict and links.conflicting_resource_id. A retried
// create therefore reports the existing resource, never a second one and
// never a failure; "" for any other answer.
func conflictID(res *pdk.Response) string {
	if res.Status != 409 {
		return ""
	}
	for _, d := range jsonr.Objects(jsonr.TryObject(res.Body), "error", "errors") {
		if jsonr.Str(d, "reason") == "idempotent_creation_conflict" {
			return jsonr.Str(d, "links", "conflicting_resource_id")
		}
	}
	return ""
}

// apiError is GoCardless's error envelope: {"error": {"type", "code",
// "message", "request_id", "errors": [{"reason", "field", "message"}]}}.
type apiError struct{ typ, reason, message, field, requestID string }

func readAPIError(body []byte) apiError {
	e := jsonr.TryObject(body).Get("error")
	ae := apiError{typ: jsonr.Str(e, "type"), message: jsonr.Str(e, "message"), requestID: jsonr.Str(e, "request_id")}
	for _, d := range jsonr.Objects(e, "errors") {
		ae.reason, ae.field = jsonr.Str(d, "reason"), jsonr.Str(d, "field")
		if m := jsonr.Str(d, "message"); m != "" && ae.field != "" {
			ae.message = strings.TrimSpace(ae.message + ": " + ae.field + " " + m)
		}
		break
	}
	return ae
}

// httpError classifies a non-2xx answer into a typed error with the
// three-layer PaymentError (pdk.StatusKind, then the reasons of
// errorReasons); nil for 2xx.
func httpError(res *pdk.Response) error {
	if res.Status >= 200 && res.Status < 300 {
		return nil
	}
	ae := readAPIError(res.Body)
	kind, code := pdk.StatusKind(res.Status)
	if c, ok := errorReasons()[ae.reason]; ok && res.Status >= 400 && res.Status < 500 {
		code = c
	}
	return pdk.HTTPAnswerError(kind, code, res.Status, ae.reason, ae.message, &v1.ConnectorError{
		Code: ae.reason, Message: ae.message, HttpStatus: int32(res.Status), Type: ae.typ, RequestId: ae.requestID})
}
