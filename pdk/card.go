package pdk

import v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"

// CheckCard validates raw card data before it is sent: a number of 12 to 19
// digits, exp_month 1 to 12, a four-digit exp_year and, when given, a CVC
// of 3 or 4 digits. The error names the field as the caller wrote it
// (payment_method.card.number, ...) and never quotes the number or CVC.
// Adyen, Checkout.com and Stripe check raw cards this way.
func CheckCard(c *v1.Card) error {
	const f = "payment_method.card"
	switch n, cvc := c.GetNumber(), c.GetCvc(); {
	case len(n) < 12 || len(n) > 19 || !allDigits(n):
		return InvalidRequest(f+".number", "must be 12 to 19 digits")
	case c.GetExpMonth() < 1 || c.GetExpMonth() > 12:
		return InvalidRequest(f+".exp_month", "must be 1 to 12")
	case c.GetExpYear() < 2000 || c.GetExpYear() > 2200:
		return InvalidRequest(f+".exp_year", "must be a four-digit year")
	case cvc != "" && (len(cvc) < 3 || len(cvc) > 4 || !allDigits(cvc)):
		return InvalidRequest(f+".cvc", "must be 3 or 4 digits")
	}
	return nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
