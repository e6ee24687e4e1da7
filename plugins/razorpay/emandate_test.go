package razorpay

import (
	"strings"
	"testing"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
)

const nachAccount = "1121431121541121"

func nachSetup(md map[string]string) *v1.PaymentServiceSetupRecurringRequest {
	return &v1.PaymentServiceSetupRecurringRequest{
		MerchantSetupId: "setup_nach_1", Amount: &v1.Money{Currency: "INR"},
		Customer: &v1.Customer{Name: "Gaurav Kumar", Email: "gaurav.kumar@example.com", Phone: "9123456780"},
		PaymentMethod: &v1.PaymentMethod{Method: &v1.PaymentMethod_BankDebit{BankDebit: &v1.BankDebit{
			Kind: v1.BankDebitKind_BANK_DEBIT_KIND_NACH, AccountNumber: nachAccount, RoutingNumber: "hdfc0000001",
			AccountHolderName: "Gaurav Kumar", AccountType: "current",
		}}},
		Metadata:  md,
		ReturnUrl: "https://merchant.example/razorpay/return",
	}
}

// SetupRecurring with a NACH bank debit asks for the customer, then for an
// emandate order whose token carries auth_type, max_amount and the bank
// account, then makes the zero-amount authorization payment for it.
func TestSetupRecurringEmandate(t *testing.T) {
	req := nachSetup(map[string]string{"max_amount": "5000000", "auth_type": "debitcard", "plan": "gold"})
	step[v1.CustomerServiceCreateRequest](t, build(t, v1.Flow_FLOW_SETUP_RECURRING, req, nil), v1.Flow_FLOW_CREATE_CUSTOMER)

	withCustomer := &v1.ConnectorState{ConnectorCustomerId: "cust_1Aa00000000001"}
	o := step[v1.PaymentServiceCreateOrderRequest](t, build(t, v1.Flow_FLOW_SETUP_RECURRING, req, withCustomer), v1.Flow_FLOW_CREATE_ORDER)
	if o.GetMetadata()["auth_type"] != "" || o.GetMetadata()["max_amount"] != "" || o.GetMetadata()["plan"] != "gold" {
		t.Fatalf("order notes = %v", o.GetMetadata())
	}
	ob := body(t, build(t, v1.Flow_FLOW_CREATE_ORDER, o, nil))
	tok, _ := ob["token"].(map[string]any)
	acct, _ := tok["bank_account"].(map[string]any)
	if ob["method"] != "emandate" || ob["amount"] != float64(0) || ob["currency"] != "INR" || ob["customer_id"] != "cust_1Aa00000000001" {
		t.Fatalf("emandate order body = %v", ob)
	}
	if tok["auth_type"] != "debitcard" || tok["max_amount"] != float64(5000000) || tok["frequency"] != nil {
		t.Fatalf("emandate order token = %v", tok)
	}
	want := map[string]any{"beneficiary_name": "Gaurav Kumar", "account_number": nachAccount, "account_type": "current", "ifsc_code": "HDFC0000001"}
	for k, v := range want {
		if acct[k] != v {
			t.Errorf("order token.bank_account.%s = %v, want %v", k, acct[k], v)
		}
	}

	st := orderState("order_1Aa00000000001", "setup_nach_1")
	st.ConnectorCustomerId = "cust_1Aa00000000001"
	pb := body(t, build(t, v1.Flow_FLOW_SETUP_RECURRING, req, st))
	pa, _ := pb["bank_account"].(map[string]any)
	for k, v := range map[string]any{
		"amount": float64(0), "currency": "INR", "order_id": "order_1Aa00000000001", "customer_id": "cust_1Aa00000000001",
		"recurring": "1", "method": "emandate", "bank": "HDFC", "auth_type": "debitcard",
		"email": "gaurav.kumar@example.com", "contact": "9123456780", "callback_url": "https://merchant.example/razorpay/return",
	} {
		if pb[k] != v {
			t.Errorf("authorization payment %s = %v, want %v", k, pb[k], v)
		}
	}
	for k, v := range map[string]any{"account_number": nachAccount, "ifsc": "HDFC0000001", "name": "Gaurav Kumar", "account_type": "current"} {
		if pa[k] != v {
			t.Errorf("authorization payment bank_account.%s = %v, want %v", k, pa[k], v)
		}
	}
	if notes, _ := pb["notes"].(map[string]any); notes["auth_type"] != nil || notes["plan"] != "gold" {
		t.Errorf("authorization payment notes = %v", pb["notes"])
	}
}

// Without auth_type the e-mandate is a netbanking one and account_type
// defaults to savings; max_amount is left to Razorpay's default.
func TestSetupRecurringEmandateDefaults(t *testing.T) {
	req := nachSetup(nil)
	req.GetPaymentMethod().GetBankDebit().AccountType = ""
	o := step[v1.PaymentServiceCreateOrderRequest](t, build(t, v1.Flow_FLOW_SETUP_RECURRING, req, &v1.ConnectorState{ConnectorCustomerId: "cust_1Aa00000000001"}), v1.Flow_FLOW_CREATE_ORDER)
	tok, _ := body(t, build(t, v1.Flow_FLOW_CREATE_ORDER, o, nil))["token"].(map[string]any)
	acct, _ := tok["bank_account"].(map[string]any)
	if tok["auth_type"] != "netbanking" || acct["account_type"] != "savings" {
		t.Fatalf("token = %v", tok)
	}
	if _, ok := tok["max_amount"]; ok {
		t.Fatalf("max_amount sent although none was asked for: %v", tok)
	}
}

// Bad e-mandate input is refused at build with the field as the caller
// wrote it, and the account number is never echoed.
func TestSetupRecurringEmandateRefusals(t *testing.T) {
	st := orderState("order_1Aa00000000001", "setup_nach_1")
	st.ConnectorCustomerId = "cust_1Aa00000000001"
	debit := func(r *v1.PaymentServiceSetupRecurringRequest) *v1.BankDebit {
		return r.GetPaymentMethod().GetBankDebit()
	}
	for _, tc := range []struct {
		name  string
		edit  func(*v1.PaymentServiceSetupRecurringRequest)
		kind  pluginv1.ErrorKind
		field string
	}{
		{"first charge", func(r *v1.PaymentServiceSetupRecurringRequest) { r.Amount.MinorAmount = 100 }, pluginv1.ErrorKind_ERROR_KIND_INVALID_REQUEST, "amount.minor_amount"},
		{"not INR", func(r *v1.PaymentServiceSetupRecurringRequest) { r.Amount.Currency = "USD" }, pluginv1.ErrorKind_ERROR_KIND_INVALID_REQUEST, "amount.currency"},
		{"bad IFSC", func(r *v1.PaymentServiceSetupRecurringRequest) { debit(r).RoutingNumber = "HDFC000001" }, pluginv1.ErrorKind_ERROR_KIND_INVALID_REQUEST, "payment_method.bank_debit.routing_number"},
		{"no account", func(r *v1.PaymentServiceSetupRecurringRequest) { debit(r).AccountNumber = "" }, pluginv1.ErrorKind_ERROR_KIND_INVALID_REQUEST, "payment_method.bank_debit.account_number"},
		{"no holder", func(r *v1.PaymentServiceSetupRecurringRequest) { debit(r).AccountHolderName = " " }, pluginv1.ErrorKind_ERROR_KIND_INVALID_REQUEST, "payment_method.bank_debit.account_holder_name"},
		{"checking", func(r *v1.PaymentServiceSetupRecurringRequest) { debit(r).AccountType = "checking" }, pluginv1.ErrorKind_ERROR_KIND_INVALID_REQUEST, "payment_method.bank_debit.account_type"},
		{"auth type", func(r *v1.PaymentServiceSetupRecurringRequest) { r.Metadata = map[string]string{"auth_type": "upi"} }, pluginv1.ErrorKind_ERROR_KIND_INVALID_REQUEST, "metadata.auth_type"},
		{"max amount", func(r *v1.PaymentServiceSetupRecurringRequest) { r.Metadata = map[string]string{"max_amount": "-5"} }, pluginv1.ErrorKind_ERROR_KIND_INVALID_REQUEST, "metadata.max_amount"},
		{"SEPA", func(r *v1.PaymentServiceSetupRecurringRequest) { debit(r).Kind = v1.BankDebitKind_BANK_DEBIT_KIND_SEPA }, pluginv1.ErrorKind_ERROR_KIND_UNSUPPORTED, "bank_debit.kind"},
		{"auth type on UPI", func(r *v1.PaymentServiceSetupRecurringRequest) {
			r.PaymentMethod = &v1.PaymentMethod{Method: &v1.PaymentMethod_Upi{Upi: &v1.Upi{Flow: &v1.Upi_Intent{Intent: true}}}}
			r.Metadata = map[string]string{"auth_type": "netbanking", "max_amount": "100"}
		}, pluginv1.ErrorKind_ERROR_KIND_INVALID_REQUEST, "metadata.auth_type"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := nachSetup(nil)
			tc.edit(req)
			e := build(t, v1.Flow_FLOW_SETUP_RECURRING, req, st).GetError()
			if e.GetKind() != tc.kind || !strings.Contains(e.GetMessage(), tc.field) || strings.Contains(e.GetMessage(), nachAccount) {
				t.Fatalf("error = %v, want %v naming %s", e, tc.kind, tc.field)
			}
		})
	}
}

// An e-mandate order step that lost its bank account is refused, not sent
// without one.
func TestEmandateOrderNeedsItsBankAccount(t *testing.T) {
	o := &v1.PaymentServiceCreateOrderRequest{
		MerchantOrderId: "setup_nach_1", Amount: &v1.Money{Currency: "INR"},
		Customer: &v1.Customer{ConnectorCustomerId: "cust_1Aa00000000001"},
		State:    &v1.ConnectorState{Values: map[string]string{stateMethod: methodEmandate, stateAuthType: "netbanking"}},
	}
	if e := build(t, v1.Flow_FLOW_CREATE_ORDER, o, nil).GetError(); e.GetKind() != pluginv1.ErrorKind_ERROR_KIND_INVALID_REQUEST {
		t.Fatalf("error = %v", e)
	}
}

// Authorize cannot pay with a NACH e-mandate: the refusal points at
// SetupRecurring instead of claiming the method is unsupported.
func TestAuthorizeWithNachPointsAtSetupRecurring(t *testing.T) {
	req := cardAuthorize("ord_nach", 0)
	req.PaymentMethod = nachSetup(nil).GetPaymentMethod()
	e := build(t, v1.Flow_FLOW_AUTHORIZE, req, orderState("order_IluGWxBm9U8zJ8", "ord_nach")).GetError()
	if e.GetKind() != pluginv1.ErrorKind_ERROR_KIND_INVALID_REQUEST || !strings.Contains(e.GetMessage(), "SetupRecurring") {
		t.Fatalf("error = %v", e)
	}
}
