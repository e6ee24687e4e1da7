package paypal

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"hash/crc32"
	"net/url"
	"strconv"
	"strings"
	"time"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk"
	"github.com/connectorhost/connector-host/pdk/jsonr"
	"github.com/connectorhost/connector-host/pdk/rsacert"
)

// certHosts are the hosts PayPal publishes webhook signing certificates on.
var certHosts = map[string]bool{
	"api.paypal.com": true, "api.sandbox.paypal.com": true, "api-m.paypal.com": true, "api-m.sandbox.paypal.com": true,
}

// webhookEventTypes are the event types normalized into typed events; any
// other verified event becomes EVENT_KIND_OTHER.
func webhookEventTypes() []string {
	return []string{
		"CHECKOUT.ORDER.APPROVED", "CHECKOUT.ORDER.COMPLETED", "CUSTOMER.DISPUTE.CREATED", "CUSTOMER.DISPUTE.RESOLVED",
		"CUSTOMER.DISPUTE.UPDATED", "PAYMENT.AUTHORIZATION.CREATED", "PAYMENT.AUTHORIZATION.VOIDED", "PAYMENT.CAPTURE.COMPLETED",
		"PAYMENT.CAPTURE.DECLINED", "PAYMENT.CAPTURE.DENIED", "PAYMENT.CAPTURE.PENDING", "PAYMENT.CAPTURE.REFUNDED",
		"PAYMENT.CAPTURE.REVERSED", "VAULT.PAYMENT-TOKEN.CREATED", "VAULT.PAYMENT-TOKEN.DELETED",
	}
}

func reject(reason pluginv1.RejectionReason, format string, args ...any) error {
	return pdk.Reject(reason, format, args...)
}

// verifyWebhook checks PayPal's SHA256withRSA signature over
// "<transmission id>|<transmission time>|<webhook id>|<crc32 of the body>"
// with the certificate in webhook_cert_pem, offline: the ABI gives a
// verifier no way to fetch the certificate or call PayPal, so the operator
// pins the certificate (see README.md).
func verifyWebhook(c *pdk.Context, w *v1.WebhookRequest) (*pluginv1.VerifiedWebhook, error) {
	h := func(n string) string { return strings.TrimSpace(pdk.Header(w.GetHeaders(), n)) }
	id, ts, sigB64, certURL, algo := h("Paypal-Transmission-Id"), h("Paypal-Transmission-Time"), h("Paypal-Transmission-Sig"), h("Paypal-Cert-Url"), h("Paypal-Auth-Algo")
	if id == "" || ts == "" || sigB64 == "" || certURL == "" {
		return nil, reject(pluginv1.RejectionReason_REJECTION_REASON_MISSING_SIGNATURE, "paypal-transmission-id, -time, -sig and paypal-cert-url are required")
	}
	if algo != "SHA256withRSA" {
		return nil, reject(pluginv1.RejectionReason_REJECTION_REASON_MALFORMED_SIGNATURE, "paypal-auth-algo %q is not SHA256withRSA", truncate(algo, 32))
	}
	if u, err := url.Parse(certURL); err != nil || u.Scheme != "https" || !certHosts[u.Hostname()] || u.Port() != "" {
		return nil, reject(pluginv1.RejectionReason_REJECTION_REASON_MALFORMED_SIGNATURE, "paypal-cert-url is not on a PayPal host")
	}
	signature, err := base64.StdEncoding.DecodeString(sigB64)
	if err != nil || len(signature) == 0 {
		return nil, reject(pluginv1.RejectionReason_REJECTION_REASON_MALFORMED_SIGNATURE, "paypal-transmission-sig is not base64")
	}
	sent, err := time.Parse(time.RFC3339, ts)
	if err != nil {
		return nil, reject(pluginv1.RejectionReason_REJECTION_REASON_MALFORMED_SIGNATURE, "paypal-transmission-time is not an RFC 3339 time")
	}
	if d := c.Now().Sub(sent); d > webhookTolerance*time.Second || d < -webhookTolerance*time.Second {
		return nil, reject(pluginv1.RejectionReason_REJECTION_REASON_STALE_TIMESTAMP, "paypal-transmission-time is %s away from now", d.Round(time.Second))
	}
	webhookID := c.Credentials[credWebhookID]
	pub, err := signingKey(c.Credentials[credWebhookCert], c.Now())
	if webhookID == "" || err != nil {
		if err == nil {
			err = reject(pluginv1.RejectionReason_REJECTION_REASON_MISSING_SECRET, "credential %q is missing", credWebhookID)
		}
		return nil, err
	}
	msg := id + "|" + ts + "|" + webhookID + "|" + strconv.FormatUint(uint64(crc32.ChecksumIEEE(w.GetBody())), 10)
	sum := sha256.Sum256([]byte(msg))
	if rsa.VerifyPKCS1v15(pub, crypto.SHA256, sum[:], signature) != nil {
		return nil, reject(pluginv1.RejectionReason_REJECTION_REASON_SIGNATURE_MISMATCH, "the signature does not match the body, transmission or webhook id")
	}
	ev, err := event(w.GetBody())
	if err != nil {
		return nil, err
	}
	return &pluginv1.VerifiedWebhook{Events: []*v1.Event{ev}, Acknowledgement: &v1.Acknowledgement{Status: 200}}, nil
}

// signingKey reads the pinned certificate (and its chain, when given),
// checks the chain and the validity periods at now, and returns its RSA key.
// The chain's last certificate is the operator's trust anchor.
func signingKey(pemText string, now time.Time) (*rsa.PublicKey, error) {
	if strings.TrimSpace(pemText) == "" {
		return nil, reject(pluginv1.RejectionReason_REJECTION_REASON_MISSING_SECRET, "credential %q is missing", credWebhookCert)
	}
	certs, err := rsacert.ParsePEM([]byte(pemText))
	if err != nil {
		return nil, reject(pluginv1.RejectionReason_REJECTION_REASON_MISSING_SECRET, "credential %q: %v", credWebhookCert, err)
	}
	for i, c := range certs {
		if !c.ValidAt(now) {
			return nil, reject(pluginv1.RejectionReason_REJECTION_REASON_SIGNATURE_MISMATCH, "certificate %d of %q is not valid now (%s to %s)",
				i+1, credWebhookCert, c.NotBefore.Format(time.DateOnly), c.NotAfter.Format(time.DateOnly))
		}
		if i+1 < len(certs) {
			if err := c.CheckSignatureFrom(certs[i+1]); err != nil {
				return nil, reject(pluginv1.RejectionReason_REJECTION_REASON_SIGNATURE_MISMATCH, "certificate %d of %q: %v", i+1, credWebhookCert, err)
			}
		}
	}
	return certs[0].Key, nil
}

// event normalizes a verified webhook event.
func event(body []byte) (*v1.Event, error) {
	v := jsonr.TryObject(body)
	if v == nil {
		return nil, reject(pluginv1.RejectionReason_REJECTION_REASON_MALFORMED_BODY, "the webhook body is not a JSON object")
	}
	typ, res := jsonr.Str(v, "event_type"), jsonr.Obj(v, "resource")
	ev := &v1.Event{EventId: jsonr.Str(v, "id"), ConnectorEventType: typ, Kind: v1.EventKind_EVENT_KIND_OTHER, Verified: true}
	if ev.EventId == "" || typ == "" {
		return nil, reject(pluginv1.RejectionReason_REJECTION_REASON_MALFORMED_BODY, "the webhook event has no id or event_type")
	}
	if t, err := time.Parse(time.RFC3339, jsonr.Str(v, "create_time")); err == nil {
		ev.CreatedAtUnix = t.Unix()
	}
	if res == nil {
		return ev, nil
	}
	orderID := jsonr.Str(res, "supplementary_data", "related_ids", "order_id")
	switch {
	case typ == "PAYMENT.CAPTURE.REFUNDED":
		amount, err := readMoney(res, "amount")
		if err != nil {
			return nil, err
		}
		ev.Kind = v1.EventKind_EVENT_KIND_REFUND
		ev.Payload = &v1.Event_Refund{Refund: &v1.RefundEvent{ConnectorRefundId: jsonr.Str(res, "id"), ConnectorTransactionId: orderID,
			MerchantRefundId: jsonr.Str(res, "custom_id"), Status: refundStatuses.Get(jsonr.Str(res, "status")), Amount: amount}}
	case strings.HasPrefix(typ, "PAYMENT.CAPTURE.") || strings.HasPrefix(typ, "PAYMENT.AUTHORIZATION."):
		amount, err := readMoney(res, "amount")
		if err != nil {
			return nil, err
		}
		statuses := captureStatuses
		if strings.HasPrefix(typ, "PAYMENT.AUTHORIZATION.") {
			statuses = authorizationStatuses
		}
		st := statuses.Get(jsonr.Str(res, "status"))
		if typ == "PAYMENT.CAPTURE.REVERSED" {
			st = v1.PaymentStatus_PAYMENT_STATUS_REVERSED
		}
		ev.Kind = v1.EventKind_EVENT_KIND_PAYMENT
		ev.Payload = &v1.Event_Payment{Payment: &v1.PaymentEvent{ConnectorTransactionId: orderID, MerchantTransactionId: jsonr.Str(res, "custom_id"),
			Status: st, Amount: amount, Error: processorError(res, st)}}
	case strings.HasPrefix(typ, "CHECKOUT.ORDER."):
		o, err := orderOf(res)
		if err != nil {
			return nil, err
		}
		ev.Kind, ev.Payload = v1.EventKind_EVENT_KIND_PAYMENT, &v1.Event_Payment{Payment: &v1.PaymentEvent{ConnectorTransactionId: o.id,
			MerchantTransactionId: o.customID, Status: o.status, Amount: o.amount, Error: o.err, Mandate: o.mandate, CapturedAmount: o.captured}}
	case strings.HasPrefix(typ, "CUSTOMER.DISPUTE."):
		d, err := readDispute(res)
		if err != nil {
			return nil, err
		}
		ev.Kind, ev.Payload = v1.EventKind_EVENT_KIND_DISPUTE, &v1.Event_Dispute{Dispute: d}
	case strings.HasPrefix(typ, "VAULT.PAYMENT-TOKEN."):
		st := v1.MandateStatus_MANDATE_STATUS_ACTIVE
		if typ == "VAULT.PAYMENT-TOKEN.DELETED" {
			st = v1.MandateStatus_MANDATE_STATUS_REVOKED
		}
		src := "card"
		if jsonr.Obj(res, "payment_source", "paypal") != nil {
			src = "paypal"
		}
		m := &v1.MandateReference{ConnectorMandateId: src + ":" + jsonr.Str(res, "id"), ConnectorCustomerId: jsonr.Str(res, "customer", "id"), Status: st}
		ev.Kind, ev.Payload = v1.EventKind_EVENT_KIND_MANDATE, &v1.Event_Mandate{Mandate: &v1.MandateEvent{Mandate: m, Status: st}}
	}
	return ev, nil
}
