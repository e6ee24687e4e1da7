//go:build !wasip1

package stripe_test

import (
	"os"
	"testing"

	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/internal/flowbench"
	"github.com/connectorhost/connector-host/internal/wasmbuild"
	"github.com/connectorhost/connector-host/plugins/stripe"
)

// succeededIntent is a confirmed card PaymentIntent as Stripe returns it (~2 KB).
const succeededIntent = `{
  "id": "pi_3MtwBwLkdIwHu7ix28a3tqPa", "object": "payment_intent", "amount": 1999, "amount_capturable": 0,
  "amount_details": {"tip": {}}, "amount_received": 1999, "application": null, "application_fee_amount": null,
  "automatic_payment_methods": null, "canceled_at": null, "cancellation_reason": null, "capture_method": "automatic",
  "client_secret": "pi_3MtwBwLkdIwHu7ix28a3tqPa_secret_YrKJUKribcBjcG8HVhfZluoGH", "confirmation_method": "automatic",
  "created": 1680800504, "currency": "usd", "customer": null, "description": null, "invoice": null,
  "last_payment_error": null, "latest_charge": "ch_3MtwBwLkdIwHu7ix2xAYcdAc", "livemode": false,
  "metadata": {"merchant_transaction_id": "order_1001"}, "next_action": null, "on_behalf_of": null,
  "payment_method": "pm_1MtwBwLkdIwHu7ixFRJdEeYA", "payment_method_configuration_details": null,
  "payment_method_options": {"card": {"installments": null, "mandate_options": null, "network": null, "request_three_d_secure": "automatic"}},
  "payment_method_types": ["card"], "processing": null, "receipt_email": null, "review": null, "setup_future_usage": null,
  "shipping": null, "source": null, "statement_descriptor": null, "statement_descriptor_suffix": null,
  "status": "succeeded", "transfer_data": null, "transfer_group": null
}`

// BenchmarkTransforms measures Stripe build_request + parse_response in Wasm
// (all limits on) beside the same handlers compiled natively: a full-sized
// card authorization, a sync, and every declared flow's happy-path fixture.
// STRIPE_BENCH_WASM names a .wasm to measure instead of building the plugin
// (to compare two builds of it in alternate runs; BENCHMARKS.md, "Session 4 notes").
func BenchmarkTransforms(b *testing.B) {
	path := os.Getenv("STRIPE_BENCH_WASM") // another build of the plugin, for A/B runs
	if path == "" {
		path = wasmbuild.Build(b, "./plugins/stripe/wasm", "stripe")
	}
	wasm, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	creds := map[string]string{"api_key": "sk_test_bench"}
	fixtures, err := flowbench.FixtureCases("fixtures")
	if err != nil {
		b.Fatal(err)
	}
	flowbench.Run(b, stripe.New(), "stripe", wasm, append([]flowbench.Case{
		{
			Name: "authorize_card", Flow: v1.Flow_FLOW_AUTHORIZE, Credentials: creds, Status: 200, Body: []byte(succeededIntent),
			Request: &v1.PaymentServiceAuthorizeRequest{
				MerchantTransactionId: "order_1001",
				Amount:                &v1.Money{MinorAmount: 1999, Currency: "USD"},
				PaymentMethod: &v1.PaymentMethod{Method: &v1.PaymentMethod_Card{Card: &v1.Card{
					Number: "4242424242424242", ExpMonth: 12, ExpYear: 2030, Cvc: "123", HolderName: "Jane Doe"}}},
				CaptureMethod:  v1.CaptureMethod_CAPTURE_METHOD_AUTOMATIC,
				Customer:       &v1.Customer{Email: "jane@example.com", Name: "Jane Doe"},
				BillingAddress: &v1.Address{Line1: "1 Main St", City: "Springfield", PostalCode: "12345", Country: "US"},
				Metadata:       map[string]string{"order": "1001", "channel": "web"},
				ReturnUrl:      "https://shop.example/return",
			},
		},
		{
			Name: "get", Flow: v1.Flow_FLOW_GET, Credentials: creds, Status: 200, Body: []byte(succeededIntent),
			Request: &v1.PaymentServiceGetRequest{ConnectorTransactionId: "pi_3MtwBwLkdIwHu7ix28a3tqPa"},
		},
	}, fixtures...))
}
