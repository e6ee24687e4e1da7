//go:build !wasip1

package adyen

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/connectorhost/connector-host/conformance/conformancetest"
	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk"
	"github.com/connectorhost/connector-host/pdk/pdktest"
)

// TestSpecHarnessCatchesBadRequests proves the validator fails requests that
// break Adyen's spec, with the validator's message: a wrong path, an unknown
// field, a wrong type, a missing required field, a missing API key.
func TestSpecHarnessCatchesBadRequests(t *testing.T) {
	s := loadSpecs(t)
	base := "http://adyen.fake.test"
	v := newValidator(t, s, base, testAPIKey)
	valid := `{"merchantAccount":"M","reference":"r1","amount":{"currency":"EUR","value":1000},"paymentMethod":{"type":"scheme","number":"4111111111111111","expiryMonth":"03","expiryYear":"2030","cvc":"737"},"returnUrl":"https://x.example/r"}`
	cases := []struct {
		name, method, path, body, want string
		noKey                          bool
	}{
		{"valid", "POST", "/v71/payments", valid, "", false},
		{"wrong path", "POST", "/v71/paymentz", valid, "not an operation", false},
		{"unknown field", "POST", "/v71/payments", strings.Replace(valid, `"reference"`, `"colour":"red","reference"`, 1), "colour", false},
		{"unknown paymentMethod field", "POST", "/v71/payments", strings.Replace(valid, `"cvc":"737"`, `"cvc":"737","pin":"1234"`, 1), "paymentMethod", false},
		{"wrong type", "POST", "/v71/payments", strings.Replace(valid, `"value":1000`, `"value":"1000"`, 1), "value", false},
		{"missing required", "POST", "/v71/payments", strings.Replace(valid, `"merchantAccount":"M",`, ``, 1), "merchantAccount", false},
		{"missing api key", "POST", "/v71/payments", valid, "X-API-Key", true},
		{"refund reason null is allowed (nullable rewrite)", "POST", "/v71/payments/PSP1/refunds",
			`{"merchantAccount":"M","amount":{"currency":"EUR","value":1},"merchantRefundReason":null}`, "", false},
		{"refund reason outside the enum", "POST", "/v71/payments/PSP1/refunds",
			`{"merchantAccount":"M","amount":{"currency":"EUR","value":1},"merchantRefundReason":"BORED"}`, "merchantRefundReason", false},
		{"revoke without merchantAccount", "DELETE", "/v71/storedPaymentMethods/M5N7?shopperReference=abc", "", "merchantAccount", false},
		{"dispute valid", "POST", DisputesPath + "/acceptDispute", `{"merchantAccountCode":"M","disputePspReference":"D1"}`, "", false},
		{"dispute unknown field", "POST", DisputesPath + "/acceptDispute", `{"merchantAccountCode":"M","disputePspReference":"D1","note":"x"}`, "note", false},
		{"dispute missing required", "POST", DisputesPath + "/defendDispute", `{"merchantAccountCode":"M","disputePspReference":"D1"}`, "defenseReasonCode", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var body *bytes.Reader
			body = bytes.NewReader([]byte(tc.body))
			r, err := http.NewRequest(tc.method, base+tc.path, body)
			if err != nil {
				t.Fatal(err)
			}
			if tc.body != "" {
				r.Header.Set("Content-Type", "application/json")
			}
			if !tc.noKey {
				r.Header.Set("X-API-Key", testAPIKey)
			}
			r.Header.Set("Idempotency-Key", "k1")
			_, err = v.validateRequest(r, []byte(tc.body))
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("valid request refused: %v", err)
			case tc.want != "" && err == nil:
				t.Fatal("invalid request accepted")
			case tc.want != "" && !strings.Contains(err.Error(), tc.want):
				t.Fatalf("validator message %q does not mention %q", err, tc.want)
			}
		})
	}
}

// TestSpecConformance runs every declared flow end to end through the host's executor (conformancetest)
// against the fake Adyen, which validates each request against Checkout v71
// or Disputes v30 and answers in the documented shapes.
func TestSpecConformance(t *testing.T) {
	kit, err := conformancetest.Native(New())
	if err != nil {
		t.Fatal(err)
	}
	runSpecConformance(t, kit)
}

// runSpecConformance runs the flows on kit (natively, or a loaded .wasm).
func runSpecConformance(t *testing.T, kit *conformancetest.Plugin) {
	s := loadSpecs(t)
	fake := newFakeAdyen(t, s)
	cc := (&pdktest.Call{
		Credentials: testCreds(),
		BaseURL:     fake.URL() + "/v71",
		Config:      map[string]string{"return_url": "https://merchant.example/return"},
	}).Context()
	exec := func(t *testing.T, flow v1.Flow, req pdk.Message) (pdk.Message, []exchange) {
		t.Helper()
		ex, err := kit.Execute(context.Background(), fake.Client(), flow, req, cc)
		if err != nil {
			t.Fatalf("execute %v: %v", flow, err)
		}
		if ex.Err != nil {
			t.Fatalf("%v failed: %v (plugin error %v)", flow, ex.Err, ex.Error)
		}
		return ex.Response, fake.take()
	}
	card := authorizeReq()
	card.Customer = &v1.Customer{Id: "shopper_123", Email: "shopper@example.com", Phone: "+31201234567", Name: "John Smith"}
	card.BillingAddress = &v1.Address{Line1: "Simon Carmiggeltstraat", Line2: "6-50", City: "Amsterdam", PostalCode: "1011DJ", Country: "NL", State: "NH"}
	card.ShippingAddress = &v1.Address{Line1: "Simon Carmiggeltstraat", Line2: "6-50", City: "Amsterdam", PostalCode: "1011DJ", Country: "NL", FirstName: "John", LastName: "Smith"}
	card.BrowserInfo = &v1.BrowserInfo{AcceptHeader: "text/html", UserAgent: "Mozilla/5.0", Language: "nl-NL", ColorDepth: 24, ScreenHeight: 723, ScreenWidth: 1536, JavascriptEnabled: true, IpAddress: "203.0.113.7"}
	card.CaptureMethod = v1.CaptureMethod_CAPTURE_METHOD_MANUAL
	card.RequestIncrementalAuthorization = true
	card.AuthenticationType = v1.AuthenticationType_AUTHENTICATION_TYPE_THREE_DS
	card.ThreeDs = &v1.ThreeDsData{Eci: "05", AuthenticationValue: "AAABBBCCCDDDEEEFFF0000000000=", DsTransactionId: "f25084f0-5b16-4c0a-ae5d-b24808a95e4b", MessageVersion: "2.2.0", TransactionStatus: "Y"}
	card.Metadata = map[string]string{"orderId": "12xy"}
	card.StatementDescriptor = "ACME SHOP"
	card.MerchantOrderReference = "order-group-1"
	card.OrderDetails = []*v1.OrderDetail{{ProductName: "Shoes", ProductId: "sku1", Quantity: 1, UnitAmount: 1000, TaxAmount: 174, Category: "physical"}}

	t.Run("Authorize card manual", func(t *testing.T) {
		resp, ex := exec(t, v1.Flow_FLOW_AUTHORIZE, card)
		out := resp.(*v1.PaymentServiceAuthorizeResponse)
		if out.GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZED || out.GetConnectorTransactionId() == "" || !out.GetIncrementalAuthorizationAllowed() || out.GetNetworkTransactionId() != "NTX123456789" {
			t.Fatalf("authorize = %v", out)
		}
		if len(ex) != 1 || ex[0].operation != "post-payments" || ex[0].idempotencyKey != "authorize:TestMerchantECOM:order_1" {
			t.Fatalf("exchanges = %+v", ex)
		}
	})
	methods := map[string]*v1.PaymentMethod{
		"ideal":     {Method: &v1.PaymentMethod_BankRedirect{BankRedirect: &v1.BankRedirect{Kind: v1.BankRedirectKind_BANK_REDIRECT_KIND_IDEAL, Issuer: "1121"}}},
		"sofort":    {Method: &v1.PaymentMethod_BankRedirect{BankRedirect: &v1.BankRedirect{Kind: v1.BankRedirectKind_BANK_REDIRECT_KIND_SOFORT, Country: "DE"}}},
		"eps":       {Method: &v1.PaymentMethod_BankRedirect{BankRedirect: &v1.BankRedirect{Kind: v1.BankRedirectKind_BANK_REDIRECT_KIND_EPS, Issuer: "bankhaus"}}},
		"blik":      {Method: &v1.PaymentMethod_BankRedirect{BankRedirect: &v1.BankRedirect{Kind: v1.BankRedirectKind_BANK_REDIRECT_KIND_BLIK, BlikCode: "777123"}}},
		"trustly":   {Method: &v1.PaymentMethod_BankRedirect{BankRedirect: &v1.BankRedirect{Kind: v1.BankRedirectKind_BANK_REDIRECT_KIND_TRUSTLY}}},
		"paypal":    {Method: &v1.PaymentMethod_Wallet{Wallet: &v1.Wallet{Wallet: &v1.Wallet_Paypal{Paypal: &v1.PayPalWallet{}}}}},
		"applepay":  {Method: &v1.PaymentMethod_Wallet{Wallet: &v1.Wallet{Wallet: &v1.Wallet_ApplePay{ApplePay: &v1.ApplePay{PaymentData: `{"version":"EC_v1","data":"x"}`}}}}},
		"googlepay": {Method: &v1.PaymentMethod_Wallet{Wallet: &v1.Wallet{Wallet: &v1.Wallet_GooglePay{GooglePay: &v1.GooglePay{Token: `{"signature":"x"}`}}}}},
		"sepa":      {Method: &v1.PaymentMethod_BankDebit{BankDebit: &v1.BankDebit{Kind: v1.BankDebitKind_BANK_DEBIT_KIND_SEPA, Iban: "NL13TEST0123456789", AccountHolderName: "A Schneider"}}},
		"ach":       {Method: &v1.PaymentMethod_BankDebit{BankDebit: &v1.BankDebit{Kind: v1.BankDebitKind_BANK_DEBIT_KIND_ACH, AccountNumber: "123456789", RoutingNumber: "011000138", AccountHolderName: "A Smith", AccountType: "savings"}}},
		"bacs":      {Method: &v1.PaymentMethod_BankDebit{BankDebit: &v1.BankDebit{Kind: v1.BankDebitKind_BANK_DEBIT_KIND_BACS, AccountNumber: "40308669", RoutingNumber: "560036", AccountHolderName: "D Duck"}}},
		"klarna":    {Method: &v1.PaymentMethod_PayLater{PayLater: &v1.PayLater{Kind: v1.PayLaterKind_PAY_LATER_KIND_KLARNA}}},
		"affirm":    {Method: &v1.PaymentMethod_PayLater{PayLater: &v1.PayLater{Kind: v1.PayLaterKind_PAY_LATER_KIND_AFFIRM}}},
		"afterpay":  {Method: &v1.PaymentMethod_PayLater{PayLater: &v1.PayLater{Kind: v1.PayLaterKind_PAY_LATER_KIND_AFTERPAY_CLEARPAY}}},
		"token":     {Method: &v1.PaymentMethod_Token{Token: &v1.ProcessorToken{Token: "M5N7TQ4TG5PFWR50"}}},
	}
	for name, pm := range methods {
		t.Run("Authorize "+name, func(t *testing.T) {
			req := authorizeReq()
			req.MerchantTransactionId = "order_" + name
			req.PaymentMethod = pm
			req.Customer = card.Customer
			req.BillingAddress = card.BillingAddress
			req.OrderDetails = card.OrderDetails
			resp, _ := exec(t, v1.Flow_FLOW_AUTHORIZE, req)
			out := resp.(*v1.PaymentServiceAuthorizeResponse)
			switch out.GetStatus() {
			case v1.PaymentStatus_PAYMENT_STATUS_CHARGED, v1.PaymentStatus_PAYMENT_STATUS_PENDING:
			case v1.PaymentStatus_PAYMENT_STATUS_AUTHENTICATION_PENDING:
				if out.GetNextAction().GetRedirect().GetUrl() == "" || out.GetState().GetValues()[stateCapture] != "automatic" {
					t.Fatalf("redirect = %v state %v", out.GetNextAction(), out.GetState())
				}
			default:
				t.Fatalf("status %v", out.GetStatus())
			}
		})
	}
	t.Run("Authorize storing the card", func(t *testing.T) {
		req := authorizeReq()
		req.SetupFutureUsage = v1.FutureUsage_FUTURE_USAGE_ON_SESSION
		req.Customer = &v1.Customer{Id: "shopper_123"}
		resp, _ := exec(t, v1.Flow_FLOW_AUTHORIZE, req)
		if m := resp.(*v1.PaymentServiceAuthorizeResponse).GetMandate(); m.GetConnectorMandateId() != "M5N7TQ4TG5PFWR50" || m.GetConnectorCustomerId() != "shopper_123" {
			t.Fatalf("mandate = %v", m)
		}
	})
	t.Run("VerifyRedirectResponse", func(t *testing.T) {
		resp, ex := exec(t, v1.Flow_FLOW_VERIFY_REDIRECT_RESPONSE, &v1.PaymentServiceVerifyRedirectResponseRequest{
			MerchantTransactionId: "order_1", Params: map[string]string{"redirectResult": "X6XtfGC3!Y...", "shopperOrder": "12xy"},
			State: &v1.ConnectorState{Values: map[string]string{stateCapture: "manual"}},
		})
		if out := resp.(*v1.PaymentServiceVerifyRedirectResponseResponse); out.GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZED || out.GetConnectorTransactionId() != "V4HZ4RBFJGXXGN82" {
			t.Fatalf("details = %v", out)
		}
		if ex[0].operation != "post-payments-details" {
			t.Fatalf("operation %s", ex[0].operation)
		}
	})
	t.Run("Capture", func(t *testing.T) {
		resp, ex := exec(t, v1.Flow_FLOW_CAPTURE, captureReq())
		if out := resp.(*v1.PaymentServiceCaptureResponse); out.GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_CAPTURE_PENDING || out.GetConnectorCaptureId() == "" || out.GetConnectorHttpStatus() != 201 {
			t.Fatalf("capture = %v", out)
		}
		if ex[0].path != "/v71/payments/PSP1/captures" {
			t.Fatalf("path %s", ex[0].path)
		}
	})
	t.Run("Void", func(t *testing.T) {
		resp, _ := exec(t, v1.Flow_FLOW_VOID, &v1.PaymentServiceVoidRequest{ConnectorTransactionId: "PSP1", MerchantVoidId: "void_1", CancellationReason: "duplicate"})
		if out := resp.(*v1.PaymentServiceVoidResponse); out.GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_VOID_PENDING {
			t.Fatalf("void = %v", out)
		}
	})
	t.Run("Reverse", func(t *testing.T) {
		resp, _ := exec(t, v1.Flow_FLOW_REVERSE, &v1.PaymentServiceReverseRequest{ConnectorTransactionId: "PSP1", MerchantReversalId: "rev_1"})
		if out := resp.(*v1.PaymentServiceReverseResponse); out.GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_REVERSAL_PENDING {
			t.Fatalf("reverse = %v", out)
		}
	})
	for _, reason := range []string{"", "fraudulent", "some free text"} {
		t.Run("Refund "+reason, func(t *testing.T) {
			resp, _ := exec(t, v1.Flow_FLOW_REFUND, &v1.PaymentServiceRefundRequest{ConnectorTransactionId: "PSP1", MerchantRefundId: "ref_1", RefundAmount: eur(500), Reason: reason})
			if out := resp.(*v1.PaymentServiceRefundResponse); out.GetStatus() != v1.RefundStatus_REFUND_STATUS_PENDING || out.GetRefundAmount().GetMinorAmount() != 500 {
				t.Fatalf("refund = %v", out)
			}
		})
	}
	t.Run("IncrementalAuthorization", func(t *testing.T) {
		resp, _ := exec(t, v1.Flow_FLOW_INCREMENTAL_AUTHORIZATION, &v1.PaymentServiceIncrementalAuthorizationRequest{ConnectorTransactionId: "PSP1", MerchantIncrementId: "inc_1", Amount: eur(1500)})
		if out := resp.(*v1.PaymentServiceIncrementalAuthorizationResponse); out.GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZING || out.GetAmount().GetMinorAmount() != 1500 {
			t.Fatalf("amountUpdates = %v", out)
		}
	})
	t.Run("SetupRecurring", func(t *testing.T) {
		resp, _ := exec(t, v1.Flow_FLOW_SETUP_RECURRING, &v1.PaymentServiceSetupRecurringRequest{
			MerchantSetupId: "setup_1", PaymentMethod: testCard(), Customer: &v1.Customer{Id: "shopper_123", Email: "shopper@example.com"},
			BillingAddress: card.BillingAddress, Amount: eur(0), ReturnUrl: "https://merchant.example/return", BrowserInfo: card.BrowserInfo,
			FutureUsage: v1.FutureUsage_FUTURE_USAGE_OFF_SESSION,
		})
		if out := resp.(*v1.PaymentServiceSetupRecurringResponse); out.GetStatus() != v1.MandateStatus_MANDATE_STATUS_ACTIVE || out.GetMandate().GetConnectorMandateId() != "M5N7TQ4TG5PFWR50" {
			t.Fatalf("setup = %v", out)
		}
	})
	mandate := &v1.MandateReference{ConnectorMandateId: "M5N7TQ4TG5PFWR50", ConnectorCustomerId: "shopper_123"}
	for _, model := range []string{"", "CardOnFile", "UnscheduledCardOnFile"} {
		t.Run("RecurringCharge "+model, func(t *testing.T) {
			req := &v1.RecurringPaymentServiceChargeRequest{
				MerchantTransactionId: "sub_1", Amount: eur(999), Mandate: mandate, RecurringModel: model,
				CaptureMethod: v1.CaptureMethod_CAPTURE_METHOD_MANUAL, Metadata: map[string]string{"plan": "gold"}, StatementDescriptor: "ACME SUB",
			}
			if model == "CardOnFile" {
				req.ReturnUrl = "https://merchant.example/3ds-return"
			}
			resp, ex := exec(t, v1.Flow_FLOW_RECURRING_CHARGE, req)
			if want := pdk.First(req.GetReturnUrl(), "https://merchant.example/return"); ex[0].body["returnUrl"] != want {
				t.Fatalf("returnUrl = %v, want %s", ex[0].body["returnUrl"], want)
			}
			if out := resp.(*v1.RecurringPaymentServiceChargeResponse); out.GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZED {
				t.Fatalf("charge = %v", out)
			}
		})
	}
	t.Run("RecurringRevoke", func(t *testing.T) {
		resp, ex := exec(t, v1.Flow_FLOW_RECURRING_REVOKE, &v1.RecurringPaymentServiceRevokeRequest{Mandate: mandate, MerchantRevokeId: "revoke_1"})
		if out := resp.(*v1.RecurringPaymentServiceRevokeResponse); out.GetStatus() != v1.MandateStatus_MANDATE_STATUS_REVOKED {
			t.Fatalf("revoke = %v", out)
		}
		if ex[0].operation != "delete-storedPaymentMethods-storedPaymentMethodId" || ex[0].idempotencyKey != "" {
			t.Fatalf("operation %s, Idempotency-Key %q (v71 declares none on DELETE)", ex[0].operation, ex[0].idempotencyKey)
		}
	})
	t.Run("DisputeGet", func(t *testing.T) {
		resp, ex := exec(t, v1.Flow_FLOW_DISPUTE_GET, &v1.DisputeServiceGetRequest{ConnectorDisputeId: "DSP1"})
		if out := resp.(*v1.DisputeServiceGetResponse); len(out.GetDefenseReasons()) != 2 || len(out.GetDefenseReasons()[0].GetRequiredEvidence()) != 2 {
			t.Fatalf("get = %v", out)
		}
		if ex[0].path != DisputesPath+"/retrieveApplicableDefenseReasons" {
			t.Fatalf("path %s", ex[0].path)
		}
	})
	t.Run("DisputeAccept", func(t *testing.T) {
		resp, _ := exec(t, v1.Flow_FLOW_DISPUTE_ACCEPT, &v1.DisputeServiceAcceptRequest{ConnectorDisputeId: "DSP1", MerchantRequestId: "acc_1"})
		if out := resp.(*v1.DisputeServiceAcceptResponse); out.GetStatus() != v1.DisputeStatus_DISPUTE_STATUS_ACCEPTED {
			t.Fatalf("accept = %v", out)
		}
	})
	evidence := []*v1.EvidenceDocument{
		{Type: v1.EvidenceType_EVIDENCE_TYPE_RECEIPT, Content: []byte("%PDF-1.4 invoice"), MimeType: "application/pdf"},
		{Type: v1.EvidenceType_EVIDENCE_TYPE_SHIPPING_DOCUMENTATION, Content: []byte{0xff, 0xd8, 0xff}, MimeType: "image/jpeg"},
	}
	t.Run("DisputeSubmitEvidence", func(t *testing.T) {
		resp, _ := exec(t, v1.Flow_FLOW_DISPUTE_SUBMIT_EVIDENCE, &v1.DisputeServiceSubmitEvidenceRequest{ConnectorDisputeId: "DSP1", Evidence: evidence})
		if out := resp.(*v1.DisputeServiceSubmitEvidenceResponse); len(out.GetSubmittedEvidenceIds()) != 2 {
			t.Fatalf("submit = %v", out)
		}
	})
	t.Run("DisputeDefend with evidence", func(t *testing.T) {
		resp, ex := exec(t, v1.Flow_FLOW_DISPUTE_DEFEND, &v1.DisputeServiceDefendRequest{ConnectorDisputeId: "DSP1", DefenseReasonCode: "GoodsWereAsDescribed", Evidence: evidence})
		if out := resp.(*v1.DisputeServiceDefendResponse); out.GetStatus() != v1.DisputeStatus_DISPUTE_STATUS_UNDER_REVIEW {
			t.Fatalf("defend = %v", out)
		}
		if len(ex) != 2 || ex[0].operation != "post-supplyDefenseDocument" || ex[1].operation != "post-defendDispute" {
			t.Fatalf("want supplyDefenseDocument then defendDispute, got %+v", ex)
		}
	})
	// Payouts: the classic Payout API v68 with the plain credentials, the
	// Transfers API v4 with a balance account; every request validated.
	bpCreds := testCreds()
	bpCreds[credBalanceAccount] = "BA3227C223222B5FTD2KR6TJD"
	bpCC := (&pdktest.Call{Credentials: bpCreds, BaseURL: fake.URL() + "/v71"}).Context()
	execIn := func(t *testing.T, cc *pluginv1.CallContext, flow v1.Flow, req pdk.Message) (pdk.Message, []exchange) {
		t.Helper()
		ex, err := kit.Execute(context.Background(), fake.Client(), flow, req, cc)
		if err != nil {
			t.Fatalf("execute %v: %v", flow, err)
		}
		if ex.Err != nil {
			t.Fatalf("%v failed: %v (plugin error %v)", flow, ex.Err, ex.Error)
		}
		return ex.Response, fake.take()
	}
	person := &v1.Customer{Id: "shopper_ref_42", Name: "Simon Hopper", Email: "s.hopper@example.com"}
	iban := &v1.PayoutBankAccount{AccountHolderName: "Simon Hopper", Iban: "NL13TEST0123456789", Bic: "TESTNL01", Country: "NL", Currency: "EUR"}
	var recipient string
	t.Run("PayoutCreateRecipient classic", func(t *testing.T) {
		resp, ex := exec(t, v1.Flow_FLOW_PAYOUT_CREATE_RECIPIENT, &v1.PayoutServiceCreateRecipientRequest{MerchantRecipientId: "rcpt_1",
			Destination: &v1.PayoutServiceCreateRecipientRequest_BankAccount{BankAccount: iban}, Customer: person, DateOfBirth: "1982-07-17", Nationality: "NL"})
		recipient = resp.(*v1.PayoutServiceCreateRecipientResponse).GetConnectorRecipientId()
		if recipient != "shopper_ref_42:8415718415172200" || ex[0].operation != "post-storeDetail" {
			t.Fatalf("recipient %q via %+v", recipient, ex)
		}
	})
	for name, rcpt := range map[string]*v1.PayoutRecipient{
		"bank details": {Destination: &v1.PayoutRecipient_BankAccount{BankAccount: iban}, Customer: person, DateOfBirth: "1982-07-17", Nationality: "NL"},
		"stored":       {Destination: &v1.PayoutRecipient_ConnectorRecipientId{ConnectorRecipientId: "shopper_ref_42:8415718415172200"}, Customer: person},
	} {
		t.Run("PayoutCreate classic "+name, func(t *testing.T) {
			resp, ex := exec(t, v1.Flow_FLOW_PAYOUT_CREATE, &v1.PayoutServiceCreateRequest{MerchantPayoutId: "payout_1", Amount: eur(2500),
				Description: "Deposit refund", Recipient: rcpt})
			if out := resp.(*v1.PayoutServiceCreateResponse); out.GetStatus() != v1.PayoutStatus_PAYOUT_STATUS_PENDING || out.GetConnectorPayoutId() == "" {
				t.Fatalf("payout = %v", out)
			}
			if ex[0].idempotencyKey != "payout:TestMerchantECOM:payout_1" || ex[0].body["recurring"].(map[string]any)["contract"] != "PAYOUT" {
				t.Fatalf("exchange = %+v", ex[0])
			}
		})
	}
	t.Run("PayoutCancel classic", func(t *testing.T) {
		resp, ex := exec(t, v1.Flow_FLOW_PAYOUT_CANCEL, &v1.PayoutServiceCancelRequest{ConnectorPayoutId: "8815131762537886", MerchantCancelId: "cancel_1"})
		if out := resp.(*v1.PayoutServiceCancelResponse); out.GetStatus() != v1.PayoutStatus_PAYOUT_STATUS_CANCELED || ex[0].operation != "post-declineThirdParty" {
			t.Fatalf("cancel = %v via %+v", out, ex)
		}
	})
	for _, bank := range []*v1.PayoutBankAccount{
		iban,
		{AccountHolderName: "Ann Lee", AccountNumber: "123456789", RoutingNumber: "011000138", Country: "US", Currency: "USD", AccountType: "checking"},
		{AccountHolderName: "Acme Ltd", AccountNumber: "12345678", RoutingNumber: "123456", Country: "GB", Currency: "GBP", HolderType: "company"},
	} {
		t.Run("PayoutCreate transfers "+bank.GetCountry(), func(t *testing.T) {
			resp, ex := execIn(t, bpCC, v1.Flow_FLOW_PAYOUT_CREATE, &v1.PayoutServiceCreateRequest{MerchantPayoutId: "payout_3",
				Amount: &v1.Money{MinorAmount: 80000, Currency: bank.GetCurrency()}, Speed: "instant",
				Recipient: &v1.PayoutRecipient{Destination: &v1.PayoutRecipient_BankAccount{BankAccount: bank}}})
			if out := resp.(*v1.PayoutServiceCreateResponse); out.GetStatus() != v1.PayoutStatus_PAYOUT_STATUS_PENDING || out.GetConnectorPayoutId() != "1W1UG35U8A9J5ZLG" {
				t.Fatalf("payout = %v", out)
			}
			if ex[0].operation != "post-transfers" || ex[0].body["balanceAccountId"] != "BA3227C223222B5FTD2KR6TJD" {
				t.Fatalf("exchange = %+v", ex[0])
			}
		})
	}
	t.Run("PayoutGet transfers", func(t *testing.T) {
		resp, _ := execIn(t, bpCC, v1.Flow_FLOW_PAYOUT_GET, &v1.PayoutServiceGetRequest{ConnectorPayoutId: "1W1UG35U8A9J5ZLG"})
		if out := resp.(*v1.PayoutServiceGetResponse); out.GetStatus() != v1.PayoutStatus_PAYOUT_STATUS_PAID {
			t.Fatalf("get = %v", out)
		}
	})
	t.Run("PayoutCancel transfers", func(t *testing.T) {
		resp, ex := execIn(t, bpCC, v1.Flow_FLOW_PAYOUT_CANCEL, &v1.PayoutServiceCancelRequest{ConnectorPayoutId: "1W1UG35U8A9J5ZLG", MerchantCancelId: "cancel_2"})
		if out := resp.(*v1.PayoutServiceCancelResponse); out.GetStatus() != v1.PayoutStatus_PAYOUT_STATUS_CANCELED || ex[0].operation != "post-transfers-cancel" {
			t.Fatalf("cancel = %v via %+v", out, ex)
		}
	})
	t.Run("errors from the fake are typed", func(t *testing.T) {
		fake.answer("post-payments", func(exchange, map[string]string) (int, any) {
			return 422, map[string]any{"status": 422, "errorCode": "14_030", "message": "Return URL is missing.", "errorType": "validation", "pspReference": "8816118280275544"}
		})
		defer fake.answer("post-payments", nil)
		ex, err := kit.Execute(context.Background(), fake.Client(), v1.Flow_FLOW_AUTHORIZE, authorizeReq(), cc)
		if err != nil {
			t.Fatal(err)
		}
		fake.take()
		if ex.Error.GetKind() != pluginv1.ErrorKind_ERROR_KIND_PROCESSOR_REJECTED || ex.Error.GetDetail().GetConnector().GetCode() != "14_030" {
			t.Fatalf("error = %v", ex.Error)
		}
	})
}
