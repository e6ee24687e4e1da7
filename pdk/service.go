package pdk

import (
	"strings"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	"github.com/connectorhost/connector-host/internal/weburl"
)

// Service locates one API of a processor that serves several on different
// hosts (Adyen's Checkout beside its Disputes, Payout and Transfers APIs; any
// processor whose disputes, payouts or reporting API lives on another host
// than its payments): its Base is a Call.Base. The main API is the one the host's base URL (c.BaseURL: sandbox,
// live or an operator override) addresses; a Service with no Test URL is the
// main API itself. For another one the rules are, in order:
//
//   - the operator config key Config, when set, is the base;
//   - a main base on a TestHosts host (the processor's own test endpoint) gives Test;
//   - a main base off the processor's Domains (a fake, a proxy) gives its origin + Path;
//   - a live Environment, or a main base on a LiveHosts host suffix, gives Live
//     ({placeholders} filled from credentials);
//   - otherwise Test.
type Service struct {
	// Config is the operator config key that overrides the base URL.
	Config string
	// Test and Live are the service's own base URLs.
	Test, Live string
	// Path is the service's path on the origin of a main base that is not
	// the processor's.
	Path string
	// Main holds the main API's sandbox and live base URLs (the manifest's),
	// used when c.BaseURL is empty, and the hosts that tell them apart.
	// Required; Services of one connector share it.
	Main *MainAPI
}

// MainAPI is the main API of a processor with several (see Service).
type MainAPI struct {
	// Sandbox and Live are its default base URLs; Live may hold
	// {placeholders}.
	Sandbox, Live string
	// Domains are the processor's host suffixes (".adyen.com").
	Domains []string
	// TestHosts are main API hosts that are test endpoints whatever the
	// Environment says; LiveHosts are host suffixes of its live endpoints.
	TestHosts, LiveHosts []string
}

// Base returns the service's base URL for this call, without a trailing
// slash. An unknown placeholder credential is a CREDENTIALS error; a main
// base that is not an absolute URL is INTERNAL.
func (s *Service) Base(c *Context) (string, error) {
	if v := c.Config[s.Config]; s.Config != "" && v != "" {
		return strings.TrimRight(v, "/"), nil
	}
	base := c.BaseURL
	if base == "" && c.Environment == pluginv1.Environment_ENVIRONMENT_LIVE {
		base = s.Main.Live
	}
	base, err := c.FillPlaceholders(First(base, s.Main.Sandbox))
	if err != nil || s.Test == "" {
		return strings.TrimRight(base, "/"), err
	}
	u, err := weburl.Parse(base)
	if err != nil || u.Host == "" {
		return "", Errorf(pluginv1.ErrorKind_ERROR_KIND_INTERNAL, "base URL %q is not an absolute URL", base)
	}
	host := strings.ToLower(u.Hostname())
	switch {
	case hostIn(host, s.Main.TestHosts, false):
		return s.Test, nil
	case !hostIn(host, s.Main.Domains, true):
		return u.Scheme + "://" + u.Host + s.Path, nil
	case c.Environment == pluginv1.Environment_ENVIRONMENT_LIVE || hostIn(host, s.Main.LiveHosts, true):
		return c.FillPlaceholders(s.Live)
	}
	return s.Test, nil
}

// hostIn reports whether host is one of hosts, or ends with one when suffix.
func hostIn(host string, hosts []string, suffix bool) bool {
	for _, h := range hosts {
		if host == h || suffix && strings.HasSuffix(host, h) {
			return true
		}
	}
	return false
}
