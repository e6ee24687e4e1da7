package payments

import (
	"testing"
	"time"
)

// TestResendDecision: a call is resent only while its processor still
// remembers the key: within the window, less 10% of it (at most 1 h), from
// the first send; never at a processor that does not deduplicate (window
// 0), nor when the window or the first send's time is unknown.
func TestResendDecision(t *testing.T) {
	const first = int64(1_700_000_000_000)
	at := func(d time.Duration) int64 { return first + d.Milliseconds() }
	day := 24 * time.Hour
	for _, c := range []struct {
		name      string
		window    time.Duration
		known     bool
		firstSent int64
		now       int64
		want      resendVerdict
	}{
		{"stripe just after", day, true, first, at(time.Second), resendOK},
		{"stripe before the 1 h margin", day, true, first, at(23*time.Hour - time.Millisecond), resendOK},
		{"stripe at the margin", day, true, first, at(23 * time.Hour), resendExpired},
		{"stripe past the window", day, true, first, at(25 * time.Hour), resendExpired},
		{"short window, 10% margin", time.Minute, true, first, at(53 * time.Second), resendOK},
		{"short window past 90%", time.Minute, true, first, at(54 * time.Second), resendExpired},
		{"no deduplication", 0, true, first, at(time.Second), resendNoDedup},
		{"no deduplication, right away", 0, true, first, first, resendNoDedup},
		{"window unknown", 0, false, first, at(time.Second), resendUnknownWindow},
		{"window unknown, long past", day, false, first, at(48 * time.Hour), resendUnknownWindow},
		{"first send unknown", day, true, 0, at(time.Second), resendExpired},
	} {
		if got := resendDecision(c.window, c.known, c.firstSent, c.now); got != c.want {
			t.Errorf("%s: resendDecision(%v, %v, %d, %d) = %d, want %d", c.name, c.window, c.known, c.firstSent, c.now, got, c.want)
		}
	}
	if e := stoppedError(resendNoDedup, "refund", "re_1", "mca_1"); e.Code != "outcome_unknown_no_dedup" {
		t.Errorf("no-dedup code = %s", e.Code)
	}
	if e := stoppedError(resendExpired, "refund", "re_1", "mca_1"); e.Code != "outcome_unknown_expired" || !isStopped(e) {
		t.Errorf("expired code = %s", e.Code)
	}
}
