package stripe

import (
	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk"
	"github.com/connectorhost/connector-host/pdk/statusmap"
)

// mandateStatuses maps the Mandate object's status (mandate.updated events).
var mandateStatuses = statusmap.Grouped(map[v1.MandateStatus]string{
	v1.MandateStatus_MANDATE_STATUS_ACTIVE: "active", v1.MandateStatus_MANDATE_STATUS_INACTIVE: "inactive",
	v1.MandateStatus_MANDATE_STATUS_PENDING: "pending",
}, v1.MandateStatus_MANDATE_STATUS_UNKNOWN)

// signature is the Stripe-Signature header (https://docs.stripe.com/webhooks#verify-manually):
// "t=<unix>,v1=<hex>", v1 being HMAC-SHA256 of "<t>.<body>" with the
// endpoint's secret; several v1 while a secret is rolled; t within 300 s.
var signature = &pdk.TimestampedHMAC{Name: "Stripe", Header: "Stripe-Signature", SecretField: credWebhookSecret, Separator: ",",
	TimestampKey: "t", SignatureKey: "v1", Join: ".", Tolerance: webhookTolerance}

// webhooks verifies (the signature, then the event) and parses Stripe's
// one-event webhooks. Stripe expects any 2xx; we send {"received":true}.
var webhooks = &pdk.OneEventWebhook{Check: signature.Verify, Read: normalizeEvent, Ack: &v1.Acknowledgement{Status: 200,
	Headers: []*v1.HttpHeader{{Name: "Content-Type", Value: "application/json"}}, Body: []byte(`{"received":true}`)}}

// normalizeEvent turns a Stripe Event into a unified event (EVENT_KIND_OTHER
// for types not in eventKinds) and reads the Connect account it belongs to.
// An event of a known type whose object cannot be read (absent or without
// id, an amount that is not an integer, an unknown currency) is an
// InvalidResponse, as the same object answered to a call would be: never
// an event without its amount or id, which the host would acknowledge and
// Stripe would not send again.
func normalizeEvent(w *v1.WebhookRequest) (*v1.Event, string, error) {
	a, err := api.Read(&pdk.Response{Status: 200, Body: w.GetBody()})
	if err != nil {
		return nil, "", pdk.Reject(pluginv1.RejectionReason_REJECTION_REASON_MALFORMED_BODY, "the webhook body is not a JSON object of a plausible size")
	}
	id, typ := a.Str("id"), a.Str("type")
	if id == "" || typ == "" {
		return nil, "", pdk.Reject(pluginv1.RejectionReason_REJECTION_REASON_MALFORMED_BODY, "the webhook body is not a Stripe event (no id or type)")
	}
	ev := &v1.Event{EventId: id, ConnectorEventType: typ, Kind: v1.EventKind_EVENT_KIND_OTHER, CreatedAtUnix: a.Int("created"),
		Livemode: a.Bool("livemode")}
	if eventKinds.Get(typ) == v1.EventKind_EVENT_KIND_OTHER {
		return ev, a.Str("account"), nil
	}
	// A known type's object names what the event is about: without its id
	// (or without an object) the event cannot be read.
	obj := a.At("data.object")
	if obj.Str("id") == "" {
		return nil, "", pdk.InvalidResponse("event %s (%s) cannot be read: data.object has no id", id, typ)
	}
	switch ev.Kind = eventKinds.Get(typ); {
	case ev.Kind == v1.EventKind_EVENT_KIND_PAYMENT:
		ev.Payload = &v1.Event_Payment{Payment: paymentEvent(typ, obj)}
	case typ == "charge.refunded":
		ev.Payload = &v1.Event_Refund{Refund: chargeRefundedEvent(obj)}
	case ev.Kind == v1.EventKind_EVENT_KIND_REFUND:
		ev.Payload = &v1.Event_Refund{Refund: readRefund(obj)}
	case ev.Kind == v1.EventKind_EVENT_KIND_DISPUTE:
		ev.Payload = &v1.Event_Dispute{Dispute: readDispute(obj)}
	case ev.Kind == v1.EventKind_EVENT_KIND_PAYOUT:
		ev.Payload = &v1.Event_Payout{Payout: readPayout(obj)}
	case typ == "payment_method.detached":
		revoked := v1.MandateStatus_MANDATE_STATUS_REVOKED
		ev.Payload = &v1.Event_Mandate{Mandate: &v1.MandateEvent{Status: revoked, Mandate: &v1.MandateReference{
			ConnectorMandateId: obj.Str("id"), Status: revoked, ConnectorCustomerId: idOf(a, "data.previous_attributes.customer")}}}
	case typ == "mandate.updated":
		status := pdk.Status(obj, "status", mandateStatuses)
		ev.Payload = &v1.Event_Mandate{Mandate: &v1.MandateEvent{Status: status,
			Mandate: &v1.MandateReference{ConnectorMandateId: idOf(obj, "payment_method"), Status: status}}}
	case ev.Kind == v1.EventKind_EVENT_KIND_MANDATE: // setup_intent.*
		si := readSetupIntent(obj)
		ev.Payload = &v1.Event_Mandate{Mandate: &v1.MandateEvent{ConnectorSetupId: si.ConnectorSetupId, Status: si.Status,
			Mandate: si.Mandate, Error: si.Error}}
	}
	if err := a.Err(); err != nil {
		return nil, "", pdk.InvalidResponse("event %s (%s) cannot be read: %v", id, typ, err)
	}
	return ev, a.Str("account"), nil
}

// eventKinds are the event types the plugin normalizes (the manifest
// declares exactly these), by unified kind.
var eventKinds = statusmap.Grouped(map[v1.EventKind]string{
	v1.EventKind_EVENT_KIND_PAYMENT: "payment_intent.amount_capturable_updated payment_intent.canceled payment_intent.created " +
		"payment_intent.partially_funded payment_intent.payment_failed payment_intent.processing payment_intent.requires_action " +
		"payment_intent.succeeded",
	v1.EventKind_EVENT_KIND_REFUND: "charge.refunded charge.refund.updated refund.created refund.updated refund.failed",
	v1.EventKind_EVENT_KIND_DISPUTE: "charge.dispute.created charge.dispute.updated charge.dispute.closed charge.dispute.funds_withdrawn " +
		"charge.dispute.funds_reinstated",
	v1.EventKind_EVENT_KIND_MANDATE: "setup_intent.created setup_intent.requires_action setup_intent.succeeded setup_intent.setup_failed " +
		"setup_intent.canceled payment_method.detached mandate.updated",
	v1.EventKind_EVENT_KIND_PAYOUT: "payout.created payout.updated payout.paid payout.failed payout.canceled payout.reconciliation_completed",
}, v1.EventKind_EVENT_KIND_OTHER)

// paymentEvent reads a payment_intent.* event's PaymentIntent.
func paymentEvent(typ string, obj *pdk.Answer) *v1.PaymentEvent {
	in := readIntent(obj)
	pe := &v1.PaymentEvent{ConnectorTransactionId: in.ConnectorTransactionId, MerchantTransactionId: in.MerchantTransactionId,
		Status: in.Status, Amount: in.Amount, CapturedAmount: in.CapturedAmount, Error: in.Error, Mandate: in.Mandate}
	switch {
	case typ == "payment_intent.payment_failed" && pe.Status != v1.PaymentStatus_PAYMENT_STATUS_AUTHENTICATION_FAILED:
		pe.Status = v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZATION_FAILED
	case typ == "payment_intent.partially_funded":
		// A bank transfer paid in part: the shopper must send the rest.
		pe.Status = v1.PaymentStatus_PAYMENT_STATUS_ACTION_REQUIRED
	}
	return pe
}

// chargeRefundedEvent reads charge.refunded: the latest embedded refund
// (refunds.data[0], newest first) gives the id, status and amount; without
// one it is PENDING with the charge's total refunded amount (a
// refund.updated event follows with the refund and its final status).
func chargeRefundedEvent(obj *pdk.Answer) *v1.RefundEvent {
	re := &v1.RefundEvent{ConnectorTransactionId: pdk.First(idOf(obj, "payment_intent"), obj.Str("id")),
		Status: v1.RefundStatus_REFUND_STATUS_PENDING}
	re.Amount = obj.Money("amount_refunded", "currency")
	if latest := obj.At("refunds.data.0"); latest.V != nil {
		re.ConnectorRefundId, re.MerchantRefundId = latest.Str("id"), latest.Str("metadata.merchant_refund_id")
		re.Status = pdk.Status(latest, "status", refundStatuses)
		re.Amount = latest.Money("amount", "currency")
	}
	return re
}
