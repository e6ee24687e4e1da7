package decimal

import (
	"math"
	"math/big"
	"testing"

	"github.com/connectorhost/connector-host/gen/tzero/v1/common"
)

func d(u int64, e int32) *common.Decimal { return &common.Decimal{Unscaled: u, Exponent: e} }

func TestSettlementHandComputed(t *testing.T) {
	cases := []struct {
		name              string
		amount, rate, fix *common.Decimal
		want              *common.Decimal
		wantExactPositive bool
	}{
		// 100 EUR at 0.92 EUR per USD, fix 1.50: 108.695652173913... - 1.5 = 107.19565217 (truncated)
		{"eur", d(100, 0), d(92, -2), d(150, -2), d(10719565217, -8), true},
		// 5000 KES at 129.5, no fix: 38.61003861003861... → 38.61003861
		{"kes no fix", d(5000, 0), d(1295, -1), nil, d(3861003861, -8), true},
		// exact result keeps no trailing zeros: 200 / 0.8 - 0 = 250
		{"exact", d(200, 0), d(8, -1), d(0, 0), d(25, 1), true},
		// 1 BRL at 5.5 with fix 1: 0.1818... - 1 < 0
		{"negative", d(1, 0), d(55, -1), d(1, 0), d(-81818181, -8), false},
		// exactly zero
		{"zero", d(10, 0), d(2, 0), d(5, 0), d(0, 0), false},
		// large: 9e18 units at rate 1e-8 → 9e26 does not fit; 1e17 at 1e-8 = 1e25 → 1e25 with exponent 8 fits
		{"coarse", d(1e17, 0), d(1, -8), nil, d(1e17, 8), true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, exact, err := Settlement(c.amount, c.rate, c.fix)
			if err != nil {
				t.Fatal(err)
			}
			if got.GetUnscaled() != c.want.GetUnscaled() || got.GetExponent() != c.want.GetExponent() {
				t.Errorf("Settlement = %de%d, want %de%d", got.GetUnscaled(), got.GetExponent(), c.want.GetUnscaled(), c.want.GetExponent())
			}
			if (exact.Sign() > 0) != c.wantExactPositive {
				t.Errorf("exact sign %d", exact.Sign())
			}
		})
	}
}

func TestTruncatesTowardZero(t *testing.T) {
	// 1/3 → 0.33333333; -1/3 → -0.33333333
	for _, c := range []struct {
		r    *big.Rat
		want int64
	}{{big.NewRat(1, 3), 33333333}, {big.NewRat(-1, 3), -33333333}, {big.NewRat(2, 3), 66666666}} {
		got, err := FromRat(c.r)
		if err != nil {
			t.Fatal(err)
		}
		if got.GetUnscaled() != c.want || got.GetExponent() != -8 {
			t.Errorf("FromRat(%s) = %de%d, want %de-8", c.r, got.GetUnscaled(), got.GetExponent(), c.want)
		}
	}
}

func TestRangeErrors(t *testing.T) {
	if _, err := Rat(d(1, 9)); err == nil {
		t.Error("exponent 9 accepted")
	}
	if _, err := Rat(d(1, -9)); err == nil {
		t.Error("exponent -9 accepted")
	}
	huge := new(big.Rat).SetInt(new(big.Int).Mul(big.NewInt(math.MaxInt64), big.NewInt(1e9)))
	if _, err := FromRat(huge); err == nil {
		t.Error("value above int64 × 10^8 accepted")
	}
	if _, _, err := Settlement(d(1, 0), d(0, 0), nil); err == nil {
		t.Error("zero rate accepted")
	}
}

func TestString(t *testing.T) {
	if got := String(d(12345, -2)); got != "123.45" {
		t.Errorf("String = %q", got)
	}
	if got := String(d(12, 2)); got != "1200" {
		t.Errorf("String = %q", got)
	}
}
