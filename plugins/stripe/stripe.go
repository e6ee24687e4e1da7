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
func flows() []pdk.Flow {
	return []pdk.Flow{
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
	}
}
