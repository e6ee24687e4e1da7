// Package config reads the host's configuration: one YAML file over the
// defaults, then CONNECTOR_HOST_* environment variables, then command-line
// flags, each able to set every setting (see Keys). The result is validated
// at start with errors that name the setting. Secrets in accounts may
// reference environment variables as ${NAME}, so the file itself need hold
// none; callers' API keys are stored only as SHA-256 hashes.
package config

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"regexp"
	"sort"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/connectorhost/connector-host/host/credentials"
	"github.com/connectorhost/connector-host/host/manifest"
)

// Config is the whole configuration. The help tags document each setting
// for flags; config.example.yaml documents them for the file.
type Config struct {
	// Listen is the API address (Connect, gRPC, gRPC-Web, HTTP-JSON on one port).
	Listen string `yaml:"listen" help:"API address host:port (Connect, gRPC, gRPC-Web and HTTP-JSON)"`
	// MetricsListen is the Prometheus /metrics address; empty serves no metrics.
	MetricsListen string `yaml:"metrics_listen" help:"Prometheus /metrics address host:port; empty: off"`
	// PluginsDir holds the NAME.wasm connector plugins.
	PluginsDir string `yaml:"plugins_dir" help:"directory of NAME.wasm connector plugins"`
	// CacheDir keeps compiled plugin code and manifests across restarts.
	CacheDir string `yaml:"cache_dir" help:"compiled-code and manifest cache directory (default: the user cache directory)"`
	// LogLevel is debug, info, warn or error.
	LogLevel string `yaml:"log_level" help:"debug, info, warn or error"`
	// RequireConformance refuses to serve a plugin version that fails the conformance suite.
	RequireConformance bool `yaml:"require_conformance" help:"refuse plugin versions that fail the conformance suite"`
	// ConformanceFixtures holds NAME/fixtures/*.json for each plugin, for the conformance gate.
	ConformanceFixtures string `yaml:"conformance_fixtures" help:"directory holding NAME/fixtures for each plugin (the conformance gate's cases)"`
	// EagerPlugins activates every plugin at start instead of on first use.
	EagerPlugins bool `yaml:"eager_plugins" help:"activate every plugin at start instead of on first use"`
	// DrainTimeout is how long shutdown waits for in-flight calls.
	DrainTimeout time.Duration `yaml:"drain_timeout" help:"how long shutdown waits for in-flight calls"`
	// TLS serves the API over TLS instead of cleartext HTTP/1.1 and h2c.
	TLS TLS `yaml:"tls"`
	// APIKeys are the callers' keys, by SHA-256; empty leaves the API open.
	APIKeys []APIKey `yaml:"api_keys"`
	// Limits protect the host from its callers.
	Limits Limits `yaml:"limits"`
	// Plugins bound each plugin.
	Plugins PluginLimits `yaml:"plugin_limits"`
	// Egress is the policy of calls to processors; connectors may override it.
	Egress Egress `yaml:"egress"`
	// Tracing exports OpenTelemetry spans.
	Tracing Tracing `yaml:"tracing"`
	// Connectors holds per-connector settings by connector name.
	Connectors map[string]Connector `yaml:"connectors"`
	// Accounts are named credentials callers select with x-connector-account.
	Accounts []Account `yaml:"accounts"`
}

// TLS names the API's certificate files.
type TLS struct {
	CertFile string `yaml:"cert_file" help:"PEM certificate chain for the API; with key_file, serves TLS instead of h2c"`
	KeyFile  string `yaml:"key_file" help:"PEM private key for the API"`
	// ClientCAFile, when set, requires callers to present a certificate it signed.
	ClientCAFile string `yaml:"client_ca_file" help:"PEM CA bundle; when set, callers must present a client certificate it signed"`
}

// APIKey is one caller's key, stored as the hex SHA-256 of the key.
type APIKey struct {
	Name   string `yaml:"name"`
	SHA256 string `yaml:"sha256"`
}

// Limits protect the host from its callers.
type Limits struct {
	// MaxRequestBytes caps one request message.
	MaxRequestBytes int64 `yaml:"max_request_bytes" help:"largest request message accepted, in bytes"`
	// MaxConcurrentCalls caps calls in flight; past it calls fail with
	// ResourceExhausted. 0 is unlimited.
	MaxConcurrentCalls int `yaml:"max_concurrent_calls" help:"most API calls in flight at once (0: unlimited)"`
}

// PluginLimits bound each plugin.
type PluginLimits struct {
	MemoryMiB   int           `yaml:"memory_mib" help:"memory cap of each plugin instance, in MiB"`
	CallTimeout time.Duration `yaml:"call_timeout" help:"deadline of one plugin transform"`
	PoolSize    int           `yaml:"pool_size" help:"most instances of one plugin alive at once (0: GOMAXPROCS)"`
	IdleTimeout time.Duration `yaml:"idle_timeout" help:"release a plugin's compiled code and instances after this long unused (0: never)"`
	LoadTimeout time.Duration `yaml:"load_timeout" help:"deadline of each guest call while a plugin loads or warms (_initialize, connector_abi_version, connector_manifest)"`
	// TrustedKeys, when not empty, makes the host load only plugin files
	// signed by one of these ed25519 public keys (standard base64 of the 32
	// key bytes), with the signature in NAME.wasm.sig (`connector-host sign`).
	TrustedKeys []string `yaml:"trusted_keys"`
}

// PublicKeys decodes TrustedKeys (Validate has checked them).
func (p PluginLimits) PublicKeys() []ed25519.PublicKey {
	var out []ed25519.PublicKey
	for _, k := range p.TrustedKeys {
		if b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(k)); err == nil && len(b) == ed25519.PublicKeySize {
			out = append(out, ed25519.PublicKey(b))
		}
	}
	return out
}

// EgressPolicy is how a connector's calls to its processor are made. In a
// connector's settings a zero value inherits the host-wide egress policy.
type EgressPolicy struct {
	ConnectTimeout   time.Duration `yaml:"connect_timeout" help:"TCP connect timeout"`
	TLSTimeout       time.Duration `yaml:"tls_timeout" help:"TLS handshake timeout"`
	TotalTimeout     time.Duration `yaml:"total_timeout" help:"timeout of one attempt, response body included"`
	MaxResponseBytes int64         `yaml:"max_response_bytes" help:"largest processor response body kept; longer ones are cut and marked truncated"`
	Retry            Retry         `yaml:"retry"`
	Breaker          Breaker       `yaml:"breaker"`
}

// Retry bounds retries of a processor call (only ever of calls that are safe to repeat).
type Retry struct {
	MaxAttempts    int           `yaml:"max_attempts" help:"attempts per call, the first included (1: no retries)"`
	InitialBackoff time.Duration `yaml:"initial_backoff" help:"wait before the first retry, doubled each retry, jittered"`
	MaxBackoff     time.Duration `yaml:"max_backoff" help:"longest wait between attempts (a processor's Retry-After may ask for more, within the budget)"`
	Budget         time.Duration `yaml:"budget" help:"time bound of a whole call, attempts and waits included"`
}

// Breaker tunes the circuit breakers (one per connector and account).
type Breaker struct {
	FailureThreshold int           `yaml:"failure_threshold" help:"consecutive failures (transport errors, 5xx) that open a breaker (-1: no breaker)"`
	OpenFor          time.Duration `yaml:"open_for" help:"how long an open breaker fails calls before it lets a probe through"`
}

// Egress is the host-wide egress policy and the client's own settings.
type Egress struct {
	EgressPolicy `yaml:",inline"`
	// Proxy sends every processor call through an HTTP(S) proxy.
	Proxy string `yaml:"proxy" help:"HTTP(S) proxy URL for every processor call; empty: direct"`
	// CAFile adds trusted CAs (a private processor or a TLS-inspecting proxy).
	CAFile string `yaml:"ca_file" help:"PEM CA bundle trusted for processors, besides the system roots"`
	// MaxIdleConnsPerHost is the keep-alive pool size per processor host.
	MaxIdleConnsPerHost int `yaml:"max_idle_conns_per_host" help:"keep-alive connections kept per processor host"`
}

// Tracing configures OpenTelemetry.
type Tracing struct {
	// OTLPEndpoint, when set, exports spans over OTLP/HTTP (e.g. http://otel-collector:4318).
	OTLPEndpoint string `yaml:"otlp_endpoint" help:"OTLP/HTTP collector URL (e.g. http://otel-collector:4318); empty: no tracing"`
	// SampleRatio is the share of new traces sampled; a caller's sampled parent is always followed.
	SampleRatio float64 `yaml:"sample_ratio" help:"share of new traces sampled, 0 to 1"`
	// ServiceName is the service.name resource attribute.
	ServiceName string `yaml:"service_name" help:"service.name of exported spans"`
}

// Connector is one connector's operator settings.
type Connector struct {
	// BaseURL overrides the manifest's URLs (a mock processor, a proxy).
	BaseURL string `yaml:"base_url" help:"URL every call of the connector goes to, instead of the manifest's"`
	// Settings are non-secret values passed to the plugin.
	Settings map[string]string `yaml:"settings"`
	// Egress overrides the host-wide egress policy for this connector.
	Egress EgressPolicy `yaml:"egress"`
}

// Account is a named set of credentials.
type Account struct {
	Name        string            `yaml:"name"`
	Connector   string            `yaml:"connector"`
	Environment string            `yaml:"environment"`
	Credentials map[string]string `yaml:"credentials"`
}

// Default returns the configuration with every default set.
func Default() *Config {
	return &Config{
		Listen: "127.0.0.1:8080", PluginsDir: "plugins.d", LogLevel: "info", DrainTimeout: 30 * time.Second,
		Limits:  Limits{MaxRequestBytes: 4 << 20, MaxConcurrentCalls: 1024},
		Plugins: PluginLimits{MemoryMiB: 32, CallTimeout: 2 * time.Second, LoadTimeout: 10 * time.Second},
		Egress: Egress{
			EgressPolicy: EgressPolicy{
				ConnectTimeout: 5 * time.Second, TLSTimeout: 5 * time.Second, TotalTimeout: 30 * time.Second,
				MaxResponseBytes: 4 << 20,
				Retry:            Retry{MaxAttempts: 3, InitialBackoff: 100 * time.Millisecond, MaxBackoff: 2 * time.Second, Budget: 45 * time.Second},
				Breaker:          Breaker{FailureThreshold: 5, OpenFor: 30 * time.Second},
			},
			MaxIdleConnsPerHost: 64,
		},
		Tracing:    Tracing{SampleRatio: 1, ServiceName: "connector-host"},
		Connectors: map[string]Connector{},
	}
}

// Load reads path over the defaults (only the defaults when path is ""),
// applies the CONNECTOR_HOST_* overrides in environ, expands ${NAME}
// references in account credentials from environ, and validates the result.
// The error reports every problem found, one per line.
func Load(path string, environ []string) (*Config, error) {
	c, err := Read(path)
	if err != nil {
		return nil, err
	}
	if err := c.Finish(environ); err != nil {
		if path != "" {
			return nil, fmt.Errorf("config %s:\n%w", path, err)
		}
		return nil, err
	}
	return c, nil
}

// Finish applies environ's overrides, expands references and validates:
// everything Load does after reading the file.
func (c *Config) Finish(environ []string) error {
	envErr := c.ApplyEnv(environ)
	expErr := c.Expand(Getenv(environ))
	return errors.Join(envErr, expErr, c.Validate())
}

// Read decodes the YAML file at path over the defaults. Unknown keys are errors.
func Read(path string) (*Config, error) {
	c := Default()
	if path == "" {
		return c, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(c); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	if c.Connectors == nil {
		c.Connectors = map[string]Connector{}
	}
	return c, nil
}

// Getenv looks names up in environ (KEY=VALUE entries).
func Getenv(environ []string) func(string) string {
	m := make(map[string]string, len(environ))
	for _, kv := range environ {
		if k, v, ok := strings.Cut(kv, "="); ok {
			m[k] = v
		}
	}
	return func(name string) string { return m[name] }
}

var envRef = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)\}`)

// Expand replaces ${NAME} in account credentials and in egress.proxy with
// getenv(NAME); an unset variable is an error naming it.
func (c *Config) Expand(getenv func(string) string) error {
	var errs []error
	c.Egress.Proxy = envRef.ReplaceAllStringFunc(c.Egress.Proxy, func(ref string) string {
		name := envRef.FindStringSubmatch(ref)[1]
		val := getenv(name)
		if val == "" {
			errs = append(errs, fmt.Errorf("egress.proxy: environment variable %s is not set", name))
		}
		return val
	})
	for i := range c.Accounts {
		keys := make([]string, 0, len(c.Accounts[i].Credentials))
		for k := range c.Accounts[i].Credentials {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			v := c.Accounts[i].Credentials[k]
			c.Accounts[i].Credentials[k] = envRef.ReplaceAllStringFunc(v, func(ref string) string {
				name := envRef.FindStringSubmatch(ref)[1]
				val := getenv(name)
				if val == "" {
					errs = append(errs, fmt.Errorf("accounts[%d].credentials.%s: environment variable %s is not set", i, k, name))
				}
				return val
			})
		}
	}
	return errors.Join(errs...)
}

var sha256Hex = regexp.MustCompile(`^[0-9a-fA-F]{64}$`)

// Validate checks every setting and names each bad one.
func (c *Config) Validate() error {
	var errs []error
	add := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if _, _, err := net.SplitHostPort(c.Listen); err != nil {
		add("listen: %q is not host:port", c.Listen)
	}
	if c.MetricsListen != "" {
		if _, _, err := net.SplitHostPort(c.MetricsListen); err != nil {
			add("metrics_listen: %q is not host:port (leave it empty to serve no metrics)", c.MetricsListen)
		} else if c.MetricsListen == c.Listen && !strings.HasSuffix(c.Listen, ":0") {
			add("metrics_listen: must differ from listen (%s)", c.Listen)
		}
	}
	if c.PluginsDir == "" {
		add("plugins_dir: must be set")
	}
	if c.RequireConformance && c.ConformanceFixtures == "" {
		add("conformance_fixtures: must be set when require_conformance is true (the directory holding NAME/fixtures)")
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		add("log_level: %q must be debug, info, warn or error", c.LogLevel)
	}
	if c.DrainTimeout < 0 || c.DrainTimeout > 10*time.Minute {
		add("drain_timeout: %v must be between 0 and 10m", c.DrainTimeout)
	}
	switch {
	case c.TLS.CertFile != "" && c.TLS.KeyFile == "":
		add("tls.key_file: must be set with tls.cert_file")
	case c.TLS.CertFile == "" && c.TLS.KeyFile != "":
		add("tls.cert_file: must be set with tls.key_file")
	}
	if c.TLS.ClientCAFile != "" && c.TLS.CertFile == "" {
		add("tls.client_ca_file: needs tls.cert_file and tls.key_file (client certificates need TLS)")
	}
	for _, f := range []struct{ key, path string }{{"tls.cert_file", c.TLS.CertFile}, {"tls.key_file", c.TLS.KeyFile}, {"tls.client_ca_file", c.TLS.ClientCAFile}, {"egress.ca_file", c.Egress.CAFile}} {
		if f.path != "" {
			if _, err := os.Stat(f.path); err != nil {
				add("%s: %v", f.key, err)
			}
		}
	}
	seenKey, seenHash := map[string]bool{}, map[string]bool{}
	for i, k := range c.APIKeys {
		switch {
		case k.Name == "":
			add("api_keys[%d].name: must be set", i)
		case seenKey[k.Name]:
			add("api_keys[%d].name: %q is used twice", i, k.Name)
		}
		seenKey[k.Name] = true
		switch {
		case !sha256Hex.MatchString(k.SHA256):
			add("api_keys[%d].sha256: must be 64 hex digits, the SHA-256 of the key (connector-host hash-key prints it)", i)
		case seenHash[strings.ToLower(k.SHA256)]:
			add("api_keys[%d].sha256: the same key is listed twice", i)
		}
		seenHash[strings.ToLower(k.SHA256)] = true
	}
	if c.Limits.MaxRequestBytes < 1<<10 || c.Limits.MaxRequestBytes > 256<<20 {
		add("limits.max_request_bytes: %d must be between 1024 and 268435456", c.Limits.MaxRequestBytes)
	}
	if c.Limits.MaxConcurrentCalls < 0 {
		add("limits.max_concurrent_calls: %d must not be negative (0 is unlimited)", c.Limits.MaxConcurrentCalls)
	}
	if c.Plugins.MemoryMiB < 8 || c.Plugins.MemoryMiB > 4096 {
		add("plugin_limits.memory_mib: %d must be between 8 and 4096", c.Plugins.MemoryMiB)
	}
	if c.Plugins.CallTimeout < time.Millisecond || c.Plugins.CallTimeout > time.Minute {
		add("plugin_limits.call_timeout: %v must be between 1ms and 1m", c.Plugins.CallTimeout)
	}
	if c.Plugins.LoadTimeout < 10*time.Millisecond || c.Plugins.LoadTimeout > 10*time.Minute {
		add("plugin_limits.load_timeout: %v must be between 10ms and 10m", c.Plugins.LoadTimeout)
	}
	for i, k := range c.Plugins.TrustedKeys {
		if b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(k)); err != nil || len(b) != ed25519.PublicKeySize {
			add("plugin_limits.trusted_keys[%d]: not the base64 of a 32-byte ed25519 public key (print one with `connector-host sign --generate-key FILE`)", i)
		}
	}
	if c.Plugins.IdleTimeout < 0 {
		add("plugin_limits.idle_timeout: %v must not be negative", c.Plugins.IdleTimeout)
	}
	if c.Plugins.PoolSize < 0 {
		add("plugin_limits.pool_size: %d must not be negative", c.Plugins.PoolSize)
	}
	errs = append(errs, c.Egress.EgressPolicy.validate("egress", false)...)
	if c.Egress.Proxy != "" {
		if u, err := url.Parse(c.Egress.Proxy); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			add("egress.proxy: %q must be an absolute http(s) URL", redactUserinfo(c.Egress.Proxy))
		}
	}
	if c.Egress.MaxIdleConnsPerHost < 1 {
		add("egress.max_idle_conns_per_host: %d must be at least 1", c.Egress.MaxIdleConnsPerHost)
	}
	if c.Tracing.OTLPEndpoint != "" {
		if u, err := url.Parse(c.Tracing.OTLPEndpoint); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			add("tracing.otlp_endpoint: %q must be an absolute http(s) URL", c.Tracing.OTLPEndpoint)
		}
	}
	if c.Tracing.SampleRatio < 0 || c.Tracing.SampleRatio > 1 {
		add("tracing.sample_ratio: %v must be between 0 and 1", c.Tracing.SampleRatio)
	}
	names := make([]string, 0, len(c.Connectors))
	for n := range c.Connectors {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		conn := c.Connectors[n]
		if !manifest.ValidName(n) {
			add("connectors.%s: not a valid connector name", n)
		}
		if conn.BaseURL != "" {
			if u, err := url.Parse(conn.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				add("connectors.%s.base_url: %q must be an absolute http(s) URL", n, conn.BaseURL)
			}
		}
		errs = append(errs, conn.Egress.validate("connectors."+n+".egress", true)...)
	}
	seen := map[string]bool{}
	for i, a := range c.Accounts {
		if a.Name == "" {
			add("accounts[%d].name: must be set", i)
		} else if seen[a.Name] {
			add("accounts[%d].name: %q is used twice", i, a.Name)
		}
		seen[a.Name] = true
		if !manifest.ValidName(a.Connector) {
			add("accounts[%d].connector: %q is not a valid connector name", i, a.Connector)
		}
		if a.Environment != "" {
			if _, err := credentials.ParseEnvironment(a.Environment); err != nil {
				add("accounts[%d].environment: %v", i, err)
			}
		}
		if len(a.Credentials) == 0 {
			add("accounts[%d].credentials: must hold the connector's credential fields", i)
		}
	}
	return errors.Join(errs...)
}

// validate checks an egress policy; with inherit, zero values are allowed
// (they take the host-wide value).
func (p EgressPolicy) validate(prefix string, inherit bool) []error {
	var errs []error
	add := func(format string, args ...any) { errs = append(errs, fmt.Errorf(prefix+"."+format, args...)) }
	dur := func(key string, d, lo, hi time.Duration) {
		if inherit && d == 0 {
			return
		}
		if d < lo || d > hi {
			add("%s: %v must be between %v and %v", key, d, lo, hi)
		}
	}
	dur("connect_timeout", p.ConnectTimeout, time.Millisecond, 5*time.Minute)
	dur("tls_timeout", p.TLSTimeout, time.Millisecond, 5*time.Minute)
	dur("total_timeout", p.TotalTimeout, time.Millisecond, 10*time.Minute)
	if !(inherit && p.MaxResponseBytes == 0) && (p.MaxResponseBytes < 1<<10 || p.MaxResponseBytes > 64<<20) {
		add("max_response_bytes: %d must be between 1024 and 67108864", p.MaxResponseBytes)
	}
	if !(inherit && p.Retry.MaxAttempts == 0) && (p.Retry.MaxAttempts < 1 || p.Retry.MaxAttempts > 10) {
		add("retry.max_attempts: %d must be between 1 and 10", p.Retry.MaxAttempts)
	}
	dur("retry.initial_backoff", p.Retry.InitialBackoff, time.Millisecond, time.Minute)
	dur("retry.max_backoff", p.Retry.MaxBackoff, time.Millisecond, 5*time.Minute)
	dur("retry.budget", p.Retry.Budget, time.Millisecond, 30*time.Minute)
	if p.Retry.InitialBackoff > 0 && p.Retry.MaxBackoff > 0 && p.Retry.InitialBackoff > p.Retry.MaxBackoff {
		add("retry.initial_backoff: %v must not exceed retry.max_backoff %v", p.Retry.InitialBackoff, p.Retry.MaxBackoff)
	}
	if p.Retry.Budget > 0 && p.TotalTimeout > 0 && p.Retry.Budget < p.TotalTimeout {
		add("retry.budget: %v is shorter than total_timeout %v: a single attempt could not use its timeout", p.Retry.Budget, p.TotalTimeout)
	}
	if !(inherit && p.Breaker.FailureThreshold == 0) && (p.Breaker.FailureThreshold < -1 || p.Breaker.FailureThreshold == 0) {
		add("breaker.failure_threshold: %d must be at least 1, or -1 for no breaker", p.Breaker.FailureThreshold)
	}
	dur("breaker.open_for", p.Breaker.OpenFor, time.Millisecond, time.Hour)
	return errs
}

// Inherit fills p's zero fields from d (a connector's policy from the host-wide one).
func (p EgressPolicy) Inherit(d EgressPolicy) EgressPolicy {
	pick := func(v, def time.Duration) time.Duration {
		if v == 0 {
			return def
		}
		return v
	}
	p.ConnectTimeout = pick(p.ConnectTimeout, d.ConnectTimeout)
	p.TLSTimeout = pick(p.TLSTimeout, d.TLSTimeout)
	p.TotalTimeout = pick(p.TotalTimeout, d.TotalTimeout)
	if p.MaxResponseBytes == 0 {
		p.MaxResponseBytes = d.MaxResponseBytes
	}
	if p.Retry.MaxAttempts == 0 {
		p.Retry.MaxAttempts = d.Retry.MaxAttempts
	}
	p.Retry.InitialBackoff = pick(p.Retry.InitialBackoff, d.Retry.InitialBackoff)
	p.Retry.MaxBackoff = pick(p.Retry.MaxBackoff, d.Retry.MaxBackoff)
	p.Retry.Budget = pick(p.Retry.Budget, d.Retry.Budget)
	if p.Breaker.FailureThreshold == 0 {
		p.Breaker.FailureThreshold = d.Breaker.FailureThreshold
	}
	p.Breaker.OpenFor = pick(p.Breaker.OpenFor, d.Breaker.OpenFor)
	return p
}

// ConnectorEgress is the effective egress policy of a connector.
func (c *Config) ConnectorEgress(name string) EgressPolicy {
	return c.Connectors[name].Egress.Inherit(c.Egress.EgressPolicy)
}

// APIKeyHashes returns the configured key hashes (lower-case hex) by name.
func (c *Config) APIKeyHashes() map[string][32]byte {
	out := make(map[string][32]byte, len(c.APIKeys))
	for _, k := range c.APIKeys {
		var h [32]byte
		if b, err := hex.DecodeString(k.SHA256); err == nil && len(b) == 32 {
			copy(h[:], b)
			out[k.Name] = h
		}
	}
	return out
}

func redactUserinfo(raw string) string {
	if u, err := url.Parse(raw); err == nil && u.User != nil {
		u.User = url.User("redacted")
		return u.String()
	}
	return raw
}

// BaseURLs returns the connectors' base URL overrides.
func (c *Config) BaseURLs() map[string]string {
	out := map[string]string{}
	for n, conn := range c.Connectors {
		if conn.BaseURL != "" {
			out[n] = conn.BaseURL
		}
	}
	return out
}

// Settings returns the connectors' operator settings.
func (c *Config) Settings() map[string]map[string]string {
	out := map[string]map[string]string{}
	for n, conn := range c.Connectors {
		if len(conn.Settings) > 0 {
			out[n] = conn.Settings
		}
	}
	return out
}

// AccountLookup returns a lookup over the configured accounts.
func (c *Config) AccountLookup() credentials.Lookup {
	byName := map[string]credentials.Account{}
	for _, a := range c.Accounts {
		byName[a.Name] = credentials.Account{Name: a.Name, Connector: a.Connector, Environment: a.Environment, Fields: a.Credentials}
	}
	return func(name string) (credentials.Account, bool) {
		a, ok := byName[name]
		return a, ok
	}
}
