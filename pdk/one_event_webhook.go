package pdk

import (
	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
)

// OneEventWebhook is the VerifyWebhook and ParseWebhook pair of a processor
// whose webhooks carry one event each, read by one function whether the
// webhook is verified or only parsed (EventService.ParseEvent, without
// credentials), so both read a body the same way: Stripe's, Square's,
// Braintree's and Razorpay's notifications.
//
//	var webhooks = &pdk.OneEventWebhook{Check: signature.Verify, Read: readEvent}
//	... VerifyWebhook: webhooks.Verify, ParseWebhook: webhooks.Parse
type OneEventWebhook struct {
	// Check verifies the webhook's signature: nil when authentic, else the
	// Rejection (TimestampedHMAC.Verify, VerifyBodyHMACSHA256Hex...).
	Check func(c *Context, w *v1.WebhookRequest) *Rejection
	// Read normalizes the webhook's event (Livemode included, as the body
	// says) and names the processor account it belongs to ("" when it names
	// none); a body that is not an event is a Rejection (MALFORMED_BODY).
	// It reads the body, and headers where the processor puts part of the
	// event there (Razorpay's X-Razorpay-Event-Id).
	Read func(w *v1.WebhookRequest) (ev *v1.Event, account string, err error)
	// Ack is the acknowledgement the processor expects; nil is an HTTP 200
	// without a body. Verify returns a new Acknowledgement sharing Ack's
	// headers and body (a shallow copy: CloneVT would add ~3 KB of wasm to
	// each connector using this).
	Ack *v1.Acknowledgement
	// LiveByEnvironment is for bodies that do not say whether they are live
	// (Square's, Braintree's): Verify sets Livemode from the Context's
	// environment, as VerifiedEvents does; Parse keeps Read's.
	LiveByEnvironment bool
}

// Verify checks the signature and only then reads the event, marked
// verified (Connector.VerifyWebhook).
func (h *OneEventWebhook) Verify(c *Context, w *v1.WebhookRequest) (*pluginv1.VerifiedWebhook, error) {
	if rej := h.Check(c, w); rej != nil {
		return nil, rej
	}
	ev, _, err := h.Read(w)
	if err != nil {
		return nil, err
	}
	ev.Verified = true
	if h.LiveByEnvironment {
		ev.Livemode = c.Environment == pluginv1.Environment_ENVIRONMENT_LIVE
	}
	ack := &v1.Acknowledgement{Status: 200}
	if h.Ack != nil {
		ack = &v1.Acknowledgement{Status: h.Ack.Status, Headers: h.Ack.Headers, Body: h.Ack.Body}
	}
	return &pluginv1.VerifiedWebhook{Events: []*v1.Event{ev}, Acknowledgement: ack}, nil
}

// Parse reads the event without verifying it (Connector.ParseWebhook), with
// the account it belongs to, so a platform can pick that account's secret.
func (h *OneEventWebhook) Parse(_ *Context, w *v1.WebhookRequest) ([]*v1.ParsedEvent, error) {
	ev, account, err := h.Read(w)
	if err != nil {
		return nil, err
	}
	return []*v1.ParsedEvent{ParsedFrom(ev, account)}, nil
}
