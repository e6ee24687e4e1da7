// Package example is the connector template: a complete card connector for
// "ExamplePay", a fictional processor with a JSON API. It authorizes
// (POST /v1/payments), captures, voids and reads back payments, refunds them
// and reads refunds back, and verifies webhooks signed with an HMAC of the
// body.
//
// Start a connector by copying this folder to plugins/<name>/ and renaming
// "example" (the package, the manifest's name, the .wasm file) to <name>;
// then replace ExamplePay's API with your processor's, flow by flow, with a
// fixture for each (CONTRIBUTING.md). As it is, the template builds to
// WebAssembly and passes `connector-host conformance` (template_test.go
// proves both).
package example

import (
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk"
)

// ExamplePay's API facts.
const (
	name              = "example" // what callers send in x-connector; the .wasm's base name
	idempotencyHeader = "Idempotency-Key"
	signatureHeader   = "Example-Signature"
	credAPIKey        = "api_key"
	credWebhookSecret = "webhook_secret"
)

// New returns the connector; wasm/main.go registers it.
func New() *pdk.Connector {
	return &pdk.Connector{
		Manifest: &v1.Manifest{
			Name:        name,
			Version:     "0.1.0",
			DisplayName: "ExamplePay (connector template)",
			PaymentMethods: []v1.PaymentMethodType{
				v1.PaymentMethodType_PAYMENT_METHOD_TYPE_CARD, v1.PaymentMethodType_PAYMENT_METHOD_TYPE_PROCESSOR_TOKEN,
			},
			CaptureMethods: []v1.CaptureMethod{v1.CaptureMethod_CAPTURE_METHOD_AUTOMATIC, v1.CaptureMethod_CAPTURE_METHOD_MANUAL},
			CredentialFields: []*v1.CredentialField{
				{Name: credAPIKey, Description: "ExamplePay secret API key (sent only as a Bearer token).", Secret: true, Required: true},
				{Name: credWebhookSecret, Description: "Webhook signing secret; verifies Example-Signature.", Secret: true},
			},
			Webhooks: &v1.WebhookSupport{
				Supported: true, SignatureScheme: "example-signature-hmac-sha256-hex", SecretField: credWebhookSecret,
				EventTypes: []string{"payment.updated", "refund.updated"},
			},
			SandboxBaseUrl:    "https://sandbox.examplepay.example",
			LiveBaseUrl:       "https://api.examplepay.example",
			EgressHosts:       []string{"sandbox.examplepay.example", "api.examplepay.example"},
			IdempotencyHeader: idempotencyHeader,
			ApiVersion:        "2026-01",
			Notes:             "A template: a fictional processor, not a real connector.",
		},
		// One registration per flow (generated, named after the Flow enum); the
		// manifest's flows are derived from the flows registered.
		Flows: []pdk.Flow{
			pdk.Authorize(authorize),
			pdk.Capture(capture),
			pdk.Void(void),
			pdk.Get(get),
			pdk.Refund(refund),
			pdk.RefundGet(refundGet),
		},
		VerifyWebhook: verifyWebhook,
		ParseWebhook:  parseWebhook,
	}
}
