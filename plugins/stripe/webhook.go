package stripe

import (
	"strconv"
	"strings"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk"
	"github.com/connectorhost/connector-host/pdk/sig"
	"github.com/valyala/fastjson"
)

// signatureHeader is the header Stripe signs webhooks in.
const signatureHeader = "Stripe-Signature"

// verifyWebhook checks the Stripe-Signature header
// (https://docs.stripe.com/webhooks#verify-manually): "t=<unix>,v1=<hex>",
// where v1 is HMAC-SHA256 of "<t>.<body>" with the endpoint's secret.
// Several v1 entries may be present while a secret is rolled; one match is
// enough. The timestamp must be within 300 s of the host's clock (either
// way), which stops replays. Only then is the body parsed and normalized.
func verifyWebhook(c *pdk.Context, w *v1.WebhookRequest) (*pluginv1.VerifiedWebhook, error) {
	secret := c.Credentials[credWebhookSecret]
	if secret == "" {
		return nil, pdk.Reject(pluginv1.RejectionReason_REJECTION_REASON_MISSING_SECRET,
			"credential %q is required to verify Stripe webhooks", credWebhookSecret)
	}
	header := pdk.Header(w.GetHeaders(), signatureHeader)
	if strings.TrimSpace(header) == "" {
		return nil, pdk.Reject(pluginv1.RejectionReason_REJECTION_REASON_MISSING_SIGNATURE, "the %s header is missing", signatureHeader)
	}
	ts, sigs, rej := parseSignatureHeader(header)
	if rej != nil {
		return nil, rej
	}
	if age := c.Now().Unix() - ts; age > webhookTolerance || age < -webhookTolerance {
		return nil, pdk.Reject(pluginv1.RejectionReason_REJECTION_REASON_STALE_TIMESTAMP,
			"the signature timestamp is %d s from now; the tolerance is %d s", age, webhookTolerance)
	}
	signed := make([]byte, 0, 21+len(w.GetBody()))
	signed = strconv.AppendInt(signed, ts, 10)
	signed = append(signed, '.')
	signed = append(signed, w.GetBody()...)
	expected := sig.HMACSHA256Hex([]byte(secret), signed)
	match := false
	for _, s := range sigs {
		if sig.EqualString(expected, strings.ToLower(s)) {
			match = true
		}
	}
	if !match {
		return nil, pdk.Reject(pluginv1.RejectionReason_REJECTION_REASON_SIGNATURE_MISMATCH, "no v1 signature matches the body")
	}
	ev, rej := normalizeEvent(w.GetBody())
	if rej != nil {
		return nil, rej
	}
	return &pluginv1.VerifiedWebhook{Events: []*v1.Event{ev}, Acknowledgement: acknowledgement()}, nil
}

// acknowledgement is the answer Stripe expects: any 2xx; we send
// {"received":true}.
func acknowledgement() *v1.Acknowledgement {
	return &v1.Acknowledgement{
		Status:  200,
		Headers: []*v1.HttpHeader{{Name: "Content-Type", Value: "application/json"}},
		Body:    []byte(`{"received":true}`),
	}
}

// parseSignatureHeader reads "t=...,v1=...[,v1=...][,v0=...]". Unknown
// schemes are ignored; a header without a timestamp or without any v1
// signature is malformed.
func parseSignatureHeader(h string) (int64, []string, *pdk.Rejection) {
	var ts int64
	haveTS := false
	var sigs []string
	for _, item := range strings.Split(h, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(item), "=")
		if !ok || k == "" {
			return 0, nil, pdk.Reject(pluginv1.RejectionReason_REJECTION_REASON_MALFORMED_SIGNATURE, "the %s header has an item without '='", signatureHeader)
		}
		switch k {
		case "t":
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n <= 0 || haveTS {
				return 0, nil, pdk.Reject(pluginv1.RejectionReason_REJECTION_REASON_MALFORMED_SIGNATURE, "the %s header has a bad timestamp", signatureHeader)
			}
			ts, haveTS = n, true
		case "v1":
			if v != "" {
				sigs = append(sigs, v)
			}
		}
	}
	switch {
	case !haveTS:
		return 0, nil, pdk.Reject(pluginv1.RejectionReason_REJECTION_REASON_MALFORMED_SIGNATURE, "the %s header has no timestamp", signatureHeader)
	case len(sigs) == 0:
		return 0, nil, pdk.Reject(pluginv1.RejectionReason_REJECTION_REASON_MALFORMED_SIGNATURE, "the %s header has no v1 signature", signatureHeader)
	}
	return ts, sigs, nil
}

// normalizeEvent turns a verified Stripe Event into a unified event.
// Types the plugin does not normalize are returned as EVENT_KIND_OTHER.
func normalizeEvent(body []byte) (*v1.Event, *pdk.Rejection) {
	if len(body) > maxAnswerBytes || !isJSONObject(body) {
		return nil, pdk.Reject(pluginv1.RejectionReason_REJECTION_REASON_MALFORMED_BODY, "the webhook body is not a JSON object of a plausible size")
	}
	var p fastjson.Parser
	v, err := p.ParseBytes(body)
	if err != nil || v.Type() != fastjson.TypeObject {
		return nil, pdk.Reject(pluginv1.RejectionReason_REJECTION_REASON_MALFORMED_BODY, "the webhook body is not a JSON object")
	}
	id, typ := str(v, "id"), str(v, "type")
	if id == "" || typ == "" {
		return nil, pdk.Reject(pluginv1.RejectionReason_REJECTION_REASON_MALFORMED_BODY, "the webhook body is not a Stripe event (no id or type)")
	}
	ev := &v1.Event{
		EventId:            id,
		ConnectorEventType: typ,
		Kind:               v1.EventKind_EVENT_KIND_OTHER,
		CreatedAtUnix:      num(v, "created"),
		Verified:           true,
		Livemode:           v.GetBool("livemode"),
	}
	obj := object(v, "data", "object")
	if obj == nil || str(obj, "id") == "" {
		return ev, nil
	}
	switch {
	case strings.HasPrefix(typ, "payment_intent."):
		ev.Kind = v1.EventKind_EVENT_KIND_PAYMENT
		ev.Payload = &v1.Event_Payment{Payment: paymentEvent(typ, obj)}
	case typ == "charge.refunded":
		ev.Kind = v1.EventKind_EVENT_KIND_REFUND
		ev.Payload = &v1.Event_Refund{Refund: chargeRefundedEvent(obj)}
	case typ == "charge.refund.updated" || strings.HasPrefix(typ, "refund."):
		ev.Kind = v1.EventKind_EVENT_KIND_REFUND
		ev.Payload = &v1.Event_Refund{Refund: refundEvent(obj)}
	case strings.HasPrefix(typ, "charge.dispute."):
		ev.Kind = v1.EventKind_EVENT_KIND_DISPUTE
		ev.Payload = &v1.Event_Dispute{Dispute: disputeEvent(obj)}
	case strings.HasPrefix(typ, "setup_intent."):
		ev.Kind = v1.EventKind_EVENT_KIND_MANDATE
		ev.Payload = &v1.Event_Mandate{Mandate: setupIntentEvent(obj)}
	case typ == "payment_method.detached":
		ev.Kind = v1.EventKind_EVENT_KIND_MANDATE
		ev.Payload = &v1.Event_Mandate{Mandate: &v1.MandateEvent{
			Mandate: &v1.MandateReference{
				ConnectorMandateId:  str(obj, "id"),
				ConnectorCustomerId: idOf(v, "data", "previous_attributes", "customer"),
				Status:              v1.MandateStatus_MANDATE_STATUS_REVOKED,
			},
			Status: v1.MandateStatus_MANDATE_STATUS_REVOKED,
		}}
	case strings.HasPrefix(typ, "payout."):
		ev.Kind = v1.EventKind_EVENT_KIND_PAYOUT
		ev.Payload = &v1.Event_Payout{Payout: payoutEvent(obj)}
	case typ == "mandate.updated":
		status := mandateStatuses.Get(str(obj, "status"))
		ev.Kind = v1.EventKind_EVENT_KIND_MANDATE
		ev.Payload = &v1.Event_Mandate{Mandate: &v1.MandateEvent{
			Mandate: &v1.MandateReference{ConnectorMandateId: idOf(obj, "payment_method"), Status: status},
			Status:  status,
		}}
	}
	return ev, nil
}

// paymentEvent reads a payment_intent.* event's PaymentIntent.
func paymentEvent(typ string, obj *fastjson.Value) *v1.PaymentEvent {
	pe := &v1.PaymentEvent{ConnectorTransactionId: str(obj, "id")}
	if in, err := parseIntent(obj, 200, "", nil); err == nil {
		pe.MerchantTransactionId = in.MerchantTxnID
		pe.Status = in.Status
		pe.Amount = in.Amount
		pe.CapturedAmount = in.Received
		pe.Error = in.Error
		pe.Mandate = in.Mandate
	} else {
		// An amount the plugin cannot convert must not hide the status.
		pe.Status, _ = paymentStatus(obj)
		pe.MerchantTransactionId = metadataValue(obj, "merchant_transaction_id")
	}
	switch typ {
	case "payment_intent.payment_failed":
		if pe.Status != v1.PaymentStatus_PAYMENT_STATUS_AUTHENTICATION_FAILED {
			pe.Status = v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZATION_FAILED
		}
	case "payment_intent.partially_funded":
		// A bank transfer paid in part: the shopper must send the rest.
		pe.Status = v1.PaymentStatus_PAYMENT_STATUS_ACTION_REQUIRED
	}
	return pe
}

// refundEvent reads a Refund object.
func refundEvent(obj *fastjson.Value) *v1.RefundEvent {
	re := &v1.RefundEvent{
		ConnectorRefundId:      str(obj, "id"),
		ConnectorTransactionId: firstNonEmpty(idOf(obj, "payment_intent"), idOf(obj, "charge")),
		MerchantRefundId:       metadataValue(obj, "merchant_refund_id"),
		Status:                 refundStatuses.Get(str(obj, "status")),
	}
	if r, err := parseRefund(obj, 200, ""); err == nil {
		re.Amount = r.Amount
		re.Error = r.Error
	}
	return re
}

// chargeRefundedEvent reads charge.refunded: the charge with its total
// refunded amount. When the charge embeds its refunds, the latest refund
// gives the id and status; otherwise the refund is reported PENDING (a
// refund.updated event follows with its final status).
func chargeRefundedEvent(obj *fastjson.Value) *v1.RefundEvent {
	re := &v1.RefundEvent{
		ConnectorTransactionId: firstNonEmpty(idOf(obj, "payment_intent"), str(obj, "id")),
		Status:                 v1.RefundStatus_REFUND_STATUS_PENDING,
	}
	if m, err := fromStripeAmount(num(obj, "amount_refunded"), str(obj, "currency")); err == nil {
		re.Amount = m
	}
	if latest := object(obj, "refunds", "data", "0"); latest != nil {
		re.ConnectorRefundId = str(latest, "id")
		re.MerchantRefundId = metadataValue(latest, "merchant_refund_id")
		re.Status = refundStatuses.Get(str(latest, "status"))
	}
	return re
}

// disputeEvent reads a Dispute object.
func disputeEvent(obj *fastjson.Value) *v1.DisputeEvent {
	de := &v1.DisputeEvent{ConnectorDisputeId: str(obj, "id"), Status: disputeStatuses.Get(str(obj, "status"))}
	if d, err := parseDispute(obj); err == nil {
		de.ConnectorTransactionId = d.TransactionID
		de.Amount = d.Amount
		de.Reason = d.Reason
		de.ReasonCode = d.ReasonCode
		de.EvidenceDueByUnix = d.DueBy
		de.Stage = d.Stage
	}
	return de
}

// setupIntentEvent reads a setup_intent.* event's SetupIntent.
func setupIntentEvent(obj *fastjson.Value) *v1.MandateEvent {
	me := &v1.MandateEvent{ConnectorSetupId: str(obj, "id"), Status: setupIntentStatuses.Get(str(obj, "status"))}
	if si, err := parseSetupIntent(obj, 200, "", nil); err == nil {
		me.Status = si.Status
		me.Mandate = si.Mandate
		me.Error = si.Error
	}
	return me
}

// parseWebhook reads a Stripe event without verifying it (ParseEvent): the
// same normalization as verifyWebhook, plus the Connect account the event
// belongs to ("account"), so a platform can pick that account's secret.
func parseWebhook(_ *pdk.Context, w *v1.WebhookRequest) ([]*v1.ParsedEvent, error) {
	ev, rej := normalizeEvent(w.GetBody())
	if rej != nil {
		return nil, rej
	}
	var p fastjson.Parser
	v, _ := p.ParseBytes(w.GetBody()) // normalizeEvent proved it parses
	return []*v1.ParsedEvent{pdk.ParsedFrom(ev, str(v, "account"))}, nil
}
