//go:build !wasip1

package checkout

import (
	"strings"
	"testing"

	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
)

// TestCaptureTypeKeepsTheRestOfTheHold: Checkout.com's capture_type
// defaults to Final, which voids the rest of a partially captured
// authorization (https://www.checkout.com/docs/payments/manage-payments/capture-a-payment),
// so a capture that is not the final one says NonFinal.
func TestCaptureTypeKeepsTheRestOfTheHold(t *testing.T) {
	for _, tc := range []struct {
		final bool
		want  string
	}{{false, `"capture_type":"NonFinal"`}, {true, `"capture_type":"Final"`}} {
		res := build(t, v1.Flow_FLOW_CAPTURE, &v1.PaymentServiceCaptureRequest{ConnectorTransactionId: "pay_mbabizu24mvu3mela5njyhpit4",
			AmountToCapture: &v1.Money{MinorAmount: 600, Currency: "USD"}, MerchantCaptureId: "cap_1", FinalCapture: tc.final})
		if e := res.GetBuildError(); e != nil {
			t.Fatal(e)
		}
		if body := string(res.HTTP.GetBody()); !strings.Contains(body, tc.want) {
			t.Errorf("final_capture=%v: body %s, want %s", tc.final, body, tc.want)
		}
	}
}
