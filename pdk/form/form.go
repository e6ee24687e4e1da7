// Package form builds application/x-www-form-urlencoded bodies with nested
// bracket keys, as Stripe's API takes them:
//
//	f := form.New()
//	f.Set("amount", "1000")
//	card := f.Nest("payment_method_data").Nest("card")
//	card.Set("number", n)            // payment_method_data[card][number]=...
//	f.Nest("metadata").Set("order", "42")
//	f.Nest("expand").Append("latest_charge") // expand[]=latest_charge
//
// Keys keep the order they were set in, so output is deterministic.
package form

import (
	"strconv"
	"strings"

	"github.com/connectorhost/connector-host/internal/weburl"
)

// Values is an ordered form.
type Values struct {
	pairs  *[]pair
	prefix string
}

type pair struct{ key, value string }

// New returns an empty form.
func New() *Values { return &Values{pairs: new([]pair)} }

// Nest returns a view whose keys are prefixed with name: Nest("a").Set("b", v) sets a[b].
func (v *Values) Nest(name string) *Values {
	return &Values{pairs: v.pairs, prefix: v.key(name)}
}

// Index returns a view for element i of an array: Nest("items").Index(0).Set("price", p) sets items[0][price].
func (v *Values) Index(i int) *Values {
	return &Values{pairs: v.pairs, prefix: v.prefix + "[" + strconv.Itoa(i) + "]"}
}

func (v *Values) key(name string) string {
	if v.prefix == "" {
		return name
	}
	return v.prefix + "[" + name + "]"
}

// Set adds name=value.
func (v *Values) Set(name, value string) *Values {
	*v.pairs = append(*v.pairs, pair{v.key(name), value})
	return v
}

// SetIf adds name=value when value is not empty.
func (v *Values) SetIf(name, value string) *Values {
	if value != "" {
		v.Set(name, value)
	}
	return v
}

// SetInt adds name=n.
func (v *Values) SetInt(name string, n int64) *Values {
	return v.Set(name, strconv.FormatInt(n, 10))
}

// SetBool adds name=true|false.
func (v *Values) SetBool(name string, b bool) *Values {
	return v.Set(name, strconv.FormatBool(b))
}

// Append adds an array element: on Nest("expand"), Append(x) adds expand[]=x.
func (v *Values) Append(value string) *Values {
	*v.pairs = append(*v.pairs, pair{v.prefix + "[]", value})
	return v
}

// Len is the number of pairs in the whole form.
func (v *Values) Len() int { return len(*v.pairs) }

// Get returns the first value of a full key (e.g. "payment_method_data[card][number]").
func (v *Values) Get(key string) (string, bool) {
	for _, p := range *v.pairs {
		if p.key == key {
			return p.value, true
		}
	}
	return "", false
}

// Encode returns the form body. Keys and values are query-escaped, brackets included.
func (v *Values) Encode() []byte {
	var b strings.Builder
	for i, p := range *v.pairs {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(weburl.QueryEscape(p.key))
		b.WriteByte('=')
		b.WriteString(weburl.QueryEscape(p.value))
	}
	return []byte(b.String())
}
