package stripe

import (
	"encoding/hex"
	"net/url"
	"strings"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	"github.com/connectorhost/connector-host/pdk"
	"github.com/connectorhost/connector-host/pdk/form"
)

const formContentType = "application/x-www-form-urlencoded"

// apiKey returns the API key, refusing values that cannot go in a header.
func apiKey(c *pdk.Context) (string, error) {
	key, err := c.Credential(credAPIKey)
	if err != nil {
		return "", err
	}
	if strings.ContainsAny(key, " \t\r\n") {
		return "", pdk.Errorf(pluginv1.ErrorKind_ERROR_KIND_CREDENTIALS, "credential %q is malformed: it contains whitespace", credAPIKey)
	}
	return key, nil
}

// newRequest starts a request to Stripe with the auth and version headers.
// The API key goes only into the Authorization header, marked secret.
func newRequest(c *pdk.Context, method, path string) (*pdk.Request, error) {
	key, err := apiKey(c)
	if err != nil {
		return nil, err
	}
	return pdk.NewRequest(method, c.URL(path)).
		SecretHeader("Authorization", "Bearer "+key).
		Header("Stripe-Version", APIVersion), nil
}

// post builds a form POST carrying an idempotency key.
func post(c *pdk.Context, path, idempotencyKey string, f *form.Values) (*pluginv1.HttpRequest, error) {
	r, err := newRequest(c, "POST", path)
	if err != nil {
		return nil, err
	}
	if f == nil {
		f = form.New()
	}
	return r.IdempotencyKey(idempotencyHeader, idempotencyKey).
		Body(formContentType, f.Encode()).
		Build(), nil
}

// get builds a GET with an optional query. A GET only reads (Get,
// RefundService.Get, VerifyRedirectResponse, DisputeService.Get), so it is
// marked safe to retry: the host may repeat it after a timeout or a 429/5xx.
func get(c *pdk.Context, path string, query *form.Values) (*pluginv1.HttpRequest, error) {
	if query != nil && query.Len() > 0 {
		path += "?" + string(query.Encode())
	}
	r, err := newRequest(c, "GET", path)
	if err != nil {
		return nil, err
	}
	return r.Idempotent().Build(), nil
}

// objectPath joins a collection path and an object id, escaping the id and
// refusing empty ids so a request can never hit the wrong endpoint.
func objectPath(collection, id, field string, suffix ...string) (string, error) {
	if strings.TrimSpace(id) == "" {
		return "", pdk.InvalidRequest(field, "is required")
	}
	p := collection + "/" + url.PathEscape(id)
	for _, s := range suffix {
		p += "/" + s
	}
	return p, nil
}

// expandLatestCharge asks Stripe to inline the PaymentIntent's latest charge,
// which carries the network transaction id, the refunded amount and the
// incremental-authorization status.
func expandLatestCharge(f *form.Values) { f.Nest("expand").Append("latest_charge") }

// idempotencyKey derives the Idempotency-Key for an operation from the
// merchant's id for it. Stripe scopes keys per account across endpoints, so
// every operation but payment creation gets a prefix: a merchant may reuse
// one id for a payment and its capture or refund.
func idempotencyKey(op, merchantID string) string {
	if op == "" {
		return merchantID
	}
	return op + ":" + merchantID
}

// requireMerchantID returns the idempotency key for a money-moving operation,
// whose merchant id is mandatory.
func requireMerchantID(op, merchantID, field string) (string, error) {
	if merchantID == "" {
		return "", pdk.InvalidRequest(field, "is required: it is the idempotency key")
	}
	return idempotencyKey(op, merchantID), nil
}

// optionalMerchantID returns the idempotency key for an operation whose
// merchant id is optional: the first non-empty candidate, else the host's
// random bytes for this call (so the host can still retry the same request
// safely).
func optionalMerchantID(c *pdk.Context, op string, candidates ...string) string {
	for _, id := range candidates {
		if id != "" {
			return idempotencyKey(op, id)
		}
	}
	return idempotencyKey(op, "rnd_"+hex.EncodeToString(c.Random()))
}
