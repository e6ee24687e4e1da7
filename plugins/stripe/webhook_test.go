//go:build !wasip1

package stripe

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk/pdktest"
	"github.com/stripe/stripe-go/v84/webhook"
)

const testWebhookSecret = "whsec_conformance_secret"

// eventBody is a Stripe Event envelope around obj.
func eventBody(id, typ string, o obj, extra obj) []byte {
	e := obj{
		"id": id, "object": "event", "api_version": APIVersion, "created": testNow.Unix() - 5, "livemode": false,
		"pending_webhooks": 1, "request": obj{"id": "req_1", "idempotency_key": "order_1"}, "type": typ,
		"data": obj{"object": o},
	}
	for k, v := range extra {
		e[k] = v
	}
	b, err := json.Marshal(e)
	if err != nil {
		panic(err)
	}
	return b
}

func decode(s string) obj {
	var o obj
	if err := json.Unmarshal([]byte(s), &o); err != nil {
		panic(err)
	}
	return o
}

// sign signs body with stripe-go's test helper, Stripe's own implementation.
func sign(body []byte, secret string, ts time.Time) string {
	return webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: body, Secret: secret, Timestamp: ts}).Header
}

func verify(t *testing.T, body []byte, headers map[string]string, creds map[string]string, now time.Time) *pluginv1.VerifyWebhookOutput {
	t.Helper()
	var hs []*v1.HttpHeader
	for _, k := range []string{"Content-Type", "Stripe-Signature", "stripe-signature", "User-Agent"} {
		if v, ok := headers[k]; ok {
			hs = append(hs, &v1.HttpHeader{Name: k, Value: v})
		}
	}
	in := &pluginv1.VerifyWebhookInput{
		Webhook: &v1.WebhookRequest{Method: "POST", Url: "https://merchant.example/webhooks/stripe", Headers: hs, Body: body},
		Context: (&pdktest.Call{Credentials: creds, Now: now}).Context(),
	}
	out, err := pdktest.New(New()).VerifyWebhook(in)
	if err != nil {
		t.Fatal(err)
	}
	checkNoConnectorPrefix(t, out.GetRejection().GetMessage())
	checkNoConnectorPrefix(t, out.GetError().GetMessage())
	return out
}

func secretCreds() map[string]string {
	return map[string]string{credAPIKey: testAPIKey, credWebhookSecret: testWebhookSecret}
}

// verified verifies a correctly signed body and returns its one event.
func verified(t *testing.T, body []byte) *v1.Event {
	t.Helper()
	header := sign(body, testWebhookSecret, testNow.Add(-10*time.Second))
	// The oracle accepts it too (ignoring its wall-clock tolerance).
	if _, err := webhook.ConstructEventWithOptions(body, header, testWebhookSecret,
		webhook.ConstructEventOptions{IgnoreTolerance: true, IgnoreAPIVersionMismatch: true}); err != nil {
		t.Fatalf("stripe-go rejects the payload: %v", err)
	}
	out := verify(t, body, map[string]string{"Stripe-Signature": header, "Content-Type": "application/json"}, secretCreds(), testNow)
	v := out.GetVerified()
	if v == nil {
		t.Fatalf("not verified: %v", out)
	}
	ack := v.GetAcknowledgement()
	if ack.GetStatus() != 200 || string(ack.GetBody()) != `{"received":true}` {
		t.Errorf("ack = %v", ack)
	}
	if len(v.GetEvents()) != 1 {
		t.Fatalf("events = %v", v.GetEvents())
	}
	ev := v.GetEvents()[0]
	if !ev.GetVerified() || ev.GetCreatedAtUnix() != testNow.Unix()-5 || ev.GetLivemode() {
		t.Errorf("event envelope = %v", ev)
	}
	return ev
}

func TestWebhookPaymentIntentEvents(t *testing.T) {
	failed := obj{"status": "requires_payment_method", "amount_received": 0, "latest_charge": "ch_1",
		"last_payment_error": obj{"type": "card_error", "code": "card_declined", "decline_code": "stolen_card", "message": "Your card was declined."}}
	for _, tc := range []struct {
		typ  string
		over obj
		want v1.PaymentStatus
	}{
		{"payment_intent.succeeded", obj{"latest_charge": "ch_1"}, v1.PaymentStatus_PAYMENT_STATUS_CHARGED},
		{"payment_intent.payment_failed", failed, v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZATION_FAILED},
		{"payment_intent.canceled", obj{"status": "canceled", "amount_received": 0, "latest_charge": nil}, v1.PaymentStatus_PAYMENT_STATUS_VOIDED},
		{"payment_intent.processing", obj{"status": "processing", "amount_received": 0, "latest_charge": nil}, v1.PaymentStatus_PAYMENT_STATUS_PENDING},
		{"payment_intent.requires_action", obj{"status": "requires_action", "amount_received": 0, "latest_charge": nil,
			"next_action": obj{"type": "redirect_to_url", "redirect_to_url": obj{"url": "https://hooks.stripe.com/x"}}}, v1.PaymentStatus_PAYMENT_STATUS_AUTHENTICATION_PENDING},
		{"payment_intent.amount_capturable_updated", obj{"status": "requires_capture", "capture_method": "manual", "amount_capturable": 1000, "amount_received": 0, "latest_charge": "ch_1"}, v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZED},
		{"payment_intent.partially_funded", obj{"status": "requires_action", "amount_received": 0, "latest_charge": nil,
			"next_action": obj{"type": "display_bank_transfer_instructions", "display_bank_transfer_instructions": obj{"reference": "REF1", "amount_remaining": 400}}}, v1.PaymentStatus_PAYMENT_STATUS_ACTION_REQUIRED},
		{"payment_intent.created", obj{"status": "requires_payment_method", "amount_received": 0, "latest_charge": nil}, v1.PaymentStatus_PAYMENT_STATUS_STARTED},
	} {
		t.Run(tc.typ, func(t *testing.T) {
			ev := verified(t, eventBody("evt_"+strings.ReplaceAll(tc.typ, ".", "_"), tc.typ, decode(piBody(tc.over)), nil))
			p := ev.GetPayment()
			if ev.GetKind() != v1.EventKind_EVENT_KIND_PAYMENT || ev.GetConnectorEventType() != tc.typ || p == nil {
				t.Fatalf("event = %v", ev)
			}
			if p.GetConnectorTransactionId() != testPI || p.GetMerchantTransactionId() != "order_1" || p.GetStatus() != tc.want || p.GetAmount().GetMinorAmount() != 1000 {
				t.Errorf("payment = %v", p)
			}
			if tc.typ == "payment_intent.payment_failed" && (p.GetError().GetCode() != v1.ErrorCode_ERROR_CODE_LOST_OR_STOLEN_CARD || p.GetError().GetIssuer().GetDeclineCode() != "stolen_card") {
				t.Errorf("error = %v", p.GetError())
			}
		})
	}
}

func TestWebhookRefundEvents(t *testing.T) {
	for _, tc := range []struct {
		typ  string
		o    obj
		want v1.RefundStatus
		id   string
		amt  int64
	}{
		{"refund.created", decode(refundBody(obj{"status": "pending"})), v1.RefundStatus_REFUND_STATUS_PENDING, "re_3MtwBwLkdIwHu7ix0ezqsBbC", 400},
		{"refund.updated", decode(refundBody(nil)), v1.RefundStatus_REFUND_STATUS_SUCCEEDED, "re_3MtwBwLkdIwHu7ix0ezqsBbC", 400},
		{"refund.failed", decode(refundBody(obj{"status": "failed", "failure_reason": "lost_or_stolen_card"})), v1.RefundStatus_REFUND_STATUS_FAILED, "re_3MtwBwLkdIwHu7ix0ezqsBbC", 400},
		{"charge.refund.updated", decode(refundBody(obj{"status": "canceled"})), v1.RefundStatus_REFUND_STATUS_CANCELED, "re_3MtwBwLkdIwHu7ix0ezqsBbC", 400},
		{"charge.refunded", charge(obj{"amount_refunded": 400, "refunded": false, "refunds": obj{"object": "list", "has_more": false,
			"data": []any{decode(refundBody(nil))}}}), v1.RefundStatus_REFUND_STATUS_SUCCEEDED, "re_3MtwBwLkdIwHu7ix0ezqsBbC", 400},
		{"charge.refunded", charge(obj{"amount_refunded": 1000, "refunded": true}), v1.RefundStatus_REFUND_STATUS_PENDING, "", 1000},
	} {
		t.Run(tc.typ, func(t *testing.T) {
			ev := verified(t, eventBody("evt_refund", tc.typ, tc.o, nil))
			r := ev.GetRefund()
			if ev.GetKind() != v1.EventKind_EVENT_KIND_REFUND || r == nil {
				t.Fatalf("event = %v", ev)
			}
			if r.GetConnectorRefundId() != tc.id || r.GetConnectorTransactionId() != testPI || r.GetStatus() != tc.want || r.GetAmount().GetMinorAmount() != tc.amt {
				t.Errorf("refund = %v", r)
			}
			if tc.id != "" && r.GetMerchantRefundId() != "refund_1" {
				t.Errorf("merchant refund id = %q", r.GetMerchantRefundId())
			}
			if tc.want == v1.RefundStatus_REFUND_STATUS_FAILED && r.GetError().GetCode() != v1.ErrorCode_ERROR_CODE_LOST_OR_STOLEN_CARD {
				t.Errorf("error = %v", r.GetError())
			}
		})
	}
}

func TestWebhookDisputeEvents(t *testing.T) {
	for _, tc := range []struct {
		typ, status string
		want        v1.DisputeStatus
	}{
		{"charge.dispute.created", "needs_response", v1.DisputeStatus_DISPUTE_STATUS_NEEDS_RESPONSE},
		{"charge.dispute.created", "warning_needs_response", v1.DisputeStatus_DISPUTE_STATUS_INQUIRY},
		{"charge.dispute.updated", "under_review", v1.DisputeStatus_DISPUTE_STATUS_UNDER_REVIEW},
		{"charge.dispute.closed", "won", v1.DisputeStatus_DISPUTE_STATUS_WON},
		{"charge.dispute.closed", "lost", v1.DisputeStatus_DISPUTE_STATUS_LOST},
		{"charge.dispute.funds_withdrawn", "needs_response", v1.DisputeStatus_DISPUTE_STATUS_NEEDS_RESPONSE},
		{"charge.dispute.funds_reinstated", "won", v1.DisputeStatus_DISPUTE_STATUS_WON},
	} {
		t.Run(tc.typ+" "+tc.status, func(t *testing.T) {
			ev := verified(t, eventBody("evt_dp", tc.typ, decode(disputeBody(obj{"status": tc.status})), nil))
			d := ev.GetDispute()
			if ev.GetKind() != v1.EventKind_EVENT_KIND_DISPUTE || d.GetStatus() != tc.want || d.GetConnectorDisputeId() != testDispute ||
				d.GetConnectorTransactionId() != testPI || d.GetReason() != "fraudulent" || d.GetReasonCode() != "10.4" ||
				d.GetEvidenceDueByUnix() != 1681516799 || d.GetAmount().GetMinorAmount() != 1000 {
				t.Errorf("event = %v", ev)
			}
		})
	}
}

func TestWebhookMandateEvents(t *testing.T) {
	for _, tc := range []struct {
		typ  string
		o    obj
		want v1.MandateStatus
		pm   string
	}{
		{"setup_intent.succeeded", decode(setupIntentBody(nil)), v1.MandateStatus_MANDATE_STATUS_ACTIVE, "pm_1Mm8s8LkdIwHu7ixgIlWBDh1"},
		{"setup_intent.setup_failed", decode(setupIntentBody(obj{"status": "requires_payment_method", "payment_method": nil,
			"last_setup_error": obj{"type": "card_error", "code": "card_declined", "message": "Your card was declined."}})), v1.MandateStatus_MANDATE_STATUS_FAILED, ""},
		{"setup_intent.canceled", decode(setupIntentBody(obj{"status": "canceled"})), v1.MandateStatus_MANDATE_STATUS_FAILED, "pm_1Mm8s8LkdIwHu7ixgIlWBDh1"},
		{"setup_intent.requires_action", decode(setupIntentBody(obj{"status": "requires_action"})), v1.MandateStatus_MANDATE_STATUS_ACTION_REQUIRED, "pm_1Mm8s8LkdIwHu7ixgIlWBDh1"},
		{"payment_method.detached", obj{"id": "pm_1Mm8s8LkdIwHu7ixgIlWBDh1", "object": "payment_method", "type": "card", "customer": nil}, v1.MandateStatus_MANDATE_STATUS_REVOKED, "pm_1Mm8s8LkdIwHu7ixgIlWBDh1"},
		{"mandate.updated", obj{"id": "mandate_1", "object": "mandate", "payment_method": "pm_sepa", "status": "inactive", "type": "multi_use"}, v1.MandateStatus_MANDATE_STATUS_INACTIVE, "pm_sepa"},
	} {
		t.Run(tc.typ, func(t *testing.T) {
			ev := verified(t, eventBody("evt_m", tc.typ, tc.o, nil))
			m := ev.GetMandate()
			if ev.GetKind() != v1.EventKind_EVENT_KIND_MANDATE || m.GetStatus() != tc.want || m.GetMandate().GetConnectorMandateId() != tc.pm {
				t.Errorf("event = %v", ev)
			}
		})
	}
}

func TestWebhookOtherEvent(t *testing.T) {
	ev := verified(t, eventBody("evt_cus", "customer.created", obj{"id": "cus_1", "object": "customer"}, obj{"livemode": false}))
	if ev.GetKind() != v1.EventKind_EVENT_KIND_OTHER || ev.GetEventId() != "evt_cus" || ev.GetConnectorEventType() != "customer.created" || ev.GetPayload() != nil {
		t.Errorf("event = %v", ev)
	}
}

// TestWebhookUnreadableObject: a verified event of a known type whose
// object cannot be read (an unknown currency, an amount that is not an
// integer, no object or an object without id) fails with INVALID_RESPONSE, whether verified or only parsed,
// instead of answering an event without its amount that the host would
// acknowledge (Stripe would then never send it again).
func TestWebhookUnreadableObject(t *testing.T) {
	refund := decode(refundBody(nil))
	refund["amount"] = "400"
	for _, tc := range []struct {
		name, typ string
		o         obj
	}{
		{"unknown currency", "payment_intent.succeeded", obj{"id": "pi_odd", "object": "payment_intent", "status": "succeeded", "amount": 1, "currency": "zzz"}},
		{"fractional amount", "payment_intent.succeeded", decode(piBody(obj{"amount": 10.5}))},
		{"charge refunded string amount", "charge.refunded", charge(obj{"amount_refunded": "400"})},
		{"latest refund string amount", "charge.refunded", charge(obj{"amount_refunded": 400, "refunds": obj{"object": "list", "data": []any{refund}}})},
		{"refund string amount", "refund.updated", refund},
		{"dispute unknown currency", "charge.dispute.created", decode(disputeBody(obj{"currency": "zzz"}))},
		{"payout fractional amount", "payout.paid", obj{"id": "po_1", "object": "payout", "status": "paid", "amount": 1.5, "currency": "usd"}},
		// A known type whose object has no id (or is absent) cannot name what it is about.
		{"payment object without id", "payment_intent.succeeded", obj{"object": "payment_intent", "status": "succeeded", "amount": 1, "currency": "usd"}},
		{"refund without object", "refund.updated", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := eventBody("evt_odd", tc.typ, tc.o, nil)
			header := sign(body, testWebhookSecret, testNow.Add(-10*time.Second))
			out := verify(t, body, map[string]string{"Stripe-Signature": header}, secretCreds(), testNow)
			if out.GetVerified() != nil || out.GetRejection() != nil {
				t.Fatalf("got %v, want an INVALID_RESPONSE error", out)
			}
			wantKind(t, out.GetError(), pluginv1.ErrorKind_ERROR_KIND_INVALID_RESPONSE)
			if !strings.Contains(out.GetError().GetMessage(), "evt_odd") {
				t.Errorf("message %q does not name the event", out.GetError().GetMessage())
			}
			parsed, err := pdktest.New(New()).VerifyWebhook(&pluginv1.VerifyWebhookInput{ParseOnly: true,
				Webhook: &v1.WebhookRequest{Method: "POST", Body: body}, Context: (&pdktest.Call{Now: testNow}).Context()})
			if err != nil {
				t.Fatal(err)
			}
			if parsed.GetParsed() != nil {
				t.Fatalf("parsed %v, want an INVALID_RESPONSE error", parsed)
			}
			wantKind(t, parsed.GetError(), pluginv1.ErrorKind_ERROR_KIND_INVALID_RESPONSE)
		})
	}
}

func wantRejection(t *testing.T, out *pluginv1.VerifyWebhookOutput, reason pluginv1.RejectionReason) {
	t.Helper()
	if out.GetVerified() != nil {
		t.Fatalf("accepted, want rejection %v", reason)
	}
	if got := out.GetRejection().GetReason(); got != reason {
		t.Errorf("rejection = %v (%s), want %v; output %v", got, out.GetRejection().GetMessage(), reason, out)
	}
}

func TestWebhookRejections(t *testing.T) {
	body := eventBody("evt_1", "payment_intent.succeeded", decode(piBody(nil)), nil)
	ts := testNow.Add(-10 * time.Second)
	good := sign(body, testWebhookSecret, ts)
	hdr := func(v string) map[string]string { return map[string]string{"Stripe-Signature": v} }

	t.Run("tampered body", func(t *testing.T) {
		for _, i := range []int{0, len(body) / 3, len(body) / 2, len(body) - 1} {
			tampered := append([]byte(nil), body...)
			tampered[i] ^= 0x01
			if webhook.ValidatePayloadIgnoringTolerance(tampered, good, testWebhookSecret) == nil {
				t.Fatal("oracle accepts the tampered body")
			}
			wantRejection(t, verify(t, tampered, hdr(good), secretCreds(), testNow), pluginv1.RejectionReason_REJECTION_REASON_SIGNATURE_MISMATCH)
		}
	})
	t.Run("wrong secret", func(t *testing.T) {
		wantRejection(t, verify(t, body, hdr(sign(body, "whsec_other", ts)), secretCreds(), testNow), pluginv1.RejectionReason_REJECTION_REASON_SIGNATURE_MISMATCH)
	})
	t.Run("signature for another timestamp", func(t *testing.T) {
		other := sign(body, testWebhookSecret, ts.Add(-time.Second))
		v1sig := other[strings.Index(other, "v1="):]
		wantRejection(t, verify(t, body, hdr(fmt.Sprintf("t=%d,%s", ts.Unix(), v1sig)), secretCreds(), testNow), pluginv1.RejectionReason_REJECTION_REASON_SIGNATURE_MISMATCH)
	})
	t.Run("stale timestamp", func(t *testing.T) {
		old := testNow.Add(-301 * time.Second)
		wantRejection(t, verify(t, body, hdr(sign(body, testWebhookSecret, old)), secretCreds(), testNow), pluginv1.RejectionReason_REJECTION_REASON_STALE_TIMESTAMP)
		// Exactly at the tolerance is accepted.
		edge := testNow.Add(-300 * time.Second)
		if verify(t, body, hdr(sign(body, testWebhookSecret, edge)), secretCreds(), testNow).GetVerified() == nil {
			t.Error("signature 300 s old rejected")
		}
		future := testNow.Add(301 * time.Second)
		wantRejection(t, verify(t, body, hdr(sign(body, testWebhookSecret, future)), secretCreds(), testNow), pluginv1.RejectionReason_REJECTION_REASON_STALE_TIMESTAMP)
	})
	t.Run("missing header", func(t *testing.T) {
		wantRejection(t, verify(t, body, map[string]string{"Content-Type": "application/json"}, secretCreds(), testNow), pluginv1.RejectionReason_REJECTION_REASON_MISSING_SIGNATURE)
		wantRejection(t, verify(t, body, hdr("  "), secretCreds(), testNow), pluginv1.RejectionReason_REJECTION_REASON_MISSING_SIGNATURE)
	})
	t.Run("malformed header", func(t *testing.T) {
		sigHex := good[strings.Index(good, "v1=")+3:]
		for _, h := range []string{
			"garbage",
			"t=abc,v1=" + sigHex,
			"v1=" + sigHex,
			fmt.Sprintf("t=%d", ts.Unix()),
			fmt.Sprintf("t=%d,v0=%s", ts.Unix(), sigHex),
			fmt.Sprintf("t=%d,t=%d,v1=%s", ts.Unix(), ts.Unix(), sigHex),
		} {
			wantRejection(t, verify(t, body, hdr(h), secretCreds(), testNow), pluginv1.RejectionReason_REJECTION_REASON_MALFORMED_SIGNATURE)
		}
	})
	t.Run("missing secret", func(t *testing.T) {
		wantRejection(t, verify(t, body, hdr(good), map[string]string{credAPIKey: testAPIKey}, testNow), pluginv1.RejectionReason_REJECTION_REASON_MISSING_SECRET)
	})
	t.Run("signed body that is not an event", func(t *testing.T) {
		for _, b := range [][]byte{[]byte("not json"), []byte(`{"object":"event"}`), []byte(`[1,2]`)} {
			wantRejection(t, verify(t, b, hdr(sign(b, testWebhookSecret, ts)), secretCreds(), testNow), pluginv1.RejectionReason_REJECTION_REASON_MALFORMED_BODY)
		}
	})
}

// TestWebhookSecretRotation checks a header with several v1 signatures
// (Stripe sends one per active secret while a secret is rolled) is accepted
// when any one matches, in any position, and that the oracle agrees.
func TestWebhookSecretRotation(t *testing.T) {
	body := eventBody("evt_rot", "payment_intent.succeeded", decode(piBody(nil)), nil)
	ts := testNow.Add(-time.Minute)
	mine := hex.EncodeToString(webhook.ComputeSignature(ts, body, testWebhookSecret))
	old := hex.EncodeToString(webhook.ComputeSignature(ts, body, "whsec_old_secret"))
	for _, h := range []string{
		fmt.Sprintf("t=%d,v1=%s,v1=%s", ts.Unix(), old, mine),
		fmt.Sprintf("t=%d,v1=%s,v1=%s,v0=deadbeef", ts.Unix(), mine, old),
		fmt.Sprintf("t=%d, v1=%s, v1=%s", ts.Unix(), old, mine),
		fmt.Sprintf("t=%d,v1=%s,scheme=x,v1=%s", ts.Unix(), strings.ToUpper(old), strings.ToUpper(mine)),
	} {
		if err := webhook.ValidatePayloadIgnoringTolerance(body, strings.ReplaceAll(h, " ", ""), testWebhookSecret); err != nil {
			t.Fatalf("oracle rejects %q: %v", h, err)
		}
		out := verify(t, body, map[string]string{"stripe-signature": h}, secretCreds(), testNow)
		if out.GetVerified() == nil {
			t.Errorf("rejected %q: %v", h, out.GetRejection())
		}
	}
	wantRejection(t, verify(t, body, map[string]string{"Stripe-Signature": fmt.Sprintf("t=%d,v1=%s,v1=%s", ts.Unix(), old, old)}, secretCreds(), testNow),
		pluginv1.RejectionReason_REJECTION_REASON_SIGNATURE_MISMATCH)
}

// TestWebhookChargeRefundedSecondRefund: charge.refunded after a second
// partial refund names the newest refund (refunds.data[0]); its amount is
// that refund's, not the charge's total refunded so far.
func TestWebhookChargeRefundedSecondRefund(t *testing.T) {
	second := decode(refundBody(obj{"id": "re_second", "amount": 300, "metadata": obj{"merchant_refund_id": "refund_2"}}))
	first := decode(refundBody(nil))
	ev := verified(t, eventBody("evt_refund_2", "charge.refunded", charge(obj{"amount_refunded": 700,
		"refunds": obj{"object": "list", "has_more": false, "data": []any{second, first}}}), nil))
	r := ev.GetRefund()
	if r.GetConnectorRefundId() != "re_second" || r.GetMerchantRefundId() != "refund_2" || r.GetAmount().GetMinorAmount() != 300 || r.GetAmount().GetCurrency() != "USD" {
		t.Errorf("refund = %v, want re_second / refund_2 / 300 USD", r)
	}
}
