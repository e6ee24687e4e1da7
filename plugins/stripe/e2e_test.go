//go:build !wasip1

package stripe

import (
	"reflect"
	"strings"
	"testing"

	"github.com/connectorhost/connector-host/conformance/conformancetest"
	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// e2eCase is one flow run end to end against stripe-mock. check asserts
// the parsed response is sane (stripe-mock answers fixtures, so statuses are
// whatever its fixtures hold: only the mapping is checked).
type e2eCase struct {
	name  string
	flow  v1.Flow
	req   pdk.Message
	check func(t *testing.T, resp pdk.Message)
}

// knownStatus fails on the zero value and on the UNKNOWN fallback of any
// unified status enum found in the message's "status" fields.
func knownStatus(t *testing.T, resp pdk.Message, fields ...string) {
	t.Helper()
	if len(fields) == 0 {
		fields = []string{"status"}
	}
	m := resp.ProtoReflect()
	for _, name := range fields {
		fd := m.Descriptor().Fields().ByName(protoreflect.Name(name))
		if fd == nil {
			t.Fatalf("%T has no field %s", resp, name)
		}
		ev := fd.Enum().Values().ByNumber(m.Get(fd).Enum())
		if ev == nil || m.Get(fd).Enum() == 0 || strings.HasSuffix(string(ev.Name()), "_UNKNOWN") {
			t.Errorf("%T.%s = %v", resp, name, ev.Name())
		}
	}
}

// nonEmpty fails when any of the named getters returns "".
func nonEmpty(t *testing.T, resp pdk.Message, getters ...string) {
	t.Helper()
	v := reflect.ValueOf(resp)
	for _, g := range getters {
		m := v.MethodByName(g)
		if !m.IsValid() {
			t.Fatalf("%T has no %s", resp, g)
		}
		if s := m.Call(nil)[0].String(); s == "" {
			t.Errorf("%T.%s() is empty", resp, g)
		}
	}
}

func sane(status string, ids ...string) func(*testing.T, pdk.Message) {
	return func(t *testing.T, resp pdk.Message) {
		t.Helper()
		knownStatus(t, resp, status)
		nonEmpty(t, resp, ids...)
	}
}

func e2eCases() []e2eCase {
	paymentOK := sane("status", "GetConnectorTransactionId")

	manual := authorizeReq()
	manual.MerchantTransactionId = "e2e_manual"
	manual.CaptureMethod = v1.CaptureMethod_CAPTURE_METHOD_MANUAL
	manual.AuthenticationType = v1.AuthenticationType_AUTHENTICATION_TYPE_THREE_DS
	manual.RequestIncrementalAuthorization = true
	manual.ReturnUrl = testReturn
	manual.Customer = &v1.Customer{ConnectorCustomerId: "cus_123", Email: "jo@example.com", Name: "Jo Doe"}
	manual.SetupFutureUsage = v1.FutureUsage_FUTURE_USAGE_OFF_SESSION
	manual.BillingAddress = &v1.Address{FirstName: "Jo", LastName: "Doe", Line1: "1 Main St", City: "Springfield", State: "IL", PostalCode: "62701", Country: "US", Phone: "+15555550100"}
	manual.ShippingAddress = manual.BillingAddress
	manual.Description = "e2e order"
	manual.StatementDescriptor = "E2E ORDER"
	manual.Metadata = map[string]string{"cart": "42", "channel": "web"}
	manual.MerchantOrderReference = "INV-42"

	token := authorizeReq()
	token.MerchantTransactionId = "e2e_token"
	token.PaymentMethod = tokenMethod("pm_card_visa")
	legacy := authorizeReq()
	legacy.MerchantTransactionId = "e2e_tok"
	legacy.PaymentMethod = tokenMethod("tok_visa")
	mit := authorizeReq()
	mit.MerchantTransactionId = "e2e_mit"
	mit.Mandate = &v1.MandateReference{ConnectorMandateId: "pm_card_visa", ConnectorCustomerId: "cus_123"}
	imported := authorizeReq()
	imported.MerchantTransactionId = "e2e_3ds"
	imported.ThreeDs = &v1.ThreeDsData{Eci: "05", AuthenticationValue: "AAABBBCCC=", DsTransactionId: "f38e6948-5388-41a6-bca4-b49723c19437", MessageVersion: "2.2.0", TransactionStatus: "Y"}
	jpy := authorizeReq()
	jpy.MerchantTransactionId = "e2e_jpy"
	jpy.Amount = &v1.Money{MinorAmount: 1500, Currency: "JPY"}
	isk := authorizeReq()
	isk.MerchantTransactionId = "e2e_isk"
	isk.Amount = &v1.Money{MinorAmount: 990, Currency: "ISK"}

	cases := []e2eCase{
		{"authorize card", v1.Flow_FLOW_AUTHORIZE, authorizeReq(), paymentOK},
		{"authorize manual 3ds options", v1.Flow_FLOW_AUTHORIZE, manual, paymentOK},
		{"authorize pm token", v1.Flow_FLOW_AUTHORIZE, token, paymentOK},
		{"authorize legacy token", v1.Flow_FLOW_AUTHORIZE, legacy, paymentOK},
		{"authorize mandate", v1.Flow_FLOW_AUTHORIZE, mit, paymentOK},
		{"authorize imported 3ds", v1.Flow_FLOW_AUTHORIZE, imported, paymentOK},
		{"authorize jpy", v1.Flow_FLOW_AUTHORIZE, jpy, paymentOK},
		{"authorize isk", v1.Flow_FLOW_AUTHORIZE, isk, paymentOK},
	}
	for _, tc := range apmCases() {
		req := apmRequest(tc)
		req.MerchantTransactionId = "e2e_" + strings.ReplaceAll(tc.name, " ", "_")
		if tc.name == "sepa debit" {
			req.SetupFutureUsage = v1.FutureUsage_FUTURE_USAGE_OFF_SESSION
		}
		cases = append(cases, e2eCase{"authorize " + tc.name, v1.Flow_FLOW_AUTHORIZE, req, paymentOK})
	}
	idealReuse := apmRequest(apmCases()[1])
	idealReuse.MerchantTransactionId = "e2e_ideal_reuse"
	idealReuse.SetupFutureUsage = v1.FutureUsage_FUTURE_USAGE_OFF_SESSION
	cases = append(cases, e2eCase{"authorize ideal for reuse", v1.Flow_FLOW_AUTHORIZE, idealReuse, paymentOK})

	sepaSetup := setupReq()
	sepaSetup.MerchantSetupId = "e2e_setup_sepa"
	sepaSetup.PaymentMethod = bankDebit(&v1.BankDebit{Kind: v1.BankDebitKind_BANK_DEBIT_KIND_SEPA, Iban: "DE89370400440532013000"})
	sepaSetup.BillingAddress = &v1.Address{FirstName: "Jo", LastName: "Doe", Email: "jo@example.com", Country: "DE"}
	sepaSetup.CustomerAcceptance = &v1.CustomerAcceptance{AcceptanceType: "online", AcceptedAtUnix: 1767322800, IpAddress: "203.0.113.7", UserAgent: "Mozilla/5.0"}
	sepaSetup.Amount = &v1.Money{Currency: "EUR"}
	setup3ds := setupReq()
	setup3ds.MerchantSetupId = "e2e_setup_card"
	setup3ds.AuthenticationType = v1.AuthenticationType_AUTHENTICATION_TYPE_THREE_DS
	setup3ds.ReturnUrl = testReturn
	setup3ds.Metadata = map[string]string{"plan": "gold"}
	setup3ds.Description = "gold plan"
	setupToken := setupReq()
	setupToken.MerchantSetupId = "e2e_setup_token"
	setupToken.PaymentMethod = tokenMethod("pm_card_visa")
	setupCharge := setupReq()
	setupCharge.MerchantSetupId = "e2e_setup_charge"
	setupCharge.Amount = usd(1999)
	mandateOK := sane("status", "GetConnectorSetupId")

	cases = append(cases,
		e2eCase{"capture", v1.Flow_FLOW_CAPTURE, &v1.PaymentServiceCaptureRequest{ConnectorTransactionId: "pi_123", AmountToCapture: usd(600), MerchantCaptureId: "e2e_cap",
			StatementDescriptor: "SHIP", Metadata: map[string]string{"box": "1"}}, paymentOK},
		e2eCase{"void", v1.Flow_FLOW_VOID, &v1.PaymentServiceVoidRequest{ConnectorTransactionId: "pi_123", MerchantVoidId: "e2e_void", CancellationReason: "Customer changed mind"}, paymentOK},
		e2eCase{"get", v1.Flow_FLOW_GET, &v1.PaymentServiceGetRequest{ConnectorTransactionId: "pi_123"}, paymentOK},
		e2eCase{"verify redirect", v1.Flow_FLOW_VERIFY_REDIRECT_RESPONSE, &v1.PaymentServiceVerifyRedirectResponseRequest{
			Params: map[string]string{"payment_intent": "pi_123", "redirect_status": "succeeded"}}, paymentOK},
		e2eCase{"verify setup redirect", v1.Flow_FLOW_VERIFY_REDIRECT_RESPONSE, &v1.PaymentServiceVerifyRedirectResponseRequest{
			Params: map[string]string{"setup_intent": "seti_123", "redirect_status": "succeeded"}}, paymentOK},
		e2eCase{"incremental authorization", v1.Flow_FLOW_INCREMENTAL_AUTHORIZATION, &v1.PaymentServiceIncrementalAuthorizationRequest{
			ConnectorTransactionId: "pi_123", Amount: usd(1500), MerchantIncrementId: "e2e_inc", Reason: "minibar"}, paymentOK},
		e2eCase{"refund", v1.Flow_FLOW_REFUND, &v1.PaymentServiceRefundRequest{ConnectorTransactionId: "pi_123", MerchantRefundId: "e2e_refund",
			RefundAmount: usd(400), Reason: "Customer returned goods", Metadata: map[string]string{"rma": "7"}}, sane("status", "GetConnectorRefundId")},
		e2eCase{"refund get", v1.Flow_FLOW_REFUND_GET, &v1.RefundServiceGetRequest{ConnectorRefundId: "re_123"}, sane("status", "GetConnectorRefundId")},
		e2eCase{"setup recurring card", v1.Flow_FLOW_SETUP_RECURRING, setup3ds, mandateOK},
		e2eCase{"setup recurring sepa", v1.Flow_FLOW_SETUP_RECURRING, sepaSetup, mandateOK},
		e2eCase{"setup recurring token", v1.Flow_FLOW_SETUP_RECURRING, setupToken, mandateOK},
		e2eCase{"setup recurring with charge", v1.Flow_FLOW_SETUP_RECURRING, setupCharge, func(t *testing.T, resp pdk.Message) {
			mandateOK(t, resp)
			knownStatus(t, resp, "payment_status")
		}},
		e2eCase{"recurring charge", v1.Flow_FLOW_RECURRING_CHARGE, chargeReq(), paymentOK},
		e2eCase{"recurring revoke", v1.Flow_FLOW_RECURRING_REVOKE, &v1.RecurringPaymentServiceRevokeRequest{
			Mandate: &v1.MandateReference{ConnectorMandateId: "pm_123"}, MerchantRevokeId: "e2e_revoke"}, sane("status", "GetConnectorMandateId")},
		e2eCase{"create customer", v1.Flow_FLOW_CREATE_CUSTOMER, &v1.CustomerServiceCreateRequest{
			Customer: &v1.Customer{Id: "m_e2e", Name: "Jo Doe", Email: "jo@example.com", Phone: "+15555550100", Description: "e2e"},
			Address:  &v1.Address{Line1: "1 Main St", City: "Springfield", PostalCode: "62701", Country: "US"}, Metadata: map[string]string{"tier": "gold"}},
			func(t *testing.T, resp pdk.Message) { nonEmpty(t, resp, "GetConnectorCustomerId") }},
		e2eCase{"tokenize", v1.Flow_FLOW_TOKENIZE, &v1.PaymentMethodServiceTokenizeRequest{PaymentMethod: cardMethod(), MerchantRequestId: "e2e_tok",
			BillingAddress: &v1.Address{PostalCode: "62701", Country: "US"}, Metadata: map[string]string{"source": "e2e"}},
			func(t *testing.T, resp pdk.Message) {
				r := resp.(*v1.PaymentMethodServiceTokenizeResponse)
				if r.GetPaymentMethodToken() == "" || len(r.GetCardLast4()) != 4 || r.GetCardNetwork() == v1.CardNetwork_CARD_NETWORK_UNSPECIFIED {
					t.Errorf("tokenize = %v", r)
				}
			}},
		e2eCase{"dispute get", v1.Flow_FLOW_DISPUTE_GET, &v1.DisputeServiceGetRequest{ConnectorDisputeId: "dp_123"}, sane("status", "GetConnectorDisputeId", "GetConnectorTransactionId")},
		e2eCase{"dispute submit evidence", v1.Flow_FLOW_DISPUTE_SUBMIT_EVIDENCE, &v1.DisputeServiceSubmitEvidenceRequest{ConnectorDisputeId: "dp_123", MerchantRequestId: "e2e_ev",
			Evidence: []*v1.EvidenceDocument{
				{Type: v1.EvidenceType_EVIDENCE_TYPE_RECEIPT, ConnectorFileId: "file_123"},
				{Type: v1.EvidenceType_EVIDENCE_TYPE_REFUND_POLICY, Text: "30 days"},
				{Type: v1.EvidenceType_EVIDENCE_TYPE_ACCESS_ACTIVITY_LOG, Text: "login 10:00"},
				{Type: v1.EvidenceType_EVIDENCE_TYPE_SHIPPING_DOCUMENTATION, ConnectorFileId: "file_456", Text: "Tracked parcel"},
			}}, sane("status", "GetConnectorDisputeId")},
		e2eCase{"dispute defend", v1.Flow_FLOW_DISPUTE_DEFEND, &v1.DisputeServiceDefendRequest{ConnectorDisputeId: "dp_123", DefenseReasonCode: "product_not_received",
			Evidence: []*v1.EvidenceDocument{{Type: v1.EvidenceType_EVIDENCE_TYPE_UNCATEGORIZED, Text: "Delivered"}}}, sane("status", "GetConnectorDisputeId")},
		e2eCase{"dispute accept", v1.Flow_FLOW_DISPUTE_ACCEPT, &v1.DisputeServiceAcceptRequest{ConnectorDisputeId: "dp_123"}, sane("status", "GetConnectorDisputeId")},
		e2eCase{"payout recipient", v1.Flow_FLOW_PAYOUT_CREATE_RECIPIENT, &v1.PayoutServiceCreateRecipientRequest{MerchantRecipientId: "e2e_rcpt",
			Destination: &v1.PayoutServiceCreateRecipientRequest_ProcessorToken{ProcessorToken: "btok_us_verified"}},
			func(t *testing.T, resp pdk.Message) { nonEmpty(t, resp, "GetConnectorRecipientId", "GetLast4") }},
		e2eCase{"payout create", v1.Flow_FLOW_PAYOUT_CREATE, &v1.PayoutServiceCreateRequest{MerchantPayoutId: "e2e_payout", Amount: usd(1100),
			Description: "e2e", Speed: "instant", Metadata: map[string]string{"batch": "7"},
			Recipient: &v1.PayoutRecipient{Destination: &v1.PayoutRecipient_ConnectorRecipientId{ConnectorRecipientId: "ba_123"}}},
			sane("status", "GetConnectorPayoutId")},
		e2eCase{"payout get", v1.Flow_FLOW_PAYOUT_GET, &v1.PayoutServiceGetRequest{ConnectorPayoutId: "po_123"}, sane("status", "GetConnectorPayoutId")},
		e2eCase{"payout cancel", v1.Flow_FLOW_PAYOUT_CANCEL, &v1.PayoutServiceCancelRequest{ConnectorPayoutId: "po_123", MerchantCancelId: "e2e_payout_cancel"},
			sane("status", "GetConnectorPayoutId")},
		e2eCase{"refund cancel", v1.Flow_FLOW_REFUND_CANCEL, &v1.RefundServiceCancelRequest{ConnectorRefundId: "re_123", MerchantCancelId: "e2e_refund_cancel"},
			sane("status", "GetConnectorRefundId")},
	)
	return cases
}

// TestStripeMockEndToEnd runs every flow through the host's executor
// (conformancetest) against stripe-mock. stripe-mock answers 400 to any request that does not conform
// to Stripe's OpenAPI spec: no exchange may get one.
func TestStripeMockEndToEnd(t *testing.T) {
	base := stripeMockURL(t)
	kit, err := conformancetest.Native(New())
	if err != nil {
		t.Fatal(err)
	}
	client := mockClient()
	flows := map[v1.Flow]bool{}
	exchanges := 0
	for _, tc := range e2eCases() {
		t.Run(tc.name, func(t *testing.T) {
			ex, err := kit.Execute(mockCtx(t), client, tc.flow, proto.Clone(tc.req).(pdk.Message), mockContext(base))
			if err != nil {
				t.Fatalf("execute: %v", err)
			}
			for _, x := range ex.Exchanges {
				exchanges++
				if x.Status == 400 {
					t.Errorf("stripe-mock refused %s %s: %s\nbody sent: %s", x.Request.GetMethod(), x.Request.GetUrl(), x.Body, x.Request.GetBody())
				} else if x.Status != 200 {
					t.Errorf("stripe-mock answered HTTP %d: %s", x.Status, x.Body)
				}
			}
			flows[tc.flow] = true
			if tc.flow == v1.Flow_FLOW_INCREMENTAL_AUTHORIZATION && ex.Err != nil && strings.Contains(ex.Err.Error(), "connector_transaction_id is") {
				// stripe-mock answers increment_authorization with a new
				// random PaymentIntent id whatever the path names, which the
				// host's integrity check rightly refuses: the request itself
				// conformed (checked above).
				return
			}
			if ex.Err != nil {
				t.Fatalf("the host answered %v (plugin error %v)", ex.Err, ex.Error)
			}
			if len(ex.Exchanges) != 1 {
				t.Errorf("%d exchanges", len(ex.Exchanges))
			}
			tc.check(t, ex.Response)
		})
	}
	for _, f := range kit.Manifest().GetFlows() {
		if !flows[f] {
			t.Errorf("flow %v was not run against stripe-mock", f)
		}
	}
	t.Logf("%d exchanges with stripe-mock", exchanges)
}

// TestStripeMockRejectsBadRequest shows the harness would catch a
// non-conforming request: stripe-mock answers 400 to an unknown parameter,
// and the plugin reports it as PROCESSOR_REJECTED with Stripe's detail.
func TestStripeMockRejectsBadRequest(t *testing.T) {
	base := stripeMockURL(t)
	c := New()
	for i, f := range c.Flows {
		if f.ID() == v1.Flow_FLOW_REFUND {
			c.Flows[i] = pdk.Refund(pdk.H(func(ctx *pdk.Context, req *v1.PaymentServiceRefundRequest) (*pluginv1.HttpRequest, error) {
				r, err := refundHandler.Build(ctx, req)
				if err == nil {
					r.Body = append(r.Body, []byte("&not_a_stripe_param=1")...)
				}
				return r, err
			}, refundHandler.Parse))
		}
	}
	kit, err := conformancetest.Native(c)
	if err != nil {
		t.Fatal(err)
	}
	ex, err := kit.Execute(mockCtx(t), mockClient(), v1.Flow_FLOW_REFUND, refundReq(), mockContext(base))
	if err != nil {
		t.Fatal(err)
	}
	if len(ex.Exchanges) != 1 || ex.Exchanges[0].Status != 400 {
		t.Fatalf("exchanges = %v", ex.Exchanges)
	}
	if ex.Error.GetKind() != pluginv1.ErrorKind_ERROR_KIND_PROCESSOR_REJECTED || ex.Error.GetDetail().GetConnector().GetType() != "invalid_request_error" {
		t.Errorf("error = %v", ex.Error)
	}
}
