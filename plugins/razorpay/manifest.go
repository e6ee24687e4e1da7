package razorpay

import v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"

// BaseURL is Razorpay's API. Test and live mode share it: the key
// (rzp_test_... or rzp_live_...) selects the mode.
const BaseURL = "https://api.razorpay.com"

// Credential field names.
const (
	credKeyID         = "key_id"
	credKeySecret     = "key_secret"
	credWebhookSecret = "webhook_secret"
)

// idempotencyHeader is the header Razorpay reads idempotency keys from on
// refunds ("Create a Normal Refund (Idempotent Request)"). Razorpay has no
// idempotency header on its other APIs; see the README for how their retries
// stay safe.
const idempotencyHeader = "X-Refund-Idempotency"

// Webhook headers.
const (
	signatureHeader = "X-Razorpay-Signature"
	eventIDHeader   = "X-Razorpay-Event-Id"
)

// manifest describes the connector. Flows are derived from the handlers set in New.
func manifest() *v1.Manifest {
	return &v1.Manifest{
		Name:        "razorpay",
		Version:     "0.1.0",
		DisplayName: "Razorpay",
		PaymentMethods: []v1.PaymentMethodType{
			v1.PaymentMethodType_PAYMENT_METHOD_TYPE_CARD,
			v1.PaymentMethodType_PAYMENT_METHOD_TYPE_UPI,
			v1.PaymentMethodType_PAYMENT_METHOD_TYPE_NACH_DEBIT,
		},
		CaptureMethods: []v1.CaptureMethod{
			v1.CaptureMethod_CAPTURE_METHOD_AUTOMATIC,
			v1.CaptureMethod_CAPTURE_METHOD_MANUAL,
		},
		CredentialFields: []*v1.CredentialField{
			{Name: credKeyID, Description: "API key id (rzp_test_... or rzp_live_...), the Basic auth user name.", Secret: true, Required: true},
			{Name: credKeySecret, Description: "API key secret, the Basic auth password.", Secret: true, Required: true},
			{Name: credWebhookSecret, Description: "Secret of the Dashboard webhook; verifies X-Razorpay-Signature.", Secret: true},
		},
		Webhooks: &v1.WebhookSupport{
			Supported:       true,
			SignatureScheme: "x-razorpay-signature-hmac-sha256-hex",
			SecretField:     credWebhookSecret,
			EventTypes:      webhookEventTypes(),
		},
		SandboxBaseUrl:    BaseURL,
		LiveBaseUrl:       BaseURL,
		EgressHosts:       []string{"api.razorpay.com"},
		ApiVersion:        "Razorpay API v1 (S2S JSON payments)",
		IdempotencyHeader: idempotencyHeader,
		// No IdempotencyWindowSeconds: Razorpay's only idempotency header is
		// X-Refund-Idempotency (orders are deduplicated by receipt instead),
		// and it documents no retention period.
		Currencies: currencies(),
		Countries:  []string{"IN", "MY", "SG", "US"},
		Notes: "Every payment needs an order: Authorize, SetupRecurring and RecurringCharge ask the host to run CreateOrder first " +
			"(receipt = the merchant id, unique_receipt) unless connector_order_id is given. Cards and UPI go through the S2S JSON API " +
			"(POST /v1/payments/create/json, an on-demand Razorpay feature). Razorpay honours " + idempotencyHeader + " on refunds only; " +
			"the header is sent on every POST, and retries of orders (unique receipt), payments (one successful payment per order), " +
			"captures (a captured payment cannot be captured again) and customers (fail_existing=0) are safe without it. " +
			"No void: Razorpay releases uncaptured authorizations itself. UPI is INR only. Three-decimal currencies must end in 0. " +
			"NACH e-mandates (bank_debit, INR, amount 0) are registered with SetupRecurring only and debited with RecurringPaymentService.Charge.",
	}
}

// currencies are the currencies Razorpay accepts payments in that this
// connector declares (Razorpay's "International Currency Support" list, the
// common subset).
func currencies() []string {
	return []string{
		"AED", "AUD", "BHD", "CAD", "CHF", "CNY", "DKK", "EUR", "GBP", "HKD", "INR", "JPY", "KWD", "LKR", "MYR",
		"NOK", "NPR", "NZD", "OMR", "QAR", "SAR", "SEK", "SGD", "THB", "USD", "ZAR",
	}
}
