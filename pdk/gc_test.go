package pdk

import "testing"

// connector_gc collects between calls once half of the heap's budget is
// used, and always before Go's own trigger (70% of the budget or later).
func TestGCDueAtHalfTheBudget(t *testing.T) {
	const mb = 1 << 20
	cases := []struct {
		heap, goal, live uint64
		known, due       bool
	}{
		{heap: 2*mb + mb/2, goal: 4 * mb, live: 1 * mb, known: true, due: true}, // half of 3 MB used
		{heap: 2 * mb, goal: 4 * mb, live: 1 * mb, known: true, due: false},
		{heap: 15 * mb, goal: 20 * mb, live: 10 * mb, known: true, due: true},
		{heap: 14 * mb, goal: 20 * mb, live: 10 * mb, known: true, due: false},
		// Go collected last: 60% of the goal, below its trigger for any live heap.
		{heap: 2*mb + mb/2, goal: 4 * mb, known: false, due: true},
		{heap: 2 * mb, goal: 4 * mb, known: false, due: false},
		{heap: 12 * mb, goal: 20 * mb, live: 10 * mb, known: false, due: true},
		{heap: 1 * mb, goal: 0, known: true, due: false},
	}
	for _, c := range cases {
		if got := gcDue(c.heap, c.goal, c.live, c.known); got != c.due {
			t.Errorf("gcDue(heap %d, goal %d, live %d, known %v) = %v, want %v", c.heap, c.goal, c.live, c.known, got, c.due)
		}
		// Whatever the live heap, it is due before Go's earliest trigger.
		if c.goal > 0 && c.live < c.goal {
			trigger := c.live + (c.goal-c.live)/10*7
			if !gcDue(trigger, c.goal, c.live, c.known) {
				t.Errorf("not due at Go's trigger %d (goal %d, live %d, known %v)", trigger, c.goal, c.live, c.known)
			}
		}
	}
}
