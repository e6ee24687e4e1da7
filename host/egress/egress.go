// Package egress is the host's HTTP client to payment processors. Plugins do
// no I/O: the executor hands each request a plugin built to Client.Do, which
// enforces the plugin's declared egress hosts, timeouts and a response size
// cap, and never follows redirects (a redirect could leave the allowlist).
package egress

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"time"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/host/manifest"
)

// Timeouts bound one processor call.
type Timeouts struct {
	// Connect bounds TCP connection set-up (default 5 s).
	Connect time.Duration
	// TLS bounds the TLS handshake (default 5 s).
	TLS time.Duration
	// Total bounds the whole exchange, body included (default 30 s).
	Total time.Duration
}

func (t Timeouts) withDefaults() Timeouts {
	if t.Connect == 0 {
		t.Connect = 5 * time.Second
	}
	if t.TLS == 0 {
		t.TLS = 5 * time.Second
	}
	if t.Total == 0 {
		t.Total = 30 * time.Second
	}
	return t
}

// Options configure a Client.
type Options struct {
	Timeouts Timeouts
	// MaxResponseBytes caps a response body; a longer one is cut and marked truncated (default 8 MiB).
	MaxResponseBytes int64
	// MaxIdleConnsPerHost is the keep-alive pool size per processor host (default 64).
	MaxIdleConnsPerHost int
	// Proxy, when set, sends every request through this HTTP(S) proxy.
	Proxy *url.URL
	// Transport replaces the default transport (tests).
	Transport http.RoundTripper
}

// Client sends plugins' requests. It is safe for concurrent use.
type Client struct {
	opts Options
	hc   *http.Client
}

// New returns a Client.
func New(opts Options) *Client {
	opts.Timeouts = opts.Timeouts.withDefaults()
	if opts.MaxResponseBytes == 0 {
		opts.MaxResponseBytes = 8 << 20
	}
	if opts.MaxIdleConnsPerHost == 0 {
		opts.MaxIdleConnsPerHost = 64
	}
	rt := opts.Transport
	if rt == nil {
		dialer := &net.Dialer{Timeout: opts.Timeouts.Connect, KeepAlive: 30 * time.Second}
		tr := &http.Transport{
			DialContext:           dialer.DialContext,
			TLSHandshakeTimeout:   opts.Timeouts.TLS,
			TLSClientConfig:       &tls.Config{MinVersion: tls.VersionTLS12},
			MaxIdleConns:          1024,
			MaxIdleConnsPerHost:   opts.MaxIdleConnsPerHost,
			IdleConnTimeout:       90 * time.Second,
			ExpectContinueTimeout: time.Second,
			ForceAttemptHTTP2:     true,
		}
		if opts.Proxy != nil {
			tr.Proxy = http.ProxyURL(opts.Proxy)
		}
		rt = tr
	}
	return &Client{opts: opts, hc: &http.Client{
		Transport: rt,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}}
}

// Request is one processor call.
type Request struct {
	// Connector names the plugin, for errors.
	Connector string
	HTTP      *pluginv1.HttpRequest
	// AllowedHosts are the plugin's declared egress hosts.
	AllowedHosts []string
	// BaseURL is the operator's override for this connector, if any; its host
	// is allowed too, and plain http is allowed only to it.
	BaseURL string
}

// ErrorKind classifies a failed processor call.
type ErrorKind int

// Error kinds.
const (
	// KindBlocked: the request was refused before sending (undeclared host, bad URL).
	KindBlocked ErrorKind = iota + 1
	// KindTimeout: a connect, TLS or total timeout.
	KindTimeout
	// KindConnect: the connection could not be made; nothing was sent.
	KindConnect
	// KindReset: the connection broke during the exchange; the processor may have acted.
	KindReset
	// KindCanceled: the caller went away.
	KindCanceled
)

// Error is a failed processor call.
type Error struct {
	Kind      ErrorKind
	Connector string
	Msg       string
	Err       error
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
// answer; an error means no answer was received.
func (c *Client) Do(ctx context.Context, r Request) (*pluginv1.HttpResponse, error) {
	if _, err := Check(r); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, c.opts.Timeouts.Total)
	defer cancel()
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
	res, err := c.hc.Do(req)
	if err != nil {
		return nil, c.classify(ctx, r, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(io.LimitReader(res.Body, c.opts.MaxResponseBytes+1))
	if err != nil {
		return nil, c.classify(ctx, r, err)
	}
	truncated := int64(len(body)) > c.opts.MaxResponseBytes
	if truncated {
		body = body[:c.opts.MaxResponseBytes]
	}
	headers := make([]*v1.HttpHeader, 0, len(res.Header))
	for name, vals := range res.Header {
		for _, v := range vals {
			headers = append(headers, &v1.HttpHeader{Name: name, Value: v})
		}
	}
	return &pluginv1.HttpResponse{Status: int32(res.StatusCode), Headers: headers, Body: body, Truncated: truncated}, nil
}

func (c *Client) classify(ctx context.Context, r Request, err error) *Error {
	var ne net.Error
	var oe *net.OpError
	switch {
	case errors.Is(ctx.Err(), context.Canceled):
		return &Error{Kind: KindCanceled, Connector: r.Connector, Msg: "the call was canceled", Err: err}
	case errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()):
		return &Error{Kind: KindTimeout, Connector: r.Connector, Msg: fmt.Sprintf("processor did not answer in time (%v)", c.opts.Timeouts.Total), Err: err}
	case errors.Is(err, syscall.ECONNREFUSED) || (errors.As(err, &oe) && oe.Op == "dial"):
		return &Error{Kind: KindConnect, Connector: r.Connector, Msg: "could not connect to the processor", Err: err}
	default:
		return &Error{Kind: KindReset, Connector: r.Connector, Msg: "the connection to the processor failed during the call", Err: err}
	}
}

// redactURL drops a URL's query (where a careless plugin might put a secret).
func redactURL(raw string) string {
	if i := strings.IndexAny(raw, "?#"); i >= 0 {
		return raw[:i] + "?…"
	}
	return raw
}
