package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"connectrpc.com/connect"
	"connectrpc.com/grpcreflect"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/gen/connectorhost/v1/connectorhostv1connect"
	"github.com/connectorhost/connector-host/host/app"
	"github.com/connectorhost/connector-host/host/config"
	"github.com/connectorhost/connector-host/host/server"
	"github.com/connectorhost/connector-host/internal/wasmbuild"
)

// startHost runs a host on a loopback port with the faulty test plugin,
// pointed at a fake processor that echoes the request body.
func startHost(t *testing.T) string {
	t.Helper()
	base, _ := startHostWith(t, app.Options{})
	return base
}

// startHostWith is startHost with opts; it also returns the plugin directory.
func startHostWith(t *testing.T, opts app.Options) (string, string) {
	t.Helper()
	processor := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		w.Write(b)
	}))
	t.Cleanup(processor.Close)

	dir := t.TempDir()
	b, err := os.ReadFile(wasmbuild.Build(t, "./host/sandbox/testdata/faulty", "faulty"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "faulty.wasm"), b, 0o644))

	cfg := config.Default()
	cfg.Listen = "127.0.0.1:0"
	cfg.PluginsDir = dir
	cfg.CacheDir = t.TempDir()
	cfg.Plugins.CallTimeout = 5 * time.Second
	cfg.Connectors["faulty"] = config.Connector{BaseURL: processor.URL}
	cfg.Accounts = []config.Account{{Name: "faulty-main", Connector: "faulty", Credentials: map[string]string{}}}
	ctx, cancel := context.WithCancel(context.Background())
	h, err := app.New(ctx, cfg, opts)
	require.NoError(t, err)
	done := make(chan error, 1)
	go func() { done <- h.Serve(ctx, 5*time.Second) }()
	t.Cleanup(func() {
		cancel()
		require.NoError(t, <-done)
	})
	require.NoError(t, h.Registry().WaitLoaded(ctx))
	return "http://" + h.Addr(), dir
}

func authorizeRequest(id string) *v1.PaymentServiceAuthorizeRequest {
	return &v1.PaymentServiceAuthorizeRequest{
		MerchantTransactionId: id,
		Amount:                &v1.Money{MinorAmount: 1000, Currency: "USD"},
		PaymentMethod:         &v1.PaymentMethod{Method: &v1.PaymentMethod_Token{Token: &v1.ProcessorToken{Token: "tok_1"}}},
	}
}

func withHeaders[T any](msg *T, kv ...string) *connect.Request[T] {
	req := connect.NewRequest(msg)
	for i := 0; i+1 < len(kv); i += 2 {
		req.Header().Set(kv[i], kv[i+1])
	}
	return req
}

func TestConnectGRPCWebAndHTTPJSON(t *testing.T) {
	base := startHost(t)
	ctx := context.Background()
	for name, opts := range map[string][]connect.ClientOption{
		"connect":  nil,
		"grpc-web": {connect.WithGRPCWeb()},
	} {
		t.Run(name, func(t *testing.T) {
			client := connectorhostv1connect.NewPaymentServiceClient(http.DefaultClient, base, opts...)
			res, err := client.Authorize(ctx, withHeaders(authorizeRequest("order_"+strings.ReplaceAll(name, "-", "_")), "x-connector", "faulty", "x-connector-auth", "{}", "x-request-id", "rid-123"))
			require.NoError(t, err)
			assert.Equal(t, v1.PaymentStatus_PAYMENT_STATUS_CHARGED, res.Msg.GetStatus())
			assert.Equal(t, "order_"+strings.ReplaceAll(name, "-", "_"), res.Msg.GetConnectorTransactionId(), "the fake processor echoed the plugin's body")
			assert.Equal(t, int32(200), res.Msg.GetConnectorHttpStatus(), "the host fills the processor's HTTP status")
			assert.Equal(t, "rid-123", res.Header().Get("X-Request-Id"))
		})
	}

	t.Run("http-json", func(t *testing.T) {
		body := `{"merchantTransactionId":"order_json","amount":{"minorAmount":"250","currency":"EUR"},"paymentMethod":{"token":{"token":"tok_1"}}}`
		req, _ := http.NewRequest(http.MethodPost, base+"/connectorhost.v1.PaymentService/Authorize", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("x-connector", "faulty")
		req.Header.Set("x-connector-account", "faulty-main")
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer res.Body.Close()
		require.Equal(t, 200, res.StatusCode)
		var out map[string]any
		require.NoError(t, json.NewDecoder(res.Body).Decode(&out))
		assert.Equal(t, "PAYMENT_STATUS_CHARGED", out["status"])
		assert.Equal(t, map[string]any{"minorAmount": "250", "currency": "EUR"}, out["amount"])
		assert.NotEmpty(t, res.Header.Get("X-Request-Id"), "a request id is generated when absent")
	})
}

func TestGRPCClientHealthAndReflection(t *testing.T) {
	base := startHost(t)
	conn, err := grpc.NewClient(strings.TrimPrefix(base, "http://"), grpc.WithTransportCredentials(insecure.NewCredentials()))
	require.NoError(t, err)
	defer conn.Close()
	ctx := metadata.AppendToOutgoingContext(context.Background(), "x-connector", "faulty", "x-connector-auth", "{}")

	out := &v1.PaymentServiceAuthorizeResponse{}
	require.NoError(t, conn.Invoke(ctx, "/connectorhost.v1.PaymentService/Authorize", authorizeRequest("order_grpc"), out))
	assert.Equal(t, v1.PaymentStatus_PAYMENT_STATUS_CHARGED, out.GetStatus())

	// Validation happens before any connector runs.
	bad := authorizeRequest("order_grpc_bad")
	bad.Amount.Currency = "usd"
	err = conn.Invoke(ctx, "/connectorhost.v1.PaymentService/Authorize", bad, out)
	assert.Equal(t, "InvalidArgument", status.Code(err).String())
	assert.Contains(t, status.Convert(err).Message(), "amount.currency")

	health := healthpb.NewHealthClient(conn)
	hres, err := health.Check(context.Background(), &healthpb.HealthCheckRequest{})
	require.NoError(t, err)
	assert.Equal(t, healthpb.HealthCheckResponse_SERVING, hres.GetStatus())
	_, err = health.Check(context.Background(), &healthpb.HealthCheckRequest{Service: "nope.Service"})
	assert.Equal(t, "NotFound", status.Code(err).String())

	protocols := new(http.Protocols)
	protocols.SetUnencryptedHTTP2(true)
	h2c := &http.Client{Transport: &http.Transport{Protocols: protocols}}
	rc := grpcreflect.NewClient(h2c, base, connect.WithGRPC())
	stream := rc.NewStream(context.Background())
	names, err := stream.ListServices()
	require.NoError(t, err)
	_, _ = stream.Close()
	got := map[string]bool{}
	for _, n := range names {
		got[string(n)] = true
	}
	for _, want := range server.ServiceNames {
		assert.True(t, got[want], "reflection lists %s", want)
	}
}

func TestErrorsNameTheProblem(t *testing.T) {
	base := startHost(t)
	client := connectorhostv1connect.NewPaymentServiceClient(http.DefaultClient, base)
	ctx := context.Background()
	cases := []struct {
		name     string
		req      *connect.Request[v1.PaymentServiceAuthorizeRequest]
		code     connect.Code
		contains string
	}{
		{"missing amount", withHeaders(&v1.PaymentServiceAuthorizeRequest{MerchantTransactionId: "o1", PaymentMethod: authorizeRequest("x").PaymentMethod}, "x-connector", "faulty", "x-connector-auth", "{}"),
			connect.CodeInvalidArgument, "amount"},
		{"unknown currency", withHeaders(func() *v1.PaymentServiceAuthorizeRequest {
			r := authorizeRequest("o2")
			r.Amount.Currency = "XYZ"
			return r
		}(), "x-connector", "faulty", "x-connector-auth", "{}"), connect.CodeInvalidArgument, `amount.currency: "XYZ" is not an ISO-4217 currency`},
		{"bad card number", withHeaders(&v1.PaymentServiceAuthorizeRequest{MerchantTransactionId: "o3", Amount: &v1.Money{MinorAmount: 1, Currency: "USD"},
			PaymentMethod: &v1.PaymentMethod{Method: &v1.PaymentMethod_Card{Card: &v1.Card{Number: "42", ExpMonth: 1, ExpYear: 2030}}}}, "x-connector", "faulty", "x-connector-auth", "{}"),
			connect.CodeInvalidArgument, "payment_method.card.number"},
		{"no connector header", withHeaders(authorizeRequest("o4"), "x-connector-auth", "{}"), connect.CodeInvalidArgument, "x-connector header is required"},
		{"unknown connector", withHeaders(authorizeRequest("o5"), "x-connector", "paypal", "x-connector-auth", "{}"), connect.CodeNotFound, `connector "paypal" is not loaded`},
		{"missing credentials", withHeaders(authorizeRequest("o6"), "x-connector", "faulty"), connect.CodeUnauthenticated, "no credentials"},
		{"malformed credentials", withHeaders(authorizeRequest("o7"), "x-connector", "faulty", "x-connector-auth", "{not json"), connect.CodeInvalidArgument, "x-connector-auth must be a JSON object"},
		{"unknown credential field", withHeaders(authorizeRequest("o8"), "x-connector", "faulty", "x-connector-auth", `{"api_kye":"sk_x"}`), connect.CodeInvalidArgument, `has no field(s) "api_kye"`},
		{"unknown account", withHeaders(authorizeRequest("o9"), "x-connector", "faulty", "x-connector-account", "nope"), connect.CodeUnauthenticated, `no account named "nope"`},
		{"plugin trap", withHeaders(authorizeRequest("trap"), "x-connector", "faulty", "x-connector-auth", "{}"), connect.CodeInternal, `plugin "faulty"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := client.Authorize(ctx, c.req)
			var ce *connect.Error
			require.True(t, errors.As(err, &ce), "got %v", err)
			assert.Equal(t, c.code, ce.Code(), ce.Message())
			assert.Contains(t, ce.Message(), c.contains)
		})
	}

	_, err := client.Get(ctx, withHeaders(&v1.PaymentServiceGetRequest{ConnectorTransactionId: "pi_1"}, "x-connector", "faulty", "x-connector-auth", "{}"))
	assert.Equal(t, connect.CodeUnimplemented, connect.CodeOf(err))
	assert.Contains(t, err.Error(), `connector "faulty" does not support PaymentService.Get`)
}

func TestConnectorServiceReportsManifests(t *testing.T) {
	base := startHost(t)
	client := connectorhostv1connect.NewConnectorServiceClient(http.DefaultClient, base)
	res, err := client.ListConnectors(context.Background(), connect.NewRequest(&v1.ConnectorServiceListConnectorsRequest{}))
	require.NoError(t, err)
	require.Len(t, res.Msg.GetConnectors(), 1)
	c := res.Msg.GetConnectors()[0]
	assert.Equal(t, "faulty", c.GetName())
	assert.Equal(t, v1.ConnectorLoadState_CONNECTOR_LOAD_STATE_READY, c.GetLoadState())
	assert.Equal(t, []v1.Flow{v1.Flow_FLOW_AUTHORIZE}, c.GetManifest().GetFlows())
	assert.True(t, strings.HasPrefix(c.GetBaseUrl(), "http://127.0.0.1:"), "reports the operator's override")

	_, err = client.GetConnector(context.Background(), connect.NewRequest(&v1.ConnectorServiceGetConnectorRequest{Name: "stripe"}))
	assert.Equal(t, connect.CodeNotFound, connect.CodeOf(err))
	_, err = client.GetConnector(context.Background(), connect.NewRequest(&v1.ConnectorServiceGetConnectorRequest{Name: "Bad Name"}))
	assert.Equal(t, connect.CodeInvalidArgument, connect.CodeOf(err))
}

// The base URL is chosen only by the operator: no header or field of a request can redirect a call.
func TestRequestCannotOverrideBaseURL(t *testing.T) {
	base := startHost(t)
	body := bytes.NewBufferString(`{"merchantTransactionId":"o_url","amount":{"minorAmount":"1","currency":"USD"},"paymentMethod":{"token":{"token":"t"}},"metadata":{"base_url":"http://evil.test"}}`)
	req, _ := http.NewRequest(http.MethodPost, base+"/connectorhost.v1.PaymentService/Authorize", body)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("x-connector", "faulty")
	req.Header.Set("x-connector-auth", "{}")
	req.Header.Set("x-connector-base-url", "http://evil.test")
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	assert.Equal(t, 200, res.StatusCode, "served by the operator's fake processor, not evil.test")
}
