package pdk

import (
	"strings"
	"testing"

	"github.com/connectorhost/connector-host/money"
	"github.com/valyala/fastjson"
)

func TestMoneyObject(t *testing.T) {
	api := &API{Amounts: Amounts{Exponents: money.Exponents{"ISK": 2}}}
	read := func(js string) (*Answer, string) {
		a := NewAnswer(api, fastjson.MustParse(js))
		m := a.MoneyObject("amount", "value", "currency")
		if m == nil {
			return a, ""
		}
		return a, m.String()
	}
	for js, want := range map[string]string{
		`{"amount":{"value":1000,"currency":"EUR"}}`:   `minor_amount:1000 currency:"EUR"`,
		`{"amount":{"value":"1000","currency":"EUR"}}`: `minor_amount:1000 currency:"EUR"`,
		`{"amount":{"value":27900,"currency":"ISK"}}`:  `minor_amount:279 currency:"ISK"`,
		`{"other":1}`:     "",
		`{"amount":null}`: "",
	} {
		if a, got := read(js); a.Err() != nil || strings.Join(strings.Fields(got), " ") != want {
			t.Errorf("%s: %q, %v; want %q", js, got, a.Err(), want)
		}
	}
	for js, problem := range map[string]string{
		`{"amount":{"value":1.5,"currency":"EUR"}}`:   `amount {value: "1.5", currency: "EUR"} is malformed`,
		`{"amount":{"currency":"EUR"}}`:               `amount {value: "", currency: "EUR"} is malformed`,
		`{"amount":{"value":10}}`:                     `amount {value: "10", currency: ""} is malformed`,
		`{"amount":{"value":27950,"currency":"ISK"}}`: "ISK",
		`{"amount":{"value":1,"currency":"XXY"}}`:     "unknown currency",
	} {
		if a, got := read(js); got != "" || a.Err() == nil || !strings.Contains(a.Err().Error(), problem) {
			t.Errorf("%s: %q, %v; want an error with %q", js, got, a.Err(), problem)
		}
	}
}
