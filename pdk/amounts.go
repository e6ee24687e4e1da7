package pdk

import (
	"errors"
	"strconv"
	"strings"

	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/money"
)

// Amounts converts unified Money (ISO-4217 minor units) to a processor's
// minor units and back, with the request-side checks every connector needs:
// a known currency, no negative amount, no precision lost.
type Amounts struct {
	// Exponents are the processor's exponents where they differ from ISO
	// 4217 (nil: ISO everywhere).
	Exponents money.Exponents
	// LowerCurrency sends currency codes in lower case ("usd") and accepts
	// either case in answers.
	LowerCurrency bool
	// Check refuses an amount, in the processor's units, that the processor
	// would refuse; it returns the problem ("must be a multiple of 10") or
	// "". Optional.
	Check func(amount int64, currency string) string
}

// To converts m for the processor: the amount in its minor units and the
// currency code as it writes them. field names the request field in
// InvalidRequest errors ("refund_amount", "refund_amount.currency").
func (a Amounts) To(m *v1.Money, field string) (int64, string, error) {
	if m == nil {
		return 0, "", InvalidRequest(field, "is required")
	}
	cur := m.GetCurrency()
	if !money.Known(cur) {
		return 0, "", InvalidRequest(field+".currency", strconv.Quote(cur)+" is not an ISO-4217 currency code")
	}
	if m.GetMinorAmount() < 0 {
		return 0, "", InvalidRequest(field+".minor_amount", "must not be negative")
	}
	n, err := a.Exponents.ToProcessor(m.GetMinorAmount(), cur)
	if err != nil {
		if errors.Is(err, money.ErrPrecision) {
			exp, _ := a.Exponents.Exponent(cur)
			return 0, "", InvalidRequest(field+".minor_amount", strconv.FormatInt(m.GetMinorAmount(), 10)+
				" cannot be sent: "+cur+" has "+strconv.Itoa(exp)+" decimals at the processor")
		}
		return 0, "", InvalidRequest(field, err.Error())
	}
	if a.Check != nil {
		if problem := a.Check(n, cur); problem != "" {
			return 0, "", InvalidRequest(field+".minor_amount", strconv.FormatInt(m.GetMinorAmount(), 10)+" "+cur+" "+problem)
		}
	}
	if a.LowerCurrency {
		cur = strings.ToLower(cur)
	}
	return n, cur, nil
}

// From converts a processor's amount and currency code to unified Money.
// An unknown currency or an amount that does not convert exactly is an
// InvalidResponse.
func (a Amounts) From(amount int64, currency string) (*v1.Money, error) {
	cur := currency
	if a.LowerCurrency {
		cur = strings.ToUpper(currency)
	}
	if !money.Known(cur) {
		return nil, InvalidResponse("answered with unknown currency %q", currency)
	}
	n, err := a.Exponents.FromProcessor(amount, cur)
	if err != nil {
		return nil, InvalidResponse("the answer's amount %d %s: %v", amount, cur, err)
	}
	return &v1.Money{MinorAmount: n, Currency: cur}, nil
}

// CheckAmount is the integrity check of an answer's amount: when the
// request stated the amount (want), an answer with another amount or
// currency is an InvalidResponse with detail code INTEGRITY_MISMATCH, never
// a response. what names the object ("refund re_1"). Nil want or got pass.
func CheckAmount(want, got *v1.Money, what string) error {
	if want == nil || got == nil || (want.GetCurrency() == got.GetCurrency() && want.GetMinorAmount() == got.GetMinorAmount()) {
		return nil
	}
	msg := what + " is " + strconv.FormatInt(got.GetMinorAmount(), 10) + " " + got.GetCurrency() +
		", expected " + strconv.FormatInt(want.GetMinorAmount(), 10) + " " + want.GetCurrency()
	return integrityMismatch(msg)
}
