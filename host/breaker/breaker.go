// Package breaker is a set of circuit breakers, one per connector and
// tenant (an account name or a keyed hash of the caller's credentials), so a
// processor outage fails calls fast instead of tying up callers, and one
// merchant's revoked key does not trip the breaker of every other merchant
// on the same connector.
//
// A breaker is closed while calls succeed. FailureThreshold consecutive
// failures open it: calls then fail at once with an *OpenError until OpenFor
// has passed. The next call is let through as a probe (half-open); its
// success closes the breaker, its failure opens it for another OpenFor.
// Time comes from an injected clock, so tests drive it without sleeping.
package breaker

import (
	"fmt"
	"sort"
	"sync"
	"time"
)

// State is a breaker's state.
type State int

// Breaker states, in order of severity.
const (
	Closed State = iota
	HalfOpen
	Open
)

func (s State) String() string {
	switch s {
	case Closed:
		return "closed"
	case HalfOpen:
		return "half_open"
	case Open:
		return "open"
	}
	return "unknown"
}

// Outcome is what a call through a breaker observed.
type Outcome int

// Outcomes.
const (
	// Success: the processor answered (any status below 500).
	Success Outcome = iota + 1
	// Failure: a transport error or a 5xx answer.
	Failure
	// Ignore: the call says nothing about the processor (the caller went
	// away, the request was refused before sending).
	Ignore
)

// Settings tune one connector's breakers.
type Settings struct {
	// FailureThreshold is how many consecutive failures open a breaker
	// (default 5). A negative value disables the breaker.
	FailureThreshold int
	// OpenFor is how long an open breaker fails calls before it lets a probe
	// through (default 30 s).
	OpenFor time.Duration
}

func (s Settings) withDefaults() Settings {
	if s.FailureThreshold == 0 {
		s.FailureThreshold = 5
	}
	if s.OpenFor == 0 {
		s.OpenFor = 30 * time.Second
	}
	return s
}

// Options configure a Set.
type Options struct {
	// Settings returns the settings for a connector; nil uses the defaults.
	Settings func(connector string) Settings
	// Now is the clock (default time.Now).
	Now func() time.Time
	// OnTransition, when set, is called after a breaker changes state,
	// outside the Set's lock.
	OnTransition func(connector, tenant string, from, to State)
	// MaxBreakers bounds how many breakers are kept (default 10000); past it,
	// closed breakers with no recent failure are forgotten.
	MaxBreakers int
}

// OpenError is returned by Allow while a breaker is open.
type OpenError struct {
	Connector string
	// RetryAfter is how long until the breaker lets a probe through.
	RetryAfter time.Duration
}

func (e *OpenError) Error() string {
	return fmt.Sprintf("circuit open for %s; retry after %d s", e.Connector, RetryAfterSeconds(e.RetryAfter))
}

// RetryAfterSeconds rounds d up to whole seconds, at least 1.
func RetryAfterSeconds(d time.Duration) int {
	s := int((d + time.Second - 1) / time.Second)
	if s < 1 {
		s = 1
	}
	return s
}

type key struct{ connector, tenant string }

type breaker struct {
	state     State
	failures  int
	openUntil time.Time
	probing   bool
}

// Set holds the breakers. It is safe for concurrent use.
type Set struct {
	opts Options

	mu       sync.Mutex
	breakers map[key]*breaker
}

// NewSet returns an empty Set.
func NewSet(opts Options) *Set {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.MaxBreakers == 0 {
		opts.MaxBreakers = 10000
	}
	return &Set{opts: opts, breakers: map[key]*breaker{}}
}

func (s *Set) settings(connector string) Settings {
	if s.opts.Settings == nil {
		return Settings{}.withDefaults()
	}
	return s.opts.Settings(connector).withDefaults()
}

// Ticket is one admitted call; report its outcome with Done exactly once.
type Ticket struct {
	s     *Set
	k     key
	probe bool
}

// Allow admits a call to connector for tenant, or returns an *OpenError
// while the breaker is open (or half-open with its probe in flight).
func (s *Set) Allow(connector, tenant string) (*Ticket, error) {
	st := s.settings(connector)
	k := key{connector, tenant}
	if st.FailureThreshold < 0 {
		return &Ticket{k: k}, nil
	}
	now := s.opts.Now()
	s.mu.Lock()
	b := s.breakers[k]
	if b == nil {
		s.evictLocked()
		b = &breaker{}
		s.breakers[k] = b
	}
	var from State
	switch b.state {
	case Closed:
		s.mu.Unlock()
		return &Ticket{s: s, k: k}, nil
	case Open:
		if now.Before(b.openUntil) {
			wait := b.openUntil.Sub(now)
			s.mu.Unlock()
			return nil, &OpenError{Connector: connector, RetryAfter: wait}
		}
		from, b.state, b.probing = Open, HalfOpen, true
	case HalfOpen:
		if b.probing {
			s.mu.Unlock()
			return nil, &OpenError{Connector: connector, RetryAfter: time.Second}
		}
		from, b.probing = HalfOpen, true
	}
	s.mu.Unlock()
	if from != HalfOpen {
		s.notify(k, from, HalfOpen)
	}
	return &Ticket{s: s, k: k, probe: true}, nil
}

// Done reports the call's outcome.
func (t *Ticket) Done(o Outcome) {
	if t == nil || t.s == nil {
		return
	}
	t.s.done(t, o)
}

func (s *Set) done(t *Ticket, o Outcome) {
	st := s.settings(t.k.connector)
	now := s.opts.Now()
	s.mu.Lock()
	b := s.breakers[t.k]
	if b == nil {
		s.mu.Unlock()
		return
	}
	from := b.state
	if t.probe {
		b.probing = false
	}
	switch o {
	case Success:
		b.failures = 0
		if b.state == HalfOpen && t.probe {
			b.state = Closed
		}
	case Failure:
		b.failures++
		switch {
		case b.state == HalfOpen && t.probe:
			b.state, b.openUntil = Open, now.Add(st.OpenFor)
		case b.state == Closed && b.failures >= st.FailureThreshold:
			b.state, b.openUntil = Open, now.Add(st.OpenFor)
		}
	}
	to := b.state
	s.mu.Unlock()
	if from != to {
		s.notify(t.k, from, to)
	}
}

func (s *Set) notify(k key, from, to State) {
	if s.opts.OnTransition != nil {
		s.opts.OnTransition(k.connector, k.tenant, from, to)
	}
}

// evictLocked forgets healthy breakers when the set is full.
func (s *Set) evictLocked() {
	if len(s.breakers) < s.opts.MaxBreakers {
		return
	}
	for k, b := range s.breakers {
		if b.state == Closed && b.failures == 0 {
			delete(s.breakers, k)
		}
	}
}

// State is the most severe state among connector's breakers: Open when any
// tenant's breaker is open (and its wait has not passed), else HalfOpen when
// any is probing or due a probe, else Closed.
func (s *Set) State(connector string) State {
	worst := Closed
	for _, st := range s.Snapshot() {
		if st.Connector == connector && st.State > worst {
			worst = st.State
		}
	}
	return worst
}

// Status is one breaker's state.
type Status struct {
	Connector string
	// Tenant is the account name or a keyed hash of the credentials.
	Tenant string
	State  State
	// Failures is the current run of consecutive failures.
	Failures int
}

// Snapshot returns every breaker the set remembers, sorted by connector and
// tenant. An open breaker whose wait has passed is reported
// half-open: the next call will probe.
func (s *Set) Snapshot() []Status {
	now := s.opts.Now()
	s.mu.Lock()
	out := make([]Status, 0, len(s.breakers))
	for k, b := range s.breakers {
		st := b.state
		if st == Open && !now.Before(b.openUntil) {
			st = HalfOpen
		}
		out = append(out, Status{Connector: k.connector, Tenant: k.tenant, State: st, Failures: b.failures})
	}
	s.mu.Unlock()
	sort.Slice(out, func(i, j int) bool {
		if out[i].Connector != out[j].Connector {
			return out[i].Connector < out[j].Connector
		}
		return out[i].Tenant < out[j].Tenant
	})
	return out
}
