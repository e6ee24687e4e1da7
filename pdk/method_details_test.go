package pdk

import (
	"testing"

	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
)

func TestMethodDetailsWrite(t *testing.T) {
	iban := func(pm *v1.PaymentMethod, _ Payer) string { return pm.GetBankDebit().GetIban() }
	holder := func(_ *v1.PaymentMethod, p Payer) string { return p.Name() }
	accountType := func(pm *v1.PaymentMethod, _ Payer) string { return pm.GetBankDebit().GetAccountType() }
	ds := MethodDetails{
		{Key: "iban", Value: iban, Field: "payment_method.bank_debit.iban", Problem: "is required"},
		{Key: "owner", Value: holder},
		{At: "options.account_type", Value: accountType, Field: "payment_method.bank_debit.account_type",
			Problem: "must be checking or savings", Valid: func(s string) bool { return s == "" || s == "checking" || s == "savings" }},
	}
	pm := func(bd *v1.BankDebit) *v1.PaymentMethod {
		return &v1.PaymentMethod{Method: &v1.PaymentMethod_BankDebit{BankDebit: bd}}
	}
	for _, tc := range []struct {
		name  string
		pm    *v1.PaymentMethod
		payer Payer
		body  string // the form written, or the error
	}{
		{"all", pm(&v1.BankDebit{Iban: "DE89", AccountType: "checking"}), Payer{Holder: "Ada"},
			"m%5Biban%5D=DE89&m%5Bowner%5D=Ada&options%5Baccount_type%5D=checking"},
		{"empty optional details are left out", pm(&v1.BankDebit{Iban: "DE89"}), Payer{}, "m%5Biban%5D=DE89"},
		{"required", pm(&v1.BankDebit{}), Payer{}, "payment_method.bank_debit.iban: is required"},
		{"invalid", pm(&v1.BankDebit{Iban: "DE89", AccountType: "loan"}), Payer{},
			"payment_method.bank_debit.account_type: must be checking or savings"},
	} {
		b := &Body{}
		got := ""
		if err := ds.Write(b, "m.", tc.pm, tc.payer); err != nil {
			got = err.Error()
		} else {
			_, form := b.Encode(FormEncoded)
			got = string(form)
		}
		if got != tc.body {
			t.Errorf("%s: got %q, want %q", tc.name, got, tc.body)
		}
	}
}
