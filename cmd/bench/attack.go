package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"connectrpc.com/connect"

	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/gen/connectorhost/v1/connectorhostv1connect"
)

// hostileDir holds the WAT-built hostile plugins (go generate ./host/sandbox/).
const hostileDir = "host/sandbox/testdata/hostile"

// attack runs issue 11's hostile plugins against a real host process:
// binary recursion without loops on more goroutines than cores (time to
// fail, /healthz latency, healthy Stripe calls, RSS, exit time on SIGTERM),
// table growth (RSS), and a plugin whose manifest never returns (time to
// refuse, readiness).
func attack(ctx context.Context, o options) error {
	fake, err := startFake(0)
	if err != nil {
		return err
	}
	defer fake.Close()
	dir := filepath.Join(o.work, "attack")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	copyFile := func(src, name string) error {
		b, err := os.ReadFile(src)
		if err != nil {
			return err
		}
		tmp := filepath.Join(dir, "."+name+".tmp")
		if err := os.WriteFile(tmp, b, 0o644); err != nil {
			return err
		}
		return os.Rename(tmp, filepath.Join(dir, name+".wasm"))
	}
	if err := copyFile(stripeWasm(o), "stripe"); err != nil {
		return fmt.Errorf("%w (run make build first)", err)
	}
	for _, n := range []string{"recurse", "table_capped", "deep_stack"} {
		if err := copyFile(filepath.Join(hostileDir, n+".wasm"), n); err != nil {
			return err
		}
	}
	const callTimeout = 2 * time.Second
	attackers := 2*runtime.NumCPU() + 1
	h, err := startHost(o.hostBin, dir, filepath.Join(o.work, "cache"), "--base-url", "stripe="+fake.URL(),
		"--plugin-limits-call-timeout", callTimeout.String(), "--plugin-limits-pool-size", fmt.Sprint(attackers),
		"--plugin-limits-load-timeout", "2s", "--drain-timeout", "5s")
	if err != nil {
		return err
	}
	defer h.Stop()
	hc := httpClient(attackers + 4)
	healthy := hostCaller(h.URL(), "stripe", hc)
	if err := healthy(ctx, 0); err != nil {
		return fmt.Errorf("healthy call before the attack: %w", err)
	}
	client := connectorhostv1connect.NewPaymentServiceClient(hc, h.URL())
	hostile := func(connector string) error {
		req := connect.NewRequest(&v1.PaymentServiceAuthorizeRequest{MerchantTransactionId: "attack", Amount: &v1.Money{MinorAmount: 100, Currency: "USD"},
			PaymentMethod: &v1.PaymentMethod{Method: &v1.PaymentMethod_Token{Token: &v1.ProcessorToken{Token: "tok_1"}}}})
		req.Header().Set("x-connector", connector)
		req.Header().Set("x-connector-auth", "{}")
		_, err := client.Authorize(ctx, req)
		return err
	}
	w := o.out
	load, _ := os.ReadFile("/proc/loadavg")
	fmt.Fprintf(w, "### Hostile plugins (issue 11)\n\nA real host process; call deadline %s, %d attackers on %d CPUs, %s of attack; load average at start %s.\n\n",
		callTimeout, attackers, runtime.NumCPU(), o.duration, strings.Join(strings.Fields(string(load))[:3], " "))

	// 1. Recursion without loops.
	rssBefore := h.RSS()
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var mu sync.Mutex
	var fails []time.Duration
	var wrongCode atomic.Int32
	var sigtermAt atomic.Int64 // Unix nanoseconds; calls started after it are not counted
	for range attackers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				start := time.Now()
				err := hostile("recurse")
				d := time.Since(start)
				if at := sigtermAt.Load(); at != 0 && start.UnixNano() >= at {
					continue // the host is going away
				}
				if connect.CodeOf(err) != connect.CodeDeadlineExceeded {
					if wrongCode.Add(1) == 1 {
						fmt.Fprintf(os.Stderr, "attack: first call that did not fail DeadlineExceeded: %v\n", err)
					}
				}
				mu.Lock()
				fails = append(fails, d)
				mu.Unlock()
			}
		}()
	}
	var health []time.Duration
	var okCalls, badCalls int
	end := time.Now().Add(o.duration)
	for i := int64(1); time.Now().Before(end); i++ {
		start := time.Now()
		res, err := hc.Get(h.URL() + "/healthz")
		if err == nil {
			res.Body.Close()
			health = append(health, time.Since(start))
		}
		if err := healthy(ctx, i); err != nil {
			badCalls++
		} else {
			okCalls++
		}
	}
	rssDuring := h.RSS()
	// SIGTERM while the attack is still running.
	sigterm := time.Now()
	sigtermAt.Store(sigterm.UnixNano())
	stopErr := h.Stop()
	exitAfter := time.Since(sigterm)
	close(stop)
	wg.Wait()
	mu.Lock()
	slices.Sort(fails)
	slices.Sort(health)
	mu.Unlock()
	fmt.Fprintln(w, "| recursion attack (2^40 calls, no loop) | value |\n|---|---|")
	fmt.Fprintf(w, "| attack calls | %d (%d not DeadlineExceeded) |\n", len(fails), wrongCode.Load())
	fmt.Fprintf(w, "| time to fail: median / max | %s / %s |\n", pct(fails, 0.5), pct(fails, 1))
	fmt.Fprintf(w, "| /healthz during the attack: median / p99 / max (%d checks) | %s / %s / %s |\n", len(health), pct(health, 0.5), pct(health, 0.99), pct(health, 1))
	fmt.Fprintf(w, "| healthy Stripe calls during the attack | %d ok, %d failed |\n", okCalls, badCalls)
	fmt.Fprintf(w, "| RSS before / during | %.0f MiB / %.0f MiB |\n", rssBefore, rssDuring)
	fmt.Fprintf(w, "| exit after SIGTERM during the attack (drain timeout 5s) | %s (%v) |\n\n", exitAfter.Round(time.Millisecond), errOrOK(stopErr))

	// 2. Tables and the stuck load, on a fresh host.
	h2, err := startHost(o.hostBin, dir, filepath.Join(o.work, "cache"), "--base-url", "stripe="+fake.URL(),
		"--plugin-limits-pool-size", fmt.Sprint(attackers), "--plugin-limits-load-timeout", "2s")
	if err != nil {
		return err
	}
	defer h2.Stop()
	client = connectorhostv1connect.NewPaymentServiceClient(hc, h2.URL())
	before := h2.RSS()
	var twg sync.WaitGroup
	for range attackers {
		twg.Add(1)
		go func() {
			defer twg.Done()
			for range 5 {
				_ = hostile("table_capped")
			}
		}()
	}
	twg.Wait()
	after := h2.RSS()
	fmt.Fprintln(w, "| memory attacks | value |\n|---|---|")
	fmt.Fprintf(w, "| table_capped (at most 2^20 entries, 8 MiB, per instance): RSS before / after %d instances grew their tables to the cap | %.0f MiB / %.0f MiB |\n", attackers, before, after)
	before = h2.RSS()
	var deepFailed atomic.Int32
	for range attackers {
		twg.Add(1)
		go func() {
			defer twg.Done()
			for range 5 {
				if err := hostile("deep_stack"); connect.CodeOf(err) == connect.CodeResourceExhausted && strings.Contains(err.Error(), "call stack limit") {
					deepFailed.Add(1)
				}
			}
		}()
	}
	twg.Wait()
	fmt.Fprintf(w, "| deep_stack (400,000 frames deep, then returns): RSS before / after %d concurrent callers x 5 calls | %.0f MiB / %.0f MiB (%d of %d calls stopped at the call stack limit) |\n", attackers, before, h2.RSS(), deepFailed.Load(), 5*attackers)

	if err := copyFile(filepath.Join(hostileDir, "table_unbounded.wasm"), "table_unbounded"); err != nil {
		return err
	}
	if err := copyFile(filepath.Join(hostileDir, "hang_manifest.wasm"), "hang_manifest"); err != nil {
		return err
	}
	written := time.Now()
	cs := connectorhostv1connect.NewConnectorServiceClient(hc, h2.URL())
	refused := map[string]time.Duration{}
	var readyz []int
	for len(refused) < 2 && time.Since(written) < 30*time.Second {
		res, err := cs.ListConnectors(ctx, connect.NewRequest(&v1.ConnectorServiceListConnectorsRequest{}))
		if err != nil {
			return err
		}
		for _, c := range res.Msg.GetConnectors() {
			if _, seen := refused[c.GetName()]; !seen && c.GetLoadError() != "" {
				refused[c.GetName()] = time.Since(written)
				fmt.Fprintf(os.Stderr, "attack: %s refused: %s\n", c.GetName(), c.GetLoadError())
			}
		}
		if r, err := hc.Get(h2.URL() + "/readyz"); err == nil {
			r.Body.Close()
			readyz = append(readyz, r.StatusCode)
		}
		time.Sleep(20 * time.Millisecond) // polling another process's state
	}
	if len(refused) < 2 {
		return errors.New("the stuck or unbounded plugin was not refused within 30 s")
	}
	fmt.Fprintf(w, "| table_unbounded (table.grow 2^26, no maximum): refused at load after | %s |\n", refused["table_unbounded"].Round(time.Millisecond))
	fmt.Fprintf(w, "| hang_manifest (connector_manifest never returns, load deadline 2s): refused after | %s |\n", refused["hang_manifest"].Round(time.Millisecond))
	fmt.Fprintf(w, "| healthy call after both refusals | %v |\n", errOrOK(healthyOn(ctx, h2, hc)))
	fmt.Fprintf(w, "| /readyz answers during the stuck load | %v |\n\n", countCodes(readyz))
	return nil
}

func healthyOn(ctx context.Context, h *hostProc, hc *http.Client) error {
	return hostCaller(h.URL(), "stripe", hc)(ctx, 99)
}

func pct(s []time.Duration, p float64) string {
	if len(s) == 0 {
		return "-"
	}
	i := int(float64(len(s)-1) * p)
	return ms(s[i])
}

func errOrOK(err error) string {
	if err != nil {
		return err.Error()
	}
	return "ok"
}

func countCodes(codes []int) string {
	n := map[int]int{}
	for _, c := range codes {
		n[c]++
	}
	return fmt.Sprint(n)
}
