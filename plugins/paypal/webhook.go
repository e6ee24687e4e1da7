package paypal

import (
	"bytes"
	"encoding/base64"
	"hash/crc32"
	"slices"
	"strconv"
	"strings"

	"github.com/connectorhost/connector-host/abi"
	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/internal/weburl"
	"github.com/connectorhost/connector-host/pdk"
	"github.com/connectorhost/connector-host/pdk/jsonr"
	"github.com/connectorhost/connector-host/pdk/sig"
	"github.com/connectorhost/connector-host/pdk/timestamp"
	"github.com/valyala/fastjson"
)

// certHosts are the hosts PayPal publishes webhook signing certificates on
// (paypal-cert-url); both are egress hosts, so the host may fetch from them.
var certHosts = map[string]bool{"api.paypal.com": true, "api.sandbox.paypal.com": true}

// signerNames are the subject common names of PayPal's webhook signing
// certificates (live and sandbox).
var signerNames = map[string]bool{
	"messageverificationcerts.paypal.com": true, "messageverificationcerts.sandbox.paypal.com": true,
}

// maxChain bounds the certificates read from paypal-cert-url.
const maxChain = 5

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
// with the certificate at paypal-cert-url, which the host fetches (allowlisted
// PayPal host, cached) when the plugin asks for it. The certificate's chain
// must lead to a DigiCert root pinned in the plugin, or to a certificate of
// webhook_cert_pem when the operator pins their own; see README.md.
func verifyWebhook(c *pdk.Context, w *v1.WebhookRequest) (*pluginv1.VerifiedWebhook, error) {
	h := func(n string) string { return strings.TrimSpace(pdk.Header(w.GetHeaders(), n)) }
	id, ts, sigB64, certURL, algo := h("Paypal-Transmission-Id"), h("Paypal-Transmission-Time"), h("Paypal-Transmission-Sig"), h("Paypal-Cert-Url"), h("Paypal-Auth-Algo")
	if id == "" || ts == "" || sigB64 == "" || certURL == "" {
		return nil, reject(pluginv1.RejectionReason_REJECTION_REASON_MISSING_SIGNATURE, "paypal-transmission-id, -time, -sig and paypal-cert-url are required")
	}
	if algo != "SHA256withRSA" {
		return nil, reject(pluginv1.RejectionReason_REJECTION_REASON_MALFORMED_SIGNATURE, "paypal-auth-algo %q is not SHA256withRSA", truncate(algo, 32))
	}
	if !isCertURL(certURL) {
		return nil, reject(pluginv1.RejectionReason_REJECTION_REASON_MALFORMED_SIGNATURE, "paypal-cert-url is not https on api.paypal.com or api.sandbox.paypal.com")
	}
	signature, err := base64.StdEncoding.DecodeString(sigB64)
	if err != nil || len(signature) == 0 {
		return nil, reject(pluginv1.RejectionReason_REJECTION_REASON_MALFORMED_SIGNATURE, "paypal-transmission-sig is not base64")
	}
	sent, ok := timestamp.ParseRFC3339(ts)
	if !ok {
		return nil, reject(pluginv1.RejectionReason_REJECTION_REASON_MALFORMED_SIGNATURE, "paypal-transmission-time is not an RFC 3339 time")
	}
	if d := c.NowUnix() - sent; d > webhookTolerance || d < -webhookTolerance {
		return nil, reject(pluginv1.RejectionReason_REJECTION_REASON_STALE_TIMESTAMP, "paypal-transmission-time is %d s away from now", d)
	}
	webhookID := c.Credentials[credWebhookID]
	if webhookID == "" {
		return nil, reject(pluginv1.RejectionReason_REJECTION_REASON_MISSING_SECRET, "credential %q is missing", credWebhookID)
	}
	anchors, err := trustAnchors(c.Credentials[credWebhookCert])
	if err != nil {
		return nil, err
	}
	doc, ok := c.Document(certURL)
	if !ok {
		return nil, pdk.NeedDocuments(certURL)
	}
	msg := id + "|" + ts + "|" + webhookID + "|" + strconv.FormatUint(uint64(crc32.ChecksumIEEE(w.GetBody())), 10)
	if err := checkSigner(doc, anchors, c.NowUnix(), []byte(msg), signature); err != nil {
		return nil, err
	}
	ev, err := event(w.GetBody())
	if err != nil {
		return nil, err
	}
	return &pluginv1.VerifiedWebhook{Events: []*v1.Event{ev}, Acknowledgement: &v1.Acknowledgement{Status: 200}}, nil
}

// trustAnchors are the PEM certificates a chain must lead to: the
// operator's pinned webhook_cert_pem when set, else the DigiCert roots. A
// pin that does not parse is refused before the certificate is fetched.
func trustAnchors(pinned string) ([]byte, error) {
	if strings.TrimSpace(pinned) == "" {
		return []byte(digicertRoots), nil
	}
	if _, err := sig.CountCertificates([]byte(pinned)); err != nil {
		return nil, reject(pluginv1.RejectionReason_REJECTION_REASON_MISSING_SECRET, "credential %q: %v", credWebhookCert, err)
	}
	return []byte(pinned), nil
}

// checkSigner checks the certificate chain PayPal served (doc): at most
// maxChain certificates, the first chaining to an anchor at now (the host's
// X.509 path verification: validity, CA constraints, signatures), issued to
// PayPal's message verification name, and its key's SHA256withRSA signature
// over msg.
func checkSigner(doc pdk.Document, anchors []byte, now int64, msg, signature []byte) error {
	mismatch := func(format string, args ...any) error {
		return reject(pluginv1.RejectionReason_REJECTION_REASON_SIGNATURE_MISMATCH, format, args...)
	}
	if doc.Status != 200 {
		return mismatch("paypal-cert-url answered HTTP %d, not a certificate", doc.Status)
	}
	if n := bytes.Count(doc.Body, []byte("-----BEGIN CERTIFICATE-----")); n > maxChain {
		return mismatch("paypal-cert-url holds %d certificates; at most %d are read", n, maxChain)
	}
	cn, err := sig.VerifyCertificate(doc.Body, anchors, now, abi.SHA256WithRSA, msg, signature)
	if err != nil {
		return mismatch("paypal-cert-url: %v (the signature covers the transmission id and time, the webhook id and the body)", err)
	}
	if !signerNames[cn] {
		return mismatch("the certificate at paypal-cert-url is issued to %q, not PayPal's message verification certificate", truncate(cn, 64))
	}
	return nil
}

// isCertURL reports whether raw is a valid https URL on one of certHosts,
// with no port and no user information.
func isCertURL(raw string) bool {
	u, err := weburl.Parse(raw)
	return err == nil && u.Scheme == "https" && certHosts[u.Host] && !u.User
}

// parseWebhook reads an event without verifying it (EventService.ParseEvent):
// the same normalization as verifyWebhook, no certificate, no webhook id.
// PayPal's payload names no merchant account, so a platform with several
// PayPal apps tells them apart by its own webhook URL.
func parseWebhook(_ *pdk.Context, w *v1.WebhookRequest) ([]*v1.ParsedEvent, error) {
	ev, err := event(w.GetBody())
	if err != nil {
		return nil, err
	}
	return []*v1.ParsedEvent{pdk.ParsedFrom(ev, "")}, nil
}

// readPrefixes are the event type prefixes whose resource event reads into
// a typed payload; any other type is EVENT_KIND_OTHER, its resource not read.
var readPrefixes = []string{"PAYMENT.CAPTURE.", "PAYMENT.AUTHORIZATION.", "CHECKOUT.ORDER.", "CUSTOMER.DISPUTE.", "VAULT.PAYMENT-TOKEN."}

// event normalizes a verified webhook event. An event of a type it reads
// (readPrefixes) whose resource cannot be read (absent, an amount that is
// not a decimal or in an unknown currency, a refund, order, dispute or
// payment token without its id) is an InvalidResponse naming the event:
// never an event without its amount or id, which the host would
// acknowledge and PayPal would not send again.
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
	if t, ok := timestamp.ParseRFC3339(jsonr.Str(v, "create_time")); ok {
		ev.CreatedAtUnix = t
	}
	if !slices.ContainsFunc(readPrefixes, func(p string) bool { return strings.HasPrefix(typ, p) }) {
		return ev, nil
	}
	if err := readResource(ev, typ, res); err != nil {
		return nil, pdk.InvalidResponse("event %s (%s) cannot be read: %v", ev.EventId, typ, err)
	}
	return ev, nil
}

// readResource reads the resource of an event of a type in readPrefixes
// into ev's payload.
func readResource(ev *v1.Event, typ string, res *fastjson.Value) error {
	if res == nil {
		return pdk.InvalidResponse("it has no resource object")
	}
	orderID := jsonr.Str(res, "supplementary_data", "related_ids", "order_id")
	switch {
	case typ == "PAYMENT.CAPTURE.REFUNDED":
		amount, err := readMoney(res, "amount")
		if err != nil {
			return err
		}
		id, err := jsonr.NeedStr(res, "PayPal", "refund", "id")
		if err != nil {
			return err
		}
		ev.Kind = v1.EventKind_EVENT_KIND_REFUND
		ev.Payload = &v1.Event_Refund{Refund: &v1.RefundEvent{ConnectorRefundId: id, ConnectorTransactionId: orderID,
			MerchantRefundId: jsonr.Str(res, "custom_id"), Status: refundStatuses.Get(jsonr.Str(res, "status")), Amount: amount}}
	case strings.HasPrefix(typ, "PAYMENT.CAPTURE.") || strings.HasPrefix(typ, "PAYMENT.AUTHORIZATION."):
		amount, err := readMoney(res, "amount")
		if err != nil {
			return err
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
			return err
		}
		ev.Kind, ev.Payload = v1.EventKind_EVENT_KIND_PAYMENT, &v1.Event_Payment{Payment: &v1.PaymentEvent{ConnectorTransactionId: o.id,
			MerchantTransactionId: o.customID, Status: o.status, Amount: o.amount, Error: o.err, Mandate: o.mandate, CapturedAmount: o.captured}}
	case strings.HasPrefix(typ, "CUSTOMER.DISPUTE."):
		d, err := readDispute(res)
		if err != nil {
			return err
		}
		ev.Kind, ev.Payload = v1.EventKind_EVENT_KIND_DISPUTE, &v1.Event_Dispute{Dispute: d}
	default: // VAULT.PAYMENT-TOKEN.
		id, err := jsonr.NeedStr(res, "PayPal", "payment token", "id")
		if err != nil {
			return err
		}
		st := v1.MandateStatus_MANDATE_STATUS_ACTIVE
		if typ == "VAULT.PAYMENT-TOKEN.DELETED" {
			st = v1.MandateStatus_MANDATE_STATUS_REVOKED
		}
		src := "card"
		if jsonr.Obj(res, "payment_source", "paypal") != nil {
			src = "paypal"
		}
		m := &v1.MandateReference{ConnectorMandateId: src + ":" + id, ConnectorCustomerId: jsonr.Str(res, "customer", "id"), Status: st}
		ev.Kind, ev.Payload = v1.EventKind_EVENT_KIND_MANDATE, &v1.Event_Mandate{Mandate: &v1.MandateEvent{Mandate: m, Status: st}}
	}
	return nil
}
