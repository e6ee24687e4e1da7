package sandbox

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/connectorhost/connector-host/abi"
	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/internal/wasmbuild"
)

// stops counts instances stopped per reason.
type stops struct {
	mu sync.Mutex
	n  map[string]int
}

func (s *stops) Transform(string, string, time.Duration, *Fault) {}
func (s *stops) InstanceStarted(string, time.Duration)           {}
func (s *stops) InstanceStopped(_, reason string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.n == nil {
		s.n = map[string]int{}
	}
	s.n[reason]++
}

func (s *stops) count(reason string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.n[reason]
}

func loadInternal(t *testing.T, pkg, name string, ldflags ...string) *Module {
	return loadObserved(t, nil, pkg, name, ldflags...)
}

func loadObserved(t *testing.T, obs Observer, pkg, name string, ldflags ...string) *Module {
	return loadLimited(t, Limits{PoolSize: 1}, obs, pkg, name, ldflags...)
}

func loadLimited(t *testing.T, lim Limits, obs Observer, pkg, name string, ldflags ...string) *Module {
	t.Helper()
	e, err := NewEngine(Options{Limits: lim, CacheDir: t.TempDir(), Observer: obs})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.Close(context.Background()) })
	p, err := e.Load(context.Background(), name, wasmbuild.Read(t, pkg, name, ldflags...))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	return p
}

// Every gcCheckEvery-th successful call of an instance is followed by
// connector_gc, after the caller has its answer; the instance then serves the
// next call.
func TestGCRunsBetweenCalls(t *testing.T) {
	p := loadInternal(t, "./host/sandbox/testdata/rawabi", "rawabi")
	ctx := context.Background()
	for i := 1; i <= 3*gcCheckEvery; i++ {
		if _, f := p.Call(ctx, abi.ExportBuildRequest, []byte{1}, nil); f != nil {
			t.Fatalf("call %d: %v", i, f)
		}
		p.collecting.Wait()
		if got, want := p.Collections(), int64(i/gcCheckEvery); got != want {
			t.Fatalf("after %d calls: %d collections, want %d", i, got, want)
		}
		if got := p.live.Load(); got != 1 {
			t.Fatalf("after %d calls: %d live instances, want the same 1 reused", i, got)
		}
	}
}

// A connector_gc that traps costs the instance, not a call: the next call
// runs on a fresh instance.
func TestGCFaultReplacesInstance(t *testing.T) {
	obs := &stops{}
	p := loadObserved(t, obs, "./host/sandbox/testdata/rawabi", "rawabi", "-X main.gcMode=trap")
	ctx := context.Background()
	for i := 1; i <= 6*gcCheckEvery && obs.count("fault") < 2; i++ {
		if _, f := p.Call(ctx, abi.ExportBuildRequest, []byte{1}, nil); f != nil {
			t.Fatalf("call %d: %v", i, f)
		}
		p.collecting.Wait()
	}
	if got := p.Collections(); got != 0 {
		t.Fatalf("%d collections counted from a trapping connector_gc", got)
	}
	if got := obs.count("fault"); got != 2 {
		t.Fatalf("%d instances stopped for a fault in connector_gc, want 2", got)
	}
}

// connector_gc runs under the call deadline: one that never returns is
// interrupted and its instance replaced, and calls keep being served.
func TestGCPastDeadlineReplacesInstance(t *testing.T) {
	obs := &stops{}
	p := loadLimited(t, Limits{PoolSize: 1, CallTimeout: 300 * time.Millisecond}, obs, "./host/sandbox/testdata/rawabi", "rawabi", "-X main.gcMode=loop")
	ctx := context.Background()
	for i := 1; i <= gcCheckEvery+1; i++ {
		if _, f := p.Call(ctx, abi.ExportBuildRequest, []byte{1}, nil); f != nil {
			t.Fatalf("call %d: %v", i, f)
		}
		p.collecting.Wait()
	}
	if got := obs.count("fault"); got != 1 {
		t.Fatalf("%d instances stopped for a fault, want 1 (the looping connector_gc)", got)
	}
}

// The Go PDK's connector_gc collects between calls once the heap has used
// half its budget, so a run of calls sees collections reported by the host.
func TestPDKPluginCollectsBetweenCalls(t *testing.T) {
	p := loadInternal(t, "./host/sandbox/testdata/faulty", "faulty")
	ctx := context.Background()
	req, err := (&v1.PaymentServiceAuthorizeRequest{MerchantTransactionId: "ok", Amount: &v1.Money{MinorAmount: 100, Currency: "USD"}}).MarshalVT()
	if err != nil {
		t.Fatal(err)
	}
	in, err := (&pluginv1.BuildRequestInput{Flow: v1.Flow_FLOW_AUTHORIZE, Request: req, Context: &pluginv1.CallContext{BaseUrl: "https://faulty.test", NowUnixMs: 1}}).MarshalVT()
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2000 && p.Collections() == 0; i++ {
		if _, f := p.Call(ctx, abi.ExportBuildRequest, in, nil); f != nil {
			t.Fatalf("call %d: %v", i, f)
		}
		p.collecting.Wait()
	}
	if p.Collections() == 0 {
		t.Fatal("no collection between 2000 calls")
	}
}

// An instance due for connector_gc collects only while another instance is
// idle to take the next call (or when it is the only one): two instances
// collecting at once would leave a call waiting for a whole collection.
func TestGCWaitsWhileNoOtherInstanceIsIdle(t *testing.T) {
	p := loadLimited(t, Limits{PoolSize: 2}, nil, "./host/sandbox/testdata/rawabi", "rawabi")
	p.Warm(2)
	if got := p.Live(); got != 2 {
		t.Fatalf("%d live instances after Warm(2), want 2", got)
	}
	// A call in flight (or a collection) holds the other instance.
	p.slots <- struct{}{}
	busy := <-p.idle
	ctx := context.Background()
	for i := 1; i <= 3*gcCheckEvery; i++ {
		if _, f := p.Call(ctx, abi.ExportBuildRequest, []byte{1}, nil); f != nil {
			t.Fatalf("call %d: %v", i, f)
		}
		p.collecting.Wait()
	}
	if got := p.Collections(); got != 0 {
		t.Fatalf("%d collections while no other instance was idle, want 0", got)
	}
	p.release(ctx, busy)
	// The instance that put its collection off collects at its next release.
	if _, f := p.Call(ctx, abi.ExportBuildRequest, []byte{1}, nil); f != nil {
		t.Fatal(f)
	}
	p.collecting.Wait()
	if got := p.Collections(); got != 1 {
		t.Fatalf("%d collections once the other instance was idle, want 1", got)
	}
}
