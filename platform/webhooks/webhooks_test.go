package webhooks_test

import (
	"testing"
	"time"

	"github.com/connectorhost/connector-host/platform/webhooks"
)

func TestSignVerify(t *testing.T) {
	secret, body := []byte("whsec_x"), []byte(`{"id":"evt_1"}`)
	now := time.Unix(1_800_000_000, 0)
	h := webhooks.Sign(secret, now.Unix(), body)
	if !webhooks.Verify(secret, h, body, now, time.Minute) {
		t.Fatalf("own signature %q does not verify", h)
	}
	for name, c := range map[string]struct {
		secret []byte
		header string
		body   []byte
		now    time.Time
	}{
		"other body":   {secret, h, []byte(`{"id":"evt_2"}`), now},
		"other secret": {[]byte("whsec_y"), h, body, now},
		"too old":      {secret, h, body, now.Add(2 * time.Minute)},
		"no signature": {secret, "t=1800000000", body, now},
		"garbage":      {secret, "v1=abc", body, now},
	} {
		if webhooks.Verify(c.secret, c.header, c.body, c.now, time.Minute) {
			t.Errorf("%s: verified", name)
		}
	}
}
