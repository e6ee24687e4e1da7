package egress

import (
	"context"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
)

// RetryPolicy bounds retries of one call.
//
// A call is retried only where that cannot charge a customer twice: when
// the connection failed before any byte of the request was sent (any
// request), or, for a request the plugin marked idempotent (it carries an
// idempotency key the processor honours), after a timeout, a broken
// connection or a 429, 502, 503 or 504 answer. A Retry-After header is
// honoured when the wait fits in the budget; otherwise the answer is
// returned as it is.
type RetryPolicy struct {
	// MaxAttempts counts the first attempt too (default 3; 1 disables retries).
	MaxAttempts int
	// InitialBackoff is the wait before the first retry, doubled each retry
	// up to MaxBackoff, and jittered (defaults 100 ms and 2 s).
	InitialBackoff time.Duration
	MaxBackoff     time.Duration
	// Budget bounds the whole call, attempts and waits included (default
	// the total timeout plus 15 s).
	Budget time.Duration
}

// retryable decides whether to try again after attempt, and how long to wait first.
func (c *Client) retryable(r Request, st Settings, res *pluginv1.HttpResponse, err *Error, attempt int) (reason string, wait time.Duration, retry bool) {
	if attempt >= st.Retry.MaxAttempts {
		return "", 0, false
	}
	idempotent := r.HTTP.GetIdempotent()
	switch {
	case err != nil && err.Kind == KindConnect:
		reason = "connect"
	case err != nil && idempotent && (err.Kind == KindTimeout || err.Kind == KindReset):
		reason = kindOutcome(err.Kind)
	case err == nil && idempotent && retryableStatus(int(res.GetStatus())):
		reason = strconv.Itoa(int(res.GetStatus()))
	default:
		return "", 0, false
	}
	wait = c.backoff(st.Retry, attempt)
	if err == nil {
		if after, ok := retryAfter(res, time.Now()); ok {
			wait = after
		}
	}
	return reason, wait, true
}

func retryableStatus(status int) bool {
	switch status {
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// backoff is the jittered exponential wait after attempt (1-based): a
// random duration between half and all of InitialBackoff·2^(attempt-1),
// capped at MaxBackoff.
func (c *Client) backoff(p RetryPolicy, attempt int) time.Duration {
	d := p.InitialBackoff
	for i := 1; i < attempt && d < p.MaxBackoff; i++ {
		d *= 2
	}
	d = min(d, p.MaxBackoff)
	return d/2 + time.Duration(c.opts.Jitter()*float64(d/2))
}

// retryAfter reads a Retry-After header (seconds or an HTTP date).
func retryAfter(res *pluginv1.HttpResponse, now time.Time) (time.Duration, bool) {
	for _, h := range res.GetHeaders() {
		if !strings.EqualFold(h.GetName(), "Retry-After") {
			continue
		}
		v := strings.TrimSpace(h.GetValue())
		if secs, err := strconv.Atoi(v); err == nil && secs >= 0 {
			return time.Duration(secs) * time.Second, true
		}
		if t, err := http.ParseTime(v); err == nil {
			return max(t.Sub(now), 0), true
		}
	}
	return 0, false
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func defaultJitter() float64 { return rand.Float64() }
