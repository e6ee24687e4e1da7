package pdk

import (
	"strconv"
	"strings"

	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk/statusmap"
	"github.com/valyala/fastjson"
)

// Answer is a processor's JSON answer being read into a unified response:
// accessors at dotted JSON paths ("latest_charge.payment_method_details.card")
// that never panic on a missing or mistyped member. Accessors whose problem
// makes the answer unusable (a required member absent, an amount that is not
// an integer or in an unknown currency) record the first such problem as an
// InvalidResponse, returned by Err, so a response is written as one struct
// literal and checked once:
//
//	return &v1.RefundServiceGetResponse{
//		ConnectorRefundId: a.Require("id"),
//		Status:            pdk.Status(a, "status", refundStatuses),
//		RefundAmount:      a.Money("amount", "currency"),
//	}, a.Err()
//
// A member whose name itself contains a dot is written with the dot escaped
// by a backslash: `additionalData.tokenization\.storedPaymentMethodId` reads
// the member "tokenization.storedPaymentMethodId" of "additionalData" (and
// `\\` is a literal backslash).
type Answer struct {
	// V is the answer's JSON object (nil for an error answer without one).
	V *fastjson.Value
	// Res is the HTTP answer.
	Res *Response

	api    *API
	err    error
	parent *Answer // the answer At was called on, which keeps the error
}

// NewAnswer reads v (an object the connector already holds: a webhook's
// payload, an embedded object) with api's conversions.
func NewAnswer(api *API, v *fastjson.Value) *Answer { return &Answer{V: v, api: api} }

// At returns an Answer on the object at path (nil V when absent), sharing
// this answer's error.
func (a *Answer) At(path string) *Answer {
	return &Answer{V: a.Obj(path), Res: a.Res, api: a.api, parent: a}
}

// Err returns the first problem a read recorded, or nil.
func (a *Answer) Err() error {
	if a.parent != nil {
		return a.parent.Err()
	}
	return a.err
}

// Fail records err as the answer's problem unless one is recorded already.
func (a *Answer) Fail(err error) {
	if a.parent != nil {
		a.parent.Fail(err)
		return
	}
	if a.err == nil && err != nil {
		a.err = err
	}
}

func (a *Answer) get(path string) *fastjson.Value {
	if a == nil || a.V == nil {
		return nil
	}
	if path == "" {
		return nil
	}
	if strings.Contains(path, `\`) {
		return a.V.Get(splitPath(path)...)
	}
	// One member at a time: the same lookups as Get(strings.Split(path,
	// ".")...) without allocating the slice on every read.
	v := a.V
	for {
		key, rest, more := strings.Cut(path, ".")
		if v = v.Get(key); v == nil || !more {
			return v
		}
		path = rest
	}
}

// splitPath splits an answer path at its unescaped dots; `\.` is a dot and
// `\\` a backslash within a member name.
func splitPath(path string) []string {
	if !strings.Contains(path, `\`) {
		return strings.Split(path, ".")
	}
	var keys []string
	var cur strings.Builder
	for i := 0; i < len(path); i++ {
		switch ch := path[i]; {
		case ch == '\\' && i+1 < len(path) && (path[i+1] == '.' || path[i+1] == '\\'):
			i++
			cur.WriteByte(path[i])
		case ch == '.':
			keys = append(keys, cur.String())
			cur.Reset()
		default:
			cur.WriteByte(ch)
		}
	}
	return append(keys, cur.String())
}

// HTTPStatus is the answer's HTTP status (200 for an object read with
// NewAnswer).
func (a *Answer) HTTPStatus() int {
	if a.Res == nil {
		return 200
	}
	return a.Res.Status
}

// Header returns the answer's first header value by name ("" for an object
// read with NewAnswer).
func (a *Answer) Header(name string) string {
	if a.Res == nil {
		return ""
	}
	return a.Res.Header(name)
}

// Has reports whether path holds a value that is not null.
func (a *Answer) Has(path string) bool {
	x := a.get(path)
	return x != nil && x.Type() != fastjson.TypeNull
}

// Str returns the string at path, or "" when absent or not a string.
func (a *Answer) Str(path string) string {
	x := a.get(path)
	if x == nil || x.Type() != fastjson.TypeString {
		return ""
	}
	return string(x.GetStringBytes())
}

// Require returns the non-empty string at path; an absent or empty one is
// recorded as InvalidResponse ("the answer has no id").
func (a *Answer) Require(path string) string {
	s := a.Str(path)
	if s == "" {
		a.Fail(InvalidResponse("the answer has no %s", path))
	}
	return s
}

// Expect records an InvalidResponse when path holds a string other than
// want (an answer about another kind of object); an absent member passes.
func (a *Answer) Expect(path, want string) {
	if got := a.Str(path); got != "" && got != want {
		a.Fail(InvalidResponse("answered with %s %q where %q was expected", path, got, want))
	}
}

// Int returns the integer at path, 0 when absent or null. A member that is
// present but not an integer (a fraction, a string) is recorded as
// InvalidResponse: an amount must never be guessed at.
func (a *Answer) Int(path string) int64 {
	x := a.get(path)
	if x == nil || x.Type() == fastjson.TypeNull {
		return 0
	}
	if x.Type() == fastjson.TypeNumber {
		if n, err := strconv.ParseInt(x.String(), 10, 64); err == nil {
			return n
		}
	}
	a.Fail(InvalidResponse("%s is not an integer: %s", path, x.String()))
	return 0
}

// Bool returns the boolean at path, false when absent or not a boolean.
func (a *Answer) Bool(path string) bool {
	x := a.get(path)
	return x != nil && x.Type() == fastjson.TypeTrue
}

// Obj returns the object at path, or nil when absent or not an object.
func (a *Answer) Obj(path string) *fastjson.Value {
	x := a.get(path)
	if x == nil || x.Type() != fastjson.TypeObject {
		return nil
	}
	return x
}

// Money returns the amount at amountPath in the currency at currencyPath,
// converted to ISO minor units by API.Amounts; an unknown currency or an
// amount that does not convert is recorded as InvalidResponse (nil).
func (a *Answer) Money(amountPath, currencyPath string) *v1.Money {
	n := a.Int(amountPath)
	var amounts Amounts
	if a.api != nil {
		amounts = a.api.Amounts
	}
	m, err := amounts.From(n, a.Str(currencyPath))
	if err != nil {
		a.Fail(err)
		return nil
	}
	return m
}

// Status maps the string at path through a status table (its fallback for
// values the table does not know: never success).
func Status[V any](a *Answer, path string, table statusmap.Map[string, V]) V {
	return table.Get(a.Str(path))
}

// List returns an Answer on each object element of the array at path
// (elements that are not objects are skipped), sharing this answer's error.
func (a *Answer) List(path string) []*Answer {
	x := a.get(path)
	if x == nil || x.Type() != fastjson.TypeArray {
		return nil
	}
	items, _ := x.Array()
	var out []*Answer
	for _, it := range items {
		if it.Type() == fastjson.TypeObject {
			out = append(out, &Answer{V: it, Res: a.Res, api: a.api, parent: a})
		}
	}
	return out
}

// Strings returns the string elements of the array at path, in order.
func (a *Answer) Strings(path string) []string {
	x := a.get(path)
	if x == nil || x.Type() != fastjson.TypeArray {
		return nil
	}
	items, _ := x.Array()
	var out []string
	for _, it := range items {
		if it.Type() == fastjson.TypeString {
			out = append(out, string(it.GetStringBytes()))
		}
	}
	return out
}
