package adyen

import (
	"errors"
	"fmt"

	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/money"
	"github.com/connectorhost/connector-host/pdk"
)

// exponents is Adyen's currency exponent table where it differs from ISO
// 4217. Source: Adyen, "Currency codes and minor units"
// (https://docs.adyen.com/development-resources/currency-codes): "For CLP,
// CVE, IDR, and ISK the standard has a different number of decimals than
// shown in our currency codes table." Adyen lists CLP 2, CVE 0, IDR 0 and ISK
// 2 decimals; every other currency uses its ISO-4217 exponent.
func exponents() money.Exponents {
	return money.Exponents{"CLP": 2, "CVE": 0, "IDR": 0, "ISK": 2}
}

// adyenAmount is an amount as Adyen expects it: minor units with Adyen's
// exponent for currency.
type adyenAmount struct {
	Value    int64
	Currency string
}

// toAdyen converts a unified amount (ISO minor units) to Adyen's minor units.
// field names the request field in errors. It refuses amounts Adyen cannot
// represent exactly (e.g. IDR 100.50: Adyen takes whole rupiah).
func toAdyen(field string, m *v1.Money) (adyenAmount, error) {
	if m == nil {
		return adyenAmount{}, pdk.InvalidRequest(field, "is required")
	}
	if m.GetMinorAmount() < 0 {
		return adyenAmount{}, pdk.InvalidRequest(field+".minor_amount", "must not be negative")
	}
	cur := m.GetCurrency()
	if !money.Known(cur) {
		return adyenAmount{}, pdk.InvalidRequest(field+".currency", fmt.Sprintf("%q is not an ISO-4217 currency", cur))
	}
	v, err := exponents().ToProcessor(m.GetMinorAmount(), cur)
	if err != nil {
		exp, _ := exponents().Exponent(cur)
		if errors.Is(err, money.ErrPrecision) {
			return adyenAmount{}, pdk.InvalidRequest(field+".minor_amount",
				fmt.Sprintf("%d %s cannot be represented at Adyen, which uses %d decimals for %s", m.GetMinorAmount(), cur, exp, cur))
		}
		return adyenAmount{}, pdk.InvalidRequest(field, err.Error())
	}
	return adyenAmount{Value: v, Currency: cur}, nil
}

// fromAdyen converts an Adyen amount to a unified one (ISO minor units).
func fromAdyen(value int64, currency string) (*v1.Money, error) {
	if !money.Known(currency) {
		return nil, fmt.Errorf("unknown currency %q", currency)
	}
	v, err := exponents().FromProcessor(value, currency)
	if err != nil {
		return nil, fmt.Errorf("amount %d %s: %w", value, currency, err)
	}
	return &v1.Money{MinorAmount: v, Currency: currency}, nil
}
