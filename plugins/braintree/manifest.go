package braintree

import v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"

// Endpoints and the API version this connector speaks
// (https://developer.paypal.com/braintree/graphql/guides/making_api_calls).
const (
	// SandboxBaseURL is Braintree's sandbox GraphQL host; requests go to /graphql.
	SandboxBaseURL = "https://payments.sandbox.braintree-api.com"
	// LiveBaseURL is Braintree's production GraphQL host.
	LiveBaseURL = "https://payments.braintree-api.com"
	// APIVersion is the Braintree-Version header value (a date) every request carries.
	APIVersion = "2025-01-01"
	// graphqlPath is the one endpoint every query and mutation is POSTed to.
	graphqlPath = "/graphql"
)

// Credential and config names.
const (
	credPublicKey  = "public_key"
	credPrivateKey = "private_key"
	credMerchantID = "merchant_account_id"
	// configMerchantAccountPrefix + currency names the merchant account for
	// that currency (Braintree fixes a transaction's currency by its merchant account).
	configMerchantAccountPrefix = "merchant_account_id_"
)

// webhookKinds are the notification kinds normalized into typed events; any
// other verified kind becomes EVENT_KIND_OTHER.
func webhookKinds() []string {
	return []string{
		"dispute_accepted", "dispute_auto_accepted", "dispute_disputed", "dispute_expired", "dispute_lost",
		"dispute_opened", "dispute_under_review", "dispute_won",
		"transaction_settled", "transaction_settlement_declined",
	}
}

// manifest describes the connector. Flows are derived from the handlers set in New.
func manifest() *v1.Manifest {
	return &v1.Manifest{
		Name:        "braintree",
		Version:     "0.1.0",
		DisplayName: "Braintree (GraphQL)",
		PaymentMethods: []v1.PaymentMethodType{
			v1.PaymentMethodType_PAYMENT_METHOD_TYPE_PROCESSOR_TOKEN,
		},
		Currencies: []string{"AUD", "CAD", "CHF", "DKK", "EUR", "GBP", "HKD", "JPY", "NOK", "NZD", "PLN", "SEK", "SGD", "USD"},
		Countries:  []string{"AT", "AU", "BE", "CA", "CH", "DE", "DK", "ES", "FI", "FR", "GB", "HK", "IE", "IT", "NL", "NO", "NZ", "PL", "PT", "SE", "SG", "US"},
		CaptureMethods: []v1.CaptureMethod{
			v1.CaptureMethod_CAPTURE_METHOD_AUTOMATIC,
			v1.CaptureMethod_CAPTURE_METHOD_MANUAL,
		},
		CredentialFields: []*v1.CredentialField{
			{Name: credPublicKey, Description: "Braintree API public key (Basic auth user; names the signature pair in webhooks).", Required: true},
			{Name: credPrivateKey, Description: "Braintree API private key (Basic auth password; verifies webhooks).", Secret: true, Required: true},
			{Name: credMerchantID, Description: "Merchant account id; the gateway's default merchant account when empty. Config merchant_account_id_<CURRENCY> picks one per currency."},
		},
		Webhooks: &v1.WebhookSupport{
			Supported:       true,
			SignatureScheme: "braintree-bt-signature-hmac-sha1",
			SecretField:     credPrivateKey,
			EventTypes:      webhookKinds(),
		},
		SandboxBaseUrl:    SandboxBaseURL,
		LiveBaseUrl:       LiveBaseURL,
		EgressHosts:       []string{"payments.sandbox.braintree-api.com", "payments.braintree-api.com"},
		ApiVersion:        "Braintree-Version " + APIVersion,
		IdempotencyHeader: idempotencyHeader,
		// No IdempotencyWindowSeconds: Braintree's GraphQL API does not
		// deduplicate mutations (see the README's "Idempotency"), so a call
		// whose outcome is unknown must never be resent automatically.
		Notes: "GraphQL API. Payment methods are Braintree payment method ids: a single-use nonce from a client SDK " +
			"(Drop-in, Hosted Fields, PayPal, Venmo, Apple Pay, Google Pay) or a vaulted multi-use id; raw card numbers are refused. " +
			"Amounts are decimal strings; the currency is the merchant account's (credential merchant_account_id or config " +
			"merchant_account_id_<CURRENCY>), and every answer's currencyCode is checked against the request's. " +
			"Void is reverseTransaction: an unsettled transaction is voided, a settled one is refunded in full (status REVERSED). " +
			"Tokenize and SetupRecurring vault the payment method (vaultPaymentMethod, verified by default). " +
			"SubmitEvidence adds one text evidence (createDisputeTextEvidence; file evidence is not supported); Defend is finalizeDispute. " +
			"Braintree's public GraphQL API has no idempotency key (its At-Most-Once ApiRequestKey is not generally available): " +
			"the Idempotency-Key header (derived from the merchant's ids) is sent for tracing and Braintree ignores it, so mutations " +
			"are not marked retry-safe and the host never repeats one (a repeat could refund or charge twice); " +
			"clientMutationId and orderId carry the merchant's ids for reconciliation. After a timeout, Get the transaction before retrying. Webhooks carry no event id: the event id is derived from kind, timestamp and subject id.",
	}
}
