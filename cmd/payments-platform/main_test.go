package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/connectorhost/connector-host/platform/secrets"
)

// lockedBuffer collects a server's log while tests read it, and signals
// each write.
type lockedBuffer struct {
	mu      sync.Mutex
	b       bytes.Buffer
	written chan struct{}
}

func newLockedBuffer() *lockedBuffer { return &lockedBuffer{written: make(chan struct{}, 1)} }

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	select {
	case l.written <- struct{}{}:
	default:
	}
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string { l.mu.Lock(); defer l.mu.Unlock(); return l.b.String() }

// logged waits (at most 30 s) for a JSON log line with msg and returns it.
func logged(t *testing.T, log *lockedBuffer, msg string) map[string]any {
	t.Helper()
	timeout := time.After(30 * time.Second)
	for {
		sc := bufio.NewScanner(strings.NewReader(log.String()))
		for sc.Scan() {
			var line map[string]any
			if json.Unmarshal(sc.Bytes(), &line) == nil && line["msg"] == msg {
				return line
			}
		}
		select {
		case <-log.written:
		case <-timeout:
			t.Fatalf("no %q in the log:\n%s", msg, log.String())
		}
	}
}

// TestServeMountsTheTzeroService starts `payments-platform serve` with a
// network key: PaymentIntentService answers beside the REST API on the same
// port (refusing an unsigned call), and the operator command manages
// providers on the same database.
func TestServeMountsTheTzeroService(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"tzero", "gen-key"}, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	line, _, _ := strings.Cut(out.String(), "\n")
	name, key, ok := strings.Cut(line, "=")
	if !ok || name != envTzeroKey || len(key) != 64 || !strings.Contains(out.String(), "public key for providers: 0x04") {
		t.Fatalf("gen-key printed %q", out.String())
	}
	t.Setenv(envTzeroKey, key)
	t.Setenv(secrets.EnvKeys, secrets.NewKey("k1"))
	dbURL := "sqlite:" + filepath.Join(t.TempDir(), "payments.db")

	ctx, cancel := context.WithCancel(context.Background())
	log := newLockedBuffer()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--listen", "127.0.0.1:0", "--database", dbURL, "--plugins", ""}, io.Discard, log)
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	served := logged(t, log, "T-0 PaymentIntentService served")
	if !strings.HasPrefix(served["network_public_key"].(string), "0x04") {
		t.Errorf("served log = %v", served)
	}
	addr := logged(t, log, "payments platform serving")["addr"].(string)

	res, err := http.Post("http://"+addr+"/tzero.v1.payment_intent.PaymentIntentService/GetQuote", "application/json", strings.NewReader(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusUnauthorized || !strings.Contains(string(body), "unauthenticated") {
		t.Errorf("unsigned GetQuote = %d %s, want 401 unauthenticated", res.StatusCode, body)
	}
	if res, err := http.Get("http://" + addr + "/v1/payments/health"); err != nil || res.StatusCode != http.StatusOK {
		t.Errorf("the REST API beside it: %v %v", res, err)
	} else {
		res.Body.Close()
	}

	out.Reset()
	if err := run(context.Background(), []string{"tzero", "--database", dbURL, "provider", "list"}, &out, io.Discard); err != nil {
		t.Fatalf("provider list: %v", err)
	}
	if strings.TrimSpace(out.String()) != "[]" && strings.TrimSpace(out.String()) != "null" {
		t.Errorf("provider list on a new database = %q", out.String())
	}
}

func TestTzeroCommandNeedsTheKey(t *testing.T) {
	t.Setenv(envTzeroKey, "")
	err := run(context.Background(), []string{"tzero", "provider", "list"}, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), envTzeroKey) {
		t.Fatalf("err = %v, want one naming %s", err, envTzeroKey)
	}
}

// TestServeRefusesNonPositiveDurations: a zero or negative timeout or
// resolver delay is refused before anything starts, naming the flag.
func TestServeRefusesNonPositiveDurations(t *testing.T) {
	for _, flag := range []string{"--connector-timeout", "--resolve-backoff", "--resolve-max-backoff", "--resolve-poll"} {
		err := run(context.Background(), []string{"serve", "--database", "sqlite::memory:", "--plugins", "", flag, "0s"}, io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), flag+" must be a positive duration") {
			t.Errorf("%s 0s: err = %v", flag, err)
		}
	}
}
