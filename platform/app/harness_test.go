package app_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/connectorhost/connector-host/internal/wasmbuild"
	"github.com/connectorhost/connector-host/platform/api"
	"github.com/connectorhost/connector-host/platform/app"
	"github.com/connectorhost/connector-host/platform/payments"
	"github.com/connectorhost/connector-host/platform/secrets"
	"github.com/connectorhost/connector-host/platform/webhooks"
)

// The end-to-end tests run the platform as an operator does: a real
// database (SQLite, and PostgreSQL when PAYMENTS_TEST_POSTGRES_URL is
// set), the in-process connector host loading the Stripe plugin built to
// .wasm, and Stripe answered by stripe-mock, which checks every request
// against Stripe's OpenAPI spec. stripe-mock keeps no state and answers
// every PaymentIntent as a failed requires_payment_method; the lifecycle
// proxy in front of it (stripeProxy) forwards each request to stripe-mock
// (so a malformed one still fails) and then sets the status, amounts and id
// that a stateful Stripe would answer. Amount 9999 is left as stripe-mock
// answers it: a decline.

var (
	mockOnce sync.Once
	mockURL  string
	mockErr  error
	mockCmd  *exec.Cmd
	mockDir  string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if mockCmd != nil && mockCmd.Process != nil {
		_ = mockCmd.Process.Kill()
		_ = mockCmd.Wait()
	}
	if mockDir != "" {
		_ = os.RemoveAll(mockDir)
	}
	os.Exit(code)
}

func stripeMock(t testing.TB) string {
	t.Helper()
	if testing.Short() {
		t.Skip("end-to-end tests with stripe-mock are skipped in -short mode")
	}
	mockOnce.Do(func() { mockURL, mockErr = startStripeMock() })
	if mockErr != nil {
		t.Fatalf("stripe-mock: %v", mockErr)
	}
	return mockURL
}

func startStripeMock() (string, error) {
	dir, err := os.MkdirTemp("", "platform-stripe-mock-")
	if err != nil {
		return "", err
	}
	mockDir = dir
	bin := filepath.Join(dir, "stripe-mock")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/stripe/stripe-mock").CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build stripe-mock: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "-http-addr", "127.0.0.1:0", "-https-addr", "127.0.0.1:0")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return "", err
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		return "", err
	}
	mockCmd = cmd
	addr := make(chan string, 1)
	go func() {
		s := bufio.NewScanner(stdout)
		for s.Scan() {
			if a, ok := strings.CutPrefix(s.Text(), "Listening for HTTP at address: "); ok {
				addr <- a
			}
		}
	}()
	select {
	case a := <-addr:
		return "http://" + a, nil
	case <-time.After(60 * time.Second):
		return "", fmt.Errorf("stripe-mock did not report its address within 60 s")
	}
}

var (
	pluginOnce sync.Once
	pluginDir  string
	cacheDir   string
)

// plugins builds the Stripe and Adyen plugins once; every platform in the
// test binary loads them from the same directory and shares one
// compiled-code cache.
func plugins(t testing.TB) (dir, cache string) {
	t.Helper()
	pluginOnce.Do(func() {
		pluginDir, _ = os.MkdirTemp("", "platform-plugins-")
		cacheDir, _ = os.MkdirTemp("", "platform-plugin-cache-")
		for _, name := range []string{"stripe", "adyen"} {
			b, err := os.ReadFile(wasmbuild.Build(t, "./plugins/"+name+"/wasm", name))
			if err == nil {
				err = os.WriteFile(filepath.Join(pluginDir, name+".wasm"), b, 0o644)
			}
			if err != nil {
				t.Fatalf("plugin %s: %v", name, err)
			}
		}
	})
	return pluginDir, cacheDir
}

// stripeProxy is the lifecycle proxy described above.
type stripeProxy struct {
	*httptest.Server
	n    atomic.Int64
	mu   sync.Mutex
	keys []string // Idempotency-Key of each POST /v1/payment_intents
	// captureKeys: Idempotency-Key of each POST /v1/payment_intents/{id}/capture
	captureKeys []string
	hold        chan struct{}
	held        chan struct{}
	holdNext    atomic.Bool
	// holdCancel holds the next POST /v1/refunds/{id}/cancel like holdNext.
	holdCancel atomic.Bool
	// holdCapture holds the next POST /v1/payment_intents/{id}/capture like holdNext.
	holdCapture atomic.Bool
	// holdRefund holds the next POST /v1/refunds like holdNext.
	holdRefund atomic.Bool
	// inUseNext answers the next POST /v1/payment_intents with Stripe's 409
	// idempotency_key_in_use (an earlier request with the key still running).
	inUseNext atomic.Bool
	// refundKeys: Idempotency-Key of each POST /v1/refunds
	refundKeys []string
	// rateLimited answers every POST /v1/payment_intents and /v1/refunds
	// with Stripe's 429 rate_limit while set.
	rateLimited atomic.Bool
}

// recordAndHold appends r's Idempotency-Key to keys, then holds r when hold
// is set (clearing it) until the test releases it.
func (p *stripeProxy) recordAndHold(keys *[]string, r *http.Request, hold *atomic.Bool) {
	p.mu.Lock()
	*keys = append(*keys, r.Header.Get("Idempotency-Key"))
	p.mu.Unlock()
	if hold.CompareAndSwap(true, false) {
		p.held <- struct{}{}
		<-p.hold
	}
}

// answerRateLimited answers with Stripe's 429 rate_limit while the proxy
// is told to.
func (p *stripeProxy) answerRateLimited(w http.ResponseWriter) bool {
	if !p.rateLimited.Load() {
		return false
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusTooManyRequests)
	io.WriteString(w, `{"error":{"type":"invalid_request_error","code":"rate_limit","message":"Too many requests hit the API too quickly."}}`)
	return true
}

func newStripeProxy(t testing.TB) *stripeProxy {
	target, _ := url.Parse(stripeMock(t))
	p := &stripeProxy{hold: make(chan struct{}), held: make(chan struct{}, 1)}
	rp := httputil.NewSingleHostReverseProxy(target)
	rp.ModifyResponse = p.rewrite
	p.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		vals, _ := url.ParseQuery(string(raw))
		r.Body = io.NopCloser(bytes.NewReader(raw))
		r = r.WithContext(context.WithValue(r.Context(), formKey{}, vals))
		if r.Method == http.MethodPost && r.URL.Path == "/v1/payment_intents" {
			p.recordAndHold(&p.keys, r, &p.holdNext)
			if p.answerRateLimited(w) {
				return
			}
			if p.inUseNext.CompareAndSwap(true, false) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusConflict)
				io.WriteString(w, `{"error":{"type":"idempotency_error","code":"idempotency_key_in_use","message":"There is currently another in-progress request using this Idempotent Key."}}`)
				return
			}
		}
		if r.Method == http.MethodPost && r.URL.Path == "/v1/refunds" {
			p.recordAndHold(&p.refundKeys, r, &p.holdRefund)
			if p.answerRateLimited(w) {
				return
			}
		}
		if r.Method == http.MethodPost && strings.HasPrefix(r.URL.Path, "/v1/payment_intents/") && strings.HasSuffix(r.URL.Path, "/capture") {
			p.recordAndHold(&p.captureKeys, r, &p.holdCapture)
		}
		if r.Method == http.MethodPost && strings.HasPrefix(r.URL.Path, "/v1/refunds/") && strings.HasSuffix(r.URL.Path, "/cancel") &&
			p.holdCancel.CompareAndSwap(true, false) {
			p.held <- struct{}{}
			<-p.hold
		}
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(p.Close)
	return p
}

func (p *stripeProxy) idempotencyKeys() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.keys...)
}

func (p *stripeProxy) refundIdempotencyKeys() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.refundKeys...)
}

func (p *stripeProxy) captureIdempotencyKeys() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.captureKeys...)
}

func (p *stripeProxy) rewrite(res *http.Response) error {
	req := res.Request
	if req.Method != http.MethodPost || res.StatusCode != http.StatusOK {
		return nil
	}
	body, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil {
		return err
	}
	var obj map[string]any
	if err := json.Unmarshal(body, &obj); err != nil {
		return err
	}
	path := req.URL.Path
	f := formOf(req)
	amount, _ := strconv.ParseInt(f.Get("amount"), 10, 64)
	switch {
	case path == "/v1/payment_intents":
		if amount == 9999 {
			break // the decline stripe-mock answers anyway
		}
		obj["id"] = fmt.Sprintf("pi_proxy_%d_%d", time.Now().UnixNano(), p.n.Add(1))
		obj["amount"], obj["currency"], obj["capture_method"] = amount, f.Get("currency"), f.Get("capture_method")
		obj["last_payment_error"], obj["latest_charge"], obj["next_action"] = nil, nil, nil
		if amount == 4321 { // a charge reporting its card checks and 3DS result
			obj["latest_charge"] = map[string]any{"id": "ch_proxy_checks", "object": "charge", "amount_refunded": 0,
				"payment_method_details": map[string]any{"type": "card", "card": map[string]any{
					"checks":         map[string]any{"address_line1_check": "pass", "address_postal_code_check": "fail", "cvc_check": "pass"},
					"three_d_secure": map[string]any{"electronic_commerce_indicator": "05", "version": "2.2.0", "result": "authenticated"}}}}
		}
		if f.Get("capture_method") == "manual" {
			obj["status"], obj["amount_capturable"], obj["amount_received"] = "requires_capture", amount, 0
		} else {
			obj["status"], obj["amount_capturable"], obj["amount_received"] = "succeeded", 0, amount
		}
	case strings.HasPrefix(path, "/v1/refunds/") && strings.HasSuffix(path, "/cancel"):
		obj["id"], obj["status"] = strings.TrimSuffix(strings.TrimPrefix(path, "/v1/refunds/"), "/cancel"), "canceled"
	case strings.HasSuffix(path, "/capture"):
		id := strings.TrimSuffix(strings.TrimPrefix(path, "/v1/payment_intents/"), "/capture")
		captured, _ := strconv.ParseInt(f.Get("amount_to_capture"), 10, 64)
		obj["id"], obj["status"], obj["capture_method"], obj["amount_received"], obj["amount_capturable"] = id, "succeeded", "manual", captured, 0
		obj["amount"], obj["last_payment_error"], obj["latest_charge"] = captured, nil, nil
	case strings.HasSuffix(path, "/cancel"):
		id := strings.TrimSuffix(strings.TrimPrefix(path, "/v1/payment_intents/"), "/cancel")
		obj["id"], obj["status"], obj["last_payment_error"], obj["latest_charge"] = id, "canceled", nil, nil
	case path == "/v1/setup_intents":
		obj["id"], obj["status"], obj["last_setup_error"], obj["next_action"] = fmt.Sprintf("seti_proxy_%d", p.n.Add(1)), "succeeded", nil, nil
		obj["payment_method"] = f.Get("payment_method")
	case strings.HasPrefix(path, "/v1/disputes/") && strings.HasSuffix(path, "/close"):
		obj["id"], obj["status"] = strings.TrimSuffix(strings.TrimPrefix(path, "/v1/disputes/"), "/close"), "lost"
	case strings.HasPrefix(path, "/v1/disputes/"):
		obj["id"], obj["status"] = strings.TrimPrefix(path, "/v1/disputes/"), "under_review"
	case path == "/v1/refunds":
		obj["id"] = fmt.Sprintf("re_proxy_%d", p.n.Add(1))
		obj["status"], obj["amount"], obj["payment_intent"] = "succeeded", amount, f.Get("payment_intent")
		if amount == 777 {
			obj["status"] = "pending" // settled later by a refund.updated webhook
		}
	}
	out, err := json.Marshal(obj)
	if err != nil {
		return err
	}
	res.Body = io.NopCloser(bytes.NewReader(out))
	res.ContentLength = int64(len(out))
	res.Header.Set("Content-Length", strconv.Itoa(len(out)))
	return nil
}

// formOf returns the form the request carried (kept in its context by the proxy).
func formOf(r *http.Request) url.Values {
	if v, ok := r.Context().Value(formKey{}).(url.Values); ok {
		return v
	}
	return url.Values{}
}

type formKey struct{}

// platform is one running platform under test.
type platform struct {
	t      testing.TB
	app    *app.App
	url    string
	key    string
	stop   func()
	dbURL  string
	keys   string
	proxy  *stripeProxy
	client *http.Client
	// skipSpec skips the OpenAPI check (benchmarks measure the platform, not the validator).
	skipSpec bool
	// delivered receives the event type of each webhook delivery recorded as succeeded.
	delivered chan string
}

type platformOpts struct {
	dbURL      string
	keys       string
	proxy      *stripeProxy
	noBootKey  bool
	webhookMax int
	// baseURLs point more connectors of the in-process host at fakes.
	baseURLs map[string]string
	// rateLimit per key per second (0: none).
	rateLimit float64
	// connectorTimeout bounds each call to a connector host (0: the default).
	connectorTimeout time.Duration
	// resolve tunes the resolver. Unless set, its clock is a fakeClock
	// that never moves by itself and it polls hourly: it resends nothing
	// unless a test moves the clock and asks for a pass.
	resolve payments.ResolveOptions
}

// fakeClock is a resolver clock that moves only when told to.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newFakeClock() *fakeClock { return &fakeClock{now: time.Now()} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func startPlatform(t testing.TB, o platformOpts) *platform {
	t.Helper()
	dir, cache := plugins(t)
	if o.keys == "" {
		o.keys = secrets.NewKey("k1")
	}
	if o.proxy == nil {
		o.proxy = newStripeProxy(t)
	}
	if o.webhookMax == 0 {
		o.webhookMax = 5
	}
	bases := map[string]string{"stripe": o.proxy.URL}
	for k, v := range o.baseURLs {
		bases[k] = v
	}
	if o.resolve.Now == nil {
		o.resolve.Now = newFakeClock().Now
	}
	if o.resolve.Poll == 0 {
		o.resolve.Poll = time.Hour
	}
	// The resolver's first pass runs as the platform starts: wait for it,
	// so that it never runs in the middle of a test.
	firstPass, onPass := make(chan struct{}), o.resolve.OnPass
	var firstOnce sync.Once
	o.resolve.OnPass = func(r payments.ResolvePass) {
		firstOnce.Do(func() { close(firstPass) })
		if onPass != nil {
			onPass(r)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	delivered := make(chan string, 64)
	a, err := app.New(ctx, app.Config{
		Listen: "127.0.0.1:0", DatabaseURL: o.dbURL, EncryptionKeys: o.keys, PluginsDir: dir, PluginCacheDir: cache,
		BaseURLs: bases, RateLimit: o.rateLimit, ConnectorTimeout: o.connectorTimeout, Resolve: o.resolve,
		Webhooks: webhooks.DispatcherOptions{Poll: 50 * time.Millisecond, Backoff: 10 * time.Millisecond, MaxBackoff: 50 * time.Millisecond, MaxAttempts: o.webhookMax,
			OnAttempt: func(_, typ, status string) {
				if status == "succeeded" {
					delivered <- typ
				}
			}},
	})
	if err != nil {
		cancel()
		t.Fatalf("start platform: %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- a.Serve(ctx) }()
	select {
	case <-firstPass:
	case <-time.After(30 * time.Second):
		cancel()
		t.Fatal("the resolver made no pass within 30 s of the start")
	}
	var once sync.Once
	p := &platform{t: t, app: a, url: "http://" + a.Addr() + api.Base, dbURL: o.dbURL, keys: o.keys, proxy: o.proxy, client: &http.Client{Timeout: 60 * time.Second}, delivered: delivered}
	p.stop = func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("platform stopped with %v", err)
			}
		})
	}
	t.Cleanup(p.stop)
	if !o.noBootKey {
		k, err := api.CreateKey(ctx, a.Store(), "acme", "test", []string{"*"})
		if err != nil {
			t.Fatal(err)
		}
		p.key = k.Secret
	}
	return p
}

// response is an API answer.
type response struct {
	status int
	header http.Header
	body   map[string]any
	raw    []byte
}

func (r *response) str(path ...string) string {
	v := dig(r.body, path...)
	s, _ := v.(string)
	return s
}

func (r *response) num(path ...string) int64 {
	v := dig(r.body, path...)
	f, _ := v.(float64)
	return int64(f)
}

func dig(v any, path ...string) any {
	for _, p := range path {
		switch x := v.(type) {
		case map[string]any:
			v = x[p]
		case []any:
			i, _ := strconv.Atoi(p)
			if i >= len(x) {
				return nil
			}
			v = x[i]
		default:
			return nil
		}
	}
	return v
}

// call sends a request with the platform's key (headers may override),
// checks the answer against the OpenAPI document, and returns it.
func (p *platform) call(method, path string, body any, headers ...string) *response {
	p.t.Helper()
	var rd io.Reader
	var raw []byte
	if body != nil {
		switch b := body.(type) {
		case string:
			raw = []byte(b)
		default:
			raw, _ = json.Marshal(b)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, p.url+path, rd)
	if err != nil {
		p.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+p.key)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		if headers[i+1] == "" {
			req.Header.Del(headers[i])
		} else {
			req.Header.Set(headers[i], headers[i+1])
		}
	}
	res, err := p.client.Do(req)
	if err != nil {
		p.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	out := &response{status: res.StatusCode, header: res.Header}
	out.raw, _ = io.ReadAll(res.Body)
	if len(out.raw) > 0 {
		if err := json.Unmarshal(out.raw, &out.body); err != nil {
			p.t.Fatalf("%s %s: answer is not a JSON object: %v: %s", method, path, err, out.raw)
		}
	}
	if !p.skipSpec {
		checkOpenAPI(p.t, req, raw, res, out.raw)
	}
	return out
}

// must fails the test unless the answer has status want.
func (r *response) must(t testing.TB, want int) *response {
	t.Helper()
	if r.status != want {
		t.Fatalf("status %d, want %d: %s", r.status, want, r.raw)
	}
	return r
}

// wantError checks the error shape: status, code and the field named.
func (r *response) wantError(t testing.TB, status int, code, param string) {
	t.Helper()
	if r.status != status || r.str("error", "code") != code || r.str("error", "param") != param || r.str("error", "type") == "" || r.str("error", "message") == "" {
		t.Fatalf("got %d %s, want %d code=%s param=%s", r.status, r.raw, status, code, param)
	}
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }

// waitDelivered waits until a delivery of typ is recorded as succeeded.
func (p *platform) waitDelivered(typ string) {
	p.t.Helper()
	timeout := time.After(30 * time.Second)
	for {
		select {
		case got := <-p.delivered:
			if got == typ {
				return
			}
		case <-timeout:
			p.t.Fatalf("no %s delivery recorded within 30 s", typ)
		}
	}
}
