// Package checkout is the Checkout.com connector: the unified payments API
// ("NAS" account structure) for card payments with 3-D Secure redirects,
// captures, voids, refunds and payment actions, stored instruments for
// merchant-initiated charges, customers, disputes, and webhooks signed with
// Cko-Signature (HMAC-SHA256 of the raw body).
//
// The connector only transforms data: every Build handler turns a unified
// request into one Checkout.com HTTP request and every Parse handler turns
// the answer into a unified response. It runs inside WebAssembly (see
// plugins/checkout/wasm) and natively in tests through pdk/pdktest.
package checkout

import "github.com/connectorhost/connector-host/pdk"

// New returns the Checkout.com connector with its manifest, flow handlers and
// webhook verifier. Each call returns a fresh value.
func New() *pdk.Connector {
	return &pdk.Connector{
		Manifest: manifest(),
		Flows: []pdk.Flow{
			pdk.Authorize(pdk.H(buildAuthorize, parseAuthorize)),
			pdk.VerifyRedirectResponse(pdk.H(buildVerifyRedirect, parseVerifyRedirect)),
			pdk.Get(pdk.H(buildGet, parseGet)),
			pdk.Capture(capture),
			pdk.Void(void),
			pdk.Refund(refund),
			pdk.RefundGet(pdk.H(buildRefundGet, parseRefundGet)),
			pdk.SetupRecurring(pdk.H(buildSetupRecurring, parseSetupRecurring)),
			pdk.RecurringCharge(pdk.H(buildRecurringCharge, parseRecurringCharge)),
			pdk.CreateCustomer(pdk.H(buildCreateCustomer, parseCreateCustomer)),
			pdk.Tokenize(pdk.H(buildTokenize, parseTokenize)),
			pdk.DisputeGet(pdk.H(buildDisputeGet, parseDisputeGet)),
			pdk.DisputeAccept(pdk.H(buildDisputeAccept, parseDisputeAccept)),
			pdk.DisputeSubmitEvidence(pdk.H(buildSubmitEvidence, parseSubmitEvidence)),
		},
		VerifyWebhook: verifyWebhook,
		ParseWebhook:  parseWebhook,
	}
}
