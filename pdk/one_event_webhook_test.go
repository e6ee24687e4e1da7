package pdk

import (
	"errors"
	"testing"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
)

func TestOneEventWebhook(t *testing.T) {
	reads := 0
	h := &OneEventWebhook{
		Check: func(_ *Context, w *v1.WebhookRequest) *Rejection {
			if Header(w.GetHeaders(), "Sig") != "ok" {
				return Reject(pluginv1.RejectionReason_REJECTION_REASON_SIGNATURE_MISMATCH, "bad signature")
			}
			return nil
		},
		Read: func(w *v1.WebhookRequest) (*v1.Event, string, error) {
			reads++
			if string(w.GetBody()) != "refund" {
				return nil, "", Reject(pluginv1.RejectionReason_REJECTION_REASON_MALFORMED_BODY, "not an event")
			}
			return &v1.Event{EventId: First(Header(w.GetHeaders(), "Event-Id"), "evt_1"), Kind: v1.EventKind_EVENT_KIND_REFUND,
				Payload: &v1.Event_Refund{Refund: &v1.RefundEvent{ConnectorRefundId: "re_1"}}}, "acct_1", nil
		},
	}
	signed := &v1.WebhookRequest{Headers: []*v1.HttpHeader{{Name: "Sig", Value: "ok"}}, Body: []byte("refund")}

	out, err := h.Verify(&Context{}, signed)
	if err != nil || len(out.GetEvents()) != 1 || !out.GetEvents()[0].GetVerified() || out.GetAcknowledgement().GetStatus() != 200 {
		t.Fatalf("Verify = %v, %v", out, err)
	}
	h.Ack = &v1.Acknowledgement{Status: 202, Body: []byte("ok")}
	if out, _ := h.Verify(&Context{}, signed); out.GetAcknowledgement().GetStatus() != 202 || out.GetAcknowledgement() == h.Ack {
		t.Errorf("Verify's acknowledgement = %v, want a copy of Ack", out.GetAcknowledgement())
	}

	// The signature is checked before the body is read.
	reads = 0
	forged := &v1.WebhookRequest{Body: []byte("refund")}
	var rej *Rejection
	if _, err := h.Verify(&Context{}, forged); !errors.As(err, &rej) || rej.Reason != pluginv1.RejectionReason_REJECTION_REASON_SIGNATURE_MISMATCH || reads != 0 {
		t.Errorf("forged: %v after %d reads", err, reads)
	}
	if _, err := h.Verify(&Context{}, &v1.WebhookRequest{Headers: signed.Headers, Body: []byte("{}")}); !errors.As(err, &rej) ||
		rej.Reason != pluginv1.RejectionReason_REJECTION_REASON_MALFORMED_BODY {
		t.Errorf("not an event: %v", err)
	}

	// Parse needs no signature and says nothing is verified.
	parsed, err := h.Parse(&Context{}, forged)
	if err != nil || len(parsed) != 1 || parsed[0].GetEventId() != "evt_1" || parsed[0].GetReferences().GetMerchantAccount() != "acct_1" ||
		parsed[0].GetReferences().GetConnectorRefundId() != "re_1" {
		t.Errorf("Parse = %v, %v", parsed, err)
	}

	// Read sees the whole request: here the event id may come from a header.
	forged.Headers = []*v1.HttpHeader{{Name: "Event-Id", Value: "evt_h"}}
	if parsed, err := h.Parse(&Context{}, forged); err != nil || parsed[0].GetEventId() != "evt_h" {
		t.Errorf("Parse with Event-Id = %v, %v", parsed, err)
	}
}

func TestOneEventWebhookLiveByEnvironment(t *testing.T) {
	h := &OneEventWebhook{
		Check: func(*Context, *v1.WebhookRequest) *Rejection { return nil },
		Read:  func(*v1.WebhookRequest) (*v1.Event, string, error) { return &v1.Event{EventId: "evt_1"}, "", nil },
	}
	live := &Context{Environment: pluginv1.Environment_ENVIRONMENT_LIVE}
	if out, _ := h.Verify(live, &v1.WebhookRequest{}); out.GetEvents()[0].GetLivemode() {
		t.Errorf("without LiveByEnvironment, Livemode is Read's (false)")
	}
	h.LiveByEnvironment = true
	if out, _ := h.Verify(live, &v1.WebhookRequest{}); !out.GetEvents()[0].GetLivemode() {
		t.Errorf("live environment: Livemode = false")
	}
	if out, _ := h.Verify(&Context{}, &v1.WebhookRequest{}); out.GetEvents()[0].GetLivemode() {
		t.Errorf("test environment: Livemode = true")
	}
	if parsed, _ := h.Parse(live, &v1.WebhookRequest{}); parsed[0].GetLivemode() {
		t.Errorf("Parse: Livemode = true, want Read's")
	}
}
