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

import (
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk"
)

// New returns the Checkout.com connector with its manifest, flow handlers and
// webhook verifier. Each call returns a fresh value.
func New() *pdk.Connector {
	return &pdk.Connector{
		Manifest: manifest(),
		Flows: pdk.Flows{
			Authorize: pdk.Handler[*v1.PaymentServiceAuthorizeRequest, *v1.PaymentServiceAuthorizeResponse]{
				Build: buildAuthorize, Parse: parseAuthorize,
			},
			VerifyRedirectResponse: pdk.Handler[*v1.PaymentServiceVerifyRedirectResponseRequest, *v1.PaymentServiceVerifyRedirectResponseResponse]{
				Build: buildVerifyRedirect, Parse: parseVerifyRedirect,
			},
			Get: pdk.Handler[*v1.PaymentServiceGetRequest, *v1.PaymentServiceGetResponse]{
				Build: buildGet, Parse: parseGet,
			},
			Capture: pdk.Handler[*v1.PaymentServiceCaptureRequest, *v1.PaymentServiceCaptureResponse]{
				Build: buildCapture, Parse: parseCapture,
			},
			Void: pdk.Handler[*v1.PaymentServiceVoidRequest, *v1.PaymentServiceVoidResponse]{
				Build: buildVoid, Parse: parseVoid,
			},
			Refund: pdk.Handler[*v1.PaymentServiceRefundRequest, *v1.PaymentServiceRefundResponse]{
				Build: buildRefund, Parse: parseRefund,
			},
			RefundGet: pdk.Handler[*v1.RefundServiceGetRequest, *v1.RefundServiceGetResponse]{
				Build: buildRefundGet, Parse: parseRefundGet,
			},
			SetupRecurring: pdk.Handler[*v1.PaymentServiceSetupRecurringRequest, *v1.PaymentServiceSetupRecurringResponse]{
				Build: buildSetupRecurring, Parse: parseSetupRecurring,
			},
			RecurringCharge: pdk.Handler[*v1.RecurringPaymentServiceChargeRequest, *v1.RecurringPaymentServiceChargeResponse]{
				Build: buildRecurringCharge, Parse: parseRecurringCharge,
			},
			CreateCustomer: pdk.Handler[*v1.CustomerServiceCreateRequest, *v1.CustomerServiceCreateResponse]{
				Build: buildCreateCustomer, Parse: parseCreateCustomer,
			},
			Tokenize: pdk.Handler[*v1.PaymentMethodServiceTokenizeRequest, *v1.PaymentMethodServiceTokenizeResponse]{
				Build: buildTokenize, Parse: parseTokenize,
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
		},
		VerifyWebhook: verifyWebhook,
	}
}
