// Package adyen is the Adyen connector: Checkout API v71 for payments,
// modifications and stored payment methods, Disputes API v30 for chargebacks,
// and HMAC-signed standard notifications for webhooks.
//
// The connector only transforms data: every Build handler turns a unified
// request into one Adyen HTTP request and every Parse handler turns Adyen's
// answer into a unified response. It runs inside WebAssembly (see
// plugins/adyen/wasm) and natively in tests through pdk/pdktest.
package adyen

import (
	"github.com/connectorhost/connector-host/pdk"
)

// New returns the Adyen connector with its manifest, flow handlers and
// webhook verifier. Each call returns a fresh value.
func New() *pdk.Connector {
	return &pdk.Connector{
		Manifest: manifest(),
		Flows: []pdk.Flow{
			pdk.Authorize(pdk.H(buildAuthorize, parseAuthorize)),
			pdk.VerifyRedirectResponse(pdk.H(buildDetails, parseDetails)),
			pdk.Capture(pdk.H(buildCapture, parseCapture)),
			pdk.Void(pdk.H(buildVoid, parseVoid)),
			pdk.Reverse(pdk.H(buildReverse, parseReverse)),
			pdk.Refund(pdk.H(buildRefund, parseRefund)),
			pdk.IncrementalAuthorization(pdk.H(buildAmountUpdate, parseAmountUpdate)),
			pdk.SetupRecurring(pdk.H(buildSetupRecurring, parseSetupRecurring)),
			pdk.RecurringCharge(pdk.H(buildRecurringCharge, parseRecurringCharge)),
			pdk.RecurringRevoke(pdk.H(buildRecurringRevoke, parseRecurringRevoke)),
			pdk.DisputeGet(pdk.H(buildDisputeGet, parseDisputeGet)),
			pdk.DisputeAccept(pdk.H(buildDisputeAccept, parseDisputeAccept)),
			pdk.DisputeDefend(pdk.H(buildDisputeDefend, parseDisputeDefend)),
			pdk.DisputeSubmitEvidence(pdk.H(buildSubmitEvidence, parseSubmitEvidence)),
			pdk.PayoutCreate(payoutCreateHandler),
			pdk.PayoutGet(payoutGetHandler),
			pdk.PayoutCancel(payoutCancelHandler),
			pdk.PayoutCreateRecipient(payoutRecipientHandler),
		},
		VerifyWebhook: verifyWebhook,
		ParseWebhook:  parseWebhook,
	}
}
