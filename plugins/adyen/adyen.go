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
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk"
)

// New returns the Adyen connector with its manifest, flow handlers and
// webhook verifier. Each call returns a fresh value.
func New() *pdk.Connector {
	return &pdk.Connector{
		Manifest: manifest(),
		Flows: pdk.Flows{
			Authorize: pdk.Handler[*v1.PaymentServiceAuthorizeRequest, *v1.PaymentServiceAuthorizeResponse]{
				Build: buildAuthorize, Parse: parseAuthorize,
			},
			VerifyRedirectResponse: pdk.Handler[*v1.PaymentServiceVerifyRedirectResponseRequest, *v1.PaymentServiceVerifyRedirectResponseResponse]{
				Build: buildDetails, Parse: parseDetails,
			},
			Capture: pdk.Handler[*v1.PaymentServiceCaptureRequest, *v1.PaymentServiceCaptureResponse]{
				Build: buildCapture, Parse: parseCapture,
			},
			Void: pdk.Handler[*v1.PaymentServiceVoidRequest, *v1.PaymentServiceVoidResponse]{
				Build: buildVoid, Parse: parseVoid,
			},
			Reverse: pdk.Handler[*v1.PaymentServiceReverseRequest, *v1.PaymentServiceReverseResponse]{
				Build: buildReverse, Parse: parseReverse,
			},
			Refund: pdk.Handler[*v1.PaymentServiceRefundRequest, *v1.PaymentServiceRefundResponse]{
				Build: buildRefund, Parse: parseRefund,
			},
			IncrementalAuthorization: pdk.Handler[*v1.PaymentServiceIncrementalAuthorizationRequest, *v1.PaymentServiceIncrementalAuthorizationResponse]{
				Build: buildAmountUpdate, Parse: parseAmountUpdate,
			},
			SetupRecurring: pdk.Handler[*v1.PaymentServiceSetupRecurringRequest, *v1.PaymentServiceSetupRecurringResponse]{
				Build: buildSetupRecurring, Parse: parseSetupRecurring,
			},
			RecurringCharge: pdk.Handler[*v1.RecurringPaymentServiceChargeRequest, *v1.RecurringPaymentServiceChargeResponse]{
				Build: buildRecurringCharge, Parse: parseRecurringCharge,
			},
			RecurringRevoke: pdk.Handler[*v1.RecurringPaymentServiceRevokeRequest, *v1.RecurringPaymentServiceRevokeResponse]{
				Build: buildRecurringRevoke, Parse: parseRecurringRevoke,
			},
			DisputeGet: pdk.Handler[*v1.DisputeServiceGetRequest, *v1.DisputeServiceGetResponse]{
				Build: buildDisputeGet, Parse: parseDisputeGet,
			},
			DisputeAccept: pdk.Handler[*v1.DisputeServiceAcceptRequest, *v1.DisputeServiceAcceptResponse]{
				Build: buildDisputeAccept, Parse: parseDisputeAccept,
			},
			DisputeDefend: pdk.Handler[*v1.DisputeServiceDefendRequest, *v1.DisputeServiceDefendResponse]{
				Build: buildDisputeDefend, Parse: parseDisputeDefend,
			},
			DisputeSubmitEvidence: pdk.Handler[*v1.DisputeServiceSubmitEvidenceRequest, *v1.DisputeServiceSubmitEvidenceResponse]{
				Build: buildSubmitEvidence, Parse: parseSubmitEvidence,
			},
			PayoutCreate:          payoutCreateHandler,
			PayoutGet:             payoutGetHandler,
			PayoutCancel:          payoutCancelHandler,
			PayoutCreateRecipient: payoutRecipientHandler,
		},
		VerifyWebhook: verifyWebhook,
		ParseWebhook:  parseWebhook,
	}
}
