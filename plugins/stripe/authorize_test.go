//go:build !wasip1

package stripe

import (
	"strings"
	"testing"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"google.golang.org/protobuf/proto"
)

type authResp = *v1.PaymentServiceAuthorizeResponse

func authorize(t *testing.T, req *v1.PaymentServiceAuthorizeRequest, status int, body string) (authResp, *pluginv1.HttpRequest) {
	t.Helper()
	return ok[authResp](t, call{flow: v1.Flow_FLOW_AUTHORIZE, req: req, status: status, body: body})
}

func TestAuthorizeCardAutomaticSucceeded(t *testing.T) {
	req := authorizeReq()
	req.Metadata = map[string]string{"z": "last", "a": "first", "m": "mid"}
	req.Description = "Order 1"
	req.StatementDescriptor = "ORDER 1"
	req.BillingAddress = &v1.Address{FirstName: "Jo", LastName: "Doe", Line1: "1 Main St", City: "Springfield", PostalCode: "12345", Country: "US", Email: "jo@example.com"}
	resp, http := authorize(t, req, 200, piBody(nil))

	wantRequest(t, http, "POST", "/v1/payment_intents", "order_1")
	wantForm(t, http, map[string]string{
		"amount": "1000", "currency": "usd", "confirm": "true", "capture_method": "automatic",
		"payment_method_data[type]":                                       "card",
		"payment_method_data[card][number]":                               testCard,
		"payment_method_data[card][exp_month]":                            "3",
		"payment_method_data[card][exp_year]":                             "2030",
		"payment_method_data[card][cvc]":                                  testCVC,
		"payment_method_data[billing_details][name]":                      "Jo Doe",
		"payment_method_data[billing_details][email]":                     "jo@example.com",
		"payment_method_data[billing_details][address][line1]":            "1 Main St",
		"payment_method_data[billing_details][address][country]":          "US",
		"payment_method_types[]":                                          "card",
		"metadata[merchant_transaction_id]":                               "order_1",
		"metadata[a]":                                                     "first",
		"description":                                                     "Order 1",
		"statement_descriptor_suffix":                                     "ORDER 1",
		"statement_descriptor":                                            "-",
		"expand[]":                                                        "latest_charge",
		"automatic_payment_methods[enabled]":                              "-",
		"off_session":                                                     "-",
		"setup_future_usage":                                              "-",
		"payment_method_options[card][request_three_d_secure]":            "-",
		"payment_method_options[card][request_incremental_authorization]": "-",
	})
	// Metadata keys are sorted: deterministic bodies.
	body := string(http.GetBody())
	if a, m, z := strings.Index(body, "metadata%5Ba%5D"), strings.Index(body, "metadata%5Bm%5D"), strings.Index(body, "metadata%5Bz%5D"); !(a < m && m < z) {
		t.Errorf("metadata not sorted: %s", body)
	}

	want := &v1.PaymentServiceAuthorizeResponse{
		ConnectorHttpStatus:    200, // filled by the host's executor
		ConnectorTransactionId: testPI,
		Status:                 v1.PaymentStatus_PAYMENT_STATUS_CHARGED,
		Amount:                 usd(1000),
		CapturedAmount:         usd(1000),
		MerchantTransactionId:  "order_1",
		NetworkTransactionId:   "483297487231504",
		ConnectorReferenceId:   "ch_3MtwBwLkdIwHu7ix28a3tqPa",
	}
	if !proto.Equal(resp, want) {
		t.Errorf("response =\n%v\nwant\n%v", resp, want)
	}
}

// TestAuthorizeIsDeterministic builds the same request twice (metadata is a
// Go map) and expects identical bytes.
func TestAuthorizeIsDeterministic(t *testing.T) {
	req := authorizeReq()
	req.Metadata = map[string]string{}
	for _, k := range strings.Fields("k1 k2 k3 k4 k5 k6 k7 k8 k9 k10 k11 k12") {
		req.Metadata[k] = "v-" + k
	}
	first := build(t, v1.Flow_FLOW_AUTHORIZE, req)
	for i := 0; i < 5; i++ {
		if again := build(t, v1.Flow_FLOW_AUTHORIZE, req); !proto.Equal(first, again) {
			t.Fatal("build is not deterministic")
		}
	}
}

func TestAuthorizeStatuses(t *testing.T) {
	redirect := obj{"type": "redirect_to_url", "redirect_to_url": obj{"url": "https://hooks.stripe.com/3d_secure_2/hosted?merchant=acct_1&payment_intent=pi_1", "return_url": testReturn}}
	for _, tc := range []struct {
		name       string
		over       obj
		want       v1.PaymentStatus
		wantErr    v1.ErrorCode
		wantAction bool
	}{
		{"succeeded", nil, v1.PaymentStatus_PAYMENT_STATUS_CHARGED, 0, false},
		{"requires_capture", obj{"status": "requires_capture", "capture_method": "manual", "amount_capturable": 1000, "amount_received": 0}, v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZED, 0, false},
		{"requires_capture partially captured", obj{"status": "requires_capture", "capture_method": "manual", "amount_capturable": 600, "amount_received": 400}, v1.PaymentStatus_PAYMENT_STATUS_PARTIALLY_CAPTURED, 0, false},
		{"requires_capture partially authorized", obj{"status": "requires_capture", "capture_method": "manual", "amount_capturable": 700, "amount_received": 0}, v1.PaymentStatus_PAYMENT_STATUS_PARTIALLY_AUTHORIZED, 0, false},
		{"succeeded after partial manual capture", obj{"capture_method": "manual", "amount_received": 600}, v1.PaymentStatus_PAYMENT_STATUS_PARTIALLY_CAPTURED, 0, false},
		{"requires_action 3ds", obj{"status": "requires_action", "amount_received": 0, "latest_charge": nil, "next_action": redirect}, v1.PaymentStatus_PAYMENT_STATUS_AUTHENTICATION_PENDING, 0, true},
		{"processing", obj{"status": "processing", "amount_received": 0}, v1.PaymentStatus_PAYMENT_STATUS_PENDING, 0, false},
		{"canceled", obj{"status": "canceled", "amount_received": 0, "cancellation_reason": "requested_by_customer"}, v1.PaymentStatus_PAYMENT_STATUS_VOIDED, 0, false},
		{"requires_confirmation", obj{"status": "requires_confirmation", "amount_received": 0}, v1.PaymentStatus_PAYMENT_STATUS_STARTED, 0, false},
		{"requires_payment_method fresh", obj{"status": "requires_payment_method", "amount_received": 0}, v1.PaymentStatus_PAYMENT_STATUS_STARTED, 0, false},
		{"requires_payment_method after decline", obj{"status": "requires_payment_method", "amount_received": 0, "last_payment_error": obj{
			"type": "card_error", "code": "card_declined", "decline_code": "insufficient_funds", "message": "Your card has insufficient funds."}},
			v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZATION_FAILED, v1.ErrorCode_ERROR_CODE_INSUFFICIENT_FUNDS, false},
		{"requires_payment_method after 3ds failure", obj{"status": "requires_payment_method", "amount_received": 0, "last_payment_error": obj{
			"type": "invalid_request_error", "code": "payment_intent_authentication_failure", "message": "We are unable to authenticate your payment method."}},
			v1.PaymentStatus_PAYMENT_STATUS_AUTHENTICATION_FAILED, v1.ErrorCode_ERROR_CODE_AUTHENTICATION_FAILED, false},
		{"unknown status", obj{"status": "requires_reauthorization"}, v1.PaymentStatus_PAYMENT_STATUS_UNKNOWN, 0, false},
		{"missing status", obj{"status": nil}, v1.PaymentStatus_PAYMENT_STATUS_UNKNOWN, 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, _ := authorize(t, authorizeReq(), 200, piBody(tc.over))
			if resp.GetStatus() != tc.want {
				t.Errorf("status = %v, want %v", resp.GetStatus(), tc.want)
			}
			if resp.GetError().GetCode() != tc.wantErr {
				t.Errorf("error = %v, want code %v", resp.GetError(), tc.wantErr)
			}
			if got := resp.GetNextAction() != nil; got != tc.wantAction {
				t.Errorf("next action = %v", resp.GetNextAction())
			}
			if resp.GetConnectorTransactionId() != testPI {
				t.Errorf("ids: %v", resp)
			}
		})
	}
}

func TestAuthorize3DSRedirect(t *testing.T) {
	req := authorizeReq()
	req.AuthenticationType = v1.AuthenticationType_AUTHENTICATION_TYPE_THREE_DS
	req.ReturnUrl = testReturn
	url := "https://hooks.stripe.com/3d_secure_2/hosted?merchant=acct_1&payment_intent=" + testPI
	resp, http := authorize(t, req, 200, piBody(obj{"status": "requires_action", "amount_received": 0, "latest_charge": nil,
		"next_action": obj{"type": "redirect_to_url", "redirect_to_url": obj{"url": url, "return_url": testReturn}}}))
	wantForm(t, http, map[string]string{
		"return_url": testReturn,
		"payment_method_options[card][request_three_d_secure]": "any",
	})
	if resp.GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_AUTHENTICATION_PENDING {
		t.Errorf("status = %v", resp.GetStatus())
	}
	r := resp.GetNextAction().GetRedirect()
	if r.GetUrl() != url || r.GetMethod() != "GET" {
		t.Errorf("redirect = %v", resp.GetNextAction())
	}
}

func TestAuthorizeNextActions(t *testing.T) {
	for _, tc := range []struct {
		name   string
		action obj
		status v1.PaymentStatus
		check  func(*v1.NextAction) bool
	}{
		{"use_stripe_sdk", obj{"type": "use_stripe_sdk", "use_stripe_sdk": obj{"type": "three_d_secure_redirect", "stripe_js": "https://hooks.stripe.com/redirect/authenticate/src_1"}},
			v1.PaymentStatus_PAYMENT_STATUS_AUTHENTICATION_PENDING,
			func(a *v1.NextAction) bool { return strings.Contains(a.GetSdkDataJson(), "three_d_secure_redirect") }},
		{"oxxo voucher", obj{"type": "oxxo_display_details", "oxxo_display_details": obj{"expires_after": 1680998400, "hosted_voucher_url": "https://payments.stripe.com/oxxo/voucher/x", "number": "12345678901234657890123456789012"}},
			v1.PaymentStatus_PAYMENT_STATUS_ACTION_REQUIRED,
			func(a *v1.NextAction) bool {
				d := a.GetDisplay()
				return d.GetReference() == "12345678901234657890123456789012" && d.GetInstructionsUrl() == "https://payments.stripe.com/oxxo/voucher/x" && d.GetExpiresAtUnix() == 1680998400
			}},
		{"boleto voucher", obj{"type": "boleto_display_details", "boleto_display_details": obj{"expires_at": 1680998400, "hosted_voucher_url": "https://payments.stripe.com/boleto/voucher/x", "number": "01010101010101010101010101010101010101010101010"}},
			v1.PaymentStatus_PAYMENT_STATUS_ACTION_REQUIRED,
			func(a *v1.NextAction) bool {
				return a.GetDisplay().GetInstructionsUrl() == "https://payments.stripe.com/boleto/voucher/x"
			}},
		{"microdeposits", obj{"type": "verify_with_microdeposits", "verify_with_microdeposits": obj{"arrival_date": 1680998400, "hosted_verification_url": "https://payments.stripe.com/microdeposit/x", "microdeposit_type": "descriptor_code"}},
			v1.PaymentStatus_PAYMENT_STATUS_ACTION_REQUIRED,
			func(a *v1.NextAction) bool {
				return a.GetRedirect().GetUrl() == "https://payments.stripe.com/microdeposit/x"
			}},
		{"unknown action", obj{"type": "wechat_pay_display_qr_code", "wechat_pay_display_qr_code": obj{"data": "weixin://x"}},
			v1.PaymentStatus_PAYMENT_STATUS_AUTHENTICATION_PENDING,
			func(a *v1.NextAction) bool { return strings.Contains(a.GetSdkDataJson(), "weixin://x") }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, _ := authorize(t, authorizeReq(), 200, piBody(obj{"status": "requires_action", "amount_received": 0, "latest_charge": nil, "next_action": tc.action}))
			if resp.GetStatus() != tc.status || !tc.check(resp.GetNextAction()) {
				t.Errorf("got %v %v", resp.GetStatus(), resp.GetNextAction())
			}
		})
	}
}

func TestAuthorizeManualWithOptions(t *testing.T) {
	req := authorizeReq()
	req.CaptureMethod = v1.CaptureMethod_CAPTURE_METHOD_MANUAL
	req.RequestIncrementalAuthorization = true
	req.Customer = &v1.Customer{Id: "merchant_cust_1", ConnectorCustomerId: "cus_NffrFeUfNV2Hib", Email: "jo@example.com"}
	req.SetupFutureUsage = v1.FutureUsage_FUTURE_USAGE_OFF_SESSION
	req.ShippingAddress = &v1.Address{FirstName: "Jo", LastName: "Doe", Line1: "2 Side St", City: "Springfield", Country: "US", PostalCode: "12345"}
	req.MerchantOrderReference = "INV-1"
	ch := charge(obj{"captured": false, "amount_captured": 0})
	ch["payment_method_details"].(obj)["card"].(obj)["incremental_authorization"] = obj{"status": "available"}
	resp, http := authorize(t, req, 200, piBody(obj{
		"status": "requires_capture", "capture_method": "manual", "amount_capturable": 1000, "amount_received": 0,
		"customer": "cus_NffrFeUfNV2Hib", "setup_future_usage": "off_session", "latest_charge": ch,
	}))
	wantForm(t, http, map[string]string{
		"capture_method":     "manual",
		"customer":           "cus_NffrFeUfNV2Hib",
		"setup_future_usage": "off_session",
		"payment_method_options[card][request_incremental_authorization]": "if_available",
		"shipping[name]":                          "Jo Doe",
		"shipping[address][line1]":                "2 Side St",
		"shipping[address][country]":              "US",
		"metadata[merchant_order_reference]":      "INV-1",
		"mandate_data[customer_acceptance][type]": "-",
	})
	if resp.GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZED || !resp.GetIncrementalAuthorizationAllowed() {
		t.Errorf("status %v incremental %v", resp.GetStatus(), resp.GetIncrementalAuthorizationAllowed())
	}
	m := resp.GetMandate()
	if m.GetConnectorMandateId() != "pm_1MtwBwLkdIwHu7ixp7Wbsx0O" || m.GetConnectorCustomerId() != "cus_NffrFeUfNV2Hib" ||
		m.GetNetworkTransactionId() != "483297487231504" || m.GetStatus() != v1.MandateStatus_MANDATE_STATUS_ACTIVE {
		t.Errorf("mandate = %v", m)
	}
	if resp.GetState().GetConnectorCustomerId() != "cus_NffrFeUfNV2Hib" {
		t.Errorf("state = %v", resp.GetState())
	}
	if resp.GetCapturedAmount().GetMinorAmount() != 0 {
		t.Errorf("captured = %v", resp.GetCapturedAmount())
	}
}

func TestAuthorizeCustomerFromState(t *testing.T) {
	req := authorizeReq()
	req.State = &v1.ConnectorState{ConnectorCustomerId: "cus_state"}
	wantForm(t, build(t, v1.Flow_FLOW_AUTHORIZE, req), map[string]string{"customer": "cus_state"})
}

func TestAuthorizeProcessorToken(t *testing.T) {
	req := authorizeReq()
	req.PaymentMethod = tokenMethod("pm_card_visa")
	req.StatementDescriptor = "SHOP"
	wantForm(t, build(t, v1.Flow_FLOW_AUTHORIZE, req), map[string]string{
		"payment_method":                             "pm_card_visa",
		"payment_method_data[type]":                  "-",
		"payment_method_types[]":                     "-",
		"automatic_payment_methods[enabled]":         "true",
		"automatic_payment_methods[allow_redirects]": "never",
		"statement_descriptor_suffix":                "SHOP",
	})
	// With somewhere to return to, redirects are allowed.
	req.ReturnUrl = testReturn
	wantForm(t, build(t, v1.Flow_FLOW_AUTHORIZE, req), map[string]string{
		"automatic_payment_methods[enabled]": "-", "return_url": testReturn,
	})
	req.PaymentMethod = tokenMethod("tok_visa")
	wantForm(t, build(t, v1.Flow_FLOW_AUTHORIZE, req), map[string]string{
		"payment_method_data[type]": "card", "payment_method_data[card][token]": "tok_visa", "payment_method": "-",
		"payment_method_types[]": "card",
	})
}

func TestAuthorizeMandateMIT(t *testing.T) {
	req := authorizeReq()
	req.Mandate = &v1.MandateReference{ConnectorMandateId: "pm_saved", ConnectorCustomerId: "cus_saved"}
	req.AuthenticationType = v1.AuthenticationType_AUTHENTICATION_TYPE_THREE_DS
	http := build(t, v1.Flow_FLOW_AUTHORIZE, req)
	wantForm(t, http, map[string]string{
		"payment_method": "pm_saved", "customer": "cus_saved", "off_session": "true",
		"payment_method_data[type]":                  "-",
		"payment_method_data[card][number]":          "-",
		"automatic_payment_methods[allow_redirects]": "never",
	})
	if strings.Contains(string(http.GetBody()), testCard) {
		t.Error("MIT request carries the card number")
	}
}

func TestAuthorizeImported3DS(t *testing.T) {
	req := authorizeReq()
	req.ThreeDs = &v1.ThreeDsData{Eci: "05", AuthenticationValue: "AAABBBCCC=", DsTransactionId: "f38e6948-5388-41a6-bca4-b49723c19437", MessageVersion: "2.2.0", TransactionStatus: "Y"}
	wantForm(t, build(t, v1.Flow_FLOW_AUTHORIZE, req), map[string]string{
		"payment_method_options[card][three_d_secure][cryptogram]":                    "AAABBBCCC=",
		"payment_method_options[card][three_d_secure][transaction_id]":                "f38e6948-5388-41a6-bca4-b49723c19437",
		"payment_method_options[card][three_d_secure][version]":                       "2.2.0",
		"payment_method_options[card][three_d_secure][electronic_commerce_indicator]": "05",
		"payment_method_options[card][three_d_secure][ares_trans_status]":             "Y",
	})
	req.ThreeDs.DsTransactionId = ""
	wantKind(t, buildErr(t, v1.Flow_FLOW_AUTHORIZE, req), pluginv1.ErrorKind_ERROR_KIND_INVALID_REQUEST)
}

func TestAuthorizeAmounts(t *testing.T) {
	for _, tc := range []struct {
		money     *v1.Money
		sent      string
		stripeCur string
		stripeAmt int64
	}{
		{&v1.Money{MinorAmount: 1500, Currency: "JPY"}, "1500", "jpy", 1500},
		{&v1.Money{MinorAmount: 1000, Currency: "ISK"}, "100000", "isk", 100000},
		{&v1.Money{MinorAmount: 12340, Currency: "KWD"}, "12340", "kwd", 12340},
		{&v1.Money{MinorAmount: 999, Currency: "EUR"}, "999", "eur", 999},
	} {
		req := authorizeReq()
		req.Amount = tc.money
		resp, http := authorize(t, req, 200, piBody(obj{"amount": tc.stripeAmt, "amount_received": tc.stripeAmt, "currency": tc.stripeCur, "latest_charge": nil}))
		wantForm(t, http, map[string]string{"amount": tc.sent, "currency": tc.stripeCur})
		if !proto.Equal(resp.GetAmount(), tc.money) || !proto.Equal(resp.GetCapturedAmount(), tc.money) {
			t.Errorf("%v: amount %v captured %v", tc.money, resp.GetAmount(), resp.GetCapturedAmount())
		}
	}
	req := authorizeReq()
	req.Amount = &v1.Money{MinorAmount: 12345, Currency: "BHD"}
	e := buildErr(t, v1.Flow_FLOW_AUTHORIZE, req)
	wantKind(t, e, pluginv1.ErrorKind_ERROR_KIND_INVALID_REQUEST)
	if !strings.HasPrefix(e.GetMessage(), "amount.minor_amount:") {
		t.Errorf("message = %q", e.GetMessage())
	}
}

func TestAuthorizeIntegrityMismatch(t *testing.T) {
	// The host's executor checks the answer against the request.
	integrityErr(t, call{flow: v1.Flow_FLOW_AUTHORIZE, req: authorizeReq(), status: 200, body: piBody(obj{"amount": 100000})})
	integrityErr(t, call{flow: v1.Flow_FLOW_AUTHORIZE, req: authorizeReq(), status: 200, body: piBody(obj{"currency": "eur"})})
}

func TestAuthorizeDecline402(t *testing.T) {
	body := errorBody(obj{
		"type": "card_error", "code": "card_declined", "decline_code": "insufficient_funds",
		"message": "Your card has insufficient funds.", "network_advice_code": "02", "network_decline_code": "51",
		"request_log_url": "https://dashboard.stripe.com/test/logs/req_abc123", "charge": "ch_3Mtw",
		"payment_intent": obj{"id": testPI, "object": "payment_intent", "amount": 1000, "currency": "usd", "status": "requires_payment_method", "latest_charge": "ch_3Mtw"},
	})
	resp, _ := authorize(t, authorizeReq(), 402, body)
	want := &v1.PaymentServiceAuthorizeResponse{
		ConnectorHttpStatus:    402, // filled by the host's executor
		ConnectorTransactionId: testPI,
		Status:                 v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZATION_FAILED,
		Amount:                 usd(1000),
		MerchantTransactionId:  "order_1",
		ConnectorReferenceId:   "ch_3Mtw",
		Error: &v1.PaymentError{
			Code:    v1.ErrorCode_ERROR_CODE_INSUFFICIENT_FUNDS,
			Message: "Your card has insufficient funds.",
			Issuer:  &v1.IssuerError{DeclineCode: "insufficient_funds", AdviceCode: "02", NetworkDeclineCode: "51", Message: "Your card has insufficient funds."},
			Connector: &v1.ConnectorError{Code: "card_declined", Message: "Your card has insufficient funds.", HttpStatus: 402,
				Type: "card_error", RequestId: requestIDHdr},
		},
	}
	if !proto.Equal(resp, want) {
		t.Errorf("response =\n%v\nwant\n%v", resp, want)
	}
}

func TestAuthorizeDeclineCodes(t *testing.T) {
	for _, tc := range []struct {
		code, decline string
		want          v1.ErrorCode
	}{
		{"card_declined", "generic_decline", v1.ErrorCode_ERROR_CODE_CARD_DECLINED},
		{"card_declined", "lost_card", v1.ErrorCode_ERROR_CODE_LOST_OR_STOLEN_CARD},
		{"card_declined", "stolen_card", v1.ErrorCode_ERROR_CODE_LOST_OR_STOLEN_CARD},
		{"card_declined", "fraudulent", v1.ErrorCode_ERROR_CODE_FRAUD_SUSPECTED},
		{"card_declined", "do_not_honor", v1.ErrorCode_ERROR_CODE_DO_NOT_HONOR},
		{"card_declined", "card_velocity_exceeded", v1.ErrorCode_ERROR_CODE_LIMIT_EXCEEDED},
		{"card_declined", "merchant_blacklist", v1.ErrorCode_ERROR_CODE_RISK_BLOCKED},
		{"card_declined", "some_new_decline_code", v1.ErrorCode_ERROR_CODE_CARD_DECLINED},
		{"expired_card", "", v1.ErrorCode_ERROR_CODE_EXPIRED_CARD},
		{"incorrect_cvc", "", v1.ErrorCode_ERROR_CODE_INCORRECT_CVC},
		{"incorrect_number", "", v1.ErrorCode_ERROR_CODE_INCORRECT_NUMBER},
		{"processing_error", "", v1.ErrorCode_ERROR_CODE_PROCESSING_ERROR},
		{"authentication_required", "authentication_required", v1.ErrorCode_ERROR_CODE_AUTHENTICATION_REQUIRED},
	} {
		body := errorBody(obj{"type": "card_error", "code": tc.code, "decline_code": tc.decline, "message": "declined"})
		resp, _ := authorize(t, authorizeReq(), 402, body)
		if resp.GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZATION_FAILED || resp.GetError().GetCode() != tc.want {
			t.Errorf("%s/%s: %v %v, want %v", tc.code, tc.decline, resp.GetStatus(), resp.GetError().GetCode(), tc.want)
		}
		if resp.GetError().GetIssuer().GetDeclineCode() != tc.decline {
			t.Errorf("%s/%s: issuer = %v", tc.code, tc.decline, resp.GetError().GetIssuer())
		}
	}
}

// TestAuthorizeDeclineRedactsCard checks a processor message that echoes
// the card number never reaches the response.
func TestAuthorizeDeclineRedactsCard(t *testing.T) {
	body := errorBody(obj{"type": "card_error", "code": "incorrect_number", "message": "The card number " + testCard + " is incorrect."})
	resp, _ := authorize(t, authorizeReq(), 402, body)                                                     // run() fails if the number appears
	if !strings.Contains(resp.GetError().GetMessage(), "The card number 400005******5556 is incorrect.") { // the PDK's mask
		t.Errorf("message = %q", resp.GetError().GetMessage())
	}
}

func TestAuthorizeErrorClasses(t *testing.T) {
	for _, tc := range []struct {
		name     string
		status   int
		body     string
		trunc    bool
		kind     pluginv1.ErrorKind
		code     v1.ErrorCode
		noDetail bool
	}{
		{"400 invalid request", 400, errorBody(obj{"type": "invalid_request_error", "code": "parameter_missing", "param": "amount", "message": "Missing required param: amount."}),
			false, pluginv1.ErrorKind_ERROR_KIND_PROCESSOR_REJECTED, v1.ErrorCode_ERROR_CODE_INVALID_REQUEST, false},
		{"400 amount too small", 400, errorBody(obj{"type": "invalid_request_error", "code": "amount_too_small", "param": "amount", "message": "Amount must be at least $0.50 usd"}),
			false, pluginv1.ErrorKind_ERROR_KIND_PROCESSOR_REJECTED, v1.ErrorCode_ERROR_CODE_AMOUNT_TOO_SMALL, false},
		{"400 idempotency", 400, errorBody(obj{"type": "idempotency_error", "message": "Keys for idempotent requests can only be used with the same parameters they were first used with."}),
			false, pluginv1.ErrorKind_ERROR_KIND_CONFLICT, v1.ErrorCode_ERROR_CODE_CONFLICT, false},
		{"400 unexpected state", 400, errorBody(obj{"type": "invalid_request_error", "code": "payment_intent_unexpected_state", "message": "This PaymentIntent's payment_method could not be updated because it has a status of succeeded."}),
			false, pluginv1.ErrorKind_ERROR_KIND_CONFLICT, v1.ErrorCode_ERROR_CODE_CONFLICT, false},
		{"401", 401, errorBody(obj{"type": "invalid_request_error", "message": "Invalid API Key provided: sk_test_****"}),
			false, pluginv1.ErrorKind_ERROR_KIND_CREDENTIALS, v1.ErrorCode_ERROR_CODE_INVALID_CREDENTIALS, false},
		{"403", 403, errorBody(obj{"type": "invalid_request_error", "message": "The provided key does not have the required permissions"}),
			false, pluginv1.ErrorKind_ERROR_KIND_CREDENTIALS, v1.ErrorCode_ERROR_CODE_PERMISSION_DENIED, false},
		{"404", 404, errorBody(obj{"type": "invalid_request_error", "code": "resource_missing", "param": "intent", "message": "No such payment_intent: 'pi_x'"}),
			false, pluginv1.ErrorKind_ERROR_KIND_NOT_FOUND, v1.ErrorCode_ERROR_CODE_NOT_FOUND, false},
		// The same key still running: no failure, its outcome is unknown (retry later with the key).
		{"409", 409, errorBody(obj{"type": "idempotency_error", "code": "idempotency_key_in_use", "message": "There is currently another in-progress request using this Idempotent Key"}),
			false, pluginv1.ErrorKind_ERROR_KIND_IN_PROGRESS, v1.ErrorCode_ERROR_CODE_CONFLICT, false},
		{"400 idempotency_error", 400, errorBody(obj{"type": "idempotency_error", "message": "Keys for idempotent requests can only be used with the same parameters they were first used with."}),
			false, pluginv1.ErrorKind_ERROR_KIND_CONFLICT, v1.ErrorCode_ERROR_CODE_CONFLICT, false},
		{"429", 429, errorBody(obj{"type": "invalid_request_error", "code": "rate_limit", "message": "Too many requests"}),
			false, pluginv1.ErrorKind_ERROR_KIND_RATE_LIMITED, v1.ErrorCode_ERROR_CODE_RATE_LIMITED, false},
		{"500", 500, errorBody(obj{"type": "api_error", "message": "An unknown error occurred"}),
			false, pluginv1.ErrorKind_ERROR_KIND_PROCESSOR_UNAVAILABLE, v1.ErrorCode_ERROR_CODE_PROCESSOR_UNAVAILABLE, false},
		{"502 html", 502, "<html><body>Bad Gateway</body></html>",
			false, pluginv1.ErrorKind_ERROR_KIND_PROCESSOR_UNAVAILABLE, v1.ErrorCode_ERROR_CODE_PROCESSOR_UNAVAILABLE, false},
		{"200 not json", 200, "<html>ok</html>", false, pluginv1.ErrorKind_ERROR_KIND_INVALID_RESPONSE, 0, true},
		{"200 empty", 200, "", false, pluginv1.ErrorKind_ERROR_KIND_INVALID_RESPONSE, 0, true},
		{"200 array", 200, "[]", false, pluginv1.ErrorKind_ERROR_KIND_INVALID_RESPONSE, 0, true},
		{"200 truncated json", 200, `{"id":"pi_1","object":"payment_intent","status":"succ`, false, pluginv1.ErrorKind_ERROR_KIND_INVALID_RESPONSE, 0, true},
		{"200 no id", 200, `{"object":"payment_intent","status":"succeeded","amount":1000,"currency":"usd"}`, false, pluginv1.ErrorKind_ERROR_KIND_INVALID_RESPONSE, 0, true},
		{"200 wrong object", 200, refundBody(nil), false, pluginv1.ErrorKind_ERROR_KIND_INVALID_RESPONSE, 0, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := parseErr(t, call{flow: v1.Flow_FLOW_AUTHORIZE, req: authorizeReq(), status: tc.status, body: tc.body, trunc: tc.trunc})
			wantKind(t, e, tc.kind)
			if tc.noDetail {
				if e.GetDetail() != nil {
					t.Errorf("detail = %v", e.GetDetail())
				}
				return
			}
			d := e.GetDetail()
			if d.GetCode() != tc.code || d.GetConnector().GetHttpStatus() != int32(tc.status) || d.GetConnector().GetRequestId() != requestIDHdr {
				t.Errorf("detail = %v", d)
			}
			if strings.Contains(e.GetMessage(), testAPIKey) {
				t.Errorf("message leaks the key: %s", e.GetMessage())
			}
		})
	}
}

// TestAuthorizeTruncatedAnswer covers a body the host cut at its size limit
// (pdktest.Call.Truncated): it is never read, even when what arrived happens
// to parse. A cut success is INVALID_RESPONSE; a cut error answer is
// classified by its status alone.
func TestAuthorizeTruncatedAnswer(t *testing.T) {
	e := parseErr(t, call{flow: v1.Flow_FLOW_AUTHORIZE, req: authorizeReq(), status: 200, body: piBody(nil), trunc: true})
	wantKind(t, e, pluginv1.ErrorKind_ERROR_KIND_INVALID_RESPONSE)
	if !strings.Contains(e.GetMessage(), "truncated") || e.GetDetail() != nil {
		t.Errorf("truncated 200: %v", e)
	}

	// The same body untruncated is a success: only the flag made it fail.
	if resp, _ := ok[*v1.PaymentServiceAuthorizeResponse](t, call{flow: v1.Flow_FLOW_AUTHORIZE, req: authorizeReq(), status: 200, body: piBody(nil)}); resp.GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_CHARGED {
		t.Errorf("untruncated: %v", resp)
	}

	// A cut error body is not parsed: Stripe's message and code are ignored.
	body := errorBody(obj{"type": "invalid_request_error", "code": "resource_missing", "message": "No such payment_intent"})
	e = parseErr(t, call{flow: v1.Flow_FLOW_AUTHORIZE, req: authorizeReq(), status: 500, body: body, trunc: true})
	wantKind(t, e, pluginv1.ErrorKind_ERROR_KIND_PROCESSOR_UNAVAILABLE)
	if d := e.GetDetail(); d.GetCode() != v1.ErrorCode_ERROR_CODE_PROCESSOR_UNAVAILABLE || d.GetConnector().GetCode() != "" || d.GetConnector().GetHttpStatus() != 500 {
		t.Errorf("truncated 500: %v", e)
	}
}

func TestAuthorizeBuildErrors(t *testing.T) {
	for _, tc := range []struct {
		name   string
		mutate func(*v1.PaymentServiceAuthorizeRequest)
		creds  map[string]string
		kind   pluginv1.ErrorKind
		field  string
	}{
		{"no merchant id", func(r *v1.PaymentServiceAuthorizeRequest) { r.MerchantTransactionId = "" }, nil, pluginv1.ErrorKind_ERROR_KIND_INVALID_REQUEST, "merchant_transaction_id"},
		{"no amount", func(r *v1.PaymentServiceAuthorizeRequest) { r.Amount = nil }, nil, pluginv1.ErrorKind_ERROR_KIND_INVALID_REQUEST, "amount"},
		{"no payment method", func(r *v1.PaymentServiceAuthorizeRequest) { r.PaymentMethod = nil }, nil, pluginv1.ErrorKind_ERROR_KIND_INVALID_REQUEST, "payment_method"},
		{"no card number", func(r *v1.PaymentServiceAuthorizeRequest) { r.PaymentMethod.GetCard().Number = "" }, nil, pluginv1.ErrorKind_ERROR_KIND_INVALID_REQUEST, "payment_method.card.number"},
		{"missing api key", func(r *v1.PaymentServiceAuthorizeRequest) {}, map[string]string{}, pluginv1.ErrorKind_ERROR_KIND_CREDENTIALS, ""},
		{"api key with newline", func(r *v1.PaymentServiceAuthorizeRequest) {}, map[string]string{credAPIKey: "sk_test_x\r\nX-Evil: 1"}, pluginv1.ErrorKind_ERROR_KIND_CREDENTIALS, ""},
		{"too many metadata keys", func(r *v1.PaymentServiceAuthorizeRequest) {
			r.Metadata = map[string]string{}
			for i := 0; i < 50; i++ {
				r.Metadata[strings.Repeat("k", i+1)] = "v"
			}
		}, nil, pluginv1.ErrorKind_ERROR_KIND_INVALID_REQUEST, "metadata"},
		{"apple pay", func(r *v1.PaymentServiceAuthorizeRequest) {
			r.PaymentMethod = &v1.PaymentMethod{Method: &v1.PaymentMethod_Wallet{Wallet: &v1.Wallet{Wallet: &v1.Wallet_ApplePay{ApplePay: &v1.ApplePay{PaymentData: "{}"}}}}}
		}, nil, pluginv1.ErrorKind_ERROR_KIND_UNSUPPORTED, ""},
		{"bank transfer", func(r *v1.PaymentServiceAuthorizeRequest) {
			r.PaymentMethod = &v1.PaymentMethod{Method: &v1.PaymentMethod_BankTransfer{BankTransfer: &v1.BankTransfer{Kind: v1.BankTransferKind_BANK_TRANSFER_KIND_PIX}}}
		}, nil, pluginv1.ErrorKind_ERROR_KIND_UNSUPPORTED, ""},
		{"trustly", func(r *v1.PaymentServiceAuthorizeRequest) {
			r.PaymentMethod = &v1.PaymentMethod{Method: &v1.PaymentMethod_BankRedirect{BankRedirect: &v1.BankRedirect{Kind: v1.BankRedirectKind_BANK_REDIRECT_KIND_TRUSTLY}}}
		}, nil, pluginv1.ErrorKind_ERROR_KIND_UNSUPPORTED, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := authorizeReq()
			tc.mutate(req)
			res := run(t, call{flow: v1.Flow_FLOW_AUTHORIZE, req: req, status: 200, body: "{}", creds: tc.creds})
			if res.BuildError == nil {
				t.Fatalf("build succeeded")
			}
			wantKind(t, res.BuildError, tc.kind)
			if tc.field != "" && !strings.HasPrefix(res.BuildError.GetMessage(), tc.field+":") {
				t.Errorf("message %q does not name %s", res.BuildError.GetMessage(), tc.field)
			}
			if strings.Contains(res.BuildError.GetMessage(), "sk_test") {
				t.Errorf("message leaks the key: %s", res.BuildError.GetMessage())
			}
		})
	}
}

// TestAuthorizePartialAuthorizationAmount: Stripe keeps a partially
// authorized PaymentIntent's amount as requested and reports what the issuer
// approved in amount_capturable; Authorize answers that amount (the response
// field is "the amount the processor authorized").
func TestAuthorizePartialAuthorizationAmount(t *testing.T) {
	resp, _ := authorize(t, authorizeReq(), 200, piBody(obj{"status": "requires_capture", "capture_method": "manual",
		"amount_capturable": 700, "amount_received": 0}))
	if resp.GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_PARTIALLY_AUTHORIZED || resp.GetAmount().GetMinorAmount() != 700 ||
		resp.GetAmount().GetCurrency() != "USD" {
		t.Errorf("status %v amount %v, want PARTIALLY_AUTHORIZED 700 USD", resp.GetStatus(), resp.GetAmount())
	}
	// A full authorization answers the amount.
	resp, _ = authorize(t, authorizeReq(), 200, piBody(obj{"status": "requires_capture", "capture_method": "manual",
		"amount_capturable": 1000, "amount_received": 0}))
	if resp.GetAmount().GetMinorAmount() != 1000 {
		t.Errorf("amount %v, want 1000", resp.GetAmount())
	}
}
