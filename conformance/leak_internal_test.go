package conformance

import (
	"context"
	"strings"
	"testing"

	"github.com/connectorhost/connector-host/abi"
	"github.com/connectorhost/connector-host/conformance/testdata/testconn"
	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk"
)

// cardEchoer stands for a plugin built without this repository's PDK (which
// masks card numbers itself): it copies the request's card number into the
// message of every declined authorization it parses.
type cardEchoer struct{ abi.Transformer }

func (e cardEchoer) ParseResponse(ctx context.Context, in *pluginv1.ParseResponseInput) (*pluginv1.ParseResponseOutput, error) {
	out, err := e.Transformer.ParseResponse(ctx, in)
	if err != nil || in.GetFlow() != v1.Flow_FLOW_AUTHORIZE || out.GetResponse() == nil {
		return out, err
	}
	req, resp := &v1.PaymentServiceAuthorizeRequest{}, &v1.PaymentServiceAuthorizeResponse{}
	if req.UnmarshalVT(in.GetRequest()) != nil || resp.UnmarshalVT(out.GetResponse()) != nil || resp.GetError() == nil {
		return out, nil
	}
	resp.Error.Message += " (card " + req.GetPaymentMethod().GetCard().GetNumber() + ")"
	b, err := resp.MarshalVT()
	if err != nil {
		return nil, err
	}
	return &pluginv1.ParseResponseOutput{Result: &pluginv1.ParseResponseOutput_Response{Response: b}}, nil
}

// The response.secrets check catches a card number in an error message.
func TestCardNumberInAnErrorFailsResponseSecrets(t *testing.T) {
	newConn := func() *pdk.Connector { return testconn.New("testpay", testconn.Defects{}) }
	tr, m, err := NativeTransformer(newConn())
	if err != nil {
		t.Fatal(err)
	}
	fresh := func(context.Context) (abi.Transformer, func(), error) {
		t, _, err := NativeTransformer(newConn())
		return cardEchoer{t}, func() {}, err
	}
	opts := Options{FixturesDir: "testdata/testconn/fixtures"}.withDefaults()
	r, err := runSuite(context.Background(), m, cardEchoer{tr}, fresh, &Report{Plugin: m.GetName()}, opts, true)
	if err != nil {
		t.Fatal(err)
	}
	var failed []string
	for _, c := range r.Checks {
		if !c.Passed && !c.Skipped {
			failed = append(failed, c.ID)
			if c.ID == "response.secrets" {
				text := c.Message + "\n" + strings.Join(c.Details, "\n")
				for _, want := range []string{"authorize_card_declined.json", "contains the card number"} {
					if !strings.Contains(text, want) {
						t.Errorf("response.secrets says %q; want it to mention %q", text, want)
					}
				}
			}
		}
	}
	if len(failed) != 1 || failed[0] != "response.secrets" {
		t.Fatalf("failed checks = %v, want exactly response.secrets", failed)
	}
}
