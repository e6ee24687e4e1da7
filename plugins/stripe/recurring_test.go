//go:build !wasip1

package stripe

import (
	"strings"
	"testing"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"google.golang.org/protobuf/proto"
)

func setupReq() *v1.PaymentServiceSetupRecurringRequest {
	return &v1.PaymentServiceSetupRecurringRequest{
		MerchantSetupId: "setup_1",
		PaymentMethod:   cardMethod(),
		Customer:        &v1.Customer{Id: "m_cust", ConnectorCustomerId: "cus_NffrFeUfNV2Hib"},
		Amount:          &v1.Money{Currency: "USD"},
	}
}

type setupResp = *v1.PaymentServiceSetupRecurringResponse

func TestSetupRecurringVerifyOnly(t *testing.T) {
	req := setupReq()
	req.ReturnUrl = testReturn
	resp, http := ok[setupResp](t, call{flow: v1.Flow_FLOW_SETUP_RECURRING, req: req, status: 200, body: setupIntentBody(nil)})
	wantRequest(t, http, "POST", "/v1/setup_intents", "setup:setup_1")
	wantForm(t, http, map[string]string{
		"confirm": "true", "usage": "off_session", "customer": "cus_NffrFeUfNV2Hib",
		"payment_method_data[type]": "card", "payment_method_data[card][number]": testCard,
		"payment_method_types[]": "card", "return_url": testReturn, "metadata[merchant_setup_id]": "setup_1",
		"amount": "-", "mandate_data[customer_acceptance][type]": "-",
	})
	want := &v1.PaymentServiceSetupRecurringResponse{
		ConnectorHttpStatus: 200, // filled by the host's executor
		ConnectorSetupId:    "seti_1Mm8s8LkdIwHu7ix0OXBfTRG",
		Mandate: &v1.MandateReference{ConnectorMandateId: "pm_1Mm8s8LkdIwHu7ixgIlWBDh1", ConnectorCustomerId: "cus_NffrFeUfNV2Hib",
			Status: v1.MandateStatus_MANDATE_STATUS_ACTIVE},
		Status:          v1.MandateStatus_MANDATE_STATUS_ACTIVE,
		State:           &v1.ConnectorState{ConnectorCustomerId: "cus_NffrFeUfNV2Hib"},
		MerchantSetupId: "setup_1",
	}
	if !proto.Equal(resp, want) {
		t.Errorf("response =\n%v\nwant\n%v", resp, want)
	}
}

func TestSetupRecurringStatuses(t *testing.T) {
	for _, tc := range []struct {
		name   string
		over   obj
		want   v1.MandateStatus
		action bool
		code   v1.ErrorCode
	}{
		{"requires_action", obj{"status": "requires_action", "next_action": obj{"type": "redirect_to_url", "redirect_to_url": obj{"url": "https://hooks.stripe.com/x", "return_url": testReturn}}},
			v1.MandateStatus_MANDATE_STATUS_ACTION_REQUIRED, true, 0},
		{"processing", obj{"status": "processing"}, v1.MandateStatus_MANDATE_STATUS_PENDING, false, 0},
		{"setup failed", obj{"status": "requires_payment_method", "payment_method": nil, "last_setup_error": obj{"type": "card_error", "code": "card_declined", "decline_code": "do_not_honor", "message": "Your card was declined."}},
			v1.MandateStatus_MANDATE_STATUS_FAILED, false, v1.ErrorCode_ERROR_CODE_DO_NOT_HONOR},
		{"canceled", obj{"status": "canceled"}, v1.MandateStatus_MANDATE_STATUS_FAILED, false, 0},
		{"unknown", obj{"status": "requires_reconfirmation"}, v1.MandateStatus_MANDATE_STATUS_UNKNOWN, false, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, _ := ok[setupResp](t, call{flow: v1.Flow_FLOW_SETUP_RECURRING, req: setupReq(), status: 200, body: setupIntentBody(tc.over)})
			if resp.GetStatus() != tc.want || (resp.GetNextAction() != nil) != tc.action || resp.GetError().GetCode() != tc.code {
				t.Errorf("got %v", resp)
			}
		})
	}
}

func TestSetupRecurringDecline(t *testing.T) {
	resp, _ := ok[setupResp](t, call{flow: v1.Flow_FLOW_SETUP_RECURRING, req: setupReq(), status: 402, body: errorBody(obj{
		"type": "card_error", "code": "card_declined", "decline_code": "generic_decline", "message": "Your card was declined.",
		"setup_intent": obj{"id": "seti_declined", "object": "setup_intent", "status": "requires_payment_method"},
	})})
	if resp.GetStatus() != v1.MandateStatus_MANDATE_STATUS_FAILED || resp.GetConnectorSetupId() != "seti_declined" ||
		resp.GetError().GetCode() != v1.ErrorCode_ERROR_CODE_CARD_DECLINED || resp.GetMandate() != nil {
		t.Errorf("got %v", resp)
	}
}

func TestSetupRecurringWithFirstCharge(t *testing.T) {
	req := setupReq()
	req.Amount = usd(1999)
	resp, http := ok[setupResp](t, call{flow: v1.Flow_FLOW_SETUP_RECURRING, req: req, status: 200,
		body: piBody(obj{"amount": 1999, "amount_received": 1999, "customer": "cus_NffrFeUfNV2Hib", "setup_future_usage": "off_session",
			"latest_charge": charge(obj{"amount": 1999}), "metadata": obj{"merchant_setup_id": "setup_1"}})})
	wantRequest(t, http, "POST", "/v1/payment_intents", "setup:setup_1")
	wantForm(t, http, map[string]string{"amount": "1999", "setup_future_usage": "off_session", "customer": "cus_NffrFeUfNV2Hib",
		"metadata[merchant_setup_id]": "setup_1", "metadata[merchant_transaction_id]": "-"})
	if resp.GetPaymentStatus() != v1.PaymentStatus_PAYMENT_STATUS_CHARGED || resp.GetStatus() != v1.MandateStatus_MANDATE_STATUS_ACTIVE ||
		resp.GetMandate().GetConnectorMandateId() != "pm_1MtwBwLkdIwHu7ixp7Wbsx0O" || resp.GetMandate().GetNetworkTransactionId() != "483297487231504" ||
		resp.GetConnectorSetupId() != testPI {
		t.Errorf("got %v", resp)
	}
}

func TestSetupRecurringUnsupportedMethod(t *testing.T) {
	req := setupReq()
	req.PaymentMethod = voucher(v1.VoucherKind_VOUCHER_KIND_OXXO, "")
	req.BillingAddress = &v1.Address{FirstName: "Jo", Email: "jo@example.com"}
	wantKind(t, buildErr(t, v1.Flow_FLOW_SETUP_RECURRING, req), pluginv1.ErrorKind_ERROR_KIND_UNSUPPORTED)
}

func chargeReq() *v1.RecurringPaymentServiceChargeRequest {
	return &v1.RecurringPaymentServiceChargeRequest{
		MerchantTransactionId: "sub_2026_01",
		Amount:                usd(1999),
		Mandate:               &v1.MandateReference{ConnectorMandateId: "pm_1Mm8s8LkdIwHu7ixgIlWBDh1", ConnectorCustomerId: "cus_NffrFeUfNV2Hib"},
		Description:           "January",
		StatementDescriptor:   "SUB JAN",
	}
}

func TestRecurringCharge(t *testing.T) {
	resp, http := ok[*v1.RecurringPaymentServiceChargeResponse](t, call{flow: v1.Flow_FLOW_RECURRING_CHARGE, req: chargeReq(), status: 200,
		body: piBody(obj{"amount": 1999, "amount_received": 1999, "customer": "cus_NffrFeUfNV2Hib", "payment_method": "pm_1Mm8s8LkdIwHu7ixgIlWBDh1",
			"latest_charge": charge(obj{"amount": 1999}), "metadata": obj{"merchant_transaction_id": "sub_2026_01"}})})
	wantRequest(t, http, "POST", "/v1/payment_intents", "sub_2026_01")
	wantForm(t, http, map[string]string{
		"amount": "1999", "currency": "usd", "confirm": "true", "off_session": "true",
		"payment_method": "pm_1Mm8s8LkdIwHu7ixgIlWBDh1", "customer": "cus_NffrFeUfNV2Hib",
		"automatic_payment_methods[enabled]": "true", "automatic_payment_methods[allow_redirects]": "never",
		"description": "January", "statement_descriptor_suffix": "SUB JAN", "metadata[merchant_transaction_id]": "sub_2026_01",
		"payment_method_data[type]": "-", "return_url": "-",
	})
	if resp.GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_CHARGED || resp.GetConnectorTransactionId() != testPI ||
		resp.GetMerchantTransactionId() != "sub_2026_01" || resp.GetNetworkTransactionId() != "483297487231504" ||
		resp.GetMandate().GetConnectorMandateId() != "pm_1Mm8s8LkdIwHu7ixgIlWBDh1" || !proto.Equal(resp.GetAmount(), usd(1999)) {
		t.Errorf("got %v", resp)
	}
}

func TestRecurringChargeAuthenticationRequired(t *testing.T) {
	resp, _ := ok[*v1.RecurringPaymentServiceChargeResponse](t, call{flow: v1.Flow_FLOW_RECURRING_CHARGE, req: chargeReq(), status: 402, body: errorBody(obj{
		"type": "card_error", "code": "authentication_required", "decline_code": "authentication_required",
		"message":        "Your card was declined. This transaction requires authentication.",
		"payment_intent": obj{"id": "pi_offsession", "object": "payment_intent", "amount": 1999, "currency": "usd", "status": "requires_payment_method"},
	})})
	if resp.GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZATION_FAILED || resp.GetConnectorTransactionId() != "pi_offsession" ||
		resp.GetError().GetCode() != v1.ErrorCode_ERROR_CODE_AUTHENTICATION_REQUIRED {
		t.Errorf("got %v", resp)
	}
	req := chargeReq()
	req.Mandate = &v1.MandateReference{}
	e := buildErr(t, v1.Flow_FLOW_RECURRING_CHARGE, req)
	if !strings.HasPrefix(e.GetMessage(), "mandate.connector_mandate_id:") {
		t.Errorf("error = %v", e)
	}
}

func TestRecurringRevoke(t *testing.T) {
	req := &v1.RecurringPaymentServiceRevokeRequest{Mandate: &v1.MandateReference{ConnectorMandateId: "pm_1Mm8s8LkdIwHu7ixgIlWBDh1"}, MerchantRevokeId: "revoke_1"}
	resp, http := ok[*v1.RecurringPaymentServiceRevokeResponse](t, call{flow: v1.Flow_FLOW_RECURRING_REVOKE, req: req, status: 200,
		body: `{"id":"pm_1Mm8s8LkdIwHu7ixgIlWBDh1","object":"payment_method","type":"card","customer":null,"card":{"brand":"visa","last4":"4242","exp_month":8,"exp_year":2030}}`})
	wantRequest(t, http, "POST", "/v1/payment_methods/pm_1Mm8s8LkdIwHu7ixgIlWBDh1/detach", "revoke:revoke_1")
	if resp.GetStatus() != v1.MandateStatus_MANDATE_STATUS_REVOKED || resp.GetConnectorMandateId() != "pm_1Mm8s8LkdIwHu7ixgIlWBDh1" {
		t.Errorf("got %v", resp)
	}
	e := parseErr(t, call{flow: v1.Flow_FLOW_RECURRING_REVOKE, req: req, status: 400,
		body: errorBody(obj{"type": "invalid_request_error", "message": "The payment method you provided is not attached to a customer so detachment is impossible."})})
	wantKind(t, e, pluginv1.ErrorKind_ERROR_KIND_PROCESSOR_REJECTED)
}
