package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
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
	}
	rows := make([]row, len(vs))
	for i, v := range vs {
		b, err := os.ReadFile(v.path)
		if err != nil {
			return fmt.Errorf("%s: %w (run make build first)", v.label, err)
		}
		rows[i].size = len(b)
	}
	// Cold compiles, alternating the variants so machine load hits both alike.
	times := make([][]time.Duration, len(vs))
	for r := 0; r < reps; r++ {
		for i, v := range vs {
			b, _ := os.ReadFile(v.path)
			d, err := coldLoad(ctx, b)
			if err != nil {
				return fmt.Errorf("%s: %w", v.label, err)
			}
			times[i] = append(times[i], d)
		}
	}
	for i := range vs {
		sort.Slice(times[i], func(a, b int) bool { return times[i][a] < times[i][b] })
		rows[i].compile = times[i][len(times[i])/2]
	}
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
		h, err := startHost(o.hostBin, dir, filepath.Join(o.work, "lean-cache-"+v.label), "--base-url", "stripe="+fake.URL())
		if err != nil {
			fake.Close()
			return err
		}
		call := hostCaller(h.URL(), "stripe", httpClient(4))
		rows[i].idle = h.RSS()
		if err := call(ctx, 0); err != nil {
			rows[i].errs++
		}
		rows[i].one = h.RSS()
		rows[i].settled = h.SettledRSS()
		for n := int64(1); n <= 1000; n++ {
			if err := call(ctx, n); err != nil {
				rows[i].errs++
			}
		}
		rows[i].after = h.RSS()
		h.Stop()
		// A restart on the same cache: the plugin loads compiled, so what it
		// adds is its code and instances without the compiler's garbage.
		h, err = startHost(o.hostBin, dir, filepath.Join(o.work, "lean-cache-"+v.label), "--base-url", "stripe="+fake.URL())
		if err != nil {
			fake.Close()
			return err
		}
		call = hostCaller(h.URL(), "stripe", httpClient(4))
		rows[i].warmIdle = h.RSS()
		if err := call(ctx, 0); err != nil {
			rows[i].errs++
		}
		rows[i].warmOne = h.RSS()
		rows[i].warmSettled = h.SettledRSS()
		h.Stop()
		fake.Close()
	}
	w := o.out
	fmt.Fprintf(w, "### One plugin's cost (Stripe; cold compile: median of %d, in-process)\n\n", reps)
	fmt.Fprintln(w, "| build | .wasm | cold compile | host RSS idle | after 1 call | added by the plugin | settled after 1 call: added | after 1,001 calls | restarted on the cache: added by 1 call | settled | errors |\n|---|---|---|---|---|---|---|---|---|---|---|")
	for i, v := range vs {
		r := rows[i]
		fmt.Fprintf(w, "| %s | %.2f MB | %s | %.0f MiB | %.0f MiB | **%.0f MiB** | %.0f MiB | %.0f MiB | %.0f MiB | %.0f MiB | %d |\n", v.label, float64(r.size)/1e6,
			r.compile.Round(time.Millisecond), r.idle, r.one, r.one-r.idle, r.settled-r.idle, r.after, r.warmOne-r.warmIdle, r.warmSettled-r.warmIdle, r.errs)
	}
	if len(vs) == 2 {
		b, c := rows[0], rows[1]
		fmt.Fprintf(w, "\ncurrent / baseline: .wasm %.2f×, cold compile %.2f×, RSS added by one active plugin %.2f× (%.2f× restarted on the cache)\n",
			float64(c.size)/float64(b.size), c.compile.Seconds()/b.compile.Seconds(), (c.one-c.idle)/(b.one-b.idle), (c.warmOne-c.warmIdle)/(b.warmOne-b.warmIdle))
	}
	fmt.Fprintln(w)
	return nil
}

// coldLoad compiles and loads wasm in a fresh engine with no cache and
// returns how long it took (compile, rewrite, first instance, manifest).
func coldLoad(ctx context.Context, wasm []byte) (time.Duration, error) {
	e, err := sandbox.NewEngine(sandbox.Options{})
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
