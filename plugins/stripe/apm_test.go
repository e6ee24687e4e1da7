//go:build !wasip1

package stripe

import (
	"strings"
	"testing"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
)

type apmCase struct {
	name     string
	pmType   v1.PaymentMethodType
	pm       *v1.PaymentMethod
	currency string
	want     map[string]string
}

func bankRedirect(kind v1.BankRedirectKind, issuer string) *v1.PaymentMethod {
	return &v1.PaymentMethod{Method: &v1.PaymentMethod_BankRedirect{BankRedirect: &v1.BankRedirect{Kind: kind, Issuer: issuer}}}
}

func bankDebit(d *v1.BankDebit) *v1.PaymentMethod {
	return &v1.PaymentMethod{Method: &v1.PaymentMethod_BankDebit{BankDebit: d}}
}

func payLater(kind v1.PayLaterKind) *v1.PaymentMethod {
	return &v1.PaymentMethod{Method: &v1.PaymentMethod_PayLater{PayLater: &v1.PayLater{Kind: kind}}}
}

func voucher(kind v1.VoucherKind, taxID string) *v1.PaymentMethod {
	return &v1.PaymentMethod{Method: &v1.PaymentMethod_Voucher{Voucher: &v1.Voucher{Kind: kind, TaxId: taxID}}}
}

// apmCases are the non-card methods with the form fields they produce.
// The request carries a full billing address, a return URL and browser info.
func apmCases() []apmCase {
	blik := bankRedirect(v1.BankRedirectKind_BANK_REDIRECT_KIND_BLIK, "")
	blik.GetBankRedirect().BlikCode = "777123"
	sofort := bankRedirect(v1.BankRedirectKind_BANK_REDIRECT_KIND_SOFORT, "")
	sofort.GetBankRedirect().Country = "de"
	return []apmCase{
		{"paypal", v1.PaymentMethodType_PAYMENT_METHOD_TYPE_PAYPAL,
			&v1.PaymentMethod{Method: &v1.PaymentMethod_Wallet{Wallet: &v1.Wallet{Wallet: &v1.Wallet_Paypal{Paypal: &v1.PayPalWallet{}}}}}, "EUR",
			map[string]string{"payment_method_data[type]": "paypal"}},
		{"ideal", v1.PaymentMethodType_PAYMENT_METHOD_TYPE_IDEAL, bankRedirect(v1.BankRedirectKind_BANK_REDIRECT_KIND_IDEAL, "ING"), "EUR",
			map[string]string{"payment_method_data[type]": "ideal", "payment_method_data[ideal][bank]": "ing", "statement_descriptor": "SHOP", "statement_descriptor_suffix": "-"}},
		{"sofort", v1.PaymentMethodType_PAYMENT_METHOD_TYPE_SOFORT, sofort, "EUR",
			map[string]string{"payment_method_data[type]": "sofort", "payment_method_data[sofort][country]": "DE"}},
		{"giropay", v1.PaymentMethodType_PAYMENT_METHOD_TYPE_GIROPAY, bankRedirect(v1.BankRedirectKind_BANK_REDIRECT_KIND_GIROPAY, ""), "EUR",
			map[string]string{"payment_method_data[type]": "giropay"}},
		{"bancontact", v1.PaymentMethodType_PAYMENT_METHOD_TYPE_BANCONTACT, bankRedirect(v1.BankRedirectKind_BANK_REDIRECT_KIND_BANCONTACT, ""), "EUR",
			map[string]string{"payment_method_data[type]": "bancontact", "payment_method_data[billing_details][name]": "Jo Doe"}},
		{"eps", v1.PaymentMethodType_PAYMENT_METHOD_TYPE_EPS, bankRedirect(v1.BankRedirectKind_BANK_REDIRECT_KIND_EPS, "bank_austria"), "EUR",
			map[string]string{"payment_method_data[type]": "eps", "payment_method_data[eps][bank]": "bank_austria"}},
		{"blik", v1.PaymentMethodType_PAYMENT_METHOD_TYPE_BLIK, blik, "PLN",
			map[string]string{"payment_method_data[type]": "blik", "payment_method_options[blik][code]": "777123"}},
		{"p24", v1.PaymentMethodType_PAYMENT_METHOD_TYPE_PRZELEWY24, bankRedirect(v1.BankRedirectKind_BANK_REDIRECT_KIND_PRZELEWY24, "ing"), "PLN",
			map[string]string{"payment_method_data[type]": "p24", "payment_method_data[p24][bank]": "ing", "payment_method_data[billing_details][email]": "jo@example.com"}},
		{"fpx", v1.PaymentMethodType_PAYMENT_METHOD_TYPE_ONLINE_BANKING_FPX, bankRedirect(v1.BankRedirectKind_BANK_REDIRECT_KIND_ONLINE_BANKING_FPX, "maybank2u"), "MYR",
			map[string]string{"payment_method_data[type]": "fpx", "payment_method_data[fpx][bank]": "maybank2u"}},
		{"sepa debit", v1.PaymentMethodType_PAYMENT_METHOD_TYPE_SEPA_DEBIT, bankDebit(&v1.BankDebit{Kind: v1.BankDebitKind_BANK_DEBIT_KIND_SEPA, Iban: "DE89 3704 0044 0532 0130 00"}), "EUR",
			map[string]string{"payment_method_data[type]": "sepa_debit", "payment_method_data[sepa_debit][iban]": "DE89370400440532013000",
				"mandate_data[customer_acceptance][type]": "online", "mandate_data[customer_acceptance][online][ip_address]": "203.0.113.7",
				"mandate_data[customer_acceptance][online][user_agent]": "Mozilla/5.0"}},
		{"ach debit", v1.PaymentMethodType_PAYMENT_METHOD_TYPE_ACH_DEBIT, bankDebit(&v1.BankDebit{Kind: v1.BankDebitKind_BANK_DEBIT_KIND_ACH, AccountNumber: "000123456789", RoutingNumber: "110000000", AccountType: "Checking"}), "USD",
			map[string]string{"payment_method_data[type]": "us_bank_account", "payment_method_data[us_bank_account][account_number]": "000123456789",
				"payment_method_data[us_bank_account][routing_number]": "110000000", "payment_method_data[us_bank_account][account_type]": "checking",
				"payment_method_data[us_bank_account][account_holder_type]": "individual", "mandate_data[customer_acceptance][type]": "online"}},
		{"bacs debit", v1.PaymentMethodType_PAYMENT_METHOD_TYPE_BACS_DEBIT, bankDebit(&v1.BankDebit{Kind: v1.BankDebitKind_BANK_DEBIT_KIND_BACS, AccountNumber: "00012345", RoutingNumber: "10-88-00"}), "GBP",
			map[string]string{"payment_method_data[type]": "bacs_debit", "payment_method_data[bacs_debit][sort_code]": "108800", "payment_method_data[bacs_debit][account_number]": "00012345"}},
		{"becs debit", v1.PaymentMethodType_PAYMENT_METHOD_TYPE_BECS_DEBIT, bankDebit(&v1.BankDebit{Kind: v1.BankDebitKind_BANK_DEBIT_KIND_BECS, AccountNumber: "000123456", RoutingNumber: "000-000"}), "AUD",
			map[string]string{"payment_method_data[type]": "au_becs_debit", "payment_method_data[au_becs_debit][bsb_number]": "000000"}},
		{"klarna", v1.PaymentMethodType_PAYMENT_METHOD_TYPE_KLARNA, payLater(v1.PayLaterKind_PAY_LATER_KIND_KLARNA), "EUR",
			map[string]string{"payment_method_data[type]": "klarna", "payment_method_data[billing_details][address][country]": "DE"}},
		{"afterpay", v1.PaymentMethodType_PAYMENT_METHOD_TYPE_AFTERPAY_CLEARPAY, payLater(v1.PayLaterKind_PAY_LATER_KIND_AFTERPAY_CLEARPAY), "USD",
			map[string]string{"payment_method_data[type]": "afterpay_clearpay", "shipping[name]": "Jo Doe"}},
		{"affirm", v1.PaymentMethodType_PAYMENT_METHOD_TYPE_AFFIRM, payLater(v1.PayLaterKind_PAY_LATER_KIND_AFFIRM), "USD",
			map[string]string{"payment_method_data[type]": "affirm"}},
		{"boleto", v1.PaymentMethodType_PAYMENT_METHOD_TYPE_BOLETO, voucher(v1.VoucherKind_VOUCHER_KIND_BOLETO, "00000000000"), "BRL",
			map[string]string{"payment_method_data[type]": "boleto", "payment_method_data[boleto][tax_id]": "00000000000"}},
		{"oxxo", v1.PaymentMethodType_PAYMENT_METHOD_TYPE_OXXO, voucher(v1.VoucherKind_VOUCHER_KIND_OXXO, ""), "MXN",
			map[string]string{"payment_method_data[type]": "oxxo"}},
		{"konbini", v1.PaymentMethodType_PAYMENT_METHOD_TYPE_KONBINI, voucher(v1.VoucherKind_VOUCHER_KIND_KONBINI, ""), "JPY",
			map[string]string{"payment_method_data[type]": "konbini"}},
	}
}

func apmRequest(tc apmCase) *v1.PaymentServiceAuthorizeRequest {
	req := authorizeReq()
	req.Amount = &v1.Money{MinorAmount: 1000, Currency: tc.currency}
	req.PaymentMethod = tc.pm
	req.ReturnUrl = testReturn
	req.StatementDescriptor = "SHOP"
	req.BillingAddress = &v1.Address{FirstName: "Jo", LastName: "Doe", Line1: "1 Main St", City: "Berlin", PostalCode: "10115", Country: "DE", Email: "jo@example.com"}
	req.ShippingAddress = req.BillingAddress
	req.BrowserInfo = &v1.BrowserInfo{IpAddress: "203.0.113.7", UserAgent: "Mozilla/5.0"}
	return req
}

func TestAuthorizeAlternativeMethods(t *testing.T) {
	for _, tc := range apmCases() {
		t.Run(tc.name, func(t *testing.T) {
			http := build(t, v1.Flow_FLOW_AUTHORIZE, apmRequest(tc))
			want := map[string]string{"payment_method_types[]": formOf(t, http).Get("payment_method_data[type]"), "return_url": testReturn,
				"payment_method_data[card][number]": "-", "payment_method": "-"}
			for k, v := range tc.want {
				want[k] = v
			}
			wantForm(t, http, want)
		})
	}
}

func TestAuthorizeAlternativeMethodRequirements(t *testing.T) {
	blik := bankRedirect(v1.BankRedirectKind_BANK_REDIRECT_KIND_BLIK, "")
	blik.GetBankRedirect().BlikCode = "12ab56"
	for _, tc := range []struct {
		name   string
		pm     *v1.PaymentMethod
		mutate func(*v1.PaymentServiceAuthorizeRequest)
		field  string
	}{
		{"ideal without return url", bankRedirect(v1.BankRedirectKind_BANK_REDIRECT_KIND_IDEAL, ""), func(r *v1.PaymentServiceAuthorizeRequest) { r.ReturnUrl = "" }, "return_url"},
		{"bancontact without name", bankRedirect(v1.BankRedirectKind_BANK_REDIRECT_KIND_BANCONTACT, ""), func(r *v1.PaymentServiceAuthorizeRequest) {
			r.BillingAddress.FirstName, r.BillingAddress.LastName = "", ""
		}, "billing_address.first_name"},
		{"p24 without email", bankRedirect(v1.BankRedirectKind_BANK_REDIRECT_KIND_PRZELEWY24, ""), func(r *v1.PaymentServiceAuthorizeRequest) { r.BillingAddress.Email = "" }, "billing_address.email"},
		{"sofort without country", bankRedirect(v1.BankRedirectKind_BANK_REDIRECT_KIND_SOFORT, ""), func(r *v1.PaymentServiceAuthorizeRequest) { r.BillingAddress.Country = "" }, "payment_method.bank_redirect.country"},
		{"blik bad code", blik, nil, "payment_method.bank_redirect.blik_code"},
		{"fpx without bank", bankRedirect(v1.BankRedirectKind_BANK_REDIRECT_KIND_ONLINE_BANKING_FPX, ""), nil, "payment_method.bank_redirect.issuer"},
		{"sepa without iban", bankDebit(&v1.BankDebit{Kind: v1.BankDebitKind_BANK_DEBIT_KIND_SEPA}), nil, "payment_method.bank_debit.iban"},
		{"ach without routing", bankDebit(&v1.BankDebit{Kind: v1.BankDebitKind_BANK_DEBIT_KIND_ACH, AccountNumber: "1"}), nil, "payment_method.bank_debit.routing_number"},
		{"ach bad type", bankDebit(&v1.BankDebit{Kind: v1.BankDebitKind_BANK_DEBIT_KIND_ACH, AccountNumber: "1", RoutingNumber: "2", AccountType: "brokerage"}), nil, "payment_method.bank_debit.account_type"},
		{"bacs without address", bankDebit(&v1.BankDebit{Kind: v1.BankDebitKind_BANK_DEBIT_KIND_BACS, AccountNumber: "1", RoutingNumber: "2"}), func(r *v1.PaymentServiceAuthorizeRequest) { r.BillingAddress.Line1 = "" }, "billing_address.line1"},
		{"klarna without country", payLater(v1.PayLaterKind_PAY_LATER_KIND_KLARNA), func(r *v1.PaymentServiceAuthorizeRequest) { r.BillingAddress.Country = "" }, "billing_address.country"},
		{"boleto without tax id", voucher(v1.VoucherKind_VOUCHER_KIND_BOLETO, ""), nil, "payment_method.voucher.tax_id"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := apmRequest(apmCase{pm: tc.pm, currency: "EUR"})
			if tc.mutate != nil {
				tc.mutate(req)
			}
			e := buildErr(t, v1.Flow_FLOW_AUTHORIZE, req)
			wantKind(t, e, pluginv1.ErrorKind_ERROR_KIND_INVALID_REQUEST)
			if !strings.HasPrefix(e.GetMessage(), tc.field+":") {
				t.Errorf("message %q does not name %s", e.GetMessage(), tc.field)
			}
		})
	}
}

// TestMandateDataAcceptance covers the three sources of a mandate's
// customer acceptance.
func TestMandateDataAcceptance(t *testing.T) {
	sepa := bankDebit(&v1.BankDebit{Kind: v1.BankDebitKind_BANK_DEBIT_KIND_SEPA, Iban: "DE89370400440532013000"})
	req := apmRequest(apmCase{pm: sepa, currency: "EUR"})
	req.BrowserInfo = nil
	wantForm(t, build(t, v1.Flow_FLOW_AUTHORIZE, req), map[string]string{
		"mandate_data[customer_acceptance][type]": "offline", "mandate_data[customer_acceptance][online][ip_address]": "-",
	})
	setup := &v1.PaymentServiceSetupRecurringRequest{
		MerchantSetupId: "setup_1", PaymentMethod: sepa, Amount: &v1.Money{Currency: "EUR"},
		BillingAddress:     req.BillingAddress,
		CustomerAcceptance: &v1.CustomerAcceptance{AcceptanceType: "online", AcceptedAtUnix: 1767322800, IpAddress: "198.51.100.1", UserAgent: "UA/1"},
	}
	wantForm(t, build(t, v1.Flow_FLOW_SETUP_RECURRING, setup), map[string]string{
		"mandate_data[customer_acceptance][type]":               "online",
		"mandate_data[customer_acceptance][accepted_at]":        "1767322800",
		"mandate_data[customer_acceptance][online][ip_address]": "198.51.100.1",
		"mandate_data[customer_acceptance][online][user_agent]": "UA/1",
	})
}
