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

func TestIDPathGet(t *testing.T) {
	disputes := IDPath{Prefix: "/v1/disputes/", Field: "connector_dispute_id", Example: "dsp_...",
		Shape: IDShape{Prefixes: []string{"dsp_"}, Min: 2, Max: 8, Chars: AlphaNumeric}}
	r, err := disputes.Get(testContext(map[string]string{"api_key": "k"}), testAPI, "dsp_x1")
	if err != nil || r.GetMethod() != "GET" || r.GetUrl() != "https://api.acme.test/v1/disputes/dsp_x1" {
		t.Fatalf("Get: %v, %v", r, err)
	}
	if _, err := disputes.Get(testContext(nil), testAPI, "dsp_x1?expand=all"); err == nil {
		t.Errorf("an id without the shape must not reach the URL")
	}
}
