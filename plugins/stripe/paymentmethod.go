package stripe

import (
	"strconv"
	"strings"

	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk"
)

type (
	customerIn = v1.CustomerServiceCreateRequest
	tokenizeIn = v1.PaymentMethodServiceTokenizeRequest
)

// createCustomerHandler creates a Customer, keyed by merchant_request_id,
// else the merchant's customer id.
var createCustomerHandler = &pdk.Call[*customerIn, *v1.CustomerServiceCreateResponse]{
	API: api, Method: "POST", Path: "/v1/customers",
	Key: pdk.Key[*customerIn]{Op: "customer", ID: (*customerIn).GetMerchantRequestId,
		Fallback: func(r *customerIn) string { return r.GetCustomer().GetId() }},
	Check: pdk.Required("customer", func(r *customerIn) bool { return r.GetCustomer() != nil }),
	Body: pdk.Fields[*customerIn]{
		{Key: "name", Str: func(r *customerIn) string { return r.GetCustomer().GetName() }},
		{Key: "email", Str: func(r *customerIn) string { return r.GetCustomer().GetEmail() }},
		{Key: "phone", Str: func(r *customerIn) string { return r.GetCustomer().GetPhone() }},
		{Key: "description", Str: func(r *customerIn) string { return r.GetCustomer().GetDescription() }},
	},
	Fill: func(_ *pdk.Context, req *customerIn, b *pdk.Body) error {
		writeAddress(b, "address.", req.GetAddress())
		return writeMetadata(b, req.GetMetadata(), "merchant_customer_id", req.GetCustomer().GetId())
	},
	Read: func(a *pdk.Answer) *v1.CustomerServiceCreateResponse {
		a.Expect("object", "customer")
		return pdk.CustomerCreated(a.Require("id"))
	},
}

// tokenizeHandler vaults a card as a PaymentMethod (number and CVC only in
// the form body), answered with its id and the card's safe details; a card
// Stripe declines at creation (402) is a response with the error, no token.
var tokenizeHandler = &pdk.Call[*tokenizeIn, *v1.PaymentMethodServiceTokenizeResponse]{
	API: api, Method: "POST", Path: "/v1/payment_methods",
	Key: pdk.Key[*tokenizeIn]{Op: "tokenize", ID: (*tokenizeIn).GetMerchantRequestId},
	Check: func(_ *pdk.Context, req *tokenizeIn) error {
		if req.GetPaymentMethod().GetCard() == nil {
			return pdk.Unsupported("only cards can be tokenized")
		}
		return nil
	},
	Body: pdk.Fields[*tokenizeIn]{{Key: "type", Const: "card"}},
	Fill: func(_ *pdk.Context, req *tokenizeIn, b *pdk.Body) error {
		card := req.GetPaymentMethod().GetCard()
		if err := writeCard(b, "card.", card); err != nil {
			return err
		}
		p := pdk.Payer{Billing: req.GetBillingAddress(), Customer: req.GetCustomer(), Holder: card.GetHolderName()}
		if err := writeBillingDetails(b, "", p, methodSpec{Name: "card"}); err != nil {
			return err
		}
		return writeMetadata(b, req.GetMetadata())
	},
	Read: func(a *pdk.Answer) *v1.PaymentMethodServiceTokenizeResponse {
		a.Expect("object", "payment_method")
		out := &v1.PaymentMethodServiceTokenizeResponse{PaymentMethodToken: a.Require("id"),
			CardNetwork:  pdk.CardNetworkNamed(a.Str("card.brand")),
			CardExpMonth: int32(a.Int("card.exp_month")), CardExpYear: int32(a.Int("card.exp_year"))}
		if last4 := a.Str("card.last4"); len(last4) <= 4 {
			out.CardLast4 = last4
		}
		return out
	},
	OnDecline: func(_ *pdk.Context, _ *tokenizeIn, e *pdk.Error, _ *pdk.Answer) (*v1.PaymentMethodServiceTokenizeResponse, error) {
		return &v1.PaymentMethodServiceTokenizeResponse{Error: e.Detail}, nil
	},
}

// methodSpec says how a unified payment method maps to a Stripe payment
// method type, what Stripe requires with it and where its details go.
type methodSpec struct {
	// Type is the Stripe type ("card", "ideal"), empty when ID, an existing
	// payment method (pm_..., card_..., src_...), is sent instead; Name is
	// the display name for messages.
	Type, ID, Name string
	// Card methods take card options (3DS, incremental auth); Redirect
	// methods need a return_url; Mandate methods need mandate_data; the
	// ReusableViaSEPA (iDEAL, Bancontact, Sofort) create a SEPA Direct Debit
	// mandate when stored for future use.
	Card, Redirect, Mandate, ReusableViaSEPA bool
	// needs is what the method needs of the payer; data are its details.
	needs pdk.Needs
	data  pdk.MethodDetails
}

var (
	bank = func(pm *v1.PaymentMethod, _ pdk.Payer) string {
		return strings.ToLower(pm.GetBankRedirect().GetIssuer())
	}
	// bankOptional is the shopper's bank where Stripe lets the shopper pick it later.
	bankOptional = pdk.MethodDetails{{Key: "bank", Value: bank}}
	// achData are ACH's account holder (an individual) and account type.
	achData = pdk.MethodDetails{
		{Key: "account_holder_type", Value: func(*v1.PaymentMethod, pdk.Payer) string { return "individual" }},
		{Key: "account_type", Field: "payment_method.bank_debit.account_type", Problem: "must be checking or savings",
			Value: func(pm *v1.PaymentMethod, _ pdk.Payer) string {
				return strings.ToLower(pm.GetBankDebit().GetAccountType())
			},
			Valid: func(t string) bool { return t == "" || t == "checking" || t == "savings" }}}
)

// bankAccount is a bank debit's account number and routing code (dashes
// removed), Stripe's routingKey, named routing in messages.
func bankAccount(routingKey, routing string) pdk.MethodDetails {
	const bd = "payment_method.bank_debit."
	return pdk.MethodDetails{
		{Key: "account_number", Field: bd + "account_number", Problem: "is required",
			Value: func(pm *v1.PaymentMethod, _ pdk.Payer) string { return pm.GetBankDebit().GetAccountNumber() }},
		{Key: routingKey, Field: bd + "routing_number", Problem: "is required (the " + routing + ")",
			Value: func(pm *v1.PaymentMethod, _ pdk.Payer) string {
				return strings.ReplaceAll(pm.GetBankDebit().GetRoutingNumber(), "-", "")
			}},
	}
}

// methods are the payment methods Authorize implements (the manifest
// declares exactly these), by unified type.
var methods = map[v1.PaymentMethodType]methodSpec{
	v1.PaymentMethodType_PAYMENT_METHOD_TYPE_CARD:            {Type: "card", Name: "card", Card: true},
	v1.PaymentMethodType_PAYMENT_METHOD_TYPE_PROCESSOR_TOKEN: {Name: "payment method"},
	v1.PaymentMethodType_PAYMENT_METHOD_TYPE_PAYPAL:          {Type: "paypal", Name: "PayPal", Redirect: true},
	v1.PaymentMethodType_PAYMENT_METHOD_TYPE_IDEAL: {Type: "ideal", Name: "iDEAL", Redirect: true, ReusableViaSEPA: true,
		data: bankOptional},
	v1.PaymentMethodType_PAYMENT_METHOD_TYPE_SOFORT: {Type: "sofort", Name: "Sofort", Redirect: true, ReusableViaSEPA: true,
		data: pdk.MethodDetails{{Key: "country", Field: "payment_method.bank_redirect.country",
			Problem: "is required for Sofort (or billing_address.country)", Value: func(pm *v1.PaymentMethod, p pdk.Payer) string {
				return strings.ToUpper(pdk.First(pm.GetBankRedirect().GetCountry(), p.Billing.GetCountry()))
			}}}},
	v1.PaymentMethodType_PAYMENT_METHOD_TYPE_GIROPAY: {Type: "giropay", Name: "giropay", Redirect: true},
	v1.PaymentMethodType_PAYMENT_METHOD_TYPE_BANCONTACT: {Type: "bancontact", Name: "Bancontact", Redirect: true, ReusableViaSEPA: true,
		needs: pdk.NeedName},
	v1.PaymentMethodType_PAYMENT_METHOD_TYPE_EPS: {Type: "eps", Name: "EPS", Redirect: true, needs: pdk.NeedName, data: bankOptional},
	v1.PaymentMethodType_PAYMENT_METHOD_TYPE_BLIK: {Type: "blik", Name: "BLIK", data: pdk.MethodDetails{{
		At: "payment_method_options.blik.code", Field: "payment_method.bank_redirect.blik_code",
		Problem: "must be the shopper's six-digit BLIK code",
		Valid:   func(code string) bool { return len(code) == 6 && pdk.Digits(code) },
		Value:   func(pm *v1.PaymentMethod, _ pdk.Payer) string { return pm.GetBankRedirect().GetBlikCode() }}}},
	v1.PaymentMethodType_PAYMENT_METHOD_TYPE_PRZELEWY24: {Type: "p24", Name: "Przelewy24", Redirect: true, needs: pdk.NeedEmail,
		data: bankOptional},
	v1.PaymentMethodType_PAYMENT_METHOD_TYPE_ONLINE_BANKING_FPX: {Type: "fpx", Name: "FPX", Redirect: true,
		data: pdk.MethodDetails{{Key: "bank", Value: bank, Field: "payment_method.bank_redirect.issuer",
			Problem: "is required for FPX (the shopper's bank)"}}},
	v1.PaymentMethodType_PAYMENT_METHOD_TYPE_SEPA_DEBIT: {Type: "sepa_debit", Name: "SEPA Direct Debit", Mandate: true,
		needs: pdk.NeedName | pdk.NeedEmail,
		data: pdk.MethodDetails{{Key: "iban", Field: "payment_method.bank_debit.iban", Problem: "is required for SEPA Direct Debit",
			Value: func(pm *v1.PaymentMethod, _ pdk.Payer) string {
				return strings.ReplaceAll(pm.GetBankDebit().GetIban(), " ", "")
			}}}},
	v1.PaymentMethodType_PAYMENT_METHOD_TYPE_ACH_DEBIT: {Type: "us_bank_account", Name: "ACH Direct Debit", Mandate: true,
		needs: pdk.NeedName, data: append(bankAccount("routing_number", "routing number"), achData...)},
	v1.PaymentMethodType_PAYMENT_METHOD_TYPE_BACS_DEBIT: {Type: "bacs_debit", Name: "Bacs Direct Debit", Mandate: true,
		needs: pdk.NeedName | pdk.NeedEmail | pdk.NeedAddress, data: bankAccount("sort_code", "sort code")},
	v1.PaymentMethodType_PAYMENT_METHOD_TYPE_BECS_DEBIT: {Type: "au_becs_debit", Name: "BECS Direct Debit", Mandate: true,
		needs: pdk.NeedName | pdk.NeedEmail, data: bankAccount("bsb_number", "BSB number")},
	v1.PaymentMethodType_PAYMENT_METHOD_TYPE_KLARNA: {Type: "klarna", Name: "Klarna", Redirect: true, needs: pdk.NeedEmail | pdk.NeedCountry},
	v1.PaymentMethodType_PAYMENT_METHOD_TYPE_AFTERPAY_CLEARPAY: {Type: "afterpay_clearpay", Name: "Afterpay / Clearpay", Redirect: true,
		needs: pdk.NeedName | pdk.NeedEmail | pdk.NeedAddress},
	v1.PaymentMethodType_PAYMENT_METHOD_TYPE_AFFIRM: {Type: "affirm", Name: "Affirm", Redirect: true},
	v1.PaymentMethodType_PAYMENT_METHOD_TYPE_BOLETO: {Type: "boleto", Name: "Boleto", needs: pdk.NeedName | pdk.NeedEmail | pdk.NeedAddress,
		data: pdk.MethodDetails{{Key: "tax_id", Field: "payment_method.voucher.tax_id", Problem: "is required for Boleto (CPF or CNPJ)",
			Value: func(pm *v1.PaymentMethod, _ pdk.Payer) string { return pm.GetVoucher().GetTaxId() }}}},
	v1.PaymentMethodType_PAYMENT_METHOD_TYPE_OXXO:    {Type: "oxxo", Name: "OXXO", needs: pdk.NeedName | pdk.NeedEmail},
	v1.PaymentMethodType_PAYMENT_METHOD_TYPE_KONBINI: {Type: "konbini", Name: "Konbini", needs: pdk.NeedName | pdk.NeedEmail},
}

// writePaymentMethod writes pm into a PaymentIntent or SetupIntent:
// payment_method for an existing id, else payment_method_data (and
// payment_method_options where Stripe wants it).
func writePaymentMethod(b *pdk.Body, pm *v1.PaymentMethod, p pdk.Payer) (methodSpec, error) {
	spec, ok := methods[pdk.MethodType(pm)]
	switch {
	case pm.GetMethod() == nil:
		return spec, pdk.InvalidRequest("payment_method", "is required (or mandate.connector_mandate_id)")
	case pm.GetWallet() != nil && !ok:
		return spec, pdk.Unsupported("encrypted Apple Pay / Google Pay payloads are not supported; " +
			"create a Stripe payment method with Stripe.js and send it as payment_method.token")
	case !ok:
		return spec, pdk.Unsupported("payment method %v is not supported", pdk.MethodType(pm))
	}
	if tok := pm.GetToken(); tok != nil {
		t := strings.TrimSpace(tok.GetToken())
		switch {
		case t == "":
			return spec, pdk.InvalidRequest("payment_method.token.token", "is required")
		case !strings.HasPrefix(t, "tok_"):
			b.Set("payment_method", t)
			return methodSpec{ID: t, Name: "payment method", Card: strings.HasPrefix(t, "pm_") || strings.HasPrefix(t, "card_")}, nil
		}
		// A legacy card token (Stripe.js v2, Apple Pay / Google Pay tokens
		// created by Stripe.js): wrap it as card payment method data.
		spec = methodSpec{Type: "card", Name: "card token", Card: true}
		b.Set("payment_method_data.type", "card")
		b.Set("payment_method_data.card.token", t)
		return spec, writeBillingDetails(b, "payment_method_data.", p, spec)
	}
	b.Set("payment_method_data.type", spec.Type)
	if card := pm.GetCard(); card != nil {
		p.Holder = pdk.First(p.Holder, card.GetHolderName())
		if err := writeCard(b, "payment_method_data.card.", card); err != nil {
			return spec, err
		}
	}
	if err := spec.data.Write(b, "payment_method_data."+spec.Type+".", pm, p); err != nil {
		return spec, err
	}
	return spec, writeBillingDetails(b, "payment_method_data.", p, spec)
}

// writeCard writes raw card data at prefix (only ever into the form body).
func writeCard(b *pdk.Body, prefix string, c *v1.Card) error {
	if err := pdk.CheckCard(c); err != nil {
		return err
	}
	b.Set(prefix+"number", c.GetNumber())
	b.SetInt(prefix+"exp_month", int64(c.GetExpMonth()))
	b.SetInt(prefix+"exp_year", int64(c.GetExpYear()))
	b.SetIf(prefix+"cvc", c.GetCvc())
	return nil
}

// writeBillingDetails writes billing_details at prefix, after checking
// what the method needs of the payer.
func writeBillingDetails(b *pdk.Body, prefix string, p pdk.Payer, spec methodSpec) error {
	if err := p.Check(spec.Name, spec.needs); err != nil {
		return err
	}
	b.SetPairs(prefix+"billing_details.", "name", p.Name(), "email", p.Email(), "phone", p.Phone())
	writeAddress(b, prefix+"billing_details.address.", p.Billing)
	return nil
}

// writeAddress writes a Stripe address hash at prefix, when a has one.
func writeAddress(b *pdk.Body, prefix string, a *v1.Address) {
	b.SetPairs(prefix, "line1", a.GetLine1(), "line2", strings.TrimSpace(a.GetLine2()+" "+a.GetLine3()), "city", a.GetCity(),
		"state", a.GetState(), "postal_code", a.GetPostalCode(), "country", strings.ToUpper(a.GetCountry()))
}

// writeShipping writes the shipping hash, which needs a name and an address.
func writeShipping(b *pdk.Body, a *v1.Address, p pdk.Payer) {
	name := pdk.First(strings.TrimSpace(a.GetFirstName()+" "+a.GetLastName()), p.Name())
	if name == "" || a.GetLine1()+a.GetCity()+a.GetPostalCode()+a.GetCountry()+a.GetState() == "" {
		return
	}
	b.Set("shipping.name", name)
	b.SetIf("shipping.phone", a.GetPhone())
	writeAddress(b, "shipping.address.", a)
}

// writeMandateData writes mandate_data[customer_acceptance]: the caller's
// acceptance when given, else an online acceptance from the shopper's
// browser, else an offline one (the merchant collected the mandate).
func writeMandateData(b *pdk.Body, acc *v1.CustomerAcceptance, browser *v1.BrowserInfo) {
	const ca = "mandate_data.customer_acceptance."
	ip, ua := pdk.First(acc.GetIpAddress(), browser.GetIpAddress()), pdk.First(acc.GetUserAgent(), browser.GetUserAgent())
	online := ip != "" && ua != "" && strings.ToLower(acc.GetAcceptanceType()) != "offline"
	if online {
		b.Set(ca+"type", "online")
	} else {
		b.Set(ca+"type", "offline")
	}
	if acc.GetAcceptedAtUnix() > 0 {
		b.Set(ca+"accepted_at", strconv.FormatInt(acc.GetAcceptedAtUnix(), 10))
	}
	if online {
		b.SetPairs(ca+"online.", "ip_address", ip, "user_agent", ua)
	}
}
