// Package square is the Square connector: the Payments, Refunds, Customers,
// Cards and Disputes APIs (Square-Version 2025-08-20) and HMAC-SHA256 signed
// webhooks.
//
// The connector only transforms data: every Build handler turns a unified
// request into one Square HTTP request and every Parse handler turns Square's
// answer into a unified response. It runs inside WebAssembly (see
// plugins/square/wasm) and natively in tests through pdk/pdktest.
package square

import (
	"github.com/connectorhost/connector-host/pdk"
)

// New returns the Square connector with its manifest, flow handlers and
// webhook verifier. Each call returns a fresh value.
func New() *pdk.Connector {
	return &pdk.Connector{
		Manifest: manifest(),
		Flows: []pdk.Flow{
			pdk.Authorize(pdk.H(buildAuthorize, parseAuthorize)),
			pdk.Capture(pdk.H(buildCapture, parseCapture)),
			pdk.Void(pdk.H(buildVoid, parseVoid)),
			pdk.Get(pdk.H(buildGet, parseGet)),
			pdk.Refund(pdk.H(buildRefund, parseRefund)),
			pdk.RefundGet(pdk.H(buildRefundGet, parseRefundGet)),
			pdk.CreateCustomer(pdk.H(buildCreateCustomer, parseCreateCustomer)),
			pdk.Tokenize(pdk.H(buildTokenize, parseTokenize)),
			pdk.SetupRecurring(pdk.H(buildSetupRecurring, parseSetupRecurring)),
			pdk.RecurringCharge(pdk.H(buildRecurringCharge, parseRecurringCharge)),
			pdk.DisputeGet(pdk.H(buildDisputeGet, parseDisputeGet)),
			pdk.DisputeAccept(pdk.H(buildDisputeAccept, parseDisputeAccept)),
			pdk.DisputeSubmitEvidence(pdk.H(buildSubmitEvidence, parseSubmitEvidence)),
			pdk.DisputeDefend(pdk.H(buildDefend, parseDefend)),
		},
		VerifyWebhook: webhooks.Verify,
		ParseWebhook:  webhooks.Parse,
	}
}
