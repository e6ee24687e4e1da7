package pdk

import (
	"encoding/base64"
	"strings"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/internal/hexstr"
	"github.com/connectorhost/connector-host/pdk/sig"
)

// HexKey returns the hex-decoded webhook key held in the credential field
// (surrounding white space ignored): a missing one is a MISSING_SECRET
// rejection, one that is not hex a SIGNATURE_MISMATCH (nothing can verify
// against it). Adyen's notification and Balance Platform HMAC keys are
// hex; any connector whose webhook secret is handed out as hex can use it.
func HexKey(c *Context, field string) ([]byte, *Rejection) {
	keyHex := strings.TrimSpace(c.Credentials[field])
	if keyHex == "" {
		return nil, Reject(pluginv1.RejectionReason_REJECTION_REASON_MISSING_SECRET, "credential %q is missing: cannot verify webhooks", field)
	}
	key, err := hexstr.DecodeString(keyHex)
	if err != nil || len(key) == 0 {
		return nil, Reject(pluginv1.RejectionReason_REJECTION_REASON_SIGNATURE_MISMATCH, "credential %q is not a hex HMAC key: cannot verify", field)
	}
	return key, nil
}

// VerifyBodyHMACSHA256Base64 checks a webhook whose header holds
// base64(HMAC-SHA256(key, the exact raw body)), in constant time: Adyen's
// Balance Platform webhooks (HmacSignature) and Shopify's
// (X-Shopify-Hmac-Sha256) sign this way. keyName names the key in the
// mismatch message (the credential it came from). It answers a *Rejection
// naming what is wrong, or nil when the body is authentic.
func VerifyBodyHMACSHA256Base64(w *v1.WebhookRequest, header string, key []byte, keyName string) *Rejection {
	given := strings.TrimSpace(Header(w.GetHeaders(), header))
	if given == "" {
		return Reject(pluginv1.RejectionReason_REJECTION_REASON_MISSING_SIGNATURE, "no %s header", header)
	}
	mac, err := base64.StdEncoding.DecodeString(given)
	if err != nil || len(mac) != 32 {
		return Reject(pluginv1.RejectionReason_REJECTION_REASON_MALFORMED_SIGNATURE, "%s is not a base64 HMAC-SHA256", header)
	}
	if !sig.Equal(sig.HMACSHA256(key, w.GetBody()), mac) {
		return Reject(pluginv1.RejectionReason_REJECTION_REASON_SIGNATURE_MISMATCH, "%s does not match the body (%s)", header, keyName)
	}
	return nil
}
