package pdk

import v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"

// RedirectAction is the next action that sends the shopper to url with a
// GET (a 3DS page, a bank's or wallet's approval page, a hosted
// verification page): what Stripe, Checkout.com, PayPal and Razorpay answer
// for a redirect.
func RedirectAction(url string) *v1.NextAction {
	return &v1.NextAction{Action: &v1.NextAction_Redirect{Redirect: &v1.Redirect{Url: url, Method: "GET"}}}
}
