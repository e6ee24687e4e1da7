package egress

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestPublicAddr(t *testing.T) {
	for addr, public := range map[string]bool{
		"93.184.216.34":        true,
		"2606:4700::6810:84e5": true,
		"127.0.0.1":            false,
		"10.1.2.3":             false,
		"172.16.0.1":           false,
		"192.168.1.1":          false,
		"169.254.169.254":      false, // cloud metadata
		"100.64.0.1":           false,
		"0.0.0.0":              false,
		"::1":                  false,
		"fd00:ec2::254":        false, // AWS metadata over IPv6
		"fe80::1":              false,
		"::ffff:127.0.0.1":     false,
		"64:ff9b::a9fe:a9fe":   false, // 169.254.169.254 through NAT64
		"64:ff9b::5db8:d822":   true,
		"224.0.0.1":            false,
		"ff02::1":              false,
	} {
		assert.Equal(t, public, publicAddr(netip.MustParseAddr(addr)), addr)
	}
}
