//go:build !wasip1

package stripe

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"testing"
	"time"

	"github.com/connectorhost/connector-host/conformance"
	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/stripe/stripe-go/v84/webhook"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
)

// The fixtures are generated from the table below so their webhook
// signatures (made with stripe-go's signer) and protojson stay exact:
//
//	go test ./plugins/stripe -run TestFixturesGenerated -update-fixtures
var updateFixtures = flag.Bool("update-fixtures", false, "rewrite plugins/stripe/fixtures from fixturegen_test.go")

const (
	fixtureAPIKey        = "sk_test_conformance_secret_123"
	fixtureWebhookSecret = "whsec_conformance_secret"
	fixtureSignedAt      = 1767322800 // 2026-01-02T03:00:00Z
	fixtureNowMs         = 1767322810000
)

func pj(m proto.Message) json.RawMessage {
	b, err := protojson.Marshal(m)
	if err != nil {
		panic(err)
	}
	return b
}

func stripeAnswer(status int, body string) *fixtureResponse {
	return &fixtureResponse{Status: status, Headers: map[string]string{"Content-Type": "application/json", "Request-Id": "req_conformance"}, Body: json.RawMessage(body)}
}

// flowFixture is one flow's fixture. expect leaves out the merchant ids the
// request carries (merchant_transaction_id, merchant_refund_id, ...): the
// host's executor echoes them, not the plugin (host_e2e_test.go asserts
// them through the host).
func flowFixture(name string, flow v1.Flow, req proto.Message, er *expectRequest, res *fixtureResponse, expect proto.Message) *fixture {
	fx := &fixture{Name: name, Flow: flow.String(), Credentials: map[string]string{credAPIKey: fixtureAPIKey}, Request: pj(req), ExpectRequest: er, Response: res}
	if expect != nil {
		fx.ExpectResponse = pj(expect)
	}
	return fx
}

func errorFixture(name string, flow v1.Flow, req proto.Message, er *expectRequest, res *fixtureResponse, kind pluginv1.ErrorKind) *fixture {
	fx := flowFixture(name, flow, req, er, res, nil)
	fx.ExpectErrorKind = kind.String()
	return fx
}

func webhookFixture(name string, body []byte, header string, expect ...proto.Message) *fixture {
	if header == "" {
		header = sign(body, fixtureWebhookSecret, time.Unix(fixtureSignedAt, 0))
	}
	fx := &fixture{
		Name: name,
		Webhook: &fixtureWebhook{Method: "POST", URL: "https://merchant.example/webhooks/stripe",
			Headers: map[string]string{"Content-Type": "application/json; charset=utf-8", "Stripe-Signature": header}, BodyText: string(body)},
		Credentials:     map[string]string{credWebhookSecret: fixtureWebhookSecret},
		NowUnixMs:       fixtureNowMs,
		SignatureHeader: "Stripe-Signature",
	}
	for _, e := range expect {
		fx.ExpectEvents = append(fx.ExpectEvents, pj(e))
	}
	return fx
}

// fixtureEvent is a Stripe event envelope created just before signing.
func fixtureEvent(id, typ string, o obj) []byte {
	b, err := json.Marshal(obj{
		"id": id, "object": "event", "api_version": APIVersion, "created": fixtureSignedAt - 2, "livemode": false,
		"pending_webhooks": 1, "request": obj{"id": nil, "idempotency_key": nil}, "type": typ, "data": obj{"object": o},
	})
	if err != nil {
		panic(err)
	}
	return b
}

func piFixtureBody(over obj) string {
	base := obj{"latest_charge": "ch_3MtwBwLkdIwHu7ix28a3tqPa"}
	for k, v := range over {
		base[k] = v
	}
	return piBody(base)
}

func generateFixtures() []*fixture {
	card := func() *v1.PaymentMethod {
		return &v1.PaymentMethod{Method: &v1.PaymentMethod_Card{Card: &v1.Card{Number: "4242424242424242", ExpMonth: 12, ExpYear: 2030, Cvc: "123", HolderName: "Jo Doe"}}}
	}
	auth := func(id string, amount *v1.Money, capture v1.CaptureMethod) *v1.PaymentServiceAuthorizeRequest {
		return &v1.PaymentServiceAuthorizeRequest{MerchantTransactionId: id, Amount: amount, PaymentMethod: card(), CaptureMethod: capture}
	}
	postPI := func(key string, contains ...string) *expectRequest {
		return &expectRequest{Method: "POST", Path: "/v1/payment_intents", IdempotencyKey: key, BodyContains: contains}
	}
	automatic, manual := v1.CaptureMethod_CAPTURE_METHOD_AUTOMATIC, v1.CaptureMethod_CAPTURE_METHOD_MANUAL
	var out []*fixture

	// Authorize.
	out = append(out,
		flowFixture("authorize_card_automatic_succeeded", v1.Flow_FLOW_AUTHORIZE, auth("order_1", usd(1000), automatic),
			postPI("order_1", "amount=1000", "currency=usd", "confirm=true", "capture_method=automatic", "payment_method_data%5Btype%5D=card",
				"payment_method_data%5Bcard%5D%5Bnumber%5D=4242424242424242", "metadata%5Bmerchant_transaction_id%5D=order_1"),
			stripeAnswer(200, piFixtureBody(nil)),
			&v1.PaymentServiceAuthorizeResponse{ConnectorTransactionId: testPI, Status: v1.PaymentStatus_PAYMENT_STATUS_CHARGED, Amount: usd(1000),
				CapturedAmount: usd(1000), ConnectorReferenceId: "ch_3MtwBwLkdIwHu7ix28a3tqPa"}),
		flowFixture("authorize_card_manual_requires_capture", v1.Flow_FLOW_AUTHORIZE, auth("order_2", usd(1000), manual),
			postPI("order_2", "capture_method=manual"),
			stripeAnswer(200, piFixtureBody(obj{"status": "requires_capture", "capture_method": "manual", "amount_capturable": 1000, "amount_received": 0})),
			&v1.PaymentServiceAuthorizeResponse{ConnectorTransactionId: testPI, Status: v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZED, Amount: usd(1000)}),
		// The expanded latest_charge carries the card checks and the 3-D Secure result.
		flowFixture("authorize_card_checks_and_3ds_result", v1.Flow_FLOW_AUTHORIZE, auth("order_5", usd(1000), automatic),
			postPI("order_5", "expand%5B%5D=latest_charge"),
			stripeAnswer(200, piFixtureBody(obj{"latest_charge": obj{"id": "ch_3MtwBwLkdIwHu7ix28a3tqPa", "object": "charge", "amount_refunded": 0,
				"payment_method_details": obj{"type": "card", "card": obj{"brand": "visa", "last4": "4242", "network_transaction_id": "1234567890",
					"checks":         obj{"address_line1_check": "pass", "address_postal_code_check": "fail", "cvc_check": "pass"},
					"three_d_secure": obj{"authentication_flow": "challenge", "electronic_commerce_indicator": "05", "result": "authenticated", "version": "2.2.0"}}}}})),
			&v1.PaymentServiceAuthorizeResponse{ConnectorTransactionId: testPI, Status: v1.PaymentStatus_PAYMENT_STATUS_CHARGED, ConnectorReferenceId: "ch_3MtwBwLkdIwHu7ix28a3tqPa",
				NetworkTransactionId: "1234567890",
				CardChecks: &v1.CardChecks{AddressLine1Check: "pass", PostalCodeCheck: "fail", CvcCheck: "pass",
					ThreeDsResult: &v1.ThreeDsResult{Eci: "05", Version: "2.2.0", AuthenticationStatus: "authenticated"}}}),
	)
	threeDS := auth("order_3", usd(1000), automatic)
	threeDS.AuthenticationType = v1.AuthenticationType_AUTHENTICATION_TYPE_THREE_DS
	threeDS.ReturnUrl = "https://merchant.example/return"
	redirectURL := "https://hooks.stripe.com/3d_secure_2/hosted?merchant=acct_1Mtw&payment_intent=" + testPI + "&payment_intent_client_secret=pi_secret&publishable_key=pk_test_x&source=payatt_1"
	out = append(out,
		flowFixture("authorize_card_3ds_requires_action", v1.Flow_FLOW_AUTHORIZE, threeDS,
			postPI("order_3", "payment_method_options%5Bcard%5D%5Brequest_three_d_secure%5D=any", "return_url=https%3A%2F%2Fmerchant.example%2Freturn"),
			stripeAnswer(200, piFixtureBody(obj{"status": "requires_action", "amount_received": 0, "latest_charge": nil,
				"next_action": obj{"type": "redirect_to_url", "redirect_to_url": obj{"url": redirectURL, "return_url": "https://merchant.example/return"}}})),
			&v1.PaymentServiceAuthorizeResponse{ConnectorTransactionId: testPI, Status: v1.PaymentStatus_PAYMENT_STATUS_AUTHENTICATION_PENDING,
				NextAction: &v1.NextAction{Action: &v1.NextAction_Redirect{Redirect: &v1.Redirect{Url: redirectURL, Method: "GET"}}}}),
		flowFixture("authorize_card_declined_insufficient_funds", v1.Flow_FLOW_AUTHORIZE, auth("order_4", usd(1000), automatic),
			postPI("order_4"),
			stripeAnswer(402, errorBody(obj{"type": "card_error", "code": "card_declined", "decline_code": "insufficient_funds",
				"message": "Your card has insufficient funds.", "network_advice_code": "02", "network_decline_code": "51",
				"doc_url": "https://stripe.com/docs/error-codes/card-declined", "request_log_url": "https://dashboard.stripe.com/test/logs/req_conformance?t=1767322800",
				"payment_intent": obj{"id": testPI, "object": "payment_intent", "amount": 1000, "currency": "usd", "status": "requires_payment_method"}})),
			&v1.PaymentServiceAuthorizeResponse{ConnectorTransactionId: testPI, Status: v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZATION_FAILED,
				Error: &v1.PaymentError{Code: v1.ErrorCode_ERROR_CODE_INSUFFICIENT_FUNDS, Message: "Your card has insufficient funds.",
					Issuer:    &v1.IssuerError{DeclineCode: "insufficient_funds", AdviceCode: "02", NetworkDeclineCode: "51"},
					Connector: &v1.ConnectorError{Code: "card_declined", HttpStatus: 402, Type: "card_error", RequestId: "req_conformance"}}}),
		flowFixture("authorize_card_declined_stolen_card", v1.Flow_FLOW_AUTHORIZE, auth("order_5", usd(1000), automatic), nil,
			stripeAnswer(402, errorBody(obj{"type": "card_error", "code": "card_declined", "decline_code": "stolen_card", "message": "Your card was declined."})),
			&v1.PaymentServiceAuthorizeResponse{Status: v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZATION_FAILED,
				Error: &v1.PaymentError{Code: v1.ErrorCode_ERROR_CODE_LOST_OR_STOLEN_CARD, Issuer: &v1.IssuerError{DeclineCode: "stolen_card"}}}),
	)
	sepa := &v1.PaymentServiceAuthorizeRequest{MerchantTransactionId: "order_6", Amount: &v1.Money{MinorAmount: 2500, Currency: "EUR"},
		PaymentMethod:  &v1.PaymentMethod{Method: &v1.PaymentMethod_BankDebit{BankDebit: &v1.BankDebit{Kind: v1.BankDebitKind_BANK_DEBIT_KIND_SEPA, Iban: "DE89370400440532013000"}}},
		BillingAddress: &v1.Address{FirstName: "Jo", LastName: "Doe", Email: "jo@example.com", Country: "DE"},
		BrowserInfo:    &v1.BrowserInfo{IpAddress: "203.0.113.7", UserAgent: "Mozilla/5.0"}}
	ideal := &v1.PaymentServiceAuthorizeRequest{MerchantTransactionId: "order_7", Amount: &v1.Money{MinorAmount: 2500, Currency: "EUR"},
		PaymentMethod: &v1.PaymentMethod{Method: &v1.PaymentMethod_BankRedirect{BankRedirect: &v1.BankRedirect{Kind: v1.BankRedirectKind_BANK_REDIRECT_KIND_IDEAL, Issuer: "ing"}}},
		ReturnUrl:     "https://merchant.example/return"}
	idealURL := "https://pm-redirects.stripe.com/authorize/acct_1Mtw/pa_nonce_ideal"
	out = append(out,
		flowFixture("authorize_sepa_debit_processing", v1.Flow_FLOW_AUTHORIZE, sepa,
			postPI("order_6", "payment_method_data%5Btype%5D=sepa_debit", "mandate_data%5Bcustomer_acceptance%5D%5Btype%5D=online", "payment_method_types%5B%5D=sepa_debit"),
			stripeAnswer(200, piFixtureBody(obj{"status": "processing", "amount": 2500, "amount_received": 0, "currency": "eur", "latest_charge": nil})),
			&v1.PaymentServiceAuthorizeResponse{ConnectorTransactionId: testPI, Status: v1.PaymentStatus_PAYMENT_STATUS_PENDING, Amount: &v1.Money{MinorAmount: 2500, Currency: "EUR"}}),
		flowFixture("authorize_ideal_redirect", v1.Flow_FLOW_AUTHORIZE, ideal,
			postPI("order_7", "payment_method_data%5Btype%5D=ideal", "payment_method_data%5Bideal%5D%5Bbank%5D=ing"),
			stripeAnswer(200, piFixtureBody(obj{"status": "requires_action", "amount": 2500, "amount_received": 0, "currency": "eur", "latest_charge": nil,
				"next_action": obj{"type": "redirect_to_url", "redirect_to_url": obj{"url": idealURL, "return_url": "https://merchant.example/return"}}})),
			&v1.PaymentServiceAuthorizeResponse{Status: v1.PaymentStatus_PAYMENT_STATUS_AUTHENTICATION_PENDING,
				NextAction: &v1.NextAction{Action: &v1.NextAction_Redirect{Redirect: &v1.Redirect{Url: idealURL, Method: "GET"}}}}),
		flowFixture("authorize_unknown_status", v1.Flow_FLOW_AUTHORIZE, auth("order_8", usd(1000), automatic), nil,
			stripeAnswer(200, piFixtureBody(obj{"status": "requires_reauthorization"})),
			&v1.PaymentServiceAuthorizeResponse{ConnectorTransactionId: testPI, Status: v1.PaymentStatus_PAYMENT_STATUS_UNKNOWN}),
		flowFixture("authorize_jpy_zero_decimal", v1.Flow_FLOW_AUTHORIZE, auth("order_9", &v1.Money{MinorAmount: 1500, Currency: "JPY"}, automatic),
			postPI("order_9", "amount=1500&currency=jpy"),
			stripeAnswer(200, piFixtureBody(obj{"amount": 1500, "amount_received": 1500, "currency": "jpy"})),
			&v1.PaymentServiceAuthorizeResponse{Status: v1.PaymentStatus_PAYMENT_STATUS_CHARGED, Amount: &v1.Money{MinorAmount: 1500, Currency: "JPY"}}),
		flowFixture("authorize_isk_two_decimal_at_stripe", v1.Flow_FLOW_AUTHORIZE, auth("order_10", &v1.Money{MinorAmount: 990, Currency: "ISK"}, automatic),
			postPI("order_10", "amount=99000&currency=isk"),
			stripeAnswer(200, piFixtureBody(obj{"amount": 99000, "amount_received": 99000, "currency": "isk"})),
			&v1.PaymentServiceAuthorizeResponse{Status: v1.PaymentStatus_PAYMENT_STATUS_CHARGED, Amount: &v1.Money{MinorAmount: 990, Currency: "ISK"},
				CapturedAmount: &v1.Money{MinorAmount: 990, Currency: "ISK"}}),
		flowFixture("authorize_kwd_three_decimal", v1.Flow_FLOW_AUTHORIZE, auth("order_11", &v1.Money{MinorAmount: 12340, Currency: "KWD"}, automatic),
			postPI("order_11", "amount=12340&currency=kwd"),
			stripeAnswer(200, piFixtureBody(obj{"amount": 12340, "amount_received": 12340, "currency": "kwd"})),
			&v1.PaymentServiceAuthorizeResponse{Status: v1.PaymentStatus_PAYMENT_STATUS_CHARGED, Amount: &v1.Money{MinorAmount: 12340, Currency: "KWD"}}),
	)
	bhd := flowFixture("authorize_bhd_not_multiple_of_ten", v1.Flow_FLOW_AUTHORIZE, auth("order_12", &v1.Money{MinorAmount: 12345, Currency: "BHD"}, automatic), nil, nil, nil)
	bhd.ExpectBuildErrorKind = pluginv1.ErrorKind_ERROR_KIND_INVALID_REQUEST.String()
	noKey := flowFixture("authorize_missing_api_key", v1.Flow_FLOW_AUTHORIZE, auth("order_13", usd(1000), automatic), nil, nil, nil)
	noKey.Credentials = map[string]string{}
	noKey.ExpectBuildErrorKind = pluginv1.ErrorKind_ERROR_KIND_CREDENTIALS.String()
	out = append(out, bhd, noKey,
		errorFixture("authorize_invalid_request_400", v1.Flow_FLOW_AUTHORIZE, auth("order_14", usd(10), automatic), nil,
			stripeAnswer(400, errorBody(obj{"type": "invalid_request_error", "code": "amount_too_small", "param": "amount",
				"message": "Amount must be at least $0.50 usd", "doc_url": "https://stripe.com/docs/error-codes/amount-too-small"})),
			pluginv1.ErrorKind_ERROR_KIND_PROCESSOR_REJECTED),
		errorFixture("authorize_unauthorized_401", v1.Flow_FLOW_AUTHORIZE, auth("order_15", usd(1000), automatic), nil,
			stripeAnswer(401, errorBody(obj{"type": "invalid_request_error", "message": "Invalid API Key provided: sk_test_********_123"})),
			pluginv1.ErrorKind_ERROR_KIND_CREDENTIALS),
		errorFixture("authorize_idempotency_conflict_409", v1.Flow_FLOW_AUTHORIZE, auth("order_16", usd(1000), automatic), nil,
			stripeAnswer(409, errorBody(obj{"type": "idempotency_error", "code": "idempotency_key_in_use",
				"message": "There is currently another in-progress request using this Idempotent Key (that probably means you submitted twice, and the other request is still going through): order_16."})),
			pluginv1.ErrorKind_ERROR_KIND_IN_PROGRESS),
		errorFixture("authorize_rate_limited_429", v1.Flow_FLOW_AUTHORIZE, auth("order_17", usd(1000), automatic), nil,
			stripeAnswer(429, errorBody(obj{"type": "invalid_request_error", "code": "rate_limit", "message": "Request rate limit exceeded."})),
			pluginv1.ErrorKind_ERROR_KIND_RATE_LIMITED),
		errorFixture("authorize_server_error_500", v1.Flow_FLOW_AUTHORIZE, auth("order_18", usd(1000), automatic), nil,
			stripeAnswer(500, errorBody(obj{"type": "api_error", "message": "An unknown error occurred"})),
			pluginv1.ErrorKind_ERROR_KIND_PROCESSOR_UNAVAILABLE),
	)
	htmlBody := "<html><head><title>502 Bad Gateway</title></head><body>upstream error</body></html>"
	htmlOK := "<html><body>OK</body></html>"
	empty := ""
	out = append(out,
		errorFixture("authorize_gateway_html_502", v1.Flow_FLOW_AUTHORIZE, auth("order_19", usd(1000), automatic), nil,
			&fixtureResponse{Status: 502, Headers: map[string]string{"Content-Type": "text/html"}, BodyText: &htmlBody},
			pluginv1.ErrorKind_ERROR_KIND_PROCESSOR_UNAVAILABLE),
		errorFixture("authorize_html_200_invalid_response", v1.Flow_FLOW_AUTHORIZE, auth("order_20", usd(1000), automatic), nil,
			&fixtureResponse{Status: 200, Headers: map[string]string{"Content-Type": "text/html"}, BodyText: &htmlOK},
			pluginv1.ErrorKind_ERROR_KIND_INVALID_RESPONSE),
		errorFixture("authorize_empty_200_invalid_response", v1.Flow_FLOW_AUTHORIZE, auth("order_21", usd(1000), automatic), nil,
			&fixtureResponse{Status: 200, Headers: map[string]string{"Content-Type": "application/json"}, BodyText: &empty},
			pluginv1.ErrorKind_ERROR_KIND_INVALID_RESPONSE),
	)

	// Capture, void, get, incremental authorization, redirect.
	out = append(out,
		flowFixture("capture_partial", v1.Flow_FLOW_CAPTURE,
			&v1.PaymentServiceCaptureRequest{ConnectorTransactionId: testPI, AmountToCapture: usd(600), MerchantCaptureId: "capture_1"},
			&expectRequest{Method: "POST", Path: "/v1/payment_intents/" + testPI + "/capture", IdempotencyKey: "capture:capture_1", BodyContains: []string{"amount_to_capture=600"}},
			stripeAnswer(200, piFixtureBody(obj{"capture_method": "manual", "amount_received": 600})),
			&v1.PaymentServiceCaptureResponse{ConnectorTransactionId: testPI, Status: v1.PaymentStatus_PAYMENT_STATUS_PARTIALLY_CAPTURED,
				CapturedAmount: usd(600)}),
		errorFixture("capture_unexpected_state_400", v1.Flow_FLOW_CAPTURE,
			&v1.PaymentServiceCaptureRequest{ConnectorTransactionId: testPI, AmountToCapture: usd(1000), MerchantCaptureId: "capture_2"}, nil,
			stripeAnswer(400, errorBody(obj{"type": "invalid_request_error", "code": "payment_intent_unexpected_state",
				"message": "This PaymentIntent could not be captured because it has a status of canceled. Only a PaymentIntent with one of the following statuses may be captured: requires_capture."})),
			pluginv1.ErrorKind_ERROR_KIND_CONFLICT),
		flowFixture("void_canceled", v1.Flow_FLOW_VOID,
			&v1.PaymentServiceVoidRequest{ConnectorTransactionId: testPI, MerchantVoidId: "void_1", CancellationReason: "requested_by_customer"},
			&expectRequest{Method: "POST", Path: "/v1/payment_intents/" + testPI + "/cancel", IdempotencyKey: "void:void_1", BodyContains: []string{"cancellation_reason=requested_by_customer"}},
			stripeAnswer(200, piFixtureBody(obj{"status": "canceled", "capture_method": "manual", "amount_received": 0, "cancellation_reason": "requested_by_customer"})),
			&v1.PaymentServiceVoidResponse{ConnectorTransactionId: testPI, Status: v1.PaymentStatus_PAYMENT_STATUS_VOIDED}),
		flowFixture("get_succeeded_partially_refunded", v1.Flow_FLOW_GET, &v1.PaymentServiceGetRequest{ConnectorTransactionId: testPI},
			&expectRequest{Method: "GET", Path: "/v1/payment_intents/" + testPI},
			stripeAnswer(200, piBody(obj{"latest_charge": charge(obj{"amount_refunded": 300})})),
			&v1.PaymentServiceGetResponse{ConnectorTransactionId: testPI, Status: v1.PaymentStatus_PAYMENT_STATUS_CHARGED, Amount: usd(1000),
				CapturedAmount: usd(1000), RefundedAmount: usd(300), MerchantTransactionId: "order_1", NetworkTransactionId: "483297487231504",
				ConnectorReferenceId: "ch_3MtwBwLkdIwHu7ix28a3tqPa"}),
		errorFixture("get_not_found_404", v1.Flow_FLOW_GET, &v1.PaymentServiceGetRequest{ConnectorTransactionId: "pi_does_not_exist"},
			&expectRequest{Method: "GET", Path: "/v1/payment_intents/pi_does_not_exist"},
			stripeAnswer(404, errorBody(obj{"type": "invalid_request_error", "code": "resource_missing", "param": "intent", "message": "No such payment_intent: 'pi_does_not_exist'"})),
			pluginv1.ErrorKind_ERROR_KIND_NOT_FOUND),
		flowFixture("incremental_authorization_succeeded", v1.Flow_FLOW_INCREMENTAL_AUTHORIZATION,
			&v1.PaymentServiceIncrementalAuthorizationRequest{ConnectorTransactionId: testPI, Amount: usd(1500), MerchantIncrementId: "increment_1"},
			&expectRequest{Method: "POST", Path: "/v1/payment_intents/" + testPI + "/increment_authorization", IdempotencyKey: "increment:increment_1", BodyContains: []string{"amount=1500"}},
			stripeAnswer(200, piFixtureBody(obj{"status": "requires_capture", "capture_method": "manual", "amount": 1500, "amount_capturable": 1500, "amount_received": 0})),
			&v1.PaymentServiceIncrementalAuthorizationResponse{ConnectorTransactionId: testPI, Status: v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZED, Amount: usd(1500)}),
		flowFixture("verify_redirect_response_succeeded", v1.Flow_FLOW_VERIFY_REDIRECT_RESPONSE,
			&v1.PaymentServiceVerifyRedirectResponseRequest{MerchantTransactionId: "order_1",
				Params: map[string]string{"payment_intent": testPI, "payment_intent_client_secret": "pi_secret", "redirect_status": "succeeded"}},
			&expectRequest{Method: "GET", Path: "/v1/payment_intents/" + testPI},
			stripeAnswer(200, piFixtureBody(nil)),
			&v1.PaymentServiceVerifyRedirectResponseResponse{ConnectorTransactionId: testPI, Status: v1.PaymentStatus_PAYMENT_STATUS_CHARGED, MerchantTransactionId: "order_1"}),
		// After the 3DS redirect, the expanded charge reports the authentication's result.
		flowFixture("verify_redirect_response_3ds_result", v1.Flow_FLOW_VERIFY_REDIRECT_RESPONSE,
			&v1.PaymentServiceVerifyRedirectResponseRequest{MerchantTransactionId: "order_1", ConnectorTransactionId: testPI},
			&expectRequest{Method: "GET", Path: "/v1/payment_intents/" + testPI},
			stripeAnswer(200, piFixtureBody(obj{"latest_charge": obj{"id": "ch_3MtwBwLkdIwHu7ix28a3tqPa", "object": "charge", "amount_refunded": 0,
				"payment_method_details": obj{"type": "card", "card": obj{"brand": "visa", "last4": "4242",
					"checks":         obj{"address_line1_check": nil, "address_postal_code_check": nil, "cvc_check": "pass"},
					"three_d_secure": obj{"authentication_flow": "challenge", "electronic_commerce_indicator": "05", "result": "authenticated", "version": "2.2.0"}}}}})),
			&v1.PaymentServiceVerifyRedirectResponseResponse{ConnectorTransactionId: testPI, Status: v1.PaymentStatus_PAYMENT_STATUS_CHARGED,
				CardChecks: &v1.CardChecks{CvcCheck: "pass", ThreeDsResult: &v1.ThreeDsResult{Eci: "05", Version: "2.2.0", AuthenticationStatus: "authenticated"}}}),
	)

	// Refunds.
	refundReq := func(id string, amount int64) *v1.PaymentServiceRefundRequest {
		return &v1.PaymentServiceRefundRequest{ConnectorTransactionId: testPI, MerchantRefundId: id, RefundAmount: usd(amount), Reason: "requested_by_customer"}
	}
	out = append(out,
		flowFixture("refund_partial_succeeded", v1.Flow_FLOW_REFUND, refundReq("refund_1", 400),
			&expectRequest{Method: "POST", Path: "/v1/refunds", IdempotencyKey: "refund:refund_1", BodyContains: []string{"payment_intent=" + testPI, "amount=400", "reason=requested_by_customer"}},
			stripeAnswer(200, refundBody(nil)),
			&v1.PaymentServiceRefundResponse{ConnectorRefundId: "re_3MtwBwLkdIwHu7ix0ezqsBbC", Status: v1.RefundStatus_REFUND_STATUS_SUCCEEDED, RefundAmount: usd(400),
				ConnectorTransactionId: testPI}),
		flowFixture("refund_pending", v1.Flow_FLOW_REFUND, refundReq("refund_2", 400), nil,
			stripeAnswer(200, refundBody(obj{"status": "pending", "metadata": obj{"merchant_refund_id": "refund_2"}})),
			&v1.PaymentServiceRefundResponse{Status: v1.RefundStatus_REFUND_STATUS_PENDING}),
		errorFixture("refund_already_refunded_400", v1.Flow_FLOW_REFUND, refundReq("refund_3", 1000), nil,
			stripeAnswer(400, errorBody(obj{"type": "invalid_request_error", "code": "charge_already_refunded", "message": "Charge ch_3MtwBwLkdIwHu7ix28a3tqPa has already been refunded."})),
			pluginv1.ErrorKind_ERROR_KIND_CONFLICT),
		flowFixture("refund_get_failed", v1.Flow_FLOW_REFUND_GET, &v1.RefundServiceGetRequest{ConnectorRefundId: "re_3MtwBwLkdIwHu7ix0ezqsBbC"},
			&expectRequest{Method: "GET", Path: "/v1/refunds/re_3MtwBwLkdIwHu7ix0ezqsBbC"},
			stripeAnswer(200, refundBody(obj{"status": "failed", "failure_reason": "expired_or_canceled_card"})),
			&v1.RefundServiceGetResponse{ConnectorRefundId: "re_3MtwBwLkdIwHu7ix0ezqsBbC", Status: v1.RefundStatus_REFUND_STATUS_FAILED,
				Error: &v1.PaymentError{Code: v1.ErrorCode_ERROR_CODE_EXPIRED_CARD}, MerchantRefundId: "refund_1", ConnectorTransactionId: testPI}),
		flowFixture("refund_cancel_canceled", v1.Flow_FLOW_REFUND_CANCEL,
			&v1.RefundServiceCancelRequest{ConnectorRefundId: "re_3MtwBwLkdIwHu7ix0ezqsBbC", MerchantCancelId: "refund_cancel_1"},
			&expectRequest{Method: "POST", Path: "/v1/refunds/re_3MtwBwLkdIwHu7ix0ezqsBbC/cancel", IdempotencyKey: "refund_cancel:refund_cancel_1"},
			stripeAnswer(200, refundBody(obj{"status": "canceled"})),
			&v1.RefundServiceCancelResponse{ConnectorRefundId: "re_3MtwBwLkdIwHu7ix0ezqsBbC", Status: v1.RefundStatus_REFUND_STATUS_CANCELED}),
		errorFixture("refund_cancel_not_cancelable_400", v1.Flow_FLOW_REFUND_CANCEL,
			&v1.RefundServiceCancelRequest{ConnectorRefundId: "re_3MtwBwLkdIwHu7ix0ezqsBbC", MerchantCancelId: "refund_cancel_2"}, nil,
			stripeAnswer(400, errorBody(obj{"type": "invalid_request_error", "message": "You can only cancel refunds with a status of `requires_action`."})),
			pluginv1.ErrorKind_ERROR_KIND_PROCESSOR_REJECTED),
	)

	// Recurring.
	setup := &v1.PaymentServiceSetupRecurringRequest{MerchantSetupId: "setup_1", PaymentMethod: card(), Amount: &v1.Money{Currency: "USD"},
		Customer: &v1.Customer{ConnectorCustomerId: "cus_NffrFeUfNV2Hib"}}
	out = append(out,
		flowFixture("setup_recurring_card_succeeded", v1.Flow_FLOW_SETUP_RECURRING, setup,
			&expectRequest{Method: "POST", Path: "/v1/setup_intents", IdempotencyKey: "setup:setup_1", BodyContains: []string{"confirm=true", "usage=off_session", "customer=cus_NffrFeUfNV2Hib"}},
			stripeAnswer(200, setupIntentBody(nil)),
			&v1.PaymentServiceSetupRecurringResponse{ConnectorSetupId: "seti_1Mm8s8LkdIwHu7ix0OXBfTRG", Status: v1.MandateStatus_MANDATE_STATUS_ACTIVE,
				Mandate: &v1.MandateReference{ConnectorMandateId: "pm_1Mm8s8LkdIwHu7ixgIlWBDh1", ConnectorCustomerId: "cus_NffrFeUfNV2Hib", Status: v1.MandateStatus_MANDATE_STATUS_ACTIVE}}),
		flowFixture("setup_recurring_card_declined", v1.Flow_FLOW_SETUP_RECURRING, setup, nil,
			stripeAnswer(402, errorBody(obj{"type": "card_error", "code": "card_declined", "decline_code": "do_not_honor", "message": "Your card was declined.",
				"setup_intent": obj{"id": "seti_declined", "object": "setup_intent", "status": "requires_payment_method"}})),
			&v1.PaymentServiceSetupRecurringResponse{ConnectorSetupId: "seti_declined", Status: v1.MandateStatus_MANDATE_STATUS_FAILED,
				Error: &v1.PaymentError{Code: v1.ErrorCode_ERROR_CODE_DO_NOT_HONOR}}),
	)
	mitReq := &v1.RecurringPaymentServiceChargeRequest{MerchantTransactionId: "sub_2026_01", Amount: usd(1999),
		Mandate: &v1.MandateReference{ConnectorMandateId: "pm_1Mm8s8LkdIwHu7ixgIlWBDh1", ConnectorCustomerId: "cus_NffrFeUfNV2Hib"}}
	out = append(out,
		flowFixture("recurring_charge_succeeded", v1.Flow_FLOW_RECURRING_CHARGE, mitReq,
			postPI("sub_2026_01", "off_session=true", "payment_method=pm_1Mm8s8LkdIwHu7ixgIlWBDh1", "customer=cus_NffrFeUfNV2Hib"),
			stripeAnswer(200, piFixtureBody(obj{"amount": 1999, "amount_received": 1999, "customer": "cus_NffrFeUfNV2Hib", "payment_method": "pm_1Mm8s8LkdIwHu7ixgIlWBDh1"})),
			&v1.RecurringPaymentServiceChargeResponse{ConnectorTransactionId: testPI, Status: v1.PaymentStatus_PAYMENT_STATUS_CHARGED, Amount: usd(1999)}),
		flowFixture("recurring_charge_authentication_required", v1.Flow_FLOW_RECURRING_CHARGE, mitReq, nil,
			stripeAnswer(402, errorBody(obj{"type": "card_error", "code": "authentication_required", "decline_code": "authentication_required",
				"message":        "Your card was declined. This transaction requires authentication.",
				"payment_intent": obj{"id": "pi_offsession", "object": "payment_intent", "amount": 1999, "currency": "usd", "status": "requires_payment_method"}})),
			&v1.RecurringPaymentServiceChargeResponse{ConnectorTransactionId: "pi_offsession", Status: v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZATION_FAILED,
				Error: &v1.PaymentError{Code: v1.ErrorCode_ERROR_CODE_AUTHENTICATION_REQUIRED}}),
		flowFixture("recurring_revoke_detached", v1.Flow_FLOW_RECURRING_REVOKE,
			&v1.RecurringPaymentServiceRevokeRequest{Mandate: &v1.MandateReference{ConnectorMandateId: "pm_1Mm8s8LkdIwHu7ixgIlWBDh1"}, MerchantRevokeId: "revoke_1"},
			&expectRequest{Method: "POST", Path: "/v1/payment_methods/pm_1Mm8s8LkdIwHu7ixgIlWBDh1/detach", IdempotencyKey: "revoke:revoke_1"},
			stripeAnswer(200, `{"id":"pm_1Mm8s8LkdIwHu7ixgIlWBDh1","object":"payment_method","type":"card","customer":null,"card":{"brand":"visa","last4":"4242","exp_month":12,"exp_year":2030}}`),
			&v1.RecurringPaymentServiceRevokeResponse{Status: v1.MandateStatus_MANDATE_STATUS_REVOKED, ConnectorMandateId: "pm_1Mm8s8LkdIwHu7ixgIlWBDh1"}),
	)

	// Customers and tokens.
	out = append(out,
		flowFixture("create_customer", v1.Flow_FLOW_CREATE_CUSTOMER,
			&v1.CustomerServiceCreateRequest{Customer: &v1.Customer{Id: "merchant_customer_1", Name: "Jo Doe", Email: "jo@example.com"}},
			&expectRequest{Method: "POST", Path: "/v1/customers", IdempotencyKey: "customer:merchant_customer_1", BodyContains: []string{"name=Jo+Doe", "email=jo%40example.com"}},
			stripeAnswer(200, `{"id":"cus_NffrFeUfNV2Hib","object":"customer","email":"jo@example.com","name":"Jo Doe","livemode":false,"metadata":{"merchant_customer_id":"merchant_customer_1"}}`),
			&v1.CustomerServiceCreateResponse{ConnectorCustomerId: "cus_NffrFeUfNV2Hib", State: &v1.ConnectorState{ConnectorCustomerId: "cus_NffrFeUfNV2Hib"}}),
		flowFixture("tokenize_card", v1.Flow_FLOW_TOKENIZE,
			&v1.PaymentMethodServiceTokenizeRequest{PaymentMethod: card(), MerchantRequestId: "tokenize_1"},
			&expectRequest{Method: "POST", Path: "/v1/payment_methods", IdempotencyKey: "tokenize:tokenize_1", BodyContains: []string{"type=card", "card%5Bnumber%5D=4242424242424242"}},
			stripeAnswer(200, `{"id":"pm_1Q0PsIJvEtkwdCNYMSaVuRz6","object":"payment_method","type":"card","customer":null,"card":{"brand":"visa","last4":"4242","exp_month":12,"exp_year":2030,"funding":"credit"}}`),
			&v1.PaymentMethodServiceTokenizeResponse{PaymentMethodToken: "pm_1Q0PsIJvEtkwdCNYMSaVuRz6", CardLast4: "4242", CardNetwork: v1.CardNetwork_CARD_NETWORK_VISA,
				CardExpMonth: 12, CardExpYear: 2030}),
	)

	// Payouts (the Payout object as Stripe's API reference shows it).
	payoutBody := func(extra obj) string {
		o := obj{"id": "po_1OaFDbEcg9tTZuTgNYmX0PKB", "object": "payout", "amount": 1100, "arrival_date": 1680652800, "automatic": false,
			"balance_transaction": "txn_1OaFDcEcg9tTZuTgYMR25tSe", "created": 1680648691, "currency": "usd", "description": nil,
			"destination": "ba_1MtIhL2eZvKYlo2CAElKwKu2", "failure_balance_transaction": nil, "failure_code": nil, "failure_message": nil,
			"livemode": false, "metadata": obj{"merchant_payout_id": "payout_1"}, "method": "standard", "original_payout": nil,
			"reconciliation_status": "not_applicable", "reversed_by": nil, "source_type": "card", "statement_descriptor": nil,
			"status": "pending", "type": "bank_account"}
		for k, v := range extra {
			o[k] = v
		}
		b, _ := json.Marshal(o)
		return string(b)
	}
	usd1100 := &v1.Money{MinorAmount: 1100, Currency: "USD"}
	out = append(out,
		flowFixture("payout_create_pending", v1.Flow_FLOW_PAYOUT_CREATE,
			&v1.PayoutServiceCreateRequest{MerchantPayoutId: "payout_1", Amount: usd1100,
				Recipient: &v1.PayoutRecipient{Destination: &v1.PayoutRecipient_ConnectorRecipientId{ConnectorRecipientId: "ba_1MtIhL2eZvKYlo2CAElKwKu2"}}},
			&expectRequest{Method: "POST", Path: "/v1/payouts", IdempotencyKey: "payout:payout_1",
				BodyContains: []string{"amount=1100", "currency=usd", "destination=ba_1MtIhL2eZvKYlo2CAElKwKu2"}},
			stripeAnswer(200, payoutBody(nil)),
			&v1.PayoutServiceCreateResponse{ConnectorPayoutId: "po_1OaFDbEcg9tTZuTgNYmX0PKB", Status: v1.PayoutStatus_PAYOUT_STATUS_PENDING,
				Amount: usd1100, ArrivalDateUnix: 1680652800}),
		flowFixture("payout_get_failed_account_closed", v1.Flow_FLOW_PAYOUT_GET, &v1.PayoutServiceGetRequest{ConnectorPayoutId: "po_1OaFDbEcg9tTZuTgNYmX0PKB"},
			&expectRequest{Method: "GET", Path: "/v1/payouts/po_1OaFDbEcg9tTZuTgNYmX0PKB"},
			stripeAnswer(200, payoutBody(obj{"status": "failed", "failure_code": "account_closed", "failure_message": "The bank account has been closed."})),
			&v1.PayoutServiceGetResponse{ConnectorPayoutId: "po_1OaFDbEcg9tTZuTgNYmX0PKB", Status: v1.PayoutStatus_PAYOUT_STATUS_FAILED, Amount: usd1100,
				Error: &v1.PaymentError{Code: v1.ErrorCode_ERROR_CODE_CARD_DECLINED}, ArrivalDateUnix: 1680652800}),
		flowFixture("payout_get_reversed", v1.Flow_FLOW_PAYOUT_GET, &v1.PayoutServiceGetRequest{ConnectorPayoutId: "po_1OaFDbEcg9tTZuTgNYmX0PKB"},
			&expectRequest{Method: "GET", Path: "/v1/payouts/po_1OaFDbEcg9tTZuTgNYmX0PKB"},
			stripeAnswer(200, payoutBody(obj{"status": "paid", "reversed_by": "po_1OaFEcEcg9tTZuTgReversal"})),
			&v1.PayoutServiceGetResponse{ConnectorPayoutId: "po_1OaFDbEcg9tTZuTgNYmX0PKB", Status: v1.PayoutStatus_PAYOUT_STATUS_REVERSED, Amount: usd1100,
				ArrivalDateUnix: 1680652800}),
		flowFixture("payout_cancel_canceled", v1.Flow_FLOW_PAYOUT_CANCEL,
			&v1.PayoutServiceCancelRequest{ConnectorPayoutId: "po_1OaFDbEcg9tTZuTgNYmX0PKB", MerchantCancelId: "payout_cancel_1"},
			&expectRequest{Method: "POST", Path: "/v1/payouts/po_1OaFDbEcg9tTZuTgNYmX0PKB/cancel", IdempotencyKey: "payout_cancel:payout_cancel_1"},
			stripeAnswer(200, payoutBody(obj{"status": "canceled"})),
			&v1.PayoutServiceCancelResponse{ConnectorPayoutId: "po_1OaFDbEcg9tTZuTgNYmX0PKB", Status: v1.PayoutStatus_PAYOUT_STATUS_CANCELED}),
		func() *fixture {
			fx := flowFixture("payout_create_recipient_bank_token", v1.Flow_FLOW_PAYOUT_CREATE_RECIPIENT,
				&v1.PayoutServiceCreateRecipientRequest{MerchantRecipientId: "recipient_1",
					Destination: &v1.PayoutServiceCreateRecipientRequest_ProcessorToken{ProcessorToken: "btok_1NAiJy2eZvKYlo2Cnh6bIs9c"}},
				&expectRequest{Method: "POST", Path: "/v1/accounts/acct_1032D82eZvKYlo2C/external_accounts", IdempotencyKey: "payout_recipient:recipient_1",
					BodyContains: []string{"external_account=btok_1NAiJy2eZvKYlo2Cnh6bIs9c"}},
				stripeAnswer(200, `{"id":"ba_1MtIhL2eZvKYlo2CAElKwKu2","object":"bank_account","account":"acct_1032D82eZvKYlo2C","account_holder_name":"Jane Austen","account_holder_type":"individual","bank_name":"STRIPE TEST BANK","country":"US","currency":"usd","default_for_currency":false,"fingerprint":"Kpl8TwR3t9ZbNxkx","last4":"6789","metadata":{},"routing_number":"110000000","status":"new"}`),
				&v1.PayoutServiceCreateRecipientResponse{ConnectorRecipientId: "ba_1MtIhL2eZvKYlo2CAElKwKu2", DisplayName: "STRIPE TEST BANK", Last4: "6789"})
			fx.Credentials[credAccountID] = "acct_1032D82eZvKYlo2C"
			return fx
		}(),
		webhookFixture("webhook_payout_paid", fixtureEvent("evt_1OaFDbEcg9tTZuTgPaid", "payout.paid", decode(payoutBody(obj{"status": "paid"}))), "",
			&v1.Event{EventId: "evt_1OaFDbEcg9tTZuTgPaid", ConnectorEventType: "payout.paid", Kind: v1.EventKind_EVENT_KIND_PAYOUT, Verified: true,
				Payload: &v1.Event_Payout{Payout: &v1.PayoutEvent{ConnectorPayoutId: "po_1OaFDbEcg9tTZuTgNYmX0PKB", MerchantPayoutId: "payout_1",
					Status: v1.PayoutStatus_PAYOUT_STATUS_PAID, Amount: usd1100}}}),
	)

	// Disputes.
	out = append(out,
		flowFixture("dispute_get_needs_response", v1.Flow_FLOW_DISPUTE_GET, &v1.DisputeServiceGetRequest{ConnectorDisputeId: testDispute},
			&expectRequest{Method: "GET", Path: "/v1/disputes/" + testDispute},
			stripeAnswer(200, disputeBody(nil)),
			&v1.DisputeServiceGetResponse{ConnectorDisputeId: testDispute, ConnectorTransactionId: testPI, Status: v1.DisputeStatus_DISPUTE_STATUS_NEEDS_RESPONSE,
				Amount: usd(1000), Reason: "fraudulent", ReasonCode: "10.4", EvidenceDueByUnix: 1681516799, Stage: "chargeback"}),
		flowFixture("dispute_submit_evidence", v1.Flow_FLOW_DISPUTE_SUBMIT_EVIDENCE,
			&v1.DisputeServiceSubmitEvidenceRequest{ConnectorDisputeId: testDispute, MerchantRequestId: "evidence_1", Evidence: []*v1.EvidenceDocument{
				{Type: v1.EvidenceType_EVIDENCE_TYPE_RECEIPT, ConnectorFileId: "file_1MtwBwLkdIwHu7ixReceipt"},
				{Type: v1.EvidenceType_EVIDENCE_TYPE_PRODUCT_DESCRIPTION, Text: "A blue mug."}}},
			&expectRequest{Method: "POST", Path: "/v1/disputes/" + testDispute, IdempotencyKey: "dispute_evidence:evidence_1",
				BodyContains: []string{"evidence%5Breceipt%5D=file_1MtwBwLkdIwHu7ixReceipt", "evidence%5Bproduct_description%5D=A+blue+mug.", "submit=false"}},
			stripeAnswer(200, disputeBody(nil)),
			&v1.DisputeServiceSubmitEvidenceResponse{ConnectorDisputeId: testDispute, Status: v1.DisputeStatus_DISPUTE_STATUS_NEEDS_RESPONSE,
				SubmittedEvidenceIds: []string{"product_description", "receipt"}}),
		flowFixture("dispute_defend_submitted", v1.Flow_FLOW_DISPUTE_DEFEND,
			&v1.DisputeServiceDefendRequest{ConnectorDisputeId: testDispute, MerchantRequestId: "defend_1", Evidence: []*v1.EvidenceDocument{
				{Type: v1.EvidenceType_EVIDENCE_TYPE_ACCESS_ACTIVITY_LOG, Text: "Cardholder logged in from their usual device before the purchase."}}},
			&expectRequest{Method: "POST", Path: "/v1/disputes/" + testDispute, IdempotencyKey: "dispute_defend:defend_1", BodyContains: []string{"submit=true"}},
			stripeAnswer(200, disputeBody(obj{"status": "under_review"})),
			&v1.DisputeServiceDefendResponse{ConnectorDisputeId: testDispute, Status: v1.DisputeStatus_DISPUTE_STATUS_UNDER_REVIEW}),
		flowFixture("dispute_accept_closed", v1.Flow_FLOW_DISPUTE_ACCEPT, &v1.DisputeServiceAcceptRequest{ConnectorDisputeId: testDispute, MerchantRequestId: "accept_1"},
			&expectRequest{Method: "POST", Path: "/v1/disputes/" + testDispute + "/close", IdempotencyKey: "dispute_accept:accept_1"},
			stripeAnswer(200, disputeBody(obj{"status": "lost"})),
			&v1.DisputeServiceAcceptResponse{ConnectorDisputeId: testDispute, Status: v1.DisputeStatus_DISPUTE_STATUS_ACCEPTED}),
	)

	// Webhooks.
	payment := func(id, typ string, over obj, p *v1.PaymentEvent) *fixture {
		return webhookFixture("webhook_"+typ2name(typ), fixtureEvent(id, typ, decode(piFixtureBody(over))), "",
			&v1.Event{EventId: id, ConnectorEventType: typ, Kind: v1.EventKind_EVENT_KIND_PAYMENT, CreatedAtUnix: fixtureSignedAt - 2, Verified: true,
				Payload: &v1.Event_Payment{Payment: p}})
	}
	out = append(out,
		payment("evt_3MtwBwLkdIwHu7ix0V5d1A7e", "payment_intent.succeeded", nil,
			&v1.PaymentEvent{ConnectorTransactionId: testPI, MerchantTransactionId: "order_1", Status: v1.PaymentStatus_PAYMENT_STATUS_CHARGED, Amount: usd(1000), CapturedAmount: usd(1000)}),
		payment("evt_3MtwBwLkdIwHu7ix1Fail", "payment_intent.payment_failed",
			obj{"status": "requires_payment_method", "amount_received": 0, "last_payment_error": obj{"type": "card_error", "code": "card_declined", "decline_code": "generic_decline", "message": "Your card was declined."}},
			&v1.PaymentEvent{ConnectorTransactionId: testPI, Status: v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZATION_FAILED, Error: &v1.PaymentError{Code: v1.ErrorCode_ERROR_CODE_CARD_DECLINED}}),
		payment("evt_3MtwBwLkdIwHu7ix2Cap", "payment_intent.amount_capturable_updated",
			obj{"status": "requires_capture", "capture_method": "manual", "amount_capturable": 1000, "amount_received": 0},
			&v1.PaymentEvent{ConnectorTransactionId: testPI, Status: v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZED}),
		payment("evt_3MtwBwLkdIwHu7ix3Can", "payment_intent.canceled", obj{"status": "canceled", "amount_received": 0},
			&v1.PaymentEvent{ConnectorTransactionId: testPI, Status: v1.PaymentStatus_PAYMENT_STATUS_VOIDED}),
		webhookFixture("webhook_refund_updated", fixtureEvent("evt_3MtwBwLkdIwHu7ix4Ref", "refund.updated", decode(refundBody(nil))), "",
			&v1.Event{EventId: "evt_3MtwBwLkdIwHu7ix4Ref", ConnectorEventType: "refund.updated", Kind: v1.EventKind_EVENT_KIND_REFUND, Verified: true,
				Payload: &v1.Event_Refund{Refund: &v1.RefundEvent{ConnectorRefundId: "re_3MtwBwLkdIwHu7ix0ezqsBbC", ConnectorTransactionId: testPI,
					MerchantRefundId: "refund_1", Status: v1.RefundStatus_REFUND_STATUS_SUCCEEDED, Amount: usd(400)}}}),
		webhookFixture("webhook_charge_refunded", fixtureEvent("evt_3MtwBwLkdIwHu7ix5Chr", "charge.refunded",
			charge(obj{"amount_refunded": 400, "refunds": obj{"object": "list", "has_more": false, "data": []any{decode(refundBody(nil))}}})), "",
			&v1.Event{EventId: "evt_3MtwBwLkdIwHu7ix5Chr", Kind: v1.EventKind_EVENT_KIND_REFUND, Verified: true,
				Payload: &v1.Event_Refund{Refund: &v1.RefundEvent{ConnectorRefundId: "re_3MtwBwLkdIwHu7ix0ezqsBbC", ConnectorTransactionId: testPI, Status: v1.RefundStatus_REFUND_STATUS_SUCCEEDED, Amount: usd(400)}}}),
		webhookFixture("webhook_charge_dispute_created", fixtureEvent("evt_3MtwBwLkdIwHu7ix6Dsp", "charge.dispute.created", decode(disputeBody(nil))), "",
			&v1.Event{EventId: "evt_3MtwBwLkdIwHu7ix6Dsp", Kind: v1.EventKind_EVENT_KIND_DISPUTE, Verified: true,
				Payload: &v1.Event_Dispute{Dispute: &v1.DisputeEvent{ConnectorDisputeId: testDispute, ConnectorTransactionId: testPI, Status: v1.DisputeStatus_DISPUTE_STATUS_NEEDS_RESPONSE,
					Amount: usd(1000), Reason: "fraudulent", ReasonCode: "10.4", EvidenceDueByUnix: 1681516799, Stage: "chargeback"}}}),
		webhookFixture("webhook_setup_intent_succeeded", fixtureEvent("evt_1Mm8s8LkdIwHu7ix7Set", "setup_intent.succeeded", decode(setupIntentBody(nil))), "",
			&v1.Event{EventId: "evt_1Mm8s8LkdIwHu7ix7Set", Kind: v1.EventKind_EVENT_KIND_MANDATE, Verified: true,
				Payload: &v1.Event_Mandate{Mandate: &v1.MandateEvent{ConnectorSetupId: "seti_1Mm8s8LkdIwHu7ix0OXBfTRG", Status: v1.MandateStatus_MANDATE_STATUS_ACTIVE,
					Mandate: &v1.MandateReference{ConnectorMandateId: "pm_1Mm8s8LkdIwHu7ixgIlWBDh1", ConnectorCustomerId: "cus_NffrFeUfNV2Hib", Status: v1.MandateStatus_MANDATE_STATUS_ACTIVE}}}}),
		webhookFixture("webhook_unhandled_event_type", fixtureEvent("evt_1NG8Du2eZvKYlo2CUI79vXWy", "customer.created",
			obj{"id": "cus_NffrFeUfNV2Hib", "object": "customer", "email": "jo@example.com"}), "",
			&v1.Event{EventId: "evt_1NG8Du2eZvKYlo2CUI79vXWy", ConnectorEventType: "customer.created", Kind: v1.EventKind_EVENT_KIND_OTHER, Verified: true}),
	)
	rotated := fixtureEvent("evt_3MtwBwLkdIwHu7ix8Rot", "payment_intent.succeeded", decode(piFixtureBody(nil)))
	signedAt := time.Unix(fixtureSignedAt, 0)
	header := "t=1767322800,v1=" + hexSig(signedAt, rotated, "whsec_previous_secret") + ",v1=" + hexSig(signedAt, rotated, fixtureWebhookSecret)
	out = append(out, webhookFixture("webhook_rotated_secret_two_signatures", rotated, header,
		&v1.Event{EventId: "evt_3MtwBwLkdIwHu7ix8Rot", Kind: v1.EventKind_EVENT_KIND_PAYMENT, Verified: true,
			Payload: &v1.Event_Payment{Payment: &v1.PaymentEvent{Status: v1.PaymentStatus_PAYMENT_STATUS_CHARGED}}}))
	return out
}

func typ2name(typ string) string {
	b := []byte(typ)
	for i, c := range b {
		if c == '.' {
			b[i] = '_'
		}
	}
	return string(b)
}

func hexSig(ts time.Time, body []byte, secret string) string {
	const digits = "0123456789abcdef"
	s := webhook.ComputeSignature(ts, body, secret)
	out := make([]byte, 0, len(s)*2)
	for _, c := range s {
		out = append(out, digits[c>>4], digits[c&15])
	}
	return string(out)
}

// fixture, expectRequest, fixtureResponse and fixtureWebhook are the
// conformance fixture format (conformance/FIXTURES.md).
type (
	fixture         = conformance.Fixture
	expectRequest   = conformance.ExpectRequest
	fixtureResponse = conformance.FixtureResponse
	fixtureWebhook  = conformance.FixtureWebhook
)

// fixtureDir holds the generated fixtures.
const fixtureDir = "fixtures"

func encodeFixture(fx *fixture) []byte {
	b, err := json.Marshal(fx)
	if err != nil {
		panic(err)
	}
	if fx.Credentials != nil && len(fx.Credentials) == 0 {
		// An empty credentials object (a call without any) is not the
		// same fixture as none (the suite's credentials): keep it.
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			panic(err)
		}
		m["credentials"] = map[string]string{}
		if b, err = json.Marshal(m); err != nil {
			panic(err)
		}
	}
	var out bytes.Buffer
	if err := json.Indent(&out, b, "", "  "); err != nil {
		panic(err)
	}
	return append(out.Bytes(), '\n')
}

// TestFixturesGenerated checks the fixture files say exactly what the
// generator produces, as JSON (member order and indentation aside; run with
// -update-fixtures to rewrite them).
func TestFixturesGenerated(t *testing.T) {
	fixtures := generateFixtures()
	want := map[string][]byte{}
	for _, fx := range fixtures {
		name := fx.Name + ".json"
		if _, dup := want[name]; dup {
			t.Fatalf("duplicate fixture %s", name)
		}
		want[name] = encodeFixture(fx)
	}
	if *updateFixtures {
		old, _ := filepath.Glob(filepath.Join(fixtureDir, "*.json"))
		for _, f := range old {
			if _, ok := want[filepath.Base(f)]; !ok {
				if err := os.Remove(f); err != nil {
					t.Fatal(err)
				}
			}
		}
		if err := os.MkdirAll(fixtureDir, 0o755); err != nil {
			t.Fatal(err)
		}
		for name, b := range want {
			if err := os.WriteFile(filepath.Join(fixtureDir, name), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	names := make([]string, 0, len(want))
	for n := range want {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		got, err := os.ReadFile(filepath.Join(fixtureDir, n))
		if err != nil {
			t.Errorf("%s: %v (run with -update-fixtures)", n, err)
			continue
		}
		if !sameJSON(got, want[n]) {
			t.Errorf("%s is stale (run with -update-fixtures)", n)
		}
	}
	files, _ := filepath.Glob(filepath.Join(fixtureDir, "*.json"))
	if len(files) != len(want) {
		t.Errorf("%d fixture files, generator has %d", len(files), len(want))
	}
}

// sameJSON reports whether a and b are the same JSON value.
func sameJSON(a, b []byte) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	return reflect.DeepEqual(x, y)
}
