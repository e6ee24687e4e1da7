package gocardless

import (
	"strings"
	"testing"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk/pdktest"
	"github.com/connectorhost/connector-host/pdk/sig"
)

// The published vector of GoCardless's official SDKs (the same body, secret
// and signature in gocardless-pro-python tests/webhooks_test.py,
// gocardless-pro-ruby spec/webhook_spec.rb, gocardless-pro-php and
// gocardless-nodejs webhooks tests).
const (
	sdkBody      = `{"events":[{"id":"EV00BD05S5VM2T","created_at":"2018-07-05T09:13:51.404Z","resource_type":"subscriptions","action":"created","links":{"subscription":"SB0003JJQ2MR06"},"details":{"origin":"api","cause":"subscription_created","description":"Subscription created via the API."},"metadata":{}},{"id":"EV00BD05TB8K63","created_at":"2018-07-05T09:13:56.893Z","resource_type":"mandates","action":"created","links":{"mandate":"MD000AMA19XGEC"},"details":{"origin":"api","cause":"mandate_created","description":"Mandate created via the API."},"metadata":{}}]}`
	sdkSecret    = "ED7D658C-D8EB-4941-948B-3973214F2D49"
	sdkSignature = "2693754819d3e32d7e8fcb13c729631f316c6de8dc1cf634d6527f1c07276e7e"
)

func verify(t *testing.T, body, signature, secret string) *pluginv1.VerifyWebhookOutput {
	t.Helper()
	out, err := pdktest.New(New()).VerifyWebhook(&pluginv1.VerifyWebhookInput{
		Webhook: &v1.WebhookRequest{Method: "POST", Url: "https://merchant.example/gc", Body: []byte(body),
			Headers: []*v1.HttpHeader{{Name: "webhook-signature", Value: signature}}},
		Context: &pluginv1.CallContext{Credentials: map[string]string{credWebhookSecret: secret}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestWebhookSDKVectorAndTamperedVariants: the SDKs' vector verifies with
// both events; a flipped body byte, another signature, another secret, a
// missing or non-hex signature and a missing secret are refused.
func TestWebhookSDKVectorAndTamperedVariants(t *testing.T) {
	evs := verify(t, sdkBody, sdkSignature, sdkSecret).GetVerified().GetEvents()
	if len(evs) != 2 || evs[0].GetEventId() != "EV00BD05S5VM2T" || evs[1].GetMandate().GetConnectorSetupId() != "MD000AMA19XGEC" || !evs[1].GetVerified() {
		t.Fatalf("events = %v", evs)
	}
	r := pluginv1.RejectionReason_REJECTION_REASON_SIGNATURE_MISMATCH
	for name, tc := range map[string]struct {
		body, signature, secret string
		want                    pluginv1.RejectionReason
	}{
		"body":      {strings.Replace(sdkBody, "MD000AMA19XGEC", "MD000AMA19XGED", 1), sdkSignature, sdkSecret, r},
		"signature": {sdkBody, strings.Replace(sdkSignature, "26", "27", 1), sdkSecret, r},
		"secret":    {sdkBody, sdkSignature, sdkSecret[:len(sdkSecret)-1] + "A", r},
		"removed":   {sdkBody, "", sdkSecret, pluginv1.RejectionReason_REJECTION_REASON_MISSING_SIGNATURE},
		"not hex":   {sdkBody, "sha256=" + sdkSignature, sdkSecret, pluginv1.RejectionReason_REJECTION_REASON_MALFORMED_SIGNATURE},
		"no secret": {sdkBody, sdkSignature, "", pluginv1.RejectionReason_REJECTION_REASON_MISSING_SECRET},
	} {
		out := verify(t, tc.body, tc.signature, tc.secret)
		if out.GetRejection().GetReason() != tc.want || len(out.GetVerified().GetEvents()) != 0 {
			t.Errorf("%s: %v, want rejection %v", name, out, tc.want)
		}
	}
}

// TestWebhookSignedButMalformedIsRefused: a correctly signed body that is
// not an events list, or an event without its resource link, is refused.
func TestWebhookSignedButMalformedIsRefused(t *testing.T) {
	const secret = "whsec_test_gocardless"
	for _, body := range []string{`{"events":[]}`, `{"events":{}}`, `[]`, `{"events":[{"id":"EV1","resource_type":"payments","action":"failed","links":{}}]}`,
		`{"events":[{"id":"EV1","resource_type":"payments","action":"confirmed","links":{"payment":"PM1"}},"x"]}`} {
		out := verify(t, body, sig.HMACSHA256Hex([]byte(secret), []byte(body)), secret)
		if out.GetRejection().GetReason() != pluginv1.RejectionReason_REJECTION_REASON_MALFORMED_BODY {
			t.Errorf("%s: %v, want MALFORMED_BODY", body, out)
		}
	}
}

// TestParseEventReadsEveryEventWithoutCredentials: ParseEvent names each
// event's type and the ids it references, with no secret.
func TestParseEventReadsEveryEventWithoutCredentials(t *testing.T) {
	body := `{"events":[{"id":"EV1","resource_type":"refunds","action":"paid","links":{"refund":"RF1","payment":"PM1"}},` +
		`{"id":"EV2","resource_type":"payments","action":"failed","links":{"payment":"PM2"},"details":{"cause":"insufficient_funds"}}]}`
	out, err := pdktest.New(New()).VerifyWebhook(&pluginv1.VerifyWebhookInput{
		Webhook: &v1.WebhookRequest{Method: "POST", Body: []byte(body)}, ParseOnly: true, Context: &pluginv1.CallContext{}})
	if err != nil {
		t.Fatal(err)
	}
	ps := out.GetParsed().GetEvents()
	if len(ps) != 2 || ps[0].GetConnectorEventType() != "refunds.paid" || ps[0].GetReferences().GetConnectorRefundId() != "RF1" ||
		ps[0].GetReferences().GetConnectorTransactionId() != "PM1" || ps[1].GetKind() != v1.EventKind_EVENT_KIND_PAYMENT ||
		ps[1].GetReferences().GetConnectorTransactionId() != "PM2" {
		t.Fatalf("parsed = %v", ps)
	}
}
