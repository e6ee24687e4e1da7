package sandbox

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"testing"

	"github.com/connectorhost/connector-host/internal/wasmbuild"
)

// These benchmarks measure the costs behind loading: compiling a Go plugin
// (cold, and from the on-disk cache as after a restart), instantiating one
// more instance (Go's _initialize included), and the memory a warm instance
// holds. They use the bundled Stripe plugin, a typical ~11 MB Go module.

func stripeWasm(b *testing.B) []byte {
	w, err := os.ReadFile(wasmbuild.Build(b, "./plugins/stripe/wasm", "stripe"))
	if err != nil {
		b.Fatal(err)
	}
	return w
}

func BenchmarkCompileCold(b *testing.B) {
	w := stripeWasm(b)
	for i := 0; i < b.N; i++ {
		e, _ := NewEngine(Options{})
		p, err := e.Load(context.Background(), "stripe", w)
		if err != nil {
			b.Fatal(err)
		}
		p.Close()
		e.Close(context.Background())
	}
}

func BenchmarkCompileCached(b *testing.B) {
	w := stripeWasm(b)
	dir := b.TempDir()
	warm, _ := NewEngine(Options{CacheDir: dir})
	p, err := warm.Load(context.Background(), "stripe", w)
	if err != nil {
		b.Fatal(err)
	}
	p.Close()
	warm.Close(context.Background())
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		e, _ := NewEngine(Options{CacheDir: dir}) // a restarted host
		p, err := e.Load(context.Background(), "stripe", w)
		if err != nil {
			b.Fatal(err)
		}
		p.Close()
		e.Close(context.Background())
	}
}

func BenchmarkInstantiate(b *testing.B) {
	e, _ := NewEngine(Options{})
	defer e.Close(context.Background())
	p, err := e.Load(context.Background(), "stripe", stripeWasm(b))
	if err != nil {
		b.Fatal(err)
	}
	defer p.Close()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	rssBefore := residentBytes()
	insts := make([]*instance, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		inst, err := p.newInstance(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		insts = append(insts, inst)
	}
	b.StopTimer()
	runtime.ReadMemStats(&after)
	rssAfter := residentBytes()
	var mem uint64
	for _, inst := range insts {
		mem += uint64(inst.mem.Size())
	}
	b.ReportMetric(float64(mem)/float64(len(insts))/(1<<20), "guest-MiB/instance")
	b.ReportMetric(float64(after.Sys-before.Sys)/float64(len(insts))/(1<<20), "host-MiB/instance")
	if rssBefore > 0 && rssAfter > 0 {
		// Linear memory is mapped outside the Go heap (memory.go): only the
		// process's resident memory shows the pages the guests touched.
		b.ReportMetric(float64(rssAfter-rssBefore)/float64(len(insts))/(1<<20), "rss-MiB/instance")
	}
	for _, inst := range insts {
		inst.close(context.Background())
	}
}

// residentBytes is the process's resident memory (Linux /proc), or 0.
func residentBytes() int64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	var size, resident int64
	if _, err := fmt.Sscan(string(b), &size, &resident); err != nil {
		return 0
	}
	return resident * int64(os.Getpagesize())
}
