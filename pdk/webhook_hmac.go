package pdk

import (
	"strings"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/internal/hexstr"
	"github.com/connectorhost/connector-host/pdk/sig"
)

// VerifyBodyHMACSHA256Hex checks the most common webhook signature: header
// holds hex(HMAC-SHA256(secret, the exact raw body)), the secret being the
// credential secretField. It compares in constant time and answers a
// *Rejection naming what is wrong (missing secret, missing or malformed
// header, mismatch), or nil when the body is authentic. Checkout.com
// (Cko-Signature), Razorpay (X-Razorpay-Signature) and GoCardless
// (Webhook-Signature) sign this way.
func VerifyBodyHMACSHA256Hex(c *Context, w *v1.WebhookRequest, header, secretField string) *Rejection {
	secret := c.Credentials[secretField]
	if secret == "" {
		return Reject(pluginv1.RejectionReason_REJECTION_REASON_MISSING_SECRET, "credential %q is missing: cannot verify %s", secretField, header)
	}
	return verifyBodyHMAC(w, header, []byte(secret), hexstr.DecodeString, "hex", "")
}

// verifyBodyHMAC checks that header holds HMAC-SHA256(key, the exact raw
// body) in the encoding decode reads (named encoding in the malformed
// message), in constant time; the mismatch message ends with suffix.
func verifyBodyHMAC(w *v1.WebhookRequest, header string, key []byte, decode func(string) ([]byte, error), encoding, suffix string) *Rejection {
	given := strings.TrimSpace(Header(w.GetHeaders(), header))
	if given == "" {
		return Reject(pluginv1.RejectionReason_REJECTION_REASON_MISSING_SIGNATURE, "no %s header", header)
	}
	mac, err := decode(given)
	if err != nil || len(mac) != 32 {
		return Reject(pluginv1.RejectionReason_REJECTION_REASON_MALFORMED_SIGNATURE, "%s is not a %s HMAC-SHA256", header, encoding)
	}
	if !sig.Equal(sig.HMACSHA256(key, w.GetBody()), mac) {
		return Reject(pluginv1.RejectionReason_REJECTION_REASON_SIGNATURE_MISMATCH, "%s does not match the body%s", header, suffix)
	}
	return nil
}
