//go:build !wasip1

package stripe

import (
	"strconv"
	"strings"
	"testing"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
)

// TestPayoutWholeUnitCurrencies: Stripe charges HUF and TWD with two
// decimals but pays them out in whole units only, the amount divisible by
// 100 (https://docs.stripe.com/currencies, special cases). A payout with
// cents is refused before anything is sent, naming the field as the caller
// wrote it; whole units are sent as they are; charges keep their decimals.
func TestPayoutWholeUnitCurrencies(t *testing.T) {
	payout := func(m *v1.Money) *v1.PayoutServiceCreateRequest {
		return &v1.PayoutServiceCreateRequest{MerchantPayoutId: "payout_1", Amount: m,
			Recipient: &v1.PayoutRecipient{Destination: &v1.PayoutRecipient_ConnectorRecipientId{ConnectorRecipientId: "ba_1"}}}
	}
	for _, tc := range []struct {
		minor    int64
		currency string
		refused  bool
	}{
		{1050, "HUF", true},
		{1, "TWD", true},
		{99999, "TWD", true},
		{1000, "HUF", false},
		{100000, "TWD", false},
		{1050, "USD", false},
		{1050, "EUR", false},
	} {
		req := payout(&v1.Money{MinorAmount: tc.minor, Currency: tc.currency})
		if !tc.refused {
			http := build(t, v1.Flow_FLOW_PAYOUT_CREATE, req)
			wantForm(t, http, map[string]string{"amount": strconv.FormatInt(tc.minor, 10), "currency": strings.ToLower(tc.currency)})
			continue
		}
		e := buildErr(t, v1.Flow_FLOW_PAYOUT_CREATE, req)
		wantKind(t, e, pluginv1.ErrorKind_ERROR_KIND_INVALID_REQUEST)
		if !strings.HasPrefix(e.GetMessage(), "amount.minor_amount: ") || !strings.Contains(e.GetMessage(), "multiple of 100") {
			t.Errorf("%d %s: message = %q", tc.minor, tc.currency, e.GetMessage())
		}
	}
	// A charge in HUF keeps its two decimals.
	req := authorizeReq()
	req.Amount = &v1.Money{MinorAmount: 1050, Currency: "HUF"}
	wantForm(t, build(t, v1.Flow_FLOW_AUTHORIZE, req), map[string]string{"amount": "1050", "currency": "huf"})
}
