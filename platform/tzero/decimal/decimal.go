// Package decimal does exact arithmetic on the T-0 protocol's Decimal
// (unscaled int64 × 10^exponent, exponent in [-8, 8]) with math/big.Rat, and
// rounds results back into that form.
//
// Rounding: a result is truncated toward zero at 10^-8 (the finest exponent
// the protocol allows), then trailing zeros are dropped. If the truncated
// value's unscaled part does not fit an int64, the value is truncated toward
// zero at the next coarser power of ten until it does (only for magnitudes
// above 9.2e10); beyond 9.2e26 it is an error. Truncating toward zero means a
// settlement amount is never more than the exact (payment_amount / rate) − fix.
package decimal

import (
	"errors"
	"fmt"
	"math"
	"math/big"

	"github.com/connectorhost/connector-host/gen/tzero/v1/common"
)

// MinExponent and MaxExponent bound Decimal.exponent in the protocol.
const (
	MinExponent = -8
	MaxExponent = 8
)

// ErrOverflow is returned when a value cannot be written as a protocol
// Decimal.
var ErrOverflow = errors.New("decimal: value out of the protocol's range")

// Rat returns d's exact value. A nil d is zero; an exponent outside [-8, 8]
// is an error.
func Rat(d *common.Decimal) (*big.Rat, error) {
	if d == nil {
		return new(big.Rat), nil
	}
	e := d.GetExponent()
	if e < MinExponent || e > MaxExponent {
		return nil, fmt.Errorf("decimal: exponent %d outside [%d, %d]", e, MinExponent, MaxExponent)
	}
	r := new(big.Rat).SetInt64(d.GetUnscaled())
	p := new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(abs(e))), nil))
	if e >= 0 {
		return r.Mul(r, p), nil
	}
	return r.Quo(r, p), nil
}

// MustRat is Rat for values already validated (exponent in range); it
// returns zero for an out-of-range exponent rather than panicking.
func MustRat(d *common.Decimal) *big.Rat {
	r, err := Rat(d)
	if err != nil {
		return new(big.Rat)
	}
	return r
}

// FromRat rounds r into a Decimal as the package doc describes: toward zero at
// 10^-8, trailing zeros dropped.
func FromRat(r *big.Rat) (*common.Decimal, error) {
	for e := MinExponent; e <= MaxExponent; e++ {
		// unscaled = trunc(r / 10^e)
		scaled := new(big.Rat).Set(r)
		p := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(abs(int32(e)))), nil)
		if e < 0 {
			scaled.Mul(scaled, new(big.Rat).SetInt(p))
		} else {
			scaled.Quo(scaled, new(big.Rat).SetInt(p))
		}
		u := new(big.Int).Quo(scaled.Num(), scaled.Denom()) // Quo truncates toward zero
		if !u.IsInt64() {
			continue
		}
		return normalize(u.Int64(), int32(e)), nil
	}
	return nil, ErrOverflow
}

// New returns unscaled × 10^exponent normalized (trailing zeros dropped while
// the exponent stays ≤ 8).
func New(unscaled int64, exponent int32) *common.Decimal { return normalize(unscaled, exponent) }

func normalize(u int64, e int32) *common.Decimal {
	if u == 0 {
		return &common.Decimal{}
	}
	for u%10 == 0 && e < MaxExponent {
		u /= 10
		e++
	}
	return &common.Decimal{Unscaled: u, Exponent: e}
}

// Settlement is (amount / rate) − fix in exact arithmetic, rounded by
// FromRat. It returns the exact value too, for the sign check that decides
// AMOUNT_TOO_SMALL before any rounding.
func Settlement(amount, rate, fix *common.Decimal) (*common.Decimal, *big.Rat, error) {
	a, err := Rat(amount)
	if err != nil {
		return nil, nil, err
	}
	r, err := Rat(rate)
	if err != nil {
		return nil, nil, err
	}
	if r.Sign() <= 0 {
		return nil, nil, errors.New("decimal: rate must be greater than zero")
	}
	f, err := Rat(fix)
	if err != nil {
		return nil, nil, err
	}
	exact := new(big.Rat).Quo(a, r)
	exact.Sub(exact, f)
	d, err := FromRat(exact)
	if err != nil {
		return nil, nil, err
	}
	return d, exact, nil
}

// String renders d as a plain decimal ("123.45"); for logs and the admin API.
func String(d *common.Decimal) string {
	r, err := Rat(d)
	if err != nil {
		return fmt.Sprintf("%de%d", d.GetUnscaled(), d.GetExponent())
	}
	if d.GetExponent() >= 0 {
		return r.FloatString(0)
	}
	return r.FloatString(int(-d.GetExponent()))
}

func abs(e int32) int32 {
	if e < 0 {
		if e == math.MinInt32 {
			return math.MaxInt32
		}
		return -e
	}
	return e
}
