package stripe

import (
	"errors"
	"fmt"
	"strings"

	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/money"
	"github.com/connectorhost/connector-host/pdk"
)

// stripeExponents are the exponents Stripe uses for amounts
// (https://docs.stripe.com/currencies). Currencies not listed use ISO 4217.
//
//   - Zero-decimal at Stripe: the amount is sent as-is. MGA is two-decimal in
//     ISO 4217, so ISO amounts must be whole ariary.
//   - ISK is zero-decimal in ISO 4217 but two-decimal at Stripe: ISO amounts
//     are multiplied by 100 when sent and divided by 100 when read.
//   - HUF and TWD are two-decimal at Stripe, as in ISO 4217.
//   - BHD JOD KWD OMR TND are three-decimal (as ISO) and their last digit
//     must be 0 (see threeDecimalMustEndInZero).
var stripeExponents = money.Exponents{
	"BIF": 0, "CLP": 0, "DJF": 0, "GNF": 0, "JPY": 0, "KMF": 0, "KRW": 0, "MGA": 0,
	"PYG": 0, "RWF": 0, "UGX": 0, "VND": 0, "VUV": 0, "XAF": 0, "XOF": 0, "XPF": 0,
	"ISK": 2, "HUF": 2, "TWD": 2,
}

// threeDecimalMustEndInZero are the three-decimal currencies Stripe accepts
// only in multiples of 10 minor units.
var threeDecimalMustEndInZero = map[string]bool{"BHD": true, "JOD": true, "KWD": true, "OMR": true, "TND": true}

// toStripeAmount converts a unified amount to Stripe's minor units and
// lower-case currency. field names the request field in errors.
func toStripeAmount(m *v1.Money, field string) (int64, string, error) {
	if m == nil {
		return 0, "", pdk.InvalidRequest(field, "is required")
	}
	cur := m.GetCurrency()
	if !money.Known(cur) {
		return 0, "", pdk.InvalidRequest(field+".currency", fmt.Sprintf("%q is not an ISO-4217 currency code", cur))
	}
	if m.GetMinorAmount() < 0 {
		return 0, "", pdk.InvalidRequest(field+".minor_amount", "must not be negative")
	}
	n, err := stripeExponents.ToProcessor(m.GetMinorAmount(), cur)
	if err != nil {
		if errors.Is(err, money.ErrPrecision) {
			exp, _ := stripeExponents.Exponent(cur)
			return 0, "", pdk.InvalidRequest(field+".minor_amount",
				fmt.Sprintf("%d cannot be sent to Stripe: %s has %d decimals at Stripe", m.GetMinorAmount(), cur, exp))
		}
		return 0, "", pdk.InvalidRequest(field, err.Error())
	}
	if threeDecimalMustEndInZero[cur] && n%10 != 0 {
		return 0, "", pdk.InvalidRequest(field+".minor_amount",
			fmt.Sprintf("%d %s must be a multiple of 10: Stripe requires three-decimal amounts to end in 0", m.GetMinorAmount(), cur))
	}
	return n, strings.ToLower(cur), nil
}

// fromStripeAmount converts a Stripe amount and currency ("usd") to unified
// money in ISO minor units.
func fromStripeAmount(amount int64, currency string) (*v1.Money, error) {
	cur := strings.ToUpper(currency)
	if !money.Known(cur) {
		return nil, pdk.InvalidResponse("answered with unknown currency %q", currency)
	}
	n, err := stripeExponents.FromProcessor(amount, cur)
	if err != nil {
		return nil, pdk.InvalidResponse("the answer's amount %d %s: %v", amount, cur, err)
	}
	return &v1.Money{MinorAmount: n, Currency: cur}, nil
}
