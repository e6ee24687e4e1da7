package statusmap

// Groups returns a table from groups of keys that share a value, which
// reads better than one row per key when many processor statuses mean the
// same unified one:
//
//	statusmap.Groups(map[v1.PayoutStatus][]string{
//		v1.PayoutStatus_PAYOUT_STATUS_PENDING: {"received", "authorised", "pending"},
//		v1.PayoutStatus_PAYOUT_STATUS_PAID:    {"credited"},
//	}, v1.PayoutStatus_PAYOUT_STATUS_UNKNOWN)
//
// A key listed under two values panics: the table would be ambiguous.
func Groups[K comparable, V comparable](groups map[V][]K, fallback V) Map[K, V] {
	table := map[K]V{}
	for v, keys := range groups {
		for _, k := range keys {
			if _, dup := table[k]; dup {
				panic("statusmap: a key is listed under two values")
			}
			table[k] = v
		}
	}
	return New(table, fallback)
}
