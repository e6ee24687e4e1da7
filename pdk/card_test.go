package pdk

import (
	"strings"
	"testing"

	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
)

func TestCheckCard(t *testing.T) {
	good := func() *v1.Card { return &v1.Card{Number: "4111111111111111", ExpMonth: 3, ExpYear: 2030, Cvc: "737"} }
	if err := CheckCard(good()); err != nil {
		t.Fatalf("valid card: %v", err)
	}
	for _, tc := range []struct {
		name  string
		edit  func(*v1.Card)
		field string
	}{
		{"no number", func(c *v1.Card) { c.Number = "" }, "payment_method.card.number"},
		{"short number", func(c *v1.Card) { c.Number = "41111111111" }, "payment_method.card.number"},
		{"spaces", func(c *v1.Card) { c.Number = "4111 1111 1111 1111" }, "payment_method.card.number"},
		{"month 13", func(c *v1.Card) { c.ExpMonth = 13 }, "payment_method.card.exp_month"},
		{"month 0", func(c *v1.Card) { c.ExpMonth = 0 }, "payment_method.card.exp_month"},
		{"two-digit year", func(c *v1.Card) { c.ExpYear = 30 }, "payment_method.card.exp_year"},
		{"cvc letters", func(c *v1.Card) { c.Cvc = "7a7" }, "payment_method.card.cvc"},
		{"cvc long", func(c *v1.Card) { c.Cvc = "73737" }, "payment_method.card.cvc"},
	} {
		c := good()
		tc.edit(c)
		err := CheckCard(c)
		if err == nil || !strings.HasPrefix(err.Error(), tc.field+":") {
			t.Errorf("%s: error = %v, want one naming %s", tc.name, err, tc.field)
		}
		if err != nil && c.GetNumber() != "" && strings.Contains(err.Error(), c.GetNumber()) {
			t.Errorf("%s: error quotes the card number: %v", tc.name, err)
		}
	}
	// No CVC is allowed (a merchant-initiated charge has none).
	c := good()
	c.Cvc = ""
	if err := CheckCard(c); err != nil {
		t.Errorf("without CVC: %v", err)
	}
}
