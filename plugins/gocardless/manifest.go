package gocardless

import v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"

// Base URLs and the API version this connector speaks.
const (
	// SandboxBaseURL is GoCardless's sandbox.
	SandboxBaseURL = "https://api-sandbox.gocardless.com"
	// LiveBaseURL is GoCardless's live API.
	LiveBaseURL = "https://api.gocardless.com"
	// APIVersion is the GoCardless-Version header value every request carries.
	APIVersion = "2015-07-06"
)

// Credential field names.
const (
	credAccessToken   = "access_token"
	credWebhookSecret = "webhook_endpoint_secret"
)

// idempotencyHeader is GoCardless's idempotency header, honoured on every
// create (POST to a collection).
const idempotencyHeader = "Idempotency-Key"

// manifest describes the connector. Flows are derived from the handlers set in New.
func manifest() *v1.Manifest {
	return &v1.Manifest{
		Name:        "gocardless",
		Version:     "0.1.0",
		DisplayName: "GoCardless",
		PaymentMethods: []v1.PaymentMethodType{
			v1.PaymentMethodType_PAYMENT_METHOD_TYPE_SEPA_DEBIT,
			v1.PaymentMethodType_PAYMENT_METHOD_TYPE_BACS_DEBIT,
			v1.PaymentMethodType_PAYMENT_METHOD_TYPE_ACH_DEBIT,
			v1.PaymentMethodType_PAYMENT_METHOD_TYPE_BECS_DEBIT,
			v1.PaymentMethodType_PAYMENT_METHOD_TYPE_PROCESSOR_TOKEN,
		},
		Currencies: []string{"AUD", "EUR", "GBP", "USD"},
		Countries: []string{"AT", "AU", "BE", "CY", "DE", "EE", "ES", "FI", "FR", "GB", "GR", "IE", "IT", "LT", "LU", "LV",
			"MC", "MT", "NL", "PT", "SI", "SK", "US"},
		CaptureMethods: []v1.CaptureMethod{v1.CaptureMethod_CAPTURE_METHOD_AUTOMATIC},
		CredentialFields: []*v1.CredentialField{
			{Name: credAccessToken, Description: "GoCardless access token (sent only as Authorization: Bearer).", Secret: true, Required: true},
			{Name: credWebhookSecret, Description: "Secret of the webhook endpoint; needed to verify webhooks.", Secret: true},
		},
		Webhooks: &v1.WebhookSupport{
			Supported:       true,
			SignatureScheme: "gocardless-hmac-sha256-hex",
			SecretField:     credWebhookSecret,
			EventTypes:      webhookEventTypes(),
		},
		SandboxBaseUrl:    SandboxBaseURL,
		LiveBaseUrl:       LiveBaseURL,
		EgressHosts:       []string{"api-sandbox.gocardless.com", "api.gocardless.com"},
		ApiVersion:        "GoCardless-Version " + APIVersion,
		IdempotencyHeader: idempotencyHeader,
		// No IdempotencyWindowSeconds: GoCardless documents no retention
		// period for its keys, and answers a repeated create
		// 409 idempotent_creation_conflict rather than the first result.
		Notes: "Bank debits only: SEPA Core, Bacs, ACH and BECS. SetupRecurring creates a mandate server to server " +
			"(POST /mandates; restricted by GoCardless to Pro/Enterprise accounts with approved payment pages), after CustomerService.Create and " +
			"PaymentMethodService.Tokenize (a customer bank account) when the call has no customer or bank account id yet. " +
			"RecurringCharge and Authorize (with mandate.connector_mandate_id, automatic capture only) create a payment " +
			"collected on the mandate; it is PENDING until GoCardless confirms it. Void cancels a payment not yet submitted. " +
			"Refund sends total_amount_confirmation, reading the payment's refunded total first (PaymentService.Get) unless " +
			"the state carries it. Idempotency-Key on every create.",
	}
}
