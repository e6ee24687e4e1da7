package pdk

import (
	"encoding/base64"
	"strings"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/internal/hexstr"
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
	return verifyBodyHMAC(w, header, key, base64.StdEncoding.DecodeString, "base64", " ("+keyName+")")
}
