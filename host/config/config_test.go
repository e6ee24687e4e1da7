package config_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/connectorhost/connector-host/host/config"
)

const example = "../../config.example.yaml"

func TestExampleLoadsAndValidates(t *testing.T) {
	c, err := config.Load(example, []string{"STRIPE_API_KEY=sk_test_example"})
	require.NoError(t, err)
	assert.Equal(t, "sk_test_example", c.Accounts[0].Credentials["api_key"], "${ENV} references are expanded")
	// The example states the defaults: apart from what it sets on purpose, it
	// loads to Default().
	d := config.Default()
	assert.Equal(t, d.Egress, c.Egress)
	assert.Equal(t, d.Limits, c.Limits)
	assert.Equal(t, d.Plugins, c.Plugins)
	assert.Equal(t, d.Tracing, c.Tracing)
	assert.Equal(t, d.DrainTimeout, c.DrainTimeout)
	eg := c.ConnectorEgress("stripe")
	assert.Equal(t, 20*time.Second, eg.TotalTimeout)
	assert.Equal(t, 2, eg.Retry.MaxAttempts)
	assert.Equal(t, 5*time.Second, eg.ConnectTimeout, "unset connector keys inherit")
}

// Every setting is documented in the example: each key's path is in it.
func TestExampleDocumentsEveryKey(t *testing.T) {
	b, err := os.ReadFile(example)
	require.NoError(t, err)
	var root yaml.Node
	require.NoError(t, yaml.Unmarshal(b, &root))
	has := func(path string) bool {
		n := root.Content[0]
	next:
		for _, seg := range strings.Split(path, ".") {
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == seg {
					n = n.Content[i+1]
					continue next
				}
			}
			return false
		}
		return true
	}
	keys := config.Keys()
	require.Greater(t, len(keys), 30)
	for _, k := range keys {
		assert.True(t, has(k.Path), "config.example.yaml documents %s", k.Path)
		assert.NotEmpty(t, k.Help, "%s has help", k.Path)
	}
	for _, p := range []string{"api_keys", "connectors.stripe.base_url", "connectors.stripe.settings", "accounts"} {
		assert.True(t, has(p), "config.example.yaml documents %s", p)
	}
	for _, want := range []string{"proxy", "budget", "tls_client_cert"} {
		assert.Contains(t, string(b), want)
	}
}

func TestKeysNaming(t *testing.T) {
	byPath := map[string]config.Key{}
	for _, k := range config.Keys() {
		byPath[k.Path] = k
	}
	assert.Equal(t, config.Key{Path: "plugin_limits.memory_mib", Env: "CONNECTOR_HOST_PLUGIN_LIMITS_MEMORY_MIB", Flag: "plugin-limits-memory-mib", Help: byPath["plugin_limits.memory_mib"].Help}, byPath["plugin_limits.memory_mib"])
	assert.Equal(t, "CONNECTOR_HOST_LISTEN", byPath["listen"].Env)
	assert.Equal(t, "CONNECTOR_HOST_EGRESS_RETRY_MAX_ATTEMPTS", byPath["egress.retry.max_attempts"].Env, "inline structs add no segment")
	assert.Equal(t, "egress-proxy", byPath["egress.proxy"].Flag)
	assert.Equal(t, "drain-timeout", byPath["drain_timeout"].Flag)
	assert.True(t, byPath["eager_plugins"].Bool)
	assert.False(t, byPath["listen"].Bool)
}

func TestEnvironmentOverridesTheFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.yaml")
	require.NoError(t, os.WriteFile(path, []byte("listen: 127.0.0.1:1\nplugin_limits:\n  memory_mib: 16\nconnectors:\n  stripe:\n    base_url: http://127.0.0.1:2\n"), 0o600))
	c, err := config.Load(path, []string{
		"CONNECTOR_HOST_LISTEN=0.0.0.0:8080",
		"CONNECTOR_HOST_PLUGIN_LIMITS_MEMORY_MIB=64",
		"CONNECTOR_HOST_EGRESS_RETRY_BUDGET=1m",
		"CONNECTOR_HOST_EAGER_PLUGINS=true",
		"CONNECTOR_HOST_TRACING_SAMPLE_RATIO=0.25",
		"CONNECTOR_HOST_CONNECTORS_STRIPE_BASE_URL=http://127.0.0.1:3",
		"CONNECTOR_HOST_CONNECTORS_MY_PSP_EGRESS_RETRY_MAX_ATTEMPTS=1",
		"CONNECTOR_HOST_API_KEYS=a:" + strings.Repeat("ab", 32) + ", b:" + strings.Repeat("cd", 32),
		"CONNECTOR_HOST_SERVICE_HOST=10.0.0.1", // a Kubernetes service link: ignored
		"CONNECTOR_HOST_PORT_8080_TCP=tcp://10.0.0.1:8080",
		"OTHER=1",
	})
	require.NoError(t, err)
	assert.Equal(t, "0.0.0.0:8080", c.Listen)
	assert.Equal(t, 64, c.Plugins.MemoryMiB)
	assert.Equal(t, time.Minute, c.Egress.Retry.Budget)
	assert.True(t, c.EagerPlugins)
	assert.Equal(t, 0.25, c.Tracing.SampleRatio)
	assert.Equal(t, "http://127.0.0.1:3", c.Connectors["stripe"].BaseURL)
	assert.Equal(t, 1, c.Connectors["my_psp"].Egress.Retry.MaxAttempts, "connector names may hold underscores")
	assert.Equal(t, []config.APIKey{{Name: "a", SHA256: strings.Repeat("ab", 32)}, {Name: "b", SHA256: strings.Repeat("cd", 32)}}, c.APIKeys)
}

// Every problem is reported at once, each naming its setting or variable.
func TestErrorsNameEverySetting(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.yaml")
	require.NoError(t, os.WriteFile(path, []byte(`
listen: nowhere
metrics_listen: "also bad"
log_level: loud
tls: {cert_file: /nonexistent/cert.pem}
api_keys: [{name: "", sha256: "abc"}]
limits: {max_request_bytes: 10, max_concurrent_calls: -1}
egress:
  total_timeout: 0s
  max_response_bytes: 1
  retry: {max_attempts: 99, initial_backoff: 5s, max_backoff: 1s}
  breaker: {failure_threshold: 0}
  proxy: "ftp://proxy"
tracing: {sample_ratio: 2, otlp_endpoint: "collector"}
connectors:
  stripe:
    egress: {retry: {max_attempts: 0}, total_timeout: 1h}
accounts:
  - {name: a, connector: stripe, credentials: {api_key: "${MISSING_VAR}"}}
`), 0o600))
	_, err := config.Load(path, []string{"CONNECTOR_HOST_PLUGIN_LIMITS_MEMORY_MIB=lots", "CONNECTOR_HOST_LISTN=x"})
	require.Error(t, err)
	for _, want := range []string{
		`listen: "nowhere" is not host:port`,
		"metrics_listen:",
		"log_level:",
		"tls.key_file: must be set with tls.cert_file",
		"tls.cert_file: stat /nonexistent/cert.pem",
		"api_keys[0].name: must be set",
		"api_keys[0].sha256: must be 64 hex digits",
		"limits.max_request_bytes:",
		"limits.max_concurrent_calls:",
		"egress.total_timeout:",
		"egress.max_response_bytes:",
		"egress.retry.max_attempts: 99",
		"egress.retry.initial_backoff: 5s must not exceed",
		"egress.breaker.failure_threshold:",
		"egress.proxy:",
		"tracing.sample_ratio:",
		"tracing.otlp_endpoint:",
		"connectors.stripe.egress.total_timeout: 1h0m0s",
		"accounts[0].credentials.api_key: environment variable MISSING_VAR is not set",
		`CONNECTOR_HOST_PLUGIN_LIMITS_MEMORY_MIB: plugin_limits.memory_mib: "lots" is not an integer`,
		"CONNECTOR_HOST_LISTN: not a setting",
	} {
		assert.Contains(t, err.Error(), want)
	}
	assert.NotContains(t, err.Error(), "connectors.stripe.egress.retry", "zero connector values inherit")
}

func TestUnknownKeysInTheFileAreErrors(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.yaml")
	require.NoError(t, os.WriteFile(path, []byte("egress:\n  retries: 3\n"), 0o600))
	_, err := config.Load(path, nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "field retries not found")
}

func TestSetAndSetConnector(t *testing.T) {
	c := config.Default()
	require.NoError(t, c.Set("egress.total_timeout", "3s"))
	assert.Equal(t, 3*time.Second, c.Egress.TotalTimeout)
	assert.EqualError(t, c.Set("egress.nope", "1"), "egress.nope: no such setting")
	assert.EqualError(t, c.Set("egress.retry", "1"), "egress.retry: no such setting")
	require.NoError(t, c.SetConnector("adyen", "egress.breaker.open_for", "1m"))
	assert.Equal(t, time.Minute, c.Connectors["adyen"].Egress.Breaker.OpenFor)
	assert.Error(t, c.SetConnector("Bad Name", "base_url", "x"))
	assert.NoError(t, c.Validate())
}

// The Kubernetes example's config.yaml and Secret variables make a valid configuration.
func TestKubernetesExampleConfigValidates(t *testing.T) {
	f, err := os.Open("../../deploy/kubernetes/connector-host.yaml")
	require.NoError(t, err)
	defer f.Close()
	dec := yaml.NewDecoder(f)
	var cfgText string
	var environ []string
	for {
		var doc struct {
			Kind       string            `yaml:"kind"`
			Data       map[string]string `yaml:"data"`
			StringData map[string]string `yaml:"stringData"`
		}
		if err := dec.Decode(&doc); err != nil {
			break
		}
		switch doc.Kind {
		case "ConfigMap":
			cfgText = doc.Data["config.yaml"]
		case "Secret":
			for k, v := range doc.StringData {
				environ = append(environ, k+"="+v)
			}
		}
	}
	require.NotEmpty(t, cfgText)
	path := filepath.Join(t.TempDir(), "config.yaml")
	require.NoError(t, os.WriteFile(path, []byte(cfgText), 0o600))
	c, err := config.Load(path, environ)
	require.NoError(t, err)
	assert.Equal(t, "0.0.0.0:9090", c.MetricsListen)
	assert.Len(t, c.APIKeys, 1, "API key hashes come from the Secret's CONNECTOR_HOST_API_KEYS")
	assert.Equal(t, "sk_live_replace_me", c.Accounts[0].Credentials["api_key"])
}
