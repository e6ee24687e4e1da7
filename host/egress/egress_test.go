package egress_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/host/breaker"
	"github.com/connectorhost/connector-host/host/egress"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// processor is a misbehaving loopback processor that counts what it receives.
type processor struct {
	srv      *httptest.Server
	requests atomic.Int32
	handle   func(w http.ResponseWriter, r *http.Request)
}

func newProcessor(t *testing.T, handle func(w http.ResponseWriter, r *http.Request)) *processor {
	t.Helper()
	p := &processor{handle: handle}
	p.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.requests.Add(1)
		// Read the body first: the server notices a client hanging up (and
		// cancels r.Context()) only once the body is consumed.
		io.Copy(io.Discard, r.Body)
		p.handle(w, r)
	}))
	t.Cleanup(p.srv.Close)
	return p
}

// sleeps records the waits between attempts instead of waiting.
type sleeps struct {
	mu sync.Mutex
	d  []time.Duration
}

func (s *sleeps) Sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.d = append(s.d, d)
	s.mu.Unlock()
	return ctx.Err()
}

func (s *sleeps) got() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.d...)
}

// observer records egress events.
type observer struct {
	mu       sync.Mutex
	attempts []string
	retries  []string
	rejected []string
}

func (o *observer) Attempt(_, outcome string, _ time.Duration) {
	o.mu.Lock()
	o.attempts = append(o.attempts, outcome)
	o.mu.Unlock()
}

func (o *observer) Retry(_, reason string) {
	o.mu.Lock()
	o.retries = append(o.retries, reason)
	o.mu.Unlock()
}

func (o *observer) Rejected(_, reason string) {
	o.mu.Lock()
	o.rejected = append(o.rejected, reason)
	o.mu.Unlock()
}

func newClient(t *testing.T, opts egress.Options) *egress.Client {
	t.Helper()
	c := egress.New(opts)
	t.Cleanup(c.Close)
	return c
}

func request(base string, idempotent bool) egress.Request {
	hr := &pluginv1.HttpRequest{Method: "POST", Url: base + "/pay", Body: []byte("order_1"), Idempotent: idempotent}
	if idempotent {
		hr.Headers = []*v1.HttpHeader{{Name: "Idempotency-Key", Value: "order_1"}}
	}
	return egress.Request{Connector: "acme", HTTP: hr, BaseURL: base, Tenant: "acct"}
}

func kindOf(t *testing.T, err error) egress.ErrorKind {
	t.Helper()
	var e *egress.Error
	require.True(t, errors.As(err, &e), "want *egress.Error, got %v", err)
	return e.Kind
}

func fastRetries(s *sleeps) egress.Options {
	return egress.Options{
		Defaults: egress.Settings{
			Timeouts: egress.Timeouts{Total: 200 * time.Millisecond},
			Retry:    egress.RetryPolicy{MaxAttempts: 3, InitialBackoff: time.Millisecond, MaxBackoff: 4 * time.Millisecond, Budget: 10 * time.Second},
		},
		Sleep: s.Sleep,
	}
}

func TestHangingProcessorTimesOutAndOnlyIdempotentRequestsAreRetried(t *testing.T) {
	p := newProcessor(t, func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
	s := &sleeps{}
	o := &observer{}
	opts := fastRetries(s)
	opts.Observer = o
	c := newClient(t, opts)

	_, err := c.Do(context.Background(), request(p.srv.URL, false))
	assert.Equal(t, egress.KindTimeout, kindOf(t, err))
	assert.Contains(t, err.Error(), "acme: processor did not answer in time (200ms)")
	assert.Equal(t, int32(1), p.requests.Load(), "a request without an idempotency key is never sent twice")

	_, err = c.Do(context.Background(), request(p.srv.URL, true))
	assert.Equal(t, egress.KindTimeout, kindOf(t, err))
	assert.Equal(t, int32(1+3), p.requests.Load(), "an idempotent request is retried up to MaxAttempts")
	var e *egress.Error
	require.True(t, errors.As(err, &e))
	assert.Equal(t, 3, e.Attempts)
	assert.Len(t, s.got(), 2, "two waits between three attempts")
	assert.Equal(t, []string{"timeout", "timeout"}, o.retries)
	assert.Equal(t, []string{"timeout", "timeout", "timeout", "timeout"}, o.attempts)
}

func TestBudgetBoundsTheWholeCall(t *testing.T) {
	p := newProcessor(t, func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
	c := newClient(t, egress.Options{Defaults: egress.Settings{
		Timeouts: egress.Timeouts{Total: time.Minute},
		Retry:    egress.RetryPolicy{MaxAttempts: 5, Budget: 150 * time.Millisecond},
	}})
	start := time.Now()
	_, err := c.Do(context.Background(), request(p.srv.URL, true))
	assert.Equal(t, egress.KindTimeout, kindOf(t, err))
	assert.Less(t, time.Since(start), 5*time.Second, "the budget, not the total timeout, ended the call")
	assert.Equal(t, int32(1), p.requests.Load(), "no attempt starts after the budget is spent")
}

func TestResetConnections(t *testing.T) {
	p := newProcessor(t, func(w http.ResponseWriter, r *http.Request) {
		io.ReadAll(r.Body)
		conn, _, err := http.NewResponseController(w).Hijack()
		if err == nil {
			conn.(*net.TCPConn).SetLinger(0)
			conn.Close()
		}
	})
	s := &sleeps{}
	c := newClient(t, fastRetries(s))
	_, err := c.Do(context.Background(), request(p.srv.URL, false))
	assert.Equal(t, egress.KindReset, kindOf(t, err))
	assert.Equal(t, int32(1), p.requests.Load(), "bytes were sent: a non-idempotent request is not retried")

	_, err = c.Do(context.Background(), request(p.srv.URL, true))
	assert.Equal(t, egress.KindReset, kindOf(t, err))
	assert.Equal(t, int32(4), p.requests.Load())
}

// A connection that fails before anything is sent is retried for any request.
func TestConnectFailuresAreRetriedForAnyRequest(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	var accepted atomic.Int32
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			accepted.Add(1)
			conn.Close() // before the TLS handshake: no HTTP byte can have been sent
		}
	}()
	t.Cleanup(func() { ln.Close(); <-done })
	s := &sleeps{}
	o := &observer{}
	opts := fastRetries(s)
	opts.Observer = o
	c := newClient(t, opts)
	_, err = c.Do(context.Background(), request("https://"+ln.Addr().String(), false))
	assert.Equal(t, egress.KindConnect, kindOf(t, err))
	assert.Equal(t, int32(3), accepted.Load(), "a failed handshake is retried even without an idempotency key")
	assert.Equal(t, []string{"connect", "connect"}, o.retries)

	// A refused connection too.
	closed := ln.Addr().String()
	ln.Close()
	<-done
	_, err = c.Do(context.Background(), request("http://"+closed, false))
	assert.Equal(t, egress.KindConnect, kindOf(t, err))
	assert.Contains(t, err.Error(), "could not connect to the processor")
	var e *egress.Error
	require.True(t, errors.As(err, &e))
	assert.Equal(t, 3, e.Attempts)
}

func TestServerErrorStorm(t *testing.T) {
	var status atomic.Int32
	status.Store(503)
	p := newProcessor(t, func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(int(status.Load()))
		io.WriteString(w, `{"error":"down"}`)
	})
	s := &sleeps{}
	c := newClient(t, fastRetries(s))

	res, err := c.Do(context.Background(), request(p.srv.URL, false))
	require.NoError(t, err, "a 5xx is an answer, for the plugin to parse")
	assert.Equal(t, int32(503), res.GetStatus())
	assert.Equal(t, int32(1), p.requests.Load())

	res, err = c.Do(context.Background(), request(p.srv.URL, true))
	require.NoError(t, err)
	assert.Equal(t, int32(503), res.GetStatus(), "the last answer is returned when attempts run out")
	assert.Equal(t, `{"error":"down"}`, string(res.GetBody()))
	assert.Equal(t, int32(4), p.requests.Load())

	for _, code := range []int32{500, 501, 400, 409} {
		status.Store(code)
		before := p.requests.Load()
		_, err = c.Do(context.Background(), request(p.srv.URL, true))
		require.NoError(t, err)
		assert.Equal(t, before+1, p.requests.Load(), "%d is not retried", code)
	}
	for _, code := range []int32{429, 502, 504} {
		status.Store(code)
		before := p.requests.Load()
		_, err = c.Do(context.Background(), request(p.srv.URL, true))
		require.NoError(t, err)
		assert.Equal(t, before+3, p.requests.Load(), "%d is retried", code)
	}
}

func TestRetryAfterIsHonouredWithinTheBudget(t *testing.T) {
	var after atomic.Value
	after.Store("2")
	var n atomic.Int32
	p := newProcessor(t, func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			w.Header().Set("Retry-After", after.Load().(string))
			w.WriteHeader(429)
			return
		}
		io.WriteString(w, "ok")
	})
	s := &sleeps{}
	c := newClient(t, fastRetries(s))
	res, err := c.Do(context.Background(), request(p.srv.URL, true))
	require.NoError(t, err)
	assert.Equal(t, int32(200), res.GetStatus())
	assert.Equal(t, []time.Duration{2 * time.Second}, s.got(), "waited as the processor asked")

	// A wait past the budget is not taken: the 429 goes back to the plugin.
	n.Store(0)
	after.Store("120")
	res, err = c.Do(context.Background(), request(p.srv.URL, true))
	require.NoError(t, err)
	assert.Equal(t, int32(429), res.GetStatus())
	assert.Equal(t, int32(1), n.Load())
}

func TestBackoffIsExponentialJitteredAndCapped(t *testing.T) {
	p := newProcessor(t, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(503) })
	s := &sleeps{}
	c := newClient(t, egress.Options{
		Defaults: egress.Settings{Retry: egress.RetryPolicy{MaxAttempts: 6, InitialBackoff: 100 * time.Millisecond, MaxBackoff: 500 * time.Millisecond}},
		Sleep:    s.Sleep,
		Jitter:   func() float64 { return 0.5 },
	})
	_, err := c.Do(context.Background(), request(p.srv.URL, true))
	require.NoError(t, err)
	ms := time.Millisecond
	assert.Equal(t, []time.Duration{75 * ms, 150 * ms, 300 * ms, 375 * ms, 375 * ms}, s.got())
}

func TestHugeBodiesAreCut(t *testing.T) {
	p := newProcessor(t, func(w http.ResponseWriter, r *http.Request) {
		chunk := []byte(strings.Repeat("x", 64<<10))
		for i := 0; i < 1024; i++ { // 64 MiB unless the client hangs up
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	})
	c := newClient(t, egress.Options{Connectors: map[string]egress.Settings{"acme": {MaxResponseBytes: 1024}}})
	res, err := c.Do(context.Background(), request(p.srv.URL, false))
	require.NoError(t, err)
	assert.True(t, res.GetTruncated())
	assert.Len(t, res.GetBody(), 1024)
	assert.Equal(t, int64(8<<20), c.Settings("other").MaxResponseBytes, "other connectors keep the default")
}

func TestPerConnectorTimeouts(t *testing.T) {
	p := newProcessor(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(300 * time.Millisecond): // a slow processor
			io.WriteString(w, "late")
		}
	})
	c := newClient(t, egress.Options{
		Defaults:   egress.Settings{Timeouts: egress.Timeouts{Total: 10 * time.Second}},
		Connectors: map[string]egress.Settings{"impatient": {Timeouts: egress.Timeouts{Total: 50 * time.Millisecond}, Retry: egress.RetryPolicy{MaxAttempts: 1}}},
	})
	r := request(p.srv.URL, true)
	r.Connector = "impatient"
	_, err := c.Do(context.Background(), r)
	assert.Equal(t, egress.KindTimeout, kindOf(t, err))
	assert.Equal(t, 10*time.Second, c.Settings("impatient").Timeouts.Connect+c.Settings("impatient").Timeouts.TLS, "unset fields inherit the defaults")

	res, err := c.Do(context.Background(), request(p.srv.URL, true))
	require.NoError(t, err)
	assert.Equal(t, "late", string(res.GetBody()))
}

func TestCanceledCallIsNotRetried(t *testing.T) {
	started := make(chan struct{}, 10)
	p := newProcessor(t, func(w http.ResponseWriter, r *http.Request) {
		started <- struct{}{}
		<-r.Context().Done()
	})
	s := &sleeps{}
	c := newClient(t, fastRetries(s))
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-started; cancel() }()
	_, err := c.Do(ctx, request(p.srv.URL, true))
	assert.Equal(t, egress.KindCanceled, kindOf(t, err))
	assert.Equal(t, int32(1), p.requests.Load())
}

type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

func TestBreakerOpensOnAnOutageAndClosesWhenItEnds(t *testing.T) {
	var healthy atomic.Bool
	p := newProcessor(t, func(w http.ResponseWriter, r *http.Request) {
		if !healthy.Load() {
			w.WriteHeader(502)
			return
		}
		w.WriteHeader(402) // a decline: a 4xx is not a failure of the processor
	})
	clk := &clock{now: time.Unix(1_700_000_000, 0)}
	o := &observer{}
	set := breaker.NewSet(breaker.Options{Now: clk.Now, Settings: func(string) breaker.Settings {
		return breaker.Settings{FailureThreshold: 4, OpenFor: 30 * time.Second}
	}})
	opts := fastRetries(&sleeps{})
	opts.Breakers, opts.Observer = set, o
	c := newClient(t, opts)

	// Two idempotent calls of two attempts each: four failures open it.
	opts.Defaults.Retry.MaxAttempts = 2
	c2 := newClient(t, egress.Options{Defaults: egress.Settings{Retry: egress.RetryPolicy{MaxAttempts: 2, InitialBackoff: time.Millisecond}}, Breakers: set, Sleep: (&sleeps{}).Sleep})
	for range 2 {
		res, err := c2.Do(context.Background(), request(p.srv.URL, true))
		require.NoError(t, err)
		assert.Equal(t, int32(502), res.GetStatus())
	}
	assert.Equal(t, int32(4), p.requests.Load())
	assert.Equal(t, breaker.Open, set.State("acme"))

	_, err := c.Do(context.Background(), request(p.srv.URL, true))
	assert.Equal(t, egress.KindCircuitOpen, kindOf(t, err))
	assert.EqualError(t, err, "acme: circuit open for acme; retry after 30 s")
	assert.Equal(t, int32(4), p.requests.Load(), "an open breaker sends nothing")
	assert.Equal(t, []string{"circuit_open"}, o.rejected)

	// Another tenant of the same connector is not affected.
	other := request(p.srv.URL, false)
	other.Tenant = "other"
	_, err = c.Do(context.Background(), other)
	require.NoError(t, err)

	// The outage ends; after OpenFor one probe closes the breaker.
	healthy.Store(true)
	clk.Advance(29 * time.Second)
	_, err = c.Do(context.Background(), request(p.srv.URL, true))
	assert.Equal(t, egress.KindCircuitOpen, kindOf(t, err))
	clk.Advance(time.Second)
	res, err := c.Do(context.Background(), request(p.srv.URL, true))
	require.NoError(t, err)
	assert.Equal(t, int32(402), res.GetStatus())
	assert.Equal(t, breaker.Closed, set.State("acme"))
}

func TestAllowlistIsEnforcedBeforeSending(t *testing.T) {
	p := newProcessor(t, func(w http.ResponseWriter, r *http.Request) {})
	o := &observer{}
	c := newClient(t, egress.Options{Observer: o})
	cases := []struct {
		name string
		r    egress.Request
		want string
	}{
		{"undeclared host", egress.Request{Connector: "acme", HTTP: &pluginv1.HttpRequest{Method: "GET", Url: "https://evil.test/x"}, AllowedHosts: []string{"api.acme.test"}}, "does not declare"},
		{"plain http", egress.Request{Connector: "acme", HTTP: &pluginv1.HttpRequest{Method: "GET", Url: "http://api.acme.test/x"}, AllowedHosts: []string{"api.acme.test"}}, "non-https"},
		{"away from the operator's base URL", egress.Request{Connector: "acme", HTTP: &pluginv1.HttpRequest{Method: "GET", Url: "https://api.acme.test/x"}, AllowedHosts: []string{"api.acme.test"}, BaseURL: p.srv.URL}, "operator pointed this connector at"},
		{"credentials in the URL", egress.Request{Connector: "acme", HTTP: &pluginv1.HttpRequest{Method: "GET", Url: "https://u:p@api.acme.test/x"}, AllowedHosts: []string{"api.acme.test"}}, "credentials in the URL"},
		{"scheme change on the base URL", egress.Request{Connector: "acme", HTTP: &pluginv1.HttpRequest{Method: "GET", Url: strings.Replace(p.srv.URL, "http:", "https:", 1)}, BaseURL: p.srv.URL}, "scheme"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := c.Do(context.Background(), tc.r)
			assert.Equal(t, egress.KindBlocked, kindOf(t, err))
			assert.Contains(t, err.Error(), tc.want)
		})
	}
	assert.Equal(t, int32(0), p.requests.Load())
	assert.Len(t, o.rejected, len(cases))
}

func TestProxy(t *testing.T) {
	var seen atomic.Value
	proxy := newProcessor(t, func(w http.ResponseWriter, r *http.Request) {
		seen.Store(r.URL.String())
		io.WriteString(w, "via proxy")
	})
	c := newClient(t, egress.Options{Proxy: mustParse(t, proxy.srv.URL)})
	res, err := c.Do(context.Background(), request("http://processor.test", false))
	require.NoError(t, err)
	assert.Equal(t, "via proxy", string(res.GetBody()))
	assert.Equal(t, "http://processor.test/pay", seen.Load())
}

// pki is a throwaway CA with a server and two client certificates.
type pki struct {
	pool             *x509.CertPool
	server           tls.Certificate
	clientA, clientB *egress.ClientCert
	caCert           *x509.Certificate
	caKey            *ecdsa.PrivateKey
}

func newPKI(t *testing.T) *pki {
	t.Helper()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test CA"}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &caKey.PublicKey, caKey)
	require.NoError(t, err)
	ca, err := x509.ParseCertificate(der)
	require.NoError(t, err)
	p := &pki{pool: x509.NewCertPool(), caCert: ca, caKey: caKey}
	p.pool.AddCert(ca)
	certPEM, keyPEM := p.issue(t, "127.0.0.1", x509.ExtKeyUsageServerAuth)
	p.server, err = tls.X509KeyPair(certPEM, keyPEM)
	require.NoError(t, err)
	a, ak := p.issue(t, "merchant-a", x509.ExtKeyUsageClientAuth)
	b, bk := p.issue(t, "merchant-b", x509.ExtKeyUsageClientAuth)
	p.clientA, p.clientB = &egress.ClientCert{CertPEM: a, KeyPEM: ak}, &egress.ClientCert{CertPEM: b, KeyPEM: bk}
	return p
}

var serial atomic.Int64

func (p *pki) issue(t *testing.T, cn string, usage x509.ExtKeyUsage) (certPEM, keyPEM []byte) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(serial.Add(1) + 1), Subject: pkix.Name{CommonName: cn}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		ExtKeyUsage: []x509.ExtKeyUsage{usage}, KeyUsage: x509.KeyUsageDigitalSignature}
	if ip := net.ParseIP(cn); ip != nil {
		tmpl.IPAddresses = []net.IP{ip}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, p.caCert, &key.PublicKey, p.caKey)
	require.NoError(t, err)
	kb, err := x509.MarshalECPrivateKey(key)
	require.NoError(t, err)
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb})
}

func TestClientCertificates(t *testing.T) {
	p := newPKI(t)
	var handshakes atomic.Int32
	var srvCalls atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		srvCalls.Add(1)
		io.WriteString(w, r.TLS.PeerCertificates[0].Subject.CommonName)
	}))
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{p.server}, ClientCAs: p.pool, ClientAuth: tls.RequireAndVerifyClientCert,
		VerifyConnection: func(tls.ConnectionState) error { handshakes.Add(1); return nil }}
	srv.StartTLS()
	t.Cleanup(srv.Close)

	c := newClient(t, egress.Options{RootCAs: p.pool, Defaults: egress.Settings{Retry: egress.RetryPolicy{MaxAttempts: 1}}})
	call := func(cert *egress.ClientCert) (string, error) {
		r := request(srv.URL, false)
		r.ClientCert = cert
		res, err := c.Do(context.Background(), r)
		return string(res.GetBody()), err
	}
	got, err := call(p.clientA)
	require.NoError(t, err)
	assert.Equal(t, "merchant-a", got)
	got, err = call(p.clientA)
	require.NoError(t, err)
	assert.Equal(t, "merchant-a", got)
	assert.Equal(t, int32(1), handshakes.Load(), "the same certificate reuses its pooled connection")

	got, err = call(p.clientB)
	require.NoError(t, err)
	assert.Equal(t, "merchant-b", got, "another certificate never rides merchant-a's connection")
	assert.Equal(t, int32(2), handshakes.Load())

	_, err = call(nil)
	require.Error(t, err, "the processor requires a client certificate")
	assert.Equal(t, int32(3), srvCalls.Load())

	_, err = call(&egress.ClientCert{CertPEM: []byte("not pem"), KeyPEM: []byte("-----BEGIN PRIVATE KEY-----\nc2VjcmV0\n-----END PRIVATE KEY-----\n")})
	assert.Equal(t, egress.KindClientCert, kindOf(t, err))
	assert.NotContains(t, err.Error(), "c2VjcmV0", "the key never appears in an error")
}

func mustParse(t *testing.T, raw string) *url.URL {
	u, err := url.Parse(raw)
	require.NoError(t, err)
	return u
}

// When the breaker opens between two attempts of a call, the call reports
// what the processor did, not the breaker.
func TestBreakerOpeningMidCallReportsTheProcessorsAnswer(t *testing.T) {
	p := newProcessor(t, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(503) })
	set := breaker.NewSet(breaker.Options{Settings: func(string) breaker.Settings { return breaker.Settings{FailureThreshold: 1} }})
	c := newClient(t, egress.Options{Breakers: set, Sleep: (&sleeps{}).Sleep})
	res, err := c.Do(context.Background(), request(p.srv.URL, true))
	require.NoError(t, err)
	assert.Equal(t, int32(503), res.GetStatus())
	assert.Equal(t, int32(1), p.requests.Load(), "the breaker opened after the first failure: no retry was sent")
	_, err = c.Do(context.Background(), request(p.srv.URL, true))
	assert.Equal(t, egress.KindCircuitOpen, kindOf(t, err))
}

// A declared host that resolves to loopback (DNS rebinding, or a name like
// localhost) is refused after resolution, before any byte is sent; the
// operator's base URL may be loopback.
func TestDialGuardRefusesNonPublicAddresses(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "reached") }))
	t.Cleanup(srv.Close)
	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())
	c := newClient(t, egress.Options{RootCAs: pool, Defaults: egress.Settings{Retry: egress.RetryPolicy{MaxAttempts: 3}}})
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	target := "https://localhost:" + port + "/pay"

	_, err := c.Do(context.Background(), egress.Request{Connector: "acme", AllowedHosts: []string{"localhost"},
		HTTP: &pluginv1.HttpRequest{Method: "GET", Url: target, Idempotent: true}})
	require.Error(t, err)
	assert.Equal(t, egress.KindBlocked, kindOf(t, err))
	assert.Contains(t, err.Error(), "a non-public address")
	var blocked *egress.BlockedAddressError
	require.ErrorAs(t, err, &blocked)
	assert.True(t, blocked.Addr.IsLoopback())

	res, err := c.Do(context.Background(), egress.Request{Connector: "acme", BaseURL: srv.URL,
		HTTP: &pluginv1.HttpRequest{Method: "GET", Url: srv.URL + "/pay"}})
	require.NoError(t, err, "the operator's base URL may be loopback")
	assert.Equal(t, "reached", string(res.GetBody()))
}
