package pdk

import "strings"

// IDShape is the form of a processor's ids: one of Prefixes, then Min to Max
// characters of Chars. Its Match is what CheckID wants, and costs a plugin
// nothing, where package regexp adds about 400 KB (its compiler and the
// Unicode tables) to a plugin for patterns like `^pay_\w{26}$`.
type IDShape struct {
	// Prefixes are the ids' possible prefixes ("pay_"); none means any.
	Prefixes []string
	// Min and Max bound the number of characters after the prefix.
	Min, Max int
	// Chars are the characters allowed after the prefix, e.g. AlphaNumeric.
	Chars func(byte) bool
}

// Match reports whether id has the shape.
func (s IDShape) Match(id string) bool {
	rest, ok := id, len(s.Prefixes) == 0
	for _, p := range s.Prefixes {
		if r, found := strings.CutPrefix(id, p); found {
			rest, ok = r, true
			break
		}
	}
	if !ok || len(rest) < s.Min || len(rest) > s.Max {
		return false
	}
	for i := 0; i < len(rest); i++ {
		if !s.Chars(rest[i]) {
			return false
		}
	}
	return true
}

// AlphaNumeric is [A-Za-z0-9].
func AlphaNumeric(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// WordChar is regexp's \w: [A-Za-z0-9_].
func WordChar(c byte) bool { return AlphaNumeric(c) || c == '_' }

// Upper is [A-Z].
func Upper(c byte) bool { return c >= 'A' && c <= 'Z' }
