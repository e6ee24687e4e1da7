// Package paypal is the PayPal connector: OAuth 2.0 client-credentials
// tokens, Orders v2 for payments (authorize and capture intents, cards,
// PayPal wallet and bank redirects, vaulted instruments), Payments v2 for
// captures, voids and refunds, Vault v3 payment tokens for recurring
// charges, Disputes v1, and webhooks signed with SHA256withRSA.
//
// The connector only transforms data. connector_transaction_id is always the
// PayPal order id; the authorization and capture ids a capture, void or
// refund needs travel in the connector state, and when the caller's state
// lacks them the plugin asks the host to read the order first (a Get next
// step). Every call needs an access token in the state; without a valid one
// the plugin asks for FLOW_CREATE_ACCESS_TOKEN first.
package paypal

import (
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk"
)

// Base URLs of PayPal's REST APIs.
const (
	SandboxBaseURL = "https://api-m.sandbox.paypal.com"
	LiveBaseURL    = "https://api-m.paypal.com"
)

// Credential field names.
const (
	credClientID     = "client_id"
	credClientSecret = "client_secret"
	credWebhookID    = "webhook_id"
	credWebhookCert  = "webhook_cert_pem"
)

// Operator config keys (non-secret).
const (
	// configReturnURL and configCancelURL are used when a redirect payment
	// has no return_url / cancel_url of its own.
	configReturnURL = "return_url"
	configCancelURL = "cancel_url"
)

// idempotencyHeader is the header PayPal reads idempotency keys from.
const idempotencyHeader = "PayPal-Request-Id"

// webhookTolerance is how far a webhook's paypal-transmission-time may be
// from the host's clock.
const webhookTolerance = 300

// New returns the PayPal connector. Each call returns a fresh value.
func New() *pdk.Connector {
	return &pdk.Connector{
		Manifest: manifest(),
		Flows: []pdk.Flow{
			pdk.CreateAccessToken(pdk.H(buildToken, parseToken)),
			pdk.CreateOrder(pdk.H(buildCreateOrder, parseCreateOrder)),
			pdk.Authorize(pdk.H(buildAuthorize, parseAuthorize)),
			pdk.VerifyRedirectResponse(pdk.H(buildComplete, parseComplete)),
			pdk.Get(pdk.H(buildGet, parseGet)),
			pdk.Capture(pdk.H(buildCapture, parseCapture)),
			pdk.Void(pdk.H(buildVoid, parseVoid)),
			pdk.Refund(pdk.H(buildRefund, parseRefund)),
			pdk.RefundGet(pdk.H(buildRefundGet, parseRefundGet)),
			pdk.SetupRecurring(pdk.H(buildSetupRecurring, parseSetupRecurring)),
			pdk.RecurringCharge(pdk.H(buildRecurringCharge, parseRecurringCharge)),
			pdk.RecurringRevoke(pdk.H(buildRevoke, parseRevoke)),
			pdk.DisputeGet(pdk.H(buildDisputeGet, parseDisputeGet)),
			pdk.DisputeAccept(pdk.H(buildDisputeAccept, parseDisputeAccept)),
			pdk.DisputeSubmitEvidence(pdk.H(buildSubmitEvidence, parseSubmitEvidence)),
		},
		VerifyWebhook: verifyWebhook,
		ParseWebhook:  parseWebhook,
	}
}

// currencies are the currencies PayPal's REST APIs accept.
var currencies = []string{
	"AUD", "BRL", "CAD", "CHF", "CNY", "CZK", "DKK", "EUR", "GBP", "HKD", "HUF", "ILS", "JPY", "MXN",
	"MYR", "NOK", "NZD", "PHP", "PLN", "SEK", "SGD", "THB", "TWD", "USD",
}

// manifest describes the connector. Flows are derived from the handlers set in New.
func manifest() *v1.Manifest {
	return &v1.Manifest{
		Name:        "paypal",
		Version:     "0.1.0",
		DisplayName: "PayPal",
		PaymentMethods: []v1.PaymentMethodType{
			v1.PaymentMethodType_PAYMENT_METHOD_TYPE_CARD,
			v1.PaymentMethodType_PAYMENT_METHOD_TYPE_PAYPAL,
			v1.PaymentMethodType_PAYMENT_METHOD_TYPE_PROCESSOR_TOKEN,
			v1.PaymentMethodType_PAYMENT_METHOD_TYPE_IDEAL,
			v1.PaymentMethodType_PAYMENT_METHOD_TYPE_SOFORT,
			v1.PaymentMethodType_PAYMENT_METHOD_TYPE_GIROPAY,
			v1.PaymentMethodType_PAYMENT_METHOD_TYPE_BANCONTACT,
			v1.PaymentMethodType_PAYMENT_METHOD_TYPE_EPS,
			v1.PaymentMethodType_PAYMENT_METHOD_TYPE_BLIK,
			v1.PaymentMethodType_PAYMENT_METHOD_TYPE_PRZELEWY24,
			v1.PaymentMethodType_PAYMENT_METHOD_TYPE_TRUSTLY,
		},
		CaptureMethods: []v1.CaptureMethod{
			v1.CaptureMethod_CAPTURE_METHOD_AUTOMATIC,
			v1.CaptureMethod_CAPTURE_METHOD_MANUAL,
			v1.CaptureMethod_CAPTURE_METHOD_MANUAL_MULTIPLE,
		},
		Currencies: currencies,
		CredentialFields: []*v1.CredentialField{
			{Name: credClientID, Description: "REST app client id (sent only Basic-encoded in the token request).", Required: true},
			{Name: credClientSecret, Description: "REST app client secret.", Secret: true, Required: true},
			{Name: credWebhookID, Description: "Id of the webhook (Developer Dashboard > app > Webhooks); part of the signed message, needed to verify webhooks."},
			{Name: credWebhookCert, Description: "Optional: PEM certificates to trust instead of the DigiCert roots pinned in the plugin; " +
				"the chain at a webhook's paypal-cert-url must end at (or be signed by) one of them."},
		},
		Webhooks: &v1.WebhookSupport{
			Supported:        true,
			SignatureScheme:  "paypal-sha256withrsa-crc32",
			SecretField:      credWebhookID,
			EventTypes:       webhookEventTypes(),
			Timestamped:      true,
			ToleranceSeconds: webhookTolerance,
		},
		SandboxBaseUrl:    SandboxBaseURL,
		LiveBaseUrl:       LiveBaseURL,
		EgressHosts:       []string{"api-m.sandbox.paypal.com", "api-m.paypal.com", "api.sandbox.paypal.com", "api.paypal.com"},
		ApiVersion:        "Orders v2; Payments v2; Vault v3; Disputes v1",
		IdempotencyHeader: idempotencyHeader,
		// The shortest PayPal-Request-Id retention of the APIs the plugin
		// calls (the specs' PayPal-Request-Id parameter): Vault v3 3 hours,
		// Orders v2 6 hours, Payments v2 45 days.
		IdempotencyWindowSeconds: 3 * 60 * 60,
		RequiresAccessToken:      true,
		Notes: "connector_transaction_id is the PayPal order id; capture, void and refund find the authorization or capture " +
			"in the state (paypal.authorization_id / paypal.capture_id) or read the order first. Authorize with the PayPal wallet " +
			"or a bank method answers ACTION_REQUIRED with the approval link; VerifyRedirectResponse then authorizes or captures the order. " +
			"HUF and TWD are sent without decimals. Webhooks are verified offline with the certificate at paypal-cert-url, which the host fetches (cached) and the plugin " +
			"chains to a pinned DigiCert root (or to webhook_cert_pem when set).",
	}
}
