package razorpay

import (
	"encoding/json"
	"strings"
	"testing"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk"
	"github.com/connectorhost/connector-host/pdk/pdktest"
)

var testCreds = map[string]string{credKeyID: "rzp_test_unitKeyId01", credKeySecret: "rzp_unit_key_secret_77"}

// build runs build_request for flow and returns its output.
func build(t *testing.T, flow v1.Flow, req pdk.Message, state *v1.ConnectorState) *pluginv1.BuildRequestOutput {
	t.Helper()
	b, err := req.MarshalVT()
	if err != nil {
		t.Fatal(err)
	}
	out, err := pdktest.New(New()).BuildRequest(&pluginv1.BuildRequestInput{
		Flow: flow, Request: b, State: state, Context: (&pdktest.Call{Credentials: testCreds}).Context(),
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// step decodes the next step build asked for, failing when it is not flow.
func step[T any, P interface {
	*T
	pdk.Message
}](t *testing.T, out *pluginv1.BuildRequestOutput, flow v1.Flow) P {
	t.Helper()
	ns := out.GetNextStep()
	if ns.GetFlow() != flow {
		t.Fatalf("build = %v, want a %v step", out, flow)
	}
	msg := P(new(T))
	if err := msg.UnmarshalVT(ns.GetRequest()); err != nil {
		t.Fatal(err)
	}
	return msg
}

func body(t *testing.T, out *pluginv1.BuildRequestOutput) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(out.GetHttpRequest().GetBody(), &m); err != nil {
		t.Fatalf("build = %v: %v", out, err)
	}
	return m
}

func orderState(id, forID string) *v1.ConnectorState {
	return &v1.ConnectorState{Values: map[string]string{stateOrderID: id, stateOrderFor: forID}}
}

func cardAuthorize(id string, capture v1.CaptureMethod) *v1.PaymentServiceAuthorizeRequest {
	return &v1.PaymentServiceAuthorizeRequest{
		MerchantTransactionId: id, Amount: &v1.Money{MinorAmount: 50000, Currency: "INR"}, CaptureMethod: capture,
		Customer:      &v1.Customer{Email: "gaurav.kumar@example.com", Phone: "9000090000"},
		PaymentMethod: &v1.PaymentMethod{Method: &v1.PaymentMethod_Card{Card: &v1.Card{Number: "4111111111111111", ExpMonth: 12, ExpYear: 2030, Cvc: "123"}}},
	}
}

// Every payment needs an order: Authorize asks for one made for its own
// merchant id, and never pays an order this call made for another id.
func TestAuthorizeAsksForItsOrderFirst(t *testing.T) {
	out := build(t, v1.Flow_FLOW_AUTHORIZE, cardAuthorize("ord_1", v1.CaptureMethod_CAPTURE_METHOD_MANUAL), nil)
	o := step[v1.PaymentServiceCreateOrderRequest](t, out, v1.Flow_FLOW_CREATE_ORDER)
	if o.GetMerchantOrderId() != "ord_1" || o.GetAmount().GetMinorAmount() != 50000 || o.GetState().GetValues()[stateCapture] != "0" {
		t.Fatalf("order step = %v", o)
	}
	if auto := step[v1.PaymentServiceCreateOrderRequest](t, build(t, v1.Flow_FLOW_AUTHORIZE, cardAuthorize("ord_1", v1.CaptureMethod_CAPTURE_METHOD_UNSPECIFIED), nil), v1.Flow_FLOW_CREATE_ORDER); auto.GetState().GetValues()[stateCapture] != "1" {
		t.Fatalf("automatic capture order step = %v", auto)
	}
	step[v1.PaymentServiceCreateOrderRequest](t, build(t, v1.Flow_FLOW_AUTHORIZE, cardAuthorize("ord_1", 0), orderState("order_IluGWxBm9U8zJ8", "ord_other")), v1.Flow_FLOW_CREATE_ORDER)

	b := body(t, build(t, v1.Flow_FLOW_AUTHORIZE, cardAuthorize("ord_1", 0), orderState("order_IluGWxBm9U8zJ8", "ord_1")))
	if b["order_id"] != "order_IluGWxBm9U8zJ8" || b["method"] != "card" {
		t.Fatalf("payment body = %v", b)
	}
	req := cardAuthorize("ord_1", 0)
	req.ConnectorOrderId = "order_DaZlswtdcn9UNV"
	if b := body(t, build(t, v1.Flow_FLOW_AUTHORIZE, req, orderState("order_IluGWxBm9U8zJ8", "ord_1"))); b["order_id"] != "order_DaZlswtdcn9UNV" {
		t.Fatalf("the caller's order was not used: %v", b)
	}
	req.ConnectorOrderId = "ord-not-razorpay"
	if e := build(t, v1.Flow_FLOW_AUTHORIZE, req, nil).GetError(); e.GetKind() != pluginv1.ErrorKind_ERROR_KIND_INVALID_REQUEST || !strings.Contains(e.GetMessage(), "connector_order_id") {
		t.Fatalf("bad order id: %v", e)
	}
}

// A card number or CVC never appears in a refusal.
func TestRefusalsNeverEchoTheCard(t *testing.T) {
	req := cardAuthorize("ord_2", 0)
	req.Customer.Email = ""
	e := build(t, v1.Flow_FLOW_AUTHORIZE, req, nil).GetError()
	if e.GetKind() != pluginv1.ErrorKind_ERROR_KIND_INVALID_REQUEST || !strings.Contains(e.GetMessage(), "customer.email") ||
		strings.Contains(e.GetMessage(), "4111111111111111") {
		t.Fatalf("error = %v", e)
	}
}

// SetupRecurring asks for the customer, then for a mandate order carrying
// the method, the customer and the token's max_amount, then pays it with
// recurring "1".
func TestSetupRecurringSteps(t *testing.T) {
	req := &v1.PaymentServiceSetupRecurringRequest{
		MerchantSetupId: "setup_1", Amount: &v1.Money{MinorAmount: 100, Currency: "INR"},
		Customer:      &v1.Customer{Name: "Gaurav Kumar", Email: "gaurav.kumar@example.com", Phone: "9123456780"},
		PaymentMethod: &v1.PaymentMethod{Method: &v1.PaymentMethod_Upi{Upi: &v1.Upi{Flow: &v1.Upi_Intent{Intent: true}}}},
		Metadata:      map[string]string{"max_amount": "200000", "plan": "gold"},
	}
	cu := step[v1.CustomerServiceCreateRequest](t, build(t, v1.Flow_FLOW_SETUP_RECURRING, req, nil), v1.Flow_FLOW_CREATE_CUSTOMER)
	if cu.GetCustomer().GetEmail() != "gaurav.kumar@example.com" || cu.GetMerchantRequestId() != "setup_1" {
		t.Fatalf("customer step = %v", cu)
	}
	withCustomer := &v1.ConnectorState{ConnectorCustomerId: "cust_1Aa00000000003"}
	o := step[v1.PaymentServiceCreateOrderRequest](t, build(t, v1.Flow_FLOW_SETUP_RECURRING, req, withCustomer), v1.Flow_FLOW_CREATE_ORDER)
	if v := o.GetState().GetValues(); v[stateMethod] != "upi" || v[stateMaxAmount] != "200000" || o.GetCustomer().GetConnectorCustomerId() != "cust_1Aa00000000003" || o.GetMetadata()["max_amount"] != "" {
		t.Fatalf("order step = %v", o)
	}
	ob := body(t, build(t, v1.Flow_FLOW_CREATE_ORDER, o, nil))
	tok, _ := ob["token"].(map[string]any)
	if ob["method"] != "upi" || ob["customer_id"] != "cust_1Aa00000000003" || tok["max_amount"] != float64(200000) || tok["frequency"] != "as_presented" {
		t.Fatalf("mandate order body = %v", ob)
	}
	st := orderState("order_1Aa00000000002", "setup_1")
	st.ConnectorCustomerId = "cust_1Aa00000000003"
	pb := body(t, build(t, v1.Flow_FLOW_SETUP_RECURRING, req, st))
	if pb["recurring"] != "1" || pb["customer_id"] != "cust_1Aa00000000003" || pb["order_id"] != "order_1Aa00000000002" {
		t.Fatalf("authorization payment body = %v", pb)
	}
	delete(req.Metadata, "max_amount")
	if e := build(t, v1.Flow_FLOW_SETUP_RECURRING, req, st).GetError(); !strings.Contains(e.GetMessage(), "metadata.max_amount") {
		t.Fatalf("UPI AutoPay without max_amount: %v", e)
	}
}

// Keys fit Razorpay's X-Refund-Idempotency rules (10 to 64 of [A-Za-z0-9_-])
// and are the same on every retry.
func TestIdempotencyKeys(t *testing.T) {
	long := strings.Repeat("r", 64)
	for _, tc := range []struct{ op, id, want string }{
		{"refund", "refund_e2e_1", "refund_refund_e2e_1"},
		{"refund", "r1", ""},         // too short: hashed
		{"refund", "order.42:a", ""}, // '.' and ':' are refused by Razorpay: hashed
		{"payment", long, ""},        // too long: hashed
	} {
		k := idempotencyKey(tc.op, tc.id)
		if !keyPattern.Match(k) || !strings.HasPrefix(k, tc.op+"_") || k != idempotencyKey(tc.op, tc.id) {
			t.Errorf("key(%q, %q) = %q", tc.op, tc.id, k)
		}
		if tc.want != "" && k != tc.want {
			t.Errorf("key(%q, %q) = %q, want %q", tc.op, tc.id, k, tc.want)
		}
	}
	if idempotencyKey("refund", "a.b") == idempotencyKey("refund", "a:b") {
		t.Error("two merchant ids share a key")
	}
}
