//go:build !wasip1

package stripe_test

import (
	"fmt"
	"net/url"

	"github.com/connectorhost/connector-host/conformance/conformancetest"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk/pdktest"
	"github.com/connectorhost/connector-host/plugins/stripe"
)

// Authorize a stored card for manual capture and read Stripe's answer.
func ExampleNew() {
	// The call runs natively through the host's executor, with Stripe's
	// answer canned.
	res, err := conformancetest.Run(stripe.New(), pdktest.Call{
		Flow: v1.Flow_FLOW_AUTHORIZE,
		Request: &v1.PaymentServiceAuthorizeRequest{
			MerchantTransactionId: "order_1",
			Amount:                &v1.Money{MinorAmount: 1000, Currency: "USD"},
			PaymentMethod:         &v1.PaymentMethod{Method: &v1.PaymentMethod_Token{Token: &v1.ProcessorToken{Token: "pm_card_visa"}}},
			CaptureMethod:         v1.CaptureMethod_CAPTURE_METHOD_MANUAL,
		},
		Credentials: map[string]string{"api_key": "sk_test_example"},
		BaseURL:     "https://api.stripe.com",
		Status:      200,
		Body: []byte(`{"id":"pi_1","object":"payment_intent","status":"requires_capture","amount":1000,
			"amount_capturable":1000,"amount_received":0,"currency":"usd","capture_method":"manual"}`),
	})
	if err != nil {
		panic(err)
	}
	u, _ := url.Parse(res.HTTP.GetUrl())
	form, _ := url.ParseQuery(string(res.HTTP.GetBody()))
	fmt.Println(res.HTTP.GetMethod(), u.Path, pdktest.HeaderValue(res.HTTP, "Idempotency-Key"))
	fmt.Println(form.Get("amount"), form.Get("currency"), form.Get("capture_method"), form.Get("payment_method"))
	resp := res.Response.(*v1.PaymentServiceAuthorizeResponse)
	fmt.Println(resp.GetConnectorTransactionId(), resp.GetStatus())
	// Output:
	// POST /v1/payment_intents order_1
	// 1000 usd manual pm_card_visa
	// pi_1 PAYMENT_STATUS_AUTHORIZED
}
