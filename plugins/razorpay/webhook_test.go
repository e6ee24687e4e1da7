package razorpay

import (
	"strings"
	"testing"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk"
	"github.com/connectorhost/connector-host/pdk/pdktest"
	"github.com/connectorhost/connector-host/pdk/sig"
)

// Razorpay signs each webhook with the secret entered on the Dashboard:
// X-Razorpay-Signature is the hex HMAC-SHA256 of the raw request body
// (https://razorpay.com/docs/webhooks/validate-test/). The scheme signs no
// separate timestamp: created_at is inside the signed body, so changing it
// is a body forgery (tested below); de-duplication is on X-Razorpay-Event-Id.
// Razorpay's docs and SDKs publish no fixed vector (razorpay-go's
// utils_test.go computes its own), so this one, on the payment.authorized
// payload shape of https://razorpay.com/docs/webhooks/payloads/payments/,
// was computed outside Go with Python's hmac module:
//
//	hmac.new(b"whsec_rzp_vector_secret", body, hashlib.sha256).hexdigest()
const (
	vectorSecret = "whsec_rzp_vector_secret"
	vectorBody   = `{"entity":"event","account_id":"acc_BFQ7uQEaa7j2z7","event":"payment.authorized","contains":["payment"],"payload":{"payment":{"entity":{"id":"pay_DESlfW9H8K9uqM","entity":"payment","amount":100,"currency":"INR","status":"authorized","order_id":"order_DESlLckIVRkHWj","method":"netbanking","email":"gaurav.kumar@example.com","contact":"+919876543210","created_at":1567674599}}},"created_at":1567674606}`
	vectorSig    = "e9a5286f4333b262c46133c37d9d63123a94293d34f773eb86b2198235cadb87"
)

func hook(body, signature, eventID string) *v1.WebhookRequest {
	w := &v1.WebhookRequest{Method: "POST", Url: "https://merchant.example/webhooks/razorpay", Body: []byte(body)}
	if signature != "" {
		w.Headers = append(w.Headers, &v1.HttpHeader{Name: "x-razorpay-signature", Value: signature})
	}
	if eventID != "" {
		w.Headers = append(w.Headers, &v1.HttpHeader{Name: "X-Razorpay-Event-Id", Value: eventID})
	}
	return w
}

func verify(t *testing.T, w *v1.WebhookRequest, secret string) *pluginv1.VerifyWebhookOutput {
	t.Helper()
	creds := map[string]string{}
	if secret != "" {
		creds[credWebhookSecret] = secret
	}
	out, err := pdktest.New(New()).VerifyWebhook(&pluginv1.VerifyWebhookInput{Context: (&pdktest.Call{Credentials: creds}).Context(), Webhook: w})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestWebhookVectorVerifies(t *testing.T) {
	out := verify(t, hook(vectorBody, vectorSig, "EvT9nB2XlAlqzq"), vectorSecret)
	evs := out.GetVerified().GetEvents()
	if len(evs) != 1 {
		t.Fatalf("result = %v", out)
	}
	e, p := evs[0], evs[0].GetPayment()
	if !e.GetVerified() || e.GetEventId() != "EvT9nB2XlAlqzq" || e.GetCreatedAtUnix() != 1567674606 || e.GetConnectorEventType() != "payment.authorized" ||
		p.GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZED || p.GetAmount().GetMinorAmount() != 100 || p.GetAmount().GetCurrency() != "INR" ||
		p.GetConnectorTransactionId() != "pay_DESlfW9H8K9uqM" {
		t.Fatalf("event = %v", e)
	}
	// A proxy may upper-case the hex: still the same MAC.
	if out := verify(t, hook(vectorBody, strings.ToUpper(vectorSig), ""), vectorSecret); len(out.GetVerified().GetEvents()) != 1 {
		t.Fatalf("upper-case hex refused: %v", out)
	}
}

func TestWebhookEventIDWithoutHeaderIsStable(t *testing.T) {
	a := verify(t, hook(vectorBody, vectorSig, ""), vectorSecret).GetVerified().GetEvents()[0].GetEventId()
	b := verify(t, hook(vectorBody, vectorSig, ""), vectorSecret).GetVerified().GetEvents()[0].GetEventId()
	if a != "payment.authorized:pay_DESlfW9H8K9uqM:1567674606" || a != b {
		t.Fatalf("derived event ids %q, %q", a, b)
	}
}

func TestWebhookForgeriesAreRefused(t *testing.T) {
	flip := func(s string, i int) string { b := []byte(s); b[i] ^= 0x01; return string(b) }
	cases := []struct {
		name, body, sig, secret string
		want                    pluginv1.RejectionReason
	}{
		{"body byte flipped", flip(vectorBody, 150), vectorSig, vectorSecret, pluginv1.RejectionReason_REJECTION_REASON_SIGNATURE_MISMATCH},
		{"amount changed", strings.Replace(vectorBody, `"amount":100`, `"amount":900`, 1), vectorSig, vectorSecret, pluginv1.RejectionReason_REJECTION_REASON_SIGNATURE_MISMATCH},
		{"timestamp changed", strings.Replace(vectorBody, "1567674606", "1567674999", 1), vectorSig, vectorSecret, pluginv1.RejectionReason_REJECTION_REASON_SIGNATURE_MISMATCH},
		{"body re-serialized", strings.Replace(vectorBody, `","`, `", "`, 1), vectorSig, vectorSecret, pluginv1.RejectionReason_REJECTION_REASON_SIGNATURE_MISMATCH},
		{"signature digit changed", vectorBody, flip(vectorSig, 10), vectorSecret, pluginv1.RejectionReason_REJECTION_REASON_SIGNATURE_MISMATCH},
		{"wrong secret", vectorBody, vectorSig, vectorSecret + "x", pluginv1.RejectionReason_REJECTION_REASON_SIGNATURE_MISMATCH},
		{"signature truncated", vectorBody, vectorSig[:40], vectorSecret, pluginv1.RejectionReason_REJECTION_REASON_MALFORMED_SIGNATURE},
		{"signature not hex", vectorBody, strings.Repeat("z", 64), vectorSecret, pluginv1.RejectionReason_REJECTION_REASON_MALFORMED_SIGNATURE},
		{"no signature", vectorBody, "", vectorSecret, pluginv1.RejectionReason_REJECTION_REASON_MISSING_SIGNATURE},
		{"no secret configured", vectorBody, vectorSig, "", pluginv1.RejectionReason_REJECTION_REASON_MISSING_SECRET},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out := verify(t, hook(tc.body, tc.sig, ""), tc.secret)
			if out.GetVerified() != nil || out.GetRejection().GetReason() != tc.want {
				t.Fatalf("result = %v, want rejection %v", out, tc.want)
			}
			if strings.Contains(out.GetRejection().GetMessage(), vectorSecret) {
				t.Fatal("the rejection message carries the secret")
			}
		})
	}
}

func TestWebhookSignedButNotAnEventIsMalformed(t *testing.T) {
	for _, body := range []string{"<html>not json</html>", `{"event":"payment.captured"}`} {
		out := verify(t, hook(body, sig.HMACSHA256Hex([]byte(vectorSecret), []byte(body)), ""), vectorSecret)
		if out.GetRejection().GetReason() != pluginv1.RejectionReason_REJECTION_REASON_MALFORMED_BODY {
			t.Fatalf("%s: result = %v", body, out)
		}
	}
}

// ParseEvent reads an event without credentials: its type, id and the ids
// a platform needs to pick the account and the payment, never verified.
func TestParseWebhookWithoutCredentials(t *testing.T) {
	d := func(w *v1.WebhookRequest) ([]*v1.ParsedEvent, error) { return New().ParseWebhook(&pdk.Context{}, w) }
	evs, err := d(hook(vectorBody, "", "EvT9nB2XlAlqzq"))
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 1 || evs[0].GetEventId() != "EvT9nB2XlAlqzq" || evs[0].GetKind() != v1.EventKind_EVENT_KIND_PAYMENT ||
		evs[0].GetReferences().GetConnectorTransactionId() != "pay_DESlfW9H8K9uqM" || evs[0].GetReferences().GetMerchantAccount() != "acc_BFQ7uQEaa7j2z7" {
		t.Fatalf("parsed = %v", evs)
	}
	if _, err := d(hook("not json", "", "")); err == nil {
		t.Fatal("a body that is not an event parsed")
	}
}

// refund.created whose refund entity is already processed (Razorpay's own
// sample payload, https://razorpay.com/docs/webhooks/refunds/) reports the
// refund SUCCEEDED, not PENDING: events arrive in no guaranteed order, so a
// PENDING here could overwrite the SUCCEEDED of an earlier refund.processed.
func TestWebhookRefundCreatedProcessedEntity(t *testing.T) {
	body := `{"entity":"event","account_id":"acc_E7OQJcEANmBHTC","event":"refund.created","contains":["refund","payment"],` +
		`"payload":{"refund":{"entity":{"id":"rfnd_FS8TWyPrCsa0OB","entity":"refund","amount":50000,"currency":"INR",` +
		`"payment_id":"pay_FPoJKWQQ8lK13n","receipt":null,"created_at":1597734071,"status":"processed",` +
		`"speed_processed":"normal","speed_requested":"optimum"}}},"created_at":1597734071}`
	ev, err := normalize(hook(body, "", ""))
	if err != nil {
		t.Fatal(err)
	}
	if s := ev.GetRefund().GetStatus(); s != v1.RefundStatus_REFUND_STATUS_SUCCEEDED {
		t.Fatalf("refund.created with a processed refund: status %v, want SUCCEEDED", s)
	}
	pending := strings.Replace(body, `"status":"processed"`, `"status":"pending"`, 1)
	if ev, err = normalize(hook(pending, "", "")); err != nil || ev.GetRefund().GetStatus() != v1.RefundStatus_REFUND_STATUS_PENDING {
		t.Fatalf("refund.created with a pending refund: %v, %v; want PENDING", ev.GetRefund(), err)
	}
	stale := strings.Replace(pending, "refund.created", "refund.processed", 1)
	if ev, err = normalize(hook(stale, "", "")); err != nil || ev.GetRefund().GetStatus() != v1.RefundStatus_REFUND_STATUS_SUCCEEDED {
		t.Fatalf("refund.processed with a pending entity: %v, %v; want SUCCEEDED (never downgraded)", ev.GetRefund(), err)
	}
}

// TestWebhookUnreadableEvent: a verified event of a type the plugin reads
// whose entity is missing is refused as MALFORMED_BODY (as a refund or token
// event without its entity already was), and one whose entity cannot be
// read (an unknown currency, an amount that is not an integer, no id) fails
// with INVALID_RESPONSE naming the event, verified or only parsed: never an
// OTHER event or an event without its amount, which the host would
// acknowledge and Razorpay would not send again. An event of a type the
// plugin does not read is still a verified OTHER event.
func TestWebhookUnreadableEvent(t *testing.T) {
	payment := `{"id":"pay_1","entity":"payment","amount":100,"currency":"INR","status":"captured"}`
	for _, tc := range []struct {
		name, typ, payload string
		rejected           bool
	}{
		{"payment event without its payment", "payment.captured", `{"order":{"entity":{"id":"order_1"}}}`, true},
		{"order.paid without its payment", "order.paid", `{"order":{"entity":{"id":"order_1","receipt":"r1"}}}`, true},
		{"payment unknown currency", "payment.authorized", `{"payment":{"entity":` + strings.Replace(payment, "INR", "ZZZ", 1) + `}}`, false},
		{"payment amount not an integer", "payment.captured", `{"payment":{"entity":` + strings.Replace(payment, "100", "10.5", 1) + `}}`, false},
		{"payment without id", "payment.failed", `{"payment":{"entity":` + strings.Replace(payment, `"id":"pay_1",`, "", 1) + `}}`, false},
		{"refund amount a string", "refund.processed", `{"refund":{"entity":{"id":"rfnd_1","amount":"100","currency":"INR","payment_id":"pay_1","status":"processed"}}}`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := `{"entity":"event","account_id":"acc_1","event":"` + tc.typ + `","contains":["payment"],"payload":` + tc.payload + `,"created_at":1567674606}`
			w := hook(body, sig.HMACSHA256Hex([]byte(vectorSecret), []byte(body)), "EvtOdd1")
			out := verify(t, w, vectorSecret)
			parsed, err := pdktest.New(New()).VerifyWebhook(&pluginv1.VerifyWebhookInput{ParseOnly: true, Webhook: w, Context: (&pdktest.Call{}).Context()})
			if err != nil {
				t.Fatal(err)
			}
			if out.GetVerified() != nil || parsed.GetParsed() != nil {
				t.Fatalf("verified %v, parsed %v: want the event refused", out, parsed)
			}
			for _, o := range []*pluginv1.VerifyWebhookOutput{out, parsed} {
				if tc.rejected {
					if o.GetRejection().GetReason() != pluginv1.RejectionReason_REJECTION_REASON_MALFORMED_BODY {
						t.Errorf("result = %v, want a MALFORMED_BODY rejection", o)
					}
				} else if o.GetError().GetKind() != pluginv1.ErrorKind_ERROR_KIND_INVALID_RESPONSE || !strings.Contains(o.GetError().GetMessage(), "EvtOdd1") {
					t.Errorf("result = %v, want an INVALID_RESPONSE error naming the event", o)
				}
			}
		})
	}
	t.Run("a type not read is still verified", func(t *testing.T) {
		body := `{"entity":"event","event":"payout.processed","contains":["payout"],"payload":{"payout":{"entity":{"id":"pout_1","amount":"ten","currency":"ZZZ"}}},"created_at":1}`
		out := verify(t, hook(body, sig.HMACSHA256Hex([]byte(vectorSecret), []byte(body)), ""), vectorSecret)
		if evs := out.GetVerified().GetEvents(); len(evs) != 1 || evs[0].GetKind() != v1.EventKind_EVENT_KIND_OTHER || !evs[0].GetVerified() {
			t.Fatalf("result = %v, want a verified OTHER event", out)
		}
	})
}
