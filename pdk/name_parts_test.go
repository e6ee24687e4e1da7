package pdk

import "testing"

func TestNameParts(t *testing.T) {
	for name, want := range map[string][2]string{
		"Frank Osborne":       {"Frank", "Osborne"},
		"  Frank  Osborne  ":  {"Frank", "Osborne"},
		"Anna Maria de Souza": {"Anna", "Maria de Souza"},
		"Cher":                {"Cher", ""},
		"":                    {"", ""},
	} {
		if g, f := NameParts(name); g != want[0] || f != want[1] {
			t.Errorf("NameParts(%q) = %q, %q; want %q, %q", name, g, f, want[0], want[1])
		}
	}
}
