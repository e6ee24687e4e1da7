package pdk

import (
	"testing"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
)

func TestFillPlaceholders(t *testing.T) {
	c := &Context{Credentials: map[string]string{"live_url_prefix": "1797a841fbb37ca7-AdyenDemo"}}
	if got, err := c.FillPlaceholders("https://{live_url_prefix}-checkout-live.adyenpayments.com/v71"); err != nil ||
		got != "https://1797a841fbb37ca7-AdyenDemo-checkout-live.adyenpayments.com/v71" {
		t.Fatalf("fill = %q, %v", got, err)
	}
	if got, err := c.FillPlaceholders("https://ca-live.adyen.com/x"); err != nil || got != "https://ca-live.adyen.com/x" {
		t.Fatalf("no placeholder = %q, %v", got, err)
	}
	for _, bad := range []string{"", "evil.example/x", "a.b", "-x", "x-"} {
		c.Credentials["live_url_prefix"] = bad
		_, err := c.FillPlaceholders("https://{live_url_prefix}.example.com")
		if e, ok := err.(*Error); !ok || e.Kind != pluginv1.ErrorKind_ERROR_KIND_CREDENTIALS {
			t.Errorf("prefix %q: err = %v, want a CREDENTIALS error", bad, err)
		}
	}
	if _, err := c.FillPlaceholders("https://x}{.example.com"); err == nil {
		t.Error("an unbalanced placeholder must fail")
	}
}
