package payments

import (
	"context"
	"fmt"
	"time"

	"github.com/connectorhost/connector-host/platform/store"
)

// ResolveOptions tune the resolution of connector calls without a definite
// answer (an authorization try or a refund after a timeout, a broken
// connection, a 5xx, the same key still running).
type ResolveOptions struct {
	// Backoff is the delay before the first resend of such a call, doubled
	// after each send that again gets no definite answer, up to MaxBackoff
	// (defaults 30 s, 1 h).
	Backoff, MaxBackoff time.Duration
	// Poll is how often the resolver looks for calls due for a resend when
	// nothing wakes it (default 10 s).
	Poll time.Duration
	// Batch bounds the intents, and the refunds, resent per pass (default 20).
	Batch int
	// Now is the resolver's clock, for the backoff only (default time.Now):
	// when each call is due, and whether it is due yet.
	Now func() time.Time
	// OnPass, when set, observes each pass Run makes.
	OnPass func(ResolvePass)
}

func (o ResolveOptions) withDefaults() ResolveOptions {
	if o.Backoff <= 0 {
		o.Backoff = 30 * time.Second
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = time.Hour
	}
	if o.Poll <= 0 {
		o.Poll = 10 * time.Second
	}
	if o.Batch <= 0 {
		o.Batch = 20
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

// backoff is the delay after the n-th send without a definite answer.
func (o ResolveOptions) backoff(n int) time.Duration {
	b := o.Backoff
	for i := 1; i < n && b < o.MaxBackoff; i++ {
		b *= 2
	}
	return min(b, o.MaxBackoff)
}

// nextResolve is when a call whose n-th send got no definite answer is due
// again, in unix milliseconds on the resolver's clock.
func (s *Service) nextResolve(n int) int64 {
	return s.opts.Resolve.Now().Add(s.opts.Resolve.backoff(n)).UnixMilli()
}

// ResolvePass counts what one pass of the resolver did.
type ResolvePass struct {
	// Intents and Refunds are the unresolved authorization tries and refunds
	// the pass claimed and resent.
	Intents, Refunds int
	// Resolved are those of them that got a definite answer.
	Resolved int
	// Stopped are the unresolved calls the pass claimed but did not resend,
	// and will never resend: past their processor's idempotency window, or
	// at a processor that does not deduplicate. They wait for
	// reconciliation (the processor's webhook).
	Stopped int
}

// Resolver resends, in the background, every connector call whose outcome
// is unknown — an intent processing, bound to an authorization try without
// a definite answer, and a refund pending without one — with the same
// request and the same idempotency key to the same connector, after a
// backoff per call, until the processor answers or its idempotency window
// (the connector's manifest, less a safety margin) has passed since the
// call's first send: then it is marked as needing reconciliation and never
// resent again (see resendDecision). Each call is claimed with
// a conditional UPDATE, so several platform instances on one database
// resend it once.
type Resolver struct {
	svc  *Service
	opts ResolveOptions
	wake chan struct{}
}

// NewResolver returns the resolver of s's unresolved calls.
func NewResolver(s *Service) *Resolver {
	return &Resolver{svc: s, opts: s.opts.Resolve, wake: make(chan struct{}, 1)}
}

// Notify makes Run start a pass now.
func (r *Resolver) Notify() {
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// Run makes a pass at once, then every Poll or when notified, until ctx
// ends (a resend in flight then ends with it; its call stays unresolved).
func (r *Resolver) Run(ctx context.Context) {
	t := time.NewTimer(0)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-r.wake:
		case <-t.C:
		}
		p, err := r.Pass(ctx)
		if err != nil && ctx.Err() == nil {
			r.svc.log.Warn("resolver", "error", err)
		}
		if r.opts.OnPass != nil {
			r.opts.OnPass(p)
		}
		if !t.Stop() {
			select {
			case <-t.C:
			default:
			}
		}
		t.Reset(r.opts.Poll)
	}
}

// Pass resends each due unresolved call once (at most Batch intents and
// Batch refunds) and records the answers. A call another instance claimed
// first is skipped.
func (r *Resolver) Pass(ctx context.Context) (ResolvePass, error) {
	var p ResolvePass
	s := r.svc
	kinds := []struct {
		name string
		// due lists the due calls ($1 now, $2 the resolver's clock, $3
		// Batch); claim takes one ($1 lease, $2 now, $3 id, $4 clock).
		due, claim string
		// send resends the claimed call and records its answer; resolved
		// says it got a definite one; an isStopped err, that it was not
		// resent (past its processor's idempotency window).
		send  func(ctx context.Context, tenant, id string) (resolved bool, err error)
		count *int
	}{{
		name: "intent",
		due: `SELECT id, tenant_id FROM intents WHERE unresolved_seq >= 0 AND status = 'processing' AND connector_transaction_id = '' AND resend_stopped = 0
			AND locked_until < $1 AND next_resolve_at <= $2 ORDER BY next_resolve_at, id LIMIT $3`,
		// Confirm's reclaim of an unresolved try, once it is due.
		claim: `UPDATE intents SET locked_until = $1, version = version + 1, updated_at = $2
			WHERE id = $3 AND status = 'processing' AND connector_transaction_id = '' AND unresolved_seq >= 0 AND resend_stopped = 0 AND locked_until < $2 AND next_resolve_at <= $4`,
		send: func(ctx context.Context, tenant, id string) (bool, error) {
			_, err := s.authorizeClaimed(ctx, tenant, id, "")
			// A refusal is a definite answer too (the intent is no longer
			// bound to the try).
			in, gerr := s.GetIntent(context.WithoutCancel(ctx), tenant, id)
			return gerr == nil && in.unresolvedSeq < 0, err
		},
		count: &p.Intents,
	}, {
		name: "refund",
		due: `SELECT id, tenant_id FROM refunds WHERE unresolved = 1 AND status = 'pending' AND resend_stopped = 0
			AND locked_until <= $1 AND next_resolve_at <= $2 ORDER BY next_resolve_at, id LIMIT $3`,
		claim: `UPDATE refunds SET locked_until = $1, updated_at = $2
			WHERE id = $3 AND status = 'pending' AND unresolved = 1 AND resend_stopped = 0 AND locked_until <= $2 AND next_resolve_at <= $4`,
		send: func(ctx context.Context, tenant, id string) (bool, error) {
			rf, err := s.sendRefund(ctx, tenant, id, true)
			return err == nil && (rf.Status != "pending" || !rf.unresolved), err
		},
		count: &p.Refunds,
	}}
	for _, k := range kinds {
		list, err := r.dueRows(ctx, k.due, store.Now(), r.opts.Now().UnixMilli(), r.opts.Batch)
		if err != nil {
			return p, fmt.Errorf("list unresolved %ss: %w", k.name, err)
		}
		for _, d := range list {
			if ctx.Err() != nil {
				return p, nil
			}
			// A conditional UPDATE: exactly one instance wins each call.
			now := store.Now()
			res, err := s.db.SQL.ExecContext(ctx, k.claim, now+s.opts.Lease.Milliseconds(), now, d.id, r.opts.Now().UnixMilli())
			if err != nil {
				return p, fmt.Errorf("claim %s %s: %w", k.name, d.id, err)
			}
			if store.Affected(res) == 0 {
				continue
			}
			resolved, err := k.send(ctx, d.tenant, d.id)
			if isStopped(err) {
				p.Stopped++
				continue
			}
			*k.count++
			if resolved {
				p.Resolved++
			}
			s.log.Info("resolver: resent", k.name, d.id, "resolved", resolved, "error", err)
		}
	}
	return p, nil
}

type due struct{ id, tenant string }

// dueRows reads the ids and tenants query selects.
func (r *Resolver) dueRows(ctx context.Context, query string, args ...any) ([]due, error) {
	rows, err := r.svc.db.SQL.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []due
	for rows.Next() {
		var d due
		if err := rows.Scan(&d.id, &d.tenant); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}
