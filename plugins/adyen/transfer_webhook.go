package adyen

import (
	"encoding/base64"
	"strings"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk"
	"github.com/connectorhost/connector-host/pdk/jsonr"
	"github.com/connectorhost/connector-host/pdk/sig"
	"github.com/connectorhost/connector-host/pdk/timestamp"
	"github.com/valyala/fastjson"
)

// Balance Platform transfer webhooks (balancePlatform.transfer.created and
// .updated, BalancePlatformTransferNotification v4) are one
// TransferNotificationRequest per POST, {type, environment, timestamp, data:
// Transfer}, signed as a whole in the HmacSignature header:
//
//	base64(HMAC-SHA256(hex-decoded key, the exact raw body))
//
// The key is the Balance Platform webhook's own HMAC key,
// credential balance_platform_hmac_key, or hmac_key when that is not set.
// An outgoing bank transfer (a payout made with the Transfers API) becomes a
// payout event; any other transfer (top-ups, internal transfers, card
// movements) is a verified event of kind OTHER.

// transferEventTypes are the Balance Platform webhook types this plugin reads.
var transferEventTypes = []string{"balancePlatform.transfer.created", "balancePlatform.transfer.updated"}

// transferNotification returns the body as a TransferNotificationRequest, or
// nil when it is not one (a standard NotificationRequest).
func transferNotification(body []byte) *fastjson.Value {
	v := jsonr.TryObject(body)
	if v == nil || !strings.HasPrefix(jsonr.Str(v, "type"), "balancePlatform.") {
		return nil
	}
	return v
}

// verifyTransferWebhook verifies a TransferNotificationRequest's
// HmacSignature in constant time and normalizes it.
func verifyTransferWebhook(c *pdk.Context, w *v1.WebhookRequest, v *fastjson.Value) (*pluginv1.VerifiedWebhook, error) {
	field := credBPHMACKey
	if strings.TrimSpace(c.Credentials[field]) == "" {
		field = credHMACKey
	}
	key, err := hmacKey(c, field)
	if err != nil {
		return nil, err
	}
	given := strings.TrimSpace(pdk.Header(w.GetHeaders(), "HmacSignature"))
	if given == "" {
		return nil, pdk.Reject(pluginv1.RejectionReason_REJECTION_REASON_MISSING_SIGNATURE, "a Balance Platform webhook needs the HmacSignature header")
	}
	mac, err := base64.StdEncoding.DecodeString(given)
	if err != nil || len(mac) != 32 {
		return nil, pdk.Reject(pluginv1.RejectionReason_REJECTION_REASON_MALFORMED_SIGNATURE, "HmacSignature is not a base64 HMAC-SHA256")
	}
	if !sig.Equal(sig.HMACSHA256(key, w.GetBody()), mac) {
		return nil, pdk.Reject(pluginv1.RejectionReason_REJECTION_REASON_SIGNATURE_MISMATCH, "HmacSignature does not match the body (credential %q)", field)
	}
	ev, err := normalizeTransfer(v)
	if err != nil {
		return nil, err
	}
	ev.Verified = true
	return &pluginv1.VerifiedWebhook{Events: []*v1.Event{ev}, Acknowledgement: acknowledgement()}, nil
}

// normalizeTransfer reads a TransferNotificationRequest as one event.
func normalizeTransfer(v *fastjson.Value) (*v1.Event, error) {
	typ, data := jsonr.Str(v, "type"), jsonr.Obj(v, "data")
	id := jsonr.Str(data, "id")
	if data == nil || id == "" {
		return nil, pdk.Reject(pluginv1.RejectionReason_REJECTION_REASON_MALFORMED_BODY, "the Balance Platform webhook has no data.id")
	}
	status := jsonr.Str(data, "status")
	// Adyen numbers the webhooks of one transfer from 1; a resend keeps its number.
	seq := jsonr.Number(data, "sequenceNumber")
	if seq == "" {
		seq = typ + ":" + status
	}
	ev := &v1.Event{EventId: "transfer:" + id + ":" + seq, ConnectorEventType: typ, Kind: v1.EventKind_EVENT_KIND_OTHER,
		Livemode: jsonr.Str(v, "environment") == "live"}
	if t, ok := timestamp.ParseRFC3339(jsonr.Str(v, "timestamp")); ok {
		ev.CreatedAtUnix = t
	}
	if jsonr.Str(data, "category") != "bank" || jsonr.Str(data, "direction") != "outgoing" {
		return ev, nil
	}
	r, err := parseTransfer(data, 0) // a webhook has no HTTP answer
	if err != nil {
		return nil, pdk.Reject(pluginv1.RejectionReason_REJECTION_REASON_MALFORMED_BODY, "the Balance Platform webhook's transfer: %v", err)
	}
	ev.Kind = v1.EventKind_EVENT_KIND_PAYOUT
	ev.Payload = &v1.Event_Payout{Payout: &v1.PayoutEvent{ConnectorPayoutId: r.id, MerchantPayoutId: jsonr.Str(data, "reference"),
		Status: r.status, Amount: r.amount, Error: r.err}}
	return ev, nil
}

// parseTransferWebhook reads a TransferNotificationRequest without
// verifying it (ParseEvent), with the balance account it names.
func parseTransferWebhook(v *fastjson.Value) ([]*v1.ParsedEvent, error) {
	ev, err := normalizeTransfer(v)
	if err != nil {
		return nil, err
	}
	return []*v1.ParsedEvent{pdk.ParsedFrom(ev, jsonr.Str(v, "data", "balanceAccount", "id"))}, nil
}
