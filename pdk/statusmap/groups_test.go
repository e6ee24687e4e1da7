package statusmap

import "testing"

func TestGroups(t *testing.T) {
	m := Groups(map[string][]string{"pending": {"received", "authorised"}, "paid": {"credited"}}, "unknown")
	if m.Get("received") != "pending" || m.Get("authorised") != "pending" || m.Get("credited") != "paid" || m.Get("new") != "unknown" {
		t.Fatalf("Groups = %v", m.table)
	}
	defer func() {
		if recover() == nil {
			t.Fatal("a key under two values must panic")
		}
	}()
	Groups(map[string][]string{"a": {"x"}, "b": {"x"}}, "")
}
