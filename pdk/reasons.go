package pdk

import "strings"

// Reasons maps a caller's free-text reason (a refund's, a cancellation's)
// to one of a processor's reason values. Order matters: the first Reason
// whose value or one of whose words the text contains (case-insensitive)
// wins.
type Reasons []Reason

// Reason is one processor reason value and the words that select it.
type Reason struct {
	Value string
	Words []string
}

// Match returns the value text selects, or "" when none does (the
// processor's reason is then omitted).
func (rs Reasons) Match(text string) string {
	t := strings.ToLower(strings.TrimSpace(text))
	if t == "" {
		return ""
	}
	for _, r := range rs {
		if strings.Contains(t, r.Value) {
			return r.Value
		}
		for _, w := range r.Words {
			if strings.Contains(t, w) {
				return r.Value
			}
		}
	}
	return ""
}
