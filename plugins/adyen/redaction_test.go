//go:build !wasip1

package adyen

import (
	"bytes"
	"strings"
	"testing"

	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk/pdktest"
)

// TestSecretsNeverComeBack: Adyen's connector has no redaction of its own;
// the PDK masks, in every parsed response, the secret credentials and the
// request's card number. An answer that echoes them (a misbehaving proxy, a
// test double) must not carry them to the caller. (A CVC is too short to
// search for in the encoding; Adyen never answers with it.)
func TestSecretsNeverComeBack(t *testing.T) {
	req := authorizeReq()
	card := req.GetPaymentMethod().GetCard()
	answer := mustJSON(t, map[string]any{
		"pspReference": card.GetNumber(), "merchantReference": req.GetMerchantTransactionId(), "resultCode": "Refused",
		"refusalReason": testHMACHex, "refusalReasonCode": "2",
		"additionalData": map[string]any{"networkTxReference": testAPIKey, "refusalReasonRaw": card.GetNumber()},
	})
	res := run(t, pdktest.Call{Flow: v1.Flow_FLOW_AUTHORIZE, Request: req, Body: answer})
	if res.Response == nil {
		t.Fatalf("no response: %v", res.ParseError)
	}
	out, err := res.Response.MarshalVT()
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{card.GetNumber(), testAPIKey, testHMACHex} {
		if bytes.Contains(out, []byte(secret)) {
			t.Errorf("the response carries %q: %v", secret, res.Response)
		}
	}
	// The refusal is still a refusal, and the masked card keeps its BIN and last four.
	if r := res.Response.(*v1.PaymentServiceAuthorizeResponse); r.GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZATION_FAILED ||
		r.GetError() == nil || r.GetConnectorTransactionId() != "411111******1111" {
		t.Errorf("response = %v", r)
	}
	// An error answer quoting the API key is masked too.
	res = run(t, pdktest.Call{Flow: v1.Flow_FLOW_AUTHORIZE, Request: req, Status: 401,
		Body: mustJSON(t, map[string]any{"status": 401, "errorCode": "000", "message": "bad key " + testAPIKey, "errorType": "security"})})
	if res.ParseError == nil || strings.Contains(res.ParseError.String(), testAPIKey) {
		t.Errorf("error = %v", res.ParseError)
	}
}
