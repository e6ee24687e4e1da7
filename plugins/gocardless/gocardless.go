// Package gocardless is the GoCardless connector: bank debits (SEPA Core,
// Bacs, ACH, BECS) through the GoCardless Pro API (GoCardless-Version
// 2015-07-06): customers, customer bank accounts, mandates, payments against
// a mandate, cancellations, refunds, and HMAC-SHA256 signed webhooks.
//
// The connector only transforms data: every Build handler turns a unified
// request into one GoCardless HTTP request and every Parse handler turns the
// answer into a unified response. Multi-step flows (a mandate needs a
// customer and a customer bank account; a refund needs the payment's
// refunded total) ask the host to run the missing step first (pdk.NeedStep).
package gocardless

import "github.com/connectorhost/connector-host/pdk"

// New returns the GoCardless connector with its manifest, flow handlers,
// webhook verifier and webhook parser. Each call returns a fresh value.
func New() *pdk.Connector {
	return &pdk.Connector{
		Manifest: manifest(),
		Flows: []pdk.Flow{
			pdk.CreateCustomer(pdk.H(buildCreateCustomer, parseCreateCustomer)),
			pdk.Tokenize(pdk.H(buildTokenize, parseTokenize)),
			pdk.SetupRecurring(pdk.H(buildSetupRecurring, parseSetupRecurring)),
			pdk.Authorize(pdk.H(buildAuthorize, parseAuthorize)),
			pdk.RecurringCharge(pdk.H(buildRecurringCharge, parseRecurringCharge)),
			pdk.RecurringRevoke(pdk.H(buildRevoke, parseRevoke)),
			pdk.Get(pdk.H(buildGet, parseGet)),
			pdk.Void(pdk.H(buildVoid, parseVoid)),
			pdk.Refund(pdk.H(buildRefund, parseRefund)),
			pdk.RefundGet(pdk.H(buildRefundGet, parseRefundGet)),
		},
		VerifyWebhook: verifyWebhook,
		ParseWebhook:  parseWebhook,
	}
}
