//go:build !wasip1

package stripe

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"github.com/connectorhost/connector-host/conformance/conformancetest"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
)

// stripe-mock (github.com/stripe/stripe-mock, pinned as a go tool in
// go.mod) validates every request against Stripe's OpenAPI spec and answers
// with fixtures. The tests build it once per test binary and share one
// server; TestMain stops it.

var mock struct {
	once sync.Once
	url  string
	err  error
	cmd  *exec.Cmd
	dir  string
}

// cleanups are what shared fixtures started by tests (a host using
// stripe-mock) registered with atExit; TestMain runs them, last first,
// before it stops stripe-mock.
var cleanups struct {
	sync.Mutex
	funcs []func()
}

// atExit registers f to run once all tests have finished.
func atExit(f func()) {
	cleanups.Lock()
	defer cleanups.Unlock()
	cleanups.funcs = append(cleanups.funcs, f)
}

func TestMain(m *testing.M) {
	code := m.Run()
	cleanups.Lock()
	for i := len(cleanups.funcs) - 1; i >= 0; i-- {
		cleanups.funcs[i]()
	}
	cleanups.Unlock()
	if mock.cmd != nil && mock.cmd.Process != nil {
		_ = mock.cmd.Process.Kill()
		_ = mock.cmd.Wait()
	}
	if mock.dir != "" {
		_ = os.RemoveAll(mock.dir)
	}
	os.Exit(code)
}

// stripeMockURL returns the base URL of a running stripe-mock, starting it
// on first use.
func stripeMockURL(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("stripe-mock end-to-end tests are skipped in -short mode")
	}
	mock.once.Do(func() { mock.url, mock.err = startStripeMock() })
	if mock.err != nil {
		t.Fatalf("stripe-mock: %v", mock.err)
	}
	return mock.url
}

func startStripeMock() (string, error) {
	dir, err := os.MkdirTemp("", "stripe-mock-")
	if err != nil {
		return "", err
	}
	mock.dir = dir
	bin := filepath.Join(dir, "stripe-mock")
	build := exec.Command("go", "build", "-o", bin, "github.com/stripe/stripe-mock")
	if out, err := build.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build stripe-mock: %v\n%s", err, out)
	}
	spec, err := patchedSpec(dir)
	if err != nil {
		return "", err
	}
	cmd := exec.Command(bin, "-http-addr", "127.0.0.1:0", "-https-addr", "127.0.0.1:0", "-spec", spec)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return "", err
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		return "", err
	}
	mock.cmd = cmd
	// stripe-mock prints "Listening for HTTP at address: 127.0.0.1:PORT".
	addr := make(chan string, 1)
	go func() {
		s := bufio.NewScanner(stdout)
		for s.Scan() {
			if a, ok := strings.CutPrefix(s.Text(), "Listening for HTTP at address: "); ok {
				addr <- a
			}
		}
	}()
	var base string
	select {
	case a := <-addr:
		base = "http://" + a
	case <-time.After(60 * time.Second):
		return "", fmt.Errorf("stripe-mock did not report its address within 60 s")
	}
	// Poll until it answers (bounded).
	client := &http.Client{Timeout: 2 * time.Second}
	var lastErr error
	for i := 0; i < 50; i++ {
		req, _ := http.NewRequest("GET", base+"/v1/customers/cus_ready", nil)
		req.Header.Set("Authorization", "Bearer sk_test_123")
		res, err := client.Do(req)
		if err == nil {
			_, _ = io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode == 200 {
				return base, nil
			}
			err = fmt.Errorf("HTTP %d", res.StatusCode)
		}
		lastErr = err
		time.Sleep(100 * time.Millisecond)
	}
	return "", fmt.Errorf("stripe-mock at %s never answered: %v", base, lastErr)
}

// patchedSpec writes stripe-mock's bundled OpenAPI spec with one addition:
// payment_method_data on PaymentIntents and SetupIntents also takes
// type=card with a card hash. Stripe's public spec omits it, but the API
// accepts it from accounts enabled for raw card data (the plugin sends raw
// cards that way). The card hash is the one POST /v1/payment_methods
// documents, so card fields are still validated.
func patchedSpec(dir string) (string, error) {
	modDir, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/stripe/stripe-mock").Output()
	if err != nil {
		return "", fmt.Errorf("locate stripe-mock module: %v", err)
	}
	raw, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(modDir)), "embedded", "openapi", "spec3.json"))
	if err != nil {
		return "", err
	}
	var spec map[string]any
	if err := json.Unmarshal(raw, &spec); err != nil {
		return "", err
	}
	props := func(path string) (map[string]any, error) {
		p, ok := conformancetest.JSONAt(spec, "paths", path, "post", "requestBody", "content", "application/x-www-form-urlencoded", "schema", "properties").(map[string]any)
		if !ok {
			return nil, fmt.Errorf("spec has no form properties for POST %s", path)
		}
		return p, nil
	}
	pmProps, err := props("/v1/payment_methods")
	if err != nil {
		return "", err
	}
	card := pmProps["card"]
	for _, path := range []string{"/v1/payment_intents", "/v1/setup_intents"} {
		p, err := props(path)
		if err != nil {
			return "", err
		}
		pmd, ok := p["payment_method_data"].(map[string]any)
		if !ok {
			return "", fmt.Errorf("%s has no payment_method_data", path)
		}
		pmdProps := pmd["properties"].(map[string]any)
		pmdProps["card"] = card
		typ := pmdProps["type"].(map[string]any)
		typ["enum"] = append(typ["enum"].([]any), "card")
	}
	out, err := json.Marshal(spec)
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, "spec3.json")
	return path, os.WriteFile(path, out, 0o644)
}

// mockContext is the call context for stripe-mock.
func mockContext(base string) *pluginv1.CallContext {
	random := make([]byte, 32)
	for i := range random {
		random[i] = byte(i * 7)
	}
	return &pluginv1.CallContext{
		Credentials: map[string]string{credAPIKey: "sk_test_123", credAccountID: "acct_e2e"},
		BaseUrl:     base,
		Environment: pluginv1.Environment_ENVIRONMENT_SANDBOX,
		NowUnixMs:   time.Now().UnixMilli(),
		Random:      random,
		RequestId:   "req_e2e",
	}
}

func mockClient() *http.Client { return &http.Client{Timeout: 10 * time.Second} }

func mockCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}
