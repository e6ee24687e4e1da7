// Package manifest validates connector manifests and answers the questions
// the host asks of them: is a flow supported, may a request go to a host,
// which credential fields are secret. The runtime checks every plugin's
// manifest with Validate before it serves, and the conformance suite reports
// the same errors to contributors.
package manifest

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"regexp"
	"strings"

	"github.com/connectorhost/connector-host/abi"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/money"
)

var (
	namePattern        = regexp.MustCompile(`^[a-z0-9_]{1,64}$`)
	placeholderPattern = regexp.MustCompile(`\{[a-z0-9_]+\}`)
)

// ValidName reports whether s is a valid connector name.
func ValidName(s string) bool { return namePattern.MatchString(s) }

// Validate checks m. When fileName is not empty, the manifest's name must
// equal it (the .wasm file's base name). It returns every problem found,
// joined, each naming the manifest field.
func Validate(m *v1.Manifest, fileName string) error {
	var errs []error
	add := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }

	if !ValidName(m.GetName()) {
		add("manifest.name %q must match %s", m.GetName(), namePattern)
	} else if fileName != "" && m.GetName() != fileName {
		add("manifest.name %q must equal the file's base name %q", m.GetName(), fileName)
	}
	if m.GetAbiVersion() != abi.Version {
		add("manifest.abi_version is %d; this host speaks ABI v%d", m.GetAbiVersion(), abi.Version)
	}
	if m.GetVersion() == "" {
		add("manifest.version is empty")
	}
	seen := map[v1.Flow]bool{}
	mutating := false
	for _, f := range m.GetFlows() {
		info, err := abi.Lookup(f)
		if err != nil {
			add("manifest.flows: %v", err)
			continue
		}
		if seen[f] {
			add("manifest.flows lists %v twice", f)
		}
		seen[f] = true
		mutating = mutating || info.Mutating
	}
	if len(m.GetFlows()) == 0 {
		add("manifest.flows is empty")
	}
	if mutating && m.GetIdempotencyHeader() == "" {
		add("manifest.idempotency_header is empty but the plugin declares mutating flows")
	}
	if w := m.GetIdempotencyWindowSeconds(); w < 0 {
		add("manifest.idempotency_window_seconds is %d; it must be 0 (no deduplication) or the seconds the processor keeps a key", w)
	}
	creds := map[string]bool{}
	for i, c := range m.GetCredentialFields() {
		if c.GetName() == "" {
			add("manifest.credential_fields[%d].name is empty", i)
		}
		if creds[c.GetName()] {
			add("manifest.credential_fields lists %q twice", c.GetName())
		}
		creds[c.GetName()] = true
	}
	if w := m.GetWebhooks(); w.GetSupported() {
		if w.GetSecretField() != "" && !creds[w.GetSecretField()] {
			add("manifest.webhooks.secret_field %q is not a declared credential field", w.GetSecretField())
		}
		if w.GetTimestamped() && w.GetToleranceSeconds() <= 0 {
			add("manifest.webhooks.tolerance_seconds must be positive for a timestamped scheme")
		}
	}
	for _, c := range m.GetCurrencies() {
		if !money.Known(c) {
			add("manifest.currencies: %q is not an ISO-4217 code", c)
		}
	}
	if len(m.GetEgressHosts()) == 0 {
		add("manifest.egress_hosts is empty: the plugin could not reach its processor")
	}
	for _, h := range m.GetEgressHosts() {
		if h == "" || h == "*" || strings.Contains(h, "/") || strings.Count(h, "*") > 1 || (strings.Contains(h, "*") && !strings.HasPrefix(h, "*.")) {
			add("manifest.egress_hosts: %q must be a host name or *.suffix", h)
		} else if why := notDNSName(strings.TrimPrefix(h, "*.")); why != "" {
			add("manifest.egress_hosts: %q %s; only DNS names of the processor's API may be declared", h, why)
		}
	}
	for field, raw := range map[string]string{"sandbox_base_url": m.GetSandboxBaseUrl(), "live_base_url": m.GetLiveBaseUrl()} {
		if raw == "" {
			if field == "sandbox_base_url" {
				add("manifest.sandbox_base_url is empty")
			}
			continue
		}
		if err := checkBaseURL(raw, m.GetEgressHosts(), creds); err != nil {
			add("manifest.%s: %v", field, err)
		}
	}
	return errors.Join(errs...)
}

// notDNSName says why host cannot be a processor's DNS name: an IP literal
// (or a suffix of one, as in *.0.0.1), a name with a numeric top-level label
// (which resolvers may read as an address), or localhost. It returns "" for
// a DNS name.
func notDNSName(host string) string {
	h := strings.ToLower(strings.TrimSuffix(host, "."))
	labels := strings.Split(h, ".")
	tld := labels[len(labels)-1]
	switch {
	case strings.ContainsAny(h, ":[]"), net.ParseIP(h) != nil:
		return "is an IP address"
	case tld != "" && strings.Trim(tld, "0123456789") == "",
		strings.HasPrefix(tld, "0x"):
		return "ends in a numeric label, like an IP address"
	case h == "localhost" || strings.HasSuffix(h, ".localhost"):
		return "is a loopback name"
	}
	return ""
}

// checkBaseURL checks an https base URL whose host is inside the egress hosts.
// Placeholders ({name}) must name credential fields.
func checkBaseURL(raw string, egress []string, creds map[string]bool) error {
	for _, ph := range placeholderPattern.FindAllString(raw, -1) {
		if !creds[strings.Trim(ph, "{}")] {
			return fmt.Errorf("placeholder %s in %q is not a declared credential field", ph, raw)
		}
	}
	u, err := url.Parse(placeholderPattern.ReplaceAllString(raw, "x"))
	if err != nil {
		return fmt.Errorf("%q is not a URL: %v", raw, err)
	}
	if u.Scheme != "https" {
		return fmt.Errorf("%q must use https", raw)
	}
	if !HostAllowed(u.Hostname(), egress) {
		return fmt.Errorf("host of %q is not in egress_hosts %v", raw, egress)
	}
	return nil
}

// FillPlaceholders replaces {field} in a base URL with credential values. It
// fails when a placeholder's credential is missing or not a DNS label.
func FillPlaceholders(raw string, creds map[string]string) (string, error) {
	var missing error
	out := placeholderPattern.ReplaceAllStringFunc(raw, func(ph string) string {
		name := strings.Trim(ph, "{}")
		v := creds[name]
		if v == "" || !dnsLabel.MatchString(v) {
			missing = fmt.Errorf("credential %q is required for the live URL and must be a DNS label", name)
		}
		return v
	})
	return out, missing
}

var dnsLabel = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$`)

// HostAllowed reports whether host matches one of patterns: an exact name, or
// "*.suffix" for any subdomain of suffix (not suffix itself). Matching is
// case-insensitive.
func HostAllowed(host string, patterns []string) bool {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	for _, p := range patterns {
		p = strings.ToLower(p)
		if suffix, ok := strings.CutPrefix(p, "*"); ok {
			if strings.HasSuffix(host, suffix) && len(host) > len(suffix) {
				return true
			}
			continue
		}
		if host == p {
			return true
		}
	}
	return false
}

// Supports reports whether m declares flow.
func Supports(m *v1.Manifest, flow v1.Flow) bool {
	for _, f := range m.GetFlows() {
		if f == flow {
			return true
		}
	}
	return false
}

// SecretFields returns the names of the credential fields marked secret.
func SecretFields(m *v1.Manifest) []string {
	var out []string
	for _, c := range m.GetCredentialFields() {
		if c.GetSecret() {
			out = append(out, c.GetName())
		}
	}
	return out
}
