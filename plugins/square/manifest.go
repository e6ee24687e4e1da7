package square

import v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"

// Base URLs and the API version this connector speaks.
const (
	// SandboxBaseURL is Square's sandbox (the spec's x-server-configuration).
	SandboxBaseURL = "https://connect.squareupsandbox.com"
	// LiveBaseURL is Square's production server.
	LiveBaseURL = "https://connect.squareup.com"
	// APIVersion is the Square-Version header value every request carries.
	APIVersion = "2025-08-20"
)

// Credential field names.
const (
	credAccessToken = "access_token"
	credLocationID  = "location_id"
	credWebhookKey  = "webhook_signature_key"
	credWebhookURL  = "webhook_notification_url"
)

// idempotencyHeader carries a copy of the idempotency key. Square reads the
// key from the body's idempotency_key (sent wherever the request schema has
// one); the header is the host ABI's contract (retries, logs, conformance)
// and Square ignores it.
const idempotencyHeader = "Idempotency-Key"

// webhookEventTypes are the event types normalized into typed events; any
// other verified type becomes EVENT_KIND_OTHER.
func webhookEventTypes() []string {
	return []string{
		"card.automatically_updated", "card.created", "card.disabled", "card.forgotten", "card.updated",
		"dispute.created", "dispute.evidence.added", "dispute.evidence.created", "dispute.evidence.deleted",
		"dispute.evidence.removed", "dispute.state.changed", "dispute.state.updated",
		"payment.created", "payment.updated", "refund.created", "refund.updated",
	}
}

// manifest describes the connector. Flows are derived from the handlers set in New.
func manifest() *v1.Manifest {
	return &v1.Manifest{
		Name:        "square",
		Version:     "0.1.0",
		DisplayName: "Square",
		PaymentMethods: []v1.PaymentMethodType{
			v1.PaymentMethodType_PAYMENT_METHOD_TYPE_PROCESSOR_TOKEN,
		},
		Currencies: []string{"AUD", "CAD", "EUR", "GBP", "JPY", "USD"},
		Countries:  []string{"AU", "CA", "ES", "FR", "GB", "IE", "JP", "US"},
		CaptureMethods: []v1.CaptureMethod{
			v1.CaptureMethod_CAPTURE_METHOD_AUTOMATIC,
			v1.CaptureMethod_CAPTURE_METHOD_MANUAL,
		},
		CredentialFields: []*v1.CredentialField{
			{Name: credAccessToken, Description: "Square access token (personal or OAuth; sent only as Authorization: Bearer).", Secret: true, Required: true},
			{Name: credLocationID, Description: "Square location id for payments and refunds; Square's main location when empty."},
			{Name: credWebhookKey, Description: "Signature key of the webhook subscription; needed to verify webhooks.", Secret: true},
			{Name: credWebhookURL, Description: "Notification URL of the webhook subscription exactly as registered at Square (it is signed); the URL the webhook arrived at when empty."},
		},
		Webhooks: &v1.WebhookSupport{
			Supported:       true,
			SignatureScheme: "square-hmac-sha256",
			SecretField:     credWebhookKey,
			EventTypes:      webhookEventTypes(),
		},
		SandboxBaseUrl:    SandboxBaseURL,
		LiveBaseUrl:       LiveBaseURL,
		EgressHosts:       []string{"connect.squareupsandbox.com", "connect.squareup.com"},
		ApiVersion:        "Square-Version " + APIVersion,
		IdempotencyHeader: idempotencyHeader,
		// No IdempotencyWindowSeconds: Square does not publish how long it
		// keeps idempotency keys (Square's developer forum, "How long are
		// idempotency keys retained for the CreatePayment endpoint?").
		Notes: "Payment methods are Square source ids: a Web Payments SDK token (card, Apple Pay, Google Pay, ACH, " +
			"Afterpay, Cash App Pay) or a card on file (ccof:...); raw card numbers are refused. " +
			"Manual capture is autocomplete=false; Capture completes the whole authorized amount (no partial capture). " +
			"SetupRecurring and Tokenize store a card on file (CreateCard) for a Square customer. " +
			"SubmitEvidence adds one text evidence; Defend submits the dispute's evidence to the bank. " +
			"Idempotency keys go in the body's idempotency_key where Square accepts one (CreatePayment, RefundPayment, " +
			"CreateCustomer, CreateCard, CreateDisputeEvidenceText); CompletePayment, CancelPayment, AcceptDispute and " +
			"SubmitEvidence take none.",
	}
}
