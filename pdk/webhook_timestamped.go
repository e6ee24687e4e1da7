package pdk

import (
	"strconv"
	"strings"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk/sig"
)

// TimestampedHMAC declares a webhook signature carried in one header as
// key=value items with a timestamp and one or more signatures, each an
// HMAC-SHA256 of "<timestamp><Join><raw body>" with the secret credential:
//
//	Stripe-Signature: t=1767322800,v1=5257a8...,v1=9f0c3e...   (Stripe: ",", "t", "v1", ".")
//	Paddle-Signature: ts=1671552777;h1=eb4d0d...               (Paddle Billing: ";", "ts", "h1", ":")
//
// Several signatures may be present while a secret is rotated: one match is
// enough, and every one is compared (constant time). Items with other keys
// (older schemes) are ignored. The timestamp, in Unix seconds, must be
// within Tolerance of the host's clock either way, which stops replays.
type TimestampedHMAC struct {
	// Name is the processor's name in the missing-secret message ("Stripe").
	Name string
	// Header is the signature header ("Stripe-Signature").
	Header string
	// SecretField is the credential holding the signing secret.
	SecretField string
	// Separator separates the items (","), each "key=value".
	Separator string
	// TimestampKey and SignatureKey are the items' keys ("t", "v1").
	TimestampKey, SignatureKey string
	// Join is written between the timestamp and the body in the signed
	// payload (".").
	Join string
	// Base64 says the signatures are base64; otherwise they are hex (either
	// case).
	Base64 bool
	// Tolerance is how far (seconds) the timestamp may be from the clock.
	Tolerance int64
}

// Verify checks w's signature: nil when authentic, else a *Rejection naming
// the problem (missing secret or header, malformed header, stale timestamp,
// no matching signature).
func (v *TimestampedHMAC) Verify(c *Context, w *v1.WebhookRequest) *Rejection {
	secret := c.Credentials[v.SecretField]
	if secret == "" {
		return Reject(pluginv1.RejectionReason_REJECTION_REASON_MISSING_SECRET,
			"credential %q is required to verify %s webhooks", v.SecretField, v.Name)
	}
	header := Header(w.GetHeaders(), v.Header)
	if strings.TrimSpace(header) == "" {
		return Reject(pluginv1.RejectionReason_REJECTION_REASON_MISSING_SIGNATURE, "the %s header is missing", v.Header)
	}
	ts, sigs, problem := v.parse(header)
	if problem != "" {
		return Reject(pluginv1.RejectionReason_REJECTION_REASON_MALFORMED_SIGNATURE, "the %s header %s", v.Header, problem)
	}
	if age := c.NowUnix() - ts; age > v.Tolerance || age < -v.Tolerance {
		return Reject(pluginv1.RejectionReason_REJECTION_REASON_STALE_TIMESTAMP,
			"the signature timestamp is %d s from now; the tolerance is %d s", age, v.Tolerance)
	}
	signed := append(append(strconv.AppendInt(nil, ts, 10), v.Join...), w.GetBody()...)
	var expected string
	if v.Base64 {
		expected = sig.HMACSHA256Base64([]byte(secret), signed)
	} else {
		expected = sig.HMACSHA256Hex([]byte(secret), signed)
	}
	match := false
	for _, s := range sigs {
		if !v.Base64 {
			s = strings.ToLower(s)
		}
		match = sig.EqualString(expected, s) || match // every entry is compared: constant time
	}
	if !match {
		return Reject(pluginv1.RejectionReason_REJECTION_REASON_SIGNATURE_MISMATCH, "no %s signature matches the body", v.SignatureKey)
	}
	return nil
}

// parse reads the header's timestamp and signatures, or the problem that
// makes it malformed: an item without "=", a bad or repeated timestamp,
// no timestamp or no signature.
func (v *TimestampedHMAC) parse(h string) (ts int64, sigs []string, problem string) {
	for _, item := range strings.Split(h, v.Separator) {
		k, val, ok := strings.Cut(strings.TrimSpace(item), "=")
		switch {
		case !ok || k == "":
			return 0, nil, "has an item without '='"
		case k == v.TimestampKey:
			n, err := strconv.ParseInt(val, 10, 64)
			if err != nil || n <= 0 || ts != 0 {
				return 0, nil, "has a bad timestamp"
			}
			ts = n
		case k == v.SignatureKey && val != "":
			sigs = append(sigs, val)
		}
	}
	switch {
	case ts == 0:
		return 0, nil, "has no timestamp"
	case len(sigs) == 0:
		return 0, nil, "has no " + v.SignatureKey + " signature"
	}
	return ts, sigs, ""
}

// Support is the manifest's webhook section for this scheme: the secret
// field, a timestamped signature and its tolerance, with the scheme's name
// and the event types the connector normalizes.
func (v *TimestampedHMAC) Support(scheme string, eventTypes []string) *v1.WebhookSupport {
	return &v1.WebhookSupport{Supported: true, SignatureScheme: scheme, SecretField: v.SecretField, EventTypes: eventTypes,
		Timestamped: true, ToleranceSeconds: v.Tolerance}
}
