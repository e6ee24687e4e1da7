package statusmap

import "testing"

func TestGrouped(t *testing.T) {
	m := Grouped(map[int]string{1: "a b", 2: " c "}, -1)
	if m.Get("a") != 1 || m.Get("b") != 1 || m.Get("c") != 2 || m.Get("d") != -1 {
		t.Errorf("table = %v", m)
	}
	defer func() {
		if recover() == nil {
			t.Error("a string listed twice must panic")
		}
	}()
	Grouped(map[int]string{1: "a", 2: "a"}, 0)
}
