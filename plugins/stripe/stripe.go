// Package stripe is the Stripe connector plugin: it turns the unified
// payments API into Stripe API requests (PaymentIntents, SetupIntents,
// Refunds, Customers, PaymentMethods, Disputes) and Stripe's answers and
// webhooks back into unified responses and events.
//
// The plugin only transforms data; the host sends the requests. Every handler
// is deterministic: it reads time and randomness only from pdk.Context and
// never iterates a map to produce output.
package stripe

import "github.com/connectorhost/connector-host/pdk"

// New returns the Stripe connector: its manifest, flow handlers and webhook
// verifier. Each call returns a fresh Connector.
func New() *pdk.Connector {
	return &pdk.Connector{
		Manifest:      newManifest(),
		Flows:         flows(),
		VerifyWebhook: verifyWebhook,
		ParseWebhook:  parseWebhook,
	}
}

// flows wires every supported flow to its handler.
func flows() pdk.Flows {
	return pdk.Flows{
		Authorize:                authorizeHandler,
		Capture:                  captureHandler,
		Get:                      getHandler,
		Void:                     voidHandler,
		Refund:                   refundHandler,
		SetupRecurring:           setupRecurringHandler,
		IncrementalAuthorization: incrementHandler,
		VerifyRedirectResponse:   verifyRedirectHandler,
		RecurringCharge:          recurringChargeHandler,
		RecurringRevoke:          recurringRevokeHandler,
		RefundGet:                refundGetHandler,
		RefundCancel:             refundCancelHandler,
		DisputeSubmitEvidence:    disputeSubmitEvidenceHandler,
		DisputeGet:               disputeGetHandler,
		DisputeDefend:            disputeDefendHandler,
		DisputeAccept:            disputeAcceptHandler,
		Tokenize:                 tokenizeHandler,
		CreateCustomer:           createCustomerHandler,
		PayoutCreate:             payoutCreateHandler,
		PayoutGet:                payoutGetHandler,
		PayoutCancel:             payoutCancelHandler,
		PayoutCreateRecipient:    payoutRecipientHandler,
	}
}
