package adyen

import v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"

// Base URLs and paths of the Adyen APIs this connector speaks.
const (
	// SandboxBaseURL is Checkout API v71 on Adyen's test environment.
	SandboxBaseURL = "https://checkout-test.adyen.com/v71"
	// LiveBaseURL is Checkout API v71 live; the host or the plugin fills
	// {live_url_prefix} from the credential of that name.
	LiveBaseURL = "https://{live_url_prefix}-checkout-live.adyenpayments.com/checkout/v71"
	// DisputesSandboxURL is Disputes API v30 on the test environment.
	DisputesSandboxURL = "https://ca-test.adyen.com" + DisputesPath
	// DisputesLiveURL is Disputes API v30 live.
	DisputesLiveURL = "https://ca-live.adyen.com" + DisputesPath
	// DisputesPath is the path of Disputes API v30 on its host; it is appended
	// to the origin of an operator's base URL override.
	DisputesPath = "/ca/services/DisputeService/v30"
)

// Credential field names.
const (
	credAPIKey          = "api_key"
	credMerchantAccount = "merchant_account"
	credHMACKey         = "hmac_key"
	credLivePrefix      = "live_url_prefix"
)

// Operator config keys (non-secret).
const (
	// configReturnURL is the returnUrl sent when the unified request has none
	// (merchant-initiated recurring charges): Checkout v71 requires one.
	configReturnURL = "return_url"
	// configDisputesURL overrides the Disputes API v30 base URL.
	configDisputesURL = "disputes_base_url"
)

// idempotencyHeader is the header Adyen reads idempotency keys from.
const idempotencyHeader = "Idempotency-Key"

// webhookEventTypes are the eventCodes normalized into typed events; any other
// verified eventCode becomes EVENT_KIND_OTHER.
func webhookEventTypes() []string {
	return []string{
		"AUTHORISATION", "AUTHORISATION_ADJUSTMENT", "CANCELLATION", "CANCEL_OR_REFUND",
		"CAPTURE", "CAPTURE_FAILED", "CHARGEBACK", "CHARGEBACK_REVERSED",
		"DISPUTE_DEFENSE_PERIOD_ENDED", "INFORMATION_SUPPLIED", "ISSUER_RESPONSE_TIMEFRAME_EXPIRED",
		"NOTIFICATION_OF_CHARGEBACK", "PREARBITRATION_LOST", "PREARBITRATION_WON",
		"RECURRING_CONTRACT", "REFUND", "REFUNDED_REVERSED", "REFUND_FAILED", "REFUND_WITH_DATA",
		"REQUEST_FOR_INFORMATION", "SECOND_CHARGEBACK", "TECHNICAL_CANCEL",
		"PAYOUT_THIRDPARTY", "PAYOUT_DECLINE", "PAYOUT_EXPIRE", "PAIDOUT_REVERSED",
	}
}

// manifest describes the connector. Flows are derived from the handlers set in New.
func manifest() *v1.Manifest {
	return &v1.Manifest{
		Name:        "adyen",
		Version:     "0.1.0",
		DisplayName: "Adyen",
		PaymentMethods: []v1.PaymentMethodType{
			v1.PaymentMethodType_PAYMENT_METHOD_TYPE_CARD,
			v1.PaymentMethodType_PAYMENT_METHOD_TYPE_PROCESSOR_TOKEN,
			v1.PaymentMethodType_PAYMENT_METHOD_TYPE_APPLE_PAY,
			v1.PaymentMethodType_PAYMENT_METHOD_TYPE_GOOGLE_PAY,
			v1.PaymentMethodType_PAYMENT_METHOD_TYPE_PAYPAL,
			v1.PaymentMethodType_PAYMENT_METHOD_TYPE_IDEAL,
			v1.PaymentMethodType_PAYMENT_METHOD_TYPE_SOFORT,
			v1.PaymentMethodType_PAYMENT_METHOD_TYPE_EPS,
			v1.PaymentMethodType_PAYMENT_METHOD_TYPE_BLIK,
			v1.PaymentMethodType_PAYMENT_METHOD_TYPE_TRUSTLY,
			v1.PaymentMethodType_PAYMENT_METHOD_TYPE_SEPA_DEBIT,
			v1.PaymentMethodType_PAYMENT_METHOD_TYPE_ACH_DEBIT,
			v1.PaymentMethodType_PAYMENT_METHOD_TYPE_BACS_DEBIT,
			v1.PaymentMethodType_PAYMENT_METHOD_TYPE_KLARNA,
			v1.PaymentMethodType_PAYMENT_METHOD_TYPE_AFTERPAY_CLEARPAY,
			v1.PaymentMethodType_PAYMENT_METHOD_TYPE_AFFIRM,
		},
		CaptureMethods: []v1.CaptureMethod{
			v1.CaptureMethod_CAPTURE_METHOD_AUTOMATIC,
			v1.CaptureMethod_CAPTURE_METHOD_MANUAL,
			v1.CaptureMethod_CAPTURE_METHOD_MANUAL_MULTIPLE,
		},
		CredentialFields: []*v1.CredentialField{
			{Name: credAPIKey, Description: "Adyen API key of a web service user (sent only in the X-API-Key header).", Secret: true, Required: true},
			{Name: credMerchantAccount, Description: "Adyen merchant account name (merchantAccount / merchantAccountCode).", Required: true},
			{Name: credHMACKey, Description: "HMAC key of the standard notification webhook, hex-encoded; needed to verify webhooks.", Secret: true},
			{Name: credLivePrefix, Description: "Live endpoint prefix from the Customer Area (Developers > API URLs), e.g. 1797a841fbb37ca7-AdyenDemo; required live."},
			{Name: credBalanceAccount, Description: "Balance account id (Adyen for Platforms): when set, payouts use the Transfers API v4 from it; otherwise the classic Payout API v68."},
		},
		Webhooks: &v1.WebhookSupport{
			Supported:       true,
			SignatureScheme: "adyen-hmac-sha256",
			SecretField:     credHMACKey,
			EventTypes:      webhookEventTypes(),
		},
		SandboxBaseUrl: SandboxBaseURL,
		LiveBaseUrl:    LiveBaseURL,
		EgressHosts: []string{
			"checkout-test.adyen.com",
			"*.adyenpayments.com",
			"ca-test.adyen.com",
			"ca-live.adyen.com",
			"pal-test.adyen.com",
			"balanceplatform-api-test.adyen.com",
			"balanceplatform-api-live.adyen.com",
		},
		ApiVersion:        "Checkout API v71; Disputes API v30; Payout API v68; Transfers API v4",
		IdempotencyHeader: idempotencyHeader,
		Notes: "Checkout API v71 has no endpoint to read a payment: PaymentService.Get is not implemented " +
			"and final outcomes (authorisations after redirects, captures, cancels, refunds, chargebacks) arrive by webhook. " +
			"Capture, Void, Reverse, Refund and IncrementalAuthorization answer with a pending status (Adyen's \"received\"). " +
			"Live: set credential live_url_prefix; {live_url_prefix} in live_base_url is filled from it. " +
			"Disputes API v30 is called on ca-test.adyen.com / ca-live.adyen.com, or on the origin of an operator base URL override " +
			"(override it with config disputes_base_url). Manual capture uses additionalData.manualCapture; " +
			"multiple partial captures need the setting on the Adyen merchant account. " +
			"Payouts: with credential balance_account_id the Transfers API v4 (create, read, cancel); otherwise the classic Payout API v68 " +
			"(store recipient, submit, decline; submitted payouts await a reviewer's confirmation in Adyen; no read: outcomes arrive by webhook).",
	}
}
