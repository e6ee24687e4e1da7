package square

import (
	"strings"
	"testing"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk/pdktest"
	"github.com/connectorhost/connector-host/pdk/sig"
)

// Vectors published in Square's official SDKs' webhook helper tests (the
// same values in square-go-sdk client/webhooks_helper_test.go,
// square-python-sdk tests/utils/test_webhooks_helper.py, square-nodejs-sdk
// and square-php-sdk): body, signature key, notification URL and the
// x-square-hmacsha256-signature Square computed.
var sdkVectors = []struct {
	name, body, signature, key, url string
}{
	{"test notification",
		`{"merchant_id":"MLEFBHHSJGVHD","type":"webhooks.test_notification","event_id":"ac3ac95b-f97d-458c-a6e6-18981597e05f","created_at":"2022-07-13T20:30:59.037339943Z","data":{"type":"webhooks","id":"bc368e64-01aa-407e-b46e-3231809b1129"}}`,
		"GF4YkrJgGBDZ9NIYbNXBnMzqb2HoL4RW/S6vkZ9/2N4=", "Ibxx_5AKakO-3qeNVR61Dw", "https://webhook.site/679a4f3a-dcfa-49ee-bac5-9d0edad886b9"},
	{"characters a JSON encoder would escape, signed unescaped",
		`{"data":{"type":"webhooks","id":">id<"}}`,
		"Cxt7+aTi4rKgcA0bC4g9EHdVtLSDWdqccmL5MvihU4U=", "signature-key", "https://webhook.site/webhooks"},
}

func verify(t *testing.T, body, signature string, creds map[string]string, url string) *pluginv1.VerifyWebhookOutput {
	t.Helper()
	out, err := pdktest.New(New()).VerifyWebhook(&pluginv1.VerifyWebhookInput{
		Webhook: &v1.WebhookRequest{Method: "POST", Url: url, Body: []byte(body),
			Headers: []*v1.HttpHeader{{Name: "X-Square-HmacSha256-Signature", Value: signature}}},
		Context: &pluginv1.CallContext{Credentials: creds},
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func wantRejected(t *testing.T, out *pluginv1.VerifyWebhookOutput, reason pluginv1.RejectionReason) {
	t.Helper()
	if out.GetRejection().GetReason() != reason {
		t.Fatalf("result = %v, want rejection %v", out, reason)
	}
}

// TestWebhookSDKVectors verifies Square's published vectors (the second has
// no type or event_id, so after the signature verifies it is refused as not
// an event) and refuses every tampered variant.
func TestWebhookSDKVectors(t *testing.T) {
	for _, v := range sdkVectors {
		t.Run(v.name, func(t *testing.T) {
			creds := map[string]string{credWebhookKey: v.key, credWebhookURL: v.url}
			out := verify(t, v.body, v.signature, creds, "https://ignored.example/")
			if strings.Contains(v.body, "event_id") {
				evs := out.GetVerified().GetEvents()
				if len(evs) != 1 || !evs[0].GetVerified() || evs[0].GetEventId() != "ac3ac95b-f97d-458c-a6e6-18981597e05f" ||
					evs[0].GetConnectorEventType() != "webhooks.test_notification" || evs[0].GetKind() != v1.EventKind_EVENT_KIND_OTHER {
					t.Fatalf("result = %v", out)
				}
			} else {
				wantRejected(t, out, pluginv1.RejectionReason_REJECTION_REASON_MALFORMED_BODY)
			}
			// The URL the webhook arrived at is signed when no URL is configured.
			if out := verify(t, v.body, v.signature, map[string]string{credWebhookKey: v.key}, v.url); out.GetRejection().GetReason() == pluginv1.RejectionReason_REJECTION_REASON_SIGNATURE_MISMATCH {
				t.Fatalf("the received URL was not used: %v", out)
			}
			mismatch := pluginv1.RejectionReason_REJECTION_REASON_SIGNATURE_MISMATCH
			wantRejected(t, verify(t, v.body+" ", v.signature, creds, ""), mismatch)
			wantRejected(t, verify(t, strings.Replace(v.body, "webhooks", "webhookz", 1), v.signature, creds, ""), mismatch)
			if strings.Contains(v.body, "created_at") {
				// Square's signature has no timestamp of its own: the event's
				// created_at is inside the signed body, so moving it is refused.
				wantRejected(t, verify(t, strings.Replace(v.body, "2022-07-13", "2022-07-14", 1), v.signature, creds, ""), mismatch)
			}
			wantRejected(t, verify(t, v.body, v.signature, map[string]string{credWebhookKey: v.key + "x", credWebhookURL: v.url}, ""), mismatch)
			wantRejected(t, verify(t, v.body, v.signature, map[string]string{credWebhookKey: v.key, credWebhookURL: v.url + "/"}, ""), mismatch)
			wantRejected(t, verify(t, v.body, "A"+v.signature[1:], creds, ""), mismatch)
			wantRejected(t, verify(t, v.body, "not base64!", creds, ""), pluginv1.RejectionReason_REJECTION_REASON_MALFORMED_SIGNATURE)
			wantRejected(t, verify(t, v.body, "", creds, ""), pluginv1.RejectionReason_REJECTION_REASON_MISSING_SIGNATURE)
			wantRejected(t, verify(t, v.body, v.signature, map[string]string{credWebhookURL: v.url}, ""), pluginv1.RejectionReason_REJECTION_REASON_MISSING_SECRET)
		})
	}
}

// TestWebhookEventsNormalized checks the typed payloads a caller acts on.
func TestWebhookEventsNormalized(t *testing.T) {
	creds := map[string]string{credWebhookKey: testWebhookKey, credWebhookURL: testWebhookURL}
	sign := func(body string) string {
		return sig.HMACSHA256Base64([]byte(testWebhookKey), []byte(testWebhookURL+body))
	}
	cases := []struct {
		name, body string
		check      func(e *v1.Event) bool
	}{
		{"declined payment", `{"type":"payment.updated","event_id":"e1","data":{"object":{"payment":{"id":"P1","status":"FAILED","amount_money":{"amount":500,"currency":"USD"},"card_details":{"errors":[{"category":"PAYMENT_METHOD_ERROR","code":"CVV_FAILURE","detail":"Authorization error: 'CVV_FAILURE'"}]}}}}}`,
			func(e *v1.Event) bool {
				p := e.GetPayment()
				return p.GetStatus() == v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZATION_FAILED && p.GetError().GetCode() == v1.ErrorCode_ERROR_CODE_INCORRECT_CVC &&
					p.GetError().GetConnector().GetCode() == "CVV_FAILURE" && p.GetCapturedAmount() == nil
			}},
		{"approved payment", `{"type":"payment.created","event_id":"e2","data":{"object":{"payment":{"id":"P2","status":"APPROVED","amount_money":{"amount":1,"currency":"BHD"}}}}}`,
			func(e *v1.Event) bool {
				return e.GetPayment().GetStatus() == v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZED && e.GetPayment().GetAmount().GetMinorAmount() == 1
			}},
		{"rejected refund", `{"type":"refund.updated","event_id":"e3","data":{"object":{"refund":{"id":"R1","payment_id":"P1","status":"REJECTED","amount_money":{"amount":5,"currency":"USD"}}}}}`,
			func(e *v1.Event) bool { return e.GetRefund().GetStatus() == v1.RefundStatus_REFUND_STATUS_FAILED }},
		{"forgotten card", `{"type":"card.forgotten","event_id":"e4","data":{"object":{"card":{"id":"ccof:1","customer_id":"C1","enabled":false}}}}`,
			func(e *v1.Event) bool { return e.GetMandate().GetStatus() == v1.MandateStatus_MANDATE_STATUS_REVOKED }},
		// Square's OpenAPI spec and SDKs name the dispute "object"
		// (DisputeCreatedEventObject), its reference examples "dispute".
		{"dispute in the spec's shape", `{"type":"dispute.created","event_id":"e7","data":{"type":"dispute","id":"D1","object":{"object":{"id":"D1","state":"EVIDENCE_REQUIRED","reason":"NOT_AS_DESCRIBED","amount_money":{"amount":8801,"currency":"USD"},"disputed_payment":{"payment_id":"P1"}}}}}`,
			func(e *v1.Event) bool {
				d := e.GetDispute()
				return d.GetConnectorDisputeId() == "D1" && d.GetConnectorTransactionId() == "P1" && d.GetAmount().GetMinorAmount() == 8801
			}},
		{"unknown payment status is never a success", `{"type":"payment.updated","event_id":"e5","data":{"object":{"payment":{"id":"P3","status":"BRAND_NEW","amount_money":{"amount":5,"currency":"USD"}}}}}`,
			func(e *v1.Event) bool { return e.GetPayment().GetStatus() == v1.PaymentStatus_PAYMENT_STATUS_UNKNOWN }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out := verify(t, tc.body, sign(tc.body), creds, "")
			evs := out.GetVerified().GetEvents()
			if len(evs) != 1 || !evs[0].GetVerified() || !tc.check(evs[0]) {
				t.Fatalf("result = %v", out)
			}
		})
	}
	// A verified body whose object is not what its type says is refused, not half-read.
	bad := `{"type":"payment.updated","event_id":"e6","data":{"object":{"payment":"P1"}}}`
	wantRejected(t, verify(t, bad, sign(bad), creds, ""), pluginv1.RejectionReason_REJECTION_REASON_MALFORMED_BODY)
}

// TestWebhookWithoutAmountRefused: a payment or refund event whose object
// has no amount_money (PaymentRefund requires it in Square's api.json, and
// the payment and refund flows refuse an answer without it) or one that
// cannot be read is refused as MALFORMED_BODY, verified or only parsed:
// never an event without its amount, which the host would acknowledge and
// Square would not send again.
func TestWebhookWithoutAmountRefused(t *testing.T) {
	creds := map[string]string{credWebhookKey: testWebhookKey, credWebhookURL: testWebhookURL}
	for name, body := range map[string]string{
		"payment without amount":          `{"type":"payment.updated","event_id":"e1","data":{"object":{"payment":{"id":"P1","status":"COMPLETED"}}}}`,
		"refund without amount":           `{"type":"refund.updated","event_id":"e2","data":{"object":{"refund":{"id":"R1","payment_id":"P1","status":"COMPLETED"}}}}`,
		"payment amount unknown currency": `{"type":"payment.created","event_id":"e3","data":{"object":{"payment":{"id":"P1","status":"APPROVED","amount_money":{"amount":5,"currency":"ZZZ"}}}}}`,
		"refund amount not an integer":    `{"type":"refund.created","event_id":"e4","data":{"object":{"refund":{"id":"R1","status":"PENDING","amount_money":{"amount":5.5,"currency":"USD"}}}}}`,
	} {
		t.Run(name, func(t *testing.T) {
			wantRejected(t, verify(t, body, sig.HMACSHA256Base64([]byte(testWebhookKey), []byte(testWebhookURL+body)), creds, ""),
				pluginv1.RejectionReason_REJECTION_REASON_MALFORMED_BODY)
			parsed, err := pdktest.New(New()).VerifyWebhook(&pluginv1.VerifyWebhookInput{ParseOnly: true,
				Webhook: &v1.WebhookRequest{Method: "POST", Body: []byte(body)}, Context: &pluginv1.CallContext{}})
			if err != nil {
				t.Fatal(err)
			}
			wantRejected(t, parsed, pluginv1.RejectionReason_REJECTION_REASON_MALFORMED_BODY)
		})
	}
}
