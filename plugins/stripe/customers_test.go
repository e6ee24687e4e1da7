//go:build !wasip1

package stripe

import (
	"strings"
	"testing"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk/pdktest"
)

func TestCreateCustomer(t *testing.T) {
	req := &v1.CustomerServiceCreateRequest{
		Customer: &v1.Customer{Id: "m_cust_1", Name: "Jo Doe", Email: "jo@example.com", Phone: "+15555550100", Description: "VIP"},
		Address:  &v1.Address{Line1: "1 Main St", City: "Springfield", PostalCode: "12345", Country: "us"},
		Metadata: map[string]string{"tier": "gold"},
	}
	resp, http := ok[*v1.CustomerServiceCreateResponse](t, call{flow: v1.Flow_FLOW_CREATE_CUSTOMER, req: req, status: 200,
		body: `{"id":"cus_NffrFeUfNV2Hib","object":"customer","email":"jo@example.com","name":"Jo Doe","livemode":false,"metadata":{}}`})
	wantRequest(t, http, "POST", "/v1/customers", "customer:m_cust_1")
	wantForm(t, http, map[string]string{"name": "Jo Doe", "email": "jo@example.com", "phone": "+15555550100", "description": "VIP",
		"address[line1]": "1 Main St", "address[country]": "US", "metadata[merchant_customer_id]": "m_cust_1", "metadata[tier]": "gold"})
	if resp.GetConnectorCustomerId() != "cus_NffrFeUfNV2Hib" || resp.GetState().GetConnectorCustomerId() != "cus_NffrFeUfNV2Hib" {
		t.Errorf("got %v", resp)
	}
	// merchant_request_id wins; with no id at all the key comes from the host's random bytes.
	req.MerchantRequestId = "req_77"
	wantRequest(t, build(t, v1.Flow_FLOW_CREATE_CUSTOMER, req), "POST", "/v1/customers", "customer:req_77")
	req.MerchantRequestId, req.Customer.Id = "", ""
	key := pdktest.HeaderValue(build(t, v1.Flow_FLOW_CREATE_CUSTOMER, req), idempotencyHeader)
	if !strings.HasPrefix(key, "customer:rnd_000102030405") {
		t.Errorf("random key = %q", key)
	}
}

func TestTokenize(t *testing.T) {
	req := &v1.PaymentMethodServiceTokenizeRequest{PaymentMethod: cardMethod(), MerchantRequestId: "tok_req_1",
		BillingAddress: &v1.Address{PostalCode: "12345", Country: "US"}}
	resp, http := ok[*v1.PaymentMethodServiceTokenizeResponse](t, call{flow: v1.Flow_FLOW_TOKENIZE, req: req, status: 200,
		body: `{"id":"pm_1Q0PsIJvEtkwdCNYMSaVuRz6","object":"payment_method","type":"card","billing_details":{"name":"Jo Doe"},
		"card":{"brand":"mastercard","last4":"5556","exp_month":3,"exp_year":2030,"funding":"credit","country":"US"},"customer":null}`})
	wantRequest(t, http, "POST", "/v1/payment_methods", "tokenize:tok_req_1")
	wantForm(t, http, map[string]string{"type": "card", "card[number]": testCard, "card[exp_month]": "3", "card[exp_year]": "2030", "card[cvc]": testCVC,
		"billing_details[name]": "Jo Doe", "billing_details[address][postal_code]": "12345"})
	if resp.GetPaymentMethodToken() != "pm_1Q0PsIJvEtkwdCNYMSaVuRz6" || resp.GetCardLast4() != "5556" || resp.GetCardNetwork() != v1.CardNetwork_CARD_NETWORK_MASTERCARD ||
		resp.GetCardExpMonth() != 3 || resp.GetCardExpYear() != 2030 {
		t.Errorf("got %v", resp)
	}
	// A card Stripe refuses at creation is an error response.
	resp, _ = ok[*v1.PaymentMethodServiceTokenizeResponse](t, call{flow: v1.Flow_FLOW_TOKENIZE, req: req, status: 402,
		body: errorBody(obj{"type": "card_error", "code": "incorrect_number", "param": "card[number]", "message": "Your card number is incorrect."})})
	if resp.GetPaymentMethodToken() != "" || resp.GetError().GetCode() != v1.ErrorCode_ERROR_CODE_INCORRECT_NUMBER {
		t.Errorf("declined: %v", resp)
	}
	wantKind(t, buildErr(t, v1.Flow_FLOW_TOKENIZE, &v1.PaymentMethodServiceTokenizeRequest{PaymentMethod: tokenMethod("pm_x")}), pluginv1.ErrorKind_ERROR_KIND_UNSUPPORTED)
}
