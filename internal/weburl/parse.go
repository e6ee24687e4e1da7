package weburl

import (
	"errors"
	"strconv"
	"strings"
)

// URL is the scheme and host of a parsed URL: what a plugin reads from a
// configured base URL.
type URL struct {
	// Scheme is lower case, as url.URL's.
	Scheme string
	// Host is host or host:port, as url.URL's.
	Host string
	// User reports whether the URL has user information (url.URL's User is
	// not nil).
	User bool
}

// Hostname is Host without its port or IPv6 brackets (url.URL.Hostname).
func (u *URL) Hostname() string {
	host := u.Host
	if colon := strings.LastIndexByte(host, ':'); colon != -1 && validOptionalPort(host[colon:]) {
		host = host[:colon]
	}
	if strings.HasPrefix(host, "[") && strings.HasSuffix(host, "]") {
		host = host[1 : len(host)-1]
	}
	return host
}

// Parse parses rawURL as url.Parse does and returns its scheme and host:
// it fails exactly when url.Parse does (with the same message), and
// Scheme and Host are url.Parse's (the path, query, fragment and user
// are checked, not kept; User says whether there was one).
func Parse(rawURL string) (*URL, error) {
	u, frag, _ := strings.Cut(rawURL, "#")
	url, err := parse(u)
	if err != nil {
		return nil, parseError(u, err)
	}
	if frag == "" {
		return url, nil
	}
	if _, err := unescape(frag, encodeFragment); err != nil {
		return nil, parseError(rawURL, err)
	}
	return url, nil
}

// parseError is the message of url.Error{Op: "parse"}.
func parseError(url string, err error) error {
	return errors.New("parse " + strconv.Quote(url) + ": " + err.Error())
}

// parse is net/url's parse (not via a request) keeping the scheme and host.
func parse(rawURL string) (*URL, error) {
	for i := 0; i < len(rawURL); i++ {
		if b := rawURL[i]; b < ' ' || b == 0x7f {
			return nil, errors.New("net/url: invalid control character in URL")
		}
	}
	url := new(URL)
	if rawURL == "*" {
		return url, nil
	}
	scheme, rest, err := getScheme(rawURL)
	if err != nil {
		return nil, err
	}
	url.Scheme = strings.ToLower(scheme)
	if strings.HasSuffix(rest, "?") && strings.Count(rest, "?") == 1 {
		rest = rest[:len(rest)-1]
	} else {
		rest, _, _ = strings.Cut(rest, "?")
	}
	if !strings.HasPrefix(rest, "/") {
		if url.Scheme != "" {
			// An opaque URL (mailto:x): no host.
			return url, nil
		}
		if segment, _, _ := strings.Cut(rest, "/"); strings.Contains(segment, ":") {
			return nil, errors.New("first path segment in URL cannot contain colon")
		}
	}
	if (url.Scheme != "" || !strings.HasPrefix(rest, "///")) && strings.HasPrefix(rest, "//") {
		var authority string
		authority, rest = rest[2:], ""
		if i := strings.Index(authority, "/"); i >= 0 {
			authority, rest = authority[:i], authority[i:]
		}
		url.Host, url.User, err = parseAuthority(url.Scheme, authority)
		if err != nil {
			return nil, err
		}
	}
	if _, err := unescape(rest, encodePath); err != nil {
		return nil, err
	}
	return url, nil
}

// getScheme is net/url's.
func getScheme(rawURL string) (scheme, path string, err error) {
	for i := 0; i < len(rawURL); i++ {
		c := rawURL[i]
		switch {
		case 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z':
		case '0' <= c && c <= '9' || c == '+' || c == '-' || c == '.':
			if i == 0 {
				return "", rawURL, nil
			}
		case c == ':':
			if i == 0 {
				return "", "", errors.New("missing protocol scheme")
			}
			return rawURL[:i], rawURL[i+1:], nil
		default:
			// An invalid character: no scheme.
			return "", rawURL, nil
		}
	}
	return "", rawURL, nil
}

// parseAuthority is net/url's, returning the host and whether there is
// user information (which is checked, not kept).
func parseAuthority(scheme, authority string) (host string, user bool, err error) {
	i := strings.LastIndex(authority, "@")
	host, err = parseHost(scheme, authority[i+1:])
	if err != nil {
		return "", false, err
	}
	if i < 0 {
		return host, false, nil
	}
	userinfo := authority[:i]
	if !validUserinfo(userinfo) {
		return "", false, errors.New("net/url: invalid userinfo")
	}
	username, password, _ := strings.Cut(userinfo, ":")
	if _, err = unescape(username, encodeUserPassword); err != nil {
		return "", false, err
	}
	if _, err = unescape(password, encodeUserPassword); err != nil {
		return "", false, err
	}
	return host, true, nil
}

// parseHost is net/url's (with its default urlstrictcolons setting).
func parseHost(scheme, host string) (string, error) {
	if openBracketIdx := strings.LastIndex(host, "["); openBracketIdx > 0 {
		return "", errors.New("invalid IP-literal")
	} else if openBracketIdx == 0 {
		// An IP-Literal (RFC 3986, RFC 6874): "[fe80::1%25en0]:80".
		closeBracketIdx := strings.LastIndex(host, "]")
		if closeBracketIdx < 0 {
			return "", errors.New("missing ']' in host")
		}
		colonPort := host[closeBracketIdx+1:]
		if !validOptionalPort(colonPort) {
			return "", errors.New("invalid port " + strconv.Quote(colonPort) + " after host")
		}
		unescapedColonPort, err := unescape(colonPort, encodeHost)
		if err != nil {
			return "", err
		}
		hostname := host[openBracketIdx+1 : closeBracketIdx]
		var unescapedHostname string
		if zoneIdx := strings.Index(hostname, "%25"); zoneIdx >= 0 {
			hostPart, err := unescape(hostname[:zoneIdx], encodeHost)
			if err != nil {
				return "", err
			}
			zonePart, err := unescape(hostname[zoneIdx:], encodeZone)
			if err != nil {
				return "", err
			}
			unescapedHostname = hostPart + zonePart
		} else {
			unescapedHostname, err = unescape(hostname, encodeHost)
			if err != nil {
				return "", err
			}
		}
		if !validIPv6(unescapedHostname) {
			if validIPv4(unescapedHostname) {
				return "", errors.New("invalid IP-literal")
			}
			return "", errors.New("invalid host: " + strconv.Quote(unescapedHostname) + " is not an IPv6 address")
		}
		return "[" + unescapedHostname + "]" + unescapedColonPort, nil
	} else if i := strings.Index(host, ":"); i != -1 {
		// Colons in the host are refused for http and https (net/url's
		// default), the last one starts the port for other schemes.
		if lastColon := strings.LastIndex(host, ":"); lastColon != i && scheme != "http" && scheme != "https" {
			i = lastColon
		}
		colonPort := host[i:]
		if !validOptionalPort(colonPort) {
			return "", errors.New("invalid port " + strconv.Quote(colonPort) + " after host")
		}
	}
	return unescape(host, encodeHost)
}

// validOptionalPort reports whether port is empty or a colon and digits.
func validOptionalPort(port string) bool {
	if port == "" {
		return true
	}
	if port[0] != ':' {
		return false
	}
	for _, b := range port[1:] {
		if b < '0' || b > '9' {
			return false
		}
	}
	return true
}

// validUserinfo is net/url's.
func validUserinfo(s string) bool {
	for _, r := range s {
		if 'A' <= r && r <= 'Z' || 'a' <= r && r <= 'z' || '0' <= r && r <= '9' {
			continue
		}
		switch r {
		case '-', '.', '_', ':', '~', '!', '$', '&', '\'',
			'(', ')', '*', '+', ',', ';', '=', '%', '@':
			continue
		default:
			return false
		}
	}
	return true
}
