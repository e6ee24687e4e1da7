package square

import (
	"cmp"
	"encoding/base64"
	"slices"
	"strings"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk"
	"github.com/connectorhost/connector-host/pdk/jsonr"
	"github.com/connectorhost/connector-host/pdk/sig"
	"github.com/connectorhost/connector-host/pdk/timestamp"
	"github.com/valyala/fastjson"
)

// Square signs each notification with the subscription's signature key:
//
//	x-square-hmacsha256-signature: base64(HMAC-SHA256(key, notification_url + raw body))
//
// (https://developer.squareup.com/docs/webhooks/step3validate). The URL is
// the one registered with the subscription, so it comes from the credential
// webhook_notification_url (or the operator config of that name); only when
// neither is set is the URL the webhook arrived at used. The signature has no
// timestamp: Square's event_id is the de-duplication key.
const signatureHeader = "x-square-hmacsha256-signature"

// configWebhookURL is the operator config key that may hold the notification URL.
const configWebhookURL = "webhook_notification_url"

// webhooks verifies Square's notifications and reads their one event. The
// body does not say whether it is live: the environment does.
var webhooks = &pdk.OneEventWebhook{Check: checkSignature, Read: event, LiveByEnvironment: true}

// checkSignature checks the notification's signature (see signatureHeader).
func checkSignature(c *pdk.Context, w *v1.WebhookRequest) *pdk.Rejection {
	key := c.Credentials[credWebhookKey]
	if key == "" {
		return pdk.Reject(pluginv1.RejectionReason_REJECTION_REASON_MISSING_SECRET, "credential %q is missing: cannot verify Square webhooks", credWebhookKey)
	}
	given := strings.TrimSpace(pdk.Header(w.GetHeaders(), signatureHeader))
	if given == "" {
		return pdk.Reject(pluginv1.RejectionReason_REJECTION_REASON_MISSING_SIGNATURE, "no %s header", signatureHeader)
	}
	givenMAC, err := base64.StdEncoding.DecodeString(given)
	if err != nil {
		return pdk.Reject(pluginv1.RejectionReason_REJECTION_REASON_MALFORMED_SIGNATURE, "%s is not base64", signatureHeader)
	}
	url := cmp.Or(c.Credentials[credWebhookURL], c.Config[configWebhookURL], w.GetUrl())
	signed := make([]byte, 0, len(url)+len(w.GetBody()))
	signed = append(append(signed, url...), w.GetBody()...)
	if !sig.Equal(sig.HMACSHA256([]byte(key), signed), givenMAC) {
		return pdk.Reject(pluginv1.RejectionReason_REJECTION_REASON_SIGNATURE_MISMATCH, "%s does not match the body and notification URL", signatureHeader)
	}
	return nil
}

// event reads the body's one event, which must be a Square event with type
// and event_id, and the seller (merchant_id) it is for. The types of
// webhookEventTypes get their typed payload, any other type is
// EVENT_KIND_OTHER with no payload. An object of a typed event that cannot
// be read (no id, a payment or refund without amount_money, as the flows
// refuse, an amount that does not convert) is MALFORMED_BODY: never an
// event without its amount, which the host would acknowledge and Square
// would not send again.
func event(w *v1.WebhookRequest) (*v1.Event, string, error) {
	v := jsonr.TryObject(w.GetBody())
	if v == nil || jsonr.Str(v, "type") == "" || jsonr.Str(v, "event_id") == "" {
		return nil, "", pdk.Reject(pluginv1.RejectionReason_REJECTION_REASON_MALFORMED_BODY, "body is not a Square event with type and event_id")
	}
	typ, seller := jsonr.Str(v, "type"), jsonr.Str(v, "merchant_id")
	ev := &v1.Event{EventId: jsonr.Str(v, "event_id"), ConnectorEventType: typ, Kind: v1.EventKind_EVENT_KIND_OTHER}
	if t, ok := timestamp.ParseRFC3339(jsonr.Str(v, "created_at")); ok {
		ev.CreatedAtUnix = t
	}
	if !slices.Contains(webhookEventTypes(), typ) {
		return ev, seller, nil
	}
	obj := v.Get("data", "object")
	var err error
	switch {
	case strings.HasPrefix(typ, "payment."):
		err = paymentEvent(ev, obj.Get("payment"))
	case strings.HasPrefix(typ, "refund."):
		err = refundEvent(ev, obj.Get("refund"))
	case strings.HasPrefix(typ, "dispute."):
		err = disputeEvent(ev, disputeObject(obj))
	case strings.HasPrefix(typ, "card."):
		err = cardEvent(ev, typ, obj.Get("card"))
	}
	return ev, seller, err
}

func isObject(o *fastjson.Value) bool { return o != nil && o.Type() == fastjson.TypeObject }

func malformed(what string) error {
	return pdk.Reject(pluginv1.RejectionReason_REJECTION_REASON_MALFORMED_BODY, "data.object.%s is missing or malformed", what)
}

func paymentEvent(ev *v1.Event, o *fastjson.Value) error {
	if !isObject(o) || jsonr.Str(o, "id") == "" {
		return malformed("payment")
	}
	amount, err := requiredMoney(o, "amount_money", "payment", nil)
	if err != nil {
		return malformed("payment.amount_money")
	}
	p := &v1.PaymentEvent{ConnectorTransactionId: jsonr.Str(o, "id"), MerchantTransactionId: jsonr.Str(o, "reference_id"),
		Status: paymentStatuses().Get(jsonr.Str(o, "status")), Amount: amount}
	if p.Status == v1.PaymentStatus_PAYMENT_STATUS_CHARGED {
		p.CapturedAmount = amount
	}
	if p.Status == v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZATION_FAILED {
		p.Error = declineError(firstError(o.Get("card_details")), 0)
	}
	ev.Kind, ev.Payload = v1.EventKind_EVENT_KIND_PAYMENT, &v1.Event_Payment{Payment: p}
	return nil
}

func refundEvent(ev *v1.Event, o *fastjson.Value) error {
	if !isObject(o) || jsonr.Str(o, "id") == "" {
		return malformed("refund")
	}
	amount, err := requiredMoney(o, "amount_money", "refund", nil)
	if err != nil {
		return malformed("refund.amount_money")
	}
	ev.Kind = v1.EventKind_EVENT_KIND_REFUND
	ev.Payload = &v1.Event_Refund{Refund: &v1.RefundEvent{ConnectorRefundId: jsonr.Str(o, "id"),
		ConnectorTransactionId: jsonr.Str(o, "payment_id"), Status: refundStatuses().Get(jsonr.Str(o, "status")), Amount: amount}}
	return nil
}

// disputeObject is a dispute event's dispute. Square documents two shapes:
// its webhook reference's example payloads put it at data.object.dispute,
// while its OpenAPI spec and SDK types (DisputeCreatedEventObject,
// DisputeStateChangedEventObject: a field named "object") put it at
// data.object.object. Both are read, dispute first; a body with neither is
// malformed.
func disputeObject(obj *fastjson.Value) *fastjson.Value {
	if d := obj.Get("dispute"); d != nil {
		return d
	}
	return obj.Get("object")
}

func disputeEvent(ev *v1.Event, o *fastjson.Value) error {
	if !isObject(o) {
		return malformed("dispute")
	}
	d, err := readDispute(o)
	if err != nil || d.ID == "" {
		return malformed("dispute")
	}
	ev.Kind = v1.EventKind_EVENT_KIND_DISPUTE
	ev.Payload = &v1.Event_Dispute{Dispute: d.Event()}
	return nil
}

func cardEvent(ev *v1.Event, typ string, o *fastjson.Value) error {
	if !isObject(o) || jsonr.Str(o, "id") == "" {
		return malformed("card")
	}
	status := v1.MandateStatus_MANDATE_STATUS_ACTIVE
	switch {
	case typ == "card.forgotten":
		status = v1.MandateStatus_MANDATE_STATUS_REVOKED
	case o.Get("enabled") != nil && o.Get("enabled").Type() == fastjson.TypeFalse, typ == "card.disabled":
		status = v1.MandateStatus_MANDATE_STATUS_INACTIVE
	}
	m := &v1.MandateReference{ConnectorMandateId: jsonr.Str(o, "id"), ConnectorCustomerId: jsonr.Str(o, "customer_id"), Status: status}
	ev.Kind = v1.EventKind_EVENT_KIND_MANDATE
	ev.Payload = &v1.Event_Mandate{Mandate: &v1.MandateEvent{Mandate: m, Status: status}}
	return nil
}
