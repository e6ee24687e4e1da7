package jsonr

import (
	"github.com/connectorhost/connector-host/pdk"
	"github.com/valyala/fastjson"
)

// Member parses res.Body as Object does and returns its member name, which
// must be an object with a non-empty "id": the answers that wrap the object
// in an envelope named after its type, as GoCardless ({"payments": {...}})
// and Square ({"payment": {...}}) answer. processor names the processor in
// error messages. Check the HTTP status first: Member reads any answer.
func Member(res *pdk.Response, processor, name string) (*fastjson.Value, error) {
	v, err := Object(res, processor)
	if err != nil {
		return nil, err
	}
	o := Obj(v, name)
	if o == nil {
		return nil, pdk.InvalidResponse("%s's answer (HTTP %d) has no %s object", processor, res.Status, name)
	}
	if Str(o, "id") == "" {
		return nil, pdk.InvalidResponse("%s's %s has no id", processor, name)
	}
	return o, nil
}

// NeedStr returns the string at key of an answer's object v, refusing an
// answer without it: "<processor>'s <what> answer has no <key>" (an
// InvalidResponse), for the id a caller needs to continue. Checkout.com and
// Razorpay read created objects' ids with it.
func NeedStr(v *fastjson.Value, processor, what, key string) (string, error) {
	s := Str(v, key)
	if s == "" {
		return "", pdk.InvalidResponse("%s's %s answer has no %s", processor, what, key)
	}
	return s, nil
}

// ObjectWithID reads a 2xx answer as one JSON object after check (the
// connector's reader of its error answers: nil for a 2xx answer, else the
// typed error) and returns it with the string at key, which the caller
// needs to continue (a created object's id): an answer without it is
// NeedStr's InvalidResponse. Checkout.com and Razorpay read the customers,
// instruments, orders and payments they create with it.
func ObjectWithID(res *pdk.Response, processor string, check func(*pdk.Response) error, what, key string) (*fastjson.Value, string, error) {
	if err := check(res); err != nil {
		return nil, "", err
	}
	v, err := Object(res, processor)
	if err != nil {
		return nil, "", err
	}
	id, err := NeedStr(v, processor, what, key)
	if err != nil {
		return nil, "", err
	}
	return v, id, nil
}
