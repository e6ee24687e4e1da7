package pdk

// NewRequest starts the request of a hand-written Build function the way
// a Call starts its own: method and c.URL(path), then the API's Auth and
// Headers. A connector declares its authentication and headers once, in
// its API, whether a flow is a Call or two functions.
func (api *API) NewRequest(c *Context, method, path string) (*Request, error) {
	r := NewRequest(method, c.URL(path))
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
