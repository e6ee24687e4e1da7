package example

import (
	"net/url"

	"github.com/valyala/fastjson"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/money"
	"github.com/connectorhost/connector-host/pdk"
	"github.com/connectorhost/connector-host/pdk/jsonr"
	"github.com/connectorhost/connector-host/pdk/jsonw"
)

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

// send builds a POST of a JSON body keyed for idempotency by the merchant's
// id, so that the host may retry it and a retry cannot move money twice.
func send(c *pdk.Context, path, merchantID string, body *jsonw.Object) (*pluginv1.HttpRequest, error) {
	r, err := newRequest(c, "POST", path)
	if err != nil {
		return nil, err
	}
	return r.IdempotencyKey(idempotencyHeader, merchantID).Body("application/json", body.Bytes()).Build(), nil
}

// get builds GET <collection><id>. A GET needs no idempotency key;
// Idempotent marks it safe for the host to retry.
func get(c *pdk.Context, collection, idField, id string) (*pluginv1.HttpRequest, error) {
	if id == "" {
		return nil, pdk.InvalidRequest(idField, "is required")
	}
	r, err := newRequest(c, "GET", collection+url.PathEscape(id))
	if err != nil {
		return nil, err
	}
	return r.Idempotent().Build(), nil
}

// readObject checks the HTTP status, then parses the answer as one JSON
// object of the given type. Answers are untrusted: pdk.StatusKind gives an
// error status its typed error, jsonr refuses empty, truncated, HTML or
// malformed bodies, and its accessors never panic. alsoOK is a non-2xx
// status that carries the object (ExamplePay's 402 decline), or 0.
func readObject(res *pdk.Response, object string, alsoOK int) (*fastjson.Value, error) {
	if res.Status/100 != 2 && res.Status != alsoOK {
		kind, _ := pdk.StatusKind(res.Status)
		return nil, pdk.Errorf(kind, "%s answered HTTP %d %s", processor, res.Status, jsonr.Str(jsonr.TryObject(res.Body), "error", "code"))
	}
	v, err := jsonr.Object(res, processor)
	if err != nil {
		return nil, err
	}
	if jsonr.Str(v, "object") != object || jsonr.Str(v, "id") == "" {
		return nil, pdk.InvalidResponse("%s's answer is not a %s", processor, object)
	}
	return v, nil
}

// writeAmount writes m as ExamplePay's {"value":"10.00","currency":"USD"}:
// decimal strings, converted exactly with money. field names m in errors.
func writeAmount(o *jsonw.Object, key, field string, m *v1.Money) error {
	if m == nil {
		return pdk.InvalidRequest(field, "is required")
	}
	value, err := money.Decimal(m.GetMinorAmount(), m.GetCurrency())
	if err != nil {
		return pdk.InvalidRequest(field+".currency", err.Error())
	}
	o.Object(key, func(a *jsonw.Object) { a.String("value", value).String("currency", m.GetCurrency()) })
	return nil
}

// amountAt reads the amount object at key back into minor units; nil when absent.
func amountAt(v *fastjson.Value, key string) (*v1.Money, error) {
	if !jsonr.Has(v, key) {
		return nil, nil
	}
	cur := jsonr.Str(v, key, "currency")
	minor, err := money.ParseDecimal(jsonr.Str(v, key, "value"), cur)
	if err != nil {
		return nil, pdk.InvalidResponse("%s's %s: %v", processor, key, err)
	}
	return &v1.Money{MinorAmount: minor, Currency: cur}, nil
}
