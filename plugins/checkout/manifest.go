package checkout

import v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"

// Base URLs of Checkout.com's unified payments API.
const (
	// SandboxBaseURL is the sandbox API.
	SandboxBaseURL = "https://api.sandbox.checkout.com"
	// LiveBaseURL is the live API.
	LiveBaseURL = "https://api.checkout.com"
)

// Credential field names.
const (
	credSecretKey     = "secret_key"
	credChannel       = "processing_channel_id"
	credWebhookSecret = "webhook_secret"
)

// idempotencyHeader is the header Checkout.com reads idempotency keys from.
const idempotencyHeader = "Cko-Idempotency-Key"

// signatureHeader carries the webhook signature.
const signatureHeader = "Cko-Signature"

// manifest describes the connector. Flows are derived from the handlers set in New.
func manifest() *v1.Manifest {
	return &v1.Manifest{
		Name:        "checkout",
		Version:     "0.1.0",
		DisplayName: "Checkout.com",
		PaymentMethods: []v1.PaymentMethodType{
			v1.PaymentMethodType_PAYMENT_METHOD_TYPE_CARD,
			v1.PaymentMethodType_PAYMENT_METHOD_TYPE_PROCESSOR_TOKEN,
		},
		CaptureMethods: []v1.CaptureMethod{
			v1.CaptureMethod_CAPTURE_METHOD_AUTOMATIC,
			v1.CaptureMethod_CAPTURE_METHOD_MANUAL,
			v1.CaptureMethod_CAPTURE_METHOD_MANUAL_MULTIPLE,
		},
		CredentialFields: []*v1.CredentialField{
			{Name: credSecretKey, Description: "Secret API key (sk_sbox_... in the sandbox, sk_... live); sent only as the Authorization bearer.", Secret: true, Required: true},
			{Name: credChannel, Description: "Processing channel id (pc_...), sent as processing_channel_id on payments; required by NAS accounts with more than one channel."},
			{Name: credWebhookSecret, Description: "Webhook signature key of the Dashboard webhook endpoint; verifies the Cko-Signature header.", Secret: true},
		},
		Webhooks: &v1.WebhookSupport{
			Supported:       true,
			SignatureScheme: "cko-signature-hmac-sha256-hex",
			SecretField:     credWebhookSecret,
			EventTypes:      webhookEventTypes(),
		},
		SandboxBaseUrl:    SandboxBaseURL,
		LiveBaseUrl:       LiveBaseURL,
		EgressHosts:       []string{"api.sandbox.checkout.com", "api.checkout.com"},
		ApiVersion:        "Checkout.com unified payments API (NAS)",
		IdempotencyHeader: idempotencyHeader,
		// "By default, keys expire after 24 hours for both the sandbox and
		// production environments" (checkout.com/docs/payments/
		// manage-payments/idempotency); an account may have a longer window.
		IdempotencyWindowSeconds: 24 * 60 * 60,
		Currencies:               currencies(),
		Countries:                countries(),
		Notes: "Cards (raw, Frames tokens tok_..., stored instruments src_...) with 3-D Secure redirects; " +
			"captures, voids and refunds are asynchronous (HTTP 202): their outcome comes from RefundService.Get (payment actions), " +
			"PaymentService.Get or webhooks. Tokenize stores a Frames token as an instrument (POST /instruments). " +
			"SubmitEvidence provides evidence (PUT); submitting it to the scheme needs OAuth (not supported): use the Dashboard. " +
			"Amounts of BHD, IQD, JOD, KWD, LYD, OMR and TND must end in 0; CLP is sent with two decimals.",
	}
}

// currencies are the currencies Checkout.com processes cards in, as listed in
// its "Format the amount value" page (every currency of the three tables).
func currencies() []string {
	return []string{
		"AED", "AUD", "BHD", "BIF", "CAD", "CHF", "CLP", "CNY", "CZK", "DJF", "DKK", "EGP", "EUR", "GBP", "GNF",
		"HKD", "HUF", "IQD", "ISK", "JOD", "JPY", "KMF", "KRW", "KWD", "LYD", "MXN", "NOK", "NZD", "OMR", "PLN",
		"PYG", "QAR", "RWF", "SAR", "SEK", "SGD", "TND", "UGX", "USD", "VND", "VUV", "XAF", "XOF", "XPF", "ZAR",
	}
}

// countries are the merchant countries Checkout.com lists for card acquiring.
func countries() []string {
	return []string{
		"AE", "AT", "AU", "BE", "BG", "BH", "CH", "CY", "CZ", "DE", "DK", "EE", "EG", "ES", "FI", "FR", "GB", "GR",
		"HK", "HR", "HU", "IE", "IS", "IT", "JO", "KW", "LI", "LT", "LU", "LV", "MT", "NL", "NO", "OM", "PL", "PT",
		"QA", "RO", "SA", "SE", "SG", "SI", "SK", "US",
	}
}
