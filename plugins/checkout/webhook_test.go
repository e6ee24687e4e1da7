package checkout

import (
	"strings"
	"testing"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk/pdktest"
	"github.com/connectorhost/connector-host/pdk/sig"
)

// Checkout.com signs each webhook with the endpoint's signature key:
// Cko-Signature is the lower-case hex HMAC-SHA256 of the raw request body
// (docs: "Webhooks > Verify the signature"; checkout.com's docs show it
// computed with any HMAC library over the unparsed body). The scheme signs no
// separate timestamp: created_on is inside the signed body, so changing it is
// a body forgery (tested below) and there is no staleness window. Neither the docs
// nor Checkout.com's SDKs publish a test vector, so this one was computed
// outside Go, with Python's hmac module:
//
//	hmac.new(b"whsec_cko_vector_key", body, hashlib.sha256).hexdigest()
const (
	vectorKey  = "whsec_cko_vector_key"
	vectorBody = `{"id":"evt_az5sblvku4ge3dwpztvyizgcau","type":"payment_approved","version":"1.0.0","created_on":"2019-08-24T14:15:22Z","data":{"id":"pay_mbabizu24mvu3mela5njyhpit4","action_id":"act_mbabizu24mvu3mela5njyhpit4","reference":"ORD-5023-4E89","amount":6540,"currency":"USD","response_code":"10000","response_summary":"Approved"}}`
	vectorSig  = "3774b5f24ac2257eccf73d25099f92f61a1ff8a2cfe5bb0cfe01fa0ce258ea63"
)

func verify(t *testing.T, body, signature, key string) (*pluginv1.VerifyWebhookOutput, error) {
	t.Helper()
	w := &v1.WebhookRequest{Method: "POST", Url: "https://merchant.example/webhooks/checkout", Body: []byte(body)}
	if signature != "" {
		w.Headers = []*v1.HttpHeader{{Name: "cko-signature", Value: signature}}
	}
	creds := map[string]string{}
	if key != "" {
		creds[credWebhookSecret] = key
	}
	return pdktest.New(New()).VerifyWebhook(&pluginv1.VerifyWebhookInput{
		Context: (&pdktest.Call{Credentials: creds}).Context(), Webhook: w,
	})
}

func TestWebhookVectorVerifies(t *testing.T) {
	out, err := verify(t, vectorBody, vectorSig, vectorKey)
	if err != nil {
		t.Fatal(err)
	}
	evs := out.GetVerified().GetEvents()
	if len(evs) != 1 {
		t.Fatalf("result = %v", out)
	}
	e := evs[0]
	p := e.GetPayment()
	if !e.GetVerified() || e.GetEventId() != "evt_az5sblvku4ge3dwpztvyizgcau" || e.GetCreatedAtUnix() != 1566656122 ||
		p.GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZED || p.GetAmount().GetMinorAmount() != 6540 ||
		p.GetConnectorTransactionId() != "pay_mbabizu24mvu3mela5njyhpit4" || p.GetMerchantTransactionId() != "ORD-5023-4E89" {
		t.Fatalf("event = %v", e)
	}
	// The header may arrive upper-cased by a proxy: still the same MAC.
	if out, _ := verify(t, vectorBody, strings.ToUpper(vectorSig), vectorKey); len(out.GetVerified().GetEvents()) != 1 {
		t.Fatalf("upper-case hex refused: %v", out)
	}
}

func TestWebhookForgeriesAreRefused(t *testing.T) {
	flip := func(s string, i int) string { b := []byte(s); b[i] ^= 0x01; return string(b) }
	cases := []struct {
		name, body, sig, key string
		want                 pluginv1.RejectionReason
	}{
		{"body byte flipped", flip(vectorBody, 120), vectorSig, vectorKey, pluginv1.RejectionReason_REJECTION_REASON_SIGNATURE_MISMATCH},
		{"amount changed", strings.Replace(vectorBody, "6540", "9540", 1), vectorSig, vectorKey, pluginv1.RejectionReason_REJECTION_REASON_SIGNATURE_MISMATCH},
		{"timestamp changed", strings.Replace(vectorBody, "2019-08-24T14:15:22Z", "2019-08-25T14:15:22Z", 1), vectorSig, vectorKey, pluginv1.RejectionReason_REJECTION_REASON_SIGNATURE_MISMATCH},
		{"body re-serialized", strings.Replace(vectorBody, `","`, `", "`, 1), vectorSig, vectorKey, pluginv1.RejectionReason_REJECTION_REASON_SIGNATURE_MISMATCH},
		{"signature digit changed", vectorBody, flip(vectorSig, 10), vectorKey, pluginv1.RejectionReason_REJECTION_REASON_SIGNATURE_MISMATCH},
		{"wrong key", vectorBody, vectorSig, vectorKey + "x", pluginv1.RejectionReason_REJECTION_REASON_SIGNATURE_MISMATCH},
		{"signature truncated", vectorBody, vectorSig[:40], vectorKey, pluginv1.RejectionReason_REJECTION_REASON_MALFORMED_SIGNATURE},
		{"signature not hex", vectorBody, strings.Repeat("z", 64), vectorKey, pluginv1.RejectionReason_REJECTION_REASON_MALFORMED_SIGNATURE},
		{"no signature", vectorBody, "", vectorKey, pluginv1.RejectionReason_REJECTION_REASON_MISSING_SIGNATURE},
		{"no key configured", vectorBody, vectorSig, "", pluginv1.RejectionReason_REJECTION_REASON_MISSING_SECRET},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out, err := verify(t, tc.body, tc.sig, tc.key)
			if err != nil {
				t.Fatal(err)
			}
			if out.GetVerified() != nil || out.GetRejection().GetReason() != tc.want {
				t.Fatalf("result = %v, want rejection %v", out, tc.want)
			}
			if strings.Contains(out.GetRejection().GetMessage(), vectorKey) {
				t.Fatal("the rejection message carries the key")
			}
		})
	}
}

func TestWebhookSignedButNotJSONIsMalformed(t *testing.T) {
	body := "<html>not json</html>"
	out, err := verify(t, body, hmacHex(vectorKey, body), vectorKey)
	if err != nil {
		t.Fatal(err)
	}
	if out.GetRejection().GetReason() != pluginv1.RejectionReason_REJECTION_REASON_MALFORMED_BODY {
		t.Fatalf("result = %v", out)
	}
}

func hmacHex(key, body string) string {
	return sig.HMACSHA256Hex([]byte(key), []byte(body))
}

// TestWebhookUnreadableEvent: a verified event of a type the plugin reads
// (payment, refund, dispute) whose data cannot be read (an unknown currency,
// an amount that is not an integer, an amount without a currency, no data,
// no payment, refund action or dispute id) fails with INVALID_RESPONSE
// naming the event, verified or only parsed: never an event without its
// amount or id, which the host would acknowledge and Checkout.com would not
// send again. An event of a type the plugin does not read is still a
// verified OTHER event, whatever its data.
func TestWebhookUnreadableEvent(t *testing.T) {
	for _, tc := range []struct{ name, typ, data string }{
		{"unknown currency", "payment_captured", `{"id":"pay_1","amount":1000,"currency":"ZZZ"}`},
		{"fractional amount", "payment_approved", `{"id":"pay_1","amount":10.5,"currency":"USD"}`},
		{"amount without currency", "payment_approved", `{"id":"pay_1","amount":6540}`},
		{"balances without currency", "payment_captured", `{"id":"pay_1","balances":{"total_authorized":100,"total_captured":20,"available_to_capture":80}}`},
		{"no data", "payment_captured", ``},
		{"no payment id", "payment_captured", `{"amount":1000,"currency":"USD"}`},
		{"refund amount not a number", "payment_refunded", `{"id":"pay_1","action_id":"act_1","amount":"1000","currency":"USD"}`},
		{"no refund action id", "payment_refunded", `{"id":"pay_1","amount":1000,"currency":"USD"}`},
		{"dispute amount without currency", "dispute_received", `{"id":"dsp_1","amount":999,"payment_id":"pay_1"}`},
		{"no dispute id", "dispute_won", `{"amount":999,"currency":"GBP","payment_id":"pay_1"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := `{"id":"evt_odd","type":"` + tc.typ + `","created_on":"2019-08-24T14:15:22Z"`
			if tc.data != "" {
				body += `,"data":` + tc.data
			}
			body += `}`
			out, err := verify(t, body, hmacHex(vectorKey, body), vectorKey)
			if err != nil {
				t.Fatal(err)
			}
			if out.GetVerified() != nil || out.GetRejection() != nil || out.GetError().GetKind() != pluginv1.ErrorKind_ERROR_KIND_INVALID_RESPONSE ||
				!strings.Contains(out.GetError().GetMessage(), "evt_odd") {
				t.Fatalf("result = %v, want an INVALID_RESPONSE error naming the event", out)
			}
			parsed, err := pdktest.New(New()).VerifyWebhook(&pluginv1.VerifyWebhookInput{ParseOnly: true,
				Webhook: &v1.WebhookRequest{Method: "POST", Body: []byte(body)}, Context: (&pdktest.Call{}).Context()})
			if err != nil {
				t.Fatal(err)
			}
			if parsed.GetParsed() != nil || parsed.GetError().GetKind() != pluginv1.ErrorKind_ERROR_KIND_INVALID_RESPONSE {
				t.Fatalf("parsed = %v, want an INVALID_RESPONSE error", parsed)
			}
		})
	}
	t.Run("a type not read is still verified", func(t *testing.T) {
		body := `{"id":"evt_other","type":"payment_returned","data":{"id":"pay_1","amount":"ten","currency":"ZZZ"}}`
		out, err := verify(t, body, hmacHex(vectorKey, body), vectorKey)
		if err != nil {
			t.Fatal(err)
		}
		if evs := out.GetVerified().GetEvents(); len(evs) != 1 || evs[0].GetKind() != v1.EventKind_EVENT_KIND_OTHER || !evs[0].GetVerified() {
			t.Fatalf("result = %v, want a verified OTHER event", out)
		}
	})
}
