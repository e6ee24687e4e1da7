//go:build !wasip1

package stripe

import (
	"testing"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"google.golang.org/protobuf/proto"
)

func captureReq(amount int64) *v1.PaymentServiceCaptureRequest {
	return &v1.PaymentServiceCaptureRequest{
		ConnectorTransactionId: testPI, AmountToCapture: usd(amount), MerchantCaptureId: "cap_1",
		MerchantTransactionId: "order_1",
	}
}

func TestCapturePartial(t *testing.T) {
	req := captureReq(600)
	req.StatementDescriptor = "SHIP 1"
	resp, http := ok[*v1.PaymentServiceCaptureResponse](t, call{flow: v1.Flow_FLOW_CAPTURE, req: req, status: 200,
		body: piBody(obj{"capture_method": "manual", "amount_received": 600, "latest_charge": charge(obj{"amount_captured": 600})})})
	wantRequest(t, http, "POST", "/v1/payment_intents/"+testPI+"/capture", "capture:cap_1")
	wantForm(t, http, map[string]string{"amount_to_capture": "600", "statement_descriptor_suffix": "SHIP 1", "metadata[merchant_capture_id]": "cap_1", "expand[]": "latest_charge"})
	want := &v1.PaymentServiceCaptureResponse{
		ConnectorHttpStatus:    200, // filled by the host's executor
		ConnectorTransactionId: testPI, Status: v1.PaymentStatus_PAYMENT_STATUS_PARTIALLY_CAPTURED,
		CapturedAmount: usd(600), ConnectorCaptureId: "ch_3MtwBwLkdIwHu7ix28a3tqPa", MerchantCaptureId: "cap_1",
	}
	if !proto.Equal(resp, want) {
		t.Errorf("response =\n%v\nwant\n%v", resp, want)
	}
}

func TestCaptureFull(t *testing.T) {
	resp, _ := ok[*v1.PaymentServiceCaptureResponse](t, call{flow: v1.Flow_FLOW_CAPTURE, req: captureReq(1000), status: 200,
		body: piBody(obj{"capture_method": "manual"})})
	if resp.GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_CHARGED || resp.GetCapturedAmount().GetMinorAmount() != 1000 {
		t.Errorf("got %v", resp)
	}
}

func TestCaptureErrors(t *testing.T) {
	// A capture declined by the issuer is a failed capture, not an error.
	resp, _ := ok[*v1.PaymentServiceCaptureResponse](t, call{flow: v1.Flow_FLOW_CAPTURE, req: captureReq(1000), status: 402,
		body: errorBody(obj{"type": "card_error", "code": "card_declined", "decline_code": "generic_decline", "message": "Your card was declined."})})
	if resp.GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_CAPTURE_FAILED || resp.GetError().GetCode() != v1.ErrorCode_ERROR_CODE_CARD_DECLINED ||
		resp.GetConnectorTransactionId() != testPI {
		t.Errorf("got %v", resp)
	}
	e := parseErr(t, call{flow: v1.Flow_FLOW_CAPTURE, req: captureReq(1000), status: 400,
		body: errorBody(obj{"type": "invalid_request_error", "code": "payment_intent_unexpected_state", "message": "This PaymentIntent could not be captured because it has a status of succeeded."})})
	wantKind(t, e, pluginv1.ErrorKind_ERROR_KIND_CONFLICT)

	req := captureReq(1000)
	req.MerchantCaptureId = ""
	wantKind(t, buildErr(t, v1.Flow_FLOW_CAPTURE, req), pluginv1.ErrorKind_ERROR_KIND_INVALID_REQUEST)
	req = captureReq(1000)
	req.ConnectorTransactionId = ""
	wantKind(t, buildErr(t, v1.Flow_FLOW_CAPTURE, req), pluginv1.ErrorKind_ERROR_KIND_INVALID_REQUEST)
}

// TestPathEscaping checks ids are escaped into one path segment.
func TestPathEscaping(t *testing.T) {
	req := captureReq(1000)
	req.ConnectorTransactionId = "pi_1/../../v1/refunds?x=1"
	http := build(t, v1.Flow_FLOW_CAPTURE, req)
	if want := testBaseURL + "/v1/payment_intents/pi_1%2F..%2F..%2Fv1%2Frefunds%3Fx=1/capture"; http.GetUrl() != want {
		t.Errorf("url = %s, want %s", http.GetUrl(), want)
	}
}

func TestVoid(t *testing.T) {
	for _, tc := range []struct{ reason, want string }{
		{"requested_by_customer", "requested_by_customer"},
		{"duplicate", "duplicate"},
		{"fraudulent", "fraudulent"},
		{"abandoned", "abandoned"},
		{"Suspected fraud", "fraudulent"},
		{"Duplicate order", "duplicate"},
		{"Customer changed their mind", "requested_by_customer"},
		{"Checkout timed out", "abandoned"},
		{"inventory problem", "-"},
		{"", "-"},
	} {
		req := &v1.PaymentServiceVoidRequest{ConnectorTransactionId: testPI, MerchantVoidId: "void_1", CancellationReason: tc.reason}
		resp, http := ok[*v1.PaymentServiceVoidResponse](t, call{flow: v1.Flow_FLOW_VOID, req: req, status: 200,
			body: piBody(obj{"status": "canceled", "capture_method": "manual", "amount_received": 0, "cancellation_reason": "requested_by_customer"})})
		wantRequest(t, http, "POST", "/v1/payment_intents/"+testPI+"/cancel", "void:void_1")
		wantForm(t, http, map[string]string{"cancellation_reason": tc.want})
		if resp.GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_VOIDED || resp.GetMerchantVoidId() != "void_1" {
			t.Errorf("%q: %v", tc.reason, resp)
		}
	}
	e := parseErr(t, call{flow: v1.Flow_FLOW_VOID, req: &v1.PaymentServiceVoidRequest{ConnectorTransactionId: testPI, MerchantVoidId: "v"}, status: 400,
		body: errorBody(obj{"type": "invalid_request_error", "code": "payment_intent_unexpected_state", "message": "You cannot cancel this PaymentIntent because it has a status of succeeded."})})
	wantKind(t, e, pluginv1.ErrorKind_ERROR_KIND_CONFLICT)
}

func TestIncrementalAuthorization(t *testing.T) {
	req := &v1.PaymentServiceIncrementalAuthorizationRequest{ConnectorTransactionId: testPI, Amount: usd(1500), MerchantIncrementId: "inc_1", Reason: "room service"}
	resp, http := ok[*v1.PaymentServiceIncrementalAuthorizationResponse](t, call{flow: v1.Flow_FLOW_INCREMENTAL_AUTHORIZATION, req: req, status: 200,
		body: piBody(obj{"status": "requires_capture", "capture_method": "manual", "amount": 1500, "amount_capturable": 1500, "amount_received": 0})})
	wantRequest(t, http, "POST", "/v1/payment_intents/"+testPI+"/increment_authorization", "increment:inc_1")
	wantForm(t, http, map[string]string{"amount": "1500", "description": "room service"})
	if resp.GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZED || !proto.Equal(resp.GetAmount(), usd(1500)) {
		t.Errorf("got %v", resp)
	}
	// A declined increment: the original authorization stands.
	resp, _ = ok[*v1.PaymentServiceIncrementalAuthorizationResponse](t, call{flow: v1.Flow_FLOW_INCREMENTAL_AUTHORIZATION, req: req, status: 402,
		body: errorBody(obj{"type": "card_error", "code": "card_declined", "decline_code": "insufficient_funds", "message": "Your card has insufficient funds.",
			"payment_intent": obj{"id": testPI, "object": "payment_intent", "amount": 1000, "currency": "usd", "status": "requires_capture"}})})
	if resp.GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZATION_FAILED || resp.GetError().GetCode() != v1.ErrorCode_ERROR_CODE_INSUFFICIENT_FUNDS ||
		!proto.Equal(resp.GetAmount(), usd(1000)) || resp.GetConnectorTransactionId() != testPI {
		t.Errorf("declined increment: %v", resp)
	}
}

// TestMulticapture: an authorization Stripe made multicapture-available
// says so in its state; a Capture given that state back keeps the rest of
// the hold (final_capture=false) unless it is the final one, and a Capture
// without it sends no final_capture (Stripe refuses it on other payments).
func TestMulticapture(t *testing.T) {
	req := authorizeReq()
	req.CaptureMethod = v1.CaptureMethod_CAPTURE_METHOD_MANUAL_MULTIPLE
	mc := charge(obj{"payment_method_details": obj{"type": "card", "card": obj{"brand": "visa", "multicapture": obj{"status": "available"}}}})
	auth, http := ok[*v1.PaymentServiceAuthorizeResponse](t, call{flow: v1.Flow_FLOW_AUTHORIZE, req: req, status: 200,
		body: piBody(obj{"status": "requires_capture", "capture_method": "manual", "amount_received": 0, "amount_capturable": 1000, "latest_charge": mc})})
	wantForm(t, http, map[string]string{"payment_method_options[card][request_multicapture]": "if_available"})
	if auth.GetState().GetValues()[stateMulticapture] != "available" {
		t.Fatalf("authorize state = %v", auth.GetState())
	}
	noMulti, _ := ok[*v1.PaymentServiceAuthorizeResponse](t, call{flow: v1.Flow_FLOW_AUTHORIZE, req: req, status: 200,
		body: piBody(obj{"status": "requires_capture", "capture_method": "manual", "amount_received": 0, "amount_capturable": 1000})})
	if _, set := noMulti.GetState().GetValues()[stateMulticapture]; set {
		t.Fatalf("state without multicapture = %v", noMulti.GetState())
	}

	for _, tc := range []struct {
		name  string
		state *v1.ConnectorState
		final bool
		want  string
	}{
		{"partial of a multicapture payment", auth.GetState(), false, "false"},
		{"final capture", auth.GetState(), true, "-"},
		{"no state", nil, false, "-"},
	} {
		c := captureReq(600)
		c.State, c.FinalCapture = tc.state, tc.final
		wantForm(t, build(t, v1.Flow_FLOW_CAPTURE, c), map[string]string{"final_capture": tc.want})
	}
	capture, _ := ok[*v1.PaymentServiceCaptureResponse](t, call{flow: v1.Flow_FLOW_CAPTURE, req: captureReq(600), status: 200,
		body: piBody(obj{"status": "requires_capture", "capture_method": "manual", "amount_received": 600, "amount_capturable": 400, "latest_charge": mc})})
	if capture.GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_PARTIALLY_CAPTURED || capture.GetState().GetValues()[stateMulticapture] != "available" {
		t.Errorf("partial capture = %v", capture)
	}
}
