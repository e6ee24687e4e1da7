package adyen

import (
	"encoding/base64"
	"strconv"
	"strings"

	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/internal/textf"
	"github.com/connectorhost/connector-host/pdk"
)

// method is an Adyen paymentMethod object (string key, value pairs, empty
// values left out) and what the rest of the payment request needs to know.
type method struct {
	fields []string
	// stored: a storedPaymentMethodId (token or mandate); needs shopperReference.
	stored bool
	// needsOrder: BNPL methods, which need lineItems and a country.
	needsOrder bool
	// needsCountry: Sofort, whose country is its own or the billing country.
	needsCountry bool
	country      string
}

// kind returns a method of Adyen type t with more key, value pairs.
func kind(t string, kv ...string) method { return method{fields: append([]string{"type", t}, kv...)} }

// storedMethod is a card token: Checkout v71 CardDetails with storedPaymentMethodId.
func storedMethod(id string) method {
	m := kind("scheme", "storedPaymentMethodId", id)
	m.stored = true
	return m
}

// cardBrands maps card networks to Adyen brand codes, sent as a hint only
// when the caller named the network.
var cardBrands = map[v1.CardNetwork]string{
	v1.CardNetwork_CARD_NETWORK_VISA: "visa", v1.CardNetwork_CARD_NETWORK_MASTERCARD: "mc",
	v1.CardNetwork_CARD_NETWORK_AMEX: "amex", v1.CardNetwork_CARD_NETWORK_DISCOVER: "discover",
	v1.CardNetwork_CARD_NETWORK_JCB: "jcb", v1.CardNetwork_CARD_NETWORK_DINERS: "diners",
	v1.CardNetwork_CARD_NETWORK_UNIONPAY: "cup", v1.CardNetwork_CARD_NETWORK_CARTES_BANCAIRES: "cartebancaire",
	v1.CardNetwork_CARD_NETWORK_MAESTRO: "maestro",
}

// paymentMethod maps a unified payment method to Adyen's; billingCountry picks
// Afterpay's variant (clearpay in GB). Errors never echo a card number or CVC.
func paymentMethod(pm *v1.PaymentMethod, billingCountry string) (method, error) {
	switch m := pm.GetMethod().(type) {
	case *v1.PaymentMethod_Card:
		c := m.Card
		if err := pdk.CheckCard(c); err != nil {
			return method{}, err
		}
		return kind("scheme", "number", c.GetNumber(), "expiryMonth", textf.Sprintf("%02d", c.GetExpMonth()), "expiryYear", strconv.Itoa(int(c.GetExpYear())),
			"cvc", c.GetCvc(), "holderName", c.GetHolderName(), "brand", cardBrands[c.GetNetwork()]), nil
	case *v1.PaymentMethod_Token:
		if m.Token.GetToken() == "" {
			return method{}, pdk.InvalidRequest("payment_method.token.token", "is required")
		}
		return storedMethod(m.Token.GetToken()), nil
	case *v1.PaymentMethod_Wallet:
		switch w := m.Wallet.GetWallet().(type) {
		case *v1.Wallet_ApplePay:
			if w.ApplePay.GetPaymentData() == "" {
				return method{}, pdk.InvalidRequest("payment_method.wallet.apple_pay.payment_data", "is required")
			}
			// Adyen takes the paymentData JSON stringified and base64-encoded.
			return kind("applepay", "applePayToken", base64.StdEncoding.EncodeToString([]byte(w.ApplePay.GetPaymentData()))), nil
		case *v1.Wallet_GooglePay:
			if w.GooglePay.GetToken() == "" {
				return method{}, pdk.InvalidRequest("payment_method.wallet.google_pay.token", "is required")
			}
			return kind("googlepay", "googlePayToken", w.GooglePay.GetToken()), nil
		case *v1.Wallet_Paypal:
			return kind("paypal", "subtype", "redirect"), nil
		}
		return method{}, pdk.InvalidRequest("payment_method.wallet", "names no wallet")
	case *v1.PaymentMethod_BankRedirect:
		return bankRedirect(m.BankRedirect)
	case *v1.PaymentMethod_BankDebit:
		return bankDebit(m.BankDebit)
	case *v1.PaymentMethod_PayLater:
		t := map[v1.PayLaterKind]string{v1.PayLaterKind_PAY_LATER_KIND_KLARNA: "klarna", v1.PayLaterKind_PAY_LATER_KIND_AFFIRM: "affirm",
			v1.PayLaterKind_PAY_LATER_KIND_AFTERPAY_CLEARPAY: "afterpaytouch"}[m.PayLater.GetKind()]
		if t == "" {
			return method{}, pdk.Unsupported("pay later %s is not supported by the adyen connector", m.PayLater.GetKind())
		}
		if t == "afterpaytouch" && billingCountry == "GB" {
			t = "clearpay"
		}
		pl := kind(t)
		pl.needsOrder = true
		return pl, nil
	case nil:
		return method{}, pdk.InvalidRequest("payment_method", "is required")
	}
	// Bank transfers, vouchers, UPI and any method added later.
	t := pdk.MethodGoType(pm.GetMethod())
	return method{}, pdk.Unsupported("payment method %s is not supported by the adyen connector", strings.ToLower(t[strings.LastIndexByte(t, '_')+1:]))
}

func bankRedirect(b *v1.BankRedirect) (method, error) {
	switch b.GetKind() {
	case v1.BankRedirectKind_BANK_REDIRECT_KIND_IDEAL:
		return kind("ideal", "issuer", b.GetIssuer()), nil
	case v1.BankRedirectKind_BANK_REDIRECT_KIND_SOFORT:
		m := kind("directEbanking")
		m.needsCountry, m.country = true, b.GetCountry()
		return m, nil
	case v1.BankRedirectKind_BANK_REDIRECT_KIND_EPS:
		if b.GetIssuer() == "" {
			return method{}, pdk.InvalidRequest("payment_method.bank_redirect.issuer", "is required for EPS (the shopper's bank)")
		}
		return kind("eps", "issuer", b.GetIssuer()), nil
	case v1.BankRedirectKind_BANK_REDIRECT_KIND_BLIK:
		if c := b.GetBlikCode(); len(c) != 6 || !pdk.Digits(c) {
			return method{}, pdk.InvalidRequest("payment_method.bank_redirect.blik_code", "must be the shopper's six-digit BLIK code")
		}
		return kind("blik", "blikCode", b.GetBlikCode()), nil
	case v1.BankRedirectKind_BANK_REDIRECT_KIND_TRUSTLY:
		return kind("trustly"), nil
	}
	return method{}, pdk.Unsupported("bank redirect %s is not supported by the adyen connector", b.GetKind())
}

func bankDebit(b *v1.BankDebit) (method, error) {
	const f = "payment_method.bank_debit"
	if b.GetAccountHolderName() == "" {
		return method{}, pdk.InvalidRequest(f+".account_holder_name", "is required")
	}
	number, routing, holder := b.GetAccountNumber(), b.GetRoutingNumber(), b.GetAccountHolderName()
	switch b.GetKind() {
	case v1.BankDebitKind_BANK_DEBIT_KIND_SEPA:
		if b.GetIban() == "" {
			return method{}, pdk.InvalidRequest(f+".iban", "is required for SEPA Direct Debit")
		}
		return kind("sepadirectdebit", "iban", b.GetIban(), "ownerName", holder), nil
	case v1.BankDebitKind_BANK_DEBIT_KIND_ACH:
		if number == "" || routing == "" {
			return method{}, pdk.InvalidRequest(f+".account_number", "and routing_number are required for ACH")
		}
		if t := b.GetAccountType(); t != "" && t != "checking" && t != "savings" {
			return method{}, pdk.InvalidRequest(f+".account_type", "must be checking or savings")
		}
		return kind("ach", "bankAccountNumber", number, "bankLocationId", routing, "ownerName", holder, "bankAccountType", b.GetAccountType()), nil
	case v1.BankDebitKind_BANK_DEBIT_KIND_BACS:
		if number == "" || routing == "" {
			return method{}, pdk.InvalidRequest(f+".account_number", "and routing_number (sort code) are required for BACS")
		}
		return kind("directdebit_GB", "bankAccountNumber", number, "bankLocationId", routing, "holderName", holder), nil
	}
	return method{}, pdk.Unsupported("bank debit %s is not supported by the adyen connector", b.GetKind())
}
