package pdk

import (
	"testing"

	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
)

func TestPayer(t *testing.T) {
	full := Payer{Billing: &v1.Address{FirstName: "Jane", LastName: "Doe", Email: "j@example.com", Phone: "+1", Country: "DE", Line1: "Str. 1"}}
	if full.Name() != "Jane Doe" || full.Email() != "j@example.com" || full.Phone() != "+1" {
		t.Errorf("from the billing address: %q %q %q", full.Name(), full.Email(), full.Phone())
	}
	fallback := Payer{Customer: &v1.Customer{Name: "Cust", Email: "c@example.com", Phone: "+2"}, Holder: "Holder"}
	if fallback.Name() != "Holder" || fallback.Email() != "c@example.com" || fallback.Phone() != "+2" {
		t.Errorf("fallbacks: %q %q %q", fallback.Name(), fallback.Email(), fallback.Phone())
	}
	if (Payer{Customer: &v1.Customer{Name: "Cust"}}).Name() != "Cust" {
		t.Error("the customer's name is the last fallback")
	}
	if err := full.Check("Boleto", NeedName|NeedEmail|NeedAddress); err != nil {
		t.Errorf("a complete payer: %v", err)
	}
	for _, tc := range []struct {
		p     Payer
		needs Needs
		want  error
	}{
		{Payer{}, NeedName | NeedEmail, InvalidRequest("billing_address.first_name", "Klarna requires the shopper's name (billing_address or customer.name)")},
		{Payer{Holder: "H"}, NeedName | NeedEmail, InvalidRequest("billing_address.email", "Klarna requires the shopper's email (billing_address or customer.email)")},
		{Payer{}, NeedCountry, InvalidRequest("billing_address.country", "Klarna requires the billing country")},
		{Payer{}, NeedAddress, InvalidRequest("billing_address.country", "Klarna requires the billing country")},
		{Payer{Billing: &v1.Address{Country: "DE"}}, NeedAddress, InvalidRequest("billing_address.line1", "Klarna requires the billing address")},
		{Payer{}, 0, nil},
	} {
		got := tc.p.Check("Klarna", tc.needs)
		if (got == nil) != (tc.want == nil) || (got != nil && got.Error() != tc.want.Error()) {
			t.Errorf("Check(%v, %b) = %v, want %v", tc.p, tc.needs, got, tc.want)
		}
	}
}
