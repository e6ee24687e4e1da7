package pdk

// Required is a Call.Check that refuses a request in which has finds no
// value (a nested message, a list) with InvalidRequest(field, "is
// required"): what a Body field's Required cannot say of a value that is not
// written as one field.
//
//	Check: pdk.Required("customer", func(r *v1.CustomerServiceCreateRequest) bool { return r.GetCustomer() != nil }),
func Required[Req any](field string, has func(Req) bool) func(*Context, Req) error {
	return func(_ *Context, req Req) error {
		if !has(req) {
			return InvalidRequest(field, "is required")
		}
		return nil
	}
}
