package adyen

import (
	"github.com/connectorhost/connector-host/abi"
	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	"github.com/connectorhost/connector-host/pdk"
	"github.com/connectorhost/connector-host/pdk/sig"
)

// maxIdempotencyKey is Adyen's limit on Idempotency-Key values.
const maxIdempotencyKey = 64

// credentials are the fields every call needs.
type credentials struct {
	apiKey          string
	merchantAccount string
}

// requireCredentials reads the API key and merchant account.
func requireCredentials(c *pdk.Context) (credentials, error) {
	key, err := c.Credential(credAPIKey)
	if err != nil {
		return credentials{}, err
	}
	acct, err := c.Credential(credMerchantAccount)
	if err != nil {
		return credentials{}, err
	}
	return credentials{apiKey: key, merchantAccount: acct}, nil
}

// idempotencyKey derives the Idempotency-Key of an operation from the
// merchant's id for it: "<op>:<id>". The operation prefix keeps one merchant
// id used for two operations (a payment and its refund) from colliding in
// Adyen's company-wide key space. Keys longer than Adyen's 64 characters use
// a SHA-256 of the id instead, so they stay deterministic.
func idempotencyKey(op, id string) string {
	k := op + ":" + id
	if len(k) <= maxIdempotencyKey && len(k) <= abi.IdempotencyKeyMaxLen {
		return k
	}
	h := sig.SHA256Hex([]byte(id))
	n := maxIdempotencyKey - len(op) - 1
	if n > len(h) {
		n = len(h)
	}
	return op + ":" + h[:n]
}

// post builds a JSON POST with the API key and an idempotency key.
func post(url string, cr credentials, idemKey string, body []byte) *pluginv1.HttpRequest {
	return pdk.NewRequest("POST", url).
		SecretHeader("X-API-Key", cr.apiKey).
		Header("Accept", "application/json").
		IdempotencyKey(idempotencyHeader, idemKey).
		Body("application/json", body).
		Build()
}
