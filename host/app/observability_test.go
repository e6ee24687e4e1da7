package app_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"connectrpc.com/connect"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	oteltrace "go.opentelemetry.io/otel/trace"

	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/gen/connectorhost/v1/connectorhostv1connect"
	"github.com/connectorhost/connector-host/host/app"
	"github.com/connectorhost/connector-host/host/config"
)

// Each call is a server span with the Wasm transforms and the processor
// attempt as children, continuing the caller's trace.
func TestTracingSpans(t *testing.T) {
	proc := newFakeProcessor(t)
	cfg := hostConfig(t, "faulty")
	cfg.Connectors["faulty"] = config.Connector{BaseURL: proc.srv.URL}
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	defer tp.Shutdown(context.Background())
	h := launch(t, cfg, app.Options{TracerProvider: tp})

	traceID := "4bf92f3577b34da6a3ce929d0e0e4736"
	client := connectorhostv1connect.NewPaymentServiceClient(http.DefaultClient, h.base)
	_, err := client.Authorize(context.Background(), withHeaders(authorizeRequest("order_traced"),
		"x-connector", "faulty", "x-connector-auth", "{}", "traceparent", "00-"+traceID+"-00f067aa0ba902b7-01"))
	require.NoError(t, err)

	byName := map[string]sdktrace.ReadOnlySpan{}
	for _, s := range rec.Ended() {
		byName[s.Name()] = s
	}
	server, ok := byName["connectorhost.v1.PaymentService/Authorize"]
	require.True(t, ok, "server span; got %v", names(rec.Ended()))
	assert.Equal(t, traceID, server.SpanContext().TraceID().String(), "the caller's trace continues")
	assert.Equal(t, oteltrace.SpanKindServer, server.SpanKind())
	for _, name := range []string{"wasm connector_build_request", "processor POST", "wasm connector_parse_response"} {
		s, ok := byName[name]
		require.True(t, ok, "%s span; got %v", name, names(rec.Ended()))
		assert.Equal(t, server.SpanContext().SpanID(), s.Parent().SpanID(), "%s is a child of the call", name)
	}
	attrs := map[string]string{}
	for _, a := range byName["processor POST"].Attributes() {
		attrs[string(a.Key)] = a.Value.Emit()
	}
	assert.Equal(t, "200", attrs["http.response.status_code"])
	assert.Equal(t, "/pay", attrs["url.path"])
	assert.Equal(t, "true", attrs["idempotent"])
	assert.Empty(t, proc.sawHeader("Traceparent"), "trace context is not sent to processors")
}

func names(spans []sdktrace.ReadOnlySpan) []string {
	var out []string
	for _, s := range spans {
		out = append(out, s.Name())
	}
	return out
}

// testPKI writes a CA, a server certificate for 127.0.0.1 and a client
// certificate to dir.
type testPKI struct {
	dir                           string
	pool                          *x509.CertPool
	ca                            *x509.Certificate
	caKey                         *ecdsa.PrivateKey
	client                        tls.Certificate
	clientCertPEM, clientKeyPEM   string
	serverCert, serverKey, caFile string
}

func newTestPKI(t *testing.T) *testPKI {
	t.Helper()
	p := &testPKI{dir: t.TempDir(), pool: x509.NewCertPool()}
	var err error
	p.caKey, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test CA"}, NotBefore: time.Now().Add(-time.Hour),
		NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &p.caKey.PublicKey, p.caKey)
	require.NoError(t, err)
	p.ca, _ = x509.ParseCertificate(der)
	p.pool.AddCert(p.ca)
	p.caFile = p.write(t, "ca.pem", "CERTIFICATE", der)
	cert, key := p.issue(t, 2, "127.0.0.1", x509.ExtKeyUsageServerAuth)
	p.serverCert, p.serverKey = p.write(t, "server.pem", "CERTIFICATE", cert), p.write(t, "server-key.pem", "EC PRIVATE KEY", key)
	cert, key = p.issue(t, 3, "shop-backend", x509.ExtKeyUsageClientAuth)
	p.clientCertPEM = string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert}))
	p.clientKeyPEM = string(pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: key}))
	p.client, err = tls.X509KeyPair([]byte(p.clientCertPEM), []byte(p.clientKeyPEM))
	require.NoError(t, err)
	return p
}

func (p *testPKI) issue(t *testing.T, serial int64, cn string, usage x509.ExtKeyUsage) (certDER, keyDER []byte) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: cn}, NotBefore: time.Now().Add(-time.Hour),
		NotAfter: time.Now().Add(time.Hour), ExtKeyUsage: []x509.ExtKeyUsage{usage}, KeyUsage: x509.KeyUsageDigitalSignature}
	if ip := net.ParseIP(cn); ip != nil {
		tmpl.IPAddresses = []net.IP{ip}
	}
	certDER, err = x509.CreateCertificate(rand.Reader, tmpl, p.ca, &key.PublicKey, p.caKey)
	require.NoError(t, err)
	keyDER, err = x509.MarshalECPrivateKey(key)
	require.NoError(t, err)
	return certDER, keyDER
}

func (p *testPKI) write(t *testing.T, name, typ string, der []byte) string {
	path := filepath.Join(p.dir, name)
	require.NoError(t, os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600))
	return path
}

func TestTLSAndClientCertificates(t *testing.T) {
	pki := newTestPKI(t)
	proc := newFakeProcessor(t)
	cfg := hostConfig(t, "faulty")
	cfg.Connectors["faulty"] = config.Connector{BaseURL: proc.srv.URL}
	cfg.TLS = config.TLS{CertFile: pki.serverCert, KeyFile: pki.serverKey, ClientCAFile: pki.caFile}
	h := launch(t, cfg, app.Options{})
	base := "https://" + h.host.Addr()

	tlsClient := func(certs ...tls.Certificate) *http.Client {
		tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pki.pool, Certificates: certs}, ForceAttemptHTTP2: true}
		t.Cleanup(tr.CloseIdleConnections)
		return &http.Client{Transport: tr}
	}
	ok := tlsClient(pki.client)
	res, err := ok.Get(base + "/healthz")
	require.NoError(t, err)
	res.Body.Close()
	assert.Equal(t, "HTTP/2.0", res.Proto)
	assert.GreaterOrEqual(t, res.TLS.Version, uint16(tls.VersionTLS12))

	out, err := connectorhostv1connect.NewPaymentServiceClient(ok, base, connect.WithGRPC()).Authorize(context.Background(),
		withHeaders(authorizeRequest("order_tls"), "x-connector", "faulty", "x-connector-auth", "{}"))
	require.NoError(t, err)
	assert.Equal(t, v1.PaymentStatus_PAYMENT_STATUS_CHARGED, out.Msg.GetStatus())

	_, err = tlsClient().Get(base + "/healthz")
	require.Error(t, err, "a caller without a client certificate is refused")
	res, err = http.Get("http://" + h.host.Addr() + "/healthz")
	require.NoError(t, err)
	res.Body.Close()
	assert.Equal(t, http.StatusBadRequest, res.StatusCode, "no cleartext on a TLS port")
}

// A processor that requires mutual TLS gets the client certificate carried
// in the call's credentials (tls_client_cert, tls_client_key); its CA comes
// from egress.ca_file.
func TestClientCertificateFromCredentials(t *testing.T) {
	pki := newTestPKI(t)
	serverPair, err := tls.LoadX509KeyPair(pki.serverCert, pki.serverKey)
	require.NoError(t, err)
	seen := make(chan string, 8)
	proc := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		seen <- r.TLS.PeerCertificates[0].Subject.CommonName
		io.WriteString(w, "{}")
	}))
	proc.TLS = &tls.Config{Certificates: []tls.Certificate{serverPair}, ClientCAs: pki.pool, ClientAuth: tls.RequireAndVerifyClientCert}
	proc.StartTLS()
	defer proc.Close()

	cfg := hostConfig(t, "leaky")
	cfg.Egress.CAFile = pki.caFile
	cfg.Egress.Retry.MaxAttempts = 1
	cfg.Connectors["leaky"] = config.Connector{BaseURL: proc.URL}
	h := launch(t, cfg, app.Options{})
	client := connectorhostv1connect.NewPaymentServiceClient(http.DefaultClient, h.base)
	creds := func(cert, key string) string {
		b, _ := json.Marshal(map[string]string{"api_key": testAPIKey, "tls_client_cert": cert, "tls_client_key": key})
		return string(b)
	}
	authorize := func(auth string) error {
		_, err := client.Authorize(context.Background(), withHeaders(cardRequest("order_mtls"), "x-connector", "leaky", "x-connector-auth", auth))
		return err
	}

	require.NoError(t, authorize(creds(pki.clientCertPEM, pki.clientKeyPEM)))
	assert.Equal(t, "shop-backend", <-seen, "the processor saw the credentials' client certificate")

	err = authorize(creds(pki.clientCertPEM, "-----BEGIN EC PRIVATE KEY-----\nbm90IGEga2V5\n-----END EC PRIVATE KEY-----\n"))
	assert.Equal(t, connect.CodeInvalidArgument, connect.CodeOf(err))
	assert.Contains(t, err.Error(), "tls_client_cert and tls_client_key are not a usable PEM certificate and private key")
	assert.NotContains(t, err.Error(), "bm90IGEga2V5")

	err = authorize(`{"api_key":"` + testAPIKey + `"}`)
	require.Error(t, err, "without a client certificate the processor refuses the connection")
	assert.Equal(t, connect.CodeUnavailable, connect.CodeOf(err), "%v", err)
}
