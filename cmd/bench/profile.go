package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/pprof"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/connectorhost/connector-host/host/app"
	"github.com/connectorhost/connector-host/host/config"
)

// profile runs the host in this process under closed-loop load with a CPU
// profile, then groups flat CPU time by component. The load generator and
// fake processor share the process; their time is shown on its own line.
func profile(ctx context.Context, o options) error {
	fake, err := startFake(0)
	if err != nil {
		return err
	}
	defer fake.Close()
	dir := filepath.Join(o.work, "profile-plugins")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	b, err := os.ReadFile(stripeWasm(o))
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "stripe.wasm"), b, 0o644); err != nil {
		return err
	}
	cfg := config.Default()
	cfg.Listen, cfg.PluginsDir, cfg.CacheDir = "127.0.0.1:0", dir, filepath.Join(o.work, "cache")
	cfg.Connectors["stripe"] = config.Connector{BaseURL: fake.URL()}
	hctx, cancel := context.WithCancel(ctx)
	defer cancel()
	h, err := app.New(hctx, cfg, app.Options{})
	if err != nil {
		return err
	}
	go h.Serve(hctx, 5*time.Second)
	via := hostCaller("http://"+h.Addr(), "stripe", httpClient(o.workers))
	closedLoop(ctx, via, o.workers, o.duration/3) // warm up: activate, fill pools

	path := filepath.Join(o.work, "cpu.pprof")
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		return err
	}
	r := closedLoop(ctx, via, o.workers, o.duration)
	pprof.StopCPUProfile()
	f.Close()

	out, err := exec.Command("go", "tool", "pprof", "-top", "-nodecount=100000", path).Output()
	if err != nil {
		return fmt.Errorf("go tool pprof: %w", err)
	}
	groups, total := categorize(out)
	w := o.out
	fmt.Fprintf(w, "### Where the CPU goes (%s closed loop, %.0f calls/s, host + load generator + fake processor in one process)\n\n", o.duration, r.Rate())
	fmt.Fprintln(w, "Compiled plugin code runs outside Go's symbol tables, so pprof reports it as `runtime._ExternalCode`; it is counted under Wasm. No TLS: the fake processor and the callers are on loopback in cleartext.")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| component | share of CPU samples |\n|---|---|")
	type kv struct {
		k string
		v float64
	}
	var rows []kv
	for k, v := range groups {
		rows = append(rows, kv{k, v})
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].v > rows[j].v })
	for _, row := range rows {
		fmt.Fprintf(w, "| %s | %.1f%% |\n", row.k, 100*row.v/total)
	}
	fmt.Fprintln(w)
	return nil
}

// categorize sums pprof -top flat times by component.
func categorize(top []byte) (map[string]float64, float64) {
	groups := map[string]float64{}
	var total float64
	sc := bufio.NewScanner(bytes.NewReader(top))
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 6 || !strings.HasSuffix(fields[1], "%") {
			continue
		}
		flat, ok := seconds(fields[0])
		if !ok {
			continue
		}
		name := strings.Join(fields[5:], " ")
		groups[component(name)] += flat
		total += flat
	}
	return groups, total
}

func seconds(s string) (float64, bool) {
	for _, u := range []struct {
		suffix string
		mult   float64
	}{{"ms", 1e-3}, {"us", 1e-6}, {"µs", 1e-6}, {"s", 1}} {
		if v, ok := strings.CutSuffix(s, u.suffix); ok {
			f, err := strconv.ParseFloat(v, 64)
			return f * u.mult, err == nil
		}
	}
	return 0, false
}

func component(fn string) string {
	switch {
	case strings.Contains(fn, "wazero") || strings.HasPrefix(fn, "0x") || fn == "[unknown]" || fn == "runtime._ExternalCode":
		return "Wasm (wazero runtime and compiled plugin code)"
	case strings.Contains(fn, "google.golang.org/protobuf") || strings.Contains(fn, "connector-host/gen/") || strings.Contains(fn, "vtprotobuf"):
		return "protobuf (host side)"
	case strings.HasPrefix(fn, "crypto/tls"):
		return "TLS"
	case strings.HasPrefix(fn, "connectrpc.com"):
		return "Connect (RPC framing)"
	case strings.HasPrefix(fn, "net/http") || strings.HasPrefix(fn, "net.") || strings.HasPrefix(fn, "internal/poll") ||
		strings.HasPrefix(fn, "syscall") || strings.HasPrefix(fn, "golang.org/x/net") || strings.HasPrefix(fn, "bufio") || strings.HasPrefix(fn, "net/textproto") || strings.HasPrefix(fn, "internal/runtime/syscall"):
		return "HTTP and sockets"
	case strings.HasPrefix(fn, "main."):
		return "load generator and fake processor (bench)"
	case strings.Contains(fn, "connector-host/host/"):
		return "host logic (executor, registry, server)"
	case strings.HasPrefix(fn, "runtime.") || strings.HasPrefix(fn, "internal/runtime") || strings.HasPrefix(fn, "sync") || strings.HasPrefix(fn, "internal/sync"):
		return "Go runtime (scheduler, GC, allocation, locks)"
	case strings.HasPrefix(fn, "encoding/json") || strings.HasPrefix(fn, "log/slog") || strings.HasPrefix(fn, "fmt") || strings.HasPrefix(fn, "strconv"):
		return "encoding, logging and formatting"
	default:
		return "other"
	}
}
