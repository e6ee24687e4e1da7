package conformance

import (
	"fmt"

	"github.com/connectorhost/connector-host/abi"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
)

// Values the suite puts in the requests it makes up. They are distinctive so
// the secret scans cannot confuse them with other data.
const (
	sampleCardNumber = "4111111111111111"
	sampleCVC        = "737"
	sampleReturnURL  = "https://merchant.example/return"
	sampleWebhookURL = "https://merchant.example/webhooks"
)

func sampleMoney(currency string) *v1.Money { return &v1.Money{MinorAmount: 1000, Currency: currency} }

func sampleCustomer() *v1.Customer {
	return &v1.Customer{Id: "conf_customer_1", Name: "Jane Doe", Email: "jane.doe@example.com", Phone: "+15555550100"}
}

func sampleAddress(country string) *v1.Address {
	return &v1.Address{
		FirstName: "Jane", LastName: "Doe", Line1: "1 Main Street", City: "Springfield", State: "CA",
		PostalCode: "94105", Country: country, Email: "jane.doe@example.com", Phone: "+15555550100",
	}
}

func sampleBrowser() *v1.BrowserInfo {
	return &v1.BrowserInfo{
		AcceptHeader: "text/html", UserAgent: "Mozilla/5.0 (conformance)", Language: "en-US", ColorDepth: 24,
		ScreenHeight: 800, ScreenWidth: 1280, JavascriptEnabled: true, IpAddress: "192.0.2.10",
	}
}

func sampleCard() *v1.PaymentMethod {
	return &v1.PaymentMethod{Method: &v1.PaymentMethod_Card{Card: &v1.Card{
		Number: sampleCardNumber, ExpMonth: 3, ExpYear: 2030, Cvc: sampleCVC, HolderName: "Jane Doe", Network: v1.CardNetwork_CARD_NETWORK_VISA,
	}}}
}

func sampleOrderDetails() []*v1.OrderDetail {
	return []*v1.OrderDetail{{ProductName: "T-shirt", Quantity: 2, UnitAmount: 500, ProductId: "sku_1", Category: "apparel"}}
}

// minimalRequest returns a valid unified request for flow, with the fields
// processors usually need filled with sample values.
func minimalRequest(flow v1.Flow) (abi.Message, error) {
	const txn, currency = "conf_txn_1", "USD"
	state := &v1.ConnectorState{}
	switch flow {
	case v1.Flow_FLOW_AUTHORIZE:
		return authorizeRequest(sampleCard(), currency, "US"), nil
	case v1.Flow_FLOW_CAPTURE:
		return &v1.PaymentServiceCaptureRequest{ConnectorTransactionId: txn, AmountToCapture: sampleMoney(currency), MerchantCaptureId: "conf_capture_1",
			MerchantTransactionId: "conf_order_1", FinalCapture: true, PaymentAmount: sampleMoney(currency), State: state}, nil
	case v1.Flow_FLOW_GET:
		return &v1.PaymentServiceGetRequest{ConnectorTransactionId: txn, MerchantTransactionId: "conf_order_1", Amount: sampleMoney(currency), State: state}, nil
	case v1.Flow_FLOW_VOID:
		return &v1.PaymentServiceVoidRequest{ConnectorTransactionId: txn, MerchantVoidId: "conf_void_1", CancellationReason: "requested_by_customer",
			Amount: sampleMoney(currency), MerchantTransactionId: "conf_order_1", State: state}, nil
	case v1.Flow_FLOW_REVERSE:
		return &v1.PaymentServiceReverseRequest{ConnectorTransactionId: txn, MerchantReversalId: "conf_reversal_1", Amount: sampleMoney(currency),
			Reason: "requested_by_customer", MerchantTransactionId: "conf_order_1", State: state}, nil
	case v1.Flow_FLOW_REFUND:
		return &v1.PaymentServiceRefundRequest{ConnectorTransactionId: txn, MerchantRefundId: "conf_refund_1", RefundAmount: sampleMoney(currency),
			PaymentAmount: sampleMoney(currency), Reason: "requested_by_customer", MerchantTransactionId: "conf_order_1", State: state}, nil
	case v1.Flow_FLOW_CREATE_ORDER:
		return &v1.PaymentServiceCreateOrderRequest{MerchantOrderId: "conf_order_1", Amount: sampleMoney(currency), OrderDetails: sampleOrderDetails(),
			Customer: sampleCustomer(), ReturnUrl: sampleReturnURL, State: state}, nil
	case v1.Flow_FLOW_SETUP_RECURRING:
		return &v1.PaymentServiceSetupRecurringRequest{MerchantSetupId: "conf_setup_1", PaymentMethod: sampleCard(), Customer: sampleCustomer(),
			BillingAddress: sampleAddress("US"), Amount: &v1.Money{Currency: currency}, FutureUsage: v1.FutureUsage_FUTURE_USAGE_OFF_SESSION,
			CustomerAcceptance: &v1.CustomerAcceptance{AcceptanceType: "online", AcceptedAtUnix: 1767322800, IpAddress: "192.0.2.10", UserAgent: "Mozilla/5.0"},
			ReturnUrl:          sampleReturnURL, BrowserInfo: sampleBrowser(), State: state}, nil
	case v1.Flow_FLOW_INCREMENTAL_AUTHORIZATION:
		return &v1.PaymentServiceIncrementalAuthorizationRequest{ConnectorTransactionId: txn, Amount: &v1.Money{MinorAmount: 1500, Currency: currency},
			MerchantIncrementId: "conf_increment_1", MerchantTransactionId: "conf_order_1", State: state}, nil
	case v1.Flow_FLOW_VERIFY_REDIRECT_RESPONSE:
		return &v1.PaymentServiceVerifyRedirectResponseRequest{ConnectorTransactionId: txn, MerchantTransactionId: "conf_order_1",
			Params: map[string]string{"redirectResult": "conf_redirect_result", "payment_intent": txn}, Amount: sampleMoney(currency), State: state}, nil
	case v1.Flow_FLOW_RECURRING_CHARGE:
		return &v1.RecurringPaymentServiceChargeRequest{MerchantTransactionId: "conf_order_2", Amount: sampleMoney(currency),
			Mandate:  &v1.MandateReference{ConnectorMandateId: "conf_mandate_1", ConnectorCustomerId: "conf_customer_1", NetworkTransactionId: "conf_ntid_1"},
			Customer: sampleCustomer(), RecurringModel: "UnscheduledCardOnFile", State: state}, nil
	case v1.Flow_FLOW_RECURRING_REVOKE:
		return &v1.RecurringPaymentServiceRevokeRequest{Mandate: &v1.MandateReference{ConnectorMandateId: "conf_mandate_1", ConnectorCustomerId: "conf_customer_1"},
			MerchantRevokeId: "conf_revoke_1", Customer: sampleCustomer(), State: state}, nil
	case v1.Flow_FLOW_REFUND_GET:
		return &v1.RefundServiceGetRequest{ConnectorRefundId: "conf_refund_ref_1", ConnectorTransactionId: txn, MerchantRefundId: "conf_refund_1",
			RefundAmount: sampleMoney(currency), State: state}, nil
	case v1.Flow_FLOW_DISPUTE_SUBMIT_EVIDENCE:
		return &v1.DisputeServiceSubmitEvidenceRequest{ConnectorDisputeId: "conf_dispute_1", ConnectorTransactionId: txn, MerchantRequestId: "conf_evidence_1",
			Evidence: sampleEvidence(), State: state}, nil
	case v1.Flow_FLOW_DISPUTE_GET:
		return &v1.DisputeServiceGetRequest{ConnectorDisputeId: "conf_dispute_1", ConnectorTransactionId: txn, State: state}, nil
	case v1.Flow_FLOW_DISPUTE_DEFEND:
		return &v1.DisputeServiceDefendRequest{ConnectorDisputeId: "conf_dispute_1", DefenseReasonCode: "SupplyDefenseMaterial", Evidence: sampleEvidence(),
			ConnectorTransactionId: txn, MerchantRequestId: "conf_defend_1", State: state}, nil
	case v1.Flow_FLOW_DISPUTE_ACCEPT:
		return &v1.DisputeServiceAcceptRequest{ConnectorDisputeId: "conf_dispute_1", ConnectorTransactionId: txn, MerchantRequestId: "conf_accept_1", State: state}, nil
	case v1.Flow_FLOW_CREATE_ACCESS_TOKEN:
		return &v1.MerchantAuthenticationServiceCreateAccessTokenRequest{State: state}, nil
	case v1.Flow_FLOW_CREATE_SESSION_TOKEN:
		return &v1.MerchantAuthenticationServiceCreateSessionTokenRequest{MerchantTransactionId: "conf_order_1", Amount: sampleMoney(currency),
			Customer: sampleCustomer(), ReturnUrl: sampleReturnURL, State: state}, nil
	case v1.Flow_FLOW_CREATE_SDK_SESSION_TOKEN:
		return &v1.MerchantAuthenticationServiceCreateSdkSessionTokenRequest{MerchantTransactionId: "conf_order_1", Amount: sampleMoney(currency),
			PaymentMethodType: v1.PaymentMethodType_PAYMENT_METHOD_TYPE_CARD, Customer: sampleCustomer(), Country: "US", ReturnUrl: sampleReturnURL,
			Domain: "merchant.example", State: state}, nil
	case v1.Flow_FLOW_PRE_AUTHENTICATE:
		return &v1.PaymentMethodAuthenticationServicePreAuthenticateRequest{MerchantTransactionId: "conf_order_1", Amount: sampleMoney(currency),
			PaymentMethod: sampleCard(), Customer: sampleCustomer(), BillingAddress: sampleAddress("US"), BrowserInfo: sampleBrowser(),
			ReturnUrl: sampleReturnURL, State: state}, nil
	case v1.Flow_FLOW_AUTHENTICATE:
		return &v1.PaymentMethodAuthenticationServiceAuthenticateRequest{AuthenticationId: "conf_auth_1", MerchantTransactionId: "conf_order_1",
			Amount: sampleMoney(currency), BrowserInfo: sampleBrowser(), DeviceDataJson: `{"threeDSCompInd":"Y"}`, ReturnUrl: sampleReturnURL, State: state}, nil
	case v1.Flow_FLOW_POST_AUTHENTICATE:
		return &v1.PaymentMethodAuthenticationServicePostAuthenticateRequest{AuthenticationId: "conf_auth_1", MerchantTransactionId: "conf_order_1",
			Params: map[string]string{"cres": "conf_cres"}, State: state}, nil
	case v1.Flow_FLOW_TOKENIZE:
		return &v1.PaymentMethodServiceTokenizeRequest{PaymentMethod: sampleCard(), Customer: sampleCustomer(), BillingAddress: sampleAddress("US"),
			MerchantRequestId: "conf_tokenize_1", State: state}, nil
	case v1.Flow_FLOW_CREATE_CUSTOMER:
		return &v1.CustomerServiceCreateRequest{Customer: sampleCustomer(), Address: sampleAddress("US"), MerchantRequestId: "conf_customer_req_1", State: state}, nil
	case v1.Flow_FLOW_PAYOUT_CREATE:
		return &v1.PayoutServiceCreateRequest{MerchantPayoutId: "conf_payout_1", Amount: sampleMoney(currency), Description: "Conformance payout",
			Recipient: &v1.PayoutRecipient{Destination: &v1.PayoutRecipient_ConnectorRecipientId{ConnectorRecipientId: "conf_recipient_1"},
				Customer: sampleCustomer(), Address: sampleAddress("US")}, State: state}, nil
	case v1.Flow_FLOW_PAYOUT_GET:
		return &v1.PayoutServiceGetRequest{ConnectorPayoutId: "conf_payout_ref_1", State: state}, nil
	case v1.Flow_FLOW_PAYOUT_CANCEL:
		return &v1.PayoutServiceCancelRequest{ConnectorPayoutId: "conf_payout_ref_1", MerchantCancelId: "conf_payout_cancel_1", State: state}, nil
	case v1.Flow_FLOW_REFUND_CANCEL:
		return &v1.RefundServiceCancelRequest{ConnectorRefundId: "conf_refund_ref_1", MerchantCancelId: "conf_refund_cancel_1", State: state}, nil
	case v1.Flow_FLOW_PAYOUT_CREATE_RECIPIENT:
		return &v1.PayoutServiceCreateRecipientRequest{MerchantRecipientId: "conf_recipient_req_1", Customer: sampleCustomer(), Address: sampleAddress("US"),
			Destination: &v1.PayoutServiceCreateRecipientRequest_ProcessorToken{ProcessorToken: "conf_recipient_token_1"}, State: state}, nil
	}
	return nil, fmt.Errorf("no sample request for flow %v", flow)
}

func sampleEvidence() []*v1.EvidenceDocument {
	return []*v1.EvidenceDocument{{Type: v1.EvidenceType_EVIDENCE_TYPE_CUSTOMER_COMMUNICATION, Text: "The customer confirmed delivery by email.",
		FileName: "communication.txt", MimeType: "text/plain"}}
}

// authorizeRequest is a typical Authorize request paying with pm.
func authorizeRequest(pm *v1.PaymentMethod, currency, country string) *v1.PaymentServiceAuthorizeRequest {
	return &v1.PaymentServiceAuthorizeRequest{
		MerchantTransactionId:  "conf_order_1",
		Amount:                 sampleMoney(currency),
		PaymentMethod:          pm,
		CaptureMethod:          v1.CaptureMethod_CAPTURE_METHOD_AUTOMATIC,
		AuthenticationType:     v1.AuthenticationType_AUTHENTICATION_TYPE_NO_THREE_DS,
		Customer:               sampleCustomer(),
		BillingAddress:         sampleAddress(country),
		ShippingAddress:        sampleAddress(country),
		BrowserInfo:            sampleBrowser(),
		ReturnUrl:              sampleReturnURL,
		Description:            "Conformance order",
		OrderDetails:           sampleOrderDetails(),
		MerchantOrderReference: "conf_invoice_1",
		CancelUrl:              "https://merchant.example/cancel",
		State:                  &v1.ConnectorState{},
	}
}

// methodSample is a payment method of one PaymentMethodType with the currency
// and country it is normally used in.
type methodSample struct {
	pm       *v1.PaymentMethod
	currency string
	country  string
}

// paymentMethodSample returns a minimal PaymentMethod of type t.
func paymentMethodSample(t v1.PaymentMethodType) (methodSample, error) {
	wallet := func(w *v1.Wallet) *v1.PaymentMethod {
		return &v1.PaymentMethod{Method: &v1.PaymentMethod_Wallet{Wallet: w}}
	}
	redirect := func(k v1.BankRedirectKind, issuer, country string) *v1.PaymentMethod {
		return &v1.PaymentMethod{Method: &v1.PaymentMethod_BankRedirect{BankRedirect: &v1.BankRedirect{Kind: k, Issuer: issuer, Country: country}}}
	}
	transfer := func(k v1.BankTransferKind) *v1.PaymentMethod {
		return &v1.PaymentMethod{Method: &v1.PaymentMethod_BankTransfer{BankTransfer: &v1.BankTransfer{Kind: k, TaxId: "12345678909"}}}
	}
	debit := func(d *v1.BankDebit) *v1.PaymentMethod {
		d.AccountHolderName = "Jane Doe"
		return &v1.PaymentMethod{Method: &v1.PaymentMethod_BankDebit{BankDebit: d}}
	}
	later := func(k v1.PayLaterKind) *v1.PaymentMethod {
		return &v1.PaymentMethod{Method: &v1.PaymentMethod_PayLater{PayLater: &v1.PayLater{Kind: k}}}
	}
	voucher := func(k v1.VoucherKind) *v1.PaymentMethod {
		return &v1.PaymentMethod{Method: &v1.PaymentMethod_Voucher{Voucher: &v1.Voucher{Kind: k, TaxId: "12345678909"}}}
	}
	switch t {
	case v1.PaymentMethodType_PAYMENT_METHOD_TYPE_CARD:
		return methodSample{sampleCard(), "USD", "US"}, nil
	case v1.PaymentMethodType_PAYMENT_METHOD_TYPE_PROCESSOR_TOKEN:
		return methodSample{&v1.PaymentMethod{Method: &v1.PaymentMethod_Token{Token: &v1.ProcessorToken{Token: "conf_pm_token_1"}}}, "USD", "US"}, nil
	case v1.PaymentMethodType_PAYMENT_METHOD_TYPE_APPLE_PAY:
		return methodSample{wallet(&v1.Wallet{Wallet: &v1.Wallet_ApplePay{ApplePay: &v1.ApplePay{
			PaymentData: `{"version":"EC_v1","data":"Y29uZm9ybWFuY2U=","signature":"c2ln","header":{"ephemeralPublicKey":"a2V5","publicKeyHash":"aGFzaA==","transactionId":"abc123"}}`,
			DisplayName: "Visa 1111", Network: "Visa", TransactionIdentifier: "abc123"}}}), "USD", "US"}, nil
	case v1.PaymentMethodType_PAYMENT_METHOD_TYPE_GOOGLE_PAY:
		return methodSample{wallet(&v1.Wallet{Wallet: &v1.Wallet_GooglePay{GooglePay: &v1.GooglePay{
			Token:       `{"signature":"MEUCIQ","protocolVersion":"ECv2","signedMessage":"{\"encryptedMessage\":\"e30=\"}"}`,
			CardNetwork: "VISA", CardDetails: "1111"}}}), "USD", "US"}, nil
	case v1.PaymentMethodType_PAYMENT_METHOD_TYPE_PAYPAL:
		return methodSample{wallet(&v1.Wallet{Wallet: &v1.Wallet_Paypal{Paypal: &v1.PayPalWallet{Email: "jane.doe@example.com"}}}), "USD", "US"}, nil
	case v1.PaymentMethodType_PAYMENT_METHOD_TYPE_IDEAL:
		return methodSample{redirect(v1.BankRedirectKind_BANK_REDIRECT_KIND_IDEAL, "ing", "NL"), "EUR", "NL"}, nil
	case v1.PaymentMethodType_PAYMENT_METHOD_TYPE_SOFORT:
		return methodSample{redirect(v1.BankRedirectKind_BANK_REDIRECT_KIND_SOFORT, "", "DE"), "EUR", "DE"}, nil
	case v1.PaymentMethodType_PAYMENT_METHOD_TYPE_GIROPAY:
		return methodSample{redirect(v1.BankRedirectKind_BANK_REDIRECT_KIND_GIROPAY, "", "DE"), "EUR", "DE"}, nil
	case v1.PaymentMethodType_PAYMENT_METHOD_TYPE_BANCONTACT:
		return methodSample{redirect(v1.BankRedirectKind_BANK_REDIRECT_KIND_BANCONTACT, "", "BE"), "EUR", "BE"}, nil
	case v1.PaymentMethodType_PAYMENT_METHOD_TYPE_EPS:
		return methodSample{redirect(v1.BankRedirectKind_BANK_REDIRECT_KIND_EPS, "bank_austria", "AT"), "EUR", "AT"}, nil
	case v1.PaymentMethodType_PAYMENT_METHOD_TYPE_BLIK:
		pm := redirect(v1.BankRedirectKind_BANK_REDIRECT_KIND_BLIK, "", "PL")
		pm.GetBankRedirect().BlikCode = "777123"
		return methodSample{pm, "PLN", "PL"}, nil
	case v1.PaymentMethodType_PAYMENT_METHOD_TYPE_PRZELEWY24:
		return methodSample{redirect(v1.BankRedirectKind_BANK_REDIRECT_KIND_PRZELEWY24, "", "PL"), "PLN", "PL"}, nil
	case v1.PaymentMethodType_PAYMENT_METHOD_TYPE_TRUSTLY:
		return methodSample{redirect(v1.BankRedirectKind_BANK_REDIRECT_KIND_TRUSTLY, "", "SE"), "EUR", "SE"}, nil
	case v1.PaymentMethodType_PAYMENT_METHOD_TYPE_ONLINE_BANKING_FPX:
		return methodSample{redirect(v1.BankRedirectKind_BANK_REDIRECT_KIND_ONLINE_BANKING_FPX, "maybank2u", "MY"), "MYR", "MY"}, nil
	case v1.PaymentMethodType_PAYMENT_METHOD_TYPE_PIX:
		return methodSample{transfer(v1.BankTransferKind_BANK_TRANSFER_KIND_PIX), "BRL", "BR"}, nil
	case v1.PaymentMethodType_PAYMENT_METHOD_TYPE_SEPA_CREDIT_TRANSFER:
		return methodSample{transfer(v1.BankTransferKind_BANK_TRANSFER_KIND_SEPA_CREDIT), "EUR", "DE"}, nil
	case v1.PaymentMethodType_PAYMENT_METHOD_TYPE_ACH_CREDIT_TRANSFER:
		return methodSample{transfer(v1.BankTransferKind_BANK_TRANSFER_KIND_ACH_CREDIT), "USD", "US"}, nil
	case v1.PaymentMethodType_PAYMENT_METHOD_TYPE_MULTIBANCO:
		return methodSample{transfer(v1.BankTransferKind_BANK_TRANSFER_KIND_MULTIBANCO), "EUR", "PT"}, nil
	case v1.PaymentMethodType_PAYMENT_METHOD_TYPE_SEPA_DEBIT:
		return methodSample{debit(&v1.BankDebit{Kind: v1.BankDebitKind_BANK_DEBIT_KIND_SEPA, Iban: "DE89370400440532013000"}), "EUR", "DE"}, nil
	case v1.PaymentMethodType_PAYMENT_METHOD_TYPE_ACH_DEBIT:
		return methodSample{debit(&v1.BankDebit{Kind: v1.BankDebitKind_BANK_DEBIT_KIND_ACH, AccountNumber: "000123456789", RoutingNumber: "110000000",
			AccountType: "checking"}), "USD", "US"}, nil
	case v1.PaymentMethodType_PAYMENT_METHOD_TYPE_BACS_DEBIT:
		return methodSample{debit(&v1.BankDebit{Kind: v1.BankDebitKind_BANK_DEBIT_KIND_BACS, AccountNumber: "00012345", RoutingNumber: "108800"}), "GBP", "GB"}, nil
	case v1.PaymentMethodType_PAYMENT_METHOD_TYPE_BECS_DEBIT:
		return methodSample{debit(&v1.BankDebit{Kind: v1.BankDebitKind_BANK_DEBIT_KIND_BECS, AccountNumber: "000123456", RoutingNumber: "000000"}), "AUD", "AU"}, nil
	case v1.PaymentMethodType_PAYMENT_METHOD_TYPE_NACH_DEBIT:
		return methodSample{debit(&v1.BankDebit{Kind: v1.BankDebitKind_BANK_DEBIT_KIND_NACH, AccountNumber: "1121431121541121", RoutingNumber: "HDFC0000001",
			AccountHolderName: "Gaurav Kumar", AccountType: "savings"}), "INR", "IN"}, nil
	case v1.PaymentMethodType_PAYMENT_METHOD_TYPE_KLARNA:
		return methodSample{later(v1.PayLaterKind_PAY_LATER_KIND_KLARNA), "EUR", "DE"}, nil
	case v1.PaymentMethodType_PAYMENT_METHOD_TYPE_AFTERPAY_CLEARPAY:
		return methodSample{later(v1.PayLaterKind_PAY_LATER_KIND_AFTERPAY_CLEARPAY), "USD", "US"}, nil
	case v1.PaymentMethodType_PAYMENT_METHOD_TYPE_AFFIRM:
		return methodSample{later(v1.PayLaterKind_PAY_LATER_KIND_AFFIRM), "USD", "US"}, nil
	case v1.PaymentMethodType_PAYMENT_METHOD_TYPE_BOLETO:
		return methodSample{voucher(v1.VoucherKind_VOUCHER_KIND_BOLETO), "BRL", "BR"}, nil
	case v1.PaymentMethodType_PAYMENT_METHOD_TYPE_OXXO:
		return methodSample{voucher(v1.VoucherKind_VOUCHER_KIND_OXXO), "MXN", "MX"}, nil
	case v1.PaymentMethodType_PAYMENT_METHOD_TYPE_KONBINI:
		return methodSample{voucher(v1.VoucherKind_VOUCHER_KIND_KONBINI), "JPY", "JP"}, nil
	case v1.PaymentMethodType_PAYMENT_METHOD_TYPE_UPI:
		return methodSample{&v1.PaymentMethod{Method: &v1.PaymentMethod_Upi{Upi: &v1.Upi{Flow: &v1.Upi_Vpa{Vpa: "jane@upi"}}}}, "INR", "IN"}, nil
	}
	return methodSample{}, fmt.Errorf("no sample for payment method %v", t)
}
