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
	a := pdk.NewAnswer(api, jsonr.TryObject(body))
	ev := &v1.Event{EventId: a.Require("id"), ConnectorEventType: a.Require("type"), Kind: v1.EventKind_EVENT_KIND_OTHER, CreatedAtUnix: a.Int("created")}
	data := a.At("data")
	switch ev.ConnectorEventType {
	case "payment.updated":
		p := readPayment(data)
		ev.Kind, ev.Payload = v1.EventKind_EVENT_KIND_PAYMENT, &v1.Event_Payment{Payment: &v1.PaymentEvent{
			ConnectorTransactionId: p.id, MerchantTransactionId: p.reference, Status: p.status, Amount: p.amount, Error: p.failure,
		}}
	case "refund.updated":
		r := readRefund(data)
		ev.Kind, ev.Payload = v1.EventKind_EVENT_KIND_REFUND, &v1.Event_Refund{Refund: &v1.RefundEvent{
			ConnectorRefundId: r.id, ConnectorTransactionId: r.payment, MerchantRefundId: r.reference, Status: r.status,
			Amount: r.amount, Error: r.failure,
		}}
	}
	if err := a.Err(); err != nil {
		return nil, pdk.Reject(pluginv1.RejectionReason_REJECTION_REASON_MALFORMED_BODY, "the body is not an ExamplePay event: %v", err)
	}
	return ev, nil
}
