package adyen

import (
	"encoding/base64"
	"fmt"
	"strconv"

	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk"
	"github.com/connectorhost/connector-host/pdk/jsonw"
)

// kv is one string member of an Adyen paymentMethod object. Every member of
// the paymentMethod variants this connector sends is a string.
type kv struct{ k, v string }

// method is an Adyen paymentMethod object ready to write, and what the rest
// of the payment request needs to know about it.
type method struct {
	fields []kv
	// stored: a storedPaymentMethodId (token or mandate); needs shopperReference.
	stored bool
	// needsOrder: BNPL methods, which need lineItems and a country.
	needsOrder bool
	// country is a country the method itself carries (Sofort).
	country string
}

func (m method) write(o *jsonw.Object) {
	o.Object("paymentMethod", func(p *jsonw.Object) {
		for _, f := range m.fields {
			p.String(f.k, f.v)
		}
	})
}

// storedMethod is a card token: Checkout v71 CardDetails with storedPaymentMethodId.
func storedMethod(id string) method {
	return method{fields: []kv{{"type", "scheme"}, {"storedPaymentMethodId", id}}, stored: true}
}

// paymentMethod maps a unified payment method to Adyen's. billingCountry
// picks Afterpay's variant (clearpay in GB).
func paymentMethod(pm *v1.PaymentMethod, billingCountry string) (method, error) {
	const f = "payment_method"
	switch m := pm.GetMethod().(type) {
	case *v1.PaymentMethod_Card:
		return cardMethod(m.Card)
	case *v1.PaymentMethod_Token:
		if m.Token.GetToken() == "" {
			return method{}, pdk.InvalidRequest(f+".token.token", "is required")
		}
		return storedMethod(m.Token.GetToken()), nil
	case *v1.PaymentMethod_Wallet:
		return walletMethod(m.Wallet)
	case *v1.PaymentMethod_BankRedirect:
		return bankRedirectMethod(m.BankRedirect)
	case *v1.PaymentMethod_BankDebit:
		return bankDebitMethod(m.BankDebit)
	case *v1.PaymentMethod_PayLater:
		return payLaterMethod(m.PayLater, billingCountry)
	case *v1.PaymentMethod_BankTransfer:
		return method{}, pdk.Unsupported("payment_method.bank_transfer is not supported by the adyen connector")
	case *v1.PaymentMethod_Voucher:
		return method{}, pdk.Unsupported("payment_method.voucher is not supported by the adyen connector")
	case *v1.PaymentMethod_Upi:
		return method{}, pdk.Unsupported("payment_method.upi is not supported by the adyen connector")
	case nil:
		return method{}, pdk.InvalidRequest(f, "is required")
	default:
		return method{}, pdk.Unsupported("payment method %T is not supported by the adyen connector", m)
	}
}

// cardBrands maps card networks to Adyen brand codes, sent as a hint only
// when the caller named the network.
func cardBrand(n v1.CardNetwork) string {
	switch n {
	case v1.CardNetwork_CARD_NETWORK_VISA:
		return "visa"
	case v1.CardNetwork_CARD_NETWORK_MASTERCARD:
		return "mc"
	case v1.CardNetwork_CARD_NETWORK_AMEX:
		return "amex"
	case v1.CardNetwork_CARD_NETWORK_DISCOVER:
		return "discover"
	case v1.CardNetwork_CARD_NETWORK_JCB:
		return "jcb"
	case v1.CardNetwork_CARD_NETWORK_DINERS:
		return "diners"
	case v1.CardNetwork_CARD_NETWORK_UNIONPAY:
		return "cup"
	case v1.CardNetwork_CARD_NETWORK_CARTES_BANCAIRES:
		return "cartebancaire"
	case v1.CardNetwork_CARD_NETWORK_MAESTRO:
		return "maestro"
	}
	return ""
}

// cardMethod is CardDetails type "scheme" with raw card fields. Errors never
// echo the card number or CVC.
func cardMethod(c *v1.Card) (method, error) {
	const f = "payment_method.card"
	if n := c.GetNumber(); len(n) < 12 || len(n) > 19 || !digits(n) {
		return method{}, pdk.InvalidRequest(f+".number", "must be 12 to 19 digits")
	}
	if c.GetExpMonth() < 1 || c.GetExpMonth() > 12 {
		return method{}, pdk.InvalidRequest(f+".exp_month", "must be 1 to 12")
	}
	if c.GetExpYear() < 2000 || c.GetExpYear() > 2200 {
		return method{}, pdk.InvalidRequest(f+".exp_year", "must be a four-digit year")
	}
	if cvc := c.GetCvc(); cvc != "" && (len(cvc) < 3 || len(cvc) > 4 || !digits(cvc)) {
		return method{}, pdk.InvalidRequest(f+".cvc", "must be 3 or 4 digits")
	}
	fields := []kv{
		{"type", "scheme"},
		{"number", c.GetNumber()},
		{"expiryMonth", fmt.Sprintf("%02d", c.GetExpMonth())},
		{"expiryYear", strconv.Itoa(int(c.GetExpYear()))},
	}
	if c.GetCvc() != "" {
		fields = append(fields, kv{"cvc", c.GetCvc()})
	}
	if c.GetHolderName() != "" {
		fields = append(fields, kv{"holderName", c.GetHolderName()})
	}
	if b := cardBrand(c.GetNetwork()); b != "" {
		fields = append(fields, kv{"brand", b})
	}
	return method{fields: fields}, nil
}

func walletMethod(w *v1.Wallet) (method, error) {
	switch x := w.GetWallet().(type) {
	case *v1.Wallet_ApplePay:
		if x.ApplePay.GetPaymentData() == "" {
			return method{}, pdk.InvalidRequest("payment_method.wallet.apple_pay.payment_data", "is required")
		}
		// Adyen takes the paymentData JSON stringified and base64-encoded.
		tok := base64.StdEncoding.EncodeToString([]byte(x.ApplePay.GetPaymentData()))
		return method{fields: []kv{{"type", "applepay"}, {"applePayToken", tok}}}, nil
	case *v1.Wallet_GooglePay:
		if x.GooglePay.GetToken() == "" {
			return method{}, pdk.InvalidRequest("payment_method.wallet.google_pay.token", "is required")
		}
		return method{fields: []kv{{"type", "googlepay"}, {"googlePayToken", x.GooglePay.GetToken()}}}, nil
	case *v1.Wallet_Paypal:
		return method{fields: []kv{{"type", "paypal"}, {"subtype", "redirect"}}}, nil
	}
	return method{}, pdk.InvalidRequest("payment_method.wallet", "names no wallet")
}

func bankRedirectMethod(b *v1.BankRedirect) (method, error) {
	const f = "payment_method.bank_redirect"
	switch b.GetKind() {
	case v1.BankRedirectKind_BANK_REDIRECT_KIND_IDEAL:
		fields := []kv{{"type", "ideal"}}
		if b.GetIssuer() != "" {
			fields = append(fields, kv{"issuer", b.GetIssuer()})
		}
		return method{fields: fields}, nil
	case v1.BankRedirectKind_BANK_REDIRECT_KIND_SOFORT:
		return method{fields: []kv{{"type", "directEbanking"}}, country: b.GetCountry()}, nil
	case v1.BankRedirectKind_BANK_REDIRECT_KIND_EPS:
		if b.GetIssuer() == "" {
			return method{}, pdk.InvalidRequest(f+".issuer", "is required for EPS (the shopper's bank)")
		}
		return method{fields: []kv{{"type", "eps"}, {"issuer", b.GetIssuer()}}}, nil
	case v1.BankRedirectKind_BANK_REDIRECT_KIND_BLIK:
		if c := b.GetBlikCode(); len(c) != 6 || !digits(c) {
			return method{}, pdk.InvalidRequest(f+".blik_code", "must be the shopper's six-digit BLIK code")
		}
		return method{fields: []kv{{"type", "blik"}, {"blikCode", b.GetBlikCode()}}}, nil
	case v1.BankRedirectKind_BANK_REDIRECT_KIND_TRUSTLY:
		return method{fields: []kv{{"type", "trustly"}}}, nil
	}
	return method{}, pdk.Unsupported("bank redirect %s is not supported by the adyen connector", b.GetKind())
}

func bankDebitMethod(b *v1.BankDebit) (method, error) {
	const f = "payment_method.bank_debit"
	if b.GetAccountHolderName() == "" {
		return method{}, pdk.InvalidRequest(f+".account_holder_name", "is required")
	}
	switch b.GetKind() {
	case v1.BankDebitKind_BANK_DEBIT_KIND_SEPA:
		if b.GetIban() == "" {
			return method{}, pdk.InvalidRequest(f+".iban", "is required for SEPA Direct Debit")
		}
		return method{fields: []kv{{"type", "sepadirectdebit"}, {"iban", b.GetIban()}, {"ownerName", b.GetAccountHolderName()}}}, nil
	case v1.BankDebitKind_BANK_DEBIT_KIND_ACH:
		if b.GetAccountNumber() == "" || b.GetRoutingNumber() == "" {
			return method{}, pdk.InvalidRequest(f+".account_number", "and routing_number are required for ACH")
		}
		fields := []kv{{"type", "ach"}, {"bankAccountNumber", b.GetAccountNumber()}, {"bankLocationId", b.GetRoutingNumber()}, {"ownerName", b.GetAccountHolderName()}}
		switch b.GetAccountType() {
		case "":
		case "checking", "savings":
			fields = append(fields, kv{"bankAccountType", b.GetAccountType()})
		default:
			return method{}, pdk.InvalidRequest(f+".account_type", "must be checking or savings")
		}
		return method{fields: fields}, nil
	case v1.BankDebitKind_BANK_DEBIT_KIND_BACS:
		if b.GetAccountNumber() == "" || b.GetRoutingNumber() == "" {
			return method{}, pdk.InvalidRequest(f+".account_number", "and routing_number (sort code) are required for BACS")
		}
		return method{fields: []kv{{"type", "directdebit_GB"}, {"bankAccountNumber", b.GetAccountNumber()}, {"bankLocationId", b.GetRoutingNumber()}, {"holderName", b.GetAccountHolderName()}}}, nil
	}
	return method{}, pdk.Unsupported("bank debit %s is not supported by the adyen connector", b.GetKind())
}

func payLaterMethod(p *v1.PayLater, billingCountry string) (method, error) {
	switch p.GetKind() {
	case v1.PayLaterKind_PAY_LATER_KIND_KLARNA:
		return method{fields: []kv{{"type", "klarna"}}, needsOrder: true}, nil
	case v1.PayLaterKind_PAY_LATER_KIND_AFFIRM:
		return method{fields: []kv{{"type", "affirm"}}, needsOrder: true}, nil
	case v1.PayLaterKind_PAY_LATER_KIND_AFTERPAY_CLEARPAY:
		t := "afterpaytouch"
		if billingCountry == "GB" {
			t = "clearpay"
		}
		return method{fields: []kv{{"type", t}}, needsOrder: true}, nil
	}
	return method{}, pdk.Unsupported("pay later %s is not supported by the adyen connector", p.GetKind())
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
