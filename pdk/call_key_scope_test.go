package pdk

import (
	"strings"
	"testing"

	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
)

// TestCallKeyScope: API.KeyScope puts the account in every key, before the
// merchant's id (so a long one is still hashed to MaxKeyLen), in the
// body-derived keys too; without it keys are as before.
func TestCallKeyScope(t *testing.T) {
	api := *testAPI
	api.MaxKeyLen = 40
	api.KeyScope = func(c *Context) string { return c.Credentials["account"] }
	scoped := *testRefund
	scoped.API = &api
	req := &refundReq{ConnectorTransactionId: "pi_1", MerchantRefundId: "r1", RefundAmount: &v1.Money{MinorAmount: 12, Currency: "USD"}}
	keyOf := func(call *Call[*refundReq, *v1.PaymentServiceRefundResponse], account string, req *refundReq) string {
		t.Helper()
		r, err := call.Build(testContext(map[string]string{"api_key": "sk_1", "account": account}), req)
		if err != nil {
			t.Fatal(err)
		}
		return header(r, api.IdempotencyHeader)
	}
	if a, b := keyOf(&scoped, "AcmeEU", req), keyOf(&scoped, "AcmeUS", req); a != "refund:AcmeEU:r1" || b != "refund:AcmeUS:r1" {
		t.Errorf("scoped keys = %q, %q", a, b)
	}
	if k := keyOf(testRefund, "AcmeEU", req); k != "refund:r1" {
		t.Errorf("unscoped key = %q", k)
	}
	long := req.CloneVT()
	long.MerchantRefundId = strings.Repeat("x", 60)
	if a, b := keyOf(&scoped, "AcmeEU", long), keyOf(&scoped, "AcmeUS", long); len(a) != 40 || !strings.HasPrefix(a, "refund:") || a == b {
		t.Errorf("long scoped keys = %q, %q", a, b)
	}
	derived := scoped
	derived.Key = Key[*refundReq]{Derive: func(_ *Context, _ *refundReq, body []byte) (string, string) { return "d", string(body[:3]) }}
	if a, b := keyOf(&derived, "AcmeEU", req), keyOf(&derived, "AcmeUS", req); a == b || !strings.HasPrefix(a, "d:AcmeEU:") {
		t.Errorf("derived scoped keys = %q, %q", a, b)
	}
}
