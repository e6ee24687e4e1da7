package weburl

import "strings"

// validIPv6 reports whether s is what net/url accepts inside [brackets]: an
// IPv6 address as netip.ParseAddr reads it (groups of one to four hex
// digits, at most one "::", an optional dotted IPv4 tail, an optional
// non-empty %zone). net/netip is not used because its initialisation links
// package unique into every plugin.
func validIPv6(s string) bool {
	if i := strings.IndexByte(s, '%'); i >= 0 {
		if i == len(s)-1 {
			return false
		}
		s = s[:i]
	}
	groups, ellipsis := 0, -1
	if strings.HasPrefix(s, "::") {
		ellipsis, s = 0, s[2:]
	}
	for s != "" {
		n := 0
		for n < len(s) && isHex(s[n]) {
			n++
		}
		if n < len(s) && s[n] == '.' {
			if (ellipsis < 0 && groups != 6) || groups > 6 {
				return false
			}
			if !validIPv4(s) {
				return false
			}
			groups += 2
			break
		}
		if n == 0 || n > 4 {
			return false
		}
		groups++
		s = s[n:]
		if s == "" {
			break
		}
		if s[0] != ':' || len(s) == 1 {
			return false
		}
		s = s[1:]
		if s[0] == ':' {
			if ellipsis >= 0 {
				return false
			}
			ellipsis, s = groups, s[1:]
		}
		if groups == 8 {
			return false
		}
	}
	if ellipsis < 0 {
		return groups == 8
	}
	return groups < 8
}

// validIPv4 reports whether s is a dotted-quad IPv4 address as netip reads
// it: four decimal fields of at most 255, without leading zeros.
func validIPv4(s string) bool {
	fields := 0
	for {
		n, val := 0, 0
		for n < len(s) && s[n] >= '0' && s[n] <= '9' {
			val = val*10 + int(s[n]-'0')
			n++
			if n > 3 || val > 255 {
				return false
			}
		}
		if n == 0 || (n > 1 && s[0] == '0') {
			return false
		}
		fields++
		s = s[n:]
		if s == "" {
			return fields == 4
		}
		if s[0] != '.' || fields == 4 {
			return false
		}
		s = s[1:]
	}
}

func isHex(c byte) bool { return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }
