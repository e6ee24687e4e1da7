package egress

import (
	"context"
	"fmt"
	"net/netip"
	"syscall"
)

// The dial guard stops a plugin from reaching the host's own network by
// DNS: a declared egress host (a DNS name, as the manifest requires) that
// resolves, now or after a rebinding, to a loopback, private, link-local,
// shared, unspecified or multicast address (which includes cloud metadata
// endpoints such as 169.254.169.254 and fd00:ec2::254) is refused after
// resolution, at connect time. Only the operator's --base-url for a
// connector, and the operator's egress proxy, may be such addresses.

// operatorTarget marks a context whose request goes to the operator's base URL.
type operatorTarget struct{}

// toOperator marks ctx as a call to the operator's base URL.
func toOperator(ctx context.Context) context.Context {
	return context.WithValue(ctx, operatorTarget{}, true)
}

// BlockedAddressError reports a connection the dial guard refused.
type BlockedAddressError struct{ Addr netip.Addr }

func (e *BlockedAddressError) Error() string {
	return fmt.Sprintf("the host resolved to %s, a non-public address", e.Addr)
}

// nonPublic are ranges IsPrivate and friends do not cover.
var nonPublic = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),     // "this network"
	netip.MustParsePrefix("100.64.0.0/10"), // carrier-grade NAT (shared address space)
	netip.MustParsePrefix("192.0.0.0/24"),  // IETF protocol assignments
	netip.MustParsePrefix("198.18.0.0/15"), // benchmarking
	netip.MustParsePrefix("64:ff9b:1::/48"),
}

// publicAddr reports whether a plugin-built request may connect to a.
func publicAddr(a netip.Addr) bool {
	a = a.Unmap()
	if a.IsLoopback() || a.IsPrivate() || a.IsLinkLocalUnicast() || a.IsLinkLocalMulticast() ||
		a.IsInterfaceLocalMulticast() || a.IsMulticast() || a.IsUnspecified() {
		return false
	}
	for _, p := range nonPublic {
		if p.Contains(a) {
			return false
		}
	}
	if nat64.Contains(a) { // an IPv4 address behind the well-known NAT64 prefix
		b := a.As16()
		return publicAddr(netip.AddrFrom4([4]byte(b[12:])))
	}
	return true
}

var nat64 = netip.MustParsePrefix("64:ff9b::/96")

// guardControl is a net.Dialer ControlContext: it runs after resolution,
// once per address tried, and refuses non-public ones.
func guardControl(proxied bool) func(ctx context.Context, network, address string, _ syscall.RawConn) error {
	return func(ctx context.Context, network, address string, _ syscall.RawConn) error {
		if proxied || ctx.Value(operatorTarget{}) != nil {
			return nil
		}
		ap, err := netip.ParseAddrPort(address)
		if err != nil {
			return fmt.Errorf("dial guard: unexpected address %q", address)
		}
		if !publicAddr(ap.Addr()) {
			return &BlockedAddressError{Addr: ap.Addr()}
		}
		return nil
	}
}
