// Package razorpay is the Razorpay connector: orders (required before any
// payment), server-to-server card and UPI (collect and intent) payments on
// an order through the S2S JSON API, captures, refunds, customers, recurring
// payments on cards and UPI AutoPay tokens, and webhooks signed with
// X-Razorpay-Signature (hex HMAC-SHA256 of the raw body).
//
// The connector only transforms data: every Build handler turns a unified
// request into one Razorpay HTTP request and every Parse handler turns the
// answer into a unified response. Flows that need an order or a customer
// first ask the host for that step (pdk.NeedStep). It runs inside
// WebAssembly (see plugins/razorpay/wasm) and natively in tests through
// pdk/pdktest.
package razorpay

import "github.com/connectorhost/connector-host/pdk"

// New returns the Razorpay connector with its manifest, flow handlers and
// webhook verifier and parser. Each call returns a fresh value.
func New() *pdk.Connector {
	return &pdk.Connector{
		Manifest: manifest(),
		Flows: []pdk.Flow{
			pdk.CreateOrder(pdk.H(buildCreateOrder, parseCreateOrder)),
			pdk.Authorize(pdk.H(buildAuthorize, parseAuthorize)),
			pdk.VerifyRedirectResponse(pdk.H(buildVerifyRedirect, parseVerifyRedirect)),
			pdk.Capture(pdk.H(buildCapture, parseCapture)),
			pdk.Get(pdk.H(buildGet, parseGet)),
			pdk.Refund(refundCall),
			pdk.RefundGet(refundGet),
			pdk.CreateCustomer(pdk.H(buildCreateCustomer, parseCreateCustomer)),
			pdk.SetupRecurring(pdk.H(buildSetupRecurring, parseSetupRecurring)),
			pdk.RecurringCharge(pdk.H(buildRecurringCharge, parseRecurringCharge)),
		},
		VerifyWebhook: webhooks.Verify,
		ParseWebhook:  webhooks.Parse,
	}
}
