// Package weburl is the part of net/url that plugins use (escaping a path
// segment or query component, reading a form body, taking a URL's scheme
// and host) without net/url, which links fmt and costs a WebAssembly
// plugin about 500 KB. Each function behaves as its net/url namesake,
// byte for byte; the tests compare them with net/url.
package weburl

import (
	"strconv"
	"strings"
)

// encoding is the part of a URL a string is escaped for (net/url's).
type encoding int

const (
	encodePath encoding = 1 + iota
	encodePathSegment
	encodeHost
	encodeZone
	encodeUserPassword
	encodeQueryComponent
	encodeFragment
)

// EscapeError is net/url's EscapeError: a % not followed by two
// hexadecimal digits.
type EscapeError string

func (e EscapeError) Error() string {
	return "invalid URL escape " + strconv.Quote(string(e))
}

// InvalidHostError is net/url's InvalidHostError: a character a host may
// not contain.
type InvalidHostError string

func (e InvalidHostError) Error() string {
	return "invalid character " + strconv.Quote(string(e)) + " in host name"
}

// PathEscape escapes s so it can be placed inside a URL path segment,
// replacing special characters (including /) with %XX sequences, as
// url.PathEscape does.
func PathEscape(s string) string { return escape(s, encodePathSegment) }

// QueryEscape escapes s so it can be placed inside a URL query, as
// url.QueryEscape does (a space becomes +).
func QueryEscape(s string) string { return escape(s, encodeQueryComponent) }

// QueryUnescape is url.QueryUnescape: it decodes each %AB and turns + into
// a space, and fails when a % is not followed by two hexadecimal digits.
func QueryUnescape(s string) (string, error) { return unescape(s, encodeQueryComponent) }

// PathUnescape is url.PathUnescape: QueryUnescape leaving + alone.
func PathUnescape(s string) (string, error) { return unescape(s, encodePathSegment) }

// shouldEscape is net/url's (the generator of its table).
func shouldEscape(c byte, mode encoding) bool {
	// §2.3 Unreserved characters (alphanum)
	if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' {
		return false
	}
	if mode == encodeHost || mode == encodeZone {
		// §3.2.2 Host allows sub-delims, net/url adds : [ ] < > ".
		switch c {
		case '!', '$', '&', '\'', '(', ')', '*', '+', ',', ';', '=', ':', '[', ']', '<', '>', '"':
			return false
		}
	}
	switch c {
	case '-', '_', '.', '~': // §2.3 Unreserved characters (mark)
		return false
	case '$', '&', '+', ',', '/', ':', ';', '=', '?', '@': // §2.2 Reserved characters (reserved)
		switch mode {
		case encodePath: // §3.3
			return c == '?'
		case encodePathSegment: // §3.3
			return c == '/' || c == ';' || c == ',' || c == '?'
		case encodeUserPassword: // §3.2.1
			return c == '@' || c == '/' || c == '?' || c == ':'
		case encodeQueryComponent: // §3.4
			return true
		case encodeFragment: // §4.1
			return false
		}
	}
	if mode == encodeFragment {
		switch c {
		case '!', '(', ')', '*':
			return false
		}
	}
	// Everything else must be escaped.
	return true
}

func ishex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// unhex is a hex digit's value; c must be one (ishex).
func unhex(c byte) byte {
	return 9*(c>>6) + (c & 15)
}

const upperhex = "0123456789ABCDEF"

// escape is net/url's escape.
func escape(s string, mode encoding) string {
	spaceCount, hexCount := 0, 0
	for i := 0; i < len(s); i++ {
		if c := s[i]; shouldEscape(c, mode) {
			if c == ' ' && mode == encodeQueryComponent {
				spaceCount++
			} else {
				hexCount++
			}
		}
	}
	if spaceCount == 0 && hexCount == 0 {
		return s
	}
	t := make([]byte, 0, len(s)+2*hexCount)
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == ' ' && mode == encodeQueryComponent:
			t = append(t, '+')
		case shouldEscape(c, mode):
			t = append(t, '%', upperhex[c>>4], upperhex[c&15])
		default:
			t = append(t, c)
		}
	}
	return string(t)
}

// unescape is net/url's unescape.
func unescape(s string, mode encoding) (string, error) {
	// Count %, check that they're well-formed.
	n := 0
	hasPlus := false
	for i := 0; i < len(s); {
		switch s[i] {
		case '%':
			n++
			if i+2 >= len(s) || !ishex(s[i+1]) || !ishex(s[i+2]) {
				s = s[i:]
				if len(s) > 3 {
					s = s[:3]
				}
				return "", EscapeError(s)
			}
			// In a host, %-encoding is only for non-ASCII bytes (and
			// %25 introducing an IPv6 zone, RFC 6874).
			if mode == encodeHost && unhex(s[i+1]) < 8 && s[i:i+3] != "%25" {
				return "", EscapeError(s[i : i+3])
			}
			if mode == encodeZone {
				v := unhex(s[i+1])<<4 | unhex(s[i+2])
				if s[i:i+3] != "%25" && v != ' ' && shouldEscape(v, encodeHost) {
					return "", EscapeError(s[i : i+3])
				}
			}
			i += 3
		case '+':
			hasPlus = mode == encodeQueryComponent
			i++
		default:
			if (mode == encodeHost || mode == encodeZone) && s[i] < 0x80 && shouldEscape(s[i], mode) {
				return "", InvalidHostError(s[i : i+1])
			}
			i++
		}
	}
	if n == 0 && !hasPlus {
		return s, nil
	}
	var t strings.Builder
	t.Grow(len(s) - 2*n)
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '%':
			t.WriteByte(unhex(s[i+1])<<4 | unhex(s[i+2]))
			i += 2
		case '+':
			if mode == encodeQueryComponent {
				t.WriteByte(' ')
			} else {
				t.WriteByte('+')
			}
		default:
			t.WriteByte(s[i])
		}
	}
	return t.String(), nil
}
