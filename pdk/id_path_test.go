package pdk

import (
	"strings"
	"testing"
)

func TestIDPath(t *testing.T) {
	payments := IDPath{Prefix: "/payments/", Field: "connector_transaction_id", Example: "pay_...",
		Shape: IDShape{Prefixes: []string{"pay_"}, Min: 4, Max: 4, Chars: AlphaNumeric}}
	if p, err := payments.Of("pay_ab12", "/captures"); p != "/payments/pay_ab12/captures" || err != nil {
		t.Errorf("Of: %q, %v", p, err)
	}
	if p, err := payments.Of("pay_ab12", ""); p != "/payments/pay_ab12" || err != nil {
		t.Errorf("Of without a suffix: %q, %v", p, err)
	}
	for id, want := range map[string]string{
		"":              "connector_transaction_id: is required",
		"pay_ab12/../x": "connector_transaction_id: must be an id like pay_...",
		"src_ab12":      "connector_transaction_id: must be an id like pay_...",
	} {
		if _, err := payments.Of(id, ""); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Of(%q): %v, want %q", id, err, want)
		}
	}
}
