package pdk

import "unicode/utf8"

// TruncateBytes cuts s to at most n bytes on a rune boundary, for a
// processor field limited in bytes (Adyen's 140-byte transfer description);
// it never splits a UTF-8 character.
func TruncateBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// Digits reports whether s is a non-empty run of ASCII digits (a BLIK or
// one-time code, a sort code).
func Digits(s string) bool { return s != "" && allDigits(s) }
