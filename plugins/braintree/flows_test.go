//go:build !wasip1

package braintree

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/connectorhost/connector-host/conformance/conformancetest"
	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk/pdktest"
	"github.com/valyala/fastjson"
)

// The API key pair of Braintree's "Making API Calls" guide and the Basic
// token it derives from them
// (https://developer.paypal.com/braintree/graphql/guides/making_api_calls).
const (
	docPublicKey  = "v4ndq314c2s5c28r"
	docPrivateKey = "93b78bc88be90d93ac282e50ae569fdd"
	docBasicToken = "djRuZHEzMTRjMnM1YzI4cjo5M2I3OGJjODhiZTkwZDkzYWMyODJlNTBhZTU2OWZkZA=="
)

func testCredentials() map[string]string {
	return map[string]string{credPublicKey: docPublicKey, credPrivateKey: docPrivateKey}
}

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

func token(tok string) *v1.PaymentMethod {
	return &v1.PaymentMethod{Method: &v1.PaymentMethod_Token{Token: &v1.ProcessorToken{Token: tok}}}
}

func usd(minor int64) *v1.Money { return &v1.Money{MinorAmount: minor, Currency: "USD"} }

// graphqlBody is a decoded GraphQL request body.
type graphqlBody struct {
	Query     string         `json:"query"`
	Variables map[string]any `json:"variables"`
}

// decodeRequest checks the transport of a built request (POST /graphql on
// the sandbox, Basic auth of the key pair, Braintree-Version, JSON) and
// decodes its body, refusing unknown top-level members.
func decodeRequest(t *testing.T, r *pdktest.Result) graphqlBody {
	t.Helper()
	if r.BuildError != nil {
		t.Fatalf("build error: %v", r.BuildError)
	}
	h := r.HTTP
	if h.GetMethod() != "POST" || h.GetUrl() != SandboxBaseURL+"/graphql" {
		t.Fatalf("request = %s %s, want POST %s/graphql", h.GetMethod(), h.GetUrl(), SandboxBaseURL)
	}
	for name, want := range map[string]string{"Authorization": "Basic " + docBasicToken, "Braintree-Version": APIVersion, "Content-Type": "application/json"} {
		if got := pdktest.HeaderValue(h, name); got != want {
			t.Fatalf("header %s = %q, want %q", name, got, want)
		}
	}
	dec := json.NewDecoder(strings.NewReader(string(h.GetBody())))
	dec.DisallowUnknownFields()
	var b graphqlBody
	if err := dec.Decode(&b); err != nil {
		t.Fatalf("body %s: %v", h.GetBody(), err)
	}
	return b
}

// TestRequestsFieldByField pins each request's operation and every variable
// against the shapes of Braintree's GraphQL reference (the page of each
// mutation is named in the case).
func TestRequestsFieldByField(t *testing.T) {
	cases := []struct {
		name, source, operation, idemKey string
		call                             pdktest.Call
		vars                             string
	}{
		{"charge", "guides/transactions (chargePaymentMethod)", "chargePaymentMethod(input: $input) { transaction {", "chargePaymentMethod:order_1",
			pdktest.Call{Flow: v1.Flow_FLOW_AUTHORIZE, Request: &v1.PaymentServiceAuthorizeRequest{MerchantTransactionId: "order_1", Amount: usd(1123), PaymentMethod: token("fake-valid-nonce")}},
			`{"input":{"clientMutationId":"order_1","paymentMethodId":"fake-valid-nonce","transaction":{"amount":"11.23","orderId":"order_1"}}}`},
		{"authorize manual, vault, customer, descriptor, merchant account", "reference/mutations/authorize-payment-method; types/transaction-input", "authorizePaymentMethod(input: $input)", "authorizePaymentMethod:order_2",
			pdktest.Call{Flow: v1.Flow_FLOW_AUTHORIZE, Config: map[string]string{"merchant_account_id_EUR": "acct_eur"}, Request: &v1.PaymentServiceAuthorizeRequest{
				MerchantTransactionId: "order_2", Amount: &v1.Money{MinorAmount: 5000, Currency: "EUR"}, PaymentMethod: token("nonce-2"),
				CaptureMethod: v1.CaptureMethod_CAPTURE_METHOD_MANUAL, SetupFutureUsage: v1.FutureUsage_FUTURE_USAGE_OFF_SESSION,
				Customer: &v1.Customer{ConnectorCustomerId: "cust_1"}, StatementDescriptor: "ACME*SHOES"}},
			`{"input":{"clientMutationId":"order_2","paymentMethodId":"nonce-2","transaction":{"amount":"50.00","merchantAccountId":"acct_eur","orderId":"order_2","customerId":"cust_1","descriptor":{"name":"ACME*SHOES"},"vaultPaymentMethodAfterTransacting":{"when":"ON_SUCCESSFUL_TRANSACTION"}}}}`},
		{"recurring charge", "reference/mutations/charge-payment-method", "chargePaymentMethod(input: $input)", "chargePaymentMethod:sub_1",
			pdktest.Call{Flow: v1.Flow_FLOW_RECURRING_CHARGE, Credentials: map[string]string{credPublicKey: docPublicKey, credPrivateKey: docPrivateKey, credMerchantID: "acct_default"},
				Request: &v1.RecurringPaymentServiceChargeRequest{MerchantTransactionId: "sub_1", Amount: &v1.Money{MinorAmount: 1005, Currency: "BHD"}, Mandate: &v1.MandateReference{ConnectorMandateId: "pm_vaulted"}}},
			`{"input":{"clientMutationId":"sub_1","paymentMethodId":"pm_vaulted","transaction":{"amount":"1.005","merchantAccountId":"acct_default","orderId":"sub_1","paymentInitiator":"RECURRING"}}}`},
		{"capture", "reference/mutations/capture-transaction", "captureTransaction(input: $input)", "captureTransaction:cap_1",
			pdktest.Call{Flow: v1.Flow_FLOW_CAPTURE, Request: &v1.PaymentServiceCaptureRequest{ConnectorTransactionId: "tx_1", AmountToCapture: &v1.Money{MinorAmount: 1500, Currency: "JPY"}, MerchantCaptureId: "cap_1"}},
			`{"input":{"clientMutationId":"cap_1","transactionId":"tx_1","transaction":{"amount":"1500"}}}`},
		{"void", "reference/mutations/reverse-transaction", "reverseTransaction(input: $input) { reversal { __typename ... on Transaction {", "reverseTransaction:tx_1",
			pdktest.Call{Flow: v1.Flow_FLOW_VOID, Request: &v1.PaymentServiceVoidRequest{ConnectorTransactionId: "tx_1"}},
			`{"input":{"transactionId":"tx_1"}}`},
		{"refund", "reference/mutations/refund-transaction; types/refund-input", "refundTransaction(input: $input) { refund {", "refundTransaction:rf_1",
			pdktest.Call{Flow: v1.Flow_FLOW_REFUND, Request: &v1.PaymentServiceRefundRequest{ConnectorTransactionId: "tx_1", MerchantRefundId: "rf_1", RefundAmount: usd(250), Reason: "damaged"}},
			`{"input":{"clientMutationId":"rf_1","transactionId":"tx_1","refund":{"amount":"2.50","orderId":"rf_1","description":"damaged"}}}`},
		{"get", "reference (query node)", "query Node($id: ID!) { node(id: $id) { ... on Transaction {", "",
			pdktest.Call{Flow: v1.Flow_FLOW_GET, Request: &v1.PaymentServiceGetRequest{ConnectorTransactionId: "tx_1"}},
			`{"id":"tx_1"}`},
		{"create customer", "reference/mutations/create-customer", "createCustomer(input: $input) { customer { id } }", "createCustomer:c_1",
			pdktest.Call{Flow: v1.Flow_FLOW_CREATE_CUSTOMER, Request: &v1.CustomerServiceCreateRequest{MerchantRequestId: "c_1", Customer: &v1.Customer{Name: "Ada King Lovelace", Email: "ada@example.com"}}},
			`{"input":{"clientMutationId":"c_1","customer":{"firstName":"Ada","lastName":"King Lovelace","email":"ada@example.com"}}}`},
		{"tokenize", "reference/mutations/vault-payment-method", "vaultPaymentMethod(input: $input)", "vaultPaymentMethod:tok_1",
			pdktest.Call{Flow: v1.Flow_FLOW_TOKENIZE, State: &v1.ConnectorState{ConnectorCustomerId: "cust_state"},
				Request: &v1.PaymentMethodServiceTokenizeRequest{MerchantRequestId: "tok_1", PaymentMethod: token("nonce-v")}},
			`{"input":{"clientMutationId":"tok_1","paymentMethodId":"nonce-v","customerId":"cust_state"}}`},
		{"setup recurring", "reference/mutations/vault-payment-method", "vaultPaymentMethod(input: $input)", "vaultPaymentMethod:setup_1",
			pdktest.Call{Flow: v1.Flow_FLOW_SETUP_RECURRING, Request: &v1.PaymentServiceSetupRecurringRequest{MerchantSetupId: "setup_1", Amount: usd(0), PaymentMethod: token("nonce-s")}},
			`{"input":{"clientMutationId":"setup_1","paymentMethodId":"nonce-s"}}`},
		{"dispute get", "reference (query node), types/dispute", "node(id: $id) { ... on Dispute {", "",
			pdktest.Call{Flow: v1.Flow_FLOW_DISPUTE_GET, Request: &v1.DisputeServiceGetRequest{ConnectorDisputeId: "dp_1"}},
			`{"id":"dp_1"}`},
		{"dispute accept", "reference/mutations/accept-dispute", "acceptDispute(input: $input) { dispute {", "acceptDispute:dp_1",
			pdktest.Call{Flow: v1.Flow_FLOW_DISPUTE_ACCEPT, Request: &v1.DisputeServiceAcceptRequest{ConnectorDisputeId: "dp_1"}},
			`{"input":{"disputeId":"dp_1"}}`},
		{"refund get", "reference (query node), types/refund", "node(id: $id) { ... on Refund {", "",
			pdktest.Call{Flow: v1.Flow_FLOW_REFUND_GET, Request: &v1.RefundServiceGetRequest{ConnectorRefundId: "rf_1"}},
			`{"id":"rf_1"}`},
		{"submit evidence", "reference/mutations/create-dispute-text-evidence", "createDisputeTextEvidence(input: $input) { evidence { id } }", "createDisputeTextEvidence:ev_1",
			pdktest.Call{Flow: v1.Flow_FLOW_DISPUTE_SUBMIT_EVIDENCE, Request: &v1.DisputeServiceSubmitEvidenceRequest{ConnectorDisputeId: "dp_1", MerchantRequestId: "ev_1",
				Evidence: []*v1.EvidenceDocument{{Type: v1.EvidenceType_EVIDENCE_TYPE_SHIPPING_DOCUMENTATION, Text: "1Z999", ConnectorEvidenceType: "TRACKING_NUMBER"}}}},
			`{"input":{"clientMutationId":"ev_1","disputeId":"dp_1","category":"TRACKING_NUMBER","content":"1Z999"}}`},
		{"defend", "reference/mutations/finalize-dispute", "finalizeDispute(input: $input) { dispute {", "finalizeDispute:dp_1",
			pdktest.Call{Flow: v1.Flow_FLOW_DISPUTE_DEFEND, Request: &v1.DisputeServiceDefendRequest{ConnectorDisputeId: "dp_1"}},
			`{"input":{"disputeId":"dp_1"}}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := run(t, tc.call)
			b := decodeRequest(t, r)
			if !strings.Contains(b.Query, tc.operation) {
				t.Fatalf("query %q does not contain %q (source: %s)", b.Query, tc.operation, tc.source)
			}
			var want map[string]any
			if err := json.Unmarshal([]byte(tc.vars), &want); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(b.Variables, want) {
				got, _ := json.Marshal(b.Variables)
				t.Fatalf("variables =\n %s\nwant\n %s\n(source: %s)", got, tc.vars, tc.source)
			}
			if got := pdktest.HeaderValue(r.HTTP, idempotencyHeader); got != tc.idemKey {
				t.Fatalf("Idempotency-Key = %q, want %q", got, tc.idemKey)
			}
			if tc.idemKey == "" && !r.HTTP.GetIdempotent() {
				t.Fatal("a query must be marked safe to repeat")
			}
			if tc.idemKey != "" && r.HTTP.GetIdempotent() {
				t.Fatal("a mutation is marked safe to repeat, but Braintree does not deduplicate by the key: the host would retry it")
			}
		})
	}
}

// TestBuildRefusals: what Braintree cannot take is refused before any
// request, with the field named as the caller wrote it.
func TestBuildRefusals(t *testing.T) {
	card := &v1.PaymentMethod{Method: &v1.PaymentMethod_Card{Card: &v1.Card{Number: "4111111111111111", Cvc: "123"}}}
	cases := []struct {
		name  string
		call  pdktest.Call
		kind  pluginv1.ErrorKind
		field string
	}{
		{"card number", pdktest.Call{Flow: v1.Flow_FLOW_AUTHORIZE, Request: &v1.PaymentServiceAuthorizeRequest{MerchantTransactionId: "o", Amount: usd(100), PaymentMethod: card}},
			pluginv1.ErrorKind_ERROR_KIND_UNSUPPORTED, "payment_method.card"},
		{"external 3-D Secure data", pdktest.Call{Flow: v1.Flow_FLOW_AUTHORIZE, Request: &v1.PaymentServiceAuthorizeRequest{MerchantTransactionId: "o", Amount: usd(100), PaymentMethod: token("n"), ThreeDs: &v1.ThreeDsData{AuthenticationId: "x"}}},
			pluginv1.ErrorKind_ERROR_KIND_UNSUPPORTED, "three_ds"},
		{"no merchant id", pdktest.Call{Flow: v1.Flow_FLOW_AUTHORIZE, Request: &v1.PaymentServiceAuthorizeRequest{Amount: usd(100), PaymentMethod: token("n")}},
			pluginv1.ErrorKind_ERROR_KIND_INVALID_REQUEST, "merchant_transaction_id"},
		{"merchant id over 255", pdktest.Call{Flow: v1.Flow_FLOW_AUTHORIZE, Request: &v1.PaymentServiceAuthorizeRequest{MerchantTransactionId: strings.Repeat("x", 256), Amount: usd(100), PaymentMethod: token("n")}},
			pluginv1.ErrorKind_ERROR_KIND_INVALID_REQUEST, "merchant_transaction_id"},
		{"zero amount", pdktest.Call{Flow: v1.Flow_FLOW_AUTHORIZE, Request: &v1.PaymentServiceAuthorizeRequest{MerchantTransactionId: "o", Amount: usd(0), PaymentMethod: token("n")}},
			pluginv1.ErrorKind_ERROR_KIND_INVALID_REQUEST, "amount.minor_amount"},
		{"unknown currency", pdktest.Call{Flow: v1.Flow_FLOW_REFUND, Request: &v1.PaymentServiceRefundRequest{ConnectorTransactionId: "t", MerchantRefundId: "r", RefundAmount: &v1.Money{MinorAmount: 1, Currency: "XXY"}}},
			pluginv1.ErrorKind_ERROR_KIND_INVALID_REQUEST, "refund_amount.currency"},
		{"multiple capture", pdktest.Call{Flow: v1.Flow_FLOW_AUTHORIZE, Request: &v1.PaymentServiceAuthorizeRequest{MerchantTransactionId: "o", Amount: usd(100), PaymentMethod: token("n"), CaptureMethod: v1.CaptureMethod_CAPTURE_METHOD_MANUAL_MULTIPLE}},
			pluginv1.ErrorKind_ERROR_KIND_UNSUPPORTED, "capture_method"},
		{"setup with amount", pdktest.Call{Flow: v1.Flow_FLOW_SETUP_RECURRING, Request: &v1.PaymentServiceSetupRecurringRequest{MerchantSetupId: "s", Amount: usd(100), PaymentMethod: token("n")}},
			pluginv1.ErrorKind_ERROR_KIND_INVALID_REQUEST, "amount"},
		{"recurring without mandate", pdktest.Call{Flow: v1.Flow_FLOW_RECURRING_CHARGE, Request: &v1.RecurringPaymentServiceChargeRequest{MerchantTransactionId: "o", Amount: usd(100)}},
			pluginv1.ErrorKind_ERROR_KIND_INVALID_REQUEST, "mandate.connector_mandate_id"},
		{"refund without id", pdktest.Call{Flow: v1.Flow_FLOW_REFUND, Request: &v1.PaymentServiceRefundRequest{ConnectorTransactionId: "t", RefundAmount: usd(1)}},
			pluginv1.ErrorKind_ERROR_KIND_INVALID_REQUEST, "merchant_refund_id"},
		{"get without id", pdktest.Call{Flow: v1.Flow_FLOW_GET, Request: &v1.PaymentServiceGetRequest{}},
			pluginv1.ErrorKind_ERROR_KIND_INVALID_REQUEST, "connector_transaction_id"},
		{"two evidence documents", pdktest.Call{Flow: v1.Flow_FLOW_DISPUTE_SUBMIT_EVIDENCE, Request: &v1.DisputeServiceSubmitEvidenceRequest{ConnectorDisputeId: "d",
			Evidence: []*v1.EvidenceDocument{{Text: "a"}, {Text: "b"}}}}, pluginv1.ErrorKind_ERROR_KIND_INVALID_REQUEST, "evidence"},
		{"unknown text category", pdktest.Call{Flow: v1.Flow_FLOW_DISPUTE_SUBMIT_EVIDENCE, Request: &v1.DisputeServiceSubmitEvidenceRequest{ConnectorDisputeId: "d",
			Evidence: []*v1.EvidenceDocument{{Text: "a", ConnectorEvidenceType: "PROOF_OF_FULFILLMENT"}}}}, pluginv1.ErrorKind_ERROR_KIND_INVALID_REQUEST, "evidence[0].connector_evidence_type"},
		{"defend with documents", pdktest.Call{Flow: v1.Flow_FLOW_DISPUTE_DEFEND, Request: &v1.DisputeServiceDefendRequest{ConnectorDisputeId: "d",
			Evidence: []*v1.EvidenceDocument{{Text: "a"}}}}, pluginv1.ErrorKind_ERROR_KIND_INVALID_REQUEST, "evidence"},
		{"defend with reason code", pdktest.Call{Flow: v1.Flow_FLOW_DISPUTE_DEFEND, Request: &v1.DisputeServiceDefendRequest{ConnectorDisputeId: "d", DefenseReasonCode: "x"}},
			pluginv1.ErrorKind_ERROR_KIND_INVALID_REQUEST, "defense_reason_code"},
		{"missing private key", pdktest.Call{Flow: v1.Flow_FLOW_GET, Credentials: map[string]string{credPublicKey: docPublicKey}, Request: &v1.PaymentServiceGetRequest{ConnectorTransactionId: "t"}},
			pluginv1.ErrorKind_ERROR_KIND_CREDENTIALS, credPrivateKey},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := run(t, tc.call).GetBuildError()
			if e.GetKind() != tc.kind || !strings.Contains(e.GetMessage(), tc.field) {
				t.Fatalf("build error = %v, want %v naming %q", e, tc.kind, tc.field)
			}
			if strings.Contains(e.GetMessage(), "4111111111111111") || strings.Contains(e.GetMessage(), docPrivateKey) {
				t.Fatalf("a secret leaked: %s", e.GetMessage())
			}
		})
	}
}

func authorizeAnswer(t *testing.T, body string) *pdktest.Result {
	t.Helper()
	return run(t, pdktest.Call{Flow: v1.Flow_FLOW_AUTHORIZE, Status: 200, Body: []byte(body),
		Request: &v1.PaymentServiceAuthorizeRequest{MerchantTransactionId: "o1", Amount: usd(1000), PaymentMethod: token("n")}})
}

// TestGraphQLErrorsMapToThreeLayers: the errors array (HTTP 200) becomes a
// typed error by errorClass, keeping Braintree's legacyCode, class, message
// and inputPath in the connector layer; a processor decline is a response.
func TestGraphQLErrorsMapToThreeLayers(t *testing.T) {
	errBody := func(class, code string) string {
		return `{"data":{"chargePaymentMethod":null},"errors":[{"message":"boom","extensions":{"errorClass":"` + class +
			`","legacyCode":"` + code + `","inputPath":["input","transaction","amount"]}}],"extensions":{"requestId":"r1"}}`
	}
	for _, tc := range []struct {
		class, code string
		kind        pluginv1.ErrorKind
		unified     v1.ErrorCode
	}{
		{"AUTHENTICATION", "", pluginv1.ErrorKind_ERROR_KIND_CREDENTIALS, v1.ErrorCode_ERROR_CODE_INVALID_CREDENTIALS},
		{"AUTHORIZATION", "", pluginv1.ErrorKind_ERROR_KIND_CREDENTIALS, v1.ErrorCode_ERROR_CODE_PERMISSION_DENIED},
		{"NOT_FOUND", "", pluginv1.ErrorKind_ERROR_KIND_NOT_FOUND, v1.ErrorCode_ERROR_CODE_NOT_FOUND},
		{"RESOURCE_LIMIT", "", pluginv1.ErrorKind_ERROR_KIND_RATE_LIMITED, v1.ErrorCode_ERROR_CODE_RATE_LIMITED},
		{"INTERNAL", "", pluginv1.ErrorKind_ERROR_KIND_PROCESSOR_UNAVAILABLE, v1.ErrorCode_ERROR_CODE_PROCESSOR_UNAVAILABLE},
		{"VALIDATION", "81528", pluginv1.ErrorKind_ERROR_KIND_PROCESSOR_REJECTED, v1.ErrorCode_ERROR_CODE_AMOUNT_TOO_LARGE},
		{"VALIDATION", "99999", pluginv1.ErrorKind_ERROR_KIND_PROCESSOR_REJECTED, v1.ErrorCode_ERROR_CODE_INVALID_REQUEST},
	} {
		r := authorizeAnswer(t, errBody(tc.class, tc.code))
		e := r.GetParseError()
		if e.GetKind() != tc.kind || e.GetDetail().GetCode() != tc.unified {
			t.Fatalf("%s %s: error = %v, want %v / %v", tc.class, tc.code, e, tc.kind, tc.unified)
		}
		c := e.GetDetail().GetConnector()
		if c.GetType() != tc.class || c.GetCode() != tc.code || !strings.Contains(c.GetMessage(), "input.transaction.amount") || c.GetHttpStatus() != 200 {
			t.Fatalf("%s: connector layer = %v", tc.class, c)
		}
	}
	r := authorizeAnswer(t, errBody("VALIDATION", "2004"))
	out, _ := r.Response.(*v1.PaymentServiceAuthorizeResponse)
	if r.ParseError != nil || out.GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZATION_FAILED ||
		out.GetError().GetCode() != v1.ErrorCode_ERROR_CODE_EXPIRED_CARD || out.GetError().GetIssuer().GetDeclineCode() != "2004" {
		t.Fatalf("decline 2004 = %v, %v", out, r.ParseError)
	}
}

// TestAnswerIntegrity: an answer about another amount, currency or object
// than the one asked for is refused as INTEGRITY_MISMATCH, and an unknown
// status is UNKNOWN, never a success.
func TestAnswerIntegrity(t *testing.T) {
	tx := func(id, status, value, cur string) string {
		return `{"data":{"chargePaymentMethod":{"transaction":{"id":"` + id + `","status":"` + status + `","amount":{"value":"` + value + `","currencyCode":"` + cur + `"}}}}}`
	}
	for _, body := range []string{tx("t1", "SETTLED", "10.00", "EUR"), tx("t1", "SETTLED", "10.01", "USD")} {
		if e := authorizeAnswer(t, body).GetParseError(); e.GetDetail().GetCode() != v1.ErrorCode_ERROR_CODE_INTEGRITY_MISMATCH {
			t.Fatalf("%s: error = %v, want INTEGRITY_MISMATCH", body, e)
		}
	}
	r := authorizeAnswer(t, tx("t1", "BRAND_NEW", "10.00", "USD"))
	if got := r.Response.(*v1.PaymentServiceAuthorizeResponse).GetStatus(); got != v1.PaymentStatus_PAYMENT_STATUS_UNKNOWN {
		t.Fatalf("unknown status = %v", got)
	}
	g := run(t, pdktest.Call{Flow: v1.Flow_FLOW_GET, Status: 200, Request: &v1.PaymentServiceGetRequest{ConnectorTransactionId: "t1"},
		Body: []byte(`{"data":{"node":{"id":"t2","status":"SETTLED","amount":{"value":"1.00","currencyCode":"USD"}}}}`)})
	if g.GetParseError().GetDetail().GetCode() != v1.ErrorCode_ERROR_CODE_INTEGRITY_MISMATCH {
		t.Fatalf("other transaction: %v", g.ParseError)
	}
}

// TestMoneyDecimalStrings: Braintree's Amount is a decimal string in the
// currency's ISO-4217 exponent, both ways (JPY 0, USD 2, BHD 3 decimals).
func TestMoneyDecimalStrings(t *testing.T) {
	for _, tc := range []struct {
		m    *v1.Money
		want string
	}{{&v1.Money{MinorAmount: 123450, Currency: "JPY"}, "123450"}, {usd(120500), "1205.00"}, {&v1.Money{MinorAmount: 120500, Currency: "BHD"}, "120.500"}, {usd(5), "0.05"}} {
		got, err := decimal("amount", tc.m, false)
		if err != nil || got != tc.want {
			t.Fatalf("decimal(%v) = %q, %v; want %q", tc.m, got, err, tc.want)
		}
		back, err := moneyAt(mustParse(t, `{"a":{"value":"`+got+`","currencyCode":"`+tc.m.GetCurrency()+`"}}`), "a")
		if err != nil || back.GetMinorAmount() != tc.m.GetMinorAmount() {
			t.Fatalf("moneyAt(%s) = %v, %v", got, back, err)
		}
	}
	if _, err := moneyAt(mustParse(t, `{"a":{"value":"10.5x","currencyCode":"USD"}}`), "a"); err == nil {
		t.Fatal("a malformed amount was accepted")
	}
}

func mustParse(t *testing.T, s string) *fastjson.Value {
	t.Helper()
	v, err := fastjson.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestPartialSuccessIsTheMutationsResult: Braintree's GraphQL answers may mix
// data and errors ("partial success",
// https://developer.paypal.com/braintree/in-person/guides/graphql-error-handling).
// When data.chargePaymentMethod holds the transaction, the charge happened
// and an error about a nested field (here the customer, which the API key may
// not read) must not turn it into a failure the caller would retry (charging
// twice, since Braintree does not deduplicate mutations).
func TestPartialSuccessIsTheMutationsResult(t *testing.T) {
	body := `{"data":{"chargePaymentMethod":{"transaction":{"id":"tx_p","status":"SUBMITTED_FOR_SETTLEMENT","orderId":"o1",` +
		`"amount":{"value":"10.00","currencyCode":"USD"},"processorResponse":{"legacyCode":"1000","message":"Approved"},` +
		`"statusHistory":[{}],"paymentMethod":null,"customer":null}}},` +
		`"errors":[{"message":"Unauthorized","path":["chargePaymentMethod","transaction","customer"],` +
		`"extensions":{"errorClass":"AUTHORIZATION"}}]}`
	r := authorizeAnswer(t, body)
	if e := r.GetParseError(); e != nil {
		t.Fatalf("charged transaction reported as error %v", e)
	}
	got := r.Response.(*v1.PaymentServiceAuthorizeResponse)
	if got.GetConnectorTransactionId() != "tx_p" || got.GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_CHARGED {
		t.Fatalf("response = %v", got)
	}
	// A decline code among the errors does not make a returned transaction a decline.
	body = strings.Replace(body, `"extensions":{"errorClass":"AUTHORIZATION"}`, `"extensions":{"errorClass":"VALIDATION","legacyCode":"2001"}`, 1)
	r = authorizeAnswer(t, body)
	if got, ok := r.Response.(*v1.PaymentServiceAuthorizeResponse); !ok || got.GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_CHARGED {
		t.Fatalf("result = %v / %v", r.Response, r.GetParseError())
	}
}

// TestDisputeSelectionMatchesSchema: Braintree's Dispute type has no
// reason field; the reason and the processor's reason code are in
// processorResponse (DisputeProcessorResponse) — braintree/graphql-api
// schema.graphql, type Dispute, and
// https://developer.paypal.com/braintree/graphql/reference/types/dispute-processor-response.
// GraphQL refuses a query naming a field its type lacks, so every dispute
// flow must select only Dispute's fields, and read the reason where it is.
func TestDisputeSelectionMatchesSchema(t *testing.T) {
	disputeFields := map[string]bool{"id": true, "legacyId": true, "amountDisputed": true, "amountWon": true, "caseNumber": true,
		"createdAt": true, "receivedDate": true, "referenceNumber": true, "responseDeadline": true, "replyByDate": true, "type": true,
		"evidence": true, "originalDispute": true, "processorResponse": true, "status": true, "statusHistory": true, "transaction": true,
		"chargebackProtectionLevel": true, "protectionLevel": true, "evidenceSubmittable": true, "preDisputeProgram": true}
	q := decodeRequest(t, run(t, pdktest.Call{Flow: v1.Flow_FLOW_DISPUTE_GET, Request: &v1.DisputeServiceGetRequest{ConnectorDisputeId: "dp_1"}})).Query
	checkSelection(t, q, "... on Dispute { ", "Dispute", disputeFields)
	body := `{"data":{"node":{"id":"dp_1","status":"OPEN","type":"CHARGEBACK","replyByDate":"2026-01-20",` +
		`"amountDisputed":{"value":"11.23","currencyCode":"USD"},"processorResponse":{"reason":"FRAUD","reasonCode":"83"},` +
		`"transaction":{"id":"tx_1"}}}}`
	r := run(t, pdktest.Call{Flow: v1.Flow_FLOW_DISPUTE_GET, Status: 200, Body: []byte(body),
		Request: &v1.DisputeServiceGetRequest{ConnectorDisputeId: "dp_1"}})
	got, ok := r.Response.(*v1.DisputeServiceGetResponse)
	if !ok || got.GetReason() != "FRAUD" || got.GetReasonCode() != "83" {
		t.Fatalf("response = %v / %v", r.Response, r.GetParseError())
	}
}

// checkSelection fails when the selection set opening after marker in query
// names, at its top level, a field not in fields (the schema's type typ).
func checkSelection(t *testing.T, query, marker, typ string, fields map[string]bool) {
	t.Helper()
	_, sel, ok := strings.Cut(query, marker)
	if !ok {
		t.Fatalf("query has no %q: %s", marker, query)
	}
	depth := 0
	for _, tok := range strings.Fields(sel) {
		switch {
		case tok == "{":
			depth++
		case tok == "}":
			depth--
		case depth == 0 && !fields[tok]:
			t.Fatalf("query selects %q, not a field of Braintree's %s: %s", tok, typ, query)
		}
		if depth < 0 {
			return
		}
	}
}

// TestTransactionSelectionMatchesSchema: Braintree's Transaction type has no
// gatewayRejectionReason field (braintree/graphql-api schema.graphql, type
// Transaction; GatewayRejectionReason is used by GatewayRejectedEvent and
// Verification only:
// https://developer.paypal.com/braintree/graphql/reference/types/gateway-rejection-reason),
// so a selection naming it is refused and no transaction flow could work.
// The reason is read from the transaction's statusHistory, and its enum
// values (upper case) map like the legacy lower-case ones.
func TestTransactionSelectionMatchesSchema(t *testing.T) {
	txFields := map[string]bool{"id": true, "legacyId": true, "createdAt": true, "paymentMethodSnapshot": true, "paymentMethod": true,
		"amount": true, "initialRequestedAuthorizationAmount": true, "customFields": true, "merchantId": true, "merchantAccountId": true,
		"merchantName": true, "merchantAddress": true, "orderId": true, "purchaseOrderNumber": true, "status": true,
		"processorResponse": true, "riskData": true, "descriptor": true, "statusHistory": true, "channel": true, "source": true,
		"customer": true, "shipping": true, "tax": true, "refunds": true, "disputes": true, "billingAddress": true}
	q := decodeRequest(t, run(t, pdktest.Call{Flow: v1.Flow_FLOW_GET, Request: &v1.PaymentServiceGetRequest{ConnectorTransactionId: "tx_1"}})).Query
	checkSelection(t, q, "... on Transaction { ", "Transaction", txFields)
	q = decodeRequest(t, authorizeAnswer(t, "{}")).Query
	checkSelection(t, q, "transaction { ", "Transaction", txFields)

	body := `{"data":{"chargePaymentMethod":{"transaction":{"id":"tx_g","status":"GATEWAY_REJECTED","orderId":"o1",` +
		`"amount":{"value":"10.00","currencyCode":"USD"},"processorResponse":null,` +
		`"statusHistory":[{"gatewayRejectionReason":"CVV"},{}]}}}}`
	got, ok := authorizeAnswer(t, body).Response.(*v1.PaymentServiceAuthorizeResponse)
	if !ok || got.GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZATION_FAILED ||
		got.GetError().GetCode() != v1.ErrorCode_ERROR_CODE_INCORRECT_CVC || got.GetError().GetConnector().GetCode() != "CVV" {
		t.Fatalf("response = %v", got)
	}
}

// TestRecurringChargeIsMerchantInitiated: RecurringPaymentService.Charge is a
// merchant-initiated charge of a stored payment method, which Braintree is
// told with TransactionInput.paymentInitiator (braintree/graphql-api
// schema.graphql: "If the transaction is an ecommerce transaction initiated
// by the customer, no value is passed"; enum PaymentInitiator: RECURRING for
// scheduled subsequent payments, UNSCHEDULED for unscheduled ones). Without
// it the charge goes out as a customer-initiated e-commerce payment.
// recurring_model picks the value as the other connectors do (empty is
// Subscription; CardOnFile is a customer-initiated use of the stored card).
func TestRecurringChargeIsMerchantInitiated(t *testing.T) {
	for model, want := range map[string]any{"": "RECURRING", "Subscription": "RECURRING", "UnscheduledCardOnFile": "UNSCHEDULED", "CardOnFile": nil} {
		r := run(t, pdktest.Call{Flow: v1.Flow_FLOW_RECURRING_CHARGE, Request: &v1.RecurringPaymentServiceChargeRequest{
			MerchantTransactionId: "sub_1", Amount: usd(100), Mandate: &v1.MandateReference{ConnectorMandateId: "pm_1"}, RecurringModel: model}})
		tx := decodeRequest(t, r).Variables["input"].(map[string]any)["transaction"].(map[string]any)
		if got := tx["paymentInitiator"]; got != want {
			t.Fatalf("recurring_model %q: paymentInitiator = %v, want %v", model, got, want)
		}
	}
	r := run(t, pdktest.Call{Flow: v1.Flow_FLOW_RECURRING_CHARGE, Request: &v1.RecurringPaymentServiceChargeRequest{
		MerchantTransactionId: "sub_1", Amount: usd(100), Mandate: &v1.MandateReference{ConnectorMandateId: "pm_1"}, RecurringModel: "Weekly"}})
	if r.BuildError.GetKind() != pluginv1.ErrorKind_ERROR_KIND_INVALID_REQUEST {
		t.Fatalf("unknown recurring_model: build error = %v", r.BuildError)
	}
}
