package conformance

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// rewriteJSON decodes body, calls fn on every object member and array
// element (key is the member name, "" for elements), replaces the value with
// fn's result when it reports a change, and re-encodes. Numbers keep their
// exact text. Members are visited in key order, so callers that stop at the
// first match see the same value every run. It returns the new body and how
// many values changed.
func rewriteJSON(body []byte, fn func(key string, v any) (any, bool)) ([]byte, int, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var root any
	if err := dec.Decode(&root); err != nil {
		return nil, 0, fmt.Errorf("not JSON: %w", err)
	}
	n := 0
	var walk func(key string, v any) any
	walk = func(key string, v any) any {
		if nv, changed := fn(key, v); changed {
			n++
			return nv
		}
		switch t := v.(type) {
		case map[string]any:
			for _, k := range slices.Sorted(maps.Keys(t)) {
				t[k] = walk(k, t[k])
			}
		case []any:
			for i, e := range t {
				t[i] = walk(key, e)
			}
		}
		return v
	}
	root = walk("", root)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(root); err != nil {
		return nil, 0, fmt.Errorf("encode JSON: %w", err)
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), n, nil
}

// unknownStatus is the status string the suite puts where a processor's
// status was: no processor uses it, so a plugin must fall back.
const unknownStatus = "brand_new_status_x"

// isStatusKey reports whether a JSON member name holds a status-like value
// (status, payment_status, resultCode, state, ...).
func isStatusKey(key string) bool {
	k := strings.ToLower(key)
	return strings.Contains(k, "status") || strings.Contains(k, "resultcode") || k == "state" || k == "outcome"
}

// replaceStatuses replaces every string value of a status-like member with unknownStatus.
func replaceStatuses(body []byte) ([]byte, int, error) {
	return rewriteJSON(body, func(key string, v any) (any, bool) {
		if s, ok := v.(string); ok && s != "" && isStatusKey(key) {
			return unknownStatus, true
		}
		return nil, false
	})
}
