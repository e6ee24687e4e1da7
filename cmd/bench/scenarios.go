package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"connectrpc.com/connect"

	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/gen/connectorhost/v1/connectorhostv1connect"
)

// stripeHost starts a fake processor and a host serving only the Stripe plugin against it.
func stripeHost(o options, extra ...string) (*fakeProcessor, *hostProc, string, error) {
	fake, err := startFake(0)
	if err != nil {
		return nil, nil, "", err
	}
	dir := filepath.Join(o.work, fmt.Sprintf("plugins-%d", time.Now().UnixNano()))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, nil, "", err
	}
	b, err := os.ReadFile(stripeWasm(o))
	if err != nil {
		return nil, nil, "", fmt.Errorf("%w (run make build first)", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "stripe.wasm"), b, 0o644); err != nil {
		return nil, nil, "", err
	}
	args := append([]string{"--base-url", "stripe=" + fake.URL()}, extra...)
	h, err := startHost(o.hostBin, dir, filepath.Join(o.work, "cache"), args...)
	if err != nil {
		fake.Close()
		return nil, nil, "", err
	}
	return fake, h, dir, nil
}

// maxRate measures the host's closed-loop throughput after a warm-up.
func maxRate(ctx context.Context, o options, call caller) *result {
	closedLoop(ctx, call, o.workers, o.duration/3)
	return closedLoop(ctx, call, o.workers, o.duration)
}

func latency(ctx context.Context, o options) error {
	fake, h, _, err := stripeHost(o)
	if err != nil {
		return err
	}
	defer fake.Close()
	defer h.Stop()
	hc := httpClient(o.workers)
	direct, via := directCaller(fake.URL(), hc), hostCaller(h.URL(), "stripe", hc)

	d := maxRate(ctx, o, direct)
	m := maxRate(ctx, o, via)
	w := o.out
	fmt.Fprintf(w, "### Throughput (closed loop, %d callers, %s)\n\n", o.workers, o.duration)
	fmt.Fprintln(w, "| path | calls/s | errors | p50 | p99 |\n|---|---|---|---|---|")
	fmt.Fprintf(w, "| client → fake processor (direct) | %.0f | %d | %s | %s |\n", d.Rate(), d.Errors, ms(d.Pct(.5)), ms(d.Pct(.99)))
	fmt.Fprintf(w, "| client → host → fake processor | %.0f | %d | %s | %s |\n\n", m.Rate(), m.Errors, ms(m.Pct(.5)), ms(m.Pct(.99)))
	if m.FirstErr != "" {
		fmt.Fprintf(w, "first host error: `%s`\n\n", m.FirstErr)
	}
	fmt.Fprintf(w, "### Added latency (open loop at a share of the host's max, %s per phase)\n\n", o.duration)
	fmt.Fprintln(w, "| load | rate/s | direct p50 | direct p99 | host p50 | host p99 | added p50 | added p99 | host errors |\n|---|---|---|---|---|---|---|---|---|")
	var errs []string
	for _, share := range []float64{0.1, 0.5, 0.9} {
		rate := m.Rate() * share
		dr := openLoop(ctx, direct, rate, o.duration, 4096)
		hr := openLoop(ctx, via, rate, o.duration, 4096)
		fmt.Fprintf(w, "| %.0f%% | %.0f | %s | %s | %s | %s | **%s** | **%s** | %d |\n", share*100, rate,
			ms(dr.Pct(.5)), ms(dr.Pct(.99)), ms(hr.Pct(.5)), ms(hr.Pct(.99)), ms(hr.Pct(.5)-dr.Pct(.5)), ms(hr.Pct(.99)-dr.Pct(.99)), hr.Errors)
		if hr.FirstErr != "" {
			errs = append(errs, fmt.Sprintf("at %.0f%%: `%s`", share*100, hr.FirstErr))
		}
	}
	for _, e := range errs {
		fmt.Fprintf(w, "\nfirst host error %s", e)
	}
	fmt.Fprintln(w)
	return nil
}

// variant returns wasm with a custom section appended: a valid, distinct
// module (new hash) with the same code, like a rebuilt plugin.
func variant(wasm []byte, n int) []byte {
	payload := append([]byte{5}, []byte("bench")...)
	payload = append(payload, []byte(strconv.Itoa(n))...)
	out := append([]byte{}, wasm...)
	out = append(out, 0) // custom section id
	size := len(payload)
	for {
		b := byte(size & 0x7f)
		size >>= 7
		if size != 0 {
			out = append(out, b|0x80)
			continue
		}
		out = append(out, b)
		break
	}
	return append(out, payload...)
}

func reload(ctx context.Context, o options, swaps int) error {
	fake, h, dir, err := stripeHost(o)
	if err != nil {
		return err
	}
	defer fake.Close()
	defer h.Stop()
	hc := httpClient(o.workers)
	via := hostCaller(h.URL(), "stripe", hc)
	m := maxRate(ctx, o, via)
	rate := m.Rate() / 2
	base := openLoop(ctx, via, rate, o.duration, 4096)

	wasm, err := os.ReadFile(filepath.Join(dir, "stripe.wasm"))
	if err != nil {
		return err
	}
	conns := connectorhostv1connect.NewConnectorServiceClient(hc, h.URL())
	var swapTimes []time.Duration
	// The first call once a new version serves, and the call after it (a
	// warm one): a hot-load should cost the first call nothing extra.
	var firsts, warms []time.Duration
	var swapErr error
	loadCtx, stopLoad := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer stopLoad()
		for i := 0; i < swaps; i++ {
			b := variant(wasm, i)
			sum := sha256.Sum256(b)
			want := hex.EncodeToString(sum[:])
			tmp := filepath.Join(dir, ".stripe.tmp")
			start := time.Now()
			if err := os.WriteFile(tmp, b, 0o644); err != nil {
				swapErr = err
				return
			}
			if err := os.Rename(tmp, filepath.Join(dir, "stripe.wasm")); err != nil {
				swapErr = err
				return
			}
			for {
				res, err := conns.GetConnector(ctx, connect.NewRequest(&v1.ConnectorServiceGetConnectorRequest{Name: "stripe"}))
				if err == nil && res.Msg.GetConnector().GetSha256() == want {
					break
				}
				if time.Since(start) > time.Minute {
					swapErr = fmt.Errorf("swap %d not served within a minute", i)
					return
				}
				time.Sleep(10 * time.Millisecond) // polling the host's reported state
			}
			swapTimes = append(swapTimes, time.Since(start))
			for k, into := range []*[]time.Duration{&firsts, &warms} {
				t0 := time.Now()
				if err := via(ctx, int64(1_000_000+2*i+k)); err != nil {
					swapErr = fmt.Errorf("call after swap %d: %w", i, err)
					return
				}
				*into = append(*into, time.Since(t0))
			}
		}
	}()
	during := openLoop(loadCtx, via, rate, 10*time.Minute, 4096)
	wg.Wait()
	if swapErr != nil {
		return swapErr
	}
	var total time.Duration
	for _, t := range swapTimes {
		total += t
	}
	w := o.out
	fmt.Fprintf(w, "### Hot reload under load (%d swaps at %.0f calls/s, half the max)\n\n", swaps, rate)
	fmt.Fprintln(w, "| phase | calls | failed | p50 | p99 | max |\n|---|---|---|---|---|---|")
	fmt.Fprintf(w, "| steady, no swaps (%s) | %d | %d | %s | %s | %s |\n", o.duration, base.Sent, base.Errors, ms(base.Pct(.5)), ms(base.Pct(.99)), ms(base.Pct(1)))
	fmt.Fprintf(w, "| during %d swaps (%s) | %d | **%d** | %s | %s | %s |\n\n", swaps, during.Elapsed.Round(time.Millisecond), during.Sent, during.Errors, ms(during.Pct(.5)), ms(during.Pct(.99)), ms(during.Pct(1)))
	fmt.Fprintf(w, "Mean time from rename to the new version serving: %s (each swap compiles a new module).\n\n", (total / time.Duration(len(swapTimes))).Round(time.Millisecond))
	added := make([]time.Duration, len(firsts))
	for i := range firsts {
		added[i] = firsts[i] - warms[i]
	}
	for _, s := range [][]time.Duration{firsts, warms, added} {
		slices.Sort(s)
	}
	fmt.Fprintf(w, "First call once a new version serves: median %s, max %s; the call after it: median %s; first minus that warm call: median %s, max %s.\n\n",
		pct(firsts, .5), pct(firsts, 1), pct(warms, .5), pct(added, .5), pct(added, 1))
	if during.FirstErr != "" {
		fmt.Fprintf(w, "first error: `%s`\n\n", during.FirstErr)
	}
	return nil
}

func scale(ctx context.Context, o options, countsFlag string) error {
	bin := filepath.Join(o.work, "bench000.wasm")
	if err := buildBenchPlugin(bin); err != nil {
		return err
	}
	tmpl, err := os.ReadFile(bin)
	if err != nil {
		return err
	}
	fake, err := startFake(0)
	if err != nil {
		return err
	}
	defer fake.Close()
	w := o.out
	fmt.Fprintln(w, "### Scale in connectors\n\n| plugin files | cache | ready | RSS idle | time to activate all | RSS after one call to each | errors |\n|---|---|---|---|---|---|---|")
	for _, f := range strings.Split(countsFlag, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 || n > 999 {
			return fmt.Errorf("bad count %q", f)
		}
		dir := filepath.Join(o.work, fmt.Sprintf("scale-%d", n))
		cache := filepath.Join(o.work, fmt.Sprintf("scale-cache-%d", n))
		var args []string
		for i := 0; i < n; i++ {
			name := fmt.Sprintf("bench%03d", i)
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return err
			}
			b := []byte(strings.Replace(string(tmpl), "bench000", name, 1))
			// The copies differ only in data, which the host takes out of
			// the module it compiles (its initial-memory image), so they
			// would share one compiled module: a custom section naming
			// each keeps them compiled apart, as distinct connectors are.
			b = appendCustomSection(b, "connector-bench-id", name)
			if err := os.WriteFile(filepath.Join(dir, name+".wasm"), b, 0o644); err != nil {
				return err
			}
			args = append(args, "--base-url", name+"="+fake.URL())
		}
		for _, label := range []string{"cold", "warm"} {
			h, err := startHost(o.hostBin, dir, cache, args...)
			if err != nil {
				return err
			}
			idle := h.RSS()
			hc := httpClient(4)
			start := time.Now()
			errs := 0
			var firstErr error
			for i := 0; i < n; i++ {
				if err := hostCaller(h.URL(), fmt.Sprintf("bench%03d", i), hc)(ctx, int64(i)); err != nil {
					errs++
					if firstErr == nil {
						firstErr = err
					}
				}
			}
			if firstErr != nil {
				fmt.Fprintf(os.Stderr, "scale: %d plugins (%s): first error: %v\n", n, label, firstErr)
			}
			activate := time.Since(start)
			after := h.RSS()
			_ = h.Stop()
			fmt.Fprintf(w, "| %d | %s | %s | %.0f MiB | %s | %.0f MiB | %d |\n", n, label, h.Ready.Round(time.Millisecond), idle, activate.Round(time.Millisecond), after, errs)
		}
	}
	fmt.Fprintln(w)
	return nil
}

func soak(ctx context.Context, o options, total, interval time.Duration) error {
	metricsAddr, err := freeAddr()
	if err != nil {
		return err
	}
	fake, h, _, err := stripeHost(o, "--metrics-listen", metricsAddr)
	if err != nil {
		return err
	}
	defer fake.Close()
	defer h.Stop()
	hc := httpClient(o.workers)
	via := hostCaller(h.URL(), "stripe", hc)
	rate := maxRate(ctx, o, via).Rate() / 2
	w := o.out
	fmt.Fprintf(w, "### Soak: %s at %.0f calls/s (half the max)\n\n| minute | calls | errors | p50 | p99 | RSS | goroutines | threads |\n|---|---|---|---|---|---|---|---|\n", total, rate)
	var sent, errs int64
	for elapsed := time.Duration(0); elapsed < total; elapsed += interval {
		r := openLoop(ctx, via, rate, interval, 4096)
		sent += r.Sent
		errs += r.Errors
		fmt.Fprintf(w, "| %.1f | %d | %d | %s | %s | %.0f MiB | %s | %d |\n", (elapsed + interval).Minutes(), r.Sent, r.Errors, ms(r.Pct(.5)), ms(r.Pct(.99)), h.RSS(), goroutines(hc, metricsAddr), h.Threads())
	}
	fmt.Fprintf(w, "\nTotal: %d calls, %d errors.\n\n", sent, errs)
	return nil
}

// appendCustomSection appends a custom section called name holding payload
// to the module wasm (a custom section may come anywhere; it changes no
// behaviour, only the module's bytes).
func appendCustomSection(wasm []byte, name, payload string) []byte {
	uleb := func(b []byte, v int) []byte {
		for {
			c := byte(v & 0x7f)
			v >>= 7
			if v == 0 {
				return append(b, c)
			}
			b = append(b, c|0x80)
		}
	}
	body := append(uleb(nil, len(name)), name...)
	body = append(body, payload...)
	out := append(append([]byte(nil), wasm...), 0)
	out = uleb(out, len(body))
	return append(out, body...)
}

func buildBenchPlugin(out string) error {
	return goBuildWasm("./internal/benchplugin", out)
}

// goroutines reads go_goroutines from the host's /metrics.
func goroutines(hc *http.Client, addr string) string {
	res, err := hc.Get("http://" + addr + "/metrics")
	if err != nil {
		return "n/a"
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "go_goroutines "); ok {
			return v
		}
	}
	return "n/a"
}
