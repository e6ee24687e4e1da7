//go:build !wasip1

package checkout

import (
	"fmt"
	"testing"

	"github.com/connectorhost/connector-host/conformance/conformancetest"
	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk"
	"github.com/connectorhost/connector-host/pdk/pdktest"
)

func parse(t *testing.T, flow v1.Flow, req pdk.Message, status int, body string) *pdktest.Result {
	t.Helper()
	res, err := conformancetest.Run(New(), pdktest.Call{Flow: flow, Request: req, Credentials: creds, BaseURL: SandboxBaseURL,
		Status: status, Headers: map[string]string{"Content-Type": "application/json"}, Body: []byte(body)})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

const payment = `{"id":"pay_mbabizu24mvu3mela5njyhpit4","action_id":"act_mbabizu24mvu3mela5njyhpit4","amount":1000,"currency":"%s","approved":true,"status":"%s","response_code":"10000","processed_on":"2026-01-02T03:04:05Z","_links":{}}`

// TestPaymentAnswersThatMustNotReadAsSuccess: an answer in another currency
// is an integrity error, an unknown status is UNKNOWN, and an
// approved=false answer is a decline whatever its status says.
func TestPaymentAnswersThatMustNotReadAsSuccess(t *testing.T) {
	req := &v1.PaymentServiceAuthorizeRequest{MerchantTransactionId: "o1", Amount: &v1.Money{MinorAmount: 1000, Currency: "USD"},
		PaymentMethod: cardPM("4242424242424242", "100")}
	res := parse(t, v1.Flow_FLOW_AUTHORIZE, req, 201, fmt.Sprintf(payment, "EUR", "Authorized"))
	if e := res.GetParseError(); e == nil || e.GetKind() != pluginv1.ErrorKind_ERROR_KIND_INVALID_RESPONSE || e.GetDetail().GetCode() != v1.ErrorCode_ERROR_CODE_INTEGRITY_MISMATCH {
		t.Fatalf("currency mismatch = %v", res.Response)
	}
	res = parse(t, v1.Flow_FLOW_AUTHORIZE, req, 201, fmt.Sprintf(payment, "USD", "Teleported"))
	if s := res.Response.(*v1.PaymentServiceAuthorizeResponse).GetStatus(); s != v1.PaymentStatus_PAYMENT_STATUS_UNKNOWN {
		t.Fatalf("unknown status = %v", s)
	}
	res = parse(t, v1.Flow_FLOW_AUTHORIZE, req, 201, `{"id":"pay_mbabizu24mvu3mela5njyhpit4","amount":1000,"currency":"USD","approved":false,"status":"Authorized","response_code":"20005","response_summary":"Declined - Do Not Honour"}`)
	out := res.Response.(*v1.PaymentServiceAuthorizeResponse)
	if out.GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZATION_FAILED || out.GetError().GetCode() != v1.ErrorCode_ERROR_CODE_DO_NOT_HONOR {
		t.Fatalf("approved=false = %v", out)
	}
}

// TestRefundGetRefusesAnActionOfAnotherType: the id names a capture, not a refund.
func TestRefundGetRefusesAnActionOfAnotherType(t *testing.T) {
	req := &v1.RefundServiceGetRequest{ConnectorRefundId: "act_gefycn3jcvuupboxfmqrhk2aym", ConnectorTransactionId: "pay_mbabizu24mvu3mela5njyhpit4"}
	res := parse(t, v1.Flow_FLOW_REFUND_GET, req, 200, `[{"id":"act_gefycn3jcvuupboxfmqrhk2aym","type":"Capture","amount":6540,"approved":true,"response_code":"10000"}]`)
	if e := res.GetParseError(); e == nil || e.GetDetail().GetCode() != v1.ErrorCode_ERROR_CODE_INTEGRITY_MISMATCH {
		t.Fatalf("capture read as a refund: %v", res.Response)
	}
}
