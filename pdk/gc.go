package pdk

// gcDue reports whether the heap has used half of its allocation budget (the
// goal minus the live heap) since the last collection. Collecting at
// half-way leaves the other half for the next calls, so a transform rarely
// starts a collection itself: Go's own trigger fires at 70% or more of the
// budget. When the last collection was Go's own (known is false), the live
// heap is unknown and 60% of the goal stands in for half-way: below Go's
// trigger whatever the live heap, and at most a fifth of the budget early
// (the live heap is at most half the goal with GOGC's default of 100).
func gcDue(heap, goal, live uint64, known bool) bool {
	if goal == 0 {
		return false
	}
	if !known || live >= goal {
		return heap >= goal/10*6
	}
	return heap-min(heap, live) >= (goal-live)/2
}
