package pdk

import (
	"strings"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
)

// Request builds the processor HTTP request a Build handler returns.
type Request struct{ r *pluginv1.HttpRequest }

// NewRequest starts a request with method and absolute URL.
func NewRequest(method, url string) *Request {
	return &Request{r: &pluginv1.HttpRequest{Method: method, Url: url}}
}

// Header adds a header.
func (b *Request) Header(name, value string) *Request {
	b.r.Headers = append(b.r.Headers, &v1.HttpHeader{Name: name, Value: value})
	return b
}

// SecretHeader adds a header that carries a secret (API key, signature); the
// host never logs it.
func (b *Request) SecretHeader(name, value string) *Request {
	b.Header(name, value)
	b.r.SecretHeaders = append(b.r.SecretHeaders, name)
	return b
}

// IdempotencyKey adds the processor's idempotency header and marks the request
// safe to retry.
func (b *Request) IdempotencyKey(header, key string) *Request {
	b.Header(header, key)
	b.r.Idempotent = true
	return b
}

// AdvisoryIdempotencyKey sets the idempotency header WITHOUT marking the
// request safe to retry: for a processor that does not deduplicate by the
// key (it is sent for its logs and tracing only). The host then never
// repeats the request after a timeout or a 5xx, since a repeat could refund
// or charge twice; the caller retries with the same merchant id after
// reading the status. Use IdempotencyKey whenever the processor honours the
// key.
func (b *Request) AdvisoryIdempotencyKey(header, key string) *Request {
	b.Header(header, key)
	return b
}

// Idempotent marks the request safe to retry without adding a header: for
// methods the processor defines as idempotent (GET, DELETE of a resource).
func (b *Request) Idempotent() *Request {
	b.r.Idempotent = true
	return b
}

// Body sets the body and its Content-Type.
func (b *Request) Body(contentType string, body []byte) *Request {
	b.Header("Content-Type", contentType)
	b.r.Body = body
	return b
}

// Build returns the finished request.
func (b *Request) Build() *pluginv1.HttpRequest { return b.r }

// Response is the processor's HTTP answer as the host received it.
type Response struct {
	Status    int
	Headers   []*v1.HttpHeader
	Body      []byte
	Truncated bool
	// Request is the request the plugin built, without secret header values.
	Request *pluginv1.HttpRequest

	// parsers lends JSON parsers for the answer for the length of one
	// parse_response call (nil: each read gets a new parser).
	parsers *parserLoan
}

// Header returns the first value of a header (case-insensitive), or "".
func (r *Response) Header(name string) string {
	for _, h := range r.Headers {
		if strings.EqualFold(h.GetName(), name) {
			return h.GetValue()
		}
	}
	return ""
}

// Header returns the first value of a header in hs (case-insensitive), or "".
func Header(hs []*v1.HttpHeader, name string) string {
	for _, h := range hs {
		if strings.EqualFold(h.GetName(), name) {
			return h.GetValue()
		}
	}
	return ""
}
