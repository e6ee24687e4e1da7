// Package logging carries a call's log attributes (its request id, the
// caller's key name) in its context, so every log line of the call has them
// whichever package writes it: wrap the host's slog handler with NewHandler
// and log with the call's context (Logger.InfoContext, LogAttrs).
package logging

import (
	"context"
	"log/slog"
	"regexp"
	"strings"
)

type ctxKey struct{}

// With returns ctx carrying attrs in addition to those it already carries.
func With(ctx context.Context, attrs ...slog.Attr) context.Context {
	prev, _ := ctx.Value(ctxKey{}).([]slog.Attr)
	all := make([]slog.Attr, 0, len(prev)+len(attrs))
	all = append(append(all, prev...), attrs...)
	return context.WithValue(ctx, ctxKey{}, all)
}

// Attrs returns the attributes ctx carries.
func Attrs(ctx context.Context) []slog.Attr {
	attrs, _ := ctx.Value(ctxKey{}).([]slog.Attr)
	return attrs
}

// Handler adds the context's attributes to each record, except those whose
// key the record already has.
type Handler struct{ next slog.Handler }

// NewHandler wraps next.
func NewHandler(next slog.Handler) *Handler {
	if h, ok := next.(*Handler); ok {
		return h
	}
	return &Handler{next: next}
}

// Enabled reports whether next handles level.
func (h *Handler) Enabled(ctx context.Context, level slog.Level) bool {
	return h.next.Enabled(ctx, level)
}

// Handle adds ctx's attributes and passes r on.
func (h *Handler) Handle(ctx context.Context, r slog.Record) error {
	attrs := Attrs(ctx)
	if len(attrs) == 0 {
		return h.next.Handle(ctx, r)
	}
	has := map[string]bool{}
	r.Attrs(func(a slog.Attr) bool {
		has[a.Key] = true
		return true
	})
	r = r.Clone()
	for _, a := range attrs {
		if !has[a.Key] {
			r.AddAttrs(a)
			has[a.Key] = true
		}
	}
	return h.next.Handle(ctx, r)
}

// WithAttrs returns a Handler whose next handler has attrs.
func (h *Handler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return &Handler{next: h.next.WithAttrs(attrs)}
}

// WithGroup returns a Handler whose next handler opens group.
func (h *Handler) WithGroup(name string) slog.Handler {
	return &Handler{next: h.next.WithGroup(name)}
}

// PathTemplate returns a URL path fit for logs and traces: every segment
// that could carry data (digits, upper case, a secret's prefix, over 32
// characters, anything but lower-case letters, '-' and '_') becomes "{}",
// so "/v1/payment_intents/pi_3Mt/capture" logs as
// "/v1/payment_intents/{}/capture" and a card number, CVC or API key a
// plugin put in a path never reaches a log. Version segments (v1..v99)
// are kept. The query is dropped.
func PathTemplate(path string) string {
	if i := strings.IndexAny(path, "?#"); i >= 0 {
		path = path[:i]
	}
	segs := strings.Split(path, "/")
	for i, s := range segs {
		if s != "" && !pathWord.MatchString(s) || secretPrefix.MatchString(s) {
			segs[i] = "{}"
		}
	}
	return strings.Join(segs, "/")
}

var (
	pathWord     = regexp.MustCompile(`^(v[0-9]{1,2}|[a-z][a-z_-]{0,31})$`)
	secretPrefix = regexp.MustCompile(`^(sk|pk|rk|whsec|key|tok|secret|token|pan|card|cvc|cvv)_`)
)
