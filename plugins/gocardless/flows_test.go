//go:build !wasip1

package gocardless

import (
	"context"
	"net/http/httptest"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/connectorhost/connector-host/conformance/conformancetest"
	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk/pdktest"
)

const testAccessToken = "sandbox_test_gocardless_access_token_987"

func run(t *testing.T, c pdktest.Call) *pdktest.Result {
	t.Helper()
	if c.Credentials == nil {
		c.Credentials = map[string]string{credAccessToken: testAccessToken}
	}
	c.BaseURL = SandboxBaseURL
	r, err := conformancetest.Run(New(), c)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func wantBuildError(t *testing.T, r *pdktest.Result, kind pluginv1.ErrorKind, field string) {
	t.Helper()
	e := r.GetBuildError()
	if e.GetKind() != kind || !strings.Contains(e.GetMessage(), field) {
		t.Fatalf("build error = %v (next step %v), want %v naming %q", e, r.NextStep, kind, field)
	}
}

func bacs() *v1.PaymentMethod {
	return &v1.PaymentMethod{Method: &v1.PaymentMethod_BankDebit{BankDebit: &v1.BankDebit{
		Kind: v1.BankDebitKind_BANK_DEBIT_KIND_BACS, AccountHolderName: "Frank Osborne", AccountNumber: "55779911", RoutingNumber: "20-00-00"}}}
}

func gbp(n int64) *v1.Money { return &v1.Money{MinorAmount: n, Currency: "GBP"} }

// TestSetupRecurringAsksForEachMissingStep: a mandate needs a customer and
// a customer bank account; without them the build asks the host to create
// the customer, then the bank account, then builds POST /mandates.
func TestSetupRecurringAsksForEachMissingStep(t *testing.T) {
	req := &v1.PaymentServiceSetupRecurringRequest{MerchantSetupId: "setup_9", PaymentMethod: bacs(), Amount: gbp(0),
		Customer: &v1.Customer{Name: "Frank Osborne", Email: "frank@example.com"}}
	r := run(t, pdktest.Call{Flow: v1.Flow_FLOW_SETUP_RECURRING, Request: req})
	if r.NextStep.GetFlow() != v1.Flow_FLOW_CREATE_CUSTOMER {
		t.Fatalf("first = %v, want a CreateCustomer step", r)
	}
	r = run(t, pdktest.Call{Flow: v1.Flow_FLOW_SETUP_RECURRING, Request: req, State: &v1.ConnectorState{ConnectorCustomerId: "CU9"}})
	if r.NextStep.GetFlow() != v1.Flow_FLOW_TOKENIZE {
		t.Fatalf("with a customer = %v, want a Tokenize step", r)
	}
	tok := &v1.PaymentMethodServiceTokenizeRequest{}
	if err := tok.UnmarshalVT(r.NextStep.GetRequest()); err != nil {
		t.Fatal(err)
	}
	if tok.GetCustomer().GetConnectorCustomerId() != "CU9" || tok.GetPaymentMethod().GetBankDebit().GetAccountNumber() != "55779911" {
		t.Fatalf("tokenize step request = %v", tok)
	}
	r = run(t, pdktest.Call{Flow: v1.Flow_FLOW_SETUP_RECURRING, Request: req,
		State: &v1.ConnectorState{ConnectorCustomerId: "CU9", Values: map[string]string{stateBankAccount: "BA9"}}})
	if got := string(r.HTTP.GetBody()); got != `{"mandates":{"scheme":"bacs","metadata":{"merchant_setup_id":"setup_9"},"links":{"customer_bank_account":"BA9"}}}` {
		t.Fatalf("mandate body = %s", got)
	}
}

// TestBankAccountBodiesPerScheme: each scheme sends the members GoCardless
// documents for it (IBAN; account number with sort code / BSB as
// branch_code; ABA routing number as bank_code with account_type).
func TestBankAccountBodiesPerScheme(t *testing.T) {
	for _, tc := range []struct {
		bd   *v1.BankDebit
		want string
	}{
		{&v1.BankDebit{Kind: v1.BankDebitKind_BANK_DEBIT_KIND_BECS, AccountHolderName: "Bruce Wayne", AccountNumber: "123456", RoutingNumber: "082-082"},
			`{"customer_bank_accounts":{"account_holder_name":"Bruce Wayne","account_number":"123456","branch_code":"082082","country_code":"AU","currency":"AUD","links":{"customer":"CU1"}}}`},
		{&v1.BankDebit{Kind: v1.BankDebitKind_BANK_DEBIT_KIND_ACH, AccountHolderName: "Jo Doe", AccountNumber: "2715500356", RoutingNumber: "026073150", AccountType: "savings"},
			`{"customer_bank_accounts":{"account_holder_name":"Jo Doe","account_number":"2715500356","bank_code":"026073150","country_code":"US","account_type":"savings","currency":"USD","links":{"customer":"CU1"}}}`},
	} {
		r := run(t, pdktest.Call{Flow: v1.Flow_FLOW_TOKENIZE, Request: &v1.PaymentMethodServiceTokenizeRequest{
			PaymentMethod: &v1.PaymentMethod{Method: &v1.PaymentMethod_BankDebit{BankDebit: tc.bd}},
			Customer:      &v1.Customer{ConnectorCustomerId: "CU1"}, MerchantRequestId: "ba"}})
		if got := string(r.HTTP.GetBody()); got != tc.want {
			t.Errorf("%v body =\n%s\nwant\n%s", tc.bd.GetKind(), got, tc.want)
		}
	}
}

// TestBuildRefusals: what GoCardless cannot take is refused at build time,
// naming the field as the caller wrote it, and bank details never appear in
// the message.
func TestBuildRefusals(t *testing.T) {
	inv, uns := pluginv1.ErrorKind_ERROR_KIND_INVALID_REQUEST, pluginv1.ErrorKind_ERROR_KIND_UNSUPPORTED
	noSort := bacs()
	noSort.GetBankDebit().RoutingNumber = ""
	r := run(t, pdktest.Call{Flow: v1.Flow_FLOW_TOKENIZE, Request: &v1.PaymentMethodServiceTokenizeRequest{PaymentMethod: noSort, Customer: &v1.Customer{ConnectorCustomerId: "CU1"}}})
	wantBuildError(t, r, inv, "payment_method.bank_debit.account_number")
	if strings.Contains(r.GetBuildError().GetMessage(), "55779911") {
		t.Fatalf("the account number leaked: %s", r.GetBuildError().GetMessage())
	}
	card := &v1.PaymentMethod{Method: &v1.PaymentMethod_Card{Card: &v1.Card{Number: "4242424242424242"}}}
	wantBuildError(t, run(t, pdktest.Call{Flow: v1.Flow_FLOW_TOKENIZE, Request: &v1.PaymentMethodServiceTokenizeRequest{PaymentMethod: card, Customer: &v1.Customer{ConnectorCustomerId: "CU1"}}}), uns, "payment_method")
	wantBuildError(t, run(t, pdktest.Call{Flow: v1.Flow_FLOW_TOKENIZE, Request: &v1.PaymentMethodServiceTokenizeRequest{PaymentMethod: bacs()}}), inv, "customer.connector_customer_id")
	wantBuildError(t, run(t, pdktest.Call{Flow: v1.Flow_FLOW_CREATE_CUSTOMER, Request: &v1.CustomerServiceCreateRequest{Customer: &v1.Customer{Name: "Cher"}}}), inv, "customer.name")
	wantBuildError(t, run(t, pdktest.Call{Flow: v1.Flow_FLOW_RECURRING_CHARGE, Request: &v1.RecurringPaymentServiceChargeRequest{
		MerchantTransactionId: "o1", Amount: gbp(100), Mandate: &v1.MandateReference{}}}), inv, "mandate.connector_mandate_id")
	wantBuildError(t, run(t, pdktest.Call{Flow: v1.Flow_FLOW_RECURRING_CHARGE, Request: &v1.RecurringPaymentServiceChargeRequest{
		MerchantTransactionId: "o1", Amount: &v1.Money{MinorAmount: 100, Currency: "XXY"}, Mandate: &v1.MandateReference{ConnectorMandateId: "MD1"}}}), inv, "amount.currency")
	wantBuildError(t, run(t, pdktest.Call{Flow: v1.Flow_FLOW_RECURRING_CHARGE, Request: &v1.RecurringPaymentServiceChargeRequest{
		MerchantTransactionId: "o1", Amount: gbp(100), Mandate: &v1.MandateReference{ConnectorMandateId: "MD1"},
		Metadata: map[string]string{"a": "1", "b": "2", "c": "3"}}}), inv, "metadata")
	wantBuildError(t, run(t, pdktest.Call{Flow: v1.Flow_FLOW_REFUND, Request: &v1.PaymentServiceRefundRequest{
		ConnectorTransactionId: "PM1", MerchantRefundId: "r1", RefundAmount: gbp(10)},
		State: &v1.ConnectorState{Values: map[string]string{refundedKey("PM1"): "ten"}}}), inv, "state.values")
}

// TestMoneyIsISOMinorUnits: GoCardless amounts are integer minor units, so
// zero- and three-decimal currencies pass unchanged both ways.
func TestMoneyIsISOMinorUnits(t *testing.T) {
	for _, m := range []*v1.Money{{MinorAmount: 1500, Currency: "JPY"}, {MinorAmount: 1234, Currency: "BHD"}, {MinorAmount: 1999, Currency: "EUR"}} {
		r := run(t, pdktest.Call{Flow: v1.Flow_FLOW_RECURRING_CHARGE, Request: &v1.RecurringPaymentServiceChargeRequest{
			MerchantTransactionId: "o1", Amount: m, Mandate: &v1.MandateReference{ConnectorMandateId: "MD1"}},
			Status: 201, Body: []byte(`{"payments":{"id":"PM1","status":"pending_submission","amount":` + itoa(m.GetMinorAmount()) + `,"currency":"` + m.GetCurrency() + `"}}`)})
		if !strings.Contains(string(r.HTTP.GetBody()), `"amount":`+itoa(m.GetMinorAmount())+`,"currency":"`+m.GetCurrency()+`"`) {
			t.Fatalf("request body %s does not carry %v", r.HTTP.GetBody(), m)
		}
		got := r.Response.(*v1.RecurringPaymentServiceChargeResponse).GetAmount()
		if got.GetMinorAmount() != m.GetMinorAmount() || got.GetCurrency() != m.GetCurrency() {
			t.Fatalf("parsed amount = %v, want %v", got, m)
		}
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestAnswerAboutAnotherObjectOrAmountIsAnIntegrityError: an answer with
// another amount or about another payment is never a success.
func TestAnswerAboutAnotherObjectOrAmountIsAnIntegrityError(t *testing.T) {
	r := run(t, pdktest.Call{Flow: v1.Flow_FLOW_RECURRING_CHARGE, Request: &v1.RecurringPaymentServiceChargeRequest{
		MerchantTransactionId: "o1", Amount: gbp(100), Mandate: &v1.MandateReference{ConnectorMandateId: "MD1"}},
		Status: 201, Body: []byte(`{"payments":{"id":"PM1","status":"pending_submission","amount":1000,"currency":"GBP"}}`)})
	if r.GetParseError().GetDetail().GetCode() != v1.ErrorCode_ERROR_CODE_INTEGRITY_MISMATCH {
		t.Fatalf("another amount = %v, want an integrity error", r)
	}
	r = run(t, pdktest.Call{Flow: v1.Flow_FLOW_REFUND_GET, Request: &v1.RefundServiceGetRequest{ConnectorRefundId: "RF1"},
		Status: 200, Body: []byte(`{"refunds":{"id":"RF2","status":"paid","amount":10,"currency":"GBP","links":{"payment":"PM1"}}}`)})
	if r.GetParseError().GetDetail().GetCode() != v1.ErrorCode_ERROR_CODE_INTEGRITY_MISMATCH {
		t.Fatalf("another refund = %v, want an integrity error", r)
	}
}

// TestRefundReadsTheRefundedTotalFirst: without the payment's refunded
// total in the state, Refund asks for PaymentService.Get, whose answer puts
// it there; then total_amount_confirmation is that total plus the refund.
func TestRefundReadsTheRefundedTotalFirst(t *testing.T) {
	req := &v1.PaymentServiceRefundRequest{ConnectorTransactionId: "PM1", MerchantRefundId: "r1", RefundAmount: gbp(25)}
	r := run(t, pdktest.Call{Flow: v1.Flow_FLOW_REFUND, Request: req})
	if r.NextStep.GetFlow() != v1.Flow_FLOW_GET {
		t.Fatalf("without the total = %v, want a Get step", r)
	}
	g := run(t, pdktest.Call{Flow: v1.Flow_FLOW_GET, Request: &v1.PaymentServiceGetRequest{ConnectorTransactionId: "PM1"},
		Status: 200, Body: []byte(`{"payments":{"id":"PM1","status":"confirmed","amount":100,"amount_refunded":30,"currency":"GBP"}}`)})
	state := g.Response.(*v1.PaymentServiceGetResponse).GetState()
	r = run(t, pdktest.Call{Flow: v1.Flow_FLOW_REFUND, Request: req, State: state})
	if !strings.Contains(string(r.HTTP.GetBody()), `"amount":25,"total_amount_confirmation":55`) {
		t.Fatalf("refund body = %s", r.HTTP.GetBody())
	}
}

// TestAPIErrorsKeepTheRawReason: a GoCardless error keeps its reason, type
// and request id, and well-known reasons get their unified code.
func TestAPIErrorsKeepTheRawReason(t *testing.T) {
	r := run(t, pdktest.Call{Flow: v1.Flow_FLOW_REFUND, Request: &v1.PaymentServiceRefundRequest{ConnectorTransactionId: "PM1", MerchantRefundId: "r1", RefundAmount: gbp(500)},
		State:  &v1.ConnectorState{Values: map[string]string{refundedKey("PM1"): "0"}},
		Status: 422, Body: []byte(`{"error":{"message":"Refund amount too high","type":"invalid_state","code":422,"request_id":"req-1","errors":[{"reason":"available_refund_amount_insufficient","message":"Refund amount too high"}]}}`)})
	e := r.GetParseError()
	c := e.GetDetail().GetConnector()
	if e.GetKind() != pluginv1.ErrorKind_ERROR_KIND_PROCESSOR_REJECTED || e.GetDetail().GetCode() != v1.ErrorCode_ERROR_CODE_AMOUNT_TOO_LARGE ||
		c.GetCode() != "available_refund_amount_insufficient" || c.GetType() != "invalid_state" || c.GetRequestId() != "req-1" || c.GetHttpStatus() != 422 {
		t.Fatalf("error = %v", e)
	}
	r = run(t, pdktest.Call{Flow: v1.Flow_FLOW_CREATE_CUSTOMER, Request: &v1.CustomerServiceCreateRequest{Customer: &v1.Customer{Name: "Frank Osborne"}},
		Status: 422, Body: []byte(`{"error":{"message":"Validation failed","type":"validation_failed","code":422,"errors":[{"field":"email","message":"is invalid","request_pointer":"/customers/email"}]}}`)})
	if m := r.GetParseError().GetDetail().GetMessage(); !strings.Contains(m, "email is invalid") {
		t.Fatalf("validation error message = %q, want the field named", m)
	}
}

// TestVoidOfASubmittedPaymentFails: a cancel answer showing another status
// than cancelled is VOID_FAILED with the raw status kept.
func TestVoidOfASubmittedPaymentFails(t *testing.T) {
	r := run(t, pdktest.Call{Flow: v1.Flow_FLOW_VOID, Request: &v1.PaymentServiceVoidRequest{ConnectorTransactionId: "PM1", MerchantVoidId: "v1"},
		Status: 200, Body: []byte(`{"payments":{"id":"PM1","status":"submitted","amount":100,"currency":"GBP"}}`)})
	out := r.Response.(*v1.PaymentServiceVoidResponse)
	if out.GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_VOID_FAILED || out.GetError().GetConnector().GetCode() != "submitted" {
		t.Fatalf("void = %v", out)
	}
}

// TestRepeatedCreateReportsTheExistingResource: a create retried with the
// same Idempotency-Key (409 idempotent_creation_conflict) reports the
// resource the first attempt created, never a second one or a failure.
func TestRepeatedCreateReportsTheExistingResource(t *testing.T) {
	conflict := func(id string) []byte {
		return []byte(`{"error":{"type":"invalid_state","code":409,"errors":[{"reason":"idempotent_creation_conflict","links":{"conflicting_resource_id":"` + id + `"}}]}}`)
	}
	r := run(t, pdktest.Call{Flow: v1.Flow_FLOW_SETUP_RECURRING, Request: &v1.PaymentServiceSetupRecurringRequest{
		MerchantSetupId: "s1", PaymentMethod: bacs(), Amount: gbp(0)},
		State:  &v1.ConnectorState{ConnectorCustomerId: "CU1", Values: map[string]string{stateBankAccount: "BA1"}},
		Status: 409, Body: conflict("MD1")})
	if s := r.Response.(*v1.PaymentServiceSetupRecurringResponse); s.GetMandate().GetConnectorMandateId() != "MD1" || s.GetStatus() != v1.MandateStatus_MANDATE_STATUS_UNKNOWN {
		t.Fatalf("repeated mandate = %v", r)
	}
	r = run(t, pdktest.Call{Flow: v1.Flow_FLOW_REFUND, Request: &v1.PaymentServiceRefundRequest{ConnectorTransactionId: "PM1", MerchantRefundId: "r1", RefundAmount: gbp(10)},
		State: &v1.ConnectorState{Values: map[string]string{refundedKey("PM1"): "0"}}, Status: 409, Body: conflict("RF1")})
	if s := r.Response.(*v1.PaymentServiceRefundResponse); s.GetConnectorRefundId() != "RF1" || s.GetStatus() != v1.RefundStatus_REFUND_STATUS_UNKNOWN || s.GetConnectorTransactionId() != "PM1" {
		t.Fatalf("repeated refund = %v", r)
	}
	r = run(t, pdktest.Call{Flow: v1.Flow_FLOW_REFUND, Request: &v1.PaymentServiceRefundRequest{ConnectorTransactionId: "PM1", MerchantRefundId: "r1", RefundAmount: gbp(10)},
		State: &v1.ConnectorState{Values: map[string]string{refundedKey("PM1"): "0"}}, Status: 409, Body: []byte(`{"error":{"code":409,"errors":[{"reason":"idempotent_creation_conflict"}]}}`)})
	if r.GetParseError().GetKind() != pluginv1.ErrorKind_ERROR_KIND_CONFLICT {
		t.Fatalf("a conflict naming no resource = %v, want a CONFLICT error", r)
	}
}

// TestRefundUpdatesTheRefundedTotal: the host returns the call's state to
// the caller, who sends it back with the next refund. A created refund must
// leave the payment's new refunded total there (GoCardless has just
// confirmed it: total_amount_confirmation), else the next partial refund
// sends the stale total and GoCardless refuses it
// (total_amount_confirmation_invalid). After an idempotent repeat the total
// is not known: the value is cleared and the next refund reads it again.
func TestRefundUpdatesTheRefundedTotal(t *testing.T) {
	req := &v1.PaymentServiceRefundRequest{ConnectorTransactionId: "PM1", MerchantRefundId: "r2", RefundAmount: gbp(25)}
	state := &v1.ConnectorState{Values: map[string]string{refundedKey("PM1"): "30"}}
	r := run(t, pdktest.Call{Flow: v1.Flow_FLOW_REFUND, Request: req, State: state,
		Status: 201, Body: []byte(`{"refunds":{"id":"RF2","status":"created","amount":25,"currency":"GBP","links":{"payment":"PM1"}}}`)})
	if got := r.Response.(*v1.PaymentServiceRefundResponse).GetState().GetValues()[refundedKey("PM1")]; got != "55" {
		t.Fatalf("refunded total after the refund = %q, want 55 (30 + 25)", got)
	}
	r = run(t, pdktest.Call{Flow: v1.Flow_FLOW_REFUND, Request: req, State: state, Status: 409,
		Body: []byte(`{"error":{"type":"invalid_state","code":409,"errors":[{"reason":"idempotent_creation_conflict","links":{"conflicting_resource_id":"RF2"}}]}}`)})
	got, ok := r.Response.(*v1.PaymentServiceRefundResponse).GetState().GetValues()[refundedKey("PM1")]
	if !ok || got != "" {
		t.Fatalf("refunded total after a repeated refund = %q (set %v), want it cleared", got, ok)
	}
	r = run(t, pdktest.Call{Flow: v1.Flow_FLOW_REFUND, Request: req, State: &v1.ConnectorState{Values: map[string]string{refundedKey("PM1"): ""}}})
	if r.NextStep.GetFlow() != v1.Flow_FLOW_GET {
		t.Fatalf("with a cleared total = %v, want a Get step", r)
	}
}

// TestRefundInAnotherCurrencyIsRefusedBeforeSending: POST /refunds has no
// currency (GoCardless refunds in the payment's currency), so a refund_amount
// in another currency would refund that number of the payment's minor units
// and only then fail the amount check. The Get step records the payment's
// currency; a refund in another one is refused at build time.
func TestRefundInAnotherCurrencyIsRefusedBeforeSending(t *testing.T) {
	g := run(t, pdktest.Call{Flow: v1.Flow_FLOW_GET, Request: &v1.PaymentServiceGetRequest{ConnectorTransactionId: "PM1"},
		Status: 200, Body: []byte(`{"payments":{"id":"PM1","status":"confirmed","amount":100,"amount_refunded":30,"currency":"EUR"}}`)})
	state := g.Response.(*v1.PaymentServiceGetResponse).GetState()
	r := run(t, pdktest.Call{Flow: v1.Flow_FLOW_REFUND, State: state,
		Request: &v1.PaymentServiceRefundRequest{ConnectorTransactionId: "PM1", MerchantRefundId: "r1", RefundAmount: gbp(25)}})
	wantBuildError(t, r, pluginv1.ErrorKind_ERROR_KIND_INVALID_REQUEST, "refund_amount.currency")
	r = run(t, pdktest.Call{Flow: v1.Flow_FLOW_REFUND, State: state, Request: &v1.PaymentServiceRefundRequest{
		ConnectorTransactionId: "PM1", MerchantRefundId: "r1", RefundAmount: &v1.Money{MinorAmount: 25, Currency: "EUR"}}})
	if !strings.Contains(string(r.HTTP.GetBody()), `"amount":25,"total_amount_confirmation":55`) {
		t.Fatalf("refund in the payment's currency: body = %s, error %v", r.HTTP.GetBody(), r.GetBuildError())
	}
}

// TestRetriedCancelOfACancelledPaymentIsVoided: GoCardless refuses a cancel
// with 422 cancellation_failed whenever the payment is not
// pending_submission (API reference, "Cancel a payment"), so the retry of a
// cancel whose answer was lost is refused although the payment is
// cancelled. The connector reads the payment (a Get step run by the host):
// cancelled is VOIDED; any other status keeps GoCardless's refusal.
func TestRetriedCancelOfACancelledPaymentIsVoided(t *testing.T) {
	const refused = `{"error":{"message":"This payment cannot be cancelled","type":"invalid_state","code":422,` +
		`"request_id":"r1","errors":[{"reason":"cancellation_failed","message":"This payment cannot be cancelled"}]}}`
	payment := func(status string) string {
		return `{"payments":{"id":"PM1","status":"` + status + `","amount":100,"currency":"GBP","links":{"mandate":"MD1"}}}`
	}
	kit, err := conformancetest.Native(New())
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		status string
		want   v1.PaymentStatus // UNSPECIFIED: the call fails with GoCardless's refusal
	}{
		{"cancelled", v1.PaymentStatus_PAYMENT_STATUS_VOIDED},
		{"submitted", v1.PaymentStatus_PAYMENT_STATUS_UNSPECIFIED},
		{"confirmed", v1.PaymentStatus_PAYMENT_STATUS_UNSPECIFIED},
	} {
		fake := &conformancetest.Scripted{T: t, Answers: []conformancetest.Answer{{Status: 422, Body: refused}, {Status: 200, Body: payment(tc.status)}, {Status: 422, Body: refused}}}
		srv := httptest.NewServer(fake)
		cc := (&pdktest.Call{Credentials: map[string]string{credAccessToken: testAccessToken}, BaseURL: srv.URL}).Context()
		ex, err := kit.Execute(context.Background(), srv.Client(), v1.Flow_FLOW_VOID,
			&v1.PaymentServiceVoidRequest{ConnectorTransactionId: "PM1", MerchantVoidId: "void_1"}, cc)
		srv.Close()
		if err != nil {
			t.Fatal(err)
		}
		if want := []string{"POST /payments/PM1/actions/cancel", "GET /payments/PM1", "POST /payments/PM1/actions/cancel"}; !reflect.DeepEqual(fake.Asked(), want) {
			t.Fatalf("%s: requests %v, want %v", tc.status, fake.Asked(), want)
		}
		if tc.want == v1.PaymentStatus_PAYMENT_STATUS_UNSPECIFIED {
			if ex.Err == nil || ex.Error.GetKind() != pluginv1.ErrorKind_ERROR_KIND_PROCESSOR_REJECTED || ex.Error.GetDetail().GetConnector().GetCode() != "cancellation_failed" {
				t.Fatalf("%s: response %v, error %v (plugin %v), want GoCardless's cancellation_failed", tc.status, ex.Response, ex.Err, ex.Error)
			}
			continue
		}
		out, _ := ex.Response.(*v1.PaymentServiceVoidResponse)
		if ex.Err != nil || out.GetStatus() != tc.want || out.GetError() != nil || out.GetConnectorTransactionId() != "PM1" {
			t.Fatalf("%s: void = %v, error %v, want %v", tc.status, out, ex.Err, tc.want)
		}
	}
}
