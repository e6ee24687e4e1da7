package pdk

import (
	"math/rand/v2"
	"regexp"
	"testing"
)

// Each shape accepts exactly what the regular expression it replaces does.
func TestIDShapeMatchesItsRegexp(t *testing.T) {
	cases := []struct {
		shape IDShape
		re    string
	}{
		{IDShape{Prefixes: []string{"pay_"}, Min: 26, Max: 26, Chars: WordChar}, `^pay_\w{26}$`},
		{IDShape{Prefixes: []string{"pay_", "sid_"}, Min: 26, Max: 26, Chars: WordChar}, `^(pay|sid)_\w{26}$`},
		{IDShape{Prefixes: []string{"dsp_"}, Min: 20, Max: 26, Chars: WordChar}, `^dsp_\w{20,26}$`},
		{IDShape{Prefixes: []string{"order_"}, Min: 14, Max: 14, Chars: AlphaNumeric}, `^order_[A-Za-z0-9]{14}$`},
		{IDShape{Min: 10, Max: 64, Chars: func(c byte) bool { return WordChar(c) || c == '-' }}, `^[A-Za-z0-9_-]{10,64}$`},
		{IDShape{Min: 2, Max: 3, Chars: Upper}, `^[A-Z]{2,3}$`},
	}
	r := rand.New(rand.NewPCG(3, 4))
	const alphabet = "abczAZ09_-$ é\x00\xff"
	for _, c := range cases {
		re := regexp.MustCompile(c.re)
		for range 20000 {
			prefix := []string{"", "pay_", "sid_", "dsp_", "order_", "pay", "PAY_"}[r.IntN(7)]
			b := []byte(prefix)
			for range r.IntN(30) {
				if r.IntN(4) == 0 {
					b = append(b, alphabet[r.IntN(len(alphabet))])
				} else {
					b = append(b, "aZ9_"[r.IntN(4)])
				}
			}
			if got, want := c.shape.Match(string(b)), re.MatchString(string(b)); got != want {
				t.Fatalf("%s: Match(%q) = %v, regexp says %v", c.re, b, got, want)
			}
		}
	}
}
