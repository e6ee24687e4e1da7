// Package egress is the host's HTTP client to payment processors. Plugins do
// no I/O: the executor hands each request a plugin built to Client.Do, which
// enforces the plugin's declared egress hosts, per-connector connect, TLS and
// total timeouts, a response size cap and TLS 1.2+, presents a client
// certificate when the caller's credentials carry one, never follows
// redirects (a redirect could leave the allowlist), retries only where that
// is safe, and fails fast through a circuit breaker while a processor is down.
package egress

import (
	"bytes"
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/host/breaker"
	"github.com/connectorhost/connector-host/host/logging"
	"github.com/connectorhost/connector-host/host/manifest"
)

// Timeouts bound one processor exchange.
type Timeouts struct {
	// Connect bounds TCP connection set-up (default 5 s).
	Connect time.Duration
	// TLS bounds the TLS handshake (default 5 s).
	TLS time.Duration
	// Total bounds one attempt's whole exchange, body included (default 30 s).
	Total time.Duration
}

// Settings are one connector's egress policy. A zero field takes the
// client's default.
type Settings struct {
	Timeouts Timeouts
	// MaxResponseBytes caps a response body; a longer one is cut and marked
	// truncated (default 8 MiB).
	MaxResponseBytes int64
	Retry            RetryPolicy
}

// merge fills s's zero fields from d.
func (s Settings) merge(d Settings) Settings {
	if s.Timeouts.Connect == 0 {
		s.Timeouts.Connect = d.Timeouts.Connect
	}
	if s.Timeouts.TLS == 0 {
		s.Timeouts.TLS = d.Timeouts.TLS
	}
	if s.Timeouts.Total == 0 {
		s.Timeouts.Total = d.Timeouts.Total
	}
	if s.MaxResponseBytes == 0 {
		s.MaxResponseBytes = d.MaxResponseBytes
	}
	if s.Retry.MaxAttempts == 0 {
		s.Retry.MaxAttempts = d.Retry.MaxAttempts
	}
	if s.Retry.InitialBackoff == 0 {
		s.Retry.InitialBackoff = d.Retry.InitialBackoff
	}
	if s.Retry.MaxBackoff == 0 {
		s.Retry.MaxBackoff = d.Retry.MaxBackoff
	}
	if s.Retry.Budget == 0 {
		s.Retry.Budget = d.Retry.Budget
	}
	return s
}

// builtin are the defaults of every setting.
var builtin = Settings{
	Timeouts:         Timeouts{Connect: 5 * time.Second, TLS: 5 * time.Second, Total: 30 * time.Second},
	MaxResponseBytes: 8 << 20,
	Retry:            RetryPolicy{MaxAttempts: 3, InitialBackoff: 100 * time.Millisecond, MaxBackoff: 2 * time.Second},
}

func (s Settings) withDefaults() Settings {
	s = s.merge(builtin)
	if s.Retry.Budget == 0 {
		s.Retry.Budget = s.Timeouts.Total + 15*time.Second
	}
	return s
}

// Observer receives egress events, for metrics. Methods may be called
// concurrently. A nil Observer in Options is a no-op.
type Observer interface {
	// Attempt reports one exchange with the processor: its outcome ("2xx",
	// "3xx", "4xx", "5xx", "timeout", "connect", "reset", "canceled") and
	// how long it took.
	Attempt(connector, outcome string, d time.Duration)
	// Retry reports that a call is being retried, and why (the outcome that
	// caused it).
	Retry(connector, reason string)
	// Rejected reports a call refused before sending ("blocked",
	// "circuit_open", "client_cert").
	Rejected(connector, reason string)
}

// Options configure a Client.
type Options struct {
	// Defaults apply to every connector; zero fields take the built-in defaults.
	Defaults Settings
	// Connectors override Defaults per connector name; zero fields inherit.
	Connectors map[string]Settings
	// MaxIdleConnsPerHost is the keep-alive pool size per processor host (default 64).
	MaxIdleConnsPerHost int
	// Proxy, when set, sends every request through this HTTP(S) proxy.
	Proxy *url.URL
	// RootCAs, when set, replaces the system roots for processors' certificates.
	RootCAs *x509.CertPool
	// Transport replaces the built transports (tests). Client certificates
	// and per-connector connect/TLS timeouts need the built ones.
	Transport http.RoundTripper
	// Breakers, when set, fail calls fast while a processor is failing.
	Breakers *breaker.Set
	Observer Observer
	Logger   *slog.Logger
	// TracerProvider makes a span per attempt (default: no tracing).
	TracerProvider trace.TracerProvider
	// Sleep waits between attempts (default: a timer); tests record the waits.
	Sleep func(ctx context.Context, d time.Duration) error
	// Jitter returns a number in [0, 1) that spreads backoffs (default math/rand/v2).
	Jitter func() float64
	// MaxClientCertTransports bounds the cached client-certificate transports (default 256).
	MaxClientCertTransports int
}

// Client sends plugins' requests. It is safe for concurrent use. Close it to
// release its pooled connections.
type Client struct {
	opts       Options
	connectors map[string]Settings
	transports *transports
	log        *slog.Logger
	tracer     trace.Tracer
	obs        Observer
}

// New returns a Client.
func New(opts Options) *Client {
	opts.Defaults = opts.Defaults.withDefaults()
	if opts.MaxIdleConnsPerHost == 0 {
		opts.MaxIdleConnsPerHost = 64
	}
	if opts.MaxClientCertTransports == 0 {
		opts.MaxClientCertTransports = 256
	}
	if opts.Sleep == nil {
		opts.Sleep = sleep
	}
	if opts.Jitter == nil {
		opts.Jitter = defaultJitter
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.TracerProvider == nil {
		opts.TracerProvider = noop.NewTracerProvider()
	}
	if opts.Observer == nil {
		opts.Observer = nopObserver{}
	}
	c := &Client{
		opts: opts, connectors: map[string]Settings{}, log: opts.Logger, obs: opts.Observer,
		tracer: opts.TracerProvider.Tracer("github.com/connectorhost/connector-host/host/egress"),
	}
	for name, s := range opts.Connectors {
		c.connectors[name] = s.merge(opts.Defaults).withDefaults()
	}
	c.transports = newTransports(opts)
	return c
}

// Settings returns the policy a connector's calls run under.
func (c *Client) Settings(connector string) Settings {
	if s, ok := c.connectors[connector]; ok {
		return s
	}
	return c.opts.Defaults
}

// Close closes idle pooled connections and forgets client-certificate
// transports. Calls in flight finish; a later call opens new connections.
func (c *Client) Close() { c.transports.closeAll() }

// Request is one processor call.
type Request struct {
	// Connector names the plugin, for errors, settings and the breaker.
	Connector string
	HTTP      *pluginv1.HttpRequest
	// AllowedHosts are the plugin's declared egress hosts.
	AllowedHosts []string
	// BaseURL is the operator's override for this connector, if any; its host
	// is allowed too, and plain http is allowed only to it.
	BaseURL string
	// Tenant separates breakers within a connector: the account name or a
	// keyed hash of the credentials, never a secret itself.
	Tenant string
	// ClientCert, when set, is presented to the processor (mTLS).
	ClientCert *ClientCert
}

// ErrorKind classifies a failed processor call.
type ErrorKind int

// Error kinds.
const (
	// KindBlocked: the request was refused before sending (undeclared host, bad URL).
	KindBlocked ErrorKind = iota + 1
	// KindTimeout: the processor did not answer within the total timeout.
	KindTimeout
	// KindConnect: the connection (TCP or TLS) could not be made; nothing was sent.
	KindConnect
	// KindReset: the connection broke during the exchange; the processor may have acted.
	KindReset
	// KindCanceled: the caller went away.
	KindCanceled
	// KindCircuitOpen: the connector's breaker is open; nothing was sent.
	KindCircuitOpen
	// KindClientCert: the credentials' client certificate or key is not usable; nothing was sent.
	KindClientCert
)

// Error is a failed processor call.
type Error struct {
	Kind      ErrorKind
	Connector string
	Msg       string
	// Attempts is how many exchanges were tried (0 when refused before sending).
	Attempts int
	// RetryAfter, for KindCircuitOpen, is when the breaker lets a probe through.
	RetryAfter time.Duration
	// Reached is true when an earlier attempt of the same call may have
	// reached the processor (it was answered, timed out or broke during the
	// exchange), even if this last attempt never did: the call as a whole
	// may then have been acted on. See NotSent.
	Reached bool
	Err     error
}

// NotSent reports whether no attempt of the failed call could have reached
// the processor: the request was blocked, its client certificate unusable,
// the breaker open, or no connection could be made, on every attempt.
func (e *Error) NotSent() bool {
	if e.Reached {
		return false
	}
	switch e.Kind {
	case KindBlocked, KindConnect, KindCircuitOpen, KindClientCert:
		return true
	}
	return false
}

func (e *Error) Error() string { return fmt.Sprintf("%s: %s", e.Connector, e.Msg) }
func (e *Error) Unwrap() error { return e.Err }

// Check verifies a plugin-built request may be sent: absolute http(s) URL,
// host among the allowed ones, https unless it goes to the operator's base URL.
func Check(r Request) (*url.URL, error) {
	u, err := url.Parse(r.HTTP.GetUrl())
	if err != nil || u.Host == "" {
		return nil, &Error{Kind: KindBlocked, Connector: r.Connector, Msg: fmt.Sprintf("plugin built an invalid URL %q", redactURL(r.HTTP.GetUrl()))}
	}
	if u.User != nil {
		return nil, &Error{Kind: KindBlocked, Connector: r.Connector, Msg: "plugin put credentials in the URL; refused"}
	}
	var override *url.URL
	if r.BaseURL != "" {
		override, _ = url.Parse(r.BaseURL)
	}
	toOverride := override != nil && strings.EqualFold(u.Host, override.Host)
	switch {
	case toOverride:
		if u.Scheme != override.Scheme {
			return nil, &Error{Kind: KindBlocked, Connector: r.Connector, Msg: fmt.Sprintf("plugin used scheme %q for the operator's base URL %s", u.Scheme, override.Scheme)}
		}
	case override != nil:
		// With an operator override every request must go there.
		return nil, &Error{Kind: KindBlocked, Connector: r.Connector, Msg: fmt.Sprintf("plugin built a request to %s, but the operator pointed this connector at %s; refused", u.Host, override.Host)}
	case u.Scheme != "https":
		return nil, &Error{Kind: KindBlocked, Connector: r.Connector, Msg: fmt.Sprintf("plugin built a non-https request to %s; refused", u.Host)}
	case !manifest.HostAllowed(u.Hostname(), r.AllowedHosts):
		return nil, &Error{Kind: KindBlocked, Connector: r.Connector, Msg: fmt.Sprintf("plugin built a request to %s, which its manifest does not declare in egress_hosts; refused", u.Hostname())}
	}
	return u, nil
}

// Do sends r and returns the processor's answer. Any HTTP status is an
// answer; an error means no usable answer was received. Do retries a call
// that never reached the processor, and a request the plugin marked
// idempotent after a timeout, a broken connection or a 429/502/503/504
// answer, within the connector's retry budget.
func (c *Client) Do(ctx context.Context, r Request) (*pluginv1.HttpResponse, error) {
	u, err := Check(r)
	if err != nil {
		c.obs.Rejected(r.Connector, "blocked")
		return nil, err
	}
	st := c.Settings(r.Connector)
	rt, err := c.transports.get(r.Connector, st, r.ClientCert)
	if err != nil {
		c.obs.Rejected(r.Connector, "client_cert")
		return nil, &Error{Kind: KindClientCert, Connector: r.Connector, Msg: err.Error()}
	}
	ctx, cancel := context.WithTimeout(ctx, st.Retry.Budget)
	defer cancel()
	if r.BaseURL != "" {
		// Check let it through only to the operator's base URL, which may
		// be a private or loopback address.
		ctx = toOperator(ctx)
	}
	var res *pluginv1.HttpResponse
	var aerr *Error
	// reached: an attempt before the last may have reached the processor.
	reached := false
	for attempt := 1; ; attempt++ {
		if attempt > 1 && (aerr == nil || !aerr.NotSent()) {
			reached = true
		}
		var ticket *breaker.Ticket
		if c.opts.Breakers != nil {
			t, err := c.opts.Breakers.Allow(r.Connector, r.Tenant)
			if err != nil {
				var oe *breaker.OpenError
				errors.As(err, &oe)
				c.obs.Rejected(r.Connector, "circuit_open")
				if attempt > 1 {
					// The breaker opened during this call: report what the
					// processor did rather than the breaker.
					return c.finish(res, aerr, attempt-1, reached)
				}
				return nil, &Error{Kind: KindCircuitOpen, Connector: r.Connector, Msg: oe.Error(), RetryAfter: oe.RetryAfter, Err: err}
			}
			ticket = t
		}
		res, aerr = c.attempt(ctx, rt, r, u, st, attempt)
		ticket.Done(breakerOutcome(res, aerr))
		reason, wait, retry := c.retryable(r, st, res, aerr, attempt)
		if deadline, ok := ctx.Deadline(); retry && ok && wait >= time.Until(deadline) {
			retry = false // the wait would outlast the budget
		}
		if !retry {
			return c.finish(res, aerr, attempt, reached)
		}
		c.obs.Retry(r.Connector, reason)
		c.log.LogAttrs(ctx, slog.LevelWarn, "retrying processor call",
			slog.String("connector", r.Connector), slog.Int("attempt", attempt), slog.String("reason", reason),
			slog.Duration("backoff", wait), slog.String("host", u.Host))
		if err := c.opts.Sleep(ctx, wait); err != nil {
			return c.finish(res, aerr, attempt, reached)
		}
	}
}

// finish returns the last attempt's answer or error; reached tells whether
// an earlier attempt may have reached the processor.
func (c *Client) finish(res *pluginv1.HttpResponse, err *Error, attempts int, reached bool) (*pluginv1.HttpResponse, error) {
	if err != nil {
		err.Attempts = attempts
		err.Reached = err.Reached || reached
		return nil, err
	}
	return res, nil
}

// attempt makes one exchange with the processor.
func (c *Client) attempt(ctx context.Context, rt http.RoundTripper, r Request, u *url.URL, st Settings, attempt int) (*pluginv1.HttpResponse, *Error) {
	start := time.Now()
	actx, cancel := context.WithTimeout(ctx, st.Timeouts.Total)
	defer cancel()
	actx, span := c.tracer.Start(actx, "processor "+r.HTTP.GetMethod(), trace.WithSpanKind(trace.SpanKindClient),
		trace.WithAttributes(
			attribute.String("connector", r.Connector),
			attribute.String("http.request.method", r.HTTP.GetMethod()),
			attribute.String("server.address", u.Hostname()),
			attribute.String("url.path", logging.PathTemplate(u.Path)), // templated: a plugin may put data in the path
			attribute.Int("http.request.resend_count", attempt-1),
			attribute.Bool("idempotent", r.HTTP.GetIdempotent()),
		))
	defer span.End()
	var connected atomic.Bool
	actx = httptrace.WithClientTrace(actx, &httptrace.ClientTrace{GotConn: func(httptrace.GotConnInfo) { connected.Store(true) }})
	res, err := c.exchange(actx, rt, r, st)
	d := time.Since(start)
	if err != nil {
		e := c.classify(ctx, r, st, err, connected.Load())
		outcome := kindOutcome(e.Kind)
		c.obs.Attempt(r.Connector, outcome, d)
		span.SetStatus(codes.Error, outcome)
		span.SetAttributes(attribute.String("error.type", outcome))
		c.log.LogAttrs(ctx, slog.LevelDebug, "processor call failed", slog.String("connector", r.Connector),
			slog.String("method", r.HTTP.GetMethod()), slog.String("host", u.Host), slog.String("path", logging.PathTemplate(u.Path)),
			slog.Int("attempt", attempt), slog.String("outcome", outcome), slog.Duration("duration", d))
		return nil, e
	}
	outcome := statusOutcome(int(res.GetStatus()))
	c.obs.Attempt(r.Connector, outcome, d)
	span.SetAttributes(attribute.Int("http.response.status_code", int(res.GetStatus())))
	if res.GetStatus() >= 500 {
		span.SetStatus(codes.Error, outcome)
	}
	c.log.LogAttrs(ctx, slog.LevelDebug, "processor call", slog.String("connector", r.Connector),
		slog.String("method", r.HTTP.GetMethod()), slog.String("host", u.Host), slog.String("path", logging.PathTemplate(u.Path)),
		slog.Int("attempt", attempt), slog.Int("status", int(res.GetStatus())), slog.Int("bytes", len(res.GetBody())),
		slog.Bool("truncated", res.GetTruncated()), slog.Duration("duration", d))
	return res, nil
}

// exchange sends the request and reads the answer up to the size cap.
func (c *Client) exchange(ctx context.Context, rt http.RoundTripper, r Request, st Settings) (*pluginv1.HttpResponse, error) {
	req, err := http.NewRequestWithContext(ctx, r.HTTP.GetMethod(), r.HTTP.GetUrl(), bytes.NewReader(r.HTTP.GetBody()))
	if err != nil {
		return nil, &Error{Kind: KindBlocked, Connector: r.Connector, Msg: fmt.Sprintf("plugin built an invalid request: %v", err), Err: err}
	}
	for _, h := range r.HTTP.GetHeaders() {
		req.Header.Add(h.GetName(), h.GetValue())
	}
	if req.Header.Get("User-Agent") == "" {
		req.Header.Set("User-Agent", "connector-host/1")
	}
	hc := &http.Client{Transport: rt, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(io.LimitReader(res.Body, st.MaxResponseBytes+1))
	if err != nil {
		return nil, err
	}
	truncated := int64(len(body)) > st.MaxResponseBytes
	if truncated {
		body = body[:st.MaxResponseBytes]
	}
	headers := make([]*v1.HttpHeader, 0, len(res.Header))
	for name, vals := range res.Header {
		for _, v := range vals {
			headers = append(headers, &v1.HttpHeader{Name: name, Value: v})
		}
	}
	return &pluginv1.HttpResponse{Status: int32(res.StatusCode), Headers: headers, Body: body, Truncated: truncated}, nil
}

// classify turns a transport error into an *Error. parent is the call's
// context (not the attempt's); connected tells whether a connection was
// obtained, i.e. whether any byte of the request may have been sent.
func (c *Client) classify(parent context.Context, r Request, st Settings, err error, connected bool) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	var ne net.Error
	timeout := errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout())
	var blocked *BlockedAddressError
	switch {
	case errors.As(err, &blocked):
		return &Error{Kind: KindBlocked, Connector: r.Connector, Msg: "refused to connect: " + blocked.Error() + " (only the operator's base URL may be loopback, private or link-local)", Err: err}
	case errors.Is(parent.Err(), context.Canceled):
		return &Error{Kind: KindCanceled, Connector: r.Connector, Msg: "the call was canceled", Err: err}
	case !connected && timeout:
		return &Error{Kind: KindConnect, Connector: r.Connector, Msg: fmt.Sprintf("could not connect to the processor in time (connect timeout %v, TLS timeout %v)", st.Timeouts.Connect, st.Timeouts.TLS), Err: err}
	case !connected:
		msg := "could not connect to the processor"
		if errors.Is(err, syscall.ECONNREFUSED) {
			msg += ": connection refused"
		} else if isTLSError(err) {
			msg += ": TLS handshake failed"
		}
		return &Error{Kind: KindConnect, Connector: r.Connector, Msg: msg, Err: err}
	case timeout:
		return &Error{Kind: KindTimeout, Connector: r.Connector, Msg: fmt.Sprintf("processor did not answer in time (%v)", st.Timeouts.Total), Err: err}
	default:
		return &Error{Kind: KindReset, Connector: r.Connector, Msg: "the connection to the processor failed during the call", Err: err}
	}
}

func isTLSError(err error) bool {
	return strings.Contains(err.Error(), "tls:") || strings.Contains(err.Error(), "x509:")
}

// breakerOutcome counts transport errors and 5xx answers as failures, other
// answers as successes; a canceled or refused call says nothing.
func breakerOutcome(res *pluginv1.HttpResponse, err *Error) breaker.Outcome {
	switch {
	case err != nil && (err.Kind == KindCanceled || err.Kind == KindBlocked || err.Kind == KindClientCert):
		return breaker.Ignore
	case err != nil:
		return breaker.Failure
	case res.GetStatus() >= 500:
		return breaker.Failure
	}
	return breaker.Success
}

func kindOutcome(k ErrorKind) string {
	switch k {
	case KindTimeout:
		return "timeout"
	case KindConnect:
		return "connect"
	case KindReset:
		return "reset"
	case KindCanceled:
		return "canceled"
	case KindBlocked:
		return "blocked"
	}
	return "error"
}

func statusOutcome(status int) string {
	switch {
	case status >= 500:
		return "5xx"
	case status >= 400:
		return "4xx"
	case status >= 300:
		return "3xx"
	}
	return "2xx"
}

// redactURL drops a URL's query (where a careless plugin might put a secret).
func redactURL(raw string) string {
	if i := strings.IndexAny(raw, "?#"); i >= 0 {
		return raw[:i] + "?…"
	}
	return raw
}

type nopObserver struct{}

func (nopObserver) Attempt(string, string, time.Duration) {}
func (nopObserver) Retry(string, string)                  {}
func (nopObserver) Rejected(string, string)               {}
