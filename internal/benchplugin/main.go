// Command benchplugin is a small connector used by `bench scale` to load
// many distinct plugins: its name is a fixed-width string in the binary
// ("bench000"), which the bench command rewrites per copy. Its Authorize
// posts to BASE/v1/payment_intents like the Stripe plugin, so the bench's
// fake processor serves it.
package main

import (
	"strconv"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk"
	"github.com/connectorhost/connector-host/pdk/form"
	"github.com/valyala/fastjson"
)

// name is patched in copies of the .wasm; keep it 8 bytes.
var name = "bench000"

func build(c *pdk.Context, r *v1.PaymentServiceAuthorizeRequest) (*pluginv1.HttpRequest, error) {
	f := form.New()
	f.SetInt("amount", r.GetAmount().GetMinorAmount()).Set("currency", r.GetAmount().GetCurrency()).Set("confirm", "true")
	f.Nest("metadata").Set("merchant_transaction_id", r.GetMerchantTransactionId())
	return pdk.NewRequest("POST", c.URL("/v1/payment_intents")).
		IdempotencyKey("Idempotency-Key", r.GetMerchantTransactionId()).
		Body("application/x-www-form-urlencoded", f.Encode()).Build(), nil
}

func parse(c *pdk.Context, r *v1.PaymentServiceAuthorizeRequest, res *pdk.Response) (*v1.PaymentServiceAuthorizeResponse, error) {
	v, err := fastjson.ParseBytes(res.Body)
	if err != nil || res.Status != 200 {
		return nil, pdk.InvalidResponse("processor answered %d", res.Status)
	}
	amount, _ := strconv.ParseInt(v.Get("amount").String(), 10, 64)
	return &v1.PaymentServiceAuthorizeResponse{
		ConnectorTransactionId: string(v.GetStringBytes("id")), Status: v1.PaymentStatus_PAYMENT_STATUS_CHARGED,
		Amount: &v1.Money{MinorAmount: amount, Currency: r.GetAmount().GetCurrency()},
	}, nil
}

func init() {
	pdk.Register(&pdk.Connector{
		Manifest: &v1.Manifest{
			Name: name, Version: "1.0.0", DisplayName: "Bench " + name,
			SandboxBaseUrl: "https://bench.test", EgressHosts: []string{"bench.test"}, IdempotencyHeader: "Idempotency-Key",
			CredentialFields: []*v1.CredentialField{{Name: "api_key", Secret: true, Required: true}},
		},
		Flows: []pdk.Flow{pdk.Authorize(pdk.H(build, parse))},
	})
}

func main() {}
