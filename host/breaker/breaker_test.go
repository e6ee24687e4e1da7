package breaker_test

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectorhost/connector-host/host/breaker"
)

// clock is a manual clock.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

type transition struct {
	connector, tenant string
	from, to          breaker.State
}

func newSet(t *testing.T, st breaker.Settings) (*breaker.Set, *clock, *[]transition) {
	t.Helper()
	c := &clock{now: time.Unix(1_700_000_000, 0)}
	var mu sync.Mutex
	var got []transition
	s := breaker.NewSet(breaker.Options{
		Settings: func(string) breaker.Settings { return st },
		Now:      c.Now,
		OnTransition: func(conn, tenant string, from, to breaker.State) {
			mu.Lock()
			got = append(got, transition{conn, tenant, from, to})
			mu.Unlock()
		},
	})
	return s, c, &got
}

func call(t *testing.T, s *breaker.Set, conn, tenant string, o breaker.Outcome) error {
	t.Helper()
	tk, err := s.Allow(conn, tenant)
	if err != nil {
		return err
	}
	tk.Done(o)
	return nil
}

func TestOpensAfterThresholdAndRecoversThroughProbe(t *testing.T) {
	s, c, trans := newSet(t, breaker.Settings{FailureThreshold: 3, OpenFor: 10 * time.Second})

	// Failures interrupted by a success do not open it.
	require.NoError(t, call(t, s, "stripe", "acct", breaker.Failure))
	require.NoError(t, call(t, s, "stripe", "acct", breaker.Failure))
	require.NoError(t, call(t, s, "stripe", "acct", breaker.Success))
	require.NoError(t, call(t, s, "stripe", "acct", breaker.Failure))
	require.NoError(t, call(t, s, "stripe", "acct", breaker.Failure))
	assert.Equal(t, breaker.Closed, s.State("stripe"))
	// 4xx answers and cancellations are not failures either.
	require.NoError(t, call(t, s, "stripe", "acct", breaker.Ignore))
	assert.Equal(t, breaker.Closed, s.State("stripe"))

	require.NoError(t, call(t, s, "stripe", "acct", breaker.Failure))
	assert.Equal(t, breaker.Open, s.State("stripe"))

	c.Advance(4 * time.Second)
	err := call(t, s, "stripe", "acct", breaker.Success)
	var oe *breaker.OpenError
	require.True(t, errors.As(err, &oe), "an open breaker fails fast: %v", err)
	assert.Equal(t, 6*time.Second, oe.RetryAfter)
	assert.EqualError(t, err, "circuit open for stripe; retry after 6 s")

	// Other tenants and connectors are unaffected.
	require.NoError(t, call(t, s, "stripe", "other", breaker.Success))
	require.NoError(t, call(t, s, "adyen", "acct", breaker.Success))
	assert.Equal(t, breaker.Closed, s.State("adyen"))

	// After OpenFor one probe goes through; others wait for it.
	c.Advance(6 * time.Second)
	assert.Equal(t, breaker.HalfOpen, s.State("stripe"), "due a probe")
	probe, err := s.Allow("stripe", "acct")
	require.NoError(t, err)
	_, err = s.Allow("stripe", "acct")
	require.True(t, errors.As(err, &oe), "a second call while the probe is in flight fails fast")
	// The probe fails: open again for a full OpenFor.
	probe.Done(breaker.Failure)
	assert.Equal(t, breaker.Open, s.State("stripe"))
	c.Advance(9 * time.Second)
	require.Error(t, call(t, s, "stripe", "acct", breaker.Success))
	c.Advance(time.Second)

	// A canceled probe says nothing: the next call probes again.
	probe, err = s.Allow("stripe", "acct")
	require.NoError(t, err)
	probe.Done(breaker.Ignore)
	assert.Equal(t, breaker.HalfOpen, s.State("stripe"))
	require.NoError(t, call(t, s, "stripe", "acct", breaker.Success))
	assert.Equal(t, breaker.Closed, s.State("stripe"))

	assert.Equal(t, []transition{
		{"stripe", "acct", breaker.Closed, breaker.Open},
		{"stripe", "acct", breaker.Open, breaker.HalfOpen},
		{"stripe", "acct", breaker.HalfOpen, breaker.Open},
		{"stripe", "acct", breaker.Open, breaker.HalfOpen},
		{"stripe", "acct", breaker.HalfOpen, breaker.Closed},
	}, *trans)
}

func TestDisabledAndSnapshot(t *testing.T) {
	s, _, trans := newSet(t, breaker.Settings{FailureThreshold: -1})
	for range 20 {
		require.NoError(t, call(t, s, "stripe", "acct", breaker.Failure))
	}
	assert.Equal(t, breaker.Closed, s.State("stripe"))
	assert.Empty(t, *trans)

	s, _, _ = newSet(t, breaker.Settings{FailureThreshold: 1, OpenFor: time.Minute})
	require.NoError(t, call(t, s, "b", "t2", breaker.Failure))
	require.NoError(t, call(t, s, "a", "t1", breaker.Success))
	assert.Equal(t, []breaker.Status{
		{Connector: "a", Tenant: "t1", State: breaker.Closed},
		{Connector: "b", Tenant: "t2", State: breaker.Open, Failures: 1},
	}, s.Snapshot())
}

func TestEvictsOnlyHealthyBreakers(t *testing.T) {
	c := &clock{now: time.Unix(0, 0)}
	s := breaker.NewSet(breaker.Options{Now: c.Now, MaxBreakers: 3, Settings: func(string) breaker.Settings {
		return breaker.Settings{FailureThreshold: 1, OpenFor: time.Hour}
	}})
	require.NoError(t, call(t, s, "x", "sick", breaker.Failure))
	for _, tenant := range []string{"a", "b", "c", "d"} {
		require.NoError(t, call(t, s, "x", tenant, breaker.Success))
	}
	assert.LessOrEqual(t, len(s.Snapshot()), 3)
	assert.Error(t, call(t, s, "x", "sick", breaker.Success), "an open breaker is never forgotten")
}

func TestRetryAfterSeconds(t *testing.T) {
	assert.Equal(t, 1, breaker.RetryAfterSeconds(0))
	assert.Equal(t, 1, breaker.RetryAfterSeconds(time.Millisecond))
	assert.Equal(t, 2, breaker.RetryAfterSeconds(1001*time.Millisecond))
}
