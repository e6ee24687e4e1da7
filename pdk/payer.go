package pdk

import (
	"strings"

	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
)

// Payer is who pays, as a request describes them: its billing address, its
// customer and a card's holder name. It is what a processor's payer details
// are written from (Stripe's billing_details, Adyen's shopperName and
// shopperEmail, PayPal's payer) and what a payment method that needs the
// shopper's name or email (SEPA Direct Debit, Klarna, Boleto, OXXO...) is
// checked against.
type Payer struct {
	Billing  *v1.Address
	Customer *v1.Customer
	Holder   string
}

// Name is the billing address's name, else the card holder's, else the
// customer's.
func (p Payer) Name() string {
	return First(strings.TrimSpace(p.Billing.GetFirstName()+" "+p.Billing.GetLastName()), p.Holder, p.Customer.GetName())
}

// Email is the billing address's email, else the customer's.
func (p Payer) Email() string { return First(p.Billing.GetEmail(), p.Customer.GetEmail()) }

// Phone is the billing address's phone, else the customer's.
func (p Payer) Phone() string { return First(p.Billing.GetPhone(), p.Customer.GetPhone()) }

// Needs is what a payment method needs of the payer: a set of Need flags.
type Needs uint8

// The payer's details a payment method may need.
const (
	NeedName    Needs = 1 << iota // a name (Payer.Name)
	NeedEmail                     // an email (Payer.Email)
	NeedCountry                   // the billing country
	NeedAddress                   // the billing address: its country and line1
)

// Check refuses a payer without what method (its display name, "Klarna")
// needs, with an InvalidRequest naming the billing_address field to set, in
// the order name, email, country, address.
func (p Payer) Check(method string, n Needs) error {
	switch {
	case n&NeedName != 0 && p.Name() == "":
		return InvalidRequest("billing_address.first_name", method+" requires the shopper's name (billing_address or customer.name)")
	case n&NeedEmail != 0 && p.Email() == "":
		return InvalidRequest("billing_address.email", method+" requires the shopper's email (billing_address or customer.email)")
	case n&(NeedCountry|NeedAddress) != 0 && p.Billing.GetCountry() == "":
		return InvalidRequest("billing_address.country", method+" requires the billing country")
	case n&NeedAddress != 0 && p.Billing.GetLine1() == "":
		return InvalidRequest("billing_address.line1", method+" requires the billing address")
	}
	return nil
}
