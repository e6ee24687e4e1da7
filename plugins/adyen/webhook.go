package adyen

import (
	"bytes"
	"encoding/hex"
	"strings"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk"
	"github.com/connectorhost/connector-host/pdk/sig"
	"github.com/valyala/fastjson"
)

// Adyen standard notifications are a JSON NotificationRequest whose
// notificationItems[].NotificationRequestItem each carry their own signature
// in additionalData.hmacSignature:
//
//	base64(HMAC-SHA256(hex-decoded hmac_key,
//	  pspReference:originalReference:merchantAccountCode:merchantReference:value:currency:eventCode:success))
//
// with empty strings for absent fields. Items are verified one by one: good
// items become verified events, bad ones are returned unverified with a
// rejection reason and no payload. A batch with no good item is rejected.

// itemCheck is the outcome of verifying one item.
type itemCheck int

const (
	itemVerified itemCheck = iota
	itemMissingSignature
	itemBadSignature
	itemMalformed
)

func (k itemCheck) reason() string {
	switch k {
	case itemMissingSignature:
		return "missing additionalData.hmacSignature"
	case itemBadSignature:
		return "HMAC signature mismatch"
	case itemMalformed:
		return "malformed NotificationRequestItem"
	}
	return ""
}

// acknowledgement is the answer Adyen expects: 200 with body "[accepted]".
func acknowledgement() *v1.Acknowledgement {
	return &v1.Acknowledgement{
		Status:  200,
		Headers: []*v1.HttpHeader{{Name: "Content-Type", Value: "text/plain"}},
		Body:    []byte("[accepted]"),
	}
}

// verifyWebhook verifies and normalizes a standard notification.
func verifyWebhook(c *pdk.Context, w *v1.WebhookRequest) (*pluginv1.VerifiedWebhook, error) {
	keyHex := strings.TrimSpace(c.Credentials[credHMACKey])
	if keyHex == "" {
		return nil, pdk.Reject(pluginv1.RejectionReason_REJECTION_REASON_MISSING_SECRET, "credential %q is missing: cannot verify Adyen webhooks", credHMACKey)
	}
	key, err := hex.DecodeString(keyHex)
	if err != nil || len(key) == 0 {
		return nil, pdk.Reject(pluginv1.RejectionReason_REJECTION_REASON_SIGNATURE_MISMATCH, "credential %q is not a hex HMAC key: cannot verify", credHMACKey)
	}
	var p fastjson.Parser
	body := bytes.TrimSpace(w.GetBody())
	v, err := p.ParseBytes(body)
	if err != nil || v.Type() != fastjson.TypeObject {
		return nil, pdk.Reject(pluginv1.RejectionReason_REJECTION_REASON_MALFORMED_BODY, "body is not a JSON NotificationRequest")
	}
	live := false
	if l := v.Get("live"); l != nil {
		switch str(v, "live") {
		case "true":
			live = true
		case "false":
		default:
			return nil, pdk.Reject(pluginv1.RejectionReason_REJECTION_REASON_MALFORMED_BODY, "live must be \"true\" or \"false\"")
		}
	}
	items := v.GetArray("notificationItems")
	if len(items) == 0 {
		return nil, pdk.Reject(pluginv1.RejectionReason_REJECTION_REASON_MALFORMED_BODY, "notificationItems is missing or empty")
	}

	out := &pluginv1.VerifiedWebhook{Acknowledgement: acknowledgement()}
	var counts [itemMalformed + 1]int
	for _, wrapper := range items {
		it := wrapper.Get("NotificationRequestItem")
		check := verifyItem(key, it)
		counts[check]++
		if check != itemVerified {
			out.Events = append(out.Events, &v1.Event{
				EventId:            eventID(it),
				ConnectorEventType: str(it, "eventCode"),
				Verified:           false,
				RejectionReason:    check.reason(),
				Livemode:           live,
			})
			continue
		}
		ev := normalize(it)
		ev.Verified = true
		ev.Livemode = live
		out.Events = append(out.Events, ev)
	}
	if counts[itemVerified] == 0 {
		switch {
		case counts[itemMissingSignature] == len(items):
			return nil, pdk.Reject(pluginv1.RejectionReason_REJECTION_REASON_MISSING_SIGNATURE, "no notification item carries additionalData.hmacSignature")
		case counts[itemMalformed] == len(items):
			return nil, pdk.Reject(pluginv1.RejectionReason_REJECTION_REASON_MALFORMED_BODY, "no notification item is a NotificationRequestItem object")
		default:
			return nil, pdk.Reject(pluginv1.RejectionReason_REJECTION_REASON_SIGNATURE_MISMATCH, "no notification item has a valid HMAC signature")
		}
	}
	return out, nil
}

// verifyItem checks one item's hmacSignature in constant time.
func verifyItem(key []byte, it *fastjson.Value) itemCheck {
	if it == nil || it.Type() != fastjson.TypeObject {
		return itemMalformed
	}
	if a := it.Get("amount"); a != nil && a.Type() != fastjson.TypeObject {
		return itemMalformed
	}
	given := str(it, "additionalData", "hmacSignature")
	if given == "" {
		return itemMissingSignature
	}
	want := sig.HMACSHA256Base64(key, []byte(signingString(it)))
	if !sig.EqualString(want, given) {
		return itemBadSignature
	}
	return itemVerified
}

// signingString is the text Adyen signs for an item.
func signingString(it *fastjson.Value) string {
	var b strings.Builder
	for i, f := range []string{
		str(it, "pspReference"),
		str(it, "originalReference"),
		str(it, "merchantAccountCode"),
		str(it, "merchantReference"),
		numberText(it, "amount", "value"),
		str(it, "amount", "currency"),
		str(it, "eventCode"),
		str(it, "success"),
	} {
		if i > 0 {
			b.WriteByte(':')
		}
		b.WriteString(f)
	}
	return b.String()
}

// eventID identifies an item for de-duplication: Adyen resends the same
// eventCode and pspReference; success distinguishes a later correction.
func eventID(it *fastjson.Value) string {
	if it == nil {
		return ""
	}
	return str(it, "eventCode") + ":" + str(it, "pspReference") + ":" + str(it, "success")
}

// parseWebhook reads a NotificationRequest without verifying it
// (ParseEvent): every item normalized as verifyWebhook would, with the
// merchant account it names, so a caller can pick the account's HMAC key.
func parseWebhook(_ *pdk.Context, w *v1.WebhookRequest) ([]*v1.ParsedEvent, error) {
	var p fastjson.Parser
	v, err := p.ParseBytes(bytes.TrimSpace(w.GetBody()))
	if err != nil || v.Type() != fastjson.TypeObject {
		return nil, pdk.Reject(pluginv1.RejectionReason_REJECTION_REASON_MALFORMED_BODY, "body is not a JSON NotificationRequest")
	}
	items := v.GetArray("notificationItems")
	if len(items) == 0 {
		return nil, pdk.Reject(pluginv1.RejectionReason_REJECTION_REASON_MALFORMED_BODY, "notificationItems is missing or empty")
	}
	live := str(v, "live") == "true"
	out := make([]*v1.ParsedEvent, 0, len(items))
	for _, wrapper := range items {
		it := wrapper.Get("NotificationRequestItem")
		if it == nil || it.Type() != fastjson.TypeObject {
			return nil, pdk.Reject(pluginv1.RejectionReason_REJECTION_REASON_MALFORMED_BODY, "a notification item is not a NotificationRequestItem object")
		}
		ev := normalize(it)
		ev.Livemode = live
		out = append(out, pdk.ParsedFrom(ev, str(it, "merchantAccountCode")))
	}
	return out, nil
}
