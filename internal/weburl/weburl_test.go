package weburl

import (
	"math/rand/v2"
	"net/url"
	"reflect"
	"strings"
	"testing"
)

// Every byte value, alone and in context, escapes as net/url escapes it.
func TestEscapeEveryByte(t *testing.T) {
	for b := 0; b < 256; b++ {
		for _, s := range []string{string([]byte{byte(b)}), "a" + string([]byte{byte(b)}) + "Z 9"} {
			if got, want := PathEscape(s), url.PathEscape(s); got != want {
				t.Errorf("PathEscape(%q) = %q, net/url gives %q", s, got, want)
			}
			if got, want := QueryEscape(s), url.QueryEscape(s); got != want {
				t.Errorf("QueryEscape(%q) = %q, net/url gives %q", s, got, want)
			}
		}
	}
}

func randomString(r *rand.Rand) string {
	const alphabet = "aZ09 -_.~!*'();:@&=+$,/?#[]%<>\"\\^`{|}\x00\x1f\x7f\xc3\xa9\xff"
	b := make([]byte, r.IntN(24))
	for i := range b {
		if r.IntN(4) == 0 {
			b[i] = byte(r.IntN(256))
		} else {
			b[i] = alphabet[r.IntN(len(alphabet))]
		}
	}
	return string(b)
}

func TestEscapeRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		s := randomString(r)
		if got, want := PathEscape(s), url.PathEscape(s); got != want {
			t.Fatalf("PathEscape(%q) = %q, net/url gives %q", s, got, want)
		}
		if got, want := QueryEscape(s), url.QueryEscape(s); got != want {
			t.Fatalf("QueryEscape(%q) = %q, net/url gives %q", s, got, want)
		}
		checkUnescape(t, s)
		checkUnescape(t, QueryEscape(s))
		checkQuery(t, s)
	}
}

func checkUnescape(t *testing.T, s string) {
	t.Helper()
	got, err := QueryUnescape(s)
	want, werr := url.QueryUnescape(s)
	if got != want || (err == nil) != (werr == nil) || (err != nil && err.Error() != werr.Error()) {
		t.Fatalf("QueryUnescape(%q) = %q, %v; net/url gives %q, %v", s, got, err, want, werr)
	}
	got, err = PathUnescape(s)
	want, werr = url.PathUnescape(s)
	if got != want || (err == nil) != (werr == nil) || (err != nil && err.Error() != werr.Error()) {
		t.Fatalf("PathUnescape(%q) = %q, %v; net/url gives %q, %v", s, got, err, want, werr)
	}
}

func checkQuery(t *testing.T, s string) {
	t.Helper()
	got, err := ParseQuery(s)
	want, werr := url.ParseQuery(s)
	if !reflect.DeepEqual(got, map[string][]string(want)) || (err == nil) != (werr == nil) || (err != nil && err.Error() != werr.Error()) {
		t.Fatalf("ParseQuery(%q) = %q, %v; net/url gives %q, %v", s, got, err, want, werr)
	}
	for k := range want {
		if First(got, k) != want.Get(k) {
			t.Fatalf("First(ParseQuery(%q), %q) = %q, net/url's Get gives %q", s, k, First(got, k), want.Get(k))
		}
	}
}

func TestParseQuery(t *testing.T) {
	for _, s := range []string{
		"", "&", "a=1&b=2&a=3", "bt_signature=pub%7Csig&bt_payload=PHg%2B%0A", "a;b=1", "a=1;b", "x=%zz&y=1",
		"%41=%42", "a+b=c+d", "=v", "k", "k=", "a=1&&b", "a=%", "a=%4",
	} {
		checkQuery(t, s)
	}
	many := ""
	for range maxParams {
		many += "a=1&"
	}
	checkQuery(t, many)
	checkQuery(t, many[:len(many)-1])
}

func checkParse(t *testing.T, s string) {
	t.Helper()
	got, err := Parse(s)
	want, werr := url.Parse(s)
	if (err == nil) != (werr == nil) {
		t.Fatalf("Parse(%q) error %v; net/url's %v", s, err, werr)
	}
	if err != nil {
		// net/url words a bad IPv6 literal with netip's reasons; this
		// package says only that it is not one.
		if strings.Contains(werr.Error(), ": invalid host: ParseAddr(") {
			if !strings.Contains(err.Error(), "is not an IPv6 address") {
				t.Fatalf("Parse(%q) error %q; net/url's %q", s, err, werr)
			}
			return
		}
		if err.Error() != werr.Error() {
			t.Fatalf("Parse(%q) error %q; net/url's %q", s, err, werr)
		}
		return
	}
	if got.Scheme != want.Scheme || got.Host != want.Host || got.Hostname() != want.Hostname() || got.User != (want.User != nil) {
		t.Fatalf("Parse(%q) = %q %q %q user %v; net/url gives %q %q %q user %v", s, got.Scheme, got.Host, got.Hostname(), got.User,
			want.Scheme, want.Host, want.Hostname(), want.User != nil)
	}
}

func TestParse(t *testing.T) {
	for _, s := range []string{
		"", "*", "https://checkout-test.adyen.com/v71", "HTTPS://Pal-Test.Adyen.com:443/x?y#z", "http://127.0.0.1:8080",
		"http://[::1]:8080/p", "http://[fe80::1%25en0]/", "http://[1.2.3.4]/", "http://[::1", "http://a:b:80/",
		"mongodb://a:1,b:2/", "http://user:p@ss@host/", "http://us er@host/", "http://%41.com/", "http://%c3%a9.com/",
		"http://a b.com/", "http://host/%zz", "http://host/#%zz", "mailto:x@y", "//host/p", "///p", "/p", "a:b",
		":foo", "1http://x", "http://host:port/", "http://host\x7f/", "http://host/a?b?", "http://h<>/", "http://[::1]x/",
		"http://[::1]:80%41/", "http://[fe80::1%25%zz]/", "http://x/?q#f", "HTTP://EXAMPLE.COM", "http://:80/",
		"https://{subdomain}-checkout-live.adyenpayments.com/checkout", "http://a@/", "http://@h/",
	} {
		checkParse(t, s)
	}
	r := rand.New(rand.NewPCG(3, 4))
	prefixes := []string{"", "http://", "https://", "HTTP://a", "x://", "http://[", "http://[::1]", "//"}
	for range 50000 {
		checkParse(t, prefixes[r.IntN(len(prefixes))]+randomString(r))
	}
}

func FuzzParse(f *testing.F) {
	f.Add("https://checkout-test.adyen.com/v71")
	f.Add("http://[fe80::1%25en0]:80/x?y#z")
	f.Add("http://u:p@h:1/")
	f.Fuzz(func(t *testing.T, s string) {
		checkParse(t, s)
		checkUnescape(t, s)
		checkQuery(t, s)
		if got, want := PathEscape(s), url.PathEscape(s); got != want {
			t.Fatalf("PathEscape(%q) = %q, net/url gives %q", s, got, want)
		}
		if got, want := QueryEscape(s), url.QueryEscape(s); got != want {
			t.Fatalf("QueryEscape(%q) = %q, net/url gives %q", s, got, want)
		}
	})
}
