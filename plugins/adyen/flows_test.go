//go:build !wasip1

package adyen

import (
	"strings"
	"testing"

	"github.com/connectorhost/connector-host/conformance/conformancetest"
	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk"
	"github.com/connectorhost/connector-host/pdk/pdktest"
)

func TestAuthorizeCardBody(t *testing.T) {
	req := authorizeReq()
	req.CaptureMethod = v1.CaptureMethod_CAPTURE_METHOD_MANUAL
	req.RequestIncrementalAuthorization = true
	req.AuthenticationType = v1.AuthenticationType_AUTHENTICATION_TYPE_THREE_DS
	req.Customer = &v1.Customer{Id: "shopper_123", Email: "shopper@example.com", Name: "John Smith"}
	req.BillingAddress = &v1.Address{Line1: "Simon Carmiggeltstraat", Line2: "6-50", City: "Amsterdam", PostalCode: "1011DJ", Country: "NL"}
	req.BrowserInfo = &v1.BrowserInfo{AcceptHeader: "text/html", UserAgent: "Mozilla/5.0", Language: "nl-NL", ColorDepth: 24,
		ScreenHeight: 723, ScreenWidth: 1536, TimeZoneOffsetMinutes: 0, JavascriptEnabled: true, IpAddress: "203.0.113.7"}
	req.Metadata = map[string]string{"zeta": "1", "alpha": "2"}
	req.StatementDescriptor = "ACME SHOP"
	res := mustBuild(t, pdktest.Call{Flow: v1.Flow_FLOW_AUTHORIZE, Request: req})
	if res.HTTP.GetMethod() != "POST" || res.HTTP.GetUrl() != SandboxBaseURL+"/payments" {
		t.Fatalf("%s %s", res.HTTP.GetMethod(), res.HTTP.GetUrl())
	}
	b := bodyOf(t, res.HTTP)
	checks := map[string]any{
		"merchantAccount": testMerchant, "reference": "order_1", "returnUrl": "https://merchant.example/return",
		"shopperReference": "shopper_123", "shopperEmail": "shopper@example.com", "shopperIP": "203.0.113.7",
		"shopperStatement": "ACME SHOP", "countryCode": "NL",
	}
	for k, want := range checks {
		if b[k] != want {
			t.Errorf("%s = %v, want %v", k, b[k], want)
		}
	}
	pm := conformancetest.JSONAt(b, "paymentMethod").(map[string]any)
	if pm["type"] != "scheme" || pm["number"] != "4111111111111111" || pm["expiryMonth"] != "03" || pm["expiryYear"] != "2030" || pm["cvc"] != "737" || pm["holderName"] != "John Smith" {
		t.Errorf("paymentMethod = %v", pm)
	}
	if conformancetest.JSONAt(b, "additionalData", "manualCapture") != "true" || conformancetest.JSONAt(b, "additionalData", "authorisationType") != "PreAuth" {
		t.Errorf("additionalData = %v", b["additionalData"])
	}
	if conformancetest.JSONAt(b, "authenticationData", "attemptAuthentication") != "always" {
		t.Errorf("authenticationData = %v", b["authenticationData"])
	}
	if conformancetest.JSONAt(b, "billingAddress", "street") != "Simon Carmiggeltstraat" || conformancetest.JSONAt(b, "billingAddress", "houseNumberOrName") != "6-50" {
		t.Errorf("billingAddress = %v", b["billingAddress"])
	}
	if conformancetest.JSONAt(b, "shopperName", "firstName") != "John" || conformancetest.JSONAt(b, "shopperName", "lastName") != "Smith" {
		t.Errorf("shopperName = %v", b["shopperName"])
	}
	if conformancetest.JSONAt(b, "browserInfo", "colorDepth") != float64(24) || conformancetest.JSONAt(b, "browserInfo", "javaScriptEnabled") != true {
		t.Errorf("browserInfo = %v", b["browserInfo"])
	}
	if !strings.Contains(string(res.HTTP.GetBody()), `"metadata":{"alpha":"2","zeta":"1"}`) {
		t.Errorf("metadata not sorted: %s", res.HTTP.GetBody())
	}
	if _, ok := b["storePaymentMethod"]; ok {
		t.Error("storePaymentMethod sent without setup_future_usage")
	}
}

func TestAuthorizeStoredAndMIT(t *testing.T) {
	// A processor token, shopper present: card on file.
	req := authorizeReq()
	req.PaymentMethod = &v1.PaymentMethod{Method: &v1.PaymentMethod_Token{Token: &v1.ProcessorToken{Token: "M5N7TQ4TG5PFWR50"}}}
	req.Customer = &v1.Customer{Id: "shopper_123"}
	b := bodyOf(t, mustBuild(t, pdktest.Call{Flow: v1.Flow_FLOW_AUTHORIZE, Request: req}).HTTP)
	if conformancetest.JSONAt(b, "paymentMethod", "storedPaymentMethodId") != "M5N7TQ4TG5PFWR50" || conformancetest.JSONAt(b, "paymentMethod", "type") != "scheme" ||
		b["shopperInteraction"] != "ContAuth" || b["recurringProcessingModel"] != "CardOnFile" || b["shopperReference"] != "shopper_123" {
		t.Errorf("token body = %v", b)
	}
	// A mandate off session: unscheduled MIT, shopperReference from the mandate.
	req = authorizeReq()
	req.OffSession = true
	req.Mandate = &v1.MandateReference{ConnectorMandateId: "M5N7", ConnectorCustomerId: "shopper_999"}
	b = bodyOf(t, mustBuild(t, pdktest.Call{Flow: v1.Flow_FLOW_AUTHORIZE, Request: req}).HTTP)
	if conformancetest.JSONAt(b, "paymentMethod", "storedPaymentMethodId") != "M5N7" || conformancetest.JSONAt(b, "paymentMethod", "number") != nil ||
		b["recurringProcessingModel"] != "UnscheduledCardOnFile" || b["shopperReference"] != "shopper_999" {
		t.Errorf("mandate body = %v", b)
	}
	// A token without a shopper cannot be charged.
	req = authorizeReq()
	req.PaymentMethod = &v1.PaymentMethod{Method: &v1.PaymentMethod_Token{Token: &v1.ProcessorToken{Token: "M5N7"}}}
	wantKind(t, run(t, pdktest.Call{Flow: v1.Flow_FLOW_AUTHORIZE, Request: req}).BuildError, pluginv1.ErrorKind_ERROR_KIND_INVALID_REQUEST, "customer.id")
	// Storing the card: storePaymentMethod + Ecommerce; the mandate comes back.
	req = authorizeReq()
	req.SetupFutureUsage = v1.FutureUsage_FUTURE_USAGE_OFF_SESSION
	req.Customer = &v1.Customer{Id: "shopper_123"}
	res := mustBuild(t, pdktest.Call{Flow: v1.Flow_FLOW_AUTHORIZE, Request: req, Body: mustJSON(t, map[string]any{
		"pspReference": "PSP9", "resultCode": "Authorised",
		"additionalData": map[string]any{"tokenization.storedPaymentMethodId": "TOKEN1", "tokenization.shopperReference": "shopper_123", "networkTxReference": "NTX1"},
	})})
	b = bodyOf(t, res.HTTP)
	if b["storePaymentMethod"] != true || b["shopperInteraction"] != "Ecommerce" || b["recurringProcessingModel"] != "UnscheduledCardOnFile" {
		t.Errorf("setup body = %v", b)
	}
	m := res.Response.(*v1.PaymentServiceAuthorizeResponse).GetMandate()
	if m.GetConnectorMandateId() != "TOKEN1" || m.GetConnectorCustomerId() != "shopper_123" || m.GetNetworkTransactionId() != "NTX1" {
		t.Errorf("mandate = %v", m)
	}
}

func TestAuthorizePaymentMethods(t *testing.T) {
	order := []*v1.OrderDetail{{ProductName: "Shoes", ProductId: "sku1", Quantity: 1, UnitAmount: 1000, TaxAmount: 174}}
	nl := &v1.Address{Line1: "Stargatan", Line2: "1", City: "Ankeborg", PostalCode: "12345", Country: "SE", FirstName: "Testperson-se", LastName: "Approved"}
	cases := []struct {
		name  string
		pm    *v1.PaymentMethod
		want  map[string]any
		extra func(*v1.PaymentServiceAuthorizeRequest)
	}{
		{"ideal", &v1.PaymentMethod{Method: &v1.PaymentMethod_BankRedirect{BankRedirect: &v1.BankRedirect{Kind: v1.BankRedirectKind_BANK_REDIRECT_KIND_IDEAL}}},
			map[string]any{"type": "ideal"}, nil},
		{"eps", &v1.PaymentMethod{Method: &v1.PaymentMethod_BankRedirect{BankRedirect: &v1.BankRedirect{Kind: v1.BankRedirectKind_BANK_REDIRECT_KIND_EPS, Issuer: "1234"}}},
			map[string]any{"type": "eps", "issuer": "1234"}, nil},
		{"blik", &v1.PaymentMethod{Method: &v1.PaymentMethod_BankRedirect{BankRedirect: &v1.BankRedirect{Kind: v1.BankRedirectKind_BANK_REDIRECT_KIND_BLIK, BlikCode: "777123"}}},
			map[string]any{"type": "blik", "blikCode": "777123"}, nil},
		{"sofort", &v1.PaymentMethod{Method: &v1.PaymentMethod_BankRedirect{BankRedirect: &v1.BankRedirect{Kind: v1.BankRedirectKind_BANK_REDIRECT_KIND_SOFORT, Country: "DE"}}},
			map[string]any{"type": "directEbanking"}, nil},
		{"trustly", &v1.PaymentMethod{Method: &v1.PaymentMethod_BankRedirect{BankRedirect: &v1.BankRedirect{Kind: v1.BankRedirectKind_BANK_REDIRECT_KIND_TRUSTLY}}},
			map[string]any{"type": "trustly"}, nil},
		{"paypal", &v1.PaymentMethod{Method: &v1.PaymentMethod_Wallet{Wallet: &v1.Wallet{Wallet: &v1.Wallet_Paypal{Paypal: &v1.PayPalWallet{}}}}},
			map[string]any{"type": "paypal", "subtype": "redirect"}, nil},
		{"applepay", &v1.PaymentMethod{Method: &v1.PaymentMethod_Wallet{Wallet: &v1.Wallet{Wallet: &v1.Wallet_ApplePay{ApplePay: &v1.ApplePay{PaymentData: `{"version":"EC_v1"}`}}}}},
			map[string]any{"type": "applepay", "applePayToken": "eyJ2ZXJzaW9uIjoiRUNfdjEifQ=="}, nil},
		{"googlepay", &v1.PaymentMethod{Method: &v1.PaymentMethod_Wallet{Wallet: &v1.Wallet{Wallet: &v1.Wallet_GooglePay{GooglePay: &v1.GooglePay{Token: `{"signature":"x"}`}}}}},
			map[string]any{"type": "googlepay", "googlePayToken": `{"signature":"x"}`}, nil},
		{"sepa", &v1.PaymentMethod{Method: &v1.PaymentMethod_BankDebit{BankDebit: &v1.BankDebit{Kind: v1.BankDebitKind_BANK_DEBIT_KIND_SEPA, Iban: "NL13TEST0123456789", AccountHolderName: "A Schneider"}}},
			map[string]any{"type": "sepadirectdebit", "iban": "NL13TEST0123456789", "ownerName": "A Schneider"}, nil},
		{"ach", &v1.PaymentMethod{Method: &v1.PaymentMethod_BankDebit{BankDebit: &v1.BankDebit{Kind: v1.BankDebitKind_BANK_DEBIT_KIND_ACH, AccountNumber: "123456789", RoutingNumber: "011000138", AccountHolderName: "A Smith", AccountType: "checking"}}},
			map[string]any{"type": "ach", "bankAccountNumber": "123456789", "bankLocationId": "011000138", "ownerName": "A Smith", "bankAccountType": "checking"}, nil},
		{"bacs", &v1.PaymentMethod{Method: &v1.PaymentMethod_BankDebit{BankDebit: &v1.BankDebit{Kind: v1.BankDebitKind_BANK_DEBIT_KIND_BACS, AccountNumber: "40308669", RoutingNumber: "560036", AccountHolderName: "D Duck"}}},
			map[string]any{"type": "directdebit_GB", "bankAccountNumber": "40308669", "bankLocationId": "560036", "holderName": "D Duck"}, nil},
		{"klarna", &v1.PaymentMethod{Method: &v1.PaymentMethod_PayLater{PayLater: &v1.PayLater{Kind: v1.PayLaterKind_PAY_LATER_KIND_KLARNA}}},
			map[string]any{"type": "klarna"}, func(r *v1.PaymentServiceAuthorizeRequest) { r.OrderDetails, r.BillingAddress = order, nl }},
		{"clearpay", &v1.PaymentMethod{Method: &v1.PaymentMethod_PayLater{PayLater: &v1.PayLater{Kind: v1.PayLaterKind_PAY_LATER_KIND_AFTERPAY_CLEARPAY}}},
			map[string]any{"type": "clearpay"}, func(r *v1.PaymentServiceAuthorizeRequest) {
				r.OrderDetails, r.BillingAddress = order, &v1.Address{Line1: "1 High St", City: "London", PostalCode: "N1 1AA", Country: "GB"}
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req := authorizeReq()
			req.PaymentMethod = tc.pm
			if tc.extra != nil {
				tc.extra(req)
			}
			b := bodyOf(t, mustBuild(t, pdktest.Call{Flow: v1.Flow_FLOW_AUTHORIZE, Request: req}).HTTP)
			pm := b["paymentMethod"].(map[string]any)
			if len(pm) != len(tc.want) {
				t.Errorf("paymentMethod = %v, want %v", pm, tc.want)
			}
			for k, v := range tc.want {
				if pm[k] != v {
					t.Errorf("paymentMethod.%s = %v, want %v", k, pm[k], v)
				}
			}
			if tc.name == "klarna" {
				li := b["lineItems"].([]any)[0].(map[string]any)
				if li["amountIncludingTax"] != float64(1000) || li["taxAmount"] != float64(174) || li["description"] != "Shoes" || b["countryCode"] != "SE" {
					t.Errorf("klarna order = %v country %v", li, b["countryCode"])
				}
			}
			if tc.name == "sofort" && b["countryCode"] != "DE" {
				t.Errorf("sofort countryCode = %v", b["countryCode"])
			}
		})
	}
}

func TestAuthorizeRefusals(t *testing.T) {
	cases := []struct {
		name  string
		edit  func(*v1.PaymentServiceAuthorizeRequest)
		kind  pluginv1.ErrorKind
		field string
	}{
		{"no return url", func(r *v1.PaymentServiceAuthorizeRequest) { r.ReturnUrl = "" }, pluginv1.ErrorKind_ERROR_KIND_INVALID_REQUEST, "return_url"},
		{"no reference", func(r *v1.PaymentServiceAuthorizeRequest) { r.MerchantTransactionId = "" }, pluginv1.ErrorKind_ERROR_KIND_INVALID_REQUEST, "merchant_transaction_id"},
		{"voucher", func(r *v1.PaymentServiceAuthorizeRequest) {
			r.PaymentMethod = &v1.PaymentMethod{Method: &v1.PaymentMethod_Voucher{Voucher: &v1.Voucher{Kind: v1.VoucherKind_VOUCHER_KIND_BOLETO}}}
		}, pluginv1.ErrorKind_ERROR_KIND_UNSUPPORTED, "voucher"},
		{"giropay", func(r *v1.PaymentServiceAuthorizeRequest) {
			r.PaymentMethod = &v1.PaymentMethod{Method: &v1.PaymentMethod_BankRedirect{BankRedirect: &v1.BankRedirect{Kind: v1.BankRedirectKind_BANK_REDIRECT_KIND_GIROPAY}}}
		}, pluginv1.ErrorKind_ERROR_KIND_UNSUPPORTED, "GIROPAY"},
		{"eps without issuer", func(r *v1.PaymentServiceAuthorizeRequest) {
			r.PaymentMethod = &v1.PaymentMethod{Method: &v1.PaymentMethod_BankRedirect{BankRedirect: &v1.BankRedirect{Kind: v1.BankRedirectKind_BANK_REDIRECT_KIND_EPS}}}
		}, pluginv1.ErrorKind_ERROR_KIND_INVALID_REQUEST, "issuer"},
		{"klarna without order", func(r *v1.PaymentServiceAuthorizeRequest) {
			r.PaymentMethod = &v1.PaymentMethod{Method: &v1.PaymentMethod_PayLater{PayLater: &v1.PayLater{Kind: v1.PayLaterKind_PAY_LATER_KIND_KLARNA}}}
		}, pluginv1.ErrorKind_ERROR_KIND_INVALID_REQUEST, "order_details"},
		{"short shopper reference", func(r *v1.PaymentServiceAuthorizeRequest) { r.Customer = &v1.Customer{Id: "ab"} }, pluginv1.ErrorKind_ERROR_KIND_INVALID_REQUEST, "customer.id"},
		{"too much metadata", func(r *v1.PaymentServiceAuthorizeRequest) {
			r.Metadata = map[string]string{}
			for i := 0; i < 21; i++ {
				r.Metadata[string(rune('a'+i))] = "v"
			}
		}, pluginv1.ErrorKind_ERROR_KIND_INVALID_REQUEST, "metadata"},
		{"bad 3DS status", func(r *v1.PaymentServiceAuthorizeRequest) { r.ThreeDs = &v1.ThreeDsData{TransactionStatus: "Q"} }, pluginv1.ErrorKind_ERROR_KIND_INVALID_REQUEST, "three_ds.transaction_status"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req := authorizeReq()
			tc.edit(req)
			wantKind(t, run(t, pdktest.Call{Flow: v1.Flow_FLOW_AUTHORIZE, Request: req}).BuildError, tc.kind, tc.field)
		})
	}
	// The operator's return_url fills a missing one.
	req := authorizeReq()
	req.ReturnUrl = ""
	b := bodyOf(t, mustBuild(t, pdktest.Call{Flow: v1.Flow_FLOW_AUTHORIZE, Request: req, Config: map[string]string{"return_url": "https://ops.example/back"}}).HTTP)
	if b["returnUrl"] != "https://ops.example/back" {
		t.Errorf("returnUrl = %v", b["returnUrl"])
	}
}

func TestVerifyRedirectResponse(t *testing.T) {
	req := &v1.PaymentServiceVerifyRedirectResponseRequest{
		MerchantTransactionId: "order_1",
		Params:                map[string]string{"redirectResult": "X6XtfGC3!Y", "shopperOrder": "12xy", "type": "complete"},
		State:                 &v1.ConnectorState{Values: map[string]string{stateCapture: "automatic"}},
	}
	res := mustBuild(t, pdktest.Call{Flow: v1.Flow_FLOW_VERIFY_REDIRECT_RESPONSE, Request: req,
		Body: mustJSON(t, map[string]any{"resultCode": "Authorised", "pspReference": "V4HZ4RBFJGXXGN82", "merchantReference": "order_1"})})
	if res.HTTP.GetUrl() != SandboxBaseURL+"/payments/details" || string(res.HTTP.GetBody()) != `{"details":{"redirectResult":"X6XtfGC3!Y"}}` {
		t.Fatalf("%s %s", res.HTTP.GetUrl(), res.HTTP.GetBody())
	}
	out := res.Response.(*v1.PaymentServiceVerifyRedirectResponseResponse)
	if out.GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_CHARGED || out.GetConnectorTransactionId() != "V4HZ4RBFJGXXGN82" || out.GetMerchantTransactionId() != "order_1" {
		t.Fatalf("got %v", out)
	}
	// Without the state the capture mode is unknown: Authorised is AUTHORIZED, never CHARGED.
	req.State = nil
	res = mustBuild(t, pdktest.Call{Flow: v1.Flow_FLOW_VERIFY_REDIRECT_RESPONSE, Request: req, Body: mustJSON(t, map[string]any{"resultCode": "Authorised", "pspReference": "V4"})})
	if s := res.Response.(*v1.PaymentServiceVerifyRedirectResponseResponse).GetStatus(); s != v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZED {
		t.Fatalf("status without state = %v", s)
	}
	// The request's capture_method decides, with or without state, and wins over it.
	authorised := mustJSON(t, map[string]any{"resultCode": "Authorised", "pspReference": "V4"})
	for _, tc := range []struct {
		method v1.CaptureMethod
		state  string
		want   v1.PaymentStatus
	}{
		{v1.CaptureMethod_CAPTURE_METHOD_AUTOMATIC, "", v1.PaymentStatus_PAYMENT_STATUS_CHARGED},
		{v1.CaptureMethod_CAPTURE_METHOD_MANUAL, "", v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZED},
		{v1.CaptureMethod_CAPTURE_METHOD_MANUAL_MULTIPLE, "", v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZED},
		{v1.CaptureMethod_CAPTURE_METHOD_AUTOMATIC, "manual", v1.PaymentStatus_PAYMENT_STATUS_CHARGED},
		{v1.CaptureMethod_CAPTURE_METHOD_MANUAL, "automatic", v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZED},
		{v1.CaptureMethod_CAPTURE_METHOD_UNSPECIFIED, "automatic", v1.PaymentStatus_PAYMENT_STATUS_CHARGED},
	} {
		req.CaptureMethod, req.State = tc.method, nil
		if tc.state != "" {
			req.State = &v1.ConnectorState{Values: map[string]string{stateCapture: tc.state}}
		}
		res = mustBuild(t, pdktest.Call{Flow: v1.Flow_FLOW_VERIFY_REDIRECT_RESPONSE, Request: req, Body: authorised})
		if s := res.Response.(*v1.PaymentServiceVerifyRedirectResponseResponse).GetStatus(); s != tc.want {
			t.Errorf("capture_method %v, state %q: status = %v, want %v", tc.method, tc.state, s, tc.want)
		}
	}
	res = run(t, pdktest.Call{Flow: v1.Flow_FLOW_VERIFY_REDIRECT_RESPONSE, Request: &v1.PaymentServiceVerifyRedirectResponseRequest{Params: map[string]string{"foo": "bar"}}})
	wantKind(t, res.BuildError, pluginv1.ErrorKind_ERROR_KIND_INVALID_REQUEST, "params")
}

// TestVerifyRedirectPartialAuthorisation: /payments/details answers amount,
// the "Authorised amount in the transaction" (Checkout v71
// PaymentDetailsResponse). Authorised for less than the request's amount is
// PARTIALLY_AUTHORIZED with the authorised amount, as PartiallyAuthorised is
// and as Authorize's /payments answer is; never the full amount.
func TestVerifyRedirectPartialAuthorisation(t *testing.T) {
	answer := func(code string, value int) []byte {
		return mustJSON(t, map[string]any{"resultCode": code, "pspReference": "V4", "merchantReference": "order_1",
			"amount": map[string]any{"value": value, "currency": "EUR"}})
	}
	for _, tc := range []struct {
		code    string
		value   int
		capture v1.CaptureMethod
		want    v1.PaymentStatus
	}{
		{"Authorised", 600, v1.CaptureMethod_CAPTURE_METHOD_MANUAL, v1.PaymentStatus_PAYMENT_STATUS_PARTIALLY_AUTHORIZED},
		{"Authorised", 600, v1.CaptureMethod_CAPTURE_METHOD_AUTOMATIC, v1.PaymentStatus_PAYMENT_STATUS_PARTIALLY_AUTHORIZED},
		{"PartiallyAuthorised", 600, v1.CaptureMethod_CAPTURE_METHOD_MANUAL, v1.PaymentStatus_PAYMENT_STATUS_PARTIALLY_AUTHORIZED},
		{"Authorised", 1000, v1.CaptureMethod_CAPTURE_METHOD_MANUAL, v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZED},
		{"Authorised", 1000, v1.CaptureMethod_CAPTURE_METHOD_AUTOMATIC, v1.PaymentStatus_PAYMENT_STATUS_CHARGED},
	} {
		req := &v1.PaymentServiceVerifyRedirectResponseRequest{MerchantTransactionId: "order_1", Amount: eur(1000), CaptureMethod: tc.capture,
			Params: map[string]string{"redirectResult": "X6XtfGC3!Y"}}
		out := mustBuild(t, pdktest.Call{Flow: v1.Flow_FLOW_VERIFY_REDIRECT_RESPONSE, Request: req, Body: answer(tc.code, tc.value)}).
			Response.(*v1.PaymentServiceVerifyRedirectResponseResponse)
		if out.GetStatus() != tc.want || out.GetAmount().GetMinorAmount() != int64(tc.value) || out.GetAmount().GetCurrency() != "EUR" {
			t.Errorf("%s %d (%v): status %v amount %v, want %v %d EUR", tc.code, tc.value, tc.capture, out.GetStatus(), out.GetAmount(), tc.want, tc.value)
		}
		// Authorize reads /payments the same way.
		aout := authorizeWith(t, tc.capture, map[string]any{"resultCode": tc.code, "pspReference": "V4",
			"amount": map[string]any{"value": tc.value, "currency": "EUR"}})
		if aout.GetStatus() != tc.want || aout.GetAmount().GetMinorAmount() != int64(tc.value) {
			t.Errorf("Authorize %s %d (%v): status %v amount %v, want %v", tc.code, tc.value, tc.capture, aout.GetStatus(), aout.GetAmount(), tc.want)
		}
		if partial := tc.want == v1.PaymentStatus_PAYMENT_STATUS_PARTIALLY_AUTHORIZED; partial && aout.GetCapturedAmount() != nil {
			t.Errorf("Authorize %s %d: captured %v of a partial authorisation", tc.code, tc.value, aout.GetCapturedAmount())
		}
	}
	// Without the amount in the request there is nothing to compare with:
	// the answer's amount is answered as it is.
	req := &v1.PaymentServiceVerifyRedirectResponseRequest{CaptureMethod: v1.CaptureMethod_CAPTURE_METHOD_MANUAL,
		Params: map[string]string{"redirectResult": "X6XtfGC3!Y"}}
	out := mustBuild(t, pdktest.Call{Flow: v1.Flow_FLOW_VERIFY_REDIRECT_RESPONSE, Request: req, Body: answer("Authorised", 600)}).
		Response.(*v1.PaymentServiceVerifyRedirectResponseResponse)
	if out.GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZED || out.GetAmount().GetMinorAmount() != 600 {
		t.Errorf("without a requested amount: status %v amount %v", out.GetStatus(), out.GetAmount())
	}
}

func TestModifications(t *testing.T) {
	received := func(psp string, amount map[string]any) []byte {
		m := map[string]any{"merchantAccount": testMerchant, "paymentPspReference": "PSP1", "pspReference": psp, "status": "received", "reference": "x"}
		if amount != nil {
			m["amount"] = amount
		}
		return mustJSON(t, m)
	}
	eurAmt := func(v int) map[string]any { return map[string]any{"value": v, "currency": "EUR"} }

	res := mustBuild(t, pdktest.Call{Flow: v1.Flow_FLOW_CAPTURE, Request: captureReq(), Status: 201, Body: received("CAP1", eurAmt(1000))})
	if res.HTTP.GetUrl() != SandboxBaseURL+"/payments/PSP1/captures" || string(res.HTTP.GetBody()) != `{"merchantAccount":"TestMerchantECOM","amount":{"currency":"EUR","value":1000},"reference":"cap_1"}` {
		t.Fatalf("%s %s", res.HTTP.GetUrl(), res.HTTP.GetBody())
	}
	c := res.Response.(*v1.PaymentServiceCaptureResponse)
	if c.GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_CAPTURE_PENDING || c.GetConnectorCaptureId() != "CAP1" || c.GetCapturedAmount().GetMinorAmount() != 1000 || c.GetConnectorHttpStatus() != 201 {
		t.Fatalf("capture = %v", c)
	}

	res = mustBuild(t, pdktest.Call{Flow: v1.Flow_FLOW_VOID, Request: &v1.PaymentServiceVoidRequest{ConnectorTransactionId: "PSP1", MerchantVoidId: "void_1"}, Status: 201, Body: received("VOID1", nil)})
	if v := res.Response.(*v1.PaymentServiceVoidResponse); res.HTTP.GetUrl() != SandboxBaseURL+"/payments/PSP1/cancels" || v.GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_VOID_PENDING || v.GetConnectorVoidId() != "VOID1" {
		t.Fatalf("void = %s %v", res.HTTP.GetUrl(), v)
	}

	res = mustBuild(t, pdktest.Call{Flow: v1.Flow_FLOW_REVERSE, Request: &v1.PaymentServiceReverseRequest{ConnectorTransactionId: "PSP1", MerchantReversalId: "rev_1"}, Status: 201, Body: received("REV1", nil)})
	if v := res.Response.(*v1.PaymentServiceReverseResponse); res.HTTP.GetUrl() != SandboxBaseURL+"/payments/PSP1/reversals" || v.GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_REVERSAL_PENDING || v.GetConnectorReversalId() != "REV1" {
		t.Fatalf("reverse = %s %v", res.HTTP.GetUrl(), v)
	}

	refund := &v1.PaymentServiceRefundRequest{ConnectorTransactionId: "PSP1", MerchantRefundId: "ref_1", RefundAmount: eur(500), Reason: "requested_by_customer"}
	res = mustBuild(t, pdktest.Call{Flow: v1.Flow_FLOW_REFUND, Request: refund, Status: 201, Body: received("REF1", eurAmt(500))})
	if b := bodyOf(t, res.HTTP); res.HTTP.GetUrl() != SandboxBaseURL+"/payments/PSP1/refunds" || b["merchantRefundReason"] != "CUSTOMER REQUEST" {
		t.Fatalf("refund request = %s %v", res.HTTP.GetUrl(), b)
	}
	if r := res.Response.(*v1.PaymentServiceRefundResponse); r.GetStatus() != v1.RefundStatus_REFUND_STATUS_PENDING || r.GetConnectorRefundId() != "REF1" || r.GetRefundAmount().GetMinorAmount() != 500 || r.GetConnectorTransactionId() != "PSP1" {
		t.Fatalf("refund = %v", r)
	}

	inc := &v1.PaymentServiceIncrementalAuthorizationRequest{ConnectorTransactionId: "PSP1", MerchantIncrementId: "inc_1", Amount: eur(1500)}
	res = mustBuild(t, pdktest.Call{Flow: v1.Flow_FLOW_INCREMENTAL_AUTHORIZATION, Request: inc, Status: 201, Body: received("ADJ1", eurAmt(1500))})
	if r := res.Response.(*v1.PaymentServiceIncrementalAuthorizationResponse); res.HTTP.GetUrl() != SandboxBaseURL+"/payments/PSP1/amountUpdates" || r.GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZING || r.GetAmount().GetMinorAmount() != 1500 {
		t.Fatalf("amountUpdates = %s %v", res.HTTP.GetUrl(), r)
	}

	// Integrity: an answer for another payment or another amount is refused.
	res = run(t, pdktest.Call{Flow: v1.Flow_FLOW_CAPTURE, Request: captureReq(), Status: 201, Body: received("CAP1", eurAmt(999))})
	wantKind(t, res.ParseError, pluginv1.ErrorKind_ERROR_KIND_INVALID_RESPONSE, "differs")
	other := captureReq()
	other.ConnectorTransactionId = "PSP2"
	res = run(t, pdktest.Call{Flow: v1.Flow_FLOW_CAPTURE, Request: other, Status: 201, Body: received("CAP1", eurAmt(1000))})
	wantKind(t, res.ParseError, pluginv1.ErrorKind_ERROR_KIND_INVALID_RESPONSE, "PSP1")
	// A path-breaking reference is refused at build.
	other.ConnectorTransactionId = "../refunds"
	wantKind(t, run(t, pdktest.Call{Flow: v1.Flow_FLOW_CAPTURE, Request: other}).BuildError, pluginv1.ErrorKind_ERROR_KIND_INVALID_REQUEST, "connector_transaction_id")
}

func TestRecurringFlows(t *testing.T) {
	setup := &v1.PaymentServiceSetupRecurringRequest{MerchantSetupId: "setup_1", PaymentMethod: testCard(),
		Customer: &v1.Customer{Id: "shopper_123"}, Amount: eur(0), ReturnUrl: "https://merchant.example/return"}
	res := mustBuild(t, pdktest.Call{Flow: v1.Flow_FLOW_SETUP_RECURRING, Request: setup, Body: mustJSON(t, map[string]any{
		"pspReference": "SETUP1", "resultCode": "Authorised", "amount": map[string]any{"value": 0, "currency": "EUR"},
		"additionalData": map[string]any{"recurring.recurringDetailReference": "8415995487234100", "recurring.shopperReference": "shopper_123"},
	})})
	b := bodyOf(t, res.HTTP)
	if b["storePaymentMethod"] != true || b["shopperInteraction"] != "Ecommerce" || b["recurringProcessingModel"] != "Subscription" ||
		b["shopperReference"] != "shopper_123" || conformancetest.JSONAt(b, "amount", "value") != float64(0) {
		t.Fatalf("setup body = %v", b)
	}
	s := res.Response.(*v1.PaymentServiceSetupRecurringResponse)
	if s.GetStatus() != v1.MandateStatus_MANDATE_STATUS_ACTIVE || s.GetMandate().GetConnectorMandateId() != "8415995487234100" ||
		s.GetMandate().GetConnectorCustomerId() != "shopper_123" || s.GetConnectorSetupId() != "SETUP1" || s.GetPaymentStatus() != v1.PaymentStatus_PAYMENT_STATUS_UNSPECIFIED {
		t.Fatalf("setup = %v", s)
	}
	// Authorised without a token yet: the id arrives by webhook.
	res = mustBuild(t, pdktest.Call{Flow: v1.Flow_FLOW_SETUP_RECURRING, Request: setup, Body: mustJSON(t, map[string]any{"pspReference": "SETUP2", "resultCode": "Authorised"})})
	if s := res.Response.(*v1.PaymentServiceSetupRecurringResponse); s.GetStatus() != v1.MandateStatus_MANDATE_STATUS_PENDING || s.GetMandate() != nil {
		t.Fatalf("setup without token = %v", s)
	}
	res = mustBuild(t, pdktest.Call{Flow: v1.Flow_FLOW_SETUP_RECURRING, Request: setup, Body: mustJSON(t, map[string]any{"pspReference": "SETUP3", "resultCode": "Refused", "refusalReasonCode": "6", "refusalReason": "Expired Card"})})
	if s := res.Response.(*v1.PaymentServiceSetupRecurringResponse); s.GetStatus() != v1.MandateStatus_MANDATE_STATUS_FAILED || s.GetError().GetCode() != v1.ErrorCode_ERROR_CODE_EXPIRED_CARD {
		t.Fatalf("refused setup = %v", s)
	}

	charge := &v1.RecurringPaymentServiceChargeRequest{MerchantTransactionId: "sub_1", Amount: eur(999),
		Mandate: &v1.MandateReference{ConnectorMandateId: "8415995487234100", ConnectorCustomerId: "shopper_123"}}
	cfg := map[string]string{"return_url": "https://merchant.example/return"}
	for model, want := range map[string]string{"": "Subscription", "UnscheduledCardOnFile": "UnscheduledCardOnFile", "CardOnFile": "CardOnFile"} {
		charge.RecurringModel = model
		res = mustBuild(t, pdktest.Call{Flow: v1.Flow_FLOW_RECURRING_CHARGE, Request: charge, Config: cfg,
			Body: mustJSON(t, map[string]any{"pspReference": "CH1", "resultCode": "Authorised"})})
		b := bodyOf(t, res.HTTP)
		if b["recurringProcessingModel"] != want || b["shopperInteraction"] != "ContAuth" || conformancetest.JSONAt(b, "paymentMethod", "storedPaymentMethodId") != "8415995487234100" || b["returnUrl"] != cfg["return_url"] {
			t.Fatalf("charge body (%q) = %v", model, b)
		}
		if r := res.Response.(*v1.RecurringPaymentServiceChargeResponse); r.GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_CHARGED || r.GetConnectorTransactionId() != "CH1" {
			t.Fatalf("charge = %v", r)
		}
	}
	charge.RecurringModel = "Weekly"
	wantKind(t, run(t, pdktest.Call{Flow: v1.Flow_FLOW_RECURRING_CHARGE, Request: charge, Config: cfg}).BuildError, pluginv1.ErrorKind_ERROR_KIND_INVALID_REQUEST, "recurring_model")
	charge.RecurringModel = ""
	// The request's return_url wins over config; with neither, the charge is refused naming the field.
	charge.ReturnUrl = "https://merchant.example/3ds-return"
	b = bodyOf(t, mustBuild(t, pdktest.Call{Flow: v1.Flow_FLOW_RECURRING_CHARGE, Request: charge, Config: cfg}).HTTP)
	if b["returnUrl"] != charge.ReturnUrl {
		t.Fatalf("returnUrl = %v, want the request's", b["returnUrl"])
	}
	b = bodyOf(t, mustBuild(t, pdktest.Call{Flow: v1.Flow_FLOW_RECURRING_CHARGE, Request: charge}).HTTP)
	if b["returnUrl"] != charge.ReturnUrl {
		t.Fatalf("returnUrl without config = %v", b["returnUrl"])
	}
	charge.ReturnUrl = ""
	res = run(t, pdktest.Call{Flow: v1.Flow_FLOW_RECURRING_CHARGE, Request: charge})
	wantKind(t, res.BuildError, pluginv1.ErrorKind_ERROR_KIND_INVALID_REQUEST, "return_url")
	if !strings.HasPrefix(res.BuildError.GetMessage(), "return_url:") {
		t.Fatalf("error %q does not name the request field return_url", res.BuildError.GetMessage())
	}

	revoke := &v1.RecurringPaymentServiceRevokeRequest{Mandate: &v1.MandateReference{ConnectorMandateId: "8415995487234100", ConnectorCustomerId: "shopper 123&x"}, MerchantRevokeId: "rv1"}
	res = mustBuild(t, pdktest.Call{Flow: v1.Flow_FLOW_RECURRING_REVOKE, Request: revoke, Status: 204})
	if res.HTTP.GetMethod() != "DELETE" || res.HTTP.GetUrl() != SandboxBaseURL+"/storedPaymentMethods/8415995487234100?shopperReference=shopper+123%26x&merchantAccount=TestMerchantECOM" || len(res.HTTP.GetBody()) != 0 {
		t.Fatalf("revoke = %s %s", res.HTTP.GetMethod(), res.HTTP.GetUrl())
	}
	// Checkout v71 declares Idempotency-Key on POSTs only; the DELETE is retry-safe by itself.
	if !res.HTTP.GetIdempotent() || pdktest.HeaderValue(res.HTTP, idempotencyHeader) != "" {
		t.Fatalf("revoke: idempotent=%v Idempotency-Key=%q, want retry-safe without a key",
			res.HTTP.GetIdempotent(), pdktest.HeaderValue(res.HTTP, idempotencyHeader))
	}
	if r := res.Response.(*v1.RecurringPaymentServiceRevokeResponse); r.GetStatus() != v1.MandateStatus_MANDATE_STATUS_REVOKED || r.GetConnectorMandateId() != "8415995487234100" {
		t.Fatalf("revoke = %v", r)
	}
	res = run(t, pdktest.Call{Flow: v1.Flow_FLOW_RECURRING_REVOKE, Request: revoke, Status: 404, Body: []byte(`{"status":404,"errorCode":"000","message":"Stored payment method not found","errorType":"validation"}`)})
	wantKind(t, res.ParseError, pluginv1.ErrorKind_ERROR_KIND_NOT_FOUND, "not found")
}

func TestDisputeFlows(t *testing.T) {
	ok := []byte(`{"disputeServiceResult":{"success":true}}`)
	res := mustBuild(t, pdktest.Call{Flow: v1.Flow_FLOW_DISPUTE_GET, Request: &v1.DisputeServiceGetRequest{ConnectorDisputeId: "DSP1", ConnectorTransactionId: "PSP1"},
		Body: []byte(`{"disputeServiceResult":{"success":true},"defenseReasons":[
			{"defenseReasonCode":"GoodsWereAsDescribed","satisfied":false,"defenseDocumentTypes":[
				{"defenseDocumentTypeCode":"GoodsWereAsDescribed","requirementLevel":"Required","available":false},
				{"defenseDocumentTypeCode":"TIDorInvoice","requirementLevel":"Optional","available":true}]},
			{"defenseReasonCode":"SupplyDefenseMaterial","satisfied":true}]}`)})
	if string(res.HTTP.GetBody()) != `{"merchantAccountCode":"TestMerchantECOM","disputePspReference":"DSP1"}` {
		t.Fatalf("body = %s", res.HTTP.GetBody())
	}
	g := res.Response.(*v1.DisputeServiceGetResponse)
	if len(g.GetDefenseReasons()) != 2 || g.GetDefenseReasons()[0].GetCode() != "GoodsWereAsDescribed" ||
		g.GetDefenseReasons()[0].GetRequiredEvidence()[0] != "GoodsWereAsDescribed" || g.GetDefenseReasons()[0].GetOptionalEvidence()[0] != "TIDorInvoice" ||
		!g.GetDefenseReasons()[1].GetSatisfied() || g.GetStatus() != v1.DisputeStatus_DISPUTE_STATUS_UNKNOWN {
		t.Fatalf("get = %v", g)
	}

	res = mustBuild(t, pdktest.Call{Flow: v1.Flow_FLOW_DISPUTE_ACCEPT, Request: &v1.DisputeServiceAcceptRequest{ConnectorDisputeId: "DSP1"}, Body: ok})
	if a := res.Response.(*v1.DisputeServiceAcceptResponse); a.GetStatus() != v1.DisputeStatus_DISPUTE_STATUS_ACCEPTED {
		t.Fatalf("accept = %v", a)
	}
	res = run(t, pdktest.Call{Flow: v1.Flow_FLOW_DISPUTE_ACCEPT, Request: &v1.DisputeServiceAcceptRequest{ConnectorDisputeId: "DSP1"},
		Body: []byte(`{"disputeServiceResult":{"success":false,"errorMessage":"Dispute not found."}}`)})
	wantKind(t, res.ParseError, pluginv1.ErrorKind_ERROR_KIND_NOT_FOUND, "Dispute not found")
	res = run(t, pdktest.Call{Flow: v1.Flow_FLOW_DISPUTE_ACCEPT, Request: &v1.DisputeServiceAcceptRequest{ConnectorDisputeId: "DSP1"},
		Body: []byte(`{"disputeServiceResult":{"success":false,"errorMessage":"Dispute is not acceptable"}}`)})
	wantKind(t, res.ParseError, pluginv1.ErrorKind_ERROR_KIND_CONFLICT, "not acceptable")

	evidence := []*v1.EvidenceDocument{{Type: v1.EvidenceType_EVIDENCE_TYPE_RECEIPT, Content: []byte("%PDF"), MimeType: "application/pdf"}}
	defend := &v1.DisputeServiceDefendRequest{ConnectorDisputeId: "DSP1", DefenseReasonCode: "GoodsWereAsDescribed", Evidence: evidence}
	// Evidence not supplied yet: the host must run SubmitEvidence first.
	res = run(t, pdktest.Call{Flow: v1.Flow_FLOW_DISPUTE_DEFEND, Request: defend})
	if res.NextStep.GetFlow() != v1.Flow_FLOW_DISPUTE_SUBMIT_EVIDENCE {
		t.Fatalf("defend with new evidence: next step = %v, build error %v", res.NextStep, res.BuildError)
	}
	// Once supplied (the step's state), Defend defends.
	res = mustBuild(t, pdktest.Call{Flow: v1.Flow_FLOW_DISPUTE_DEFEND, Request: defend, Body: ok,
		State: &v1.ConnectorState{Values: map[string]string{stateEvidence: "DSP1"}}})
	if !strings.HasSuffix(res.HTTP.GetUrl(), "/defendDispute") || bodyOf(t, res.HTTP)["defenseReasonCode"] != "GoodsWereAsDescribed" {
		t.Fatalf("defend = %s %s", res.HTTP.GetUrl(), res.HTTP.GetBody())
	}
	if d := res.Response.(*v1.DisputeServiceDefendResponse); d.GetStatus() != v1.DisputeStatus_DISPUTE_STATUS_UNDER_REVIEW {
		t.Fatalf("defend = %v", d)
	}
	wantKind(t, run(t, pdktest.Call{Flow: v1.Flow_FLOW_DISPUTE_DEFEND, Request: &v1.DisputeServiceDefendRequest{ConnectorDisputeId: "DSP1"}}).BuildError,
		pluginv1.ErrorKind_ERROR_KIND_INVALID_REQUEST, "defense_reason_code")

	res = mustBuild(t, pdktest.Call{Flow: v1.Flow_FLOW_DISPUTE_SUBMIT_EVIDENCE, Request: &v1.DisputeServiceSubmitEvidenceRequest{ConnectorDisputeId: "DSP1", Evidence: evidence}, Body: ok})
	if string(res.HTTP.GetBody()) != `{"merchantAccountCode":"TestMerchantECOM","disputePspReference":"DSP1","defenseDocuments":[{"content":"JVBERg==","contentType":"application/pdf","defenseDocumentTypeCode":"TIDorInvoice"}]}` {
		t.Fatalf("supply body = %s", res.HTTP.GetBody())
	}
	if s := res.Response.(*v1.DisputeServiceSubmitEvidenceResponse); s.GetState().GetValues()[stateEvidence] != "DSP1" || s.GetStatus() != v1.DisputeStatus_DISPUTE_STATUS_NEEDS_RESPONSE {
		t.Fatalf("supply = %v", s)
	}
	// connector_evidence_type is sent as Adyen's defenseDocumentTypeCode instead of the mapping.
	own := []*v1.EvidenceDocument{
		{Type: v1.EvidenceType_EVIDENCE_TYPE_SHIPPING_DOCUMENTATION, ConnectorEvidenceType: "GoodsRepairedOrReplaced", Content: []byte("%PDF"), MimeType: "application/pdf"},
		{Type: v1.EvidenceType_EVIDENCE_TYPE_RECEIPT, Content: []byte("%PDF"), MimeType: "application/pdf"},
	}
	res = mustBuild(t, pdktest.Call{Flow: v1.Flow_FLOW_DISPUTE_SUBMIT_EVIDENCE, Request: &v1.DisputeServiceSubmitEvidenceRequest{ConnectorDisputeId: "DSP1", Evidence: own}, Body: ok})
	docs, _ := bodyOf(t, res.HTTP)["defenseDocuments"].([]any)
	if len(docs) != 2 || conformancetest.JSONAt(docs[0], "defenseDocumentTypeCode") != "GoodsRepairedOrReplaced" || conformancetest.JSONAt(docs[1], "defenseDocumentTypeCode") != "TIDorInvoice" {
		t.Fatalf("defenseDocuments = %v", docs)
	}
	if ids := res.Response.(*v1.DisputeServiceSubmitEvidenceResponse).GetSubmittedEvidenceIds(); strings.Join(ids, ",") != "GoodsRepairedOrReplaced,TIDorInvoice" {
		t.Fatalf("submitted evidence ids = %v", ids)
	}
	text := []*v1.EvidenceDocument{{Type: v1.EvidenceType_EVIDENCE_TYPE_UNCATEGORIZED, Text: "we shipped it"}}
	wantKind(t, run(t, pdktest.Call{Flow: v1.Flow_FLOW_DISPUTE_SUBMIT_EVIDENCE, Request: &v1.DisputeServiceSubmitEvidenceRequest{ConnectorDisputeId: "DSP1", Evidence: text}}).BuildError,
		pluginv1.ErrorKind_ERROR_KIND_INVALID_REQUEST, "evidence[0].content")
	res = run(t, pdktest.Call{Flow: v1.Flow_FLOW_DISPUTE_GET, Request: &v1.DisputeServiceGetRequest{ConnectorDisputeId: "DSP1"}, Body: []byte(`{"defenseReasons":[]}`)})
	wantKind(t, res.ParseError, pluginv1.ErrorKind_ERROR_KIND_INVALID_RESPONSE, "disputeServiceResult")
}

// TestPayoutCancel: the credentials choose the API (balance_account_id: the
// Transfers API; a blank one is unset, as for Create), both need the payout
// and the cancel id, and a classic decline that is not
// "[payout-decline-received]" is not read as canceled.
func TestPayoutCancel(t *testing.T) {
	transfers, blank := testCreds(), testCreds()
	transfers[credBalanceAccount], blank[credBalanceAccount] = "BA1", "  "
	for name, creds := range map[string]map[string]string{"classic": testCreds(), "classic blank": blank, "transfers": transfers} {
		req := &v1.PayoutServiceCancelRequest{MerchantCancelId: "c1"}
		wantKind(t, run(t, pdktest.Call{Flow: v1.Flow_FLOW_PAYOUT_CANCEL, Request: req, Credentials: creds}).BuildError,
			pluginv1.ErrorKind_ERROR_KIND_INVALID_REQUEST, "connector_payout_id")
		req = &v1.PayoutServiceCancelRequest{ConnectorPayoutId: "P1"}
		wantKind(t, run(t, pdktest.Call{Flow: v1.Flow_FLOW_PAYOUT_CANCEL, Request: req, Credentials: creds}).BuildError,
			pluginv1.ErrorKind_ERROR_KIND_INVALID_REQUEST, "merchant_cancel_id")
		req.MerchantCancelId = "c1"
		r := mustBuild(t, pdktest.Call{Flow: v1.Flow_FLOW_PAYOUT_CANCEL, Request: req, Credentials: creds}).HTTP
		want := map[string]string{"classic": "https://pal-test.adyen.com/pal/servlet/Payout/v68/declineThirdParty",
			"transfers": "https://balanceplatform-api-test.adyen.com/btl/v4/transfers/cancel"}[strings.TrimSuffix(name, " blank")]
		if r.GetUrl() != want || !strings.HasPrefix(pdk.Header(r.GetHeaders(), "Idempotency-Key"), "payout_cancel:") {
			t.Errorf("%s: %s %v", name, r.GetUrl(), r.GetHeaders())
		}
	}
	res := run(t, pdktest.Call{Flow: v1.Flow_FLOW_PAYOUT_CANCEL, Request: &v1.PayoutServiceCancelRequest{ConnectorPayoutId: "P1", MerchantCancelId: "c1"},
		Status: 200, Body: []byte(`{"pspReference":"881","response":"[payout-decline-refused]"}`)})
	out, _ := res.Response.(*v1.PayoutServiceCancelResponse)
	if out.GetStatus() != v1.PayoutStatus_PAYOUT_STATUS_UNKNOWN || out.GetError().GetConnector().GetRequestId() != "881" {
		t.Errorf("refused decline = %v %v", out, res.ParseError)
	}
}

// TestClassicPayoutAnswersWithoutBrackets: Payout v68 documents the submit and
// decline answers both as "[payout-submit-received]" (examples) and as
// "payout-submit-received" (SubmitResponse / ModifyResponse descriptions);
// either is a received submit or decline, never an unknown outcome.
func TestClassicPayoutAnswersWithoutBrackets(t *testing.T) {
	req := &v1.PayoutServiceCreateRequest{MerchantPayoutId: "payout_2", Amount: eur(1000), Recipient: &v1.PayoutRecipient{
		Destination: &v1.PayoutRecipient_ConnectorRecipientId{ConnectorRecipientId: "shopper_ref_42:8415718415172200"},
		Customer:    &v1.Customer{Email: "s.hopper@example.com"}}}
	for _, code := range []string{"[payout-submit-received]", "payout-submit-received"} {
		res := run(t, pdktest.Call{Flow: v1.Flow_FLOW_PAYOUT_CREATE, Request: req, Status: 200,
			Body: []byte(`{"pspReference":"8815131762537886","resultCode":"` + code + `"}`)})
		if out, _ := res.Response.(*v1.PayoutServiceCreateResponse); out.GetStatus() != v1.PayoutStatus_PAYOUT_STATUS_PENDING {
			t.Errorf("%s: payout = %v %v", code, out, res.ParseError)
		}
	}
	cancel := &v1.PayoutServiceCancelRequest{ConnectorPayoutId: "P1", MerchantCancelId: "c1"}
	for _, got := range []string{"[payout-decline-received]", "payout-decline-received"} {
		res := run(t, pdktest.Call{Flow: v1.Flow_FLOW_PAYOUT_CANCEL, Request: cancel, Status: 200,
			Body: []byte(`{"pspReference":"881","response":"` + got + `"}`)})
		if out, _ := res.Response.(*v1.PayoutServiceCancelResponse); out.GetStatus() != v1.PayoutStatus_PAYOUT_STATUS_CANCELED || out.GetError() != nil {
			t.Errorf("%s: cancel = %v %v", got, out, res.ParseError)
		}
	}
}

// TestStoreDetailRefusal: a /storeDetail answer whose resultCode is not Success
// stored nothing, so it carries no recurringDetailReference; it is the
// processor's refusal, not a malformed answer.
func TestStoreDetailRefusal(t *testing.T) {
	req := &v1.PayoutServiceCreateRecipientRequest{MerchantRecipientId: "rcpt_1", DateOfBirth: "1982-07-17", Nationality: "NL",
		Destination: &v1.PayoutServiceCreateRecipientRequest_BankAccount{BankAccount: &v1.PayoutBankAccount{AccountHolderName: "Simon Hopper",
			Iban: "NL13TEST0123456789", Country: "NL", Currency: "EUR"}},
		Customer: &v1.Customer{Id: "shopper_ref_42", Email: "s.hopper@example.com"}}
	res := run(t, pdktest.Call{Flow: v1.Flow_FLOW_PAYOUT_CREATE_RECIPIENT, Request: req, Status: 200,
		Body: []byte(`{"pspReference":"991617894326362D","resultCode":"Refused"}`)})
	wantKind(t, res.ParseError, pluginv1.ErrorKind_ERROR_KIND_PROCESSOR_REJECTED, "storeDetail answered Refused")
}
