//go:build !wasip1

package adyen

import (
	"testing"

	"github.com/connectorhost/connector-host/conformance/conformancetest"
	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk/pdktest"
)

func TestAdyenExponents(t *testing.T) {
	cases := []struct {
		cur       string
		iso, want int64 // unified (ISO minor units) -> Adyen value
	}{
		{"EUR", 1000, 1000},
		{"JPY", 500, 500},
		{"BHD", 1005, 1005},   // 3 decimals in both
		{"ISK", 2790, 279000}, // ISO 0, Adyen 2
		{"CLP", 1000, 100000}, // ISO 0, Adyen 2
		{"IDR", 150000, 1500}, // ISO 2, Adyen 0
		{"CVE", 2500, 25},     // ISO 2, Adyen 0
	}
	for _, tc := range cases {
		req := authorizeReq()
		req.Amount = &v1.Money{MinorAmount: tc.iso, Currency: tc.cur}
		res := mustBuild(t, pdktest.Call{Flow: v1.Flow_FLOW_AUTHORIZE, Request: req,
			Body: mustJSON(t, map[string]any{"pspReference": "P", "resultCode": "Authorised", "amount": map[string]any{"value": tc.want, "currency": tc.cur}})})
		b := bodyOf(t, res.HTTP)
		if got := conformancetest.JSONAt(b, "amount", "value"); got != float64(tc.want) || conformancetest.JSONAt(b, "amount", "currency") != tc.cur {
			t.Errorf("%d %s -> Adyen %v %v, want %d", tc.iso, tc.cur, got, conformancetest.JSONAt(b, "amount", "currency"), tc.want)
		}
		out := res.Response.(*v1.PaymentServiceAuthorizeResponse)
		if out.GetAmount().GetMinorAmount() != tc.iso || out.GetAmount().GetCurrency() != tc.cur {
			t.Errorf("Adyen %d %s -> unified %v, want %d", tc.want, tc.cur, out.GetAmount(), tc.iso)
		}
	}
}

func TestUnrepresentableAmounts(t *testing.T) {
	for _, m := range []*v1.Money{
		{MinorAmount: 150050, Currency: "IDR"}, // IDR 1500.50: Adyen takes whole rupiah
		{MinorAmount: 2501, Currency: "CVE"},
		{MinorAmount: 100, Currency: "XXX"},
		{MinorAmount: -1, Currency: "EUR"},
	} {
		req := authorizeReq()
		req.Amount = m
		res := run(t, pdktest.Call{Flow: v1.Flow_FLOW_AUTHORIZE, Request: req})
		wantKind(t, res.BuildError, pluginv1.ErrorKind_ERROR_KIND_INVALID_REQUEST, "amount")
	}
	// Capture and refund amounts go through the same table.
	res := run(t, pdktest.Call{Flow: v1.Flow_FLOW_REFUND, Request: &v1.PaymentServiceRefundRequest{
		ConnectorTransactionId: "PSP", MerchantRefundId: "r1", RefundAmount: &v1.Money{MinorAmount: 99, Currency: "IDR"},
	}})
	wantKind(t, res.BuildError, pluginv1.ErrorKind_ERROR_KIND_INVALID_REQUEST, "refund_amount.minor_amount")
}

func TestFromAdyenRefusesFractionalISK(t *testing.T) {
	if _, err := amounts.From(279050, "ISK"); err == nil {
		t.Fatal("ISK 2790.50 has no ISO representation; want an error")
	}
	if m, err := amounts.From(279000, "ISK"); err != nil || m.GetMinorAmount() != 2790 {
		t.Fatalf("ISK 279000 -> %v, %v", m, err)
	}
}
