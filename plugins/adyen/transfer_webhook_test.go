//go:build !wasip1

package adyen

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/internal/specfake"
	"github.com/connectorhost/connector-host/pdk/pdktest"
)

// transferBody is a balancePlatform.transfer.updated webhook of an outgoing
// bank transfer (a payout) in status.
func transferBody(t *testing.T, status, reason string) []byte {
	t.Helper()
	return mustJSON(t, map[string]any{"type": "balancePlatform.transfer.updated", "environment": "test", "timestamp": "2026-01-02T03:04:05+01:00",
		"data": map[string]any{"id": "6JKRLZ8LOT47J7RY", "status": status, "reason": reason, "category": "bank", "direction": "outgoing",
			"reference": "payout_1", "sequenceNumber": 3, "amount": map[string]any{"currency": "EUR", "value": 10000},
			"balanceAccount": map[string]any{"id": "BA00000000000000000000001"}}})
}

// hmacHeader is the HmacSignature Adyen sends for body under hexKey.
func hmacHeader(t *testing.T, hexKey string, body []byte) string {
	t.Helper()
	key, err := hex.DecodeString(hexKey)
	if err != nil {
		t.Fatal(err)
	}
	m := hmac.New(sha256.New, key)
	m.Write(body)
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

func verifyTransfer(t *testing.T, creds map[string]string, body []byte, signature string) *pluginv1.VerifyWebhookOutput {
	t.Helper()
	headers := []*v1.HttpHeader{{Name: "Content-Type", Value: "application/json"}}
	if signature != "" {
		headers = append(headers, &v1.HttpHeader{Name: "HmacSignature", Value: signature})
	}
	out, err := newKit().VerifyWebhook(&pluginv1.VerifyWebhookInput{
		Webhook: &v1.WebhookRequest{Method: "POST", Url: "https://merchant.example/webhooks/adyen-bp", Headers: headers, Body: body},
		Context: (&pdktest.Call{Credentials: creds}).Context(),
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestTransferWebhookIsAPayoutEvent(t *testing.T) {
	body := transferBody(t, "failed", "notEnoughBalance")
	ev := wantVerified(t, verifyTransfer(t, testCreds(), body, hmacHeader(t, testHMACHex, body))).GetEvents()
	if len(ev) != 1 {
		t.Fatalf("events = %v", ev)
	}
	p := ev[0].GetPayout()
	if ev[0].GetKind() != v1.EventKind_EVENT_KIND_PAYOUT || !ev[0].GetVerified() || ev[0].GetEventId() != "transfer:6JKRLZ8LOT47J7RY:3" ||
		p.GetConnectorPayoutId() != "6JKRLZ8LOT47J7RY" || p.GetMerchantPayoutId() != "payout_1" || p.GetStatus() != v1.PayoutStatus_PAYOUT_STATUS_FAILED ||
		p.GetAmount().GetMinorAmount() != 10000 || p.GetAmount().GetCurrency() != "EUR" ||
		p.GetError().GetCode() != v1.ErrorCode_ERROR_CODE_INSUFFICIENT_FUNDS || ev[0].GetCreatedAtUnix() != 1767319445 {
		t.Errorf("event = %v", ev[0])
	}
}

func TestTransferWebhookRejections(t *testing.T) {
	body := transferBody(t, "booked", "approved")
	good := hmacHeader(t, testHMACHex, body)
	otherKey := strings.Repeat("AB", 32)
	cases := []struct {
		name      string
		creds     map[string]string
		body      []byte
		signature string
		want      pluginv1.RejectionReason
	}{
		{"no header", testCreds(), body, "", pluginv1.RejectionReason_REJECTION_REASON_MISSING_SIGNATURE},
		{"not base64", testCreds(), body, "%%%", pluginv1.RejectionReason_REJECTION_REASON_MALFORMED_SIGNATURE},
		{"too short", testCreds(), body, base64.StdEncoding.EncodeToString([]byte("short")), pluginv1.RejectionReason_REJECTION_REASON_MALFORMED_SIGNATURE},
		{"body changed", testCreds(), transferBody(t, "credited", "approved"), good, pluginv1.RejectionReason_REJECTION_REASON_SIGNATURE_MISMATCH},
		{"signed with another key", testCreds(), body, hmacHeader(t, otherKey, body), pluginv1.RejectionReason_REJECTION_REASON_SIGNATURE_MISMATCH},
		{"no key", map[string]string{credAPIKey: testAPIKey}, body, good, pluginv1.RejectionReason_REJECTION_REASON_MISSING_SECRET},
		// The Balance Platform webhook's own key, when set, is the only one that verifies it.
		{"hmac_key when balance_platform_hmac_key is set", withCred(credBPHMACKey, otherKey), body, good, pluginv1.RejectionReason_REJECTION_REASON_SIGNATURE_MISMATCH},
		{"no data.id", testCreds(), []byte(`{"type":"balancePlatform.transfer.updated","data":{}}`),
			hmacHeader(t, testHMACHex, []byte(`{"type":"balancePlatform.transfer.updated","data":{}}`)), pluginv1.RejectionReason_REJECTION_REASON_MALFORMED_BODY},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { wantRejected(t, verifyTransfer(t, c.creds, c.body, c.signature), c.want) })
	}
	wantVerified(t, verifyTransfer(t, withCred(credBPHMACKey, otherKey), body, hmacHeader(t, otherKey, body)))
}

func withCred(k, v string) map[string]string {
	c := testCreds()
	c[k] = v
	return c
}

func TestParseTransferWebhookNamesTheBalanceAccount(t *testing.T) {
	out, err := newKit().VerifyWebhook(&pluginv1.VerifyWebhookInput{
		Webhook: &v1.WebhookRequest{Method: "POST", Body: transferBody(t, "booked", "approved")}, Context: (&pdktest.Call{}).Context(), ParseOnly: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	evs := out.GetParsed().GetEvents()
	if len(evs) != 1 || evs[0].GetKind() != v1.EventKind_EVENT_KIND_PAYOUT || evs[0].GetReferences().GetConnectorPayoutId() != "6JKRLZ8LOT47J7RY" ||
		evs[0].GetReferences().GetMerchantAccount() != "BA00000000000000000000001" {
		t.Errorf("parse = %v", out)
	}
}

// Every example of Adyen's published BalancePlatformTransferNotification v4
// verifies once signed: outgoing bank transfers as payout events with the
// example's id, amount and status, the rest as verified OTHER events.
func TestTransferWebhookSpecExamples(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(specfake.OraclesDir(t), "adyen", "BalancePlatformTransferNotification-v4.json"))
	if err != nil {
		t.Fatal(err)
	}
	var spec struct {
		Components struct {
			Examples map[string]struct{ Value json.RawMessage }
		}
	}
	if err := json.Unmarshal(raw, &spec); err != nil {
		t.Fatal(err)
	}
	payouts := 0
	for name, ex := range spec.Components.Examples {
		t.Run(name, func(t *testing.T) {
			var v struct {
				Data struct {
					ID, Status, Category, Direction string
					Amount                          struct{ Value int64 }
				}
			}
			if err := json.Unmarshal(ex.Value, &v); err != nil {
				t.Fatal(err)
			}
			ev := wantVerified(t, verifyTransfer(t, testCreds(), ex.Value, hmacHeader(t, testHMACHex, ex.Value))).GetEvents()
			if len(ev) != 1 || !ev[0].GetVerified() {
				t.Fatalf("events = %v", ev)
			}
			if v.Data.Category != "bank" || v.Data.Direction != "outgoing" {
				if ev[0].GetKind() != v1.EventKind_EVENT_KIND_OTHER {
					t.Errorf("kind = %v, want OTHER", ev[0].GetKind())
				}
				return
			}
			payouts++
			p := ev[0].GetPayout()
			if p.GetConnectorPayoutId() != v.Data.ID || p.GetAmount().GetMinorAmount() != v.Data.Amount.Value ||
				p.GetStatus() != transferStatuses.Get(v.Data.Status) || p.GetStatus() == v1.PayoutStatus_PAYOUT_STATUS_UNKNOWN {
				t.Errorf("payout = %v (example status %q)", p, v.Data.Status)
			}
		})
	}
	if payouts == 0 {
		t.Error("no example is an outgoing bank transfer")
	}
}

// A payout Adyen holds for its internal review (InternalReviewTrackingData in
// the transfer webhook's tracking, status pending) is not sent yet: PENDING,
// not in transit and not failed. One that failed the review (status failed,
// reason refusedForRegulatoryReasons) is FAILED, RISK_BLOCKED, with the reason.
func TestTransferWebhookTrackingInternalReview(t *testing.T) {
	for _, c := range []struct {
		status   string
		tracking map[string]any
		want     v1.PayoutStatus
		code     v1.ErrorCode
		reason   string
	}{
		{"booked", map[string]any{"type": "internalReview", "status": "pending"}, v1.PayoutStatus_PAYOUT_STATUS_PENDING, 0, ""},
		{"authorised", map[string]any{"type": "internalReview", "status": "pending"}, v1.PayoutStatus_PAYOUT_STATUS_PENDING, 0, ""},
		{"booked", map[string]any{"type": "internalReview", "status": "failed", "reason": "refusedForRegulatoryReasons"},
			v1.PayoutStatus_PAYOUT_STATUS_FAILED, v1.ErrorCode_ERROR_CODE_RISK_BLOCKED, "refusedForRegulatoryReasons"},
		{"booked", map[string]any{"type": "internalReview", "status": "failed"},
			v1.PayoutStatus_PAYOUT_STATUS_FAILED, v1.ErrorCode_ERROR_CODE_RISK_BLOCKED, "internalReview"},
		// A final status stays as Adyen wrote it.
		{"returned", map[string]any{"type": "internalReview", "status": "pending"}, v1.PayoutStatus_PAYOUT_STATUS_REVERSED, 0, ""},
	} {
		var v map[string]any
		if err := json.Unmarshal(transferBody(t, c.status, "approved"), &v); err != nil {
			t.Fatal(err)
		}
		v["data"].(map[string]any)["tracking"] = c.tracking
		body := mustJSON(t, v)
		ev := wantVerified(t, verifyTransfer(t, testCreds(), body, hmacHeader(t, testHMACHex, body))).GetEvents()
		if len(ev) != 1 {
			t.Fatalf("events = %v", ev)
		}
		p := ev[0].GetPayout()
		if p.GetStatus() != c.want || p.GetError().GetCode() != c.code || p.GetError().GetConnector().GetCode() != c.reason {
			t.Errorf("%s with tracking %v: payout = %v, want %v %v %q", c.status, c.tracking, p, c.want, c.code, c.reason)
		}
	}
}

// An instant bank transfer stays "booked": Adyen reports the funds' arrival in
// the webhook's tracking object (ConfirmationTrackingData, status credited),
// which is the payout's PAID. Tracking that only estimates the arrival leaves it in transit.
func TestTransferWebhookTrackingCredited(t *testing.T) {
	for _, c := range []struct {
		tracking map[string]any
		want     v1.PayoutStatus
	}{
		{map[string]any{"type": "confirmation", "status": "credited"}, v1.PayoutStatus_PAYOUT_STATUS_PAID},
		{map[string]any{"type": "estimation", "estimatedArrivalTime": "2026-01-03T10:00:00+01:00"}, v1.PayoutStatus_PAYOUT_STATUS_IN_TRANSIT},
		{nil, v1.PayoutStatus_PAYOUT_STATUS_IN_TRANSIT},
	} {
		var v map[string]any
		if err := json.Unmarshal(transferBody(t, "booked", "approved"), &v); err != nil {
			t.Fatal(err)
		}
		if c.tracking != nil {
			v["data"].(map[string]any)["tracking"] = c.tracking
		}
		body := mustJSON(t, v)
		ev := wantVerified(t, verifyTransfer(t, testCreds(), body, hmacHeader(t, testHMACHex, body))).GetEvents()
		if len(ev) != 1 || ev[0].GetPayout().GetStatus() != c.want || ev[0].GetPayout().GetError() != nil {
			t.Errorf("tracking %v: events = %v, want status %v", c.tracking, ev, c.want)
		}
	}
}
