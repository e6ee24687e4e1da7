// Package money converts amounts between the unified API's representation
// (int64 minor units of the ISO-4217 currency) and what processors expect:
// minor units with another exponent, or decimal strings. It is the one place
// currency exponents live; connectors override exponents per processor with
// an Exponents table.
package money

import (
	"errors"
	"math"
	"strconv"
	"strings"

	"github.com/connectorhost/connector-host/internal/textf"
)

// iso4217 maps each active ISO-4217 alphabetic code to its minor-unit exponent.
var iso4217 = map[string]int{
	"AED": 2, "AFN": 2, "ALL": 2, "AMD": 2, "ANG": 2, "AOA": 2, "ARS": 2, "AUD": 2, "AWG": 2, "AZN": 2,
	"BAM": 2, "BBD": 2, "BDT": 2, "BGN": 2, "BHD": 3, "BIF": 0, "BMD": 2, "BND": 2, "BOB": 2, "BRL": 2,
	"BSD": 2, "BTN": 2, "BWP": 2, "BYN": 2, "BZD": 2, "CAD": 2, "CDF": 2, "CHF": 2, "CLF": 4, "CLP": 0,
	"CNY": 2, "COP": 2, "CRC": 2, "CUP": 2, "CVE": 2, "CZK": 2, "DJF": 0, "DKK": 2, "DOP": 2, "DZD": 2,
	"EGP": 2, "ERN": 2, "ETB": 2, "EUR": 2, "FJD": 2, "FKP": 2, "GBP": 2, "GEL": 2, "GHS": 2, "GIP": 2,
	"GMD": 2, "GNF": 0, "GTQ": 2, "GYD": 2, "HKD": 2, "HNL": 2, "HTG": 2, "HUF": 2, "IDR": 2, "ILS": 2,
	"INR": 2, "IQD": 3, "IRR": 2, "ISK": 0, "JMD": 2, "JOD": 3, "JPY": 0, "KES": 2, "KGS": 2, "KHR": 2,
	"KMF": 0, "KPW": 2, "KRW": 0, "KWD": 3, "KYD": 2, "KZT": 2, "LAK": 2, "LBP": 2, "LKR": 2, "LRD": 2,
	"LSL": 2, "LYD": 3, "MAD": 2, "MDL": 2, "MGA": 2, "MKD": 2, "MMK": 2, "MNT": 2, "MOP": 2, "MRU": 2,
	"MUR": 2, "MVR": 2, "MWK": 2, "MXN": 2, "MYR": 2, "MZN": 2, "NAD": 2, "NGN": 2, "NIO": 2, "NOK": 2,
	"NPR": 2, "NZD": 2, "OMR": 3, "PAB": 2, "PEN": 2, "PGK": 2, "PHP": 2, "PKR": 2, "PLN": 2, "PYG": 0,
	"QAR": 2, "RON": 2, "RSD": 2, "RUB": 2, "RWF": 0, "SAR": 2, "SBD": 2, "SCR": 2, "SDG": 2, "SEK": 2,
	"SGD": 2, "SHP": 2, "SLE": 2, "SOS": 2, "SRD": 2, "SSP": 2, "STN": 2, "SVC": 2, "SYP": 2, "SZL": 2,
	"THB": 2, "TJS": 2, "TMT": 2, "TND": 3, "TOP": 2, "TRY": 2, "TTD": 2, "TWD": 2, "TZS": 2, "UAH": 2,
	"UGX": 0, "USD": 2, "UYI": 0, "UYU": 2, "UYW": 4, "UZS": 2, "VED": 2, "VES": 2, "VND": 0, "VUV": 0,
	"WST": 2, "XAF": 0, "XCD": 2, "XCG": 2, "XOF": 0, "XPF": 0, "YER": 2, "ZAR": 2, "ZMW": 2, "ZWG": 2,
}

// ErrUnknownCurrency is returned for a code that is not an active ISO-4217 currency.
var ErrUnknownCurrency = errors.New("unknown ISO-4217 currency")

// ErrPrecision is returned when a conversion would lose part of the amount.
var ErrPrecision = errors.New("amount cannot be represented exactly")

// Exponent returns the ISO-4217 minor-unit exponent of currency (2 for USD, 0 for JPY, 3 for BHD).
func Exponent(currency string) (int, error) {
	e, ok := iso4217[currency]
	if !ok {
		return 0, textf.Errorf("%w: %q", ErrUnknownCurrency, currency)
	}
	return e, nil
}

// Known reports whether currency is an active ISO-4217 code.
func Known(currency string) bool {
	_, ok := iso4217[currency]
	return ok
}

// Exponents overrides ISO exponents for one processor (e.g. a processor that
// treats ISK as two-decimal). Codes not in the table use ISO-4217.
type Exponents map[string]int

// Exponent returns the processor's exponent for currency.
func (t Exponents) Exponent(currency string) (int, error) {
	if e, ok := t[currency]; ok {
		return e, nil
	}
	return Exponent(currency)
}

// ToProcessor converts an amount in ISO minor units to the processor's minor
// units. It fails when the processor has fewer decimals than ISO and the
// amount has a non-zero remainder.
func (t Exponents) ToProcessor(minor int64, currency string) (int64, error) {
	iso, err := Exponent(currency)
	if err != nil {
		return 0, err
	}
	proc, err := t.Exponent(currency)
	if err != nil {
		return 0, err
	}
	return Rescale(minor, iso, proc)
}

// FromProcessor converts an amount in the processor's minor units to ISO minor units.
func (t Exponents) FromProcessor(amount int64, currency string) (int64, error) {
	iso, err := Exponent(currency)
	if err != nil {
		return 0, err
	}
	proc, err := t.Exponent(currency)
	if err != nil {
		return 0, err
	}
	return Rescale(amount, proc, iso)
}

// Rescale moves amount from exponent from to exponent to, exactly.
func Rescale(amount int64, from, to int) (int64, error) {
	switch {
	case from == to:
		return amount, nil
	case to > from:
		f := pow10(to - from)
		if amount > math.MaxInt64/f || amount < math.MinInt64/f {
			return 0, textf.Errorf("%w: %d overflows", ErrPrecision, amount)
		}
		return amount * f, nil
	default:
		f := pow10(from - to)
		if amount%f != 0 {
			return 0, textf.Errorf("%w: %d has more than %d decimals", ErrPrecision, amount, to)
		}
		return amount / f, nil
	}
}

// Decimal formats minor units of currency as a decimal string ("10.50", "1000", "1.005").
func Decimal(minor int64, currency string) (string, error) {
	e, err := Exponent(currency)
	if err != nil {
		return "", err
	}
	return FormatDecimal(minor, e), nil
}

// FormatDecimal formats minor units with exponent e as a decimal string.
func FormatDecimal(minor int64, e int) string {
	neg := minor < 0
	u := uint64(minor)
	if neg {
		u = uint64(-minor)
	}
	s := strconv.FormatUint(u, 10)
	if e > 0 {
		if len(s) <= e {
			s = strings.Repeat("0", e-len(s)+1) + s
		}
		s = s[:len(s)-e] + "." + s[len(s)-e:]
	}
	if neg {
		s = "-" + s
	}
	return s
}

// ParseDecimal parses a decimal string of currency into minor units exactly.
func ParseDecimal(s, currency string) (int64, error) {
	e, err := Exponent(currency)
	if err != nil {
		return 0, err
	}
	return ParseDecimalExp(s, e)
}

// ParseDecimalExp parses a decimal string into minor units with exponent e.
func ParseDecimalExp(s string, e int) (int64, error) {
	if s == "" {
		return 0, errors.New("parse amount: empty string")
	}
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	whole, frac, _ := strings.Cut(s, ".")
	frac = strings.TrimRight(frac, "0")
	if len(frac) > e {
		return 0, textf.Errorf("%w: %q has more than %d decimals", ErrPrecision, s, e)
	}
	frac += strings.Repeat("0", e-len(frac))
	if whole == "" {
		whole = "0"
	}
	for _, r := range whole + frac {
		if r < '0' || r > '9' {
			return 0, textf.Errorf("parse amount %q: not a decimal number", s)
		}
	}
	v, err := strconv.ParseInt(whole+frac, 10, 64)
	if err != nil {
		return 0, textf.Errorf("parse amount %q: %w", s, err)
	}
	if neg {
		v = -v
	}
	return v, nil
}

func pow10(n int) int64 {
	r := int64(1)
	for i := 0; i < n; i++ {
		r *= 10
	}
	return r
}
