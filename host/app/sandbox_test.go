package app_test

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	goruntime "runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"connectrpc.com/connect"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/gen/connectorhost/v1/connectorhostv1connect"
	"github.com/connectorhost/connector-host/host/app"
	"github.com/connectorhost/connector-host/host/config"
	"github.com/connectorhost/connector-host/host/plugin"
	"github.com/connectorhost/connector-host/host/registry"
)

// addHostile copies a WAT-built hostile plugin from host/sandbox/testdata/hostile
// into dir, as file (default NAME.wasm).
func addHostile(t *testing.T, dir, name, file string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "sandbox", "testdata", "hostile", name+".wasm"))
	require.NoError(t, err)
	if file == "" {
		file = name + ".wasm"
	}
	tmp := filepath.Join(dir, "."+file+".tmp")
	require.NoError(t, os.WriteFile(tmp, b, 0o644))
	require.NoError(t, os.Rename(tmp, filepath.Join(dir, file)))
}

func healthz(t *testing.T, base string) time.Duration {
	t.Helper()
	start := time.Now()
	res, err := http.Get(base + "/healthz")
	d := time.Since(start)
	require.NoError(t, err)
	res.Body.Close()
	assert.Equal(t, http.StatusOK, res.StatusCode)
	return d
}

// Binary recursion without loops (issue 11, severe 1) on more goroutines than
// cores: each attack call fails DeadlineExceeded at the deadline, /healthz
// keeps answering, and healthy calls succeed.
func TestRecursionAttackOverTheWire(t *testing.T) {
	proc := newFakeProcessor(t)
	cfg := hostConfig(t, "faulty")
	addHostile(t, cfg.PluginsDir, "recurse", "")
	const deadline = time.Second
	attackers := 2*goruntime.GOMAXPROCS(0) + 1
	cfg.Plugins.CallTimeout = deadline
	cfg.Plugins.PoolSize = attackers // every attacker runs at once: none waits for a slot
	cfg.Connectors["faulty"] = config.Connector{BaseURL: proc.srv.URL}
	cfg.EagerPlugins = true
	h := launch(t, cfg, app.Options{})
	client := connectorhostv1connect.NewPaymentServiceClient(&http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}, h.base)

	stop := make(chan struct{})
	var wg sync.WaitGroup
	var attacks atomic.Int32
	var worst atomic.Int64
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
				_, err := client.Authorize(context.Background(), withHeaders(authorizeRequest("attack"), "x-connector", "recurse", "x-connector-auth", "{}"))
				took := time.Since(start)
				if connect.CodeOf(err) != connect.CodeDeadlineExceeded {
					t.Errorf("attack call: %v, want DeadlineExceeded", err)
					return
				}
				attacks.Add(1)
				for {
					w := worst.Load()
					if int64(took) <= w || worst.CompareAndSwap(w, int64(took)) {
						break
					}
				}
			}
		}()
	}
	// While the attack runs: health and healthy calls.
	var maxHealth time.Duration
	var health []time.Duration
	check := func() {
		d := healthz(t, h.base)
		health = append(health, d)
		maxHealth = max(maxHealth, d)
	}
	for i := 0; i < 20; i++ {
		check()
		_, err := client.Authorize(context.Background(), withHeaders(authorizeRequest("order_ok"), "x-connector", "faulty", "x-connector-auth", "{}"))
		require.NoError(t, err, "a healthy call during the attack")
	}
	for attacks.Load() < int32(2*attackers) {
		check()
	}
	close(stop)
	wg.Wait()
	// The targets are /healthz under 100 ms and every attack call failing
	// within the deadline + 250 ms; `go run ./cmd/bench attack` measures
	// them on an idle machine (BENCHMARKS.md). A test shares its cores with
	// other builds, so it asserts bounds that scheduling noise does not
	// reach but the old behaviour (15 s health checks, 16 s calls) fails.
	slices.Sort(health)
	assert.Less(t, health[len(health)/2], 100*time.Millisecond, "median /healthz during the attack")
	assert.Less(t, maxHealth, time.Second, "/healthz during the attack")
	assert.LessOrEqual(t, time.Duration(worst.Load()), deadline+time.Second, "slowest attack call")
	t.Logf("%d attack calls, worst %v; /healthz worst %v", attacks.Load(), time.Duration(worst.Load()), maxHealth)
}

// SIGTERM (the serve context ending) during the attack: the host exits
// within the drain timeout although the guest would run far longer.
func TestShutdownDuringRecursionAttack(t *testing.T) {
	cfg := hostConfig(t)
	addHostile(t, cfg.PluginsDir, "recurse", "")
	cfg.Plugins.CallTimeout = time.Minute
	cfg.EagerPlugins = true
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	h, err := app.New(ctx, cfg, app.Options{})
	require.NoError(t, err)
	const drain = 500 * time.Millisecond
	done := make(chan error, 1)
	go func() { done <- h.Serve(ctx, drain) }()
	require.NoError(t, h.Registry().WaitLoaded(ctx))
	client := connectorhostv1connect.NewPaymentServiceClient(&http.Client{Transport: &http.Transport{}}, "http://"+h.Addr())
	inflight := make(chan error, 4)
	for range 4 {
		go func() {
			_, err := client.Authorize(context.Background(), withHeaders(authorizeRequest("attack"), "x-connector", "recurse", "x-connector-auth", "{}"))
			inflight <- err
		}()
	}
	// Wait until the attack calls hold instances (the registry is active).
	require.Eventually(t, func() bool { info, _ := h.Registry().Get("recurse"); return info.Active }, 10*time.Second, 5*time.Millisecond)
	start := time.Now()
	cancel()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the host did not exit during the attack")
	}
	assert.Less(t, time.Since(start), drain+2*time.Second, "exit within the drain timeout")
	for range 4 {
		require.Error(t, <-inflight)
	}
}

// A new version whose connector_manifest never returns (issue 11, severe 2)
// is refused at the load deadline naming the export; the previous version
// keeps serving, /readyz stays ready, and other plugins load meanwhile.
func TestStuckLoadOverTheWire(t *testing.T) {
	proc := newFakeProcessor(t)
	cfg := hostConfig(t, "faulty")
	cfg.Connectors["faulty"] = config.Connector{BaseURL: proc.srv.URL}
	cfg.EagerPlugins = true
	cfg.Plugins.LoadTimeout = time.Second
	events := make(chan registry.Event, 100)
	h := launch(t, cfg, app.Options{OnPluginEvent: func(ev registry.Event) { events <- ev }})
	client := connectorhostv1connect.NewPaymentServiceClient(http.DefaultClient, h.base)
	authorize := func() error {
		_, err := client.Authorize(context.Background(), withHeaders(authorizeRequest("order_ok"), "x-connector", "faulty", "x-connector-auth", "{}"))
		return err
	}
	require.NoError(t, authorize())

	addHostile(t, cfg.PluginsDir, "hang_manifest", "faulty.wasm")
	addHostile(t, cfg.PluginsDir, "garbage", "") // loads while faulty's new version is stuck
	var failed registry.Event
	loadedGarbage := false
	for failed.Kind == "" {
		select {
		case ev := <-events:
			switch {
			case ev.Kind == registry.EventFailed && ev.Name == "faulty":
				failed = ev
			case ev.Kind == registry.EventLoaded && ev.Name == "garbage":
				loadedGarbage = true
			}
		case <-time.After(60 * time.Second):
			t.Fatal("the stuck load never ended")
		}
	}
	assert.True(t, loadedGarbage, "another plugin loaded while faulty's new version was stuck")
	assert.Contains(t, failed.Err.Error(), "connector_manifest: did not return within the 1s load deadline")
	require.NoError(t, authorize(), "the previous version keeps serving")
	res, err := http.Get(h.base + "/readyz")
	require.NoError(t, err)
	res.Body.Close()
	assert.Equal(t, http.StatusOK, res.StatusCode)
}

// Plugins refused at load over the wire: unbounded tables, imports of
// globals, IP egress hosts; garbage output discards the instance (metric).
func TestHostilePluginsRefusedOverTheWire(t *testing.T) {
	cfg := hostConfig(t)
	for _, n := range []string{"table_unbounded", "table_huge", "import_global", "egress_ip", "egress_wildcard_ip", "garbage"} {
		addHostile(t, cfg.PluginsDir, n, "")
	}
	cfg.EagerPlugins = true
	cfg.MetricsListen = "127.0.0.1:0"
	h := launch(t, cfg, app.Options{})
	list, err := connectorhostv1connect.NewConnectorServiceClient(http.DefaultClient, h.base).
		ListConnectors(context.Background(), connect.NewRequest(&v1.ConnectorServiceListConnectorsRequest{}))
	require.NoError(t, err)
	errs := map[string]string{}
	for _, c := range list.Msg.GetConnectors() {
		errs[c.GetName()] = c.GetLoadError()
	}
	assert.Contains(t, errs["table_unbounded"], "table 0 can grow without limit")
	assert.Contains(t, errs["table_huge"], "over the 32 MiB memory limit")
	assert.Contains(t, errs["import_global"], "imports env.secret_base (global)")
	assert.Contains(t, errs["egress_ip"], `manifest.egress_hosts: "127.0.0.1" is an IP address`)
	assert.Contains(t, errs["egress_wildcard_ip"], `"*.0.0.1" ends in a numeric label`)
	assert.Empty(t, errs["garbage"])

	client := connectorhostv1connect.NewPaymentServiceClient(http.DefaultClient, h.base)
	for range 3 {
		_, err := client.Authorize(context.Background(), withHeaders(authorizeRequest("x"), "x-connector", "garbage", "x-connector-auth", "{}"))
		require.Error(t, err)
		assert.Contains(t, err.Error(), "returned bytes that are not a valid")
	}
	assertMetric(t, scrape(t, h.host.MetricsAddr()), `connector_host_wasm_instances_stopped_total{plugin="garbage",reason="fault"} 3`)
}

// ConnectorService reports each version's own gate result, not a host-wide flag.
func TestConformanceReportedPerVersion(t *testing.T) {
	cfg := hostConfig(t, "faulty", "leaky")
	h := launch(t, cfg, app.Options{GateKey: "t", Gate: func(_ context.Context, p *plugin.Plugin, _ []byte) error {
		if p.Name() == "leaky" {
			return errors.New("check X failed")
		}
		return nil
	}})
	list, err := connectorhostv1connect.NewConnectorServiceClient(http.DefaultClient, h.base).
		ListConnectors(context.Background(), connect.NewRequest(&v1.ConnectorServiceListConnectorsRequest{}))
	require.NoError(t, err)
	got := map[string]bool{}
	for _, c := range list.Msg.GetConnectors() {
		got[c.GetName()] = c.GetConformancePassed()
		if c.GetName() == "leaky" {
			assert.True(t, strings.Contains(c.GetLoadError(), "failed the conformance gate"))
		}
	}
	assert.Equal(t, map[string]bool{"faulty": true, "leaky": false}, got)
}
