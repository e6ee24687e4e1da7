package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"time"

	"github.com/connectorhost/connector-host/host/plugin"
	"github.com/connectorhost/connector-host/host/sandbox"
)

// lean measures what one plugin costs the host (issue 13): its size, a cold
// compile, and the host RSS it adds once active, for the current Stripe
// plugin and, when --baseline names another build of it (e.g. one from before
// a change), for that one too, in the same run so the ratios compare like
// with like.
func lean(ctx context.Context, o options, baseline string, reps int) error {
	type variantWasm struct{ label, path string }
	vs := []variantWasm{{"current", stripeWasm(o)}}
	if baseline != "" {
		vs = append([]variantWasm{{"baseline", baseline}}, vs...)
	}
	type row struct {
		size              int
		compile           time.Duration
		idle, one, after  float64
		settled           float64
		warmIdle, warmOne float64
		warmSettled       float64
		errs              int64
		// parts of the RSS: idle, settled after the first call, and the
		// same for the restart on the cache.
		pIdle, pSettled, pWarmIdle, pWarmSettled rssParts
	}
	rows := make([]row, len(vs))
	for i, v := range vs {
		b, err := os.ReadFile(v.path)
		if err != nil {
			return fmt.Errorf("%s: %w (run make build first)", v.label, err)
		}
		rows[i].size = len(b)
	}
	// Cold compiles, alternating the variants so machine load hits both
	// alike: each variant with one compile worker (how the host compiled
	// before issue 13, so the plugin alone makes the difference), and the
	// current plugin with the host's default (GOMAXPROCS workers).
	workers := runtime.GOMAXPROCS(0)
	times := make([][]time.Duration, len(vs))
	var parallel []time.Duration
	for r := 0; r < reps; r++ {
		for i, v := range vs {
			b, _ := os.ReadFile(v.path)
			d, err := coldLoad(ctx, b, 1)
			if err != nil {
				return fmt.Errorf("%s: %w", v.label, err)
			}
			times[i] = append(times[i], d)
			if v.label == "current" {
				d, err := coldLoad(ctx, b, workers)
				if err != nil {
					return fmt.Errorf("%s: %w", v.label, err)
				}
				parallel = append(parallel, d)
			}
		}
	}
	median := func(ds []time.Duration) time.Duration {
		sort.Slice(ds, func(a, b int) bool { return ds[a] < ds[b] })
		return ds[len(ds)/2]
	}
	for i := range vs {
		rows[i].compile = median(times[i])
	}
	parallelCompile := median(parallel)
	// Host RSS: a host serving only this plugin (cold cache), before any call,
	// after one call (which activates it) and after 1,000 more.
	for i, v := range vs {
		fake, err := startFake(0)
		if err != nil {
			return err
		}
		dir := filepath.Join(o.work, "lean-"+v.label)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		b, _ := os.ReadFile(v.path)
		if err := os.WriteFile(filepath.Join(dir, "stripe.wasm"), b, 0o644); err != nil {
			return err
		}
		maddr, err := freeAddr()
		if err != nil {
			fake.Close()
			return err
		}
		murl := "http://" + maddr + "/metrics"
		h, err := startHost(o.hostBin, dir, filepath.Join(o.work, "lean-cache-"+v.label), "--base-url", "stripe="+fake.URL(), "--metrics-listen", maddr)
		if err != nil {
			fake.Close()
			return err
		}
		call := hostCaller(h.URL(), "stripe", httpClient(4))
		rows[i].idle = h.RSS()
		rows[i].pIdle, _ = readRSSParts(h.cmd.Process.Pid, murl)
		if err := call(ctx, 0); err != nil {
			rows[i].errs++
		}
		rows[i].one = h.RSS()
		rows[i].settled = h.SettledRSS()
		rows[i].pSettled, _ = readRSSParts(h.cmd.Process.Pid, murl)
		for n := int64(1); n <= 1000; n++ {
			if err := call(ctx, n); err != nil {
				rows[i].errs++
			}
		}
		rows[i].after = h.RSS()
		h.Stop()
		// A restart on the same cache: the plugin loads compiled, so what it
		// adds is its code and instances without the compiler's garbage.
		h, err = startHost(o.hostBin, dir, filepath.Join(o.work, "lean-cache-"+v.label), "--base-url", "stripe="+fake.URL(), "--metrics-listen", maddr)
		if err != nil {
			fake.Close()
			return err
		}
		call = hostCaller(h.URL(), "stripe", httpClient(4))
		rows[i].warmIdle = h.RSS()
		rows[i].pWarmIdle, _ = readRSSParts(h.cmd.Process.Pid, murl)
		if err := call(ctx, 0); err != nil {
			rows[i].errs++
		}
		rows[i].warmOne = h.RSS()
		rows[i].warmSettled = h.SettledRSS()
		rows[i].pWarmSettled, _ = readRSSParts(h.cmd.Process.Pid, murl)
		h.Stop()
		fake.Close()
	}
	w := o.out
	fmt.Fprintf(w, "### One plugin's cost (Stripe; cold compile: median of %d, in-process, one compile worker)\n\n", reps)
	fmt.Fprintln(w, "| build | .wasm | cold compile | host RSS idle | after 1 call | added by the plugin | settled after 1 call: added | after 1,001 calls | restarted on the cache: added by 1 call | settled | errors |\n|---|---|---|---|---|---|---|---|---|---|---|")
	for i, v := range vs {
		r := rows[i]
		fmt.Fprintf(w, "| %s | %.2f MB | %s | %.0f MiB | %.0f MiB | **%.0f MiB** | %.0f MiB | %.0f MiB | %.0f MiB | %.0f MiB | %d |\n", v.label, float64(r.size)/1e6,
			r.compile.Round(time.Millisecond), r.idle, r.one, r.one-r.idle, r.settled-r.idle, r.after, r.warmOne-r.warmIdle, r.warmSettled-r.warmIdle, r.errs)
	}
	c := rows[len(rows)-1]
	fmt.Fprintf(w, "\ncurrent, cold compile with the host's %d compile workers: %s\n", workers, parallelCompile.Round(time.Millisecond))
	if len(vs) == 2 {
		b := rows[0]
		fmt.Fprintf(w, "\ncurrent / baseline: .wasm %.2f×, cold compile %.2f× (one worker each), %.2f× (current on %d workers vs baseline on one, as the host compiled it), RSS added by one active plugin %.2f× (%.2f× restarted on the cache)\n",
			float64(c.size)/float64(b.size), c.compile.Seconds()/b.compile.Seconds(), parallelCompile.Seconds()/b.compile.Seconds(), workers, (c.one-c.idle)/(b.one-b.idle), (c.warmOne-c.warmIdle)/(b.warmOne-b.warmIdle))
	}
	fmt.Fprint(w, "\nWhere the settled RSS added by the first call goes (MiB; /proc/PID/smaps and the host's go_memstats; Linux only):\n\n")
	fmt.Fprintln(w, "| build | host | machine code (anon r-x) | linear memory (MAP_NORESERVE and memfd images) | memfd images, whole | Go runtime (other anon) | Go heap in use | Go heap allocated | file-backed |\n|---|---|---|---|---|---|---|---|---|")
	for i, v := range vs {
		r := rows[i]
		fmt.Fprintf(w, "| %s | cold cache | %s |\n", v.label, r.pSettled.sub(r.pIdle))
		fmt.Fprintf(w, "| %s | restarted on the cache | %s |\n", v.label, r.pWarmSettled.sub(r.pWarmIdle))
	}
	fmt.Fprintln(w)
	return nil
}

// coldLoad compiles and loads wasm in a fresh engine with no cache and
// returns how long it took (compile, rewrite, first instance, manifest),
// compiling on workers goroutines.
func coldLoad(ctx context.Context, wasm []byte, workers int) (time.Duration, error) {
	e, err := sandbox.NewEngine(sandbox.Options{CompileWorkers: workers})
	if err != nil {
		return 0, err
	}
	defer e.Close(ctx)
	start := time.Now()
	p, err := plugin.Load(ctx, e, "stripe", wasm)
	d := time.Since(start)
	if err != nil {
		return 0, err
	}
	p.Close()
	return d, nil
}
