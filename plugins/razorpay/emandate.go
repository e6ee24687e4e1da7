package razorpay

import (
	"slices"
	"strings"

	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk"
	"github.com/connectorhost/connector-host/pdk/jsonw"
)

// E-mandate (NACH) request metadata keys, read by SetupRecurring and kept
// out of the notes.
const (
	// mdMaxAmount is the token's max_amount in minor units.
	mdMaxAmount = "max_amount"
	// mdAuthType is the e-mandate's token.auth_type (netbanking when absent).
	mdAuthType = "auth_type"
)

// ConnectorState values that carry an e-mandate's bank account from
// SetupRecurring to the order step it asks for. They travel only inside that
// step's request, never in the call's state.
const (
	stateAuthType      = "razorpay_emandate_auth_type"
	stateAccountName   = "razorpay_emandate_beneficiary_name"
	stateAccountNumber = "razorpay_emandate_account_number"
	stateAccountType   = "razorpay_emandate_account_type"
	stateIFSC          = "razorpay_emandate_ifsc"
)

// methodEmandate is Razorpay's payment method for NACH e-mandates.
const methodEmandate = "emandate"

// accountNumberPattern is an Indian bank account number: 5 to 35 letters and digits.
var accountNumberPattern = pdk.IDShape{Min: 5, Max: 35, Chars: pdk.AlphaNumeric}

// isIFSC reports whether s is an Indian Financial System Code
// (^[A-Z]{4}0[A-Z0-9]{6}$): four letters (the bank, also Razorpay's bank
// code), a zero and six branch characters.
func isIFSC(s string) bool {
	bank := pdk.IDShape{Min: 4, Max: 4, Chars: pdk.Upper}
	branch := pdk.IDShape{Min: 6, Max: 6, Chars: func(c byte) bool { return pdk.Upper(c) || c >= '0' && c <= '9' }}
	return len(s) == 11 && bank.Match(s[:4]) && s[4] == '0' && branch.Match(s[5:])
}

// authTypes are the e-mandate authentication types Razorpay offers.
var authTypes = []string{"netbanking", "debitcard", "aadhaar"}

// accountTypes are the bank account types Razorpay's e-mandate takes.
var accountTypes = []string{"savings", "current", "cc", "nre", "nro"}

// emandate is a validated NACH e-mandate registration.
type emandate struct {
	authType, name, number, accountType, ifsc string
}

// newEmandate validates a NACH bank debit and the auth_type metadata
// (netbanking when absent). Errors name the request fields and never echo
// the account number.
func newEmandate(d *v1.BankDebit, currency string, md map[string]string) (*emandate, error) {
	if d.GetKind() != v1.BankDebitKind_BANK_DEBIT_KIND_NACH {
		return nil, pdk.Unsupported("payment_method.bank_debit.kind: Razorpay takes only BANK_DEBIT_KIND_NACH (e-mandate)")
	}
	if currency != "INR" {
		return nil, pdk.InvalidRequest("amount.currency", "must be INR for a NACH e-mandate")
	}
	e := &emandate{
		authType: md[mdAuthType], name: strings.TrimSpace(d.GetAccountHolderName()), number: d.GetAccountNumber(),
		accountType: d.GetAccountType(), ifsc: strings.ToUpper(d.GetRoutingNumber()),
	}
	if e.authType == "" {
		e.authType = "netbanking"
	}
	if !slices.Contains(authTypes, e.authType) {
		return nil, pdk.InvalidRequest("metadata.auth_type", "must be one of netbanking, debitcard, aadhaar")
	}
	if e.name == "" {
		return nil, pdk.InvalidRequest("payment_method.bank_debit.account_holder_name", "is required for a NACH e-mandate (the beneficiary name)")
	}
	if !accountNumberPattern.Match(e.number) {
		return nil, pdk.InvalidRequest("payment_method.bank_debit.account_number", "must be 5 to 35 letters or digits")
	}
	if !isIFSC(e.ifsc) {
		return nil, pdk.InvalidRequest("payment_method.bank_debit.routing_number", "must be the branch's IFSC, like HDFC0000001")
	}
	if e.accountType == "" {
		e.accountType = "savings"
	}
	if !slices.Contains(accountTypes, e.accountType) {
		return nil, pdk.InvalidRequest("payment_method.bank_debit.account_type", "must be one of savings, current, cc, nre, nro for a NACH e-mandate")
	}
	return e, nil
}

// orderValues carries the registration to the order step.
func (e *emandate) orderValues(vals map[string]string) {
	vals[stateAuthType], vals[stateAccountName], vals[stateAccountNumber] = e.authType, e.name, e.number
	vals[stateAccountType], vals[stateIFSC] = e.accountType, e.ifsc
}

// emandateFromState reads the registration the order step carries.
func emandateFromState(vals map[string]string) (*emandate, error) {
	e := &emandate{
		authType: vals[stateAuthType], name: vals[stateAccountName], number: vals[stateAccountNumber],
		accountType: vals[stateAccountType], ifsc: vals[stateIFSC],
	}
	if !slices.Contains(authTypes, e.authType) || e.name == "" || !accountNumberPattern.Match(e.number) ||
		!isIFSC(e.ifsc) || !slices.Contains(accountTypes, e.accountType) {
		return nil, pdk.InvalidRequest("state.values", "an e-mandate order needs the bank account SetupRecurring puts in the order step")
	}
	return e, nil
}

// writeOrderToken writes the order's token object: auth_type, max_amount
// (when set; Razorpay's default otherwise) and bank_account.
func (e *emandate) writeOrderToken(t *jsonw.Object, maxAmount int64) {
	t.String("auth_type", e.authType)
	if maxAmount > 0 {
		t.Int("max_amount", maxAmount)
	}
	t.Object("bank_account", func(b *jsonw.Object) {
		b.String("beneficiary_name", e.name)
		b.String("account_number", e.number)
		b.String("account_type", e.accountType)
		b.String("ifsc_code", e.ifsc)
	})
}

// writePayment writes the authorization payment's method fields: method
// emandate, the bank (the IFSC's bank code), auth_type and bank_account.
func (e *emandate) writePayment(o *jsonw.Object) {
	o.String("method", methodEmandate)
	o.String("bank", e.ifsc[:4])
	o.String("auth_type", e.authType)
	o.Object("bank_account", func(b *jsonw.Object) {
		b.String("account_number", e.number)
		b.String("ifsc", e.ifsc)
		b.String("name", e.name)
		b.String("account_type", e.accountType)
	})
}
