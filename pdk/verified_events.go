package pdk

import (
	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
)

// VerifiedEvents is a verifier's answer for a webhook whose signature
// checked out: every event marked verified and live when the call runs in
// the live environment, acknowledged with HTTP 200. Braintree, GoCardless
// and Square answer their webhooks this way. Call it only after the check:
// a webhook that did not verify is a Rejection, never events.
func VerifiedEvents(c *Context, events ...*v1.Event) *pluginv1.VerifiedWebhook {
	for _, ev := range events {
		ev.Verified = true
		ev.Livemode = c.Environment == pluginv1.Environment_ENVIRONMENT_LIVE
	}
	return &pluginv1.VerifiedWebhook{Events: events, Acknowledgement: &v1.Acknowledgement{Status: 200}}
}
