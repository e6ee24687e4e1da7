// Command faulty is a test plugin that misbehaves on request: the Authorize
// request's merchant_transaction_id picks the behaviour ("ok", "trap",
// "loop", "oom", "huge"). The runtime's fault-isolation tests use it.
package main

import (
	"strings"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk"
)

var sink [][]byte

// version is set at link time (-X main.version=...) to make distinct builds for hot-reload tests.
var version = "1.0.0"

func build(c *pdk.Context, r *v1.PaymentServiceAuthorizeRequest) (*pluginv1.HttpRequest, error) {
	switch r.GetMerchantTransactionId() {
	case "trap":
		var m map[string]int
		m["boom"] = 1 // nil map write: a Go panic
	case "loop":
		for i := 0; ; i++ {
			if i < 0 {
				break
			}
		}
	case "oom":
		for {
			sink = append(sink, make([]byte, 1<<20))
		}
	case "huge":
		return pdk.NewRequest("POST", c.URL("/pay")).Body("text/plain", []byte(strings.Repeat("x", 6<<20))).Build(), nil
	}
	return pdk.NewRequest("POST", c.URL("/pay")).IdempotencyKey("Idempotency-Key", r.GetMerchantTransactionId()).
		Body("text/plain", []byte(r.GetMerchantTransactionId())).Build(), nil
}

func parse(c *pdk.Context, r *v1.PaymentServiceAuthorizeRequest, res *pdk.Response) (*v1.PaymentServiceAuthorizeResponse, error) {
	return &v1.PaymentServiceAuthorizeResponse{
		ConnectorTransactionId: string(res.Body), Status: v1.PaymentStatus_PAYMENT_STATUS_CHARGED,
		Amount: r.GetAmount(), MerchantTransactionId: r.GetMerchantTransactionId(),
	}, nil
}

func init() {
	pdk.Register(&pdk.Connector{
		Manifest: &v1.Manifest{
			Name: "faulty", Version: version, DisplayName: "Faulty (test)",
			SandboxBaseUrl: "https://faulty.test", EgressHosts: []string{"faulty.test"}, IdempotencyHeader: "Idempotency-Key",
		},
		Flows: []pdk.Flow{pdk.Authorize(pdk.H(build, parse))},
	})
}

func main() {}
