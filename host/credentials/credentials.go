// Package credentials resolves a call's processor credentials: from the
// x-connector-auth header (a JSON object of the connector's declared fields)
// or from a named account in the host's config (x-connector-account), and
// checks them against the connector's manifest. Errors never echo a value;
// they match ErrInvalid, ErrMissing or ErrWrongConnector (errors.Is), which
// host/server turns into Connect codes.
package credentials

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
)

// Header names callers use.
const (
	HeaderConnector   = "x-connector"
	HeaderAuth        = "x-connector-auth"
	HeaderAccount     = "x-connector-account"
	HeaderEnvironment = "x-connector-environment"
)

// Credential fields the host itself reads, when a connector declares them.
const (
	// FieldTLSClientCert is a PEM client certificate chain the processor
	// requires (mutual TLS); the host presents it on the connection.
	FieldTLSClientCert = "tls_client_cert"
	// FieldTLSClientKey is the PEM private key of FieldTLSClientCert.
	FieldTLSClientKey = "tls_client_key"
)

// The kinds of credential errors a caller can fix; an error of none of them
// (an account misconfigured on the host) is the operator's.
var (
	// ErrInvalid: the caller's credentials or environment are malformed,
	// name fields the connector does not have, or mix sources.
	ErrInvalid = errors.New("invalid credentials")
	// ErrMissing: no credentials, an account the host does not have, or a
	// required field left out.
	ErrMissing = errors.New("missing credentials")
	// ErrWrongConnector: the account named belongs to another connector.
	ErrWrongConnector = errors.New("credentials of another connector")
)

// credError is a credential error: its message is the caller's; errors.Is
// matches its kind.
type credError struct {
	kind error
	msg  string
}

func (e *credError) Error() string { return e.msg }
func (e *credError) Unwrap() error { return e.kind }

func fail(kind error, format string, args ...any) error {
	return &credError{kind: kind, msg: fmt.Sprintf(format, args...)}
}

// Account is a named set of credentials in the host's config.
type Account struct {
	Name      string
	Connector string
	// Environment is "sandbox" or "live".
	Environment string
	Fields      map[string]string
}

// Source is what the caller sent.
type Source struct {
	// AuthJSON is the raw x-connector-auth header.
	AuthJSON string
	// Account is the x-connector-account header.
	Account string
	// Environment is the x-connector-environment header.
	Environment string
	// WebhookOnly relaxes the check to what webhook verification needs: the
	// fields other flows require (API keys) may be absent.
	WebhookOnly bool
	// None uses no credentials at all (EventService.ParseEvent): any sent
	// are ignored, never passed to the plugin.
	None bool
}

// Resolved is the credentials and environment a call runs with.
type Resolved struct {
	Fields      map[string]string
	Environment pluginv1.Environment
	// Account names the config account used, "" for header credentials.
	Account string
}

// Lookup finds a configured account by name.
type Lookup func(name string) (Account, bool)

// Resolve returns the credentials for connector from src, checked against m.
func Resolve(connector string, src Source, m *v1.Manifest, accounts Lookup) (*Resolved, error) {
	res := &Resolved{Environment: pluginv1.Environment_ENVIRONMENT_SANDBOX}
	switch {
	case src.None:
		res.Fields = map[string]string{}
		src = Source{Environment: src.Environment, None: true}
	case src.AuthJSON != "" && src.Account != "":
		return nil, fail(ErrInvalid, "send either %s or %s, not both", HeaderAuth, HeaderAccount)
	case src.AuthJSON != "":
		fields, err := parseAuth(src.AuthJSON)
		if err != nil {
			return nil, err
		}
		res.Fields = fields
	case src.Account != "":
		acct, ok := Account{}, false
		if accounts != nil {
			acct, ok = accounts(src.Account)
		}
		if !ok {
			return nil, fail(ErrMissing, "%s: no account named %q is configured", HeaderAccount, src.Account)
		}
		if acct.Connector != connector {
			return nil, fail(ErrWrongConnector, "%s: account %q belongs to connector %q, not %q", HeaderAccount, src.Account, acct.Connector, connector)
		}
		res.Fields, res.Account = acct.Fields, acct.Name
		if acct.Environment != "" {
			env, err := ParseEnvironment(acct.Environment)
			if err != nil {
				return nil, fmt.Errorf("account %q: %w", acct.Name, err)
			}
			res.Environment = env
		}
	default:
		return nil, fail(ErrMissing, "no credentials for connector %q: send %s (a JSON object with fields %s) or %s", connector, HeaderAuth, fieldList(m), HeaderAccount)
	}
	if src.Environment != "" {
		env, err := ParseEnvironment(src.Environment)
		if err != nil {
			return nil, fail(ErrInvalid, "%s: %v", HeaderEnvironment, err)
		}
		if res.Account != "" && env != res.Environment {
			return nil, fail(ErrInvalid, "%s: account %q is configured for another environment", HeaderEnvironment, res.Account)
		}
		res.Environment = env
	}
	if src.None {
		return res, nil
	}
	if err := check(connector, res.Fields, m, !src.WebhookOnly); err != nil {
		return nil, err
	}
	return res, nil
}

// ParseEnvironment reads "sandbox" or "live".
func ParseEnvironment(s string) (pluginv1.Environment, error) {
	switch strings.ToLower(s) {
	case "sandbox", "test":
		return pluginv1.Environment_ENVIRONMENT_SANDBOX, nil
	case "live", "production":
		return pluginv1.Environment_ENVIRONMENT_LIVE, nil
	}
	return 0, fmt.Errorf("environment must be \"sandbox\" or \"live\"")
}

func parseAuth(raw string) (map[string]string, error) {
	var obj map[string]any
	if err := json.Unmarshal([]byte(raw), &obj); err != nil || obj == nil {
		return nil, fail(ErrInvalid, "%s must be a JSON object of string fields", HeaderAuth)
	}
	fields := make(map[string]string, len(obj))
	for k, v := range obj {
		s, ok := v.(string)
		if !ok {
			return nil, fail(ErrInvalid, "%s: field %q must be a string", HeaderAuth, k)
		}
		fields[k] = s
	}
	return fields, nil
}

// check rejects unknown fields (typos) and missing required ones.
func check(connector string, fields map[string]string, m *v1.Manifest, requireAll bool) error {
	declared := map[string]bool{}
	for _, f := range m.GetCredentialFields() {
		declared[f.GetName()] = true
	}
	var unknown []string
	for k := range fields {
		if !declared[k] {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return fail(ErrInvalid, "credentials: connector %q has no field(s) %s; its fields are %s", connector, strings.Join(quoteAll(unknown), ", "), fieldList(m))
	}
	for _, f := range m.GetCredentialFields() {
		if requireAll && f.GetRequired() && fields[f.GetName()] == "" {
			return fail(ErrMissing, "credentials: connector %q needs field %q", connector, f.GetName())
		}
	}
	return nil
}

func fieldList(m *v1.Manifest) string {
	var names []string
	for _, f := range m.GetCredentialFields() {
		n := f.GetName()
		if f.GetRequired() {
			n += " (required)"
		}
		names = append(names, n)
	}
	if len(names) == 0 {
		return "(none)"
	}
	return strings.Join(names, ", ")
}

func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = fmt.Sprintf("%q", s)
	}
	return out
}

// Secrets returns the values of the fields m marks secret (for redaction).
func Secrets(fields map[string]string, m *v1.Manifest) []string {
	var out []string
	for _, f := range m.GetCredentialFields() {
		if f.GetSecret() && fields[f.GetName()] != "" {
			out = append(out, fields[f.GetName()])
		}
	}
	return out
}
