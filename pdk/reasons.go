package pdk

import "strings"

// Reasons maps a caller's free-text reason (a refund's, a cancellation's)
// to one of a processor's reason values. Order matters: the first Reason
// whose value or one of whose words the text contains (case-insensitive)
// wins; an Exact reason needs the whole text to be one of them.
type Reasons []Reason

// Reason is one processor reason value and the words that select it.
type Reason struct {
	Value string
	Words []string
	// Exact selects the value only when the whole text (trimmed, any case)
	// is the value or one of the words: for a reason with consequences
	// beyond the call, which a passing mention must not trigger (Stripe's
	// refund reason fraudulent adds the card and email to the account's
	// block lists, so "the customer says it is not fraud" must not send it).
	Exact bool
}

// Match returns the value text selects, or "" when none does (the
// processor's reason is then omitted).
func (rs Reasons) Match(text string) string {
	t := strings.ToLower(strings.TrimSpace(text))
	if t == "" {
		return ""
	}
	for _, r := range rs {
		if r.selects(t) {
			return r.Value
		}
	}
	return ""
}

// selects reports whether the lower-case text t selects r.
func (r Reason) selects(t string) bool {
	has := strings.Contains
	if r.Exact {
		has = func(t, w string) bool { return t == w }
	}
	if has(t, r.Value) {
		return true
	}
	for _, w := range r.Words {
		if has(t, w) {
			return true
		}
	}
	return false
}
