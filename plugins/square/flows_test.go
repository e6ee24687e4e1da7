//go:build !wasip1

package square

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
	"github.com/connectorhost/connector-host/pdk"
	"github.com/connectorhost/connector-host/pdk/pdktest"
)

func run(t *testing.T, c pdktest.Call) *pdktest.Result {
	t.Helper()
	if c.Credentials == nil {
		c.Credentials = testCredentials()
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
		t.Fatalf("build error = %v, want %v naming %q", e, kind, field)
	}
	if strings.Contains(e.GetMessage(), testAccessToken) {
		t.Fatalf("the access token leaked: %s", e.GetMessage())
	}
}

func token(tok string) *v1.PaymentMethod {
	return &v1.PaymentMethod{Method: &v1.PaymentMethod_Token{Token: &v1.ProcessorToken{Token: tok}}}
}

// TestMoneyIsISOMinorUnits: Square's amount is the currency's smallest
// denomination, so zero- and three-decimal currencies pass unchanged both
// ways, and codes that are not ISO-4217 are refused naming the field.
func TestMoneyIsISOMinorUnits(t *testing.T) {
	for _, m := range []*v1.Money{{MinorAmount: 1500, Currency: "JPY"}, {MinorAmount: 1234, Currency: "BHD"}, {MinorAmount: 1999, Currency: "USD"}} {
		amount, cur, err := amounts.To(m, "amount")
		if err != nil || amount != m.GetMinorAmount() || cur != m.GetCurrency() {
			t.Fatalf("amounts.To(%v) = %d %s %v", m, amount, cur, err)
		}
		r := run(t, pdktest.Call{Flow: v1.Flow_FLOW_AUTHORIZE, Request: &v1.PaymentServiceAuthorizeRequest{
			MerchantTransactionId: "o1", Amount: m, PaymentMethod: token("cnon:ok")},
			Body: []byte(`{"payment":{"id":"P1","status":"COMPLETED","amount_money":{"amount":` + strconv.FormatInt(m.GetMinorAmount(), 10) + `,"currency":"` + m.GetCurrency() + `"}}}`)})
		got := r.Response.(*v1.PaymentServiceAuthorizeResponse).GetAmount()
		if got.GetMinorAmount() != m.GetMinorAmount() || got.GetCurrency() != m.GetCurrency() {
			t.Fatalf("parsed amount = %v, want %v", got, m)
		}
	}
	if _, _, err := amounts.To(&v1.Money{MinorAmount: 1, Currency: "XXY"}, "refund_amount"); err == nil || !strings.Contains(err.Error(), "refund_amount.currency") {
		t.Fatalf("unknown currency error = %v", err)
	}
}

// TestAnswerWithAnotherAmountIsAnIntegrityError: Square completing or
// reporting another amount than the one asked for is never a success.
func TestAnswerWithAnotherAmountIsAnIntegrityError(t *testing.T) {
	r := run(t, pdktest.Call{Flow: v1.Flow_FLOW_CAPTURE,
		Request: &v1.PaymentServiceCaptureRequest{ConnectorTransactionId: "P1", AmountToCapture: usd(500), PaymentAmount: usd(500), MerchantCaptureId: "c1"},
		Body:    []byte(`{"payment":{"id":"P1","status":"COMPLETED","amount_money":{"amount":1000,"currency":"USD"}}}`)})
	if e := r.GetParseError(); e.GetKind() != pluginv1.ErrorKind_ERROR_KIND_INVALID_RESPONSE || e.GetDetail().GetCode() != v1.ErrorCode_ERROR_CODE_INTEGRITY_MISMATCH {
		t.Fatalf("parse = %v, want an integrity error", r)
	}
	r = run(t, pdktest.Call{Flow: v1.Flow_FLOW_GET, Request: &v1.PaymentServiceGetRequest{ConnectorTransactionId: "P1"},
		Body: []byte(`{"payment":{"id":"P2","status":"COMPLETED","amount_money":{"amount":1000,"currency":"USD"}}}`)})
	if r.GetParseError().GetDetail().GetCode() != v1.ErrorCode_ERROR_CODE_INTEGRITY_MISMATCH {
		t.Fatalf("an answer about another payment = %v, want an integrity error", r)
	}
}

// TestBuildRefusals: what Square cannot take is refused at build time with
// the field as the caller wrote it.
func TestBuildRefusals(t *testing.T) {
	invalid, unsupported := pluginv1.ErrorKind_ERROR_KIND_INVALID_REQUEST, pluginv1.ErrorKind_ERROR_KIND_UNSUPPORTED
	auth := func(mod func(r *v1.PaymentServiceAuthorizeRequest)) pdktest.Call {
		r := &v1.PaymentServiceAuthorizeRequest{MerchantTransactionId: "o1", Amount: usd(100), PaymentMethod: token("cnon:ok")}
		mod(r)
		return pdktest.Call{Flow: v1.Flow_FLOW_AUTHORIZE, Request: r}
	}
	for _, tc := range []struct {
		name  string
		call  pdktest.Call
		kind  pluginv1.ErrorKind
		field string
	}{
		{"no merchant id", auth(func(r *v1.PaymentServiceAuthorizeRequest) { r.MerchantTransactionId = "" }), invalid, "merchant_transaction_id"},
		{"descriptor over 20", auth(func(r *v1.PaymentServiceAuthorizeRequest) { r.StatementDescriptor = strings.Repeat("d", 21) }), invalid, "statement_descriptor"},
		{"3DS without a verification token", auth(func(r *v1.PaymentServiceAuthorizeRequest) {
			r.AuthenticationType = v1.AuthenticationType_AUTHENTICATION_TYPE_THREE_DS
		}), invalid, "three_ds.authentication_id"},
		{"multiple captures", auth(func(r *v1.PaymentServiceAuthorizeRequest) {
			r.CaptureMethod = v1.CaptureMethod_CAPTURE_METHOD_MANUAL_MULTIPLE
		}), unsupported, "capture_method"},
		{"store while paying", auth(func(r *v1.PaymentServiceAuthorizeRequest) {
			r.SetupFutureUsage = v1.FutureUsage_FUTURE_USAGE_OFF_SESSION
		}), unsupported, "setup_future_usage"},
		{"wallet data", auth(func(r *v1.PaymentServiceAuthorizeRequest) {
			r.PaymentMethod = &v1.PaymentMethod{Method: &v1.PaymentMethod_Wallet{Wallet: &v1.Wallet{Wallet: &v1.Wallet_ApplePay{ApplePay: &v1.ApplePay{PaymentData: "x"}}}}}
		}), unsupported, "payment_method"},
		{"card on file without its customer", auth(func(r *v1.PaymentServiceAuthorizeRequest) {
			r.Mandate = &v1.MandateReference{ConnectorMandateId: "ccof:1"}
		}), invalid, "mandate.connector_customer_id"},
		{"recurring charge without a customer", pdktest.Call{Flow: v1.Flow_FLOW_RECURRING_CHARGE, Request: &v1.RecurringPaymentServiceChargeRequest{
			MerchantTransactionId: "s1", Amount: usd(100), Mandate: &v1.MandateReference{ConnectorMandateId: "ccof:1"}}}, invalid, "mandate.connector_customer_id"},
		{"refund without merchant id", pdktest.Call{Flow: v1.Flow_FLOW_REFUND, Request: &v1.PaymentServiceRefundRequest{
			ConnectorTransactionId: "P1", RefundAmount: usd(1)}}, invalid, "merchant_refund_id"},
		{"two evidence documents", pdktest.Call{Flow: v1.Flow_FLOW_DISPUTE_SUBMIT_EVIDENCE, Request: &v1.DisputeServiceSubmitEvidenceRequest{
			ConnectorDisputeId: "D1", Evidence: []*v1.EvidenceDocument{{Text: "a", Type: v1.EvidenceType_EVIDENCE_TYPE_RECEIPT}, {Text: "b", Type: v1.EvidenceType_EVIDENCE_TYPE_RECEIPT}}}}, invalid, "evidence"},
		{"unknown Square evidence type", pdktest.Call{Flow: v1.Flow_FLOW_DISPUTE_SUBMIT_EVIDENCE, Request: &v1.DisputeServiceSubmitEvidenceRequest{
			ConnectorDisputeId: "D1", Evidence: []*v1.EvidenceDocument{{Text: "a", ConnectorEvidenceType: "SELFIE"}}}}, invalid, "evidence[0].connector_evidence_type"},
		{"evidence over 500 characters", pdktest.Call{Flow: v1.Flow_FLOW_DISPUTE_SUBMIT_EVIDENCE, Request: &v1.DisputeServiceSubmitEvidenceRequest{
			ConnectorDisputeId: "D1", Evidence: []*v1.EvidenceDocument{{Text: strings.Repeat("é", 501), Type: v1.EvidenceType_EVIDENCE_TYPE_RECEIPT}}}}, invalid, "evidence[0].text"},
		{"defend with a reason code", pdktest.Call{Flow: v1.Flow_FLOW_DISPUTE_DEFEND, Request: &v1.DisputeServiceDefendRequest{
			ConnectorDisputeId: "D1", DefenseReasonCode: "X"}}, invalid, "defense_reason_code"},
		{"setup without any customer", pdktest.Call{Flow: v1.Flow_FLOW_SETUP_RECURRING, Request: &v1.PaymentServiceSetupRecurringRequest{
			MerchantSetupId: "s1", Amount: usd(0), PaymentMethod: token("cnon:ok")}}, invalid, "customer.connector_customer_id"},
		{"no access token", pdktest.Call{Flow: v1.Flow_FLOW_GET, Request: &v1.PaymentServiceGetRequest{ConnectorTransactionId: "P1"},
			Credentials: map[string]string{credLocationID: testLocation}}, pluginv1.ErrorKind_ERROR_KIND_CREDENTIALS, credAccessToken},
	} {
		t.Run(tc.name, func(t *testing.T) { wantBuildError(t, run(t, tc.call), tc.kind, tc.field) })
	}
}

// TestSetupRecurringAsksForTheCustomerFirst: without a Square customer the
// build asks the host to run CustomerService.Create with the request's
// customer; with the step's state it builds CreateCard for that customer.
func TestSetupRecurringAsksForTheCustomerFirst(t *testing.T) {
	setup := &v1.PaymentServiceSetupRecurringRequest{MerchantSetupId: "s1", Amount: usd(0), PaymentMethod: token("cnon:ok"),
		Customer: &v1.Customer{Id: "user-1", Name: "Amelia Earhart"}}
	r := run(t, pdktest.Call{Flow: v1.Flow_FLOW_SETUP_RECURRING, Request: setup})
	step := r.NextStep
	if step.GetFlow() != v1.Flow_FLOW_CREATE_CUSTOMER {
		t.Fatalf("result = %v, want a CreateCustomer next step", r)
	}
	cr := &v1.CustomerServiceCreateRequest{}
	if err := cr.UnmarshalVT(step.GetRequest()); err != nil || cr.GetCustomer().GetName() != "Amelia Earhart" || cr.GetMerchantRequestId() != "s1" {
		t.Fatalf("step request = %v (%v)", cr, err)
	}
	r = run(t, pdktest.Call{Flow: v1.Flow_FLOW_SETUP_RECURRING, Request: setup, State: &v1.ConnectorState{ConnectorCustomerId: "CUST1"},
		Body: []byte(`{"card":{"id":"ccof:9","customer_id":"CUST1","enabled":true}}`)})
	if !strings.Contains(string(r.HTTP.GetBody()), `"customer_id":"CUST1"`) {
		t.Fatalf("CreateCard body = %s", r.HTTP.GetBody())
	}
	if m := r.Response.(*v1.PaymentServiceSetupRecurringResponse).GetMandate(); m.GetConnectorMandateId() != "ccof:9" || m.GetConnectorCustomerId() != "CUST1" {
		t.Fatalf("mandate = %v", m)
	}
}

// TestIdempotencyKeysFitSquare: a 64-character merchant id still gives a key
// within Square's 45, the same on every retry, in the body and the header.
func TestIdempotencyKeysFitSquare(t *testing.T) {
	id := strings.Repeat("a", 64)
	r := run(t, pdktest.Call{Flow: v1.Flow_FLOW_AUTHORIZE, Request: &v1.PaymentServiceAuthorizeRequest{MerchantTransactionId: id, Amount: usd(1), PaymentMethod: token("cnon:ok")}})
	key := pdktest.HeaderValue(r.HTTP, idempotencyHeader)
	if len(key) > maxIdempotencyKey || !strings.HasPrefix(key, "pay:") || !r.HTTP.GetIdempotent() {
		t.Fatalf("key = %q (%d), idempotent %v", key, len(key), r.HTTP.GetIdempotent())
	}
	if !strings.Contains(string(r.HTTP.GetBody()), `"idempotency_key":"`+key+`"`) || strings.Contains(string(r.HTTP.GetBody()), "reference_id") {
		t.Fatalf("body = %s (the key must be in it; a 64-character id is over reference_id's 40)", r.HTTP.GetBody())
	}
	if again := run(t, pdktest.Call{Flow: v1.Flow_FLOW_AUTHORIZE, Request: &v1.PaymentServiceAuthorizeRequest{MerchantTransactionId: id, Amount: usd(1), PaymentMethod: token("cnon:ok")}}); pdktest.HeaderValue(again.HTTP, idempotencyHeader) != key {
		t.Fatal("the key differs between two builds of the same request")
	}
}

// TestErrorAnswersMapped: Square's error answers become typed errors with
// the unified code and Square's raw code and detail kept.
func TestErrorAnswersMapped(t *testing.T) {
	for _, tc := range []struct {
		status int
		code   string
		kind   pluginv1.ErrorKind
		want   v1.ErrorCode
	}{
		{400, "REFUND_AMOUNT_INVALID", pluginv1.ErrorKind_ERROR_KIND_PROCESSOR_REJECTED, v1.ErrorCode_ERROR_CODE_INVALID_REQUEST},
		{400, "VERSION_MISMATCH", pluginv1.ErrorKind_ERROR_KIND_CONFLICT, v1.ErrorCode_ERROR_CODE_CONFLICT},
		{403, "INSUFFICIENT_PERMISSIONS_FOR_REFUND", pluginv1.ErrorKind_ERROR_KIND_CREDENTIALS, v1.ErrorCode_ERROR_CODE_PERMISSION_DENIED},
		{400, "UNSUPPORTED_CURRENCY", pluginv1.ErrorKind_ERROR_KIND_PROCESSOR_REJECTED, v1.ErrorCode_ERROR_CODE_CURRENCY_NOT_SUPPORTED},
		{503, "SERVICE_UNAVAILABLE", pluginv1.ErrorKind_ERROR_KIND_PROCESSOR_UNAVAILABLE, v1.ErrorCode_ERROR_CODE_PROCESSOR_UNAVAILABLE},
	} {
		t.Run(tc.code, func(t *testing.T) {
			r := run(t, pdktest.Call{Flow: v1.Flow_FLOW_REFUND, Status: tc.status,
				Request: &v1.PaymentServiceRefundRequest{ConnectorTransactionId: "P1", MerchantRefundId: "r1", RefundAmount: usd(100)},
				Body:    []byte(`{"errors":[{"category":"REFUND_ERROR","code":"` + tc.code + `","detail":"Square says no","field":"amount_money"}]}`)})
			e := r.GetParseError()
			if e.GetKind() != tc.kind || e.GetDetail().GetCode() != tc.want || e.GetDetail().GetConnector().GetCode() != tc.code ||
				!strings.Contains(e.GetDetail().GetConnector().GetMessage(), "Square says no (field amount_money)") {
				t.Fatalf("parse error = %v", e)
			}
		})
	}
}

// TestTemporaryErrorIsRetryable: TEMPORARY_ERROR is in Square's
// PAYMENT_METHOD_ERROR category, but Square says to retry it with the same
// idempotency key (api.json, ErrorCode): a retryable PROCESSOR_UNAVAILABLE,
// never a final decline.
func TestTemporaryErrorIsRetryable(t *testing.T) {
	body := []byte(`{"errors":[{"category":"PAYMENT_METHOD_ERROR","code":"TEMPORARY_ERROR","detail":"try again"}]}`)
	for _, status := range []int{400, 402, 500} {
		for _, flow := range []v1.Flow{v1.Flow_FLOW_AUTHORIZE, v1.Flow_FLOW_REFUND} {
			var req pdk.Message
			req = &v1.PaymentServiceAuthorizeRequest{MerchantTransactionId: "o1", Amount: usd(100), PaymentMethod: token("cnon:ok")}
			if flow == v1.Flow_FLOW_REFUND {
				req = &v1.PaymentServiceRefundRequest{ConnectorTransactionId: "P1", MerchantRefundId: "r1", RefundAmount: usd(100)}
			}
			r := run(t, pdktest.Call{Flow: flow, Status: status, Request: req, Body: body})
			if e := r.GetParseError(); e.GetKind() != pluginv1.ErrorKind_ERROR_KIND_PROCESSOR_UNAVAILABLE {
				t.Fatalf("%v HTTP %d: result = %v, want a PROCESSOR_UNAVAILABLE error", flow, status, r)
			}
		}
	}
}

// TestLengthLimitsCountCharacters: Square's maxLength (note 500,
// statement_description_identifier 20, refund reason 192) counts
// characters, so text at the limit in a non-ASCII script is sent, and one
// character more is refused.
func TestLengthLimitsCountCharacters(t *testing.T) {
	authorize := func(description, statement string) *pdktest.Result {
		return run(t, pdktest.Call{Flow: v1.Flow_FLOW_AUTHORIZE, Request: &v1.PaymentServiceAuthorizeRequest{MerchantTransactionId: "o1",
			Amount: usd(100), PaymentMethod: token("cnon:ok"), Description: description, StatementDescriptor: statement}})
	}
	refund := func(reason string) *pdktest.Result {
		return run(t, pdktest.Call{Flow: v1.Flow_FLOW_REFUND, Request: &v1.PaymentServiceRefundRequest{
			ConnectorTransactionId: "P1", MerchantRefundId: "r1", RefundAmount: usd(100), Reason: reason}})
	}
	note, statement, reason := strings.Repeat("日", maxNote), strings.Repeat("é", maxStatement), strings.Repeat("ü", maxRefundReason)
	if r := authorize(note, statement); r.GetBuildError() != nil || !strings.Contains(string(r.HTTP.GetBody()), `"note":"`+note+`"`) ||
		!strings.Contains(string(r.HTTP.GetBody()), `"statement_description_identifier":"`+statement+`"`) {
		t.Fatalf("authorize at the limits = %v", r)
	}
	if r := refund(reason); r.GetBuildError() != nil || !strings.Contains(string(r.HTTP.GetBody()), `"reason":"`+reason+`"`) {
		t.Fatalf("refund at the limit = %v", r)
	}
	invalid := pluginv1.ErrorKind_ERROR_KIND_INVALID_REQUEST
	wantBuildError(t, authorize(note+"日", ""), invalid, "description")
	wantBuildError(t, authorize("", statement+"é"), invalid, "statement_descriptor")
	wantBuildError(t, refund(reason+"ü"), invalid, "reason")
}

// TestRequestTimeoutIsRetryable: Square's 408 REQUEST_TIMEOUT means the
// request was not received whole (RFC 9110 15.5.9); repeating it with the
// same key is right, so it is PROCESSOR_UNAVAILABLE, not a rejection the
// merchant must fix.
func TestRequestTimeoutIsRetryable(t *testing.T) {
	r := run(t, pdktest.Call{Flow: v1.Flow_FLOW_REFUND, Status: 408,
		Request: &v1.PaymentServiceRefundRequest{ConnectorTransactionId: "P1", MerchantRefundId: "r1", RefundAmount: usd(100)},
		Body:    []byte(`{"errors":[{"category":"INVALID_REQUEST_ERROR","code":"REQUEST_TIMEOUT","detail":"Request Timeout"}]}`)})
	if e := r.GetParseError(); e.GetKind() != pluginv1.ErrorKind_ERROR_KIND_PROCESSOR_UNAVAILABLE || e.GetDetail().GetConnector().GetCode() != "REQUEST_TIMEOUT" {
		t.Fatalf("parse error = %v, want PROCESSOR_UNAVAILABLE keeping REQUEST_TIMEOUT", e)
	}
}

// TestCaptureWithoutPaymentAmountReadsThePaymentFirst: CompletePayment takes
// no amount and completes the whole payment, so a capture of less than the
// authorized amount must be refused before it is sent. Without
// payment_amount the connector reads the payment first (a Get step the host
// runs): another amount is refused with nothing completed; the authorized
// amount is completed.
func TestCaptureWithoutPaymentAmountReadsThePaymentFirst(t *testing.T) {
	const approved = `{"payment":{"id":"P1","status":"APPROVED","amount_money":{"amount":1000,"currency":"USD"}}}`
	const completed = `{"payment":{"id":"P1","status":"COMPLETED","amount_money":{"amount":1000,"currency":"USD"}}}`
	kit, err := conformancetest.Native(New())
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		capture *v1.Money
		answers []conformancetest.Answer
		asked   []string
		charged bool // else refused as UNSUPPORTED
	}{
		{usd(500), []conformancetest.Answer{{Status: 200, Body: approved}}, []string{"GET /v2/payments/P1"}, false},
		{usd(1500), []conformancetest.Answer{{Status: 200, Body: approved}}, []string{"GET /v2/payments/P1"}, false},
		{&v1.Money{MinorAmount: 1000, Currency: "EUR"}, []conformancetest.Answer{{Status: 200, Body: approved}}, []string{"GET /v2/payments/P1"}, false},
		{usd(1000), []conformancetest.Answer{{Status: 200, Body: approved}, {Status: 200, Body: completed}},
			[]string{"GET /v2/payments/P1", "POST /v2/payments/P1/complete"}, true},
	} {
		fake := &conformancetest.Scripted{T: t, Answers: tc.answers}
		srv := httptest.NewServer(fake)
		cc := (&pdktest.Call{Credentials: testCredentials(), BaseURL: srv.URL}).Context()
		ex, err := kit.Execute(context.Background(), srv.Client(), v1.Flow_FLOW_CAPTURE,
			&v1.PaymentServiceCaptureRequest{ConnectorTransactionId: "P1", AmountToCapture: tc.capture, MerchantCaptureId: "c1"}, cc)
		srv.Close()
		if err != nil {
			t.Fatal(err)
		}
		if got := fake.Asked(); !reflect.DeepEqual(got, tc.asked) {
			t.Fatalf("capture %v: requests %v, want %v", tc.capture, got, tc.asked)
		}
		if !tc.charged {
			if ex.Err == nil || ex.Error.GetKind() != pluginv1.ErrorKind_ERROR_KIND_UNSUPPORTED || !strings.Contains(ex.Error.GetMessage(), "partial capture") {
				t.Fatalf("capture %v: response %v, error %v (plugin %v), want UNSUPPORTED partial capture", tc.capture, ex.Response, ex.Err, ex.Error)
			}
			continue
		}
		out, _ := ex.Response.(*v1.PaymentServiceCaptureResponse)
		if ex.Err != nil || out.GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_CHARGED || out.GetCapturedAmount().GetMinorAmount() != 1000 {
			t.Fatalf("capture %v = %v, error %v, want CHARGED 1000", tc.capture, out, ex.Err)
		}
	}
}

// TestCaptureDoesNotTrustAnEarlierCallsAmount: an amount reported in an
// earlier call's state (sent back by the caller) is stale: the payment is
// read again.
func TestCaptureDoesNotTrustAnEarlierCallsAmount(t *testing.T) {
	stale := &v1.ConnectorState{Values: map[string]string{authorizedKey("P1"): "1 500 USD"}}
	r := run(t, pdktest.Call{Flow: v1.Flow_FLOW_CAPTURE, State: stale,
		Request: &v1.PaymentServiceCaptureRequest{ConnectorTransactionId: "P1", AmountToCapture: usd(500), MerchantCaptureId: "c1"}})
	if r.NextStep.GetFlow() != v1.Flow_FLOW_GET || r.HTTP != nil {
		t.Fatalf("capture with a stale amount = %v, want a Get step before sending", r)
	}
}
