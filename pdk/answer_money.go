package pdk

import (
	"strconv"

	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/valyala/fastjson"
)

// MoneyObject reads the amount object at path, whose members valueKey (an
// integer in the processor's minor units, or a string of one) and
// currencyKey (a code) are converted by API.Amounts: Adyen's Amount {value,
// currency}, Square's Money {amount, currency}. It is nil when the object is
// absent or null; one without an integer value or a currency is recorded as
// InvalidResponse (`amount {value: "1.5", currency: "EUR"} is malformed`),
// as is one the conversion refuses.
func (a *Answer) MoneyObject(path, valueKey, currencyKey string) *v1.Money {
	if !a.Has(path) {
		return nil
	}
	o := a.At(path)
	var txt string
	switch x := o.get(valueKey); {
	case x == nil:
	case x.Type() == fastjson.TypeNumber:
		txt = x.String()
	case x.Type() == fastjson.TypeString:
		txt = string(x.GetStringBytes())
	}
	cur := o.Str(currencyKey)
	n, err := strconv.ParseInt(txt, 10, 64)
	if err != nil || cur == "" {
		a.Fail(InvalidResponse("%s {%s: %q, %s: %q} is malformed", path, valueKey, txt, currencyKey, cur))
		return nil
	}
	var amounts Amounts
	if a.api != nil {
		amounts = a.api.Amounts
	}
	m, err := amounts.From(n, cur)
	a.Fail(err)
	return m
}
