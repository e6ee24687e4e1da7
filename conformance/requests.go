package conformance

import (
	"fmt"

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
