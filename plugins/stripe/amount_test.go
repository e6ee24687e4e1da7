package stripe

import (
	"strings"
	"testing"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/money"
	"github.com/connectorhost/connector-host/pdk"
)

func TestToStripeAmount(t *testing.T) {
	for _, tc := range []struct {
		minor    int64
		currency string
		want     int64
		wantCur  string
		errField string // non-empty: expect InvalidRequest naming it
	}{
		{1000, "USD", 1000, "usd", ""},
		{0, "EUR", 0, "eur", ""},
		{500, "JPY", 500, "jpy", ""}, // zero-decimal, as-is
		{12345, "KRW", 12345, "krw", ""},
		{1234, "ISK", 123400, "isk", ""}, // ISO 0 decimals, Stripe 2
		{1050, "HUF", 1050, "huf", ""},
		{1050, "TWD", 1050, "twd", ""},
		{1230, "BHD", 1230, "bhd", ""}, // three-decimal ending in 0
		{1235, "BHD", 0, "", "amount.minor_amount"},
		{1001, "KWD", 0, "", "amount.minor_amount"},
		{10000, "MGA", 100, "mga", ""}, // ISO 2 decimals, Stripe 0
		{150, "MGA", 0, "", "amount.minor_amount"},
		{100, "XXX", 0, "", "amount.currency"},
		{100, "usd", 0, "", "amount.currency"},
		{-1, "USD", 0, "", "amount.minor_amount"},
	} {
		got, cur, err := amounts.To(&v1.Money{MinorAmount: tc.minor, Currency: tc.currency}, "amount")
		if tc.errField != "" {
			var pe *pdk.Error
			if !asPdkError(err, &pe) || pe.Kind != pluginv1.ErrorKind_ERROR_KIND_INVALID_REQUEST || !strings.HasPrefix(pe.Message, tc.errField+":") {
				t.Errorf("%d %s: err = %v, want InvalidRequest on %s", tc.minor, tc.currency, err, tc.errField)
			}
			continue
		}
		if err != nil || got != tc.want || cur != tc.wantCur {
			t.Errorf("%d %s = %d %s, %v; want %d %s", tc.minor, tc.currency, got, cur, err, tc.want, tc.wantCur)
		}
		back, err := amounts.From(got, cur)
		if err != nil || back.GetMinorAmount() != tc.minor || back.GetCurrency() != tc.currency {
			t.Errorf("round trip %d %s -> %d -> %v, %v", tc.minor, tc.currency, got, back, err)
		}
	}
	if _, _, err := amounts.To(nil, "refund_amount"); err == nil || !strings.Contains(err.Error(), "refund_amount") {
		t.Errorf("nil amount: %v", err)
	}
}

func TestFromStripeAmountRejects(t *testing.T) {
	if _, err := amounts.From(100, "zzz"); err == nil {
		t.Error("unknown currency accepted")
	}
	if _, err := amounts.From(12345, "isk"); err == nil {
		t.Error("ISK amount with decimals accepted")
	}
}

// TestStripeExponentsCoverZeroDecimal checks the zero-decimal list against
// Stripe's documentation and that every listed code is an ISO currency.
func TestStripeExponentsCoverZeroDecimal(t *testing.T) {
	for _, c := range strings.Fields("BIF CLP DJF GNF JPY KMF KRW MGA PYG RWF UGX VND VUV XAF XOF XPF") {
		if e, _ := stripeExponents.Exponent(c); e != 0 {
			t.Errorf("%s exponent %d", c, e)
		}
	}
	for c := range stripeExponents {
		if !money.Known(c) {
			t.Errorf("%s is not ISO", c)
		}
	}
}

func asPdkError(err error, target **pdk.Error) bool {
	e, ok := err.(*pdk.Error)
	if ok {
		*target = e
	}
	return ok
}
