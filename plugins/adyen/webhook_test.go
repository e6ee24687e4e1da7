//go:build !wasip1

package adyen

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/internal/specfake"
	"github.com/connectorhost/connector-host/pdk/pdktest"
)

// item is a NotificationRequestItem as a test builds it.
type item map[string]any

// baseItem is a complete AUTHORISATION item (every signed field set).
func baseItem() item {
	return item{
		"pspReference": "QFQTPCQ8HXSKGK82", "originalReference": "9913140798220028",
		"merchantAccountCode": testMerchant, "merchantReference": "order_1",
		"amount": map[string]any{"value": 1000, "currency": "EUR"}, "eventCode": "AUTHORISATION",
		"eventDate": "2026-01-02T03:04:05+01:00", "paymentMethod": "visa", "reason": "044925:1111:03/2030", "success": "true",
		"additionalData": map[string]any{},
	}
}

// signItem signs it with hexKey as Adyen does; computed here independently
// of the plugin.
func signItem(t *testing.T, it item, hexKey string) item {
	t.Helper()
	key, err := hex.DecodeString(hexKey)
	if err != nil {
		t.Fatal(err)
	}
	s := func(k string) string { v, _ := it[k].(string); return v }
	amt, _ := it["amount"].(map[string]any)
	value, currency := "", ""
	if amt != nil {
		value = fmt.Sprint(amt["value"])
		currency, _ = amt["currency"].(string)
	}
	msg := strings.Join([]string{s("pspReference"), s("originalReference"), s("merchantAccountCode"), s("merchantReference"),
		value, currency, s("eventCode"), s("success")}, ":")
	m := hmac.New(sha256.New, key)
	m.Write([]byte(msg))
	ad, _ := it["additionalData"].(map[string]any)
	if ad == nil {
		ad = map[string]any{}
	}
	ad["hmacSignature"] = base64.StdEncoding.EncodeToString(m.Sum(nil))
	it["additionalData"] = ad
	return it
}

func notificationBody(t *testing.T, items ...item) []byte {
	t.Helper()
	wrapped := make([]any, len(items))
	for i, it := range items {
		wrapped[i] = map[string]any{"NotificationRequestItem": it}
	}
	return mustJSON(t, map[string]any{"live": "false", "notificationItems": wrapped})
}

func verifyBody(t *testing.T, creds map[string]string, body []byte) *pluginv1.VerifyWebhookOutput {
	t.Helper()
	out, err := newKit().VerifyWebhook(&pluginv1.VerifyWebhookInput{
		Webhook: &v1.WebhookRequest{Method: "POST", Url: "https://merchant.example/webhooks/adyen",
			Headers: []*v1.HttpHeader{{Name: "Content-Type", Value: "application/json"}}, Body: body},
		Context: (&pdktest.Call{Credentials: creds}).Context(),
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func wantVerified(t *testing.T, out *pluginv1.VerifyWebhookOutput) *pluginv1.VerifiedWebhook {
	t.Helper()
	v := out.GetVerified()
	if v == nil {
		t.Fatalf("webhook not verified: rejection %v, error %v", out.GetRejection(), out.GetError())
	}
	ack := v.GetAcknowledgement()
	if ack.GetStatus() != 200 || string(ack.GetBody()) != "[accepted]" {
		t.Fatalf("acknowledgement = %v", ack)
	}
	return v
}

func wantRejected(t *testing.T, out *pluginv1.VerifyWebhookOutput, reason pluginv1.RejectionReason) {
	t.Helper()
	if out.GetVerified() != nil {
		t.Fatalf("webhook verified (%d events), want rejection %v", len(out.GetVerified().GetEvents()), reason)
	}
	if out.GetRejection().GetReason() != reason {
		t.Fatalf("rejection = %v (error %v), want %v", out.GetRejection(), out.GetError(), reason)
	}
}

func TestHMACVectors(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(specfake.OraclesDir(t), "vectors", "adyen-hmac.json"))
	if err != nil {
		t.Skipf("../shared/oracles/vectors/adyen-hmac.json not readable: %v", err)
	}
	var vf struct {
		Items []struct {
			Key           string `json:"key"`
			Item          item   `json:"item"`
			SigningString string `json:"signing_string"`
			HMACSignature string `json:"hmacSignature"`
		} `json:"notification_items"`
	}
	if err := json.Unmarshal(raw, &vf); err != nil {
		t.Fatal(err)
	}
	if len(vf.Items) == 0 {
		t.Fatal("no vectors")
	}
	for i, v := range vf.Items {
		it := v.Item
		it["eventDate"] = "2026-01-02T03:04:05+01:00"
		it["additionalData"] = map[string]any{"hmacSignature": v.HMACSignature}
		body := notificationBody(t, it)
		// The plugin's signing string is the vector's.
		var p struct {
			NotificationItems []struct{ NotificationRequestItem json.RawMessage }
		}
		_ = json.Unmarshal(body, &p)
		if got := signingStringOf(t, p.NotificationItems[0].NotificationRequestItem); got != v.SigningString {
			t.Errorf("vector %d: signing string %q, want %q", i, got, v.SigningString)
		}
		ev := wantVerified(t, verifyBody(t, map[string]string{credHMACKey: v.Key}, body)).GetEvents()
		if len(ev) != 1 || !ev[0].GetVerified() {
			t.Errorf("vector %d: events = %v", i, ev)
		}
		// Lower-case hex is the same key.
		wantVerified(t, verifyBody(t, map[string]string{credHMACKey: strings.ToLower(v.Key)}, body))
		wantRejected(t, verifyBody(t, map[string]string{credHMACKey: testHMACHex}, body), pluginv1.RejectionReason_REJECTION_REASON_SIGNATURE_MISMATCH)
	}
}

func TestWebhookTamperingEachSignedField(t *testing.T) {
	good := signItem(t, baseItem(), testHMACHex)
	wantVerified(t, verifyBody(t, testCreds(), notificationBody(t, good)))
	tamper := map[string]func(item){
		"pspReference":              func(it item) { it["pspReference"] = "QFQTPCQ8HXSKGK83" },
		"originalReference":         func(it item) { it["originalReference"] = "9913140798220029" },
		"merchantAccountCode":       func(it item) { it["merchantAccountCode"] = "OtherMerchant" },
		"merchantReference":         func(it item) { it["merchantReference"] = "order_2" },
		"value":                     func(it item) { it["amount"] = map[string]any{"value": 100000, "currency": "EUR"} },
		"currency":                  func(it item) { it["amount"] = map[string]any{"value": 1000, "currency": "USD"} },
		"eventCode":                 func(it item) { it["eventCode"] = "CAPTURE" },
		"success":                   func(it item) { it["success"] = "false" },
		"originalReference removed": func(it item) { delete(it, "originalReference") },
	}
	for name, fn := range tamper {
		t.Run(name, func(t *testing.T) {
			it := signItem(t, baseItem(), testHMACHex)
			fn(it)
			wantRejected(t, verifyBody(t, testCreds(), notificationBody(t, it)), pluginv1.RejectionReason_REJECTION_REASON_SIGNATURE_MISMATCH)
		})
	}
}

func TestWebhookRejections(t *testing.T) {
	body := notificationBody(t, signItem(t, baseItem(), testHMACHex))
	t.Run("wrong key", func(t *testing.T) {
		creds := testCreds()
		creds[credHMACKey] = strings.Repeat("AB", 32)
		wantRejected(t, verifyBody(t, creds, body), pluginv1.RejectionReason_REJECTION_REASON_SIGNATURE_MISMATCH)
	})
	t.Run("key not hex", func(t *testing.T) {
		creds := testCreds()
		creds[credHMACKey] = "not-a-hex-key"
		wantRejected(t, verifyBody(t, creds, body), pluginv1.RejectionReason_REJECTION_REASON_SIGNATURE_MISMATCH)
	})
	t.Run("missing secret", func(t *testing.T) {
		creds := testCreds()
		delete(creds, credHMACKey)
		wantRejected(t, verifyBody(t, creds, body), pluginv1.RejectionReason_REJECTION_REASON_MISSING_SECRET)
	})
	t.Run("missing signature", func(t *testing.T) {
		wantRejected(t, verifyBody(t, testCreds(), notificationBody(t, baseItem())), pluginv1.RejectionReason_REJECTION_REASON_MISSING_SIGNATURE)
	})
	t.Run("signature corrupted", func(t *testing.T) {
		it := signItem(t, baseItem(), testHMACHex)
		sig := it["additionalData"].(map[string]any)["hmacSignature"].(string)
		it["additionalData"].(map[string]any)["hmacSignature"] = "A" + sig[1:]
		wantRejected(t, verifyBody(t, testCreds(), notificationBody(t, it)), pluginv1.RejectionReason_REJECTION_REASON_SIGNATURE_MISMATCH)
	})
	for name, b := range map[string]string{
		"not json":       `{"live":"false","notificationItems":[`,
		"not an object":  `[{"NotificationRequestItem":{}}]`,
		"no items":       `{"live":"false","notificationItems":[]}`,
		"live not bool":  `{"live":"maybe","notificationItems":[{"NotificationRequestItem":{}}]}`,
		"items not item": `{"live":"false","notificationItems":[{"Other":{}}]}`,
	} {
		t.Run(name, func(t *testing.T) {
			wantRejected(t, verifyBody(t, testCreds(), []byte(b)), pluginv1.RejectionReason_REJECTION_REASON_MALFORMED_BODY)
		})
	}
}

func TestWebhookMixedBatch(t *testing.T) {
	good := signItem(t, baseItem(), testHMACHex)
	tampered := signItem(t, baseItem(), testHMACHex)
	tampered["eventCode"], tampered["pspReference"] = "CAPTURE", "CAPTUREPSP"
	unsigned := baseItem()
	unsigned["eventCode"] = "REFUND"
	wrongKey := signItem(t, baseItem(), strings.Repeat("CD", 32))
	cb := baseItem()
	cb["eventCode"], cb["pspReference"] = "CHARGEBACK", "DISPUTEPSP"
	cb = signItem(t, cb, testHMACHex)

	v := wantVerified(t, verifyBody(t, testCreds(), notificationBody(t, good, tampered, unsigned, wrongKey, cb)))
	ev := v.GetEvents()
	if len(ev) != 5 {
		t.Fatalf("%d events, want 5 (one per item)", len(ev))
	}
	wantOK := []bool{true, false, false, false, true}
	for i, e := range ev {
		if e.GetVerified() != wantOK[i] {
			t.Errorf("item %d verified = %v, want %v", i, e.GetVerified(), wantOK[i])
		}
		if !e.GetVerified() {
			if e.GetRejectionReason() == "" || e.GetPayload() != nil || e.GetKind() != v1.EventKind_EVENT_KIND_UNSPECIFIED {
				t.Errorf("unverified item %d = %v: want a reason and no payload", i, e)
			}
		} else if e.GetRejectionReason() != "" {
			t.Errorf("verified item %d has a rejection reason", i)
		}
	}
	if !strings.Contains(ev[1].GetRejectionReason(), "mismatch") || !strings.Contains(ev[2].GetRejectionReason(), "missing") {
		t.Errorf("reasons = %q, %q", ev[1].GetRejectionReason(), ev[2].GetRejectionReason())
	}
	if ev[0].GetPayment().GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZED || ev[4].GetDispute().GetConnectorDisputeId() != "DISPUTEPSP" {
		t.Errorf("verified payloads = %v / %v", ev[0], ev[4])
	}
}

func TestWebhookNormalization(t *testing.T) {
	type want struct {
		kind   v1.EventKind
		status string
	}
	cases := []struct {
		code, success string
		extra         map[string]any
		want          want
	}{
		{"AUTHORISATION", "true", nil, want{v1.EventKind_EVENT_KIND_PAYMENT, "PAYMENT_STATUS_AUTHORIZED"}},
		{"AUTHORISATION", "false", nil, want{v1.EventKind_EVENT_KIND_PAYMENT, "PAYMENT_STATUS_AUTHORIZATION_FAILED"}},
		{"CAPTURE", "true", nil, want{v1.EventKind_EVENT_KIND_PAYMENT, "PAYMENT_STATUS_CHARGED"}},
		{"CAPTURE", "false", nil, want{v1.EventKind_EVENT_KIND_PAYMENT, "PAYMENT_STATUS_CAPTURE_FAILED"}},
		{"CAPTURE_FAILED", "true", nil, want{v1.EventKind_EVENT_KIND_PAYMENT, "PAYMENT_STATUS_CAPTURE_FAILED"}},
		{"CANCELLATION", "true", nil, want{v1.EventKind_EVENT_KIND_PAYMENT, "PAYMENT_STATUS_VOIDED"}},
		{"CANCELLATION", "false", nil, want{v1.EventKind_EVENT_KIND_PAYMENT, "PAYMENT_STATUS_VOID_FAILED"}},
		{"CANCEL_OR_REFUND", "true", nil, want{v1.EventKind_EVENT_KIND_PAYMENT, "PAYMENT_STATUS_REVERSED"}},
		{"CANCEL_OR_REFUND", "false", nil, want{v1.EventKind_EVENT_KIND_PAYMENT, "PAYMENT_STATUS_UNKNOWN"}},
		{"TECHNICAL_CANCEL", "true", nil, want{v1.EventKind_EVENT_KIND_PAYMENT, "PAYMENT_STATUS_REVERSED"}},
		{"AUTHORISATION_ADJUSTMENT", "true", nil, want{v1.EventKind_EVENT_KIND_PAYMENT, "PAYMENT_STATUS_AUTHORIZED"}},
		// An abandoned offer (a redirect never completed) failed; an expired authorisation was released.
		{"OFFER_CLOSED", "true", nil, want{v1.EventKind_EVENT_KIND_PAYMENT, "PAYMENT_STATUS_FAILURE"}},
		{"EXPIRE", "true", nil, want{v1.EventKind_EVENT_KIND_PAYMENT, "PAYMENT_STATUS_VOIDED"}},
		{"REFUND", "true", nil, want{v1.EventKind_EVENT_KIND_REFUND, "REFUND_STATUS_SUCCEEDED"}},
		{"REFUND", "false", nil, want{v1.EventKind_EVENT_KIND_REFUND, "REFUND_STATUS_FAILED"}},
		{"REFUND_FAILED", "true", nil, want{v1.EventKind_EVENT_KIND_REFUND, "REFUND_STATUS_FAILED"}},
		{"REFUNDED_REVERSED", "true", nil, want{v1.EventKind_EVENT_KIND_REFUND, "REFUND_STATUS_FAILED"}},
		{"CHARGEBACK", "true", map[string]any{"defendable": "true"}, want{v1.EventKind_EVENT_KIND_DISPUTE, "DISPUTE_STATUS_NEEDS_RESPONSE"}},
		{"CHARGEBACK", "true", map[string]any{"defendable": "false"}, want{v1.EventKind_EVENT_KIND_DISPUTE, "DISPUTE_STATUS_LOST"}},
		{"CHARGEBACK", "true", map[string]any{"disputeStatus": "Responded"}, want{v1.EventKind_EVENT_KIND_DISPUTE, "DISPUTE_STATUS_UNDER_REVIEW"}},
		// Undefended: the chargeback is open and can still be defended (when defendable), not lost.
		{"CHARGEBACK", "true", map[string]any{"disputeStatus": "Undefended", "defendable": "true"},
			want{v1.EventKind_EVENT_KIND_DISPUTE, "DISPUTE_STATUS_NEEDS_RESPONSE"}},
		{"CHARGEBACK", "true", map[string]any{"disputeStatus": "Undefended", "defendable": "false"}, want{v1.EventKind_EVENT_KIND_DISPUTE, "DISPUTE_STATUS_LOST"}},
		{"NOTIFICATION_OF_CHARGEBACK", "true", nil, want{v1.EventKind_EVENT_KIND_DISPUTE, "DISPUTE_STATUS_NEEDS_RESPONSE"}},
		// Adyen defended it itself (autoDefended): under review, nothing for the merchant to send.
		{"NOTIFICATION_OF_CHARGEBACK", "true", map[string]any{"defendable": "false", "autoDefended": "true"},
			want{v1.EventKind_EVENT_KIND_DISPUTE, "DISPUTE_STATUS_UNDER_REVIEW"}},
		{"REQUEST_FOR_INFORMATION", "true", nil, want{v1.EventKind_EVENT_KIND_DISPUTE, "DISPUTE_STATUS_INQUIRY"}},
		{"CHARGEBACK_REVERSED", "true", nil, want{v1.EventKind_EVENT_KIND_DISPUTE, "DISPUTE_STATUS_WON"}},
		{"SECOND_CHARGEBACK", "true", nil, want{v1.EventKind_EVENT_KIND_DISPUTE, "DISPUTE_STATUS_LOST"}},
		{"PREARBITRATION_WON", "true", nil, want{v1.EventKind_EVENT_KIND_DISPUTE, "DISPUTE_STATUS_WON"}},
		{"PREARBITRATION_LOST", "true", nil, want{v1.EventKind_EVENT_KIND_DISPUTE, "DISPUTE_STATUS_LOST"}},
		// The rest of Webhooks-v1's pre-arbitration and scheme arbitration events.
		{"PREARBITRATION_OPEN", "true", nil, want{v1.EventKind_EVENT_KIND_DISPUTE, "DISPUTE_STATUS_NEEDS_RESPONSE"}},
		{"PREARBITRATION_ACCEPTED", "true", nil, want{v1.EventKind_EVENT_KIND_DISPUTE, "DISPUTE_STATUS_UNKNOWN"}},
		{"PREARBITRATION_DECLINED", "true", nil, want{v1.EventKind_EVENT_KIND_DISPUTE, "DISPUTE_STATUS_UNKNOWN"}},
		{"PREARBITRATION_ISSUER_WITHDRAWN", "true", nil, want{v1.EventKind_EVENT_KIND_DISPUTE, "DISPUTE_STATUS_WON"}},
		{"SCHEME_ARBITRATION", "true", nil, want{v1.EventKind_EVENT_KIND_DISPUTE, "DISPUTE_STATUS_UNDER_REVIEW"}},
		{"SCHEME_ARBITRATION_WON", "true", nil, want{v1.EventKind_EVENT_KIND_DISPUTE, "DISPUTE_STATUS_WON"}},
		{"SCHEME_ARBITRATION_LOST", "true", nil, want{v1.EventKind_EVENT_KIND_DISPUTE, "DISPUTE_STATUS_LOST"}},
		{"RECURRING_CONTRACT", "true", map[string]any{"recurring.recurringDetailReference": "M5N7", "recurring.shopperReference": "shopper_123"}, want{v1.EventKind_EVENT_KIND_MANDATE, "MANDATE_STATUS_ACTIVE"}},
		{"REPORT_AVAILABLE", "true", nil, want{v1.EventKind_EVENT_KIND_OTHER, ""}},
	}
	for _, tc := range cases {
		t.Run(tc.code+"/"+tc.success, func(t *testing.T) {
			it := baseItem()
			it["eventCode"], it["success"] = tc.code, tc.success
			if tc.extra != nil {
				it["additionalData"] = tc.extra
			}
			ev := wantVerified(t, verifyBody(t, testCreds(), notificationBody(t, signItem(t, it, testHMACHex)))).GetEvents()
			if len(ev) != 1 {
				t.Fatalf("%d events", len(ev))
			}
			e := ev[0]
			if e.GetKind() != tc.want.kind || !e.GetVerified() || e.GetConnectorEventType() != tc.code || e.GetLivemode() {
				t.Fatalf("event = %v", e)
			}
			if e.GetEventId() != tc.code+":QFQTPCQ8HXSKGK82:"+tc.success || e.GetCreatedAtUnix() != 1767319445 {
				t.Fatalf("id %q created %d", e.GetEventId(), e.GetCreatedAtUnix())
			}
			var got string
			switch p := e.GetPayload().(type) {
			case *v1.Event_Payment:
				got = p.Payment.GetStatus().String()
				if p.Payment.GetAmount().GetMinorAmount() != 1000 {
					t.Errorf("amount = %v", p.Payment.GetAmount())
				}
				if tc.success == "false" && p.Payment.GetError() == nil {
					t.Error("failed event without error")
				}
			case *v1.Event_Refund:
				got = p.Refund.GetStatus().String()
				if p.Refund.GetConnectorRefundId() != "QFQTPCQ8HXSKGK82" || p.Refund.GetConnectorTransactionId() != "9913140798220028" {
					t.Errorf("refund ids = %v", p.Refund)
				}
			case *v1.Event_Dispute:
				got = p.Dispute.GetStatus().String()
			case *v1.Event_Mandate:
				got = p.Mandate.GetStatus().String()
				if p.Mandate.GetMandate().GetConnectorMandateId() != "M5N7" || p.Mandate.GetMandate().GetConnectorCustomerId() != "shopper_123" {
					t.Errorf("mandate = %v", p.Mandate)
				}
			}
			if got != tc.want.status {
				t.Fatalf("status = %q, want %q", got, tc.want.status)
			}
		})
	}
}

func TestWebhookDisputeDetails(t *testing.T) {
	it := baseItem()
	it["eventCode"], it["pspReference"] = "NOTIFICATION_OF_CHARGEBACK", "DSP1"
	it["reason"] = "Payment.TxId=300000000524659113 dispute"
	it["additionalData"] = map[string]any{"chargebackReasonCode": " 4853", "defensePeriodEndsAt": "2026-02-01T00:00:00+00:00", "defendable": "true"}
	it["live"] = nil
	delete(it, "live")
	ev := wantVerified(t, verifyBody(t, testCreds(), notificationBody(t, signItem(t, it, testHMACHex)))).GetEvents()
	d := ev[0].GetDispute()
	if d.GetConnectorDisputeId() != "DSP1" || d.GetConnectorTransactionId() != "9913140798220028" || d.GetReasonCode() != "4853" ||
		d.GetEvidenceDueByUnix() != 1769904000 || d.GetStage() != "chargeback" || d.GetAmount().GetMinorAmount() != 1000 {
		t.Fatalf("dispute = %v", d)
	}
	// AUTHORISATION with a token carries the mandate; amounts use Adyen's exponent.
	auth := baseItem()
	auth["amount"] = map[string]any{"value": 279000, "currency": "ISK"}
	auth["additionalData"] = map[string]any{"tokenization.storedPaymentMethodId": "TOK1", "tokenization.shopperReference": "shopper_123"}
	p := wantVerified(t, verifyBody(t, testCreds(), notificationBody(t, signItem(t, auth, testHMACHex)))).GetEvents()[0].GetPayment()
	if p.GetMandate().GetConnectorMandateId() != "TOK1" || p.GetAmount().GetMinorAmount() != 2790 || p.GetAmount().GetCurrency() != "ISK" {
		t.Fatalf("payment = %v", p)
	}
}

// TestParseWebhookNamesEachItemsAccount reads a batch without credentials
// (EventService.ParseEvent): every item comes back, unverified, with the
// merchant account it names, so a platform can pick each account's key.
func TestParseWebhookNamesEachItemsAccount(t *testing.T) {
	payment := baseItem()
	payment["merchantAccountCode"] = "ShopA_ECOM"
	refund := baseItem()
	refund["merchantAccountCode"], refund["eventCode"], refund["pspReference"] = "ShopB_ECOM", "REFUND", "KCBVMGDMT9TGK83"
	payout := baseItem()
	payout["eventCode"], payout["originalReference"], payout["merchantReference"] = "PAIDOUT_REVERSED", "8815131762537886", "payout_1"
	body := notificationBody(t, payment, refund, payout) // unsigned: parsing checks nothing
	out, err := newKit().VerifyWebhook(&pluginv1.VerifyWebhookInput{
		Webhook: &v1.WebhookRequest{Method: "POST", Body: body}, Context: (&pdktest.Call{}).Context(), ParseOnly: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	evs := out.GetParsed().GetEvents()
	if len(evs) != 3 {
		t.Fatalf("parse = %v", out)
	}
	want := []struct {
		kind                v1.EventKind
		account, id, payout string
	}{
		{v1.EventKind_EVENT_KIND_PAYMENT, "ShopA_ECOM", "QFQTPCQ8HXSKGK82", ""},
		{v1.EventKind_EVENT_KIND_REFUND, "ShopB_ECOM", "9913140798220028", ""},
		{v1.EventKind_EVENT_KIND_PAYOUT, testMerchant, "", "8815131762537886"},
	}
	for i, w := range want {
		r := evs[i].GetReferences()
		if evs[i].GetKind() != w.kind || r.GetMerchantAccount() != w.account || r.GetConnectorTransactionId() != w.id || r.GetConnectorPayoutId() != w.payout {
			t.Errorf("event %d = %v", i, evs[i])
		}
	}
	// The same unsigned body is refused by verification.
	wantRejected(t, verifyBody(t, testCreds(), body), pluginv1.RejectionReason_REJECTION_REASON_MISSING_SIGNATURE)
	// A body that is not a NotificationRequest is refused by parsing too.
	bad, err := newKit().VerifyWebhook(&pluginv1.VerifyWebhookInput{Webhook: &v1.WebhookRequest{Body: []byte(`[1]`)}, Context: (&pdktest.Call{}).Context(), ParseOnly: true})
	if err != nil || bad.GetRejection().GetReason() != pluginv1.RejectionReason_REJECTION_REASON_MALFORMED_BODY {
		t.Errorf("parse of a non-object = %v, %v", bad, err)
	}
}

// TestWebhookUnreadableItem: a verified item of an eventCode the plugin
// reads (payment, refund, payout, dispute) whose amount cannot be read (an
// unknown currency, a value that is not an integer, an Adyen amount with no
// exact ISO value) or that has no pspReference fails the whole notification
// with INVALID_RESPONSE naming the item, verified or only parsed: never an
// event without its amount acknowledged with "[accepted]", after which Adyen
// would not send the item again. An item of an eventCode the plugin does not
// read is still a verified OTHER event.
func TestWebhookUnreadableItem(t *testing.T) {
	for _, tc := range []struct {
		name, code string
		change     func(it item)
	}{
		{"unknown currency", "AUTHORISATION", func(it item) { it["amount"] = map[string]any{"value": 1000, "currency": "ZZZ"} }},
		{"fractional value", "CAPTURE", func(it item) { it["amount"] = map[string]any{"value": 10.5, "currency": "EUR"} }},
		{"value not a number", "REFUND", func(it item) { it["amount"] = map[string]any{"value": "ten", "currency": "EUR"} }},
		{"no currency", "PAYOUT_THIRDPARTY", func(it item) { it["amount"] = map[string]any{"value": 1000} }},
		{"no exact ISO amount", "CHARGEBACK", func(it item) { it["amount"] = map[string]any{"value": 1050, "currency": "CLP"} }},
		{"no pspReference", "REFUND", func(it item) { delete(it, "pspReference") }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			it := baseItem()
			it["eventCode"] = tc.code
			tc.change(it)
			good := signItem(t, baseItem(), testHMACHex)
			body := notificationBody(t, good, signItem(t, it, testHMACHex))
			out := verifyBody(t, testCreds(), body)
			if out.GetVerified() != nil || out.GetRejection() != nil {
				t.Fatalf("got %v, want an INVALID_RESPONSE error and no acknowledgement", out)
			}
			wantKind(t, out.GetError(), pluginv1.ErrorKind_ERROR_KIND_INVALID_RESPONSE, tc.code+":")
			parsed, err := newKit().VerifyWebhook(&pluginv1.VerifyWebhookInput{
				Webhook: &v1.WebhookRequest{Method: "POST", Body: body}, Context: (&pdktest.Call{}).Context(), ParseOnly: true,
			})
			if err != nil {
				t.Fatal(err)
			}
			if parsed.GetParsed() != nil {
				t.Fatalf("parsed %v, want an INVALID_RESPONSE error", parsed)
			}
			wantKind(t, parsed.GetError(), pluginv1.ErrorKind_ERROR_KIND_INVALID_RESPONSE, tc.code+":")
		})
	}
	t.Run("an eventCode not read is still verified", func(t *testing.T) {
		it := baseItem()
		it["eventCode"], it["amount"] = "REPORT_AVAILABLE", map[string]any{"value": 10.5, "currency": "ZZZ"}
		ev := wantVerified(t, verifyBody(t, testCreds(), notificationBody(t, signItem(t, it, testHMACHex)))).GetEvents()
		if len(ev) != 1 || !ev[0].GetVerified() || ev[0].GetKind() != v1.EventKind_EVENT_KIND_OTHER {
			t.Fatalf("events = %v", ev)
		}
	})
}
