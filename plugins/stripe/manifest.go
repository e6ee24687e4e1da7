package stripe

import (
	"maps"
	"slices"

	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
)

const (
	// APIVersion is the Stripe API version every request pins with the
	// Stripe-Version header; response parsing follows its shapes.
	APIVersion = "2024-06-20"
	// Version is the plugin's semantic version.
	Version = "1.0.0"
	// BaseURL is Stripe's API endpoint; test and live mode share it and are
	// selected by the API key.
	BaseURL = "https://api.stripe.com"

	// Credential field names.
	credAPIKey        = "api_key"
	credWebhookSecret = "webhook_secret"
	credAccountID     = "account_id"

	idempotencyHeader = "Idempotency-Key"
	requestIDHeader   = "Request-Id"
	// webhookTolerance is how far (seconds) a webhook's signed timestamp may
	// be from the host's clock.
	webhookTolerance = 300
	signatureScheme  = "stripe-signature-hmac-sha256"
)

// newManifest returns the plugin's manifest. Flows are derived from the
// handlers by the PDK.
func newManifest() *v1.Manifest {
	return &v1.Manifest{
		Name:           "stripe",
		Version:        Version,
		DisplayName:    "Stripe",
		ApiVersion:     APIVersion,
		PaymentMethods: slices.Sorted(maps.Keys(methods)),
		// Empty: every currency Stripe accepts; amounts are converted with
		// Stripe's exponents (see amount.go).
		Currencies: nil,
		CaptureMethods: []v1.CaptureMethod{
			v1.CaptureMethod_CAPTURE_METHOD_AUTOMATIC,
			v1.CaptureMethod_CAPTURE_METHOD_MANUAL,
		},
		CredentialFields: []*v1.CredentialField{
			{Name: credAPIKey, Description: "Stripe secret or restricted API key (sk_test_..., sk_live_..., rk_...)", Secret: true, Required: true},
			{Name: credWebhookSecret, Description: "Webhook endpoint signing secret (whsec_...); needed to verify webhooks", Secret: true},
			{Name: credAccountID, Description: "The Stripe account id (acct_...); needed to register payout destinations (PayoutService.CreateRecipient)"},
		},
		Webhooks: &v1.WebhookSupport{
			Supported:        true,
			SignatureScheme:  signatureScheme,
			SecretField:      credWebhookSecret,
			EventTypes:       slices.Sorted(slices.Values(eventKinds.Keys())),
			Timestamped:      true,
			ToleranceSeconds: webhookTolerance,
		},
		SandboxBaseUrl:    BaseURL,
		LiveBaseUrl:       BaseURL,
		EgressHosts:       []string{"api.stripe.com"},
		IdempotencyHeader: idempotencyHeader,
		Notes: "Stripe API " + APIVersion + ". Test and live mode are chosen by the API key. " +
			"Raw card data needs a Stripe account enabled for raw card numbers; otherwise send a pm_/tok_ ProcessorToken. " +
			"Dispute evidence files must be uploaded to Stripe first (connector_file_id).",
	}
}
