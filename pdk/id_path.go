package pdk

import pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"

// IDPath is a REST resource addressed by an id the caller sends in the
// processor's format: Prefix, the id, then a suffix for a sub-resource or
// an action ("/payments/" + "pay_..." + "/captures"). Checkout.com's
// payments and disputes and Razorpay's payments are addressed this way.
type IDPath struct {
	// Prefix is the path before the id ("/payments/").
	Prefix string
	// Field names the request field holding the id, for errors.
	Field string
	// Shape is the ids' format; Example shows it in the error for an id
	// without it ("pay_...").
	Shape   IDShape
	Example string
}

// Of returns Prefix + id + suffix, or CheckID's InvalidRequest naming Field
// for an empty id or one without Shape (so no caller's text reaches the
// path unchecked).
func (p IDPath) Of(id, suffix string) (string, error) {
	if err := CheckID(p.Field, id, p.Shape.Match, p.Example); err != nil {
		return "", err
	}
	return p.Prefix + id + suffix, nil
}

// Get builds api's GET of the resource id names (Of(id, "")).
func (p IDPath) Get(c *Context, api *API, id string) (*pluginv1.HttpRequest, error) {
	path, err := p.Of(id, "")
	if err != nil {
		return nil, err
	}
	return api.Get(c, path)
}
