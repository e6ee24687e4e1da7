package weburl

import (
	"math/rand/v2"
	"net/netip"
	"testing"
)

// checkIPv6 compares validIPv6 with what net/url accepts in brackets:
// netip.ParseAddr without an error, and not a plain IPv4 address.
func checkIPv6(t *testing.T, s string) {
	t.Helper()
	addr, err := netip.ParseAddr(s)
	if want := err == nil && !addr.Is4(); validIPv6(s) != want {
		t.Fatalf("validIPv6(%q) = %v; netip.ParseAddr: %v, %v", s, !want, addr, err)
	}
}

func TestValidIPv6AgreesWithNetip(t *testing.T) {
	for _, s := range []string{
		"", "::", "::1", "1::", "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "1::8", "1:2:3:4:5:6:7::",
		"::1:2:3:4:5:6:7", "::1:2:3:4:5:6:7:8", "1::2::3", ":1::", "1:::2", "1:", ":1", "12345::", "fe80::1%en0",
		"fe80::1%", "::ffff:1.2.3.4", "1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:1.2.3.4", "1:2:3:4:5:6:7:1.2.3.4",
		"::1.2.3.4", "::01.2.3.4", "::1.2.3.256", "::1.2.3", "::1.2.3.4.5", "1.2.3.4", "::1.2.3.4:1", "g::",
		"ABCD:ef01::", "::%eth0", "1::1.2.3.4%z", "0:0:0:0:0:0:0:0", "00000::", "::0000", "::1..2.3",
	} {
		checkIPv6(t, s)
	}
	r := rand.New(rand.NewPCG(5, 6))
	const alphabet = "0123456789abcdefABCDEFg:::..%"
	for range 200000 {
		b := make([]byte, r.IntN(24))
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
		}
		checkIPv6(t, string(b))
	}
}

func FuzzValidIPv6(f *testing.F) {
	f.Add("fe80::1%en0")
	f.Add("::ffff:1.2.3.4")
	f.Fuzz(checkIPv6)
}
