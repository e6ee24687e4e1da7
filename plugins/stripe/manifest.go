package stripe

import (
	"sort"
	"strings"

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
	// webhookTolerance is how far (seconds) a webhook's signed timestamp may
	// be from the host's clock.
	webhookTolerance = 300
	signatureScheme  = "stripe-signature-hmac-sha256"
)

// supportedMethods lists the payment methods Authorize implements (the
// keys of methods), in enum order.
var supportedMethods = func() []v1.PaymentMethodType {
	out := make([]v1.PaymentMethodType, 0, len(methods))
	for t := range methods {
		out = append(out, t)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}()

// webhookEventTypes lists the Stripe event types the plugin normalizes;
// other types are returned verified as EVENT_KIND_OTHER.
var webhookEventTypes = strings.Fields(`
	payment_intent.amount_capturable_updated payment_intent.canceled payment_intent.created payment_intent.partially_funded
	payment_intent.payment_failed payment_intent.processing payment_intent.requires_action payment_intent.succeeded
	charge.refunded charge.refund.updated refund.created refund.updated refund.failed
	charge.dispute.created charge.dispute.updated charge.dispute.closed charge.dispute.funds_withdrawn charge.dispute.funds_reinstated
	setup_intent.created setup_intent.requires_action setup_intent.succeeded setup_intent.setup_failed setup_intent.canceled
	payment_method.detached mandate.updated
	payout.created payout.updated payout.paid payout.failed payout.canceled payout.reconciliation_completed`)

// newManifest returns the plugin's manifest. Flows are derived from the
// handlers by the PDK.
func newManifest() *v1.Manifest {
	return &v1.Manifest{
		Name:           "stripe",
		Version:        Version,
		DisplayName:    "Stripe",
		ApiVersion:     APIVersion,
		PaymentMethods: append([]v1.PaymentMethodType(nil), supportedMethods...),
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
			EventTypes:       append([]string(nil), webhookEventTypes...),
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
