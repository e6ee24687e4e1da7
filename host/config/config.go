// Package config reads the host's configuration file (YAML). Every setting
// has a default, can be set in the file, and is validated at start with
// errors that name the setting. Secrets in accounts may reference
// environment variables as ${NAME}, so the file itself need hold none.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"regexp"
	"sort"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/connectorhost/connector-host/host/credentials"
	"github.com/connectorhost/connector-host/host/manifest"
)

// Config is the whole configuration.
type Config struct {
	// Listen is the API address (Connect, gRPC, gRPC-Web, HTTP-JSON on one port).
	Listen string `yaml:"listen"`
	// PluginsDir holds the NAME.wasm connector plugins.
	PluginsDir string `yaml:"plugins_dir"`
	// CacheDir keeps compiled plugin code and manifests across restarts.
	CacheDir string `yaml:"cache_dir"`
	// LogLevel is debug, info, warn or error.
	LogLevel string `yaml:"log_level"`
	// RequireConformance refuses to serve a plugin version that fails the conformance suite.
	RequireConformance bool `yaml:"require_conformance"`
	// EagerPlugins activates every plugin at start instead of on first use.
	EagerPlugins bool `yaml:"eager_plugins"`
	// Plugin limits.
	Plugins PluginLimits `yaml:"plugin_limits"`
	// Connectors holds per-connector settings by connector name.
	Connectors map[string]Connector `yaml:"connectors"`
	// Accounts are named credentials callers select with x-connector-account.
	Accounts []Account `yaml:"accounts"`
}

// PluginLimits bound each plugin.
type PluginLimits struct {
	MemoryMiB   int           `yaml:"memory_mib"`
	CallTimeout time.Duration `yaml:"call_timeout"`
	PoolSize    int           `yaml:"pool_size"`
}

// Connector is one connector's operator settings.
type Connector struct {
	// BaseURL overrides the manifest's URLs (a mock processor, a proxy).
	BaseURL string `yaml:"base_url"`
	// Settings are non-secret values passed to the plugin.
	Settings map[string]string `yaml:"settings"`
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
		Listen: "127.0.0.1:8080", PluginsDir: "plugins.d", LogLevel: "info",
		Plugins:    PluginLimits{MemoryMiB: 32, CallTimeout: 2 * time.Second},
		Connectors: map[string]Connector{},
	}
}

// Load reads a YAML file over the defaults, expands ${ENV} references in
// account credentials with getenv, and validates the result.
func Load(path string, getenv func(string) string) (*Config, error) {
	c := Default()
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(c); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	if err := c.Expand(getenv); err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	if err := c.Validate(); err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	return c, nil
}

var envRef = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)\}`)

// Expand replaces ${NAME} in account credentials with getenv(NAME); an unset variable is an error naming it.
func (c *Config) Expand(getenv func(string) string) error {
	var errs []error
	for i := range c.Accounts {
		for k, v := range c.Accounts[i].Credentials {
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

// Validate checks every setting and names each bad one.
func (c *Config) Validate() error {
	var errs []error
	add := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if _, _, err := net.SplitHostPort(c.Listen); err != nil {
		add("listen: %q is not host:port", c.Listen)
	}
	if c.PluginsDir == "" {
		add("plugins_dir: must be set")
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		add("log_level: %q must be debug, info, warn or error", c.LogLevel)
	}
	if c.Plugins.MemoryMiB < 8 || c.Plugins.MemoryMiB > 4096 {
		add("plugin_limits.memory_mib: %d must be between 8 and 4096", c.Plugins.MemoryMiB)
	}
	if c.Plugins.CallTimeout < time.Millisecond || c.Plugins.CallTimeout > time.Minute {
		add("plugin_limits.call_timeout: %v must be between 1ms and 1m", c.Plugins.CallTimeout)
	}
	if c.Plugins.PoolSize < 0 {
		add("plugin_limits.pool_size: %d must not be negative", c.Plugins.PoolSize)
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
