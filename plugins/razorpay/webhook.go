package razorpay

import (
	"maps"
	"strconv"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk"
	"github.com/connectorhost/connector-host/pdk/jsonr"
	"github.com/valyala/fastjson"
)

// paymentEvents maps payment webhook events to the payment's status
// (order.paid carries the payment that paid the order).
func paymentEvents() map[string]v1.PaymentStatus {
	return map[string]v1.PaymentStatus{
		"payment.authorized": v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZED,
		"payment.captured":   v1.PaymentStatus_PAYMENT_STATUS_CHARGED,
		"payment.failed":     v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZATION_FAILED,
		"order.paid":         v1.PaymentStatus_PAYMENT_STATUS_CHARGED,
	}
}

// refundEvents maps refund webhook events to the refund's status.
func refundEvents() map[string]v1.RefundStatus {
	return map[string]v1.RefundStatus{
		"refund.created":   v1.RefundStatus_REFUND_STATUS_PENDING,
		"refund.processed": v1.RefundStatus_REFUND_STATUS_SUCCEEDED,
		"refund.failed":    v1.RefundStatus_REFUND_STATUS_FAILED,
	}
}

// tokenEvents maps recurring token (mandate) webhook events to the mandate's status.
func tokenEvents() map[string]v1.MandateStatus {
	return map[string]v1.MandateStatus{
		"token.confirmed": v1.MandateStatus_MANDATE_STATUS_ACTIVE,
		"token.rejected":  v1.MandateStatus_MANDATE_STATUS_FAILED,
		"token.paused":    v1.MandateStatus_MANDATE_STATUS_INACTIVE,
		"token.cancelled": v1.MandateStatus_MANDATE_STATUS_REVOKED,
	}
}

// webhookEventTypes lists the events normalized into typed events; any
// other verified event becomes EVENT_KIND_OTHER.
func webhookEventTypes() []string {
	return pdk.EventTypes(maps.Keys(paymentEvents()), maps.Keys(refundEvents()), maps.Keys(tokenEvents()))
}

// webhooks verifies Razorpay's one-event webhooks: X-Razorpay-Signature is
// the hex HMAC-SHA256 of the exact raw body keyed with the webhook secret,
// checked in constant time.
var webhooks = &pdk.OneEventWebhook{Read: event, Check: func(c *pdk.Context, w *v1.WebhookRequest) *pdk.Rejection {
	return pdk.VerifyBodyHMACSHA256Hex(c, w, signatureHeader, credWebhookSecret)
}}

// event normalizes the webhook's event and names the account it belongs to.
func event(w *v1.WebhookRequest) (*v1.Event, string, error) {
	ev, err := normalize(w)
	return ev, jsonr.Str(jsonr.TryObject(w.GetBody()), "account_id"), err
}

// normalize turns a notification into a unified event. Its id is the
// X-Razorpay-Event-Id header (Razorpay's body has none); without the header
// it is derived from the event, entity id and time, which stay the same
// on redelivery. An event of a type it reads without its entity is
// MALFORMED_BODY, and one whose entity cannot be read (no id, an amount
// that is not an integer or in an unknown currency) an InvalidResponse
// naming the event: never an OTHER event or one without its amount, which
// the host would acknowledge and Razorpay would not send again.
func normalize(w *v1.WebhookRequest) (*v1.Event, error) {
	v := jsonr.TryObject(w.GetBody())
	typ := jsonr.Str(v, "event")
	if v == nil || typ == "" || jsonr.Str(v, "entity") != "event" {
		return nil, pdk.Reject(pluginv1.RejectionReason_REJECTION_REASON_MALFORMED_BODY, "the body is not a Razorpay event")
	}
	created, _, _ := jsonr.Int(v, "created_at")
	pay := v.Get("payload", "payment", "entity")
	ev := &v1.Event{ConnectorEventType: typ, Kind: v1.EventKind_EVENT_KIND_OTHER, CreatedAtUnix: created}
	ev.EventId = pdk.Header(w.GetHeaders(), eventIDHeader)
	cannotRead := func(err error) error {
		return pdk.InvalidResponse("event %q (%s) cannot be read: %v", ev.EventId, typ, err)
	}
	if s, ok := paymentEvents()[typ]; ok {
		if pay == nil {
			return nil, pdk.Reject(pluginv1.RejectionReason_REJECTION_REASON_MALFORMED_BODY, "%s has no payment entity", typ)
		}
		p, err := paymentOf(pay, nil, 0)
		if err != nil {
			return nil, cannotRead(err)
		}
		pe := &v1.PaymentEvent{ConnectorTransactionId: p.id, Status: s, Amount: p.amount, Error: p.err, Mandate: p.mandate(),
			MerchantTransactionId: jsonr.Str(v, "payload", "order", "entity", "receipt")} // order.paid names the receipt
		if s == v1.PaymentStatus_PAYMENT_STATUS_CHARGED {
			pe.CapturedAmount = p.amount
		}
		ev.Kind, ev.Payload = v1.EventKind_EVENT_KIND_PAYMENT, &v1.Event_Payment{Payment: pe}
		return withID(ev, p.id), nil
	}
	if s, ok := refundEvents()[typ]; ok {
		rv := v.Get("payload", "refund", "entity")
		if rv == nil {
			return nil, pdk.Reject(pluginv1.RejectionReason_REJECTION_REASON_MALFORMED_BODY, "%s has no refund entity", typ)
		}
		r, err := refundOf(rv, nil)
		if err != nil {
			return nil, cannotRead(err)
		}
		// The entity is a snapshot taken when the event fired: refund.created
		// of a refund processed at once carries status processed, and
		// Razorpay does not order events, so a final entity status wins.
		if r.status == v1.RefundStatus_REFUND_STATUS_SUCCEEDED || r.status == v1.RefundStatus_REFUND_STATUS_FAILED {
			s = r.status
		}
		re := &v1.RefundEvent{ConnectorRefundId: r.id, ConnectorTransactionId: r.paymentID, MerchantRefundId: r.receipt, Status: s, Amount: r.amount}
		ev.Kind, ev.Payload = v1.EventKind_EVENT_KIND_REFUND, &v1.Event_Refund{Refund: re}
		return withID(ev, r.id), nil
	}
	if s, ok := tokenEvents()[typ]; ok {
		tv := v.Get("payload", "token", "entity")
		id := jsonr.Str(tv, "id")
		if id == "" {
			return nil, pdk.Reject(pluginv1.RejectionReason_REJECTION_REASON_MALFORMED_BODY, "%s has no token entity", typ)
		}
		me := &v1.MandateEvent{Status: s, Mandate: &v1.MandateReference{
			ConnectorMandateId: id, ConnectorCustomerId: jsonr.Str(tv, "customer_id"), Status: s,
		}}
		if reason := jsonr.Str(tv, "recurring_details", "failure_reason"); reason != "" {
			me.Error = &v1.PaymentError{Code: v1.ErrorCode_ERROR_CODE_PROCESSING_ERROR, Message: reason, Connector: &v1.ConnectorError{Message: reason}}
		}
		ev.Kind, ev.Payload = v1.EventKind_EVENT_KIND_MANDATE, &v1.Event_Mandate{Mandate: me}
		return withID(ev, id), nil
	}
	return withID(ev, firstEntityID(v)), nil
}

// withID sets the derived event id when the header gave none.
func withID(ev *v1.Event, entityID string) *v1.Event {
	if ev.EventId == "" {
		ev.EventId = ev.ConnectorEventType + ":" + entityID + ":" + strconv.FormatInt(ev.CreatedAtUnix, 10)
	}
	return ev
}

// firstEntityID is the id of the first entity the payload lists in "contains".
func firstEntityID(v *fastjson.Value) string {
	for _, name := range jsonr.Strings(v, "contains") {
		if id := jsonr.Str(v, "payload", name, "entity", "id"); id != "" {
			return id
		}
	}
	return ""
}
