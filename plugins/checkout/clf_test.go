//go:build !wasip1

package checkout

import (
	"strings"
	"testing"

	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
)

// TestCLFIsAFullValueCurrency: the amount page the spec links for every
// amount (https://docs.checkout.com/resources/calculating-the-value) lists
// CLF (Chilean Unidad de Fomento) among the currencies whose amount is the
// full value, while ISO 4217 gives it four decimals: 1 CLF (minor 10000) is
// amount 1, not 10000 (ten thousand CLF), and a fraction of a CLF cannot be sent.
func TestCLFIsAFullValueCurrency(t *testing.T) {
	req := &v1.PaymentServiceAuthorizeRequest{MerchantTransactionId: "o1", Amount: &v1.Money{MinorAmount: 10000, Currency: "CLF"},
		PaymentMethod: cardPM("4242424242424242", "100")}
	res := build(t, v1.Flow_FLOW_AUTHORIZE, req)
	if e := res.GetBuildError(); e != nil {
		t.Fatal(e)
	}
	if body := string(res.HTTP.GetBody()); !strings.Contains(body, `"amount":1,"currency":"CLF"`) {
		t.Errorf("body = %s, want amount 1 CLF", body)
	}
	req.Amount.MinorAmount = 12345
	if e := build(t, v1.Flow_FLOW_AUTHORIZE, req).GetBuildError(); e == nil || !strings.Contains(e.GetMessage(), "amount.minor_amount") {
		t.Errorf("1.2345 CLF = %v, want refused", e)
	}
	got, err := amounts.From(3, "CLF")
	if err != nil || got.GetMinorAmount() != 30000 {
		t.Errorf("answer amount 3 CLF = %v, %v", got, err)
	}
}
