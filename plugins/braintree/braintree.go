// Package braintree is the Braintree connector: Braintree's GraphQL API
// (one POST /graphql endpoint, Basic auth with the API key pair, a
// Braintree-Version date header) and its bt_signature / bt_payload webhooks.
//
// The connector only transforms data: every Build handler turns a unified
// request into one GraphQL mutation or query and every Parse handler turns
// the answer (data and the errors array, which arrives with HTTP 200) into a
// unified response. It runs inside WebAssembly (plugins/braintree/wasm) and
// natively in tests through pdk/pdktest.
package braintree

import "github.com/connectorhost/connector-host/pdk"

// New returns the Braintree connector with its manifest, flow handlers and
// webhook verifier and parser. Each call returns a fresh value.
func New() *pdk.Connector {
	return &pdk.Connector{
		Manifest: manifest(),
		Flows: []pdk.Flow{
			pdk.Authorize(pdk.H(buildAuthorize, parseAuthorize)),
			pdk.Capture(pdk.H(buildCapture, parseCapture)),
			pdk.Void(pdk.H(buildVoid, parseVoid)),
			pdk.Get(pdk.H(buildGet, parseGet)),
			pdk.Refund(pdk.H(buildRefund, parseRefund)),
			pdk.RecurringCharge(pdk.H(buildRecurringCharge, parseRecurringCharge)),
			pdk.CreateCustomer(pdk.H(buildCreateCustomer, parseCreateCustomer)),
			pdk.Tokenize(pdk.H(buildTokenize, parseTokenize)),
			pdk.SetupRecurring(pdk.H(buildSetupRecurring, parseSetupRecurring)),
			pdk.DisputeGet(pdk.H(buildDisputeGet, parseDisputeGet)),
			pdk.RefundGet(pdk.H(buildRefundGet, parseRefundGet)),
			pdk.DisputeAccept(pdk.H(buildDisputeAccept, parseDisputeAccept)),
			pdk.DisputeSubmitEvidence(pdk.H(buildSubmitEvidence, parseSubmitEvidence)),
			pdk.DisputeDefend(pdk.H(buildDefend, parseDefend)),
		},
		VerifyWebhook: webhooks.Verify,
		ParseWebhook:  webhooks.Parse,
	}
}
