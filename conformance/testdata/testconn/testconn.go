// Package testconn is "TestPay", a small fictional processor connector the
// conformance suite tests itself with: a JSON API with decimal amounts,
// bearer-token auth, idempotency keys and timestamped HMAC webhooks.
//
// Defects switches on deliberate bugs, one per field. The WebAssembly test
// plugins register it: conformance/testdata/good without defects, and each
// conformance/testdata/broken/<name> with the one defect its name says. The
// suite's native tests use the other defects through conformance.RunConnector.
//
// Its fixtures are in conformance/testdata/testconn/fixtures.
package testconn

import (
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk"
)

// Defects are deliberate bugs; the zero value is a correct connector.
type Defects struct {
	// WrongStatus maps TestPay's "requires_capture" to CHARGED instead of AUTHORIZED.
	WrongStatus bool
	// SecretInURL puts the API key in the Authorize URL's query string.
	SecretInURL bool
	// TrapOnHTML panics when an answer is an HTML page.
	TrapOnHTML bool
	// UndeclaredHost sends refunds to a host missing from egress_hosts.
	UndeclaredHost bool
	// AcceptTampered skips the signature comparison for test-mode webhooks.
	AcceptTampered bool
	// NonDeterministic writes Authorize metadata by ranging over a Go map.
	NonDeterministic bool
	// MemoryHog allocates without bound on answers over 512 KiB.
	MemoryHog bool

	// NoIdempotency sends Authorize without an idempotency key.
	NoIdempotency bool
	// SecretInBody copies the API key into the Authorize body.
	SecretInBody bool
	// FixedTwoDecimals writes every amount with two decimals (JPY, BHD wrong).
	FixedTwoDecimals bool
	// UnknownIsSuccess maps unknown payment statuses to CHARGED.
	UnknownIsSuccess bool
	// SuccessOnServerError reads a 5xx answer's body as if it were a 200.
	SuccessOnServerError bool
	// AcceptStale never checks the webhook timestamp.
	AcceptStale bool
	// WrongEventKind reports payment webhooks as EVENT_KIND_OTHER.
	WrongEventKind bool
	// TrapOnControlBytes panics on answers and webhooks with control bytes.
	TrapOnControlBytes bool
	// UnsupportedGooglePay declares Google Pay but refuses it.
	UnsupportedGooglePay bool
	// UnhandledReverse declares FLOW_REVERSE without a handler.
	UnhandledReverse bool
	// UnmarkedSecret declares a "signing_key" credential not marked secret.
	UnmarkedSecret bool
	// NoVersion leaves manifest.version empty.
	NoVersion bool
	// SandboxOutsideEgress sets a sandbox base URL whose host is not in egress_hosts.
	SandboxOutsideEgress bool
	// CaptureOmitsAmount sends Capture without the amount (as if the
	// processor always captured the authorized amount) yet reports the
	// answer's amount as captured without comparing it with the request's.
	CaptureOmitsAmount bool
}

// API facts.
const (
	// BaseURL is TestPay's API.
	BaseURL           = "https://api.testpay.example"
	idempotencyHeader = "Idempotency-Key"
	signatureHeader   = "TestPay-Signature"
	credAPIKey        = "api_key"
	credWebhookSecret = "webhook_secret"
	webhookTolerance  = 300
)

// New returns the TestPay connector named name with defects d.
func New(name string, d Defects) *pdk.Connector {
	c := &conn{d: d}
	m := &v1.Manifest{
		Name:        name,
		Version:     "1.0.0",
		DisplayName: "TestPay (conformance test connector)",
		PaymentMethods: []v1.PaymentMethodType{
			v1.PaymentMethodType_PAYMENT_METHOD_TYPE_CARD,
			v1.PaymentMethodType_PAYMENT_METHOD_TYPE_PROCESSOR_TOKEN,
		},
		Currencies:     []string{"BHD", "EUR", "JPY", "USD"},
		CaptureMethods: []v1.CaptureMethod{v1.CaptureMethod_CAPTURE_METHOD_AUTOMATIC, v1.CaptureMethod_CAPTURE_METHOD_MANUAL},
		CredentialFields: []*v1.CredentialField{
			{Name: credAPIKey, Description: "TestPay secret API key.", Secret: true, Required: true},
			{Name: credWebhookSecret, Description: "Webhook signing secret.", Secret: true},
		},
		Webhooks: &v1.WebhookSupport{
			Supported: true, SignatureScheme: "testpay-hmac-sha256", SecretField: credWebhookSecret,
			EventTypes: []string{"payment.updated", "refund.updated"}, Timestamped: true, ToleranceSeconds: webhookTolerance,
		},
		SandboxBaseUrl:    BaseURL,
		LiveBaseUrl:       BaseURL,
		EgressHosts:       []string{"api.testpay.example"},
		IdempotencyHeader: idempotencyHeader,
		ApiVersion:        "2026-01",
		Notes:             "A fictional processor used to test the conformance suite.",
	}
	if d.UnsupportedGooglePay {
		m.PaymentMethods = append(m.PaymentMethods, v1.PaymentMethodType_PAYMENT_METHOD_TYPE_GOOGLE_PAY)
	}
	if d.UnmarkedSecret {
		m.CredentialFields = append(m.CredentialFields, &v1.CredentialField{Name: "signing_key", Description: "Request signing key."})
	}
	if d.NoVersion {
		m.Version = ""
	}
	if d.SandboxOutsideEgress {
		m.SandboxBaseUrl = "https://sandbox.testpay.example"
	}
	flows := []pdk.Flow{
		pdk.Authorize(pdk.H(c.buildAuthorize, c.parseAuthorize)),
		pdk.Capture(pdk.H(c.buildCapture, c.parseCapture)),
		pdk.Get(pdk.H(c.buildGet, c.parseGet)),
		pdk.Void(pdk.H(c.buildVoid, c.parseVoid)),
		pdk.Refund(pdk.H(c.buildRefund, c.parseRefund)),
	}
	if d.UnhandledReverse {
		m.Flows = []v1.Flow{v1.Flow_FLOW_AUTHORIZE, v1.Flow_FLOW_CAPTURE, v1.Flow_FLOW_GET, v1.Flow_FLOW_VOID, v1.Flow_FLOW_REVERSE, v1.Flow_FLOW_REFUND}
	}
	return &pdk.Connector{Manifest: m, Flows: flows, VerifyWebhook: c.verifyWebhook, ParseWebhook: c.parseWebhook}
}

// conn holds the connector's defects; handlers are its methods.
type conn struct{ d Defects }
