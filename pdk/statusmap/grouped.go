package statusmap

import "strings"

// Grouped returns a table written by value: each value maps from the
// space-separated processor strings it stands for, so a long code table
// reads as one line per unified value:
//
//	statusmap.Grouped(map[v1.ErrorCode]string{
//		v1.ErrorCode_ERROR_CODE_LOST_OR_STOLEN_CARD: "lost_card stolen_card pickup_card",
//	}, v1.ErrorCode_ERROR_CODE_PROCESSING_ERROR)
//
// A string listed under two values is a programming error and panics when
// the table is built (at package initialization).
func Grouped[V comparable](groups map[V]string, fallback V) Map[string, V] {
	table := map[string]V{}
	for v, keys := range groups {
		for _, k := range strings.Fields(keys) {
			if _, dup := table[k]; dup {
				panic("statusmap: " + k + " is listed twice")
			}
			table[k] = v
		}
	}
	return New(table, fallback)
}
