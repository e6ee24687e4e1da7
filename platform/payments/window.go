package payments

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/connectorhost/connector-host/platform/perr"
)

// The last_error codes of a call without a definite answer that is no
// longer resent: the processor no longer deduplicates its idempotency key
// (past its window), or never did.
const (
	codeExpired = "outcome_unknown_expired"
	codeNoDedup = "outcome_unknown_no_dedup"
)

// windowTTL is how long a connector's idempotency window, read from its
// host, is reused before it is read again.
const windowTTL = time.Minute

// maxWindowMargin bounds the safety margin kept before the end of a
// processor's idempotency window (10% of it, at most this).
const maxWindowMargin = time.Hour

// resendVerdict is whether a call first sent at some time may be resent now
// with the same idempotency key.
type resendVerdict int

const (
	// resendOK: within the processor's window, less the safety margin.
	resendOK resendVerdict = iota
	// resendUnknownWindow: the window could not be read; not resent now,
	// asked again later.
	resendUnknownWindow
	// resendExpired: past the window (less the margin), or the first send's
	// time is unknown: never resent again.
	resendExpired
	// resendNoDedup: the processor does not deduplicate (window 0): never
	// resent.
	resendNoDedup
)

// resendDecision says whether a call first sent at firstSent (unix ms on
// the resolver's clock; 0: unknown) may be resent at now (the same clock)
// to a processor remembering idempotency keys for window (known false: the
// window could not be read). A resend is safe only while
// now < firstSent + window - margin, the margin being 10% of the window or
// 1 h, whichever is smaller (it covers clock skew and the time the first
// send took to reach the processor).
func resendDecision(window time.Duration, known bool, firstSent, now int64) resendVerdict {
	switch {
	case !known:
		return resendUnknownWindow
	case window <= 0:
		return resendNoDedup
	case firstSent <= 0:
		return resendExpired
	}
	margin := min(window/10, maxWindowMargin)
	if now < firstSent+(window-margin).Milliseconds() {
		return resendOK
	}
	return resendExpired
}

// stoppedError is the error (and last_error) of a call whose outcome is
// unknown and that is no longer resent because v says so; what names the
// call ("authorization", "refund"), key its idempotency key.
func stoppedError(v resendVerdict, what, key, connectorID string) *perr.Error {
	code, why := codeExpired, "the processor's idempotency window for key "+key+" has passed: it no longer deduplicates the key"
	if v == resendNoDedup {
		code, why = codeNoDedup, "the processor of connector "+connectorID+" does not deduplicate idempotency keys"
	}
	return &perr.Error{Kind: perr.Conflict, Code: code, Message: fmt.Sprintf("the %s got no definite answer and %s, so a resend could act twice: "+
		"it is no longer resent. Check the outcome in the processor's dashboard, or wait for its webhook, which still resolves it", what, why)}
}

// stopped is the error of a call already marked as no longer resent, from
// its last_error.
func stopped(le *LastError) *perr.Error {
	if le == nil || (le.Code != codeExpired && le.Code != codeNoDedup) {
		le = &LastError{Code: codeExpired, Message: "the call got no definite answer and is no longer resent; check the processor's dashboard, or wait for its webhook"}
	}
	return &perr.Error{Kind: perr.Conflict, Code: le.Code, Message: le.Message}
}

// isStopped reports whether err says a call is no longer resent.
func isStopped(err error) bool {
	var pe *perr.Error
	return errors.As(err, &pe) && (pe.Code == codeExpired || pe.Code == codeNoDedup)
}

// windows caches each connector's idempotency window per plugin and host.
type windows struct {
	mu sync.Mutex
	m  map[[2]string]windowEntry
}

type windowEntry struct {
	window time.Duration
	read   time.Time
}

// idempotencyWindow is how long c's processor remembers an idempotency key
// (0: it does not deduplicate), from the manifest c's host serves, cached
// for windowTTL. An error means the window is unknown.
func (s *Service) idempotencyWindow(ctx context.Context, c *Connector) (time.Duration, error) {
	k := [2]string{c.Plugin, c.HostURL}
	s.windows.mu.Lock()
	e, ok := s.windows.m[k]
	s.windows.mu.Unlock()
	if ok && time.Since(e.read) < windowTTL {
		return e.window, nil
	}
	res, err := s.gw.GetConnector(ctx, c.target())
	if err != nil {
		return 0, fmt.Errorf("read connector %s's manifest: %w", c.ID, err)
	}
	m := res.GetConnector().GetManifest()
	if m == nil {
		return 0, fmt.Errorf("connector %s's host serves no manifest for plugin %s", c.ID, c.Plugin)
	}
	e = windowEntry{window: time.Duration(m.GetIdempotencyWindowSeconds()) * time.Second, read: time.Now()}
	s.windows.mu.Lock()
	s.windows.m[k] = e
	s.windows.mu.Unlock()
	return e.window, nil
}

// mayResend decides whether the call first sent at firstSent (the
// resolver's clock) may be resent now to c; err is set when the window is
// unknown.
func (s *Service) mayResend(ctx context.Context, c *Connector, firstSent int64) (resendVerdict, error) {
	w, err := s.idempotencyWindow(ctx, c)
	return resendDecision(w, err == nil, firstSent, s.opts.Resolve.Now().UnixMilli()), err
}
