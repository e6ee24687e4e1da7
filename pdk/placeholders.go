package pdk

import (
	"strings"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
)

// FillPlaceholders replaces each {name} in a base URL (a manifest's
// live_base_url such as https://{live_url_prefix}-checkout-live.example.com)
// with the credential of that name, as the host does before a call; a
// plugin calls it for URLs the host did not fill (a second API's live URL).
// Each value must be a DNS label (letters, digits, hyphens; 1-63 characters,
// no hyphen at either end) so a credential can never change the host: a
// missing or malformed one is a CREDENTIALS error naming it.
func (c *Context) FillPlaceholders(raw string) (string, error) {
	var b strings.Builder
	for {
		i := strings.IndexByte(raw, '{')
		j := strings.IndexByte(raw, '}')
		if i < 0 || j < i {
			if strings.ContainsAny(raw, "{}") {
				return "", Errorf(pluginv1.ErrorKind_ERROR_KIND_INTERNAL, "base URL has an unbalanced placeholder")
			}
			return b.String() + raw, nil
		}
		name := raw[i+1 : j]
		v := c.Credentials[name]
		if v == "" {
			return "", Errorf(pluginv1.ErrorKind_ERROR_KIND_CREDENTIALS, "credential %q is required for the live endpoint", name)
		}
		if !dnsLabel(v) {
			return "", Errorf(pluginv1.ErrorKind_ERROR_KIND_CREDENTIALS, "credential %q must be a DNS label (letters, digits, hyphens)", name)
		}
		b.WriteString(raw[:i])
		b.WriteString(v)
		raw = raw[j+1:]
	}
}

// dnsLabel reports whether s is a DNS label: 1-63 letters, digits and
// hyphens, not starting or ending with a hyphen.
func dnsLabel(s string) bool {
	if len(s) == 0 || len(s) > 63 || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	for _, ch := range s {
		if !(ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' || ch == '-') {
			return false
		}
	}
	return true
}
