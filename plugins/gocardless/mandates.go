package gocardless

import (
	"cmp"
	"strings"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk"
	"github.com/connectorhost/connector-host/pdk/jsonr"
	"github.com/connectorhost/connector-host/pdk/jsonw"
	"github.com/valyala/fastjson"
)

// stateBankAccount is the ConnectorState value Tokenize sets: the customer
// bank account (BA...) SetupRecurring creates the mandate on.
const stateBankAccount = "customer_bank_account"

// buildCreateCustomer builds POST /customers. GoCardless needs a name:
// given and family name (from the address, else the customer's name split
// at its first space) or a company name.
func buildCreateCustomer(c *pdk.Context, req *v1.CustomerServiceCreateRequest) (*pluginv1.HttpRequest, error) {
	cu, a := req.GetCustomer(), req.GetAddress()
	given, family := a.GetFirstName(), a.GetLastName()
	if given == "" || family == "" {
		given, family = pdk.NameParts(cu.GetName())
	}
	if given == "" || family == "" {
		return nil, pdk.InvalidRequest("customer.name", "is required: GoCardless needs a given and a family name (\"Frank Osborne\", or address.first_name and address.last_name)")
	}
	meta, err := metadata("metadata", req.GetMetadata(), "merchant_customer_id", cu.GetId())
	if err != nil {
		return nil, err
	}
	body := envelope("customers", func(o *jsonw.Object) {
		o.StringIf("email", cmp.Or(cu.GetEmail(), a.GetEmail()))
		o.String("given_name", given)
		o.String("family_name", family)
		o.StringIf("phone_number", cmp.Or(cu.GetPhone(), a.GetPhone()))
		o.StringIf("address_line1", a.GetLine1())
		o.StringIf("address_line2", a.GetLine2())
		o.StringIf("address_line3", a.GetLine3())
		o.StringIf("city", a.GetCity())
		o.StringIf("region", a.GetState())
		o.StringIf("postal_code", a.GetPostalCode())
		o.StringIf("country_code", a.GetCountry())
		if len(meta) > 0 {
			o.SortedStringMap("metadata", meta)
		}
	})
	return api.Send(c, "POST", "/customers", keyFor(c, "customer", req.GetMerchantRequestId()), body)
}

// createdID is the id of a created resource: the answer's, or the existing
// one's for a repeated create (see conflictID).
func createdID(res *pdk.Response, name string) (string, *fastjson.Value, error) {
	if id := conflictID(res); id != "" {
		return id, nil, nil
	}
	o, err := resource(res, name, false)
	if err != nil {
		return "", nil, err
	}
	return jsonr.Str(o, "id"), o, nil
}

func parseCreateCustomer(c *pdk.Context, req *v1.CustomerServiceCreateRequest, res *pdk.Response) (*v1.CustomerServiceCreateResponse, error) {
	id, _, err := createdID(res, "customers")
	if err != nil {
		return nil, err
	}
	return pdk.CustomerCreated(id), nil
}

// customerID is the GoCardless customer of a call; without one it asks the
// host to run CustomerService.Create with the call's customer first.
func customerID(c *pdk.Context, cu *v1.Customer, billing *v1.Address, merchantID string) (string, error) {
	if id := cmp.Or(cu.GetConnectorCustomerId(), c.State.GetConnectorCustomerId()); id != "" {
		return id, nil
	}
	if cu.GetName() == "" && billing.GetLastName() == "" {
		return "", pdk.InvalidRequest("customer.connector_customer_id", "is required: GoCardless debits a customer's bank account (or send customer.name to create the customer)")
	}
	return "", pdk.NeedStep(v1.Flow_FLOW_CREATE_CUSTOMER, &v1.CustomerServiceCreateRequest{Customer: cu, Address: billing, MerchantRequestId: merchantID})
}

// bankAccountFields are the customer_bank_accounts members of each scheme.
type bankAccount struct {
	scheme, country, currency string
}

// schemes maps the unified bank debit kinds to GoCardless's scheme, the
// bank account's country (empty: from the IBAN) and currency.
func schemes() map[v1.BankDebitKind]bankAccount {
	return map[v1.BankDebitKind]bankAccount{
		v1.BankDebitKind_BANK_DEBIT_KIND_SEPA: {scheme: "sepa_core", currency: "EUR"},
		v1.BankDebitKind_BANK_DEBIT_KIND_BACS: {scheme: "bacs", country: "GB", currency: "GBP"},
		v1.BankDebitKind_BANK_DEBIT_KIND_ACH:  {scheme: "ach", country: "US", currency: "USD"},
		v1.BankDebitKind_BANK_DEBIT_KIND_BECS: {scheme: "becs", country: "AU", currency: "AUD"},
	}
}

// bankDebit returns the payment method's bank debit, refusing other kinds.
func bankDebit(pm *v1.PaymentMethod) (*v1.BankDebit, bankAccount, error) {
	bd := pm.GetBankDebit()
	if bd == nil {
		return nil, bankAccount{}, pdk.Unsupported("payment_method: GoCardless takes bank debits (payment_method.bank_debit) or a customer bank account id (payment_method.token)")
	}
	s, ok := schemes()[bd.GetKind()]
	if !ok {
		return nil, bankAccount{}, pdk.InvalidRequest("payment_method.bank_debit.kind", "must be SEPA, BACS, ACH or BECS")
	}
	if bd.GetAccountHolderName() == "" {
		return nil, bankAccount{}, pdk.InvalidRequest("payment_method.bank_debit.account_holder_name", "is required")
	}
	if s.country == "" && bd.GetIban() == "" {
		return nil, bankAccount{}, pdk.InvalidRequest("payment_method.bank_debit.iban", "is required for SEPA")
	}
	if s.country != "" && (bd.GetAccountNumber() == "" || bd.GetRoutingNumber() == "") {
		return nil, bankAccount{}, pdk.InvalidRequest("payment_method.bank_debit.account_number",
			"and routing_number (sort code, ABA routing number or BSB) are required for "+strings.ToUpper(s.scheme))
	}
	if s.scheme == "ach" && bd.GetAccountType() != "checking" && bd.GetAccountType() != "savings" {
		return nil, bankAccount{}, pdk.InvalidRequest("payment_method.bank_debit.account_type", "must be checking or savings for ACH")
	}
	return bd, s, nil
}

// buildTokenize builds POST /customer_bank_accounts: the bank debit
// becomes a customer bank account (BA...), the token SetupRecurring uses.
func buildTokenize(c *pdk.Context, req *v1.PaymentMethodServiceTokenizeRequest) (*pluginv1.HttpRequest, error) {
	bd, s, err := bankDebit(req.GetPaymentMethod())
	if err != nil {
		return nil, err
	}
	cust, err := customerID(c, req.GetCustomer(), req.GetBillingAddress(), req.GetMerchantRequestId())
	if err != nil {
		return nil, err
	}
	body := envelope("customer_bank_accounts", func(o *jsonw.Object) {
		o.String("account_holder_name", bd.GetAccountHolderName())
		if s.country == "" {
			o.String("iban", strings.ReplaceAll(bd.GetIban(), " ", ""))
		} else {
			o.String("account_number", bd.GetAccountNumber())
			routing := "branch_code" // sort code (Bacs), BSB (BECS)
			if s.scheme == "ach" {
				routing = "bank_code" // ABA routing number
			}
			o.String(routing, strings.ReplaceAll(bd.GetRoutingNumber(), "-", ""))
			o.String("country_code", s.country)
			if s.scheme == "ach" {
				o.String("account_type", bd.GetAccountType()) // checking or savings: US accounts only
			}
		}
		o.String("currency", s.currency)
		o.Object("links", func(l *jsonw.Object) { l.String("customer", cust) })
	})
	return api.Send(c, "POST", "/customer_bank_accounts", keyFor(c, "bank_account", req.GetMerchantRequestId()), body)
}

func parseTokenize(c *pdk.Context, req *v1.PaymentMethodServiceTokenizeRequest, res *pdk.Response) (*v1.PaymentMethodServiceTokenizeResponse, error) {
	id, o, err := createdID(res, "customer_bank_accounts")
	if err != nil {
		return nil, err
	}
	cust := cmp.Or(jsonr.Str(o, "links", "customer"), req.GetCustomer().GetConnectorCustomerId(), c.State.GetConnectorCustomerId())
	return &v1.PaymentMethodServiceTokenizeResponse{PaymentMethodToken: id, State: &v1.ConnectorState{
		ConnectorCustomerId: cust, Values: map[string]string{stateBankAccount: id}}}, nil
}

// buildSetupRecurring builds POST /mandates on a customer bank account: the
// request's token, the state's (a Tokenize step) or, with neither, a
// Tokenize step of the bank debit first. A mandate collects nothing, so the
// amount must be 0.
func buildSetupRecurring(c *pdk.Context, req *v1.PaymentServiceSetupRecurringRequest) (*pluginv1.HttpRequest, error) {
	if _, _, err := amounts.To(req.GetAmount(), "amount"); err != nil {
		return nil, err
	}
	if req.GetAmount().GetMinorAmount() != 0 {
		return nil, pdk.InvalidRequest("amount", "must be 0: a GoCardless mandate collects nothing; collect with RecurringPaymentService.Charge")
	}
	scheme := ""
	if s, ok := schemes()[req.GetPaymentMethod().GetBankDebit().GetKind()]; ok {
		scheme = s.scheme
	}
	ip := cmp.Or(req.GetCustomerAcceptance().GetIpAddress(), req.GetBrowserInfo().GetIpAddress())
	if scheme == "ach" && ip == "" {
		return nil, pdk.InvalidRequest("customer_acceptance.ip_address", "is required for an ACH mandate (payer_ip_address)")
	}
	account := cmp.Or(req.GetPaymentMethod().GetToken().GetToken(), c.State.GetValues()[stateBankAccount])
	if account == "" {
		if _, _, err := bankDebit(req.GetPaymentMethod()); err != nil {
			return nil, err
		}
		cust, err := customerID(c, req.GetCustomer(), req.GetBillingAddress(), req.GetMerchantSetupId())
		if err != nil {
			return nil, err
		}
		return nil, pdk.NeedStep(v1.Flow_FLOW_TOKENIZE, &v1.PaymentMethodServiceTokenizeRequest{
			PaymentMethod: req.GetPaymentMethod(), Customer: &v1.Customer{ConnectorCustomerId: cust},
			BillingAddress: req.GetBillingAddress(), MerchantRequestId: req.GetMerchantSetupId()})
	}
	meta, err := metadata("metadata", req.GetMetadata(), "merchant_setup_id", req.GetMerchantSetupId())
	if err != nil {
		return nil, err
	}
	body := envelope("mandates", func(o *jsonw.Object) {
		o.StringIf("scheme", scheme)
		o.StringIf("payer_ip_address", ip)
		if len(meta) > 0 {
			o.SortedStringMap("metadata", meta)
		}
		o.Object("links", func(l *jsonw.Object) { l.String("customer_bank_account", account) })
	})
	return api.Send(c, "POST", "/mandates", keyFor(c, "mandate", req.GetMerchantSetupId()), body)
}

func parseSetupRecurring(c *pdk.Context, req *v1.PaymentServiceSetupRecurringRequest, res *pdk.Response) (*v1.PaymentServiceSetupRecurringResponse, error) {
	status := v1.MandateStatus_MANDATE_STATUS_UNKNOWN // a repeated create: the existing mandate, status unknown
	id, o, err := createdID(res, "mandates")
	if err != nil {
		return nil, err
	}
	if o != nil {
		if jsonr.Str(o, "status") == "" {
			return nil, pdk.InvalidResponse("GoCardless's mandate %s has no status", id)
		}
		status = mandateStatuses().Get(jsonr.Str(o, "status"))
	}
	cust := cmp.Or(jsonr.Str(o, "links", "customer"), c.State.GetConnectorCustomerId())
	return &v1.PaymentServiceSetupRecurringResponse{
		ConnectorSetupId: id, Status: status,
		Mandate: &v1.MandateReference{ConnectorMandateId: id, ConnectorCustomerId: cust, Status: status},
		State:   &v1.ConnectorState{ConnectorCustomerId: cust},
	}, nil
}

// buildRevoke builds POST /mandates/{id}/actions/cancel: no further
// payments can be created on the mandate.
func buildRevoke(c *pdk.Context, req *v1.RecurringPaymentServiceRevokeRequest) (*pluginv1.HttpRequest, error) {
	id, err := pdk.PathID("mandate.connector_mandate_id", req.GetMandate().GetConnectorMandateId())
	if err != nil {
		return nil, err
	}
	body := envelope("data", func(o *jsonw.Object) {
		if req.GetMerchantRevokeId() != "" {
			o.SortedStringMap("metadata", map[string]string{"merchant_revoke_id": req.GetMerchantRevokeId()})
		}
	})
	key := idempotencyKey("revoke", cmp.Or(req.GetMerchantRevokeId(), req.GetMandate().GetConnectorMandateId()))
	return api.Send(c, "POST", "/mandates/"+id+"/actions/cancel", key, body)
}

func parseRevoke(c *pdk.Context, req *v1.RecurringPaymentServiceRevokeRequest, res *pdk.Response) (*v1.RecurringPaymentServiceRevokeResponse, error) {
	o, err := resource(res, "mandates", true)
	if err != nil {
		return nil, err
	}
	id, raw := jsonr.Str(o, "id"), jsonr.Str(o, "status")
	if err := pdk.SameID(processor, id, req.GetMandate().GetConnectorMandateId()); err != nil {
		return nil, err
	}
	out := &v1.RecurringPaymentServiceRevokeResponse{ConnectorMandateId: id, Status: mandateStatuses().Get(raw)}
	if out.Status != v1.MandateStatus_MANDATE_STATUS_REVOKED && out.Status != v1.MandateStatus_MANDATE_STATUS_UNKNOWN {
		out.Error = &v1.PaymentError{Code: v1.ErrorCode_ERROR_CODE_PROCESSING_ERROR, Message: "GoCardless reports the mandate " + raw + " after the cancel",
			Connector: &v1.ConnectorError{Code: raw, HttpStatus: int32(res.Status)}}
	}
	return out, nil
}
