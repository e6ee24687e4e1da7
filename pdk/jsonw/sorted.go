package jsonw

import "sort"

// SortedStringMap writes k: {...} with m's entries in key order, so a Go
// map (metadata, say) gives the same bytes on every call; nothing is
// written when m is empty.
func (o *Object) SortedStringMap(k string, m map[string]string) *Object {
	if len(m) == 0 {
		return o
	}
	keys := make([]string, 0, len(m))
	for key := range m {
		keys = append(keys, key)
	}
	sort.Strings(keys)
	return o.StringMap(k, keys, m)
}
