// Package flowbench benchmarks a plugin's transforms (build_request +
// parse_response for one flow) twice in one run: inside WebAssembly on the
// host runtime with every limit on (per-call deadline, memory cap, size caps),
// and natively through the PDK's same encode/dispatch/decode path. The ratio
// of the two is the cost of the sandbox.
package flowbench

import (
	"bytes"
	"context"
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/connectorhost/connector-host/abi"
	"github.com/connectorhost/connector-host/conformance"
	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/host/plugin"
	"github.com/connectorhost/connector-host/host/sandbox"
	"github.com/connectorhost/connector-host/pdk"
)

// Case is one flow invocation: the request and the processor's canned answer.
type Case struct {
	Name        string
	Flow        v1.Flow
	Request     pdk.Message
	Credentials map[string]string
	Status      int
	Body        []byte
}

// Run benchmarks every case natively ("native/NAME"), in Wasm with the host's
// deadline instrumentation ("wasm/NAME"), and in Wasm with wazero's
// close-on-context-done instead ("wasm-ctxdone/NAME"), reporting the mean
// (ns/op) and the median and 99th percentile of single build+parse pairs
// (p50-µs, p99-µs). "wasm-parallel/NAME" runs the Wasm case from every
// processor at once: its ns/op is the inverse of the transform throughput.
func Run(b *testing.B, c *pdk.Connector, name string, wasm []byte, cases []Case) {
	load := func(opts ...func(*sandbox.Options)) *plugin.Plugin { return loadModule(b, name, wasm, opts...) }
	p := load()
	native, _, err := conformance.NativeTransformer(c)
	if err != nil {
		b.Fatal(err)
	}
	impls := []impl{
		{"native", native},
		{"wasm", p},
		{"wasm-nogc", loadModule(b, name, withoutGCExport(wasm))},
		{"wasm-ctxdone", load(sandbox.ContextDoneChecks)},
	}
	runCases(b, p, impls, cases)
}

// withoutGCExport renames the optional connector_gc export so the host
// serves the module as it serves a plugin without it: Go's collector then
// runs inside calls ("wasm-nogc" shows what moving it between calls buys).
func withoutGCExport(wasm []byte) []byte {
	name := append([]byte{byte(len(abi.ExportGC))}, abi.ExportGC...)
	renamed := append([]byte{byte(len(abi.ExportGC))}, abi.ExportGC[:len(abi.ExportGC)-1]+"_"...)
	return bytes.Replace(wasm, name, renamed, 1)
}

func loadModule(b testing.TB, name string, wasm []byte, opts ...func(*sandbox.Options)) *plugin.Plugin {
	o := sandbox.Options{CacheDir: b.TempDir()}
	for _, f := range opts {
		f(&o)
	}
	eng, err := sandbox.NewEngine(o)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = eng.Close(context.Background()) })
	p, err := plugin.Load(context.Background(), eng, name, wasm)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(p.Close)
	p.Warm(p.PoolSize())
	return p
}

// impl is one way to run the transforms.
type impl struct {
	label string
	t     abi.Transformer
}

// pair is one build_request + parse_response of a case, as the executor
// makes them (without the processor round trip).
type pair struct {
	build *pluginv1.BuildRequestInput
	parse *pluginv1.ParseResponseInput
}

func newPair(tc Case) (pair, error) {
	reqB, err := tc.Request.MarshalVT()
	if err != nil {
		return pair{}, fmt.Errorf("encode request: %w", err)
	}
	random := make([]byte, abi.DefaultRandomBytes)
	cc := &pluginv1.CallContext{Credentials: tc.Credentials, BaseUrl: "https://processor.test", Environment: pluginv1.Environment_ENVIRONMENT_SANDBOX,
		NowUnixMs: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC).UnixMilli(), Random: random, RequestId: "req_bench"}
	return pair{
		build: &pluginv1.BuildRequestInput{Flow: tc.Flow, Request: reqB, Context: cc},
		parse: &pluginv1.ParseResponseInput{Flow: tc.Flow, Request: reqB, Context: cc, HttpResponse: &pluginv1.HttpResponse{
			Status: int32(tc.Status), Body: tc.Body, Headers: []*v1.HttpHeader{
				{Name: "Content-Type", Value: "application/json"}, {Name: "Request-Id", Value: "req_bench"}}}},
	}, nil
}

// run builds the request, then parses the case's answer; it fails unless
// the answer parses to a response.
func (p pair) run(ctx context.Context, t abi.Transformer) error {
	bo, err := t.BuildRequest(ctx, p.build)
	if err != nil {
		return err
	}
	hr := bo.GetHttpRequest()
	if hr == nil {
		return fmt.Errorf("build did not return a request: %v", bo)
	}
	in := p.parse.CloneVT()
	in.HttpRequest = hr
	po, err := t.ParseResponse(ctx, in)
	if err != nil {
		return err
	}
	if po.GetResponse() == nil {
		return fmt.Errorf("parse did not return a response: %v", po)
	}
	return nil
}

func runCases(b *testing.B, p *plugin.Plugin, impls []impl, cases []Case) {
	ctx := context.Background()
	for _, tc := range cases {
		call, err := newPair(tc)
		if err != nil {
			b.Fatal(err)
		}
		for _, impl := range impls {
			b.Run(impl.label+"/"+tc.Name, func(b *testing.B) {
				if err := call.run(ctx, impl.t); err != nil {
					b.Fatalf("case does not parse to a response: %v", err)
				}
				durations := make([]time.Duration, 0, b.N)
				b.ReportAllocs()
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					start := time.Now()
					if err := call.run(ctx, impl.t); err != nil {
						b.Fatal(err)
					}
					durations = append(durations, time.Since(start))
				}
				b.StopTimer()
				sort.Slice(durations, func(i, j int) bool { return durations[i] < durations[j] })
				b.ReportMetric(float64(durations[len(durations)/2].Nanoseconds())/1e3, "p50-µs")
				b.ReportMetric(float64(durations[len(durations)*99/100].Nanoseconds())/1e3, "p99-µs")
			})
		}
		b.Run("wasm-parallel/"+tc.Name, func(b *testing.B) {
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if err := call.run(ctx, p); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}
