package config

import (
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/connectorhost/connector-host/host/manifest"
)

// EnvPrefix starts every environment variable the host reads its settings from.
const EnvPrefix = "CONNECTOR_HOST_"

// Key is one scalar setting and the three ways to set it.
type Key struct {
	// Path is the setting's dotted path in the YAML file: "plugin_limits.memory_mib".
	Path string
	// Env is its environment variable: "CONNECTOR_HOST_PLUGIN_LIMITS_MEMORY_MIB".
	Env string
	// Flag is its serve flag, without dashes: "plugin-limits-memory-mib".
	Flag string
	// Help describes it.
	Help string
	// Bool is true for an on/off setting (its flag needs no value).
	Bool bool
}

// Keys lists every scalar setting of Config, in file order. Collections
// have their own forms: api_keys is CONNECTOR_HOST_API_KEYS or --api-keys
// ("name:sha256,..."), a connector's setting KEY is
// CONNECTOR_HOST_CONNECTORS_<NAME>_<KEY> or --connector NAME.KEY=VALUE, and
// accounts live in the file (their secrets as ${ENV} references).
func Keys() []Key {
	var out []Key
	walk(reflect.TypeOf(Config{}), nil, func(path []string, f reflect.StructField) {
		k := keyFor(path, f.Tag.Get("help"))
		k.Bool = f.Type.Kind() == reflect.Bool
		out = append(out, k)
	})
	return out
}

func keyFor(path []string, help string) Key {
	p := strings.Join(path, ".")
	return Key{
		Path: p,
		Env:  EnvPrefix + strings.ToUpper(strings.NewReplacer(".", "_").Replace(p)),
		Flag: strings.NewReplacer(".", "-", "_", "-").Replace(p),
		Help: help,
	}
}

var durationType = reflect.TypeOf(time.Duration(0))

// walk calls fn for every scalar field under t, with its YAML path.
func walk(t reflect.Type, prefix []string, fn func(path []string, f reflect.StructField)) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, inline := yamlName(f)
		if name == "-" {
			continue
		}
		path := append(append([]string(nil), prefix...), name)
		if inline {
			path = prefix
		}
		switch {
		case f.Type.Kind() == reflect.Struct && f.Type != durationType:
			walk(f.Type, path, fn)
		case scalar(f.Type):
			fn(path, f)
		}
	}
}

func yamlName(f reflect.StructField) (string, bool) {
	tag := f.Tag.Get("yaml")
	name, opts, _ := strings.Cut(tag, ",")
	if strings.Contains(opts, "inline") {
		return "", true
	}
	if name == "" {
		name = strings.ToLower(f.Name)
	}
	return name, false
}

func scalar(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.String, reflect.Bool, reflect.Int, reflect.Int64, reflect.Float64:
		return true
	}
	return false
}

// field finds the scalar field at path under v (a struct value).
func field(v reflect.Value, path []string) (reflect.Value, bool) {
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, inline := yamlName(f)
		if inline {
			if fv, ok := field(v.Field(i), path); ok {
				return fv, true
			}
			continue
		}
		if name != path[0] {
			continue
		}
		fv := v.Field(i)
		if len(path) == 1 {
			return fv, scalar(f.Type)
		}
		if f.Type.Kind() == reflect.Struct && f.Type != durationType {
			return field(fv, path[1:])
		}
		return reflect.Value{}, false
	}
	return reflect.Value{}, false
}

// setScalar parses s into v by v's type.
func setScalar(v reflect.Value, s string) error {
	switch {
	case v.Type() == durationType:
		d, err := time.ParseDuration(s)
		if err != nil {
			return fmt.Errorf("%q is not a duration (e.g. 500ms, 5s, 1m)", s)
		}
		v.SetInt(int64(d))
	case v.Kind() == reflect.String:
		v.SetString(s)
	case v.Kind() == reflect.Bool:
		b, err := strconv.ParseBool(s)
		if err != nil {
			return fmt.Errorf("%q is not true or false", s)
		}
		v.SetBool(b)
	case v.Kind() == reflect.Int || v.Kind() == reflect.Int64:
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return fmt.Errorf("%q is not an integer", s)
		}
		v.SetInt(n)
	case v.Kind() == reflect.Float64:
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return fmt.Errorf("%q is not a number", s)
		}
		v.SetFloat(f)
	default:
		return fmt.Errorf("cannot set a %s", v.Type())
	}
	return nil
}

// Set sets the scalar setting at its dotted path from text.
func (c *Config) Set(path, value string) error {
	v, ok := field(reflect.ValueOf(c).Elem(), strings.Split(path, "."))
	if !ok {
		return fmt.Errorf("%s: no such setting", path)
	}
	if err := setScalar(v, value); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// SetConnector sets a connector's scalar setting ("base_url",
// "egress.total_timeout", ...) from text, adding the connector if needed.
func (c *Config) SetConnector(name, path, value string) error {
	if !manifest.ValidName(name) {
		return fmt.Errorf("connectors.%s: not a valid connector name", name)
	}
	conn := c.Connectors[name]
	v, ok := field(reflect.ValueOf(&conn).Elem(), strings.Split(path, "."))
	if !ok {
		return fmt.Errorf("connectors.%s.%s: no such setting", name, path)
	}
	if err := setScalar(v, value); err != nil {
		return fmt.Errorf("connectors.%s.%s: %w", name, path, err)
	}
	if c.Connectors == nil {
		c.Connectors = map[string]Connector{}
	}
	c.Connectors[name] = conn
	return nil
}

// SetAPIKeys replaces the API keys from "name:sha256,name:sha256".
func (c *Config) SetAPIKeys(list string) error {
	var keys []APIKey
	for _, item := range strings.Split(list, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		name, hash, ok := strings.Cut(item, ":")
		if !ok {
			return fmt.Errorf("api_keys: %q is not name:sha256", item)
		}
		keys = append(keys, APIKey{Name: name, SHA256: hash})
	}
	c.APIKeys = keys
	return nil
}

// connectorKeys are a connector's scalar settings, by environment suffix.
func connectorKeys() map[string]string {
	out := map[string]string{}
	walk(reflect.TypeOf(Connector{}), nil, func(path []string, _ reflect.StructField) {
		p := strings.Join(path, ".")
		out[strings.ToUpper(strings.ReplaceAll(p, ".", "_"))] = p
	})
	return out
}

// serviceLink matches the variables Kubernetes injects for a Service named
// connector-host (CONNECTOR_HOST_SERVICE_HOST, CONNECTOR_HOST_PORT_8080_TCP, ...).
var serviceLink = regexp.MustCompile(`^CONNECTOR_HOST_(SERVICE_HOST|SERVICE_PORT|PORT)(_|$)`)

// ApplyEnv applies the CONNECTOR_HOST_* variables of environ (KEY=VALUE
// entries, as os.Environ returns). An unknown CONNECTOR_HOST_ variable is an
// error: it is most likely a typo that would otherwise be silently ignored.
// Kubernetes service-link variables are ignored.
func (c *Config) ApplyEnv(environ []string) error {
	byEnv := map[string]string{}
	for _, k := range Keys() {
		byEnv[k.Env] = k.Path
	}
	conn := connectorKeys()
	suffixes := make([]string, 0, len(conn))
	for s := range conn {
		suffixes = append(suffixes, s)
	}
	// Longest first, so EGRESS_RETRY_BUDGET wins over a shorter match.
	sort.Slice(suffixes, func(i, j int) bool { return len(suffixes[i]) > len(suffixes[j]) })
	var errs []error
	for _, kv := range environ {
		name, value, ok := strings.Cut(kv, "=")
		if !ok || !strings.HasPrefix(name, EnvPrefix) || serviceLink.MatchString(name) {
			continue
		}
		if path, ok := byEnv[name]; ok {
			if err := c.Set(path, value); err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", name, err))
			}
			continue
		}
		if name == EnvPrefix+"API_KEYS" {
			if err := c.SetAPIKeys(value); err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", name, err))
			}
			continue
		}
		if rest, ok := strings.CutPrefix(name, EnvPrefix+"CONNECTORS_"); ok {
			matched := false
			for _, s := range suffixes {
				if cn, ok := strings.CutSuffix(rest, "_"+s); ok && cn != "" {
					if err := c.SetConnector(strings.ToLower(cn), conn[s], value); err != nil {
						errs = append(errs, fmt.Errorf("%s: %w", name, err))
					}
					matched = true
					break
				}
			}
			if matched {
				continue
			}
		}
		errs = append(errs, fmt.Errorf("%s: not a setting (see config.example.yaml; connector settings are %sCONNECTORS_<NAME>_<KEY>)", name, EnvPrefix))
	}
	return errors.Join(errs...)
}
