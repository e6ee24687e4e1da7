package pdk

import (
	"strings"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	"github.com/connectorhost/connector-host/pdk/idemkey"
)

// NewRequest starts the request of a hand-written Build function the way
// a Call starts its own: method and c.URL(path), then the API's Auth and
// Headers. A connector declares its authentication and headers once, in
// its API, whether a flow is a Call or two functions.
func (api *API) NewRequest(c *Context, method, path string) (*Request, error) {
	return api.start(c, method, c.URL(path))
}

// start makes a request to url with the API's Auth and Headers: the one way
// Calls and hand-written Build functions begin.
func (api *API) start(c *Context, method, url string) (*Request, error) {
	r := NewRequest(method, url)
	if api.Auth != nil {
		if err := api.Auth(c, r); err != nil {
			return nil, err
		}
	}
	for _, h := range api.Headers {
		r.Header(h[0], h[1])
	}
	return r, nil
}

// Get builds a GET of path. A GET only reads, so it is marked safe for the
// host to retry.
func (api *API) Get(c *Context, path string) (*pluginv1.HttpRequest, error) {
	r, err := api.NewRequest(c, "GET", path)
	if err != nil {
		return nil, err
	}
	return r.Idempotent().Build(), nil
}

// Send builds a mutating request that carries key in API.IdempotencyHeader
// (marked safe to retry: the processor deduplicates by the key) and, when
// body is not nil, body with API.Encoding's content type. A key longer than
// API.MaxKeyLen (255 when unset, the ABI's limit) is bounded as pdk/idemkey
// bounds "<op>:<id>": the part before its first ':' kept, the rest hashed,
// so a retry of the same request still sends the same key.
func (api *API) Send(c *Context, method, path, key string, body []byte) (*pluginv1.HttpRequest, error) {
	r, err := api.NewRequest(c, method, path)
	if err != nil {
		return nil, err
	}
	if max := api.maxKeyLen(); len(key) > max {
		op, id, found := strings.Cut(key, ":")
		if !found || len(op) >= max/2 {
			op, id = "key", key
		}
		key = idemkey.Derive(op, id, max)
	}
	r.IdempotencyKey(api.IdempotencyHeader, key)
	if body != nil {
		r.Body(api.Encoding.contentType(), body)
	}
	return r.Build(), nil
}
