package pdk

import (
	"testing"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk/sig"
)

func TestHexKey(t *testing.T) {
	ctx := func(v string) *Context {
		return NewContext(v1.Flow_FLOW_UNSPECIFIED, &pluginv1.CallContext{Credentials: map[string]string{"hmac_key": v}}, nil)
	}
	if k, rej := HexKey(ctx(" 0aFF "), "hmac_key"); rej != nil || string(k) != "\x0a\xff" {
		t.Errorf("hex key: %x %v", k, rej)
	}
	if _, rej := HexKey(ctx(""), "hmac_key"); rej == nil || rej.Reason != pluginv1.RejectionReason_REJECTION_REASON_MISSING_SECRET {
		t.Errorf("missing key: %v", rej)
	}
	if _, rej := HexKey(ctx("xyz"), "hmac_key"); rej == nil || rej.Reason != pluginv1.RejectionReason_REJECTION_REASON_SIGNATURE_MISMATCH {
		t.Errorf("malformed key: %v", rej)
	}
}

func TestVerifyBodyHMACSHA256Base64(t *testing.T) {
	key, body := []byte("k"), []byte(`{"type":"x"}`)
	good := sig.HMACSHA256Base64(key, body)
	hook := func(v string, b []byte) *v1.WebhookRequest {
		return &v1.WebhookRequest{Body: b, Headers: []*v1.HttpHeader{{Name: "HmacSignature", Value: v}}}
	}
	cases := []struct {
		name   string
		w      *v1.WebhookRequest
		key    []byte
		reason pluginv1.RejectionReason
	}{
		{"genuine", hook(good, body), key, 0},
		{"genuine, padded", hook(" "+good+" ", body), key, 0},
		{"no header", &v1.WebhookRequest{Body: body}, key, pluginv1.RejectionReason_REJECTION_REASON_MISSING_SIGNATURE},
		{"not base64", hook("%%%", body), key, pluginv1.RejectionReason_REJECTION_REASON_MALFORMED_SIGNATURE},
		{"short", hook(good[:20], body), key, pluginv1.RejectionReason_REJECTION_REASON_MALFORMED_SIGNATURE},
		{"tampered", hook(good, []byte(`{"type":"y"}`)), key, pluginv1.RejectionReason_REJECTION_REASON_SIGNATURE_MISMATCH},
		{"other key", hook(good, body), []byte("j"), pluginv1.RejectionReason_REJECTION_REASON_SIGNATURE_MISMATCH},
	}
	for _, tc := range cases {
		rej := VerifyBodyHMACSHA256Base64(tc.w, "HmacSignature", tc.key, `credential "k"`)
		switch {
		case tc.reason == 0 && rej != nil:
			t.Errorf("%s: refused: %v", tc.name, rej.Message)
		case tc.reason != 0 && (rej == nil || rej.Reason != tc.reason):
			t.Errorf("%s: %v, want %v", tc.name, rej, tc.reason)
		}
	}
}
