package money

import (
	"errors"
	"testing"
)

func TestExponentsDecimal(t *testing.T) {
	tab := Exponents{"HUF": 0}
	for _, c := range []struct {
		minor int64
		cur   string
		want  string
	}{{1050, "USD", "10.50"}, {1050, "JPY", "1050"}, {100000, "HUF", "1000"}, {1234, "BHD", "1.234"}, {5, "EUR", "0.05"}} {
		got, err := tab.Decimal(c.minor, c.cur)
		if err != nil || got != c.want {
			t.Errorf("Decimal(%d, %s) = %q, %v; want %q", c.minor, c.cur, got, err, c.want)
		}
		back, err := tab.ParseDecimal(got, c.cur)
		if err != nil || back != c.minor {
			t.Errorf("ParseDecimal(%q, %s) = %d, %v; want %d", got, c.cur, back, err, c.minor)
		}
	}
	if _, err := tab.Decimal(1050, "HUF"); !errors.Is(err, ErrPrecision) {
		t.Errorf("10.50 HUF with no decimals: %v", err)
	}
	if _, err := tab.ParseDecimal("10.5", "HUF"); !errors.Is(err, ErrPrecision) {
		t.Errorf("parse 10.5 HUF: %v", err)
	}
	if _, err := tab.Decimal(1, "XXX"); !errors.Is(err, ErrUnknownCurrency) {
		t.Errorf("unknown currency: %v", err)
	}
}
