// Package stripe is the Stripe connector plugin: unified payments requests
// to Stripe API requests (PaymentIntents, SetupIntents, Refunds, Customers,
// PaymentMethods, Disputes, Payouts), Stripe's answers and webhooks back to
// unified responses and events. It only transforms, deterministically: time
// and randomness come from pdk.Context, and no map is iterated into output.
package stripe

import (
	"maps"
	"slices"

	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/money"
	"github.com/connectorhost/connector-host/pdk"
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

	credAPIKey        = "api_key"
	credWebhookSecret = "webhook_secret"
	credAccountID     = "account_id"
	idempotencyHeader = "Idempotency-Key"
	requestIDHeader   = "Request-Id"
	// webhookTolerance is how far (seconds) a webhook's signed timestamp may
	// be from the host's clock.
	webhookTolerance = 300
)

// New returns the Stripe connector: its manifest, flow handlers and webhook
// verifier. Each call returns a fresh Connector.
func New() *pdk.Connector {
	return &pdk.Connector{
		Manifest: newManifest(),
		Flows: []pdk.Flow{
			pdk.Authorize(authorizeHandler),
			pdk.Capture(captureHandler),
			pdk.Get(getHandler),
			pdk.Void(voidHandler),
			pdk.Refund(refundHandler),
			pdk.SetupRecurring(setupRecurringHandler),
			pdk.IncrementalAuthorization(incrementHandler),
			pdk.VerifyRedirectResponse(verifyRedirectHandler),
			pdk.RecurringCharge(recurringChargeHandler),
			pdk.RecurringRevoke(recurringRevokeHandler),
			pdk.RefundGet(refundGetHandler),
			pdk.RefundCancel(refundCancelHandler),
			pdk.DisputeSubmitEvidence(disputeSubmitEvidenceHandler),
			pdk.DisputeGet(disputeGetHandler),
			pdk.DisputeDefend(disputeDefendHandler),
			pdk.DisputeAccept(disputeAcceptHandler),
			pdk.Tokenize(tokenizeHandler),
			pdk.CreateCustomer(createCustomerHandler),
			pdk.PayoutCreate(payoutCreateHandler),
			pdk.PayoutGet(payoutGetHandler),
			pdk.PayoutCancel(payoutCancelHandler),
			pdk.PayoutCreateRecipient(payoutRecipientHandler),
		},
		VerifyWebhook: webhooks.Verify,
		ParseWebhook:  webhooks.Parse,
	}
}

// newManifest returns the plugin's manifest (the PDK adds the flows).
func newManifest() *v1.Manifest {
	return &v1.Manifest{
		Name: "stripe", Version: Version, DisplayName: "Stripe", ApiVersion: APIVersion,
		PaymentMethods: slices.Sorted(maps.Keys(methods)),
		// No Currencies: every currency Stripe accepts, converted with its exponents (amounts).
		CaptureMethods: []v1.CaptureMethod{v1.CaptureMethod_CAPTURE_METHOD_AUTOMATIC, v1.CaptureMethod_CAPTURE_METHOD_MANUAL},
		CredentialFields: []*v1.CredentialField{
			{Name: credAPIKey, Description: "Stripe secret or restricted API key (sk_test_..., sk_live_..., rk_...)", Secret: true, Required: true},
			{Name: credWebhookSecret, Description: "Webhook endpoint signing secret (whsec_...); needed to verify webhooks", Secret: true},
			{Name: credAccountID, Description: "The Stripe account id (acct_...); needed to register payout destinations (PayoutService.CreateRecipient)"},
		},
		Webhooks:       signature.Support("stripe-signature-hmac-sha256", slices.Sorted(slices.Values(eventKinds.Keys()))),
		SandboxBaseUrl: BaseURL, LiveBaseUrl: BaseURL, EgressHosts: []string{"api.stripe.com"}, IdempotencyHeader: idempotencyHeader,
		IdempotencyWindowSeconds: 24 * 60 * 60,
		Notes: "Stripe API " + APIVersion + ". Test and live mode are chosen by the API key. " +
			"Raw card data needs a Stripe account enabled for raw card numbers; otherwise send a pm_/tok_ ProcessorToken. " +
			"Dispute evidence files must be uploaded to Stripe first (connector_file_id).",
	}
}

// api is what every Stripe call shares.
var api = &pdk.API{
	Auth:              pdk.Bearer(credAPIKey),
	Headers:           [][2]string{{"Stripe-Version", APIVersion}},
	IdempotencyHeader: idempotencyHeader,
	Encoding:          pdk.FormEncoded,
	Amounts:           amounts,
	// Stripe's objects are a few KB even with expansions; parsing megabytes
	// of JSON would exhaust the sandbox's memory.
	MaxAnswerBytes: 256 << 10,
	ErrorAnswer:    readError,
}

// amounts converts with Stripe's exponents (https://docs.stripe.com/currencies);
// currencies not listed use ISO 4217, in lower case.
//
//   - Zero-decimal at Stripe: the amount is sent as-is. MGA is two-decimal in
//     ISO 4217, so ISO amounts must be whole ariary.
//   - ISK is zero-decimal in ISO 4217 but two-decimal at Stripe: ISO amounts
//     are multiplied by 100 when sent and divided by 100 when read.
//   - HUF and TWD are two-decimal at Stripe, as in ISO 4217, but paid out in
//     whole units only (checkPayoutAmount).
//   - BHD JOD KWD OMR TND are three-decimal (as ISO) and Stripe accepts them
//     only in multiples of 10 minor units.
var amounts = pdk.Amounts{
	Exponents: stripeExponents, LowerCurrency: true,
	Check: func(n int64, cur string) string {
		switch cur {
		case "BHD", "JOD", "KWD", "OMR", "TND":
			if n%10 != 0 {
				return "must be a multiple of 10: Stripe requires three-decimal amounts to end in 0"
			}
		}
		return ""
	},
}

var stripeExponents = money.Exponents{
	"BIF": 0, "CLP": 0, "DJF": 0, "GNF": 0, "JPY": 0, "KMF": 0, "KRW": 0, "MGA": 0,
	"PYG": 0, "RWF": 0, "UGX": 0, "VND": 0, "VUV": 0, "XAF": 0, "XOF": 0, "XPF": 0,
	"ISK": 2, "HUF": 2, "TWD": 2,
}

// idOf reads an expandable field: Stripe sends either the id as a string or,
// when expanded, the object with an "id".
func idOf(a *pdk.Answer, path string) string {
	if id := a.Str(path); id != "" {
		return id
	}
	return a.Str(path + ".id")
}
