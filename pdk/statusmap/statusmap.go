// Package statusmap maps a processor's status strings to unified statuses
// with an explicit, documented default for strings the table does not know:
// a new processor status must never read as success.
package statusmap

// Map is a status table with a fallback.
type Map[K comparable, V any] struct {
	table    map[K]V
	fallback V
}

// New returns a table that answers fallback for unknown keys.
func New[K comparable, V any](table map[K]V, fallback V) Map[K, V] {
	return Map[K, V]{table: table, fallback: fallback}
}

// Get returns the mapped value, or the fallback.
func (m Map[K, V]) Get(k K) V {
	if v, ok := m.table[k]; ok {
		return v
	}
	return m.fallback
}

// Lookup returns the mapped value and whether k was known.
func (m Map[K, V]) Lookup(k K) (V, bool) {
	v, ok := m.table[k]
	return v, ok
}

// Fallback is the value unknown keys get.
func (m Map[K, V]) Fallback() V { return m.fallback }

// Keys returns the known keys (in no particular order).
func (m Map[K, V]) Keys() []K {
	out := make([]K, 0, len(m.table))
	for k := range m.table {
		out = append(out, k)
	}
	return out
}
