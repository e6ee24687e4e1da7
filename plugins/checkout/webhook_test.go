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
