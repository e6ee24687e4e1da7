package pdk

import (
	"strings"
	"testing"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk/sig"
)

func TestVerifyBodyHMACSHA256Hex(t *testing.T) {
	body := []byte(`{"id":"evt_1"}`)
	good := sig.HMACSHA256Hex([]byte("whsec"), body)
	ctx := func(secret string) *Context {
		return NewContext(v1.Flow_FLOW_UNSPECIFIED, &pluginv1.CallContext{Credentials: map[string]string{"webhook_secret": secret}}, nil)
	}
	hook := func(sigValue string, b []byte) *v1.WebhookRequest {
		w := &v1.WebhookRequest{Body: b}
		if sigValue != "" {
			w.Headers = []*v1.HttpHeader{{Name: "X-Sig", Value: sigValue}}
		}
		return w
	}
	cases := []struct {
		name   string
		c      *Context
		w      *v1.WebhookRequest
		reason pluginv1.RejectionReason
	}{
		{"genuine", ctx("whsec"), hook(good, body), 0},
		{"genuine, upper-case hex", ctx("whsec"), hook(strings.ToUpper(good), body), 0},
		{"no secret", ctx(""), hook(good, body), pluginv1.RejectionReason_REJECTION_REASON_MISSING_SECRET},
		{"no header", ctx("whsec"), hook("", body), pluginv1.RejectionReason_REJECTION_REASON_MISSING_SIGNATURE},
		{"not hex", ctx("whsec"), hook("zz"+good[2:], body), pluginv1.RejectionReason_REJECTION_REASON_MALFORMED_SIGNATURE},
		{"short", ctx("whsec"), hook(good[:62], body), pluginv1.RejectionReason_REJECTION_REASON_MALFORMED_SIGNATURE},
		{"tampered body", ctx("whsec"), hook(good, []byte(`{"id":"evt_2"}`)), pluginv1.RejectionReason_REJECTION_REASON_SIGNATURE_MISMATCH},
		{"wrong secret", ctx("other"), hook(good, body), pluginv1.RejectionReason_REJECTION_REASON_SIGNATURE_MISMATCH},
	}
	for _, tc := range cases {
		rej := VerifyBodyHMACSHA256Hex(tc.c, tc.w, "X-Sig", "webhook_secret")
		switch {
		case tc.reason == 0 && rej != nil:
			t.Errorf("%s: refused: %v", tc.name, rej.Message)
		case tc.reason != 0 && (rej == nil || rej.Reason != tc.reason):
			t.Errorf("%s: %v, want %v", tc.name, rej, tc.reason)
		}
	}
}
