//go:build !wasip1

package adyen_test

// End to end through the real host: the plugin is built to .wasm, served by
// host/app on a loopback port, called through the generated Connect clients,
// and talks to the spec-validating fake Adyen (spec_harness_test.go), which
// fails the test on any request or answer that breaks Adyen's OpenAPI
// documents.

import (
	"context"
	"encoding/json"
	"errors"
	"github.com/connectorhost/connector-host/conformance/conformancetest"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"connectrpc.com/connect"

	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/gen/connectorhost/v1/connectorhostv1connect"
	"github.com/connectorhost/connector-host/host/app"
	"github.com/connectorhost/connector-host/host/config"
	"github.com/connectorhost/connector-host/internal/wasmbuild"
	"github.com/connectorhost/connector-host/plugins/adyen"
)

// hostEnv is a running host serving the Adyen plugin, pointed at the fake.
type hostEnv struct {
	fake      *adyen.SpecFake
	payments  connectorhostv1connect.PaymentServiceClient
	recurring connectorhostv1connect.RecurringPaymentServiceClient
	disputes  connectorhostv1connect.DisputeServiceClient
	events    connectorhostv1connect.EventServiceClient
}

// startHost builds the plugin, starts the fake Adyen and a host serving the
// .wasm with the fake as the adyen base URL (Checkout under /v71; Disputes
// at the same origin, by the plugin's URL rule), and stops both when t ends.
func startHost(t *testing.T) *hostEnv {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the .wasm and starts a host: skipped with -short")
	}
	fake := adyen.NewSpecFake(t) // skips when ../shared/oracles is absent
	base := serveAdyen(t, fake.URL()+"/v71")
	return &hostEnv{
		fake:      fake,
		payments:  connectorhostv1connect.NewPaymentServiceClient(http.DefaultClient, base),
		recurring: connectorhostv1connect.NewRecurringPaymentServiceClient(http.DefaultClient, base),
		disputes:  connectorhostv1connect.NewDisputeServiceClient(http.DefaultClient, base),
		events:    connectorhostv1connect.NewEventServiceClient(http.DefaultClient, base),
	}
}

// serveAdyen builds the plugin and serves it from a host whose adyen base
// URL is baseURL, until t ends; it returns the host's URL.
func serveAdyen(t *testing.T, baseURL string) string {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("go command not found: cannot build the .wasm")
	}
	dir := t.TempDir()
	wasm := wasmbuild.Read(t, "./plugins/adyen/wasm", "adyen")
	if err := os.WriteFile(filepath.Join(dir, "adyen.wasm"), wasm, 0o644); err != nil {
		t.Fatal(err)
	}

	cfg := config.Default()
	cfg.Listen = "127.0.0.1:0"
	cfg.PluginsDir = dir
	cfg.CacheDir = t.TempDir()
	cfg.Plugins.CallTimeout = 10 * time.Second // a shared CI machine may be slow
	cfg.Connectors["adyen"] = config.Connector{BaseURL: baseURL}

	ctx, cancel := context.WithCancel(context.Background())
	h, err := app.New(ctx, cfg, app.Options{})
	if err != nil {
		cancel()
		t.Fatalf("start the host: %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- h.Serve(ctx, 5*time.Second) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("host shutdown: %v", err)
		}
	})
	if err := h.Registry().WaitLoaded(ctx); err != nil {
		t.Fatalf("load the plugin: %v", err)
	}
	return "http://" + h.Addr()
}

// step runs a subtest after discarding what the fake received before, so
// one failed step does not fail the next ones with its leftover requests.
func (e *hostEnv) step(t *testing.T, name string, fn func(t *testing.T)) {
	t.Helper()
	e.fake.Take()
	t.Run(name, fn)
}

// testCredentials are the credential fields the fake accepts.
func testCredentials() map[string]string {
	return map[string]string{"api_key": adyen.TestAPIKey, "merchant_account": adyen.TestMerchant, "hmac_key": adyen.TestHMACKey}
}

// adyenCall wraps msg with the headers that select Adyen and carry creds.
func adyenCall[T any](t *testing.T, msg *T, creds map[string]string) *connect.Request[T] {
	t.Helper()
	auth, err := json.Marshal(creds)
	if err != nil {
		t.Fatal(err)
	}
	req := connect.NewRequest(msg)
	req.Header().Set("x-connector", "adyen")
	req.Header().Set("x-connector-auth", string(auth))
	return req
}

// req is adyenCall with the test credentials.
func req[T any](t *testing.T, msg *T) *connect.Request[T] {
	t.Helper()
	return adyenCall(t, msg, testCredentials())
}

// outcome is an RPC's result, taken whole from the client call: rpc(c.M(ctx, r)).msg(t).
type outcome[T any] struct {
	res *connect.Response[T]
	err error
}

func rpc[T any](res *connect.Response[T], err error) outcome[T] { return outcome[T]{res, err} }

// msg fails t on an RPC error and returns the response message.
func (o outcome[T]) msg(t *testing.T) *T {
	t.Helper()
	if o.err != nil {
		t.Fatalf("RPC failed: %v", o.err)
	}
	return o.res.Msg
}

// wantOps checks the operations the fake received, in order, and returns the exchanges.
func wantOps(t *testing.T, fake *adyen.SpecFake, ops ...string) []adyen.Exchange {
	t.Helper()
	ex := fake.Take()
	got := make([]string, len(ex))
	for i, e := range ex {
		got[i] = e.Operation
	}
	if strings.Join(got, ",") != strings.Join(ops, ",") {
		t.Fatalf("Adyen received %v, want %v", got, ops)
	}
	return ex
}

// wantConnectError checks err's Connect code and message and returns its
// PaymentError detail (nil when it has none).
func wantConnectError(t *testing.T, err error, code connect.Code, contains ...string) *v1.PaymentError {
	t.Helper()
	var ce *connect.Error
	if !errors.As(err, &ce) {
		t.Fatalf("want a Connect %v error, got %v", code, err)
	}
	if ce.Code() != code {
		t.Fatalf("code = %v (%s), want %v", ce.Code(), ce.Message(), code)
	}
	for _, s := range contains {
		if !strings.Contains(ce.Message(), s) {
			t.Errorf("message %q does not mention %q", ce.Message(), s)
		}
	}
	if strings.Contains(ce.Message(), "adyen: adyen:") {
		t.Errorf("the connector is named twice: %s", ce.Message())
	}
	if strings.Contains(ce.Message(), adyen.TestAPIKey) {
		t.Errorf("the API key leaked into the error: %s", ce.Message())
	}
	for _, d := range ce.Details() {
		if v, derr := d.Value(); derr == nil {
			if pe, ok := v.(*v1.PaymentError); ok {
				return pe
			}
		}
	}
	return nil
}

func eur(minor int64) *v1.Money { return &v1.Money{MinorAmount: minor, Currency: "EUR"} }

// cardAuthorize is a card payment with the shopper details Adyen's risk checks use.
func cardAuthorize(id string, capture v1.CaptureMethod) *v1.PaymentServiceAuthorizeRequest {
	return &v1.PaymentServiceAuthorizeRequest{
		MerchantTransactionId: id,
		Amount:                eur(1000),
		PaymentMethod: &v1.PaymentMethod{Method: &v1.PaymentMethod_Card{Card: &v1.Card{
			Number: "4111111111111111", ExpMonth: 3, ExpYear: 2030, Cvc: "737", HolderName: "John Smith",
		}}},
		CaptureMethod: capture,
		ReturnUrl:     "https://merchant.example/return",
		Customer:      &v1.Customer{Id: "shopper_123", Email: "shopper@example.com", Name: "John Smith"},
		BillingAddress: &v1.Address{Line1: "Simon Carmiggeltstraat", Line2: "6-50", City: "Amsterdam",
			PostalCode: "1011DJ", Country: "NL"},
		BrowserInfo: &v1.BrowserInfo{AcceptHeader: "text/html", UserAgent: "Mozilla/5.0", Language: "nl-NL",
			ColorDepth: 24, ScreenHeight: 723, ScreenWidth: 1536, JavascriptEnabled: true, IpAddress: "203.0.113.7"},
		RequestIncrementalAuthorization: capture == v1.CaptureMethod_CAPTURE_METHOD_MANUAL,
	}
}

// TestHostConnectAPI runs every flow the plugin declares, its webhooks and
// its error mapping through one real host and its Connect API.
func TestHostConnectAPI(t *testing.T) {
	env := startHost(t)
	t.Run("payments", func(t *testing.T) { testHostPayments(t, env) })
	t.Run("recurring", func(t *testing.T) { testHostRecurring(t, env) })
	t.Run("disputes", func(t *testing.T) { testHostDisputes(t, env) })
	t.Run("webhooks", func(t *testing.T) { testHostWebhooks(t, env) })
	t.Run("errors", func(t *testing.T) { testHostErrors(t, env) })
}

func testHostPayments(t *testing.T, env *hostEnv) {
	ctx := context.Background()
	pay, fake := env.payments, env.fake
	var psp string // the manual card payment, modified below

	env.step(t, "Authorize card manual", func(t *testing.T) {
		out := rpc(pay.Authorize(ctx, req(t, cardAuthorize("order_manual", v1.CaptureMethod_CAPTURE_METHOD_MANUAL)))).msg(t)
		if out.GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZED || out.GetConnectorTransactionId() == "" ||
			out.GetAmount().GetMinorAmount() != 1000 || out.GetMerchantTransactionId() != "order_manual" ||
			!out.GetIncrementalAuthorizationAllowed() || out.GetConnectorHttpStatus() != 200 {
			t.Fatalf("authorize = %v", out)
		}
		psp = out.GetConnectorTransactionId()
		ex := wantOps(t, fake, "post-payments")
		if ex[0].IdempotencyKey != "authorize:"+adyen.TestMerchant+":order_manual" || conformancetest.JSONAt(ex[0].Body, "additionalData", "manualCapture") != "true" {
			t.Fatalf("Idempotency-Key %q, body %v", ex[0].IdempotencyKey, ex[0].Body)
		}
	})
	env.step(t, "Authorize card automatic", func(t *testing.T) {
		out := rpc(pay.Authorize(ctx, req(t, cardAuthorize("order_auto", v1.CaptureMethod_CAPTURE_METHOD_AUTOMATIC)))).msg(t)
		if out.GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_CHARGED || out.GetConnectorTransactionId() == "" {
			t.Fatalf("authorize = %v", out)
		}
		ex := wantOps(t, fake, "post-payments")
		if conformancetest.JSONAt(ex[0].Body, "additionalData", "manualCapture") != nil {
			t.Fatalf("automatic capture sent manualCapture: %v", ex[0].Body)
		}
	})

	var redirectState *v1.ConnectorState
	env.step(t, "Authorize iDEAL redirect", func(t *testing.T) {
		r := cardAuthorize("order_ideal", v1.CaptureMethod_CAPTURE_METHOD_AUTOMATIC)
		r.PaymentMethod = &v1.PaymentMethod{Method: &v1.PaymentMethod_BankRedirect{BankRedirect: &v1.BankRedirect{
			Kind: v1.BankRedirectKind_BANK_REDIRECT_KIND_IDEAL, Issuer: "1121"}}}
		out := rpc(pay.Authorize(ctx, req(t, r))).msg(t)
		rd := out.GetNextAction().GetRedirect()
		if out.GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_AUTHENTICATION_PENDING ||
			!strings.HasPrefix(rd.GetUrl(), "https://checkoutshopper-test.adyen.com/") || rd.GetMethod() != "GET" {
			t.Fatalf("authorize = %v", out)
		}
		if out.GetState().GetValues()["adyen_capture"] != "automatic" {
			t.Fatalf("state = %v", out.GetState())
		}
		redirectState = out.GetState()
		ex := wantOps(t, fake, "post-payments")
		if conformancetest.JSONAt(ex[0].Body, "paymentMethod", "type") != "ideal" || conformancetest.JSONAt(ex[0].Body, "paymentMethod", "issuer") != "1121" {
			t.Fatalf("paymentMethod = %v", conformancetest.JSONAt(ex[0].Body, "paymentMethod"))
		}
	})
	env.step(t, "Authorize card threeDS2 action", func(t *testing.T) {
		fake.Answer("post-payments", func(map[string]any) (int, any) {
			return http.StatusOK, map[string]any{"resultCode": "IdentifyShopper", "pspReference": "TDS2PSP0000001", "action": map[string]any{
				"type": "threeDS2", "subtype": "fingerprint", "paymentMethodType": "scheme",
				"token": "eyJ0aHJlZURTTWV0aG9kTm90aWZp", "paymentData": "Ab02b4c0!BQABAgCuZFJrQOjSsl", "authorisationToken": "Ab02b4c0!BQABAgAvrX03p",
			}}
		})
		defer fake.Answer("post-payments", nil)
		out := rpc(pay.Authorize(ctx, req(t, cardAuthorize("order_3ds2", v1.CaptureMethod_CAPTURE_METHOD_MANUAL)))).msg(t)
		if out.GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_AUTHENTICATION_PENDING || out.GetState().GetValues()["adyen_capture"] != "manual" {
			t.Fatalf("authorize = %v", out)
		}
		var action map[string]any
		if err := json.Unmarshal([]byte(out.GetNextAction().GetSdkDataJson()), &action); err != nil {
			t.Fatalf("next_action.sdk_data_json is not Adyen's action: %v (%v)", err, out.GetNextAction())
		}
		if action["type"] != "threeDS2" || action["token"] != "eyJ0aHJlZURTTWV0aG9kTm90aWZp" {
			t.Fatalf("action = %v", action)
		}
		wantOps(t, fake, "post-payments")
	})

	env.step(t, "VerifyRedirectResponse", func(t *testing.T) {
		fake.Answer("post-payments-details", func(map[string]any) (int, any) {
			return http.StatusOK, map[string]any{"resultCode": "Authorised", "pspReference": "V4HZ4RBFJGXXGN82", "merchantReference": "order_ideal"}
		})
		defer fake.Answer("post-payments-details", nil)
		params := map[string]string{"redirectResult": "X6XtfGC3!Y...", "shopperOrder": "12xy"}
		cases := []struct {
			name    string
			capture v1.CaptureMethod
			state   *v1.ConnectorState
			want    v1.PaymentStatus
		}{
			{"state from Authorize (automatic)", v1.CaptureMethod_CAPTURE_METHOD_UNSPECIFIED, redirectState, v1.PaymentStatus_PAYMENT_STATUS_CHARGED},
			{"capture_method manual wins over the state", v1.CaptureMethod_CAPTURE_METHOD_MANUAL, redirectState, v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZED},
			{"capture_method automatic without state", v1.CaptureMethod_CAPTURE_METHOD_AUTOMATIC, nil, v1.PaymentStatus_PAYMENT_STATUS_CHARGED},
			{"neither: never CHARGED", v1.CaptureMethod_CAPTURE_METHOD_UNSPECIFIED, nil, v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZED},
		}
		for _, tc := range cases {
			env.step(t, tc.name, func(t *testing.T) {
				out := rpc(pay.VerifyRedirectResponse(ctx, req(t, &v1.PaymentServiceVerifyRedirectResponseRequest{
					MerchantTransactionId: "order_ideal", Params: params, State: tc.state, CaptureMethod: tc.capture,
				}))).msg(t)
				if out.GetStatus() != tc.want || out.GetConnectorTransactionId() != "V4HZ4RBFJGXXGN82" {
					t.Fatalf("verify = %v, want %v", out, tc.want)
				}
				ex := wantOps(t, fake, "post-payments-details")
				if d, _ := ex[0].Body["details"].(map[string]any); len(d) != 1 || d["redirectResult"] != params["redirectResult"] {
					t.Fatalf("details = %v (only Adyen's redirect parameters are sent)", ex[0].Body)
				}
			})
		}
	})

	for _, tc := range []struct {
		name string
		id   string
		amt  int64
	}{{"Capture full", "cap_full", 1000}, {"Capture partial", "cap_part", 400}} {
		env.step(t, tc.name, func(t *testing.T) {
			out := rpc(pay.Capture(ctx, req(t, &v1.PaymentServiceCaptureRequest{
				ConnectorTransactionId: psp, MerchantCaptureId: tc.id, AmountToCapture: eur(tc.amt),
			}))).msg(t)
			if out.GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_CAPTURE_PENDING || out.GetCapturedAmount().GetMinorAmount() != tc.amt ||
				out.GetConnectorCaptureId() == "" || out.GetConnectorHttpStatus() != http.StatusCreated {
				t.Fatalf("capture = %v", out)
			}
			ex := wantOps(t, fake, "post-payments-paymentPspReference-captures")
			if ex[0].Path != "/v71/payments/"+psp+"/captures" || conformancetest.JSONAt(ex[0].Body, "amount", "value") != float64(tc.amt) || ex[0].IdempotencyKey != "capture:"+adyen.TestMerchant+":"+tc.id {
				t.Fatalf("exchange = %+v", ex[0])
			}
		})
	}
	env.step(t, "Void", func(t *testing.T) {
		out := rpc(pay.Void(ctx, req(t, &v1.PaymentServiceVoidRequest{ConnectorTransactionId: psp, MerchantVoidId: "void_1"}))).msg(t)
		if out.GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_VOID_PENDING || out.GetConnectorVoidId() == "" {
			t.Fatalf("void = %v", out)
		}
		wantOps(t, fake, "post-payments-paymentPspReference-cancels")
	})
	env.step(t, "Reverse", func(t *testing.T) {
		out := rpc(pay.Reverse(ctx, req(t, &v1.PaymentServiceReverseRequest{ConnectorTransactionId: psp, MerchantReversalId: "rev_1"}))).msg(t)
		if out.GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_REVERSAL_PENDING || out.GetConnectorReversalId() == "" {
			t.Fatalf("reverse = %v", out)
		}
		wantOps(t, fake, "post-payments-paymentPspReference-reversals")
	})
	for _, tc := range []struct {
		name, id string
		amt      int64
	}{{"Refund full", "ref_full", 1000}, {"Refund partial", "ref_part", 250}} {
		env.step(t, tc.name, func(t *testing.T) {
			out := rpc(pay.Refund(ctx, req(t, &v1.PaymentServiceRefundRequest{
				ConnectorTransactionId: psp, MerchantRefundId: tc.id, RefundAmount: eur(tc.amt), Reason: "requested_by_customer",
			}))).msg(t)
			if out.GetStatus() != v1.RefundStatus_REFUND_STATUS_PENDING || out.GetRefundAmount().GetMinorAmount() != tc.amt ||
				out.GetConnectorRefundId() == "" || out.GetConnectorTransactionId() != psp {
				t.Fatalf("refund = %v", out)
			}
			ex := wantOps(t, fake, "post-payments-paymentPspReference-refunds")
			if ex[0].Body["merchantRefundReason"] != "CUSTOMER REQUEST" || conformancetest.JSONAt(ex[0].Body, "amount", "value") != float64(tc.amt) {
				t.Fatalf("refund body = %v", ex[0].Body)
			}
		})
	}
	env.step(t, "IncrementalAuthorization", func(t *testing.T) {
		out := rpc(pay.IncrementalAuthorization(ctx, req(t, &v1.PaymentServiceIncrementalAuthorizationRequest{
			ConnectorTransactionId: psp, MerchantIncrementId: "inc_1", Amount: eur(1500),
		}))).msg(t)
		if out.GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZING || out.GetAmount().GetMinorAmount() != 1500 {
			t.Fatalf("incremental authorization = %v", out)
		}
		wantOps(t, fake, "post-payments-paymentPspReference-amountUpdates")
	})
	env.step(t, "SetupRecurring", func(t *testing.T) {
		r := cardAuthorize("", v1.CaptureMethod_CAPTURE_METHOD_AUTOMATIC)
		out := rpc(pay.SetupRecurring(ctx, req(t, &v1.PaymentServiceSetupRecurringRequest{
			MerchantSetupId: "setup_1", PaymentMethod: r.PaymentMethod, Customer: r.Customer, BillingAddress: r.BillingAddress,
			Amount: eur(0), ReturnUrl: r.ReturnUrl, BrowserInfo: r.BrowserInfo, FutureUsage: v1.FutureUsage_FUTURE_USAGE_OFF_SESSION,
		}))).msg(t)
		if out.GetStatus() != v1.MandateStatus_MANDATE_STATUS_ACTIVE || out.GetMandate().GetConnectorMandateId() != "M5N7TQ4TG5PFWR50" ||
			out.GetMandate().GetConnectorCustomerId() != "shopper_123" {
			t.Fatalf("setup = %v", out)
		}
		ex := wantOps(t, fake, "post-payments")
		if ex[0].Body["storePaymentMethod"] != true || ex[0].Body["recurringProcessingModel"] != "Subscription" {
			t.Fatalf("setup body = %v", ex[0].Body)
		}
	})
	env.step(t, "Get is not offered", func(t *testing.T) {
		_, err := pay.Get(ctx, req(t, &v1.PaymentServiceGetRequest{ConnectorTransactionId: psp}))
		wantConnectError(t, err, connect.CodeUnimplemented, `connector "adyen"`, "PaymentService.Get", "webhooks")
		wantOps(t, fake)
	})
}

func testHostRecurring(t *testing.T, env *hostEnv) {
	ctx := context.Background()
	rec, fake := env.recurring, env.fake
	mandate := &v1.MandateReference{ConnectorMandateId: "M5N7TQ4TG5PFWR50", ConnectorCustomerId: "shopper_123"}

	env.step(t, "Charge", func(t *testing.T) {
		out := rpc(rec.Charge(ctx, req(t, &v1.RecurringPaymentServiceChargeRequest{
			MerchantTransactionId: "sub_1", Amount: eur(999), Mandate: mandate, RecurringModel: "Subscription",
			CaptureMethod: v1.CaptureMethod_CAPTURE_METHOD_AUTOMATIC, ReturnUrl: "https://merchant.example/3ds-return",
		}))).msg(t)
		if out.GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_CHARGED || out.GetConnectorTransactionId() == "" || out.GetMerchantTransactionId() != "sub_1" {
			t.Fatalf("charge = %v", out)
		}
		ex := wantOps(t, fake, "post-payments")
		b := ex[0].Body
		if b["returnUrl"] != "https://merchant.example/3ds-return" || b["shopperInteraction"] != "ContAuth" ||
			conformancetest.JSONAt(b, "paymentMethod", "storedPaymentMethodId") != "M5N7TQ4TG5PFWR50" || b["shopperReference"] != "shopper_123" {
			t.Fatalf("charge body = %v", b)
		}
	})
	env.step(t, "Charge without return_url", func(t *testing.T) {
		// The host has no return_url setting for adyen: the plugin refuses before calling Adyen.
		_, err := rec.Charge(ctx, req(t, &v1.RecurringPaymentServiceChargeRequest{MerchantTransactionId: "sub_2", Amount: eur(999), Mandate: mandate}))
		wantConnectError(t, err, connect.CodeInvalidArgument, "adyen", "return_url")
		wantOps(t, fake)
	})
	env.step(t, "Revoke", func(t *testing.T) {
		out := rpc(rec.Revoke(ctx, req(t, &v1.RecurringPaymentServiceRevokeRequest{Mandate: mandate, MerchantRevokeId: "revoke_1"}))).msg(t)
		if out.GetStatus() != v1.MandateStatus_MANDATE_STATUS_REVOKED || out.GetConnectorMandateId() != "M5N7TQ4TG5PFWR50" {
			t.Fatalf("revoke = %v", out)
		}
		ex := wantOps(t, fake, "delete-storedPaymentMethods-storedPaymentMethodId")
		if ex[0].Method != http.MethodDelete || ex[0].IdempotencyKey != "" {
			t.Fatalf("revoke exchange = %+v (Checkout v71 declares no Idempotency-Key on DELETE)", ex[0])
		}
	})
}

func testHostDisputes(t *testing.T, env *hostEnv) {
	ctx := context.Background()
	dis, fake := env.disputes, env.fake
	const dispute = "DZ4DPSHB4WD2WN82"

	env.step(t, "Get", func(t *testing.T) {
		out := rpc(dis.Get(ctx, req(t, &v1.DisputeServiceGetRequest{ConnectorDisputeId: dispute}))).msg(t)
		reasons := out.GetDefenseReasons()
		if out.GetStatus() != v1.DisputeStatus_DISPUTE_STATUS_UNKNOWN || len(reasons) != 2 || reasons[0].GetCode() != "GoodsWereAsDescribed" ||
			strings.Join(reasons[0].GetRequiredEvidence(), ",") != "GoodsWereAsDescribed,TIDorInvoice" ||
			strings.Join(reasons[1].GetOptionalEvidence(), ",") != "DefenseMaterial" {
			t.Fatalf("get = %v", out)
		}
		ex := wantOps(t, fake, "post-retrieveApplicableDefenseReasons")
		if ex[0].Path != adyen.DisputesPath+"/retrieveApplicableDefenseReasons" || ex[0].Body["disputePspReference"] != dispute {
			t.Fatalf("exchange = %+v", ex[0])
		}
	})
	env.step(t, "Accept", func(t *testing.T) {
		out := rpc(dis.Accept(ctx, req(t, &v1.DisputeServiceAcceptRequest{ConnectorDisputeId: dispute, MerchantRequestId: "accept_1"}))).msg(t)
		if out.GetStatus() != v1.DisputeStatus_DISPUTE_STATUS_ACCEPTED {
			t.Fatalf("accept = %v", out)
		}
		wantOps(t, fake, "post-acceptDispute")
	})
	evidence := []*v1.EvidenceDocument{
		{Type: v1.EvidenceType_EVIDENCE_TYPE_RECEIPT, Content: []byte("%PDF-1.4 invoice"), MimeType: "application/pdf"},
		{Type: v1.EvidenceType_EVIDENCE_TYPE_SHIPPING_DOCUMENTATION, ConnectorEvidenceType: "GoodsRepairedOrReplaced",
			Content: []byte{0xff, 0xd8, 0xff}, MimeType: "image/jpeg"},
	}
	env.step(t, "SubmitEvidence", func(t *testing.T) {
		out := rpc(dis.SubmitEvidence(ctx, req(t, &v1.DisputeServiceSubmitEvidenceRequest{ConnectorDisputeId: dispute, Evidence: evidence}))).msg(t)
		if out.GetStatus() != v1.DisputeStatus_DISPUTE_STATUS_NEEDS_RESPONSE ||
			strings.Join(out.GetSubmittedEvidenceIds(), ",") != "TIDorInvoice,GoodsRepairedOrReplaced" {
			t.Fatalf("submit evidence = %v", out)
		}
		ex := wantOps(t, fake, "post-supplyDefenseDocument")
		docs, _ := ex[0].Body["defenseDocuments"].([]any)
		if len(docs) != 2 || conformancetest.JSONAt(docs[1], "defenseDocumentTypeCode") != "GoodsRepairedOrReplaced" {
			t.Fatalf("defenseDocuments = %v", docs)
		}
	})
	env.step(t, "Defend with evidence", func(t *testing.T) {
		// The plugin asks the host to supply the documents first, then defends.
		out := rpc(dis.Defend(ctx, req(t, &v1.DisputeServiceDefendRequest{
			ConnectorDisputeId: dispute, DefenseReasonCode: "GoodsWereAsDescribed", Evidence: evidence, MerchantRequestId: "defend_1",
		}))).msg(t)
		if out.GetStatus() != v1.DisputeStatus_DISPUTE_STATUS_UNDER_REVIEW {
			t.Fatalf("defend = %v", out)
		}
		ex := wantOps(t, fake, "post-supplyDefenseDocument", "post-defendDispute")
		if ex[1].Body["defenseReasonCode"] != "GoodsWereAsDescribed" {
			t.Fatalf("defend body = %v", ex[1].Body)
		}
	})
	env.step(t, "Accept an unknown dispute", func(t *testing.T) {
		fake.Answer("post-acceptDispute", func(map[string]any) (int, any) {
			return http.StatusOK, map[string]any{"disputeServiceResult": map[string]any{"success": false, "errorMessage": "Dispute not found."}}
		})
		defer fake.Answer("post-acceptDispute", nil)
		_, err := dis.Accept(ctx, req(t, &v1.DisputeServiceAcceptRequest{ConnectorDisputeId: "UNKNOWN0000001"}))
		pe := wantConnectError(t, err, connect.CodeNotFound, "adyen", "Dispute not found.")
		if pe.GetCode() != v1.ErrorCode_ERROR_CODE_NOT_FOUND {
			t.Fatalf("detail = %v", pe)
		}
		wantOps(t, fake, "post-acceptDispute")
	})
}

// notificationItems are an AUTHORISATION and a REFUND of one payment, as
// Adyen sends them in a standard notification.
func notificationItems() []map[string]any {
	return []map[string]any{
		{
			"pspReference": "QFQTPCQ8HXSKGK82", "merchantAccountCode": adyen.TestMerchant, "merchantReference": "order_manual",
			"amount": map[string]any{"value": 1000, "currency": "EUR"}, "eventCode": "AUTHORISATION", "success": "true",
			"eventDate": "2026-01-02T03:04:05+01:00", "paymentMethod": "visa", "reason": "044925:1111:03/2030",
			"additionalData": map[string]any{},
		},
		{
			"pspReference": "KHQC5N7G84BLNK43", "originalReference": "QFQTPCQ8HXSKGK82", "merchantAccountCode": adyen.TestMerchant,
			"merchantReference": "ref_full", "amount": map[string]any{"value": 1000, "currency": "EUR"}, "eventCode": "REFUND",
			"success": "true", "eventDate": "2026-01-03T03:04:05+01:00", "paymentMethod": "visa", "reason": "",
			"additionalData": map[string]any{},
		},
	}
}

func testHostWebhooks(t *testing.T, env *hostEnv) {
	ctx := context.Background()
	body := adyen.SignNotification(t, adyen.TestHMACKey, notificationItems()...)
	webhook := func(b []byte) *v1.WebhookRequest {
		return &v1.WebhookRequest{Method: http.MethodPost, Url: "https://merchant.example/webhooks/adyen",
			Headers: []*v1.HttpHeader{{Name: "Content-Type", Value: "application/json"}}, Body: b}
	}
	wantAck := func(t *testing.T, ack *v1.Acknowledgement) {
		t.Helper()
		ct := ""
		for _, h := range ack.GetHeaders() {
			if strings.EqualFold(h.GetName(), "Content-Type") {
				ct = h.GetValue()
			}
		}
		if ack.GetStatus() != http.StatusOK || string(ack.GetBody()) != "[accepted]" || ct != "text/plain" {
			t.Fatalf("acknowledgement = %v, want 200 text/plain [accepted]", ack)
		}
	}

	env.step(t, "EventService.HandleEvent", func(t *testing.T) {
		out := rpc(env.events.HandleEvent(ctx, req(t, &v1.EventServiceHandleEventRequest{Webhook: webhook(body)}))).msg(t)
		wantAck(t, out.GetAcknowledgement())
		evs := out.GetEvents()
		if len(evs) != 2 {
			t.Fatalf("events = %v", evs)
		}
		pay, ref := evs[0], evs[1]
		if !pay.GetVerified() || pay.GetKind() != v1.EventKind_EVENT_KIND_PAYMENT || pay.GetEventId() != "AUTHORISATION:QFQTPCQ8HXSKGK82:true" ||
			pay.GetPayment().GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZED || pay.GetPayment().GetConnectorTransactionId() != "QFQTPCQ8HXSKGK82" ||
			pay.GetPayment().GetMerchantTransactionId() != "order_manual" || pay.GetPayment().GetAmount().GetMinorAmount() != 1000 {
			t.Fatalf("payment event = %v", pay)
		}
		if !ref.GetVerified() || ref.GetKind() != v1.EventKind_EVENT_KIND_REFUND || ref.GetRefund().GetStatus() != v1.RefundStatus_REFUND_STATUS_SUCCEEDED ||
			ref.GetRefund().GetConnectorRefundId() != "KHQC5N7G84BLNK43" || ref.GetRefund().GetConnectorTransactionId() != "QFQTPCQ8HXSKGK82" {
			t.Fatalf("refund event = %v", ref)
		}
	})
	env.step(t, "PaymentService.HandleEvent refuses a mixed batch whole", func(t *testing.T) {
		// Its ack would drop the refund for good (webhook_host_test.go).
		_, err := env.payments.HandleEvent(ctx, req(t, &v1.PaymentServiceHandleEventRequest{Webhook: webhook(body)}))
		wantConnectError(t, err, connect.CodeFailedPrecondition, "EventService.HandleEvent")
	})
	env.step(t, "only hmac_key is needed", func(t *testing.T) {
		out := rpc(env.events.HandleEvent(ctx, adyenCall(t, &v1.EventServiceHandleEventRequest{Webhook: webhook(body)},
			map[string]string{"hmac_key": adyen.TestHMACKey}))).msg(t)
		if len(out.GetEvents()) != 2 {
			t.Fatalf("events = %v", out.GetEvents())
		}
	})

	// Tampered after signing: the AUTHORISATION's amount raised, the
	// signatures kept. No item verifies, so the webhook is refused.
	var n map[string]any
	if err := json.Unmarshal(adyen.SignNotification(t, adyen.TestHMACKey, notificationItems()[0]), &n); err != nil {
		t.Fatal(err)
	}
	it := conformancetest.JSONAt(n["notificationItems"].([]any)[0], "NotificationRequestItem").(map[string]any)
	it["amount"].(map[string]any)["value"] = 100000
	tampered, err := json.Marshal(n)
	if err != nil {
		t.Fatal(err)
	}
	env.step(t, "tampered EventService.HandleEvent", func(t *testing.T) {
		_, err := env.events.HandleEvent(ctx, req(t, &v1.EventServiceHandleEventRequest{Webhook: webhook(tampered)}))
		wantConnectError(t, err, connect.CodeUnauthenticated, "adyen", "webhook rejected")
	})
	env.step(t, "tampered PaymentService.HandleEvent", func(t *testing.T) {
		_, err := env.payments.HandleEvent(ctx, req(t, &v1.PaymentServiceHandleEventRequest{Webhook: webhook(tampered)}))
		wantConnectError(t, err, connect.CodeUnauthenticated, "adyen")
	})
	env.step(t, "wrong key", func(t *testing.T) {
		_, err := env.events.HandleEvent(ctx, adyenCall(t, &v1.EventServiceHandleEventRequest{Webhook: webhook(body)},
			map[string]string{"hmac_key": strings.Repeat("0F", 32)}))
		wantConnectError(t, err, connect.CodeUnauthenticated, "adyen")
	})
	wantOps(t, env.fake) // verifying webhooks never calls Adyen
}

func testHostErrors(t *testing.T, env *hostEnv) {
	ctx := context.Background()
	pay, fake := env.payments, env.fake

	env.step(t, "refused payment is a response, not an error", func(t *testing.T) {
		fake.Answer("post-payments", func(b map[string]any) (int, any) {
			return http.StatusOK, map[string]any{"pspReference": "8515131751004934", "resultCode": "Refused", "merchantReference": b["reference"],
				"refusalReason": "Not enough balance", "refusalReasonCode": "12",
				"additionalData": map[string]any{"refusalReasonRaw": "51 : Insufficient funds", "merchantAdviceCode": "01"}}
		})
		defer fake.Answer("post-payments", nil)
		out := rpc(pay.Authorize(ctx, req(t, cardAuthorize("order_refused", v1.CaptureMethod_CAPTURE_METHOD_AUTOMATIC)))).msg(t)
		e := out.GetError()
		if out.GetStatus() != v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZATION_FAILED || e.GetCode() != v1.ErrorCode_ERROR_CODE_INSUFFICIENT_FUNDS ||
			e.GetConnector().GetCode() != "12" || e.GetConnector().GetRequestId() != "8515131751004934" ||
			e.GetIssuer().GetNetworkDeclineCode() != "51" || e.GetIssuer().GetAdviceCode() != "01" {
			t.Fatalf("refused = %v", out)
		}
		wantOps(t, fake, "post-payments")
	})
	env.step(t, "401 is Unauthenticated", func(t *testing.T) {
		fake.Answer("post-payments", func(map[string]any) (int, any) {
			return http.StatusUnauthorized, map[string]any{"status": 401, "errorCode": "000", "message": "HTTP Status Response - Unauthorized", "errorType": "security"}
		})
		defer fake.Answer("post-payments", nil)
		_, err := pay.Authorize(ctx, req(t, cardAuthorize("order_401", v1.CaptureMethod_CAPTURE_METHOD_AUTOMATIC)))
		pe := wantConnectError(t, err, connect.CodeUnauthenticated, "adyen: HTTP 401")
		if pe.GetCode() != v1.ErrorCode_ERROR_CODE_INVALID_CREDENTIALS || pe.GetConnector().GetHttpStatus() != http.StatusUnauthorized {
			t.Fatalf("detail = %v", pe)
		}
		wantOps(t, fake, "post-payments") // not retried
	})
	env.step(t, "422 validation is InvalidArgument", func(t *testing.T) {
		fake.Answer("post-payments-paymentPspReference-captures", func(map[string]any) (int, any) {
			return http.StatusUnprocessableEntity, map[string]any{"status": 422, "errorCode": "167", "message": "Original pspReference required for this operation", "errorType": "validation"}
		})
		defer fake.Answer("post-payments-paymentPspReference-captures", nil)
		_, err := pay.Capture(ctx, req(t, &v1.PaymentServiceCaptureRequest{ConnectorTransactionId: "NOPE000000000001", MerchantCaptureId: "cap_422", AmountToCapture: eur(100)}))
		pe := wantConnectError(t, err, connect.CodeInvalidArgument, "adyen")
		if pe.GetConnector().GetCode() != "167" || pe.GetConnector().GetHttpStatus() != http.StatusUnprocessableEntity {
			t.Fatalf("detail = %v", pe)
		}
		wantOps(t, fake, "post-payments-paymentPspReference-captures")
	})
	env.step(t, "missing credential field", func(t *testing.T) {
		creds := testCredentials()
		delete(creds, "merchant_account")
		_, err := pay.Authorize(ctx, adyenCall(t, cardAuthorize("order_nocreds", v1.CaptureMethod_CAPTURE_METHOD_AUTOMATIC), creds))
		wantConnectError(t, err, connect.CodeUnauthenticated, `"adyen"`, "merchant_account")
		wantOps(t, fake)
	})
}
