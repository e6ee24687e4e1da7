package pdk

import (
	"strconv"
	"strings"
	"testing"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk/sig"
)

func TestTimestampedHMAC(t *testing.T) {
	const now = int64(1767322800)
	body := []byte(`{"id":"evt_1"}`)
	stripe := &TimestampedHMAC{Name: "Acme", Header: "Acme-Signature", SecretField: "webhook_secret", Separator: ",",
		TimestampKey: "t", SignatureKey: "v1", Join: ".", Tolerance: 300}
	paddle := &TimestampedHMAC{Name: "Paddle", Header: "Paddle-Signature", SecretField: "webhook_secret", Separator: ";",
		TimestampKey: "ts", SignatureKey: "h1", Join: ":", Tolerance: 5}
	b64 := *stripe
	b64.Base64 = true
	signed := func(ts int64, join string) []byte {
		return append([]byte(strconv.FormatInt(ts, 10)+join), body...)
	}
	good := sig.HMACSHA256Hex([]byte("whsec"), signed(now, "."))
	ctx := func(secret string) *Context {
		return NewContext(v1.Flow_FLOW_UNSPECIFIED, &pluginv1.CallContext{Credentials: map[string]string{"webhook_secret": secret},
			NowUnixMs: now * 1000}, nil)
	}
	ts := strconv.FormatInt(now, 10)
	cases := []struct {
		name, header, value string
		v                   *TimestampedHMAC
		secret              string
		reason              pluginv1.RejectionReason
		msg                 string
	}{
		{"genuine", "Acme-Signature", "t=" + ts + ",v1=" + good, stripe, "whsec", 0, ""},
		{"genuine, upper-case hex, spaces, unknown scheme", "Acme-Signature", "t=" + ts + ", v0=abc, v1=" + strings.ToUpper(good),
			stripe, "whsec", 0, ""},
		{"one of two rotated signatures", "Acme-Signature", "t=" + ts + ",v1=" + strings.Repeat("0", 64) + ",v1=" + good,
			stripe, "whsec", 0, ""},
		{"Paddle form", "Paddle-Signature", "ts=" + ts + ";h1=" + sig.HMACSHA256Hex([]byte("whsec"), signed(now, ":")),
			paddle, "whsec", 0, ""},
		{"base64", "Acme-Signature", "t=" + ts + ",v1=" + sig.HMACSHA256Base64([]byte("whsec"), signed(now, ".")), &b64, "whsec", 0, ""},
		{"no secret", "Acme-Signature", "t=" + ts + ",v1=" + good, stripe, "",
			pluginv1.RejectionReason_REJECTION_REASON_MISSING_SECRET, `credential "webhook_secret" is required to verify Acme webhooks`},
		{"no header", "Other", "x", stripe, "whsec",
			pluginv1.RejectionReason_REJECTION_REASON_MISSING_SIGNATURE, "the Acme-Signature header is missing"},
		{"item without =", "Acme-Signature", "t=" + ts + ",v1", stripe, "whsec",
			pluginv1.RejectionReason_REJECTION_REASON_MALFORMED_SIGNATURE, "the Acme-Signature header has an item without '='"},
		{"bad timestamp", "Acme-Signature", "t=x,v1=" + good, stripe, "whsec",
			pluginv1.RejectionReason_REJECTION_REASON_MALFORMED_SIGNATURE, "the Acme-Signature header has a bad timestamp"},
		{"two timestamps", "Acme-Signature", "t=" + ts + ",t=" + ts + ",v1=" + good, stripe, "whsec",
			pluginv1.RejectionReason_REJECTION_REASON_MALFORMED_SIGNATURE, "the Acme-Signature header has a bad timestamp"},
		{"no timestamp", "Acme-Signature", "v1=" + good, stripe, "whsec",
			pluginv1.RejectionReason_REJECTION_REASON_MALFORMED_SIGNATURE, "the Acme-Signature header has no timestamp"},
		{"no signature", "Acme-Signature", "t=" + ts + ",v0=" + good, stripe, "whsec",
			pluginv1.RejectionReason_REJECTION_REASON_MALFORMED_SIGNATURE, "the Acme-Signature header has no v1 signature"},
		{"stale", "Acme-Signature", "t=" + strconv.FormatInt(now-301, 10) + ",v1=" + good, stripe, "whsec",
			pluginv1.RejectionReason_REJECTION_REASON_STALE_TIMESTAMP, "the signature timestamp is 301 s from now; the tolerance is 300 s"},
		{"future", "Acme-Signature", "t=" + strconv.FormatInt(now+301, 10) + ",v1=" + good, stripe, "whsec",
			pluginv1.RejectionReason_REJECTION_REASON_STALE_TIMESTAMP, "the signature timestamp is -301 s from now; the tolerance is 300 s"},
		{"wrong secret", "Acme-Signature", "t=" + ts + ",v1=" + good, stripe, "other",
			pluginv1.RejectionReason_REJECTION_REASON_SIGNATURE_MISMATCH, "no v1 signature matches the body"},
		{"hex where base64 is expected", "Acme-Signature", "t=" + ts + ",v1=" + good, &b64, "whsec",
			pluginv1.RejectionReason_REJECTION_REASON_SIGNATURE_MISMATCH, "no v1 signature matches the body"},
	}
	for _, tc := range cases {
		w := &v1.WebhookRequest{Body: body, Headers: []*v1.HttpHeader{{Name: tc.header, Value: tc.value}}}
		rej := tc.v.Verify(ctx(tc.secret), w)
		switch {
		case tc.reason == 0 && rej != nil:
			t.Errorf("%s: refused: %v", tc.name, rej.Message)
		case tc.reason != 0 && (rej == nil || rej.Reason != tc.reason || rej.Message != tc.msg):
			t.Errorf("%s: %v, want %v %q", tc.name, rej, tc.reason, tc.msg)
		}
	}
	// The signed timestamp is the one checked: the same signature with another t fails.
	w := &v1.WebhookRequest{Body: body, Headers: []*v1.HttpHeader{{Name: "Acme-Signature", Value: "t=" + strconv.FormatInt(now-1, 10) + ",v1=" + good}}}
	if rej := stripe.Verify(ctx("whsec"), w); rej == nil || rej.Reason != pluginv1.RejectionReason_REJECTION_REASON_SIGNATURE_MISMATCH {
		t.Errorf("another timestamp: %v", rej)
	}
}

func TestTimestampedHMACSupport(t *testing.T) {
	v := &TimestampedHMAC{SecretField: "webhook_secret", Tolerance: 300}
	got := v.Support("acme-hmac", []string{"a.b"})
	if !got.GetSupported() || got.GetSignatureScheme() != "acme-hmac" || got.GetSecretField() != "webhook_secret" ||
		!got.GetTimestamped() || got.GetToleranceSeconds() != 300 || len(got.GetEventTypes()) != 1 {
		t.Errorf("Support = %v", got)
	}
}
