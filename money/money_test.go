package money

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestExponent(t *testing.T) {
	for cur, want := range map[string]int{"USD": 2, "JPY": 0, "KRW": 0, "BHD": 3, "KWD": 3, "EUR": 2, "CLF": 4} {
		got, err := Exponent(cur)
		require.NoError(t, err, cur)
		assert.Equal(t, want, got, cur)
	}
	_, err := Exponent("XYZ")
	assert.ErrorIs(t, err, ErrUnknownCurrency)
	assert.False(t, Known("usd"), "codes are upper case")
}

func TestDecimalRoundTrip(t *testing.T) {
	cases := []struct {
		minor int64
		cur   string
		dec   string
	}{
		{1050, "USD", "10.50"}, {5, "USD", "0.05"}, {0, "USD", "0.00"}, {1000, "JPY", "1000"},
		{1005, "BHD", "1.005"}, {-250, "EUR", "-2.50"}, {7, "KWD", "0.007"},
	}
	for _, c := range cases {
		got, err := Decimal(c.minor, c.cur)
		require.NoError(t, err)
		assert.Equal(t, c.dec, got)
		back, err := ParseDecimal(c.dec, c.cur)
		require.NoError(t, err)
		assert.Equal(t, c.minor, back, c.dec)
	}
}

func TestParseDecimalRejectsPrecisionLossAndGarbage(t *testing.T) {
	_, err := ParseDecimal("10.505", "USD")
	assert.True(t, errors.Is(err, ErrPrecision))
	_, err = ParseDecimal("1.5", "JPY")
	assert.True(t, errors.Is(err, ErrPrecision))
	v, err := ParseDecimal("10.500", "USD")
	require.NoError(t, err)
	assert.Equal(t, int64(1050), v, "trailing zeros are not precision")
	for _, bad := range []string{"", "1e5", "ten", "1.2.3", "1,00"} {
		_, err := ParseDecimal(bad, "USD")
		assert.Error(t, err, bad)
	}
}

func TestExponentsOverride(t *testing.T) {
	// A processor that represents ISK (ISO: 0 decimals) with two decimals.
	proc := Exponents{"ISK": 2}
	v, err := proc.ToProcessor(500, "ISK")
	require.NoError(t, err)
	assert.Equal(t, int64(50000), v)
	back, err := proc.FromProcessor(50000, "ISK")
	require.NoError(t, err)
	assert.Equal(t, int64(500), back)
	_, err = proc.FromProcessor(50050, "ISK")
	assert.ErrorIs(t, err, ErrPrecision)

	// A processor that drops the third decimal of BHD.
	two := Exponents{"BHD": 2}
	_, err = two.ToProcessor(1005, "BHD")
	assert.ErrorIs(t, err, ErrPrecision)
	v, err = two.ToProcessor(1000, "BHD")
	require.NoError(t, err)
	assert.Equal(t, int64(100), v)

	// ISO currencies pass through unchanged.
	v, err = proc.ToProcessor(1234, "USD")
	require.NoError(t, err)
	assert.Equal(t, int64(1234), v)
}

func TestRescaleOverflow(t *testing.T) {
	_, err := Rescale(1<<62, 0, 3)
	assert.ErrorIs(t, err, ErrPrecision)
}
