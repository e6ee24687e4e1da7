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
	given := strings.TrimSpace(Header(w.GetHeaders(), header))
	if given == "" {
		return Reject(pluginv1.RejectionReason_REJECTION_REASON_MISSING_SIGNATURE, "no %s header", header)
	}
	mac, err := hexstr.DecodeString(given)
	if err != nil || len(mac) != 32 {
		return Reject(pluginv1.RejectionReason_REJECTION_REASON_MALFORMED_SIGNATURE, "%s is not a hex HMAC-SHA256", header)
	}
	if !sig.Equal(sig.HMACSHA256([]byte(secret), w.GetBody()), mac) {
		return Reject(pluginv1.RejectionReason_REJECTION_REASON_SIGNATURE_MISMATCH, "%s does not match the body", header)
	}
	return nil
}
