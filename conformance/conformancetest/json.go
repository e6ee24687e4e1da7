package conformancetest

// JSONAt walks a value decoded by encoding/json (objects as map[string]any)
// by member names, returning nil where a member is absent or a value on the
// way is not an object. Plugin tests read the bodies their connector built
// with it.
func JSONAt(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}
