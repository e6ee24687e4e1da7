//go:build !wasip1

package stripe

import (
	"testing"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"google.golang.org/protobuf/proto"
)

func TestGet(t *testing.T) {
	req := &v1.PaymentServiceGetRequest{ConnectorTransactionId: testPI, Amount: usd(1000)}
	resp, http := ok[*v1.PaymentServiceGetResponse](t, call{flow: v1.Flow_FLOW_GET, req: req, status: 200,
		body: piBody(obj{"customer": "cus_1", "latest_charge": charge(obj{"amount_refunded": 300})})})
	wantRequest(t, http, "GET", "/v1/payment_intents/"+testPI, "")
	if http.GetUrl() != testBaseURL+"/v1/payment_intents/"+testPI+"?expand%5B%5D=latest_charge" || len(http.GetBody()) != 0 {
		t.Errorf("url = %s body = %q", http.GetUrl(), http.GetBody())
	}
	want := &v1.PaymentServiceGetResponse{
		ConnectorHttpStatus:    200, // filled by the host's executor
		ConnectorTransactionId: testPI, Status: v1.PaymentStatus_PAYMENT_STATUS_CHARGED,
		Amount: usd(1000), CapturedAmount: usd(1000), RefundedAmount: usd(300),
		State: &v1.ConnectorState{ConnectorCustomerId: "cus_1"}, MerchantTransactionId: "order_1",
		NetworkTransactionId: "483297487231504", ConnectorReferenceId: "ch_3MtwBwLkdIwHu7ix28a3tqPa",
	}
	if !proto.Equal(resp, want) {
		t.Errorf("response =\n%v\nwant\n%v", resp, want)
	}
	// The expected amount is checked.
	integrityErr(t, call{flow: v1.Flow_FLOW_GET, req: &v1.PaymentServiceGetRequest{ConnectorTransactionId: testPI, Amount: usd(999)}, status: 200, body: piBody(nil)})
	e := parseErr(t, call{flow: v1.Flow_FLOW_GET, req: &v1.PaymentServiceGetRequest{ConnectorTransactionId: "pi_missing"}, status: 404,
		body: errorBody(obj{"type": "invalid_request_error", "code": "resource_missing", "param": "intent", "message": "No such payment_intent: 'pi_missing'"})})
	wantKind(t, e, pluginv1.ErrorKind_ERROR_KIND_NOT_FOUND)
}

func TestGetUnexpandedCharge(t *testing.T) {
	resp, _ := ok[*v1.PaymentServiceGetResponse](t, call{flow: v1.Flow_FLOW_GET, req: &v1.PaymentServiceGetRequest{ConnectorTransactionId: testPI}, status: 200,
		body: piBody(obj{"latest_charge": "ch_plain"})})
	if resp.GetConnectorReferenceId() != "ch_plain" || resp.GetRefundedAmount() != nil || resp.GetNetworkTransactionId() != "" {
		t.Errorf("got %v", resp)
	}
}

func TestVerifyRedirect(t *testing.T) {
	params := map[string]string{"payment_intent": testPI, "payment_intent_client_secret": "pi_secret_x", "redirect_status": "succeeded"}
	req := &v1.PaymentServiceVerifyRedirectResponseRequest{Params: params, MerchantTransactionId: "order_1"}
	resp, http := ok[*v1.PaymentServiceVerifyRedirectResponseResponse](t, call{flow: v1.Flow_FLOW_VERIFY_REDIRECT_RESPONSE, req: req, status: 200,
		body: piBody(obj{"status": "requires_capture", "capture_method": "manual", "amount_capturable": 1000, "amount_received": 0})})
	wantRequest(t, http, "GET", "/v1/payment_intents/"+testPI, "")
	// The outcome comes from Stripe, not from redirect_status.
	if resp.GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZED || resp.GetConnectorTransactionId() != testPI || resp.GetMerchantTransactionId() != "order_1" {
		t.Errorf("got %v", resp)
	}
	for _, bad := range []*v1.PaymentServiceVerifyRedirectResponseRequest{
		{},
		{ConnectorTransactionId: "pi_other", Params: params},
	} {
		wantKind(t, buildErr(t, v1.Flow_FLOW_VERIFY_REDIRECT_RESPONSE, bad), pluginv1.ErrorKind_ERROR_KIND_INVALID_REQUEST)
	}
	http = build(t, v1.Flow_FLOW_VERIFY_REDIRECT_RESPONSE, &v1.PaymentServiceVerifyRedirectResponseRequest{ConnectorTransactionId: "pi_direct"})
	wantRequest(t, http, "GET", "/v1/payment_intents/pi_direct", "")
}

// TestSyncAnswerAboutAnotherOrder: a PaymentIntent whose metadata names
// another merchant_transaction_id than the request's belongs to another
// order (a shopper can put any payment_intent in the return URL): Get and
// VerifyRedirectResponse report its own merchant id, so the host's
// integrity check refuses it instead of answering it as this order's.
func TestSyncAnswerAboutAnotherOrder(t *testing.T) {
	params := map[string]string{"payment_intent": testPI, "redirect_status": "succeeded"}
	integrityErr(t, call{flow: v1.Flow_FLOW_VERIFY_REDIRECT_RESPONSE, status: 200, body: piBody(nil),
		req: &v1.PaymentServiceVerifyRedirectResponseRequest{Params: params, MerchantTransactionId: "order_other"}})
	integrityErr(t, call{flow: v1.Flow_FLOW_GET, status: 200, body: piBody(nil),
		req: &v1.PaymentServiceGetRequest{ConnectorTransactionId: testPI, MerchantTransactionId: "order_other"}})
	// Without the metadata, the request's id stands (the host echoes it).
	resp, _ := ok[*v1.PaymentServiceVerifyRedirectResponseResponse](t, call{flow: v1.Flow_FLOW_VERIFY_REDIRECT_RESPONSE, status: 200,
		body: piBody(obj{"metadata": obj{}}), req: &v1.PaymentServiceVerifyRedirectResponseRequest{Params: params, MerchantTransactionId: "order_other"}})
	if resp.GetMerchantTransactionId() != "order_other" {
		t.Errorf("merchant_transaction_id = %q", resp.GetMerchantTransactionId())
	}
}

// TestVerifyRedirectPartialAuthorization: after a redirect, a partially
// authorized PaymentIntent answers the authorized amount (amount_capturable),
// as Authorize does.
func TestVerifyRedirectPartialAuthorization(t *testing.T) {
	resp, _ := ok[*v1.PaymentServiceVerifyRedirectResponseResponse](t, call{flow: v1.Flow_FLOW_VERIFY_REDIRECT_RESPONSE, status: 200,
		req:  &v1.PaymentServiceVerifyRedirectResponseRequest{ConnectorTransactionId: testPI},
		body: piBody(obj{"status": "requires_capture", "capture_method": "manual", "amount_capturable": 700, "amount_received": 0})})
	if resp.GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_PARTIALLY_AUTHORIZED || resp.GetAmount().GetMinorAmount() != 700 {
		t.Errorf("status %v amount %v, want PARTIALLY_AUTHORIZED 700", resp.GetStatus(), resp.GetAmount())
	}
}

// TestVerifyRedirectSetupIntent: after SetupRecurring's redirect Stripe
// appends setup_intent (not payment_intent) to the return URL.
// VerifyRedirectResponse then reads the SetupIntent and answers its status
// and the mandate (the stored payment method) as SetupRecurring does, with
// the same id checks as a PaymentIntent's return.
func TestVerifyRedirectSetupIntent(t *testing.T) {
	const seti, pm = "seti_1Mm8s8LkdIwHu7ix0OXBfTRG", "pm_1Mm8s8LkdIwHu7ixgIlWBDh1"
	params := map[string]string{"setup_intent": seti, "setup_intent_client_secret": seti + "_secret_x", "redirect_status": "succeeded"}
	resp, http := ok[*v1.PaymentServiceVerifyRedirectResponseResponse](t, call{flow: v1.Flow_FLOW_VERIFY_REDIRECT_RESPONSE, status: 200,
		req:  &v1.PaymentServiceVerifyRedirectResponseRequest{Params: params, MerchantTransactionId: "setup_1"},
		body: setupIntentBody(nil)})
	wantRequest(t, http, "GET", "/v1/setup_intents/"+seti, "")
	want := &v1.PaymentServiceVerifyRedirectResponseResponse{
		ConnectorHttpStatus: 200, ConnectorTransactionId: seti, Status: v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZED,
		Mandate: &v1.MandateReference{ConnectorMandateId: pm, ConnectorCustomerId: "cus_NffrFeUfNV2Hib", Status: v1.MandateStatus_MANDATE_STATUS_ACTIVE},
		State:   &v1.ConnectorState{ConnectorCustomerId: "cus_NffrFeUfNV2Hib"}, MerchantTransactionId: "setup_1",
	}
	if !proto.Equal(resp, want) {
		t.Errorf("response =\n%v\nwant\n%v", resp, want)
	}

	// The outcome is Stripe's, whatever redirect_status says.
	for _, tc := range []struct {
		name    string
		over    obj
		status  v1.PaymentStatus
		mandate v1.MandateStatus
	}{
		{"authentication failed", obj{"status": "requires_payment_method", "payment_method": nil, "last_setup_error": obj{"type": "invalid_request_error",
			"code": "setup_intent_authentication_failure", "message": "We are unable to authenticate your payment method."}},
			v1.PaymentStatus_PAYMENT_STATUS_AUTHENTICATION_FAILED, v1.MandateStatus_MANDATE_STATUS_UNSPECIFIED},
		{"declined", obj{"status": "requires_payment_method", "payment_method": nil, "last_setup_error": obj{"type": "card_error",
			"code": "card_declined", "message": "Your card was declined."}},
			v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZATION_FAILED, v1.MandateStatus_MANDATE_STATUS_UNSPECIFIED},
		{"still requires action", obj{"status": "requires_action", "next_action": obj{"type": "redirect_to_url",
			"redirect_to_url": obj{"url": "https://hooks.stripe.com/3d_secure/x", "return_url": "https://merchant.example/back"}}},
			v1.PaymentStatus_PAYMENT_STATUS_AUTHENTICATION_PENDING, v1.MandateStatus_MANDATE_STATUS_ACTION_REQUIRED},
		{"processing", obj{"status": "processing"}, v1.PaymentStatus_PAYMENT_STATUS_PENDING, v1.MandateStatus_MANDATE_STATUS_PENDING},
		{"canceled", obj{"status": "canceled"}, v1.PaymentStatus_PAYMENT_STATUS_VOIDED, v1.MandateStatus_MANDATE_STATUS_FAILED},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, _ := ok[*v1.PaymentServiceVerifyRedirectResponseResponse](t, call{flow: v1.Flow_FLOW_VERIFY_REDIRECT_RESPONSE, status: 200,
				req: &v1.PaymentServiceVerifyRedirectResponseRequest{Params: params}, body: setupIntentBody(tc.over)})
			if resp.GetStatus() != tc.status || resp.GetMandate().GetStatus() != tc.mandate || resp.GetConnectorTransactionId() != seti {
				t.Errorf("got %v, want %v with mandate %v", resp, tc.status, tc.mandate)
			}
			if failed := tc.status == v1.PaymentStatus_PAYMENT_STATUS_AUTHENTICATION_FAILED || tc.status == v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZATION_FAILED; failed != (resp.GetError() != nil) {
				t.Errorf("error = %v", resp.GetError())
			}
			if tc.status == v1.PaymentStatus_PAYMENT_STATUS_AUTHENTICATION_PENDING && resp.GetNextAction().GetRedirect().GetUrl() != "https://hooks.stripe.com/3d_secure/x" {
				t.Errorf("next action = %v", resp.GetNextAction())
			}
		})
	}

	// connector_transaction_id naming the SetupIntent reads it too; one
	// naming another intent than the return URL's is refused.
	wantRequest(t, build(t, v1.Flow_FLOW_VERIFY_REDIRECT_RESPONSE, &v1.PaymentServiceVerifyRedirectResponseRequest{ConnectorTransactionId: seti}),
		"GET", "/v1/setup_intents/"+seti, "")
	wantRequest(t, build(t, v1.Flow_FLOW_VERIFY_REDIRECT_RESPONSE, &v1.PaymentServiceVerifyRedirectResponseRequest{ConnectorTransactionId: seti, Params: params}),
		"GET", "/v1/setup_intents/"+seti, "")
	for _, bad := range []*v1.PaymentServiceVerifyRedirectResponseRequest{
		{ConnectorTransactionId: "seti_other", Params: params},
		{ConnectorTransactionId: seti, Params: map[string]string{"payment_intent": testPI}},
	} {
		wantKind(t, buildErr(t, v1.Flow_FLOW_VERIFY_REDIRECT_RESPONSE, bad), pluginv1.ErrorKind_ERROR_KIND_INVALID_REQUEST)
	}
	// A PaymentIntent's return stays a PaymentIntent's, even with a stray setup_intent.
	wantRequest(t, build(t, v1.Flow_FLOW_VERIFY_REDIRECT_RESPONSE, &v1.PaymentServiceVerifyRedirectResponseRequest{ConnectorTransactionId: testPI, Params: params}),
		"GET", "/v1/payment_intents/"+testPI, "")
	// A SetupIntent made for another setup is refused by the host's integrity check.
	integrityErr(t, call{flow: v1.Flow_FLOW_VERIFY_REDIRECT_RESPONSE, status: 200, body: setupIntentBody(nil),
		req: &v1.PaymentServiceVerifyRedirectResponseRequest{Params: params, MerchantTransactionId: "setup_other"}})
	// An answer about another object is not read as the SetupIntent.
	wantKind(t, parseErr(t, call{flow: v1.Flow_FLOW_VERIFY_REDIRECT_RESPONSE, status: 200, body: piBody(nil),
		req: &v1.PaymentServiceVerifyRedirectResponseRequest{Params: params}}), pluginv1.ErrorKind_ERROR_KIND_INVALID_RESPONSE)
}
