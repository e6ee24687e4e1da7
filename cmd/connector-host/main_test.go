package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func runCmd(t *testing.T, stdin string, environ []string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, strings.NewReader(stdin), &out, &errb, environ)
	return code, out.String(), errb.String()
}

func TestHashKey(t *testing.T) {
	code, out, _ := runCmd(t, "change-me\n", nil, "hash-key")
	require.Equal(t, 0, code)
	assert.Equal(t, "e2186dbdb1bb4193608605e84f33208765b5693b55edd4f730a719a100eeea6f\n", out, "sha256 of the key without its newline")
	code, out2, _ := runCmd(t, "change-me", nil, "hash-key")
	require.Equal(t, 0, code)
	assert.Equal(t, out, out2)
	code, _, errOut := runCmd(t, "", nil, "hash-key")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "give the key on stdin")
}

func TestConfigCheckAppliesEnvironmentAndReportsEveryProblem(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.yaml")
	require.NoError(t, os.WriteFile(path, []byte("listen: 127.0.0.1:9\nlog_level: loud\n"), 0o600))
	code, _, errOut := runCmd(t, "", []string{"CONNECTOR_HOST_PLUGIN_LIMITS_MEMORY_MIB=1"}, "config", "check", path)
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "log_level:")
	assert.Contains(t, errOut, "plugin_limits.memory_mib: 1 must be between 8 and 4096", "the environment's override is checked too")

	code, out, _ := runCmd(t, "", []string{"CONNECTOR_HOST_LOG_LEVEL=debug"}, "config", "check", path)
	assert.Equal(t, 0, code)
	assert.Contains(t, out, ": ok")

	code, _, errOut = runCmd(t, "", []string{"STRIPE_API_KEY=sk"}, "config", "check", "../../config.example.yaml")
	assert.Equal(t, 0, code, errOut)
}

func TestServeFlagsOverrideEnvironmentOverFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.yaml")
	require.NoError(t, os.WriteFile(path, []byte("listen: 127.0.0.1:1\nplugins_dir: /from/file\ndrain_timeout: 5s\n"), 0o600))
	var errb bytes.Buffer
	cfg, err := serveConfig([]string{
		"--config", path, "--listen", "127.0.0.1:3", "--eager-plugins", "--plugins", "/from/flag",
		"--base-url", "stripe=http://127.0.0.1:4", "--connector", "stripe.egress.total_timeout=7s",
		"--egress-retry-max-attempts", "1",
	}, &errb, []string{"CONNECTOR_HOST_LISTEN=127.0.0.1:2", "CONNECTOR_HOST_DRAIN_TIMEOUT=9s"})
	require.NoError(t, err, errb.String())
	assert.Equal(t, "127.0.0.1:3", cfg.Listen, "flag beats environment")
	assert.Equal(t, 9*time.Second, cfg.DrainTimeout, "environment beats file")
	assert.Equal(t, "/from/flag", cfg.PluginsDir)
	assert.True(t, cfg.EagerPlugins)
	assert.Equal(t, "http://127.0.0.1:4", cfg.Connectors["stripe"].BaseURL)
	assert.Equal(t, 7*time.Second, cfg.Connectors["stripe"].Egress.TotalTimeout)
	assert.Equal(t, 1, cfg.Egress.Retry.MaxAttempts)

	_, err = serveConfig([]string{"--plugin-limits-memory-mib", "many", "--listen", "x"}, &errb, nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `plugin_limits.memory_mib: "many" is not an integer`)
	assert.Contains(t, err.Error(), `listen: "x" is not host:port`)
}
