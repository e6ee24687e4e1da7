package stripe

import (
	"strconv"
	"strings"

	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk"
	"github.com/connectorhost/connector-host/pdk/form"
)

// methodSpec says how a unified payment method maps to a Stripe payment
// method type and what Stripe requires with it.
type methodSpec struct {
	// Type is the Stripe payment method type ("card", "ideal", ...); empty
	// when an existing payment method id is sent instead.
	Type string
	// ID is an existing Stripe payment method (pm_..., card_..., src_...).
	ID string
	// Name is the method's display name for error messages.
	Name string
	// Card is set when card options (3DS, incremental auth) apply.
	Card bool
	// Redirect methods send the shopper away: return_url is required.
	Redirect bool
	// Mandate methods need mandate_data when confirmed.
	Mandate bool
	// ReusableViaSEPA methods (iDEAL, Bancontact, Sofort) create a SEPA
	// Direct Debit mandate when stored for future use.
	ReusableViaSEPA bool
	needName        bool
	needEmail       bool
	needCountry     bool
	needAddress     bool
}

// payer is who pays: what Stripe's billing_details are made from.
type payer struct {
	billing  *v1.Address
	customer *v1.Customer
	holder   string
}

func (p payer) name() string {
	if n := strings.TrimSpace(p.billing.GetFirstName() + " " + p.billing.GetLastName()); n != "" {
		return n
	}
	if p.holder != "" {
		return p.holder
	}
	return p.customer.GetName()
}

func (p payer) email() string {
	if e := p.billing.GetEmail(); e != "" {
		return e
	}
	return p.customer.GetEmail()
}

func (p payer) phone() string {
	if ph := p.billing.GetPhone(); ph != "" {
		return ph
	}
	return p.customer.GetPhone()
}

// encodePaymentMethod writes pm into a PaymentIntent or SetupIntent form:
// payment_method for an existing id, else payment_method_data (and
// payment_method_options where Stripe wants method data there).
func encodePaymentMethod(f *form.Values, pm *v1.PaymentMethod, p payer) (methodSpec, error) {
	if tok := pm.GetToken(); tok != nil {
		t := strings.TrimSpace(tok.GetToken())
		switch {
		case t == "":
			return methodSpec{}, pdk.InvalidRequest("payment_method.token.token", "is required")
		case strings.HasPrefix(t, "tok_"):
			// A legacy card token (Stripe.js v2, Apple Pay / Google Pay tokens
			// created by Stripe.js): wrap it as card payment method data.
			spec := methodSpec{Type: "card", Name: "card token", Card: true}
			pmd := f.Nest("payment_method_data")
			pmd.Set("type", "card")
			pmd.Nest("card").Set("token", t)
			return spec, writeBillingDetails(pmd, p, spec)
		default:
			f.Set("payment_method", t)
			return methodSpec{ID: t, Name: "payment method", Card: strings.HasPrefix(t, "pm_") || strings.HasPrefix(t, "card_")}, nil
		}
	}
	spec, err := methodFor(pm)
	if err != nil {
		return spec, err
	}
	pmd := f.Nest("payment_method_data")
	pmd.Set("type", spec.Type)
	if card := pm.GetCard(); card != nil {
		if p.holder == "" {
			p.holder = card.GetHolderName()
		}
		if err := writeCard(pmd.Nest("card"), card, "payment_method.card"); err != nil {
			return spec, err
		}
	}
	if err := writeMethodData(f, pmd, pm, p); err != nil {
		return spec, err
	}
	return spec, writeBillingDetails(pmd, p, spec)
}

// writeCard writes raw card data (only ever into the form body).
func writeCard(card *form.Values, c *v1.Card, field string) error {
	if c.GetNumber() == "" {
		return pdk.InvalidRequest(field+".number", "is required")
	}
	if c.GetExpMonth() < 1 || c.GetExpMonth() > 12 {
		return pdk.InvalidRequest(field+".exp_month", "must be 1-12")
	}
	if c.GetExpYear() < 2000 {
		return pdk.InvalidRequest(field+".exp_year", "must be a four-digit year")
	}
	card.Set("number", c.GetNumber())
	card.SetInt("exp_month", int64(c.GetExpMonth()))
	card.SetInt("exp_year", int64(c.GetExpYear()))
	card.SetIf("cvc", c.GetCvc())
	return nil
}

// methodFor returns the Stripe type and requirements of a payment method.
func methodFor(pm *v1.PaymentMethod) (methodSpec, error) {
	switch m := pm.GetMethod().(type) {
	case *v1.PaymentMethod_Card:
		return methodSpec{Type: "card", Name: "card", Card: true}, nil
	case *v1.PaymentMethod_Wallet:
		if m.Wallet.GetPaypal() != nil {
			return methodSpec{Type: "paypal", Name: "PayPal", Redirect: true, Mandate: false}, nil
		}
		return methodSpec{}, pdk.Unsupported("encrypted Apple Pay / Google Pay payloads are not supported; create a Stripe payment method with Stripe.js and send it as payment_method.token")
	case *v1.PaymentMethod_BankRedirect:
		switch m.BankRedirect.GetKind() {
		case v1.BankRedirectKind_BANK_REDIRECT_KIND_IDEAL:
			return methodSpec{Type: "ideal", Name: "iDEAL", Redirect: true, ReusableViaSEPA: true}, nil
		case v1.BankRedirectKind_BANK_REDIRECT_KIND_SOFORT:
			return methodSpec{Type: "sofort", Name: "Sofort", Redirect: true, ReusableViaSEPA: true}, nil
		case v1.BankRedirectKind_BANK_REDIRECT_KIND_GIROPAY:
			return methodSpec{Type: "giropay", Name: "giropay", Redirect: true}, nil
		case v1.BankRedirectKind_BANK_REDIRECT_KIND_BANCONTACT:
			return methodSpec{Type: "bancontact", Name: "Bancontact", Redirect: true, ReusableViaSEPA: true, needName: true}, nil
		case v1.BankRedirectKind_BANK_REDIRECT_KIND_EPS:
			return methodSpec{Type: "eps", Name: "EPS", Redirect: true, needName: true}, nil
		case v1.BankRedirectKind_BANK_REDIRECT_KIND_BLIK:
			return methodSpec{Type: "blik", Name: "BLIK"}, nil
		case v1.BankRedirectKind_BANK_REDIRECT_KIND_PRZELEWY24:
			return methodSpec{Type: "p24", Name: "Przelewy24", Redirect: true, needEmail: true}, nil
		case v1.BankRedirectKind_BANK_REDIRECT_KIND_ONLINE_BANKING_FPX:
			return methodSpec{Type: "fpx", Name: "FPX", Redirect: true}, nil
		}
		return methodSpec{}, pdk.Unsupported("bank redirect %v is not supported", m.BankRedirect.GetKind())
	case *v1.PaymentMethod_BankDebit:
		switch m.BankDebit.GetKind() {
		case v1.BankDebitKind_BANK_DEBIT_KIND_SEPA:
			return methodSpec{Type: "sepa_debit", Name: "SEPA Direct Debit", Mandate: true, needName: true, needEmail: true}, nil
		case v1.BankDebitKind_BANK_DEBIT_KIND_ACH:
			return methodSpec{Type: "us_bank_account", Name: "ACH Direct Debit", Mandate: true, needName: true}, nil
		case v1.BankDebitKind_BANK_DEBIT_KIND_BACS:
			return methodSpec{Type: "bacs_debit", Name: "Bacs Direct Debit", Mandate: true, needName: true, needEmail: true, needAddress: true}, nil
		case v1.BankDebitKind_BANK_DEBIT_KIND_BECS:
			return methodSpec{Type: "au_becs_debit", Name: "BECS Direct Debit", Mandate: true, needName: true, needEmail: true}, nil
		}
		return methodSpec{}, pdk.Unsupported("bank debit %v is not supported", m.BankDebit.GetKind())
	case *v1.PaymentMethod_PayLater:
		switch m.PayLater.GetKind() {
		case v1.PayLaterKind_PAY_LATER_KIND_KLARNA:
			return methodSpec{Type: "klarna", Name: "Klarna", Redirect: true, needEmail: true, needCountry: true}, nil
		case v1.PayLaterKind_PAY_LATER_KIND_AFTERPAY_CLEARPAY:
			return methodSpec{Type: "afterpay_clearpay", Name: "Afterpay / Clearpay", Redirect: true, needName: true, needEmail: true, needAddress: true}, nil
		case v1.PayLaterKind_PAY_LATER_KIND_AFFIRM:
			return methodSpec{Type: "affirm", Name: "Affirm", Redirect: true}, nil
		}
		return methodSpec{}, pdk.Unsupported("pay later %v is not supported", m.PayLater.GetKind())
	case *v1.PaymentMethod_Voucher:
		switch m.Voucher.GetKind() {
		case v1.VoucherKind_VOUCHER_KIND_BOLETO:
			return methodSpec{Type: "boleto", Name: "Boleto", needName: true, needEmail: true, needAddress: true}, nil
		case v1.VoucherKind_VOUCHER_KIND_OXXO:
			return methodSpec{Type: "oxxo", Name: "OXXO", needName: true, needEmail: true}, nil
		case v1.VoucherKind_VOUCHER_KIND_KONBINI:
			return methodSpec{Type: "konbini", Name: "Konbini", needName: true, needEmail: true}, nil
		}
		return methodSpec{}, pdk.Unsupported("voucher %v is not supported", m.Voucher.GetKind())
	case *v1.PaymentMethod_BankTransfer:
		return methodSpec{}, pdk.Unsupported("bank transfers are not supported by this plugin")
	case *v1.PaymentMethod_Upi:
		return methodSpec{}, pdk.Unsupported("UPI is not supported by this plugin")
	case nil:
		return methodSpec{}, pdk.InvalidRequest("payment_method", "is required")
	}
	return methodSpec{}, pdk.Unsupported("payment method %T is not supported", pm.GetMethod())
}

// writeMethodData writes the method-specific fields of payment_method_data
// (and the BLIK code, which Stripe takes in payment_method_options).
func writeMethodData(f, pmd *form.Values, pm *v1.PaymentMethod, p payer) error {
	if br := pm.GetBankRedirect(); br != nil {
		issuer := strings.ToLower(br.GetIssuer())
		switch br.GetKind() {
		case v1.BankRedirectKind_BANK_REDIRECT_KIND_IDEAL:
			pmd.Nest("ideal").SetIf("bank", issuer)
		case v1.BankRedirectKind_BANK_REDIRECT_KIND_EPS:
			pmd.Nest("eps").SetIf("bank", issuer)
		case v1.BankRedirectKind_BANK_REDIRECT_KIND_PRZELEWY24:
			pmd.Nest("p24").SetIf("bank", issuer)
		case v1.BankRedirectKind_BANK_REDIRECT_KIND_ONLINE_BANKING_FPX:
			if issuer == "" {
				return pdk.InvalidRequest("payment_method.bank_redirect.issuer", "is required for FPX (the shopper's bank)")
			}
			pmd.Nest("fpx").Set("bank", issuer)
		case v1.BankRedirectKind_BANK_REDIRECT_KIND_SOFORT:
			country := br.GetCountry()
			if country == "" {
				country = p.billing.GetCountry()
			}
			if country == "" {
				return pdk.InvalidRequest("payment_method.bank_redirect.country", "is required for Sofort (or billing_address.country)")
			}
			pmd.Nest("sofort").Set("country", strings.ToUpper(country))
		case v1.BankRedirectKind_BANK_REDIRECT_KIND_BLIK:
			code := br.GetBlikCode()
			if len(code) != 6 || strings.Trim(code, "0123456789") != "" {
				return pdk.InvalidRequest("payment_method.bank_redirect.blik_code", "must be the shopper's six-digit BLIK code")
			}
			f.Nest("payment_method_options").Nest("blik").Set("code", code)
		}
	}
	if bd := pm.GetBankDebit(); bd != nil {
		switch bd.GetKind() {
		case v1.BankDebitKind_BANK_DEBIT_KIND_SEPA:
			if bd.GetIban() == "" {
				return pdk.InvalidRequest("payment_method.bank_debit.iban", "is required for SEPA Direct Debit")
			}
			pmd.Nest("sepa_debit").Set("iban", strings.ReplaceAll(bd.GetIban(), " ", ""))
		case v1.BankDebitKind_BANK_DEBIT_KIND_ACH:
			if err := requireAccount(bd, "routing number"); err != nil {
				return err
			}
			acct := pmd.Nest("us_bank_account")
			acct.Set("account_number", bd.GetAccountNumber())
			acct.Set("routing_number", bd.GetRoutingNumber())
			acct.Set("account_holder_type", "individual")
			switch t := strings.ToLower(bd.GetAccountType()); t {
			case "checking", "savings":
				acct.Set("account_type", t)
			case "":
			default:
				return pdk.InvalidRequest("payment_method.bank_debit.account_type", "must be checking or savings")
			}
		case v1.BankDebitKind_BANK_DEBIT_KIND_BACS:
			if err := requireAccount(bd, "sort code"); err != nil {
				return err
			}
			acct := pmd.Nest("bacs_debit")
			acct.Set("account_number", bd.GetAccountNumber())
			acct.Set("sort_code", strings.ReplaceAll(bd.GetRoutingNumber(), "-", ""))
		case v1.BankDebitKind_BANK_DEBIT_KIND_BECS:
			if err := requireAccount(bd, "BSB number"); err != nil {
				return err
			}
			acct := pmd.Nest("au_becs_debit")
			acct.Set("account_number", bd.GetAccountNumber())
			acct.Set("bsb_number", strings.ReplaceAll(bd.GetRoutingNumber(), "-", ""))
		}
	}
	if v := pm.GetVoucher(); v != nil && v.GetKind() == v1.VoucherKind_VOUCHER_KIND_BOLETO {
		if v.GetTaxId() == "" {
			return pdk.InvalidRequest("payment_method.voucher.tax_id", "is required for Boleto (CPF or CNPJ)")
		}
		pmd.Nest("boleto").Set("tax_id", v.GetTaxId())
	}
	return nil
}

func requireAccount(bd *v1.BankDebit, routing string) error {
	if bd.GetAccountNumber() == "" {
		return pdk.InvalidRequest("payment_method.bank_debit.account_number", "is required")
	}
	if bd.GetRoutingNumber() == "" {
		return pdk.InvalidRequest("payment_method.bank_debit.routing_number", "is required (the "+routing+")")
	}
	return nil
}

// writeBillingDetails writes billing_details and checks what the method
// requires of them.
func writeBillingDetails(pmd *form.Values, p payer, spec methodSpec) error {
	name, email, phone, addr := p.name(), p.email(), p.phone(), p.billing
	if spec.needName && name == "" {
		return pdk.InvalidRequest("billing_address.first_name", spec.Name+" requires the shopper's name (billing_address or customer.name)")
	}
	if spec.needEmail && email == "" {
		return pdk.InvalidRequest("billing_address.email", spec.Name+" requires the shopper's email (billing_address or customer.email)")
	}
	if (spec.needCountry || spec.needAddress) && addr.GetCountry() == "" {
		return pdk.InvalidRequest("billing_address.country", spec.Name+" requires the billing country")
	}
	if spec.needAddress && addr.GetLine1() == "" {
		return pdk.InvalidRequest("billing_address.line1", spec.Name+" requires the billing address")
	}
	if name == "" && email == "" && phone == "" && !hasAddress(addr) {
		return nil
	}
	bd := pmd.Nest("billing_details")
	bd.SetIf("name", name)
	bd.SetIf("email", email)
	bd.SetIf("phone", phone)
	if hasAddress(addr) {
		writeAddress(bd.Nest("address"), addr)
	}
	return nil
}

func hasAddress(a *v1.Address) bool {
	return a.GetLine1() != "" || a.GetCity() != "" || a.GetPostalCode() != "" || a.GetCountry() != "" || a.GetState() != ""
}

// writeAddress writes a Stripe address hash.
func writeAddress(f *form.Values, a *v1.Address) {
	f.SetIf("line1", a.GetLine1())
	line2 := a.GetLine2()
	if a.GetLine3() != "" {
		line2 = strings.TrimSpace(line2 + " " + a.GetLine3())
	}
	f.SetIf("line2", line2)
	f.SetIf("city", a.GetCity())
	f.SetIf("state", a.GetState())
	f.SetIf("postal_code", a.GetPostalCode())
	f.SetIf("country", strings.ToUpper(a.GetCountry()))
}

// writeShipping writes the shipping hash (Stripe requires a name and an address).
func writeShipping(f *form.Values, a *v1.Address, p payer) {
	if !hasAddress(a) {
		return
	}
	name := strings.TrimSpace(a.GetFirstName() + " " + a.GetLastName())
	if name == "" {
		name = p.name()
	}
	if name == "" {
		return
	}
	s := f.Nest("shipping")
	s.Set("name", name)
	s.SetIf("phone", a.GetPhone())
	writeAddress(s.Nest("address"), a)
}

// writeMandateData writes mandate_data[customer_acceptance]: the caller's
// acceptance when given, else an online acceptance from the shopper's
// browser, else an offline one (the merchant collected the mandate).
func writeMandateData(f *form.Values, acc *v1.CustomerAcceptance, browser *v1.BrowserInfo) {
	ca := f.Nest("mandate_data").Nest("customer_acceptance")
	ip, ua := acc.GetIpAddress(), acc.GetUserAgent()
	if ip == "" {
		ip = browser.GetIpAddress()
	}
	if ua == "" {
		ua = browser.GetUserAgent()
	}
	online := ip != "" && ua != ""
	if t := strings.ToLower(acc.GetAcceptanceType()); t == "offline" {
		online = false
	}
	if online {
		ca.Set("type", "online")
	} else {
		ca.Set("type", "offline")
	}
	if acc.GetAcceptedAtUnix() > 0 {
		ca.Set("accepted_at", strconv.FormatInt(acc.GetAcceptedAtUnix(), 10))
	}
	if online {
		o := ca.Nest("online")
		o.Set("ip_address", ip)
		o.Set("user_agent", ua)
	}
}

// secretsOf lists the values that must never appear in messages: the API
// key and the card number and CVC of a payment method.
func secretsOf(c *pdk.Context, pm *v1.PaymentMethod) []string {
	s := []string{c.Credentials[credAPIKey], c.Credentials[credWebhookSecret]}
	if card := pm.GetCard(); card != nil {
		s = append(s, card.GetNumber())
		if len(card.GetCvc()) >= 4 {
			s = append(s, card.GetCvc())
		}
	}
	if bd := pm.GetBankDebit(); bd != nil {
		s = append(s, bd.GetIban(), bd.GetAccountNumber())
	}
	return s
}
