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
		Flows: pdk.Flows{
			CreateCustomer:  pdk.H(buildCreateCustomer, parseCreateCustomer),
			Tokenize:        pdk.H(buildTokenize, parseTokenize),
			SetupRecurring:  pdk.H(buildSetupRecurring, parseSetupRecurring),
			Authorize:       pdk.H(buildAuthorize, parseAuthorize),
			RecurringCharge: pdk.H(buildRecurringCharge, parseRecurringCharge),
			RecurringRevoke: pdk.H(buildRevoke, parseRevoke),
			Get:             pdk.H(buildGet, parseGet),
			Void:            pdk.H(buildVoid, parseVoid),
			Refund:          pdk.H(buildRefund, parseRefund),
			RefundGet:       pdk.H(buildRefundGet, parseRefundGet),
		},
		VerifyWebhook: verifyWebhook,
		ParseWebhook:  parseWebhook,
	}
}
