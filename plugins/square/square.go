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
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk"
)

// New returns the Square connector with its manifest, flow handlers and
// webhook verifier. Each call returns a fresh value.
func New() *pdk.Connector {
	return &pdk.Connector{
		Manifest: manifest(),
		Flows: pdk.Flows{
			Authorize: pdk.Handler[*v1.PaymentServiceAuthorizeRequest, *v1.PaymentServiceAuthorizeResponse]{
				Build: buildAuthorize, Parse: parseAuthorize,
			},
			Capture: pdk.Handler[*v1.PaymentServiceCaptureRequest, *v1.PaymentServiceCaptureResponse]{
				Build: buildCapture, Parse: parseCapture,
			},
			Void: pdk.Handler[*v1.PaymentServiceVoidRequest, *v1.PaymentServiceVoidResponse]{
				Build: buildVoid, Parse: parseVoid,
			},
			Get: pdk.Handler[*v1.PaymentServiceGetRequest, *v1.PaymentServiceGetResponse]{
				Build: buildGet, Parse: parseGet,
			},
			Refund: pdk.Handler[*v1.PaymentServiceRefundRequest, *v1.PaymentServiceRefundResponse]{
				Build: buildRefund, Parse: parseRefund,
			},
			RefundGet: pdk.Handler[*v1.RefundServiceGetRequest, *v1.RefundServiceGetResponse]{
				Build: buildRefundGet, Parse: parseRefundGet,
			},
			CreateCustomer: pdk.Handler[*v1.CustomerServiceCreateRequest, *v1.CustomerServiceCreateResponse]{
				Build: buildCreateCustomer, Parse: parseCreateCustomer,
			},
			Tokenize: pdk.Handler[*v1.PaymentMethodServiceTokenizeRequest, *v1.PaymentMethodServiceTokenizeResponse]{
				Build: buildTokenize, Parse: parseTokenize,
			},
			SetupRecurring: pdk.Handler[*v1.PaymentServiceSetupRecurringRequest, *v1.PaymentServiceSetupRecurringResponse]{
				Build: buildSetupRecurring, Parse: parseSetupRecurring,
			},
			RecurringCharge: pdk.Handler[*v1.RecurringPaymentServiceChargeRequest, *v1.RecurringPaymentServiceChargeResponse]{
				Build: buildRecurringCharge, Parse: parseRecurringCharge,
			},
			DisputeGet: pdk.Handler[*v1.DisputeServiceGetRequest, *v1.DisputeServiceGetResponse]{
				Build: buildDisputeGet, Parse: parseDisputeGet,
			},
			DisputeAccept: pdk.Handler[*v1.DisputeServiceAcceptRequest, *v1.DisputeServiceAcceptResponse]{
				Build: buildDisputeAccept, Parse: parseDisputeAccept,
			},
			DisputeSubmitEvidence: pdk.Handler[*v1.DisputeServiceSubmitEvidenceRequest, *v1.DisputeServiceSubmitEvidenceResponse]{
				Build: buildSubmitEvidence, Parse: parseSubmitEvidence,
			},
			DisputeDefend: pdk.Handler[*v1.DisputeServiceDefendRequest, *v1.DisputeServiceDefendResponse]{
				Build: buildDefend, Parse: parseDefend,
			},
		},
		VerifyWebhook: verifyWebhook,
		ParseWebhook:  parseWebhook,
	}
}
