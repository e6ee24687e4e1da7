package pdk

import (
	"strings"
	"testing"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
)

// A plugin that copies secrets into what it returns has them masked by the
// PDK before they leave the module.
func TestParsedResponsesAndErrorsAreRedacted(t *testing.T) {
	const key, account, pan, iban = "sk_live_0123456789abcdef", "AcmeMerchantECOM", "4111111111111111", "DE89370400440532013000"
	leak := func(_ *Context, req *v1.PaymentServiceAuthorizeRequest, res *Response) (*v1.PaymentServiceAuthorizeResponse, error) {
		text := key + " " + account + " " + req.GetPaymentMethod().GetCard().GetNumber() + " " + req.GetPaymentMethod().GetBankDebit().GetIban()
		if res.Status != 200 {
			return nil, InvalidResponse("processor said: %s", text)
		}
		return &v1.PaymentServiceAuthorizeResponse{ConnectorTransactionId: text}, nil
	}
	build := func(c *Context, _ *v1.PaymentServiceAuthorizeRequest) (*pluginv1.HttpRequest, error) {
		return NewRequest("POST", c.URL("/pay")).SecretHeader("Authorization", "Bearer "+c.Credentials["api_key"]).Build(), nil
	}
	d := NewDispatcher(&Connector{
		Manifest: &v1.Manifest{CredentialFields: []*v1.CredentialField{{Name: "api_key", Secret: true}, {Name: "merchant_account"}}},
		Flows:    []Flow{Authorize(H(build, leak))},
	})
	cc := &pluginv1.CallContext{Credentials: map[string]string{"api_key": key, "merchant_account": account}, BaseUrl: "https://p.test"}
	for _, pm := range []*v1.PaymentMethod{
		{Method: &v1.PaymentMethod_Card{Card: &v1.Card{Number: pan}}},
		{Method: &v1.PaymentMethod_BankDebit{BankDebit: &v1.BankDebit{Iban: iban}}},
	} {
		req, _ := (&v1.PaymentServiceAuthorizeRequest{PaymentMethod: pm}).MarshalVT()

		// The request the plugin builds still carries the key: it goes to the processor.
		bin, _ := (&pluginv1.BuildRequestInput{Flow: v1.Flow_FLOW_AUTHORIZE, Request: req, Context: cc}).MarshalVT()
		bout := &pluginv1.BuildRequestOutput{}
		if err := bout.UnmarshalVT(d.BuildRequest(bin)); err != nil || !strings.Contains(bout.String(), key) {
			t.Fatalf("build output lost the key: %v %v", bout, err)
		}

		for _, status := range []int32{200, 500} {
			in, _ := (&pluginv1.ParseResponseInput{Flow: v1.Flow_FLOW_AUTHORIZE, Request: req, Context: cc, HttpResponse: &pluginv1.HttpResponse{Status: status}}).MarshalVT()
			out := &pluginv1.ParseResponseOutput{}
			if err := out.UnmarshalVT(d.ParseResponse(in)); err != nil {
				t.Fatal(err)
			}
			text := out.GetError().GetMessage()
			if status == 200 {
				resp := &v1.PaymentServiceAuthorizeResponse{}
				if err := resp.UnmarshalVT(out.GetResponse()); err != nil {
					t.Fatalf("redacted response does not decode: %v", err)
				}
				text = resp.GetConnectorTransactionId()
			}
			for _, secret := range []string{key, pan, iban} {
				if strings.Contains(text, secret) {
					t.Errorf("status %d: %q carries a secret", status, text)
				}
			}
			if !strings.Contains(text, strings.Repeat("*", len(key))) || !strings.Contains(text, account) {
				t.Errorf("status %d: %q: want the key masked and the non-secret account kept", status, text)
			}
			if pm.GetCard() != nil && !strings.Contains(text, "411111******1111") {
				t.Errorf("status %d: %q: want the card number masked to its BIN and last four", status, text)
			}
			if pm.GetBankDebit() != nil && !strings.Contains(text, "DE89**************3000") {
				t.Errorf("status %d: %q: want the IBAN masked to its first and last four", status, text)
			}
		}
	}
}

// The payout flows' bank account numbers (a recipient's, or the account a
// recipient is created with) are masked like a card number.
func TestPayoutBankAccountNumbersAreRedacted(t *testing.T) {
	const iban, number = "GB29NWBK60161331926819", "31926819001"
	bank := &v1.PayoutBankAccount{Iban: iban, AccountNumber: number}
	echo := func(_ *Context, req *v1.PayoutServiceCreateRecipientRequest, _ *Response) (*v1.PayoutServiceCreateRecipientResponse, error) {
		a := req.GetBankAccount()
		return &v1.PayoutServiceCreateRecipientResponse{ConnectorRecipientId: a.GetIban() + " " + a.GetAccountNumber()}, nil
	}
	build := func(c *Context, _ *v1.PayoutServiceCreateRecipientRequest) (*pluginv1.HttpRequest, error) {
		return NewRequest("POST", c.URL("/recipients")).Build(), nil
	}
	d := NewDispatcher(&Connector{Manifest: &v1.Manifest{}, Flows: []Flow{PayoutCreateRecipient(H(build, echo))}})
	req, _ := (&v1.PayoutServiceCreateRecipientRequest{Destination: &v1.PayoutServiceCreateRecipientRequest_BankAccount{BankAccount: bank}}).MarshalVT()
	in, _ := (&pluginv1.ParseResponseInput{Flow: v1.Flow_FLOW_PAYOUT_CREATE_RECIPIENT, Request: req, Context: &pluginv1.CallContext{BaseUrl: "https://p.test"}, HttpResponse: &pluginv1.HttpResponse{Status: 200}}).MarshalVT()
	out := &pluginv1.ParseResponseOutput{}
	if err := out.UnmarshalVT(d.ParseResponse(in)); err != nil {
		t.Fatal(err)
	}
	resp := &v1.PayoutServiceCreateRecipientResponse{}
	if err := resp.UnmarshalVT(out.GetResponse()); err != nil {
		t.Fatalf("redacted response does not decode: %v (output %v)", err, out)
	}
	if got, want := resp.GetConnectorRecipientId(), "GB29**************6819 3192***9001"; got != want {
		t.Errorf("response = %q, want %q", got, want)
	}
}
