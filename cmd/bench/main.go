// Command bench measures what the connector host adds to a payment call and
// whether it holds under load. Every scenario sends traffic only to loopback,
// is bounded in requests and time, and prints Markdown for BENCHMARKS.md.
//
//	bench latency  [flags]  added latency vs a direct call, at 10/50/90% of max throughput
//	bench reload   [flags]  plugin swaps during steady load: failed calls and latency effect
//	bench scale    [flags]  start time and RSS with 1, 10, 100 plugin files
//	bench soak     [flags]  steady load at half the max rate: errors, RSS and goroutines over time
//	bench profile  [flags]  where the host's CPU goes under load (pprof summary)
//	bench lean     [flags]  one plugin's size, cold compile and host RSS (vs --baseline)
//	bench attack   [flags]  hostile plugins (issue 11): time to fail, health latency, RSS, exit on SIGTERM
//	bench all --short       the short versions of all of them (make bench)
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"time"
)

// options are the flags every scenario shares.
type options struct {
	hostBin    string
	pluginsDir string
	duration   time.Duration
	workers    int
	short      bool
	out        io.Writer
	work       string
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: bench latency|reload|scale|soak|profile|lean|attack|all [flags]")
		os.Exit(2)
	}
	scenario := os.Args[1]
	fs := flag.NewFlagSet(scenario, flag.ExitOnError)
	o := options{out: os.Stdout}
	fs.StringVar(&o.hostBin, "host", "bin/connector-host", "connector-host binary")
	fs.StringVar(&o.pluginsDir, "plugins", "bin/plugins", "directory with stripe.wasm")
	fs.DurationVar(&o.duration, "duration", 10*time.Second, "length of each measured load phase")
	fs.IntVar(&o.workers, "workers", 32, "concurrent callers in the max-throughput phase")
	fs.BoolVar(&o.short, "short", false, "short versions (make bench)")
	swaps := fs.Int("swaps", 20, "reload: plugin swaps")
	counts := fs.String("counts", "1,10,100", "scale: plugin file counts")
	soakFor := fs.Duration("soak", 10*time.Minute, "soak: total duration")
	interval := fs.Duration("interval", time.Minute, "soak: sampling interval")
	baseline := fs.String("baseline", "", "lean: another build of stripe.wasm to compare with, in the same run")
	reps := fs.Int("reps", 3, "lean: cold compiles per build")
	_ = fs.Parse(os.Args[2:])
	work, err := os.MkdirTemp("", "bench-")
	if err != nil {
		fatal(err)
	}
	defer func() {
		if os.Getenv("BENCH_KEEP") == "" {
			os.RemoveAll(work)
		}
	}()
	o.work = work
	if o.short {
		o.duration = 3 * time.Second
		*swaps = 5
		*soakFor, *interval = 30*time.Second, 10*time.Second
		*reps = 1
	}
	fmt.Fprintf(o.out, "<!-- bench %s: %s, %d CPUs, GOMAXPROCS %d, %s -->\n\n", scenario, runtime.Version(), runtime.NumCPU(), runtime.GOMAXPROCS(0), time.Now().UTC().Format(time.RFC3339))
	ctx := context.Background()
	run := map[string]func() error{
		"latency": func() error { return latency(ctx, o) },
		"reload":  func() error { return reload(ctx, o, *swaps) },
		"scale":   func() error { return scale(ctx, o, *counts) },
		"soak":    func() error { return soak(ctx, o, *soakFor, *interval) },
		"profile": func() error { return profile(ctx, o) },
		"lean":    func() error { return lean(ctx, o, *baseline, *reps) },
		"attack":  func() error { return attack(ctx, o) },
	}
	if scenario == "all" {
		for _, name := range []string{"lean", "latency", "reload", "scale", "soak", "profile", "attack"} {
			if name == "scale" && o.short {
				*counts = "1,10"
			}
			if err := run[name](); err != nil {
				fatal(fmt.Errorf("%s: %w", name, err))
			}
		}
		return
	}
	f, ok := run[scenario]
	if !ok {
		fatal(fmt.Errorf("unknown scenario %q", scenario))
	}
	if err := f(); err != nil {
		fatal(err)
	}
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "bench:", err)
	os.Exit(1)
}

func stripeWasm(o options) string { return filepath.Join(o.pluginsDir, "stripe.wasm") }
