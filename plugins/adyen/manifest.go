package adyen

import v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"

// manifest describes the connector. Flows are derived from the handlers set in New.
func manifest() *v1.Manifest {
	return &v1.Manifest{
		Name:        "adyen",
		Version:     "0.1.0",
		DisplayName: "Adyen",
		PaymentMethods: []v1.PaymentMethodType{
			v1.PaymentMethodType_PAYMENT_METHOD_TYPE_CARD, v1.PaymentMethodType_PAYMENT_METHOD_TYPE_PROCESSOR_TOKEN,
			v1.PaymentMethodType_PAYMENT_METHOD_TYPE_APPLE_PAY, v1.PaymentMethodType_PAYMENT_METHOD_TYPE_GOOGLE_PAY,
			v1.PaymentMethodType_PAYMENT_METHOD_TYPE_PAYPAL, v1.PaymentMethodType_PAYMENT_METHOD_TYPE_IDEAL,
			v1.PaymentMethodType_PAYMENT_METHOD_TYPE_SOFORT, v1.PaymentMethodType_PAYMENT_METHOD_TYPE_EPS,
			v1.PaymentMethodType_PAYMENT_METHOD_TYPE_BLIK, v1.PaymentMethodType_PAYMENT_METHOD_TYPE_TRUSTLY,
			v1.PaymentMethodType_PAYMENT_METHOD_TYPE_SEPA_DEBIT, v1.PaymentMethodType_PAYMENT_METHOD_TYPE_ACH_DEBIT,
			v1.PaymentMethodType_PAYMENT_METHOD_TYPE_BACS_DEBIT, v1.PaymentMethodType_PAYMENT_METHOD_TYPE_KLARNA,
			v1.PaymentMethodType_PAYMENT_METHOD_TYPE_AFTERPAY_CLEARPAY, v1.PaymentMethodType_PAYMENT_METHOD_TYPE_AFFIRM,
		},
		CaptureMethods: []v1.CaptureMethod{v1.CaptureMethod_CAPTURE_METHOD_AUTOMATIC, v1.CaptureMethod_CAPTURE_METHOD_MANUAL,
			v1.CaptureMethod_CAPTURE_METHOD_MANUAL_MULTIPLE},
		CredentialFields: []*v1.CredentialField{
			{Name: credAPIKey, Description: "Adyen API key of a web service user (sent only in the X-API-Key header).", Secret: true, Required: true},
			{Name: credMerchantAccount, Description: "Adyen merchant account name (merchantAccount / merchantAccountCode).", Required: true},
			{Name: credHMACKey, Description: "HMAC key of the standard notification webhook, hex-encoded; needed to verify webhooks.", Secret: true},
			{Name: credBPHMACKey, Description: "HMAC key of the Balance Platform transfer webhook, hex-encoded; when unset, hmac_key verifies those webhooks too.", Secret: true},
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
		EgressHosts: []string{"checkout-test.adyen.com", "*.adyenpayments.com", "ca-test.adyen.com", "ca-live.adyen.com", "pal-test.adyen.com",
			"balanceplatform-api-test.adyen.com", "balanceplatform-api-live.adyen.com"},
		ApiVersion:        "Checkout API v71; Disputes API v30; Payout API v68; Transfers API v4",
		IdempotencyHeader: idempotencyHeader,
		// Adyen keeps an Idempotency-Key "for a minimum period of 7 days
		// after first submission" (docs.adyen.com/development-resources/
		// api-idempotency; older pages said 31 days): the shorter is declared.
		IdempotencyWindowSeconds: 7 * 24 * 60 * 60,
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
