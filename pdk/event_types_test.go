package pdk

import (
	"maps"
	"slices"
	"testing"
)

func TestEventTypesSortedWithoutRepeats(t *testing.T) {
	payments := map[string]int{"payment.captured": 1, "payment.authorized": 2}
	refunds := map[string]bool{"refund.processed": true, "payment.captured": true}
	got := EventTypes(maps.Keys(payments), maps.Keys(refunds))
	want := []string{"payment.authorized", "payment.captured", "refund.processed"}
	if !slices.Equal(got, want) {
		t.Errorf("EventTypes = %v, want %v", got, want)
	}
	if got := EventTypes(); len(got) != 0 {
		t.Errorf("EventTypes() = %v, want none", got)
	}
}
