package jsonw

import "testing"

func TestSortedStringMapIsOrderedAndSkipsEmpty(t *testing.T) {
	m := map[string]string{"zeta": "1", "alpha": "2", "mid": "3", "beta": "4"}
	want := `{"metadata":{"alpha":"2","beta":"4","mid":"3","zeta":"1"}}`
	for i := 0; i < 20; i++ { // map iteration order differs between runs
		if got := string(NewObject().SortedStringMap("metadata", m).Bytes()); got != want {
			t.Fatalf("got %s, want %s", got, want)
		}
	}
	if got := string(NewObject().SortedStringMap("metadata", nil).Bytes()); got != `{}` {
		t.Fatalf("empty map wrote %s", got)
	}
}
