package app_test

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"connectrpc.com/connect"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectorhost/connector-host/conformance"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/gen/connectorhost/v1/connectorhostv1connect"
	"github.com/connectorhost/connector-host/host/app"
	"github.com/connectorhost/connector-host/host/config"
	"github.com/connectorhost/connector-host/internal/wasmbuild"
)

// With require_conformance, a plugin that fails the suite is not served and
// the reason is reported; one that passes serves and says so.
func TestConformanceGateAtLoad(t *testing.T) {
	plugins, fixtures := t.TempDir(), t.TempDir()
	shared, err := filepath.Abs(filepath.Join(wasmbuild.ModuleRoot(), "conformance", "testdata", "testconn", "fixtures"))
	require.NoError(t, err)
	for _, p := range []struct{ pkg, name string }{{"good", "good"}, {"broken/wrong_status", "wrong_status"}} {
		b, err := os.ReadFile(wasmbuild.Build(t, "./conformance/testdata/"+p.pkg, p.name))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(plugins, p.name+".wasm"), b, 0o644))
		require.NoError(t, os.MkdirAll(filepath.Join(fixtures, p.name), 0o755))
		require.NoError(t, os.Symlink(shared, filepath.Join(fixtures, p.name, "fixtures")))
	}
	cfg := config.Default()
	cfg.Listen, cfg.PluginsDir, cfg.CacheDir = "127.0.0.1:0", plugins, t.TempDir()
	cfg.RequireConformance, cfg.ConformanceFixtures = true, fixtures
	require.NoError(t, cfg.Validate())
	ctx, cancel := context.WithCancel(context.Background())
	h, err := app.New(ctx, cfg, app.Options{Gate: conformance.Gate(conformance.Options{FixturesRoot: fixtures})})
	require.NoError(t, err)
	done := make(chan error, 1)
	go func() { done <- h.Serve(ctx, 5*time.Second) }()
	defer func() { cancel(); <-done }()
	require.NoError(t, h.Registry().WaitLoaded(ctx))

	client := connectorhostv1connect.NewConnectorServiceClient(http.DefaultClient, "http://"+h.Addr())
	res, err := client.ListConnectors(ctx, connect.NewRequest(&v1.ConnectorServiceListConnectorsRequest{}))
	require.NoError(t, err)
	byName := map[string]*v1.ConnectorInfo{}
	for _, c := range res.Msg.GetConnectors() {
		byName[c.GetName()] = c
	}
	require.Contains(t, byName, "good")
	assert.Equal(t, v1.ConnectorLoadState_CONNECTOR_LOAD_STATE_READY, byName["good"].GetLoadState())
	assert.True(t, byName["good"].GetConformancePassed())
	require.Contains(t, byName, "wrong_status")
	assert.Equal(t, v1.ConnectorLoadState_CONNECTOR_LOAD_STATE_FAILED, byName["wrong_status"].GetLoadState())
	assert.Contains(t, byName["wrong_status"].GetLoadError(), "failed the conformance gate")
}
