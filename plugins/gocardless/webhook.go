package gocardless

import (
	"slices"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk"
	"github.com/connectorhost/connector-host/pdk/jsonr"
	"github.com/connectorhost/connector-host/pdk/timestamp"
	"github.com/valyala/fastjson"
)

// GoCardless signs each webhook with the endpoint's secret:
//
//	Webhook-Signature: hex(HMAC-SHA256(secret, raw body))
//
// (https://developer.gocardless.com/getting-started/api/staying-up-to-date-with-webhooks).
// The signature has no timestamp: each event's id is the de-duplication key.
// One body carries an "events" array; every event is returned.
const signatureHeader = "Webhook-Signature"

// webhookEventTypes are the "<resource_type>.<action>" types normalized into
// typed events; other resource types become EVENT_KIND_OTHER.
func webhookEventTypes() []string {
	var ts []string
	for _, r := range []struct {
		resource string
		actions  []string
	}{
		{"payments", paymentActions().Keys()},
		{"mandates", mandateActions().Keys()},
		{"refunds", refundActions().Keys()},
	} {
		for _, a := range r.actions {
			ts = append(ts, r.resource+"."+a)
		}
	}
	slices.Sort(ts)
	return ts
}

// verifyWebhook checks Webhook-Signature in constant time and normalizes
// every event of the body.
func verifyWebhook(c *pdk.Context, w *v1.WebhookRequest) (*pluginv1.VerifiedWebhook, error) {
	if rej := pdk.VerifyBodyHMACSHA256Hex(c, w, signatureHeader, credWebhookSecret); rej != nil {
		return nil, rej
	}
	events, err := normalizeAll(w.GetBody())
	if err != nil {
		return nil, err
	}
	return pdk.VerifiedEvents(c, events...), nil
}

// parseWebhook reads the events without verifying them (ParseEvent).
func parseWebhook(c *pdk.Context, w *v1.WebhookRequest) ([]*v1.ParsedEvent, error) {
	events, err := normalizeAll(w.GetBody())
	if err != nil {
		return nil, err
	}
	out := make([]*v1.ParsedEvent, 0, len(events))
	for _, ev := range events {
		out = append(out, pdk.ParsedFrom(ev, ""))
	}
	return out, nil
}

// normalizeAll reads {"events": [...]}: at least one event, each with an id,
// resource_type and action.
func normalizeAll(body []byte) ([]*v1.Event, error) {
	v := jsonr.TryObject(body)
	items := jsonr.Objects(v, "events")
	if len(items) == 0 || len(items) != len(jsonr.Array(v, "events")) {
		return nil, malformed("the body is not {\"events\": [...]} with at least one event object")
	}
	out := make([]*v1.Event, 0, len(items))
	for i, it := range items {
		ev, err := normalize(it)
		if err != nil {
			return nil, malformed("events[%d]: %v", i, err)
		}
		out = append(out, ev)
	}
	return out, nil
}

func malformed(format string, args ...any) error {
	return pdk.Reject(pluginv1.RejectionReason_REJECTION_REASON_MALFORMED_BODY, format, args...)
}

// normalize turns one event into a unified Event; the failure details
// (cause, scheme reason code, description) become the event's error.
func normalize(it *fastjson.Value) (*v1.Event, error) {
	id, res, action := jsonr.Str(it, "id"), jsonr.Str(it, "resource_type"), jsonr.Str(it, "action")
	if id == "" || res == "" || action == "" {
		return nil, malformed("an event needs id, resource_type and action")
	}
	ev := &v1.Event{EventId: id, ConnectorEventType: res + "." + action, Kind: v1.EventKind_EVENT_KIND_OTHER}
	if t, ok := timestamp.ParseRFC3339(jsonr.Str(it, "created_at")); ok {
		ev.CreatedAtUnix = t
	}
	link := func(k string) (string, error) {
		if s := jsonr.Str(it, "links", k); s != "" {
			return s, nil
		}
		return "", malformed("a %s event needs links.%s", res, k)
	}
	var fail *v1.PaymentError
	if cause := jsonr.Str(it, "details", "cause"); cause != "" && isFailure(res, action) {
		fail = failureError(cause, jsonr.Str(it, "details", "reason_code"), jsonr.Str(it, "details", "description"))
	}
	switch res {
	case "payments":
		pid, err := link("payment")
		if err != nil {
			return nil, err
		}
		p := &v1.PaymentEvent{ConnectorTransactionId: pid, Status: paymentActions().Get(action), Error: fail}
		if m := jsonr.Str(it, "links", "mandate"); m != "" {
			p.Mandate = &v1.MandateReference{ConnectorMandateId: m}
		}
		ev.Kind, ev.Payload = v1.EventKind_EVENT_KIND_PAYMENT, &v1.Event_Payment{Payment: p}
	case "mandates":
		mid, err := link("mandate")
		if err != nil {
			return nil, err
		}
		st := mandateActions().Get(action)
		ev.Kind = v1.EventKind_EVENT_KIND_MANDATE
		ev.Payload = &v1.Event_Mandate{Mandate: &v1.MandateEvent{ConnectorSetupId: mid, Status: st, Error: fail,
			Mandate: &v1.MandateReference{ConnectorMandateId: mid, Status: st}}}
	case "refunds":
		rid, err := link("refund")
		if err != nil {
			return nil, err
		}
		ev.Kind = v1.EventKind_EVENT_KIND_REFUND
		ev.Payload = &v1.Event_Refund{Refund: &v1.RefundEvent{ConnectorRefundId: rid, ConnectorTransactionId: jsonr.Str(it, "links", "payment"),
			Status: refundActions().Get(action), Error: fail}}
	}
	return ev, nil
}

// isFailure reports whether an event's action is a failure whose details
// explain it (not, e.g., a mandate "created" by the API).
func isFailure(resource, action string) bool {
	switch resource + "." + action {
	case "payments.failed", "payments.late_failure_settled", "payments.charged_back", "payments.customer_approval_denied",
		"mandates.failed", "mandates.cancelled", "mandates.expired", "mandates.blocked", "mandates.suspended_by_payer",
		"refunds.failed", "refunds.bounced", "refunds.funds_returned":
		return true
	}
	return false
}
