package example

import (
	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk"
	"github.com/connectorhost/connector-host/pdk/jsonr"
)

// verifyWebhook checks Example-Signature, the hex HMAC-SHA256 of the exact
// raw body keyed with the webhook secret (constant time, typed rejections),
// then normalizes the one event the body carries:
//
//	{"id":"evt_1","type":"payment.updated","created":1767322800,"data":{<a payment or refund object>}}
func verifyWebhook(c *pdk.Context, w *v1.WebhookRequest) (*pluginv1.VerifiedWebhook, error) {
	if rej := pdk.VerifyBodyHMACSHA256Hex(c, w, signatureHeader, credWebhookSecret); rej != nil {
		return nil, rej
	}
	ev, err := normalize(w.GetBody())
	if err != nil {
		return nil, err
	}
	ev.Verified = true
	return &pluginv1.VerifiedWebhook{Events: []*v1.Event{ev}}, nil
}

// parseWebhook reads a webhook without credentials and without verifying
// it (EventService.ParseEvent), with the verifier's normalization.
func parseWebhook(_ *pdk.Context, w *v1.WebhookRequest) ([]*v1.ParsedEvent, error) {
	ev, err := normalize(w.GetBody())
	if err != nil {
		return nil, err
	}
	return []*v1.ParsedEvent{pdk.ParsedFrom(ev, "")}, nil
}

// normalize turns a webhook body into a unified event; a type it does not
// know is EVENT_KIND_OTHER without a payload.
func normalize(body []byte) (*v1.Event, error) {
	v := jsonr.TryObject(body)
	ev := &v1.Event{EventId: jsonr.Str(v, "id"), ConnectorEventType: jsonr.Str(v, "type"), Kind: v1.EventKind_EVENT_KIND_OTHER}
	if ev.EventId == "" || ev.ConnectorEventType == "" {
		return nil, pdk.Reject(pluginv1.RejectionReason_REJECTION_REASON_MALFORMED_BODY, "the body is not an event with an id and a type")
	}
	ev.CreatedAtUnix, _, _ = jsonr.Int(v, "created")
	data := jsonr.Obj(v, "data")
	amount, err := amountAt(data, "amount")
	if err != nil {
		return nil, pdk.Reject(pluginv1.RejectionReason_REJECTION_REASON_MALFORMED_BODY, "%v", err)
	}
	switch ev.ConnectorEventType {
	case "payment.updated":
		ev.Kind, ev.Payload = v1.EventKind_EVENT_KIND_PAYMENT, &v1.Event_Payment{Payment: &v1.PaymentEvent{
			ConnectorTransactionId: jsonr.Str(data, "id"), MerchantTransactionId: jsonr.Str(data, "reference"),
			Status: paymentStatuses.Get(jsonr.Str(data, "status")), Amount: amount, Error: failure(data),
		}}
	case "refund.updated":
		ev.Kind, ev.Payload = v1.EventKind_EVENT_KIND_REFUND, &v1.Event_Refund{Refund: &v1.RefundEvent{
			ConnectorRefundId: jsonr.Str(data, "id"), ConnectorTransactionId: jsonr.Str(data, "payment"),
			MerchantRefundId: jsonr.Str(data, "reference"), Status: refundStatuses.Get(jsonr.Str(data, "status")),
			Amount: amount, Error: failure(data),
		}}
	}
	return ev, nil
}
