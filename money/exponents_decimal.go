package money

// Decimal renders minor (ISO-4217 minor units) as the processor's decimal
// string for currency, with the table's exponent: {"HUF": 0} renders 100000
// HUF minor units as "1000" and refuses 1050 (10.50 HUF) with ErrPrecision.
func (t Exponents) Decimal(minor int64, currency string) (string, error) {
	n, err := t.ToProcessor(minor, currency)
	if err != nil {
		return "", err
	}
	e, err := t.Exponent(currency)
	if err != nil {
		return "", err
	}
	return FormatDecimal(n, e), nil
}

// ParseDecimal reads the processor's decimal string for currency into
// ISO-4217 minor units, exactly (more decimals than the table's exponent is
// ErrPrecision).
func (t Exponents) ParseDecimal(s, currency string) (int64, error) {
	e, err := t.Exponent(currency)
	if err != nil {
		return 0, err
	}
	n, err := ParseDecimalExp(s, e)
	if err != nil {
		return 0, err
	}
	return t.FromProcessor(n, currency)
}
