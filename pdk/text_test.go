package pdk

import "testing"

func TestTruncateBytes(t *testing.T) {
	for _, tc := range []struct {
		s    string
		n    int
		want string
	}{{"abc", 5, "abc"}, {"abcdef", 3, "abc"}, {"aé", 2, "a"}, {"aé", 3, "aé"}, {"€", 2, ""}} {
		if got := TruncateBytes(tc.s, tc.n); got != tc.want {
			t.Errorf("TruncateBytes(%q, %d) = %q, want %q", tc.s, tc.n, got, tc.want)
		}
	}
}

func TestDigits(t *testing.T) {
	for s, want := range map[string]bool{"123456": true, "": false, "12a": false, "١٢": false} {
		if Digits(s) != want {
			t.Errorf("Digits(%q) = %v", s, !want)
		}
	}
}
