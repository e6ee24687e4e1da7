// Package adyen is the Adyen connector: Checkout API v71 for payments,
// modifications and stored payment methods, Disputes API v30 for chargebacks,
// the Transfers API v4 and the classic Payout API v68 for payouts, and
// HMAC-signed notifications for webhooks. It runs in WebAssembly (plugins/adyen/wasm).
package adyen

import "github.com/connectorhost/connector-host/pdk"

// New returns the Adyen connector. Each call returns a fresh value.
func New() *pdk.Connector {
	return &pdk.Connector{
		Manifest: manifest(),
		Flows: []pdk.Flow{
			pdk.Authorize(authorize),
			pdk.VerifyRedirectResponse(details),
			pdk.Capture(capture),
			pdk.Void(void),
			pdk.Reverse(reverse),
			pdk.Refund(refund),
			pdk.IncrementalAuthorization(amountUpdate),
			pdk.SetupRecurring(setupRecurring),
			pdk.RecurringCharge(recurringCharge),
			pdk.RecurringRevoke(recurringRevoke),
			pdk.DisputeGet(disputeGet),
			pdk.DisputeAccept(disputeAccept),
			pdk.DisputeDefend(disputeDefend()),
			pdk.DisputeSubmitEvidence(submitEvidence),
			pdk.PayoutCreate(payoutCreate()),
			pdk.PayoutGet(payoutGet),
			pdk.PayoutCancel(payoutCancel()),
			pdk.PayoutCreateRecipient(payoutRecipient),
		},
		VerifyWebhook: verifyWebhook,
		ParseWebhook:  parseWebhook,
	}
}
