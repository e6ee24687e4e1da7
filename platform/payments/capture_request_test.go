package payments

import "testing"

// A platform capture is the intent's only one: it is sent as the final
// capture, so a processor that can keep the rest of an authorization for
// later captures (PayPal, Checkout.com, Stripe multicapture) releases it.
func TestCaptureRequestIsFinal(t *testing.T) {
	in := &Intent{ID: "pi_1", ConnectorTransactionID: "tx_1", Amount: 1000, Currency: "EUR"}
	r := captureRequest(in, 600, "pi_1_capture")
	if !r.GetFinalCapture() {
		t.Error("final_capture is false: the processor would keep the uncaptured 400 on hold")
	}
	if r.GetAmountToCapture().GetMinorAmount() != 600 || r.GetPaymentAmount().GetMinorAmount() != 1000 ||
		r.GetAmountToCapture().GetCurrency() != "EUR" || r.GetPaymentAmount().GetCurrency() != "EUR" ||
		r.GetMerchantCaptureId() != "pi_1_capture" || r.GetConnectorTransactionId() != "tx_1" || r.GetMerchantTransactionId() != "pi_1" {
		t.Errorf("capture request = %v", r)
	}
}
