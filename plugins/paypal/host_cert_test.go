//go:build !wasip1

package paypal_test

// Webhook verification through the real host with the certificate the host
// fetches: PayPal's certificate host (api.sandbox.paypal.com, an egress host
// of the plugin) is served by a local TLS server, reached through the host's
// egress proxy (egress.proxy) and trusted through egress.ca_file, so the
// host's own allowlist, fetch, size cap and cache are what is tested.

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"connectrpc.com/connect"

	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/gen/connectorhost/v1/connectorhostv1connect"
	"github.com/connectorhost/connector-host/host/config"
	"github.com/connectorhost/connector-host/internal/hosttest"
)

// certHost serves PayPal's certificate URLs over TLS and counts the fetches.
type certHost struct {
	mu      sync.Mutex
	fetches map[string]int
	bodies  map[string]string // path -> body
}

func (c *certHost) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.fetches[r.Host+r.URL.Path]++
	body, ok := c.bodies[r.URL.Path]
	if !ok {
		http.NotFound(w, r)
		return
	}
	io.WriteString(w, body)
}

func (c *certHost) count(hostPath string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.fetches[hostPath]
}

func (c *certHost) total() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, v := range c.fetches {
		n += v
	}
	return n
}

// tlsFor returns a server certificate for names signed by a new CA, and the CA's PEM.
func tlsFor(t *testing.T, names ...string) (tls.Certificate, []byte) {
	t.Helper()
	caKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	from, to := time.Now().Add(-time.Hour), time.Now().Add(24*time.Hour)
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "egress test CA"}, NotBefore: from, NotAfter: to,
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: names[0]}, DNSNames: names, NotBefore: from, NotAfter: to,
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, caTmpl, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER})
}

// connectProxy tunnels every CONNECT to target and records the requested hosts.
type connectProxy struct {
	target string
	mu     sync.Mutex
	hosts  []string
}

func (p *connectProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodConnect {
		http.Error(w, "CONNECT only", http.StatusMethodNotAllowed)
		return
	}
	p.mu.Lock()
	p.hosts = append(p.hosts, r.Host)
	p.mu.Unlock()
	up, err := net.Dial("tcp", p.target)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	conn, _, err := w.(http.Hijacker).Hijack()
	if err != nil {
		up.Close()
		return
	}
	io.WriteString(conn, "HTTP/1.1 200 Connection established\r\n\r\n")
	go func() { io.Copy(up, conn); up.Close() }()
	go func() { io.Copy(conn, up); conn.Close() }()
}

// connected returns the hosts the egress client tunnelled to.
func (p *connectProxy) connected() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.hosts...)
}

func TestHostFetchesAndCachesTheSigningCertificate(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the .wasm and starts a host: skipped with -short")
	}
	s := newWebhookSigner(t, false)
	certPath := strings.TrimPrefix(testCertURL, "https://api.sandbox.paypal.com")
	certs := &certHost{fetches: map[string]int{}, bodies: map[string]string{certPath: s.chainPEM, "/big": strings.Repeat("A", 70<<10)}}
	srv := httptest.NewUnstartedServer(certs)
	cert, caPEM := tlsFor(t, "api.sandbox.paypal.com", "api.paypal.com")
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	proxy := &connectProxy{target: srv.Listener.Addr().String()}
	psrv := httptest.NewServer(proxy)
	t.Cleanup(psrv.Close)
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(caFile, caPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	// The operator base URL points elsewhere: it must not widen (or narrow) what may be fetched.
	base := hosttest.StartWith(t, "paypal", "http://127.0.0.1:1", func(c *config.Config) {
		c.Egress.Proxy = psrv.URL
		c.Egress.CAFile = caFile
	})
	events := connectorhostv1connect.NewEventServiceClient(http.DefaultClient, base)
	creds := map[string]string{"webhook_id": s.webhookID, "webhook_cert_pem": s.rootPEM}
	ctx := context.Background()
	handle := func(w *v1.WebhookRequest) (*connect.Response[v1.EventServiceHandleEventResponse], error) {
		return events.HandleEvent(ctx, hosttest.Request(t, "paypal", creds, &v1.EventServiceHandleEventRequest{Webhook: w}))
	}
	body := []byte(`{"id":"WH-1","event_type":"PAYMENT.CAPTURE.COMPLETED","create_time":"2026-01-02T03:04:05Z","resource":{"id":"CAP1","status":"COMPLETED",` +
		`"amount":{"currency_code":"USD","value":"10.00"},"supplementary_data":{"related_ids":{"order_id":"ORD1"}}}}`)
	certKey := "api.sandbox.paypal.com" + certPath

	res := hosttest.RPC(handle(s.sign(t, body, time.Now()))).Msg(t)
	if len(res.GetEvents()) != 1 || !res.GetEvents()[0].GetVerified() || res.GetEvents()[0].GetPayment().GetConnectorTransactionId() != "ORD1" {
		t.Fatalf("events = %v", res.GetEvents())
	}
	if n := certs.count(certKey); n != 1 {
		t.Fatalf("the certificate was fetched %d times, want 1", n)
	}
	if hosts := proxy.connected(); len(hosts) != 1 || hosts[0] != "api.sandbox.paypal.com:443" {
		t.Fatalf("the host connected to %v, want api.sandbox.paypal.com:443 only", hosts)
	}

	// A second webhook is verified with the cached certificate.
	hosttest.RPC(handle(s.sign(t, body, time.Now()))).Msg(t)
	if n := certs.count(certKey); n != 1 {
		t.Fatalf("the certificate was fetched %d times for two webhooks, want 1 (cached)", n)
	}

	set := func(w *v1.WebhookRequest, name, value string) *v1.WebhookRequest {
		for _, h := range w.Headers {
			if strings.EqualFold(h.Name, name) {
				h.Value = value
			}
		}
		return w
	}
	other := newWebhookSigner(t, false)
	for name, tc := range map[string]struct {
		w    *v1.WebhookRequest
		code connect.Code
	}{
		"body tampered": {func() *v1.WebhookRequest {
			w := s.sign(t, body, time.Now())
			w.Body = []byte(strings.Replace(string(body), "10.00", "99.00", 1))
			return w
		}(), connect.CodeUnauthenticated},
		"timestamp tampered":                         {set(s.sign(t, body, time.Now()), "Paypal-Transmission-Time", time.Now().Add(time.Second).UTC().Format(time.RFC3339)), connect.CodeUnauthenticated},
		"signed by another key":                      {other.sign(t, body, time.Now()), connect.CodeUnauthenticated},
		"certificate url on another host":            {set(s.sign(t, body, time.Now()), "Paypal-Cert-Url", "https://evil.example/v1/notifications/certs/CERT-1"), connect.CodeUnauthenticated},
		"certificate url on the operator's base URL": {set(s.sign(t, body, time.Now()), "Paypal-Cert-Url", "http://127.0.0.1:1/cert"), connect.CodeUnauthenticated},
	} {
		t.Run(name, func(t *testing.T) {
			before := certs.total()
			_, err := handle(tc.w)
			if connect.CodeOf(err) != tc.code {
				t.Fatalf("err = %v, want %v", err, tc.code)
			}
			if certs.total() != before {
				t.Errorf("a refused webhook made the host fetch (%d fetches, %d before)", certs.total(), before)
			}
		})
	}
	if hosts := proxy.connected(); len(hosts) != 1 {
		t.Errorf("the host connected to %v; the refused webhooks must not connect anywhere", hosts)
	}

	t.Run("a document larger than 64 KiB is refused", func(t *testing.T) {
		w := set(s.sign(t, body, time.Now()), "Paypal-Cert-Url", "https://api.sandbox.paypal.com/big")
		_, err := handle(w)
		if connect.CodeOf(err) != connect.CodeUnauthenticated || !strings.Contains(err.Error(), "larger than 64 KiB") {
			t.Fatalf("err = %v", err)
		}
	})
}
