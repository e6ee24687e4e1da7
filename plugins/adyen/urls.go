package adyen

import (
	"fmt"
	"net/url"
	"strings"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	"github.com/connectorhost/connector-host/pdk"
)

const livePrefixPlaceholder = "{" + credLivePrefix + "}"

// checkoutBase returns the Checkout API v71 base URL for this call.
//
// The host gives c.BaseURL: the sandbox URL, the live URL (with
// {live_url_prefix} already filled, or still a placeholder), or an operator
// override such as a test server. A remaining placeholder is filled here from
// the live_url_prefix credential, which must be a DNS label so it cannot
// change the host.
func checkoutBase(c *pdk.Context) (string, error) {
	base := c.BaseURL
	if base == "" {
		base = SandboxBaseURL
		if c.Environment == pluginv1.Environment_ENVIRONMENT_LIVE {
			base = LiveBaseURL
		}
	}
	if strings.Contains(base, livePrefixPlaceholder) {
		prefix := c.Credentials[credLivePrefix]
		if prefix == "" {
			return "", pdk.Errorf(pluginv1.ErrorKind_ERROR_KIND_CREDENTIALS,
				"credential %q is required for Adyen's live endpoint", credLivePrefix)
		}
		if !dnsLabel(prefix) {
			return "", pdk.Errorf(pluginv1.ErrorKind_ERROR_KIND_CREDENTIALS,
				"credential %q must be a DNS label (letters, digits, hyphens)", credLivePrefix)
		}
		base = strings.ReplaceAll(base, livePrefixPlaceholder, prefix)
	}
	if strings.ContainsAny(base, "{}") {
		return "", pdk.Errorf(pluginv1.ErrorKind_ERROR_KIND_INTERNAL, "base URL %q has an unknown placeholder", base)
	}
	return strings.TrimRight(base, "/"), nil
}

// disputesBase returns the Disputes API v30 base URL for this call:
//
//   - config disputes_base_url when the operator set it;
//   - ca-test.adyen.com when the Checkout base is checkout-test.adyen.com;
//   - ca-live.adyen.com when it is a live *-checkout-live.adyenpayments.com host
//     (or another Adyen host in the live environment);
//   - otherwise (an operator override such as a test server) the origin
//     (scheme://host:port) of the Checkout base URL + /ca/services/DisputeService/v30.
func disputesBase(c *pdk.Context) (string, error) {
	return serviceBase(c, configDisputesURL, DisputesSandboxURL, DisputesLiveURL, DisputesPath)
}

// dnsLabel reports whether s is a DNS label: 1-63 letters, digits and
// hyphens, not starting or ending with a hyphen.
func dnsLabel(s string) bool {
	if len(s) == 0 || len(s) > 63 || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		ch := s[i]
		if !(ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' || ch == '-') {
			return false
		}
	}
	return true
}

// pathSegment escapes an Adyen reference for use as one path segment.
func pathSegment(field, v string) (string, error) {
	if v == "" {
		return "", pdk.InvalidRequest(field, "is required")
	}
	if strings.ContainsAny(v, "/?#") {
		return "", pdk.InvalidRequest(field, fmt.Sprintf("%q is not an Adyen reference", v))
	}
	return url.PathEscape(v), nil
}
