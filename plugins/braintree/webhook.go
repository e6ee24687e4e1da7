package braintree

import (
	"cmp"
	"encoding/base64"
	"slices"
	"strings"

	"github.com/connectorhost/connector-host/abi"
	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/internal/hexstr"
	"github.com/connectorhost/connector-host/internal/weburl"
	"github.com/connectorhost/connector-host/money"
	"github.com/connectorhost/connector-host/pdk"
	"github.com/connectorhost/connector-host/pdk/sig"
	"github.com/connectorhost/connector-host/pdk/timestamp"
)

// Braintree posts a notification as a form body bt_signature=...&bt_payload=...
// (https://developer.paypal.com/braintree/docs/guides/webhooks/parse):
//
//	bt_payload   = base64(notification XML), possibly with line breaks
//	bt_signature = public_key|hex(HMAC-SHA1(key = SHA1(private_key), bt_payload)), pairs joined by "&"
//
// The pair whose public key is ours must match, compared in constant time.
// The signature has no timestamp and the notification no id: the event id
// is kind:subject id:timestamp, the de-duplication key.
const maxPayload = 1 << 20

// signature is hex(HMAC-SHA1(SHA1(privateKey), payload)), as Braintree's
// SDKs compute it (Braintree::Digest.hexdigest).
func signature(privateKey string, payload []byte) []byte {
	return sig.HMAC(abi.SHA1, sig.Digest(abi.SHA1, []byte(privateKey)), payload)
}

// form reads the bt_signature and bt_payload of a webhook body.
func form(body []byte) (signature, payload string, err *pdk.Rejection) {
	q, perr := weburl.ParseQuery(string(body))
	if perr != nil {
		return "", "", pdk.Reject(pluginv1.RejectionReason_REJECTION_REASON_MALFORMED_BODY, "body is not a form with bt_signature and bt_payload")
	}
	payload = weburl.First(q, "bt_payload")
	if payload == "" || len(payload) > maxPayload {
		return "", "", pdk.Reject(pluginv1.RejectionReason_REJECTION_REASON_MALFORMED_BODY, "body has no bt_payload (or one over 1 MiB)")
	}
	if strings.Trim(payload, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=\r\n") != "" {
		return "", "", pdk.Reject(pluginv1.RejectionReason_REJECTION_REASON_MALFORMED_BODY, "bt_payload contains characters outside base64")
	}
	return weburl.First(q, "bt_signature"), payload, nil
}

// webhooks verifies Braintree's notifications and reads their one event.
// The payload does not say whether it is live: the environment does.
var webhooks = &pdk.OneEventWebhook{Check: checkSignature, Read: normalize, LiveByEnvironment: true}

// checkSignature checks bt_signature against bt_payload (see maxPayload).
func checkSignature(c *pdk.Context, w *v1.WebhookRequest) *pdk.Rejection {
	pub, priv := c.Credentials[credPublicKey], c.Credentials[credPrivateKey]
	if pub == "" || priv == "" {
		return pdk.Reject(pluginv1.RejectionReason_REJECTION_REASON_MISSING_SECRET, "credentials %q and %q are needed to verify Braintree webhooks", credPublicKey, credPrivateKey)
	}
	signatures, payload, rej := form(w.GetBody())
	if rej != nil {
		return rej
	}
	if signatures == "" {
		return pdk.Reject(pluginv1.RejectionReason_REJECTION_REASON_MISSING_SIGNATURE, "body has no bt_signature")
	}
	var given string
	for _, pair := range strings.Split(signatures, "&") {
		if k, s, ok := strings.Cut(pair, "|"); ok && k == pub {
			given = s
			break
		}
	}
	if given == "" {
		return pdk.Reject(pluginv1.RejectionReason_REJECTION_REASON_SIGNATURE_MISMATCH, "bt_signature has no signature for this public key")
	}
	mac, herr := hexstr.DecodeString(given)
	if herr != nil {
		return pdk.Reject(pluginv1.RejectionReason_REJECTION_REASON_MALFORMED_SIGNATURE, "bt_signature is not hex")
	}
	// Braintree's SDKs also accept the signature of the payload followed by
	// "\n" (braintree_ruby webhook_notification_gateway.rb _verify_signature):
	// the signed base64 may end with a line break that form handling strips.
	if !sig.Equal(signature(priv, []byte(payload)), mac) && !sig.Equal(signature(priv, []byte(payload+"\n")), mac) {
		return pdk.Reject(pluginv1.RejectionReason_REJECTION_REASON_SIGNATURE_MISMATCH, "bt_signature does not match bt_payload")
	}
	return nil
}

func malformed(format string, args ...any) error {
	return pdk.Reject(pluginv1.RejectionReason_REJECTION_REASON_MALFORMED_BODY, format, args...)
}

// normalize decodes a webhook body's payload into a unified Event (and the
// merchant account it names): the kinds of webhookKinds get a typed
// payload, any other kind is EVENT_KIND_OTHER with none.
func normalize(w *v1.WebhookRequest) (*v1.Event, string, error) {
	_, payload, rej := form(w.GetBody())
	if rej != nil {
		return nil, "", rej
	}
	raw, err := base64.StdEncoding.DecodeString(strings.NewReplacer("\n", "", "\r", "").Replace(payload))
	if err != nil {
		return nil, "", malformed("bt_payload is not base64")
	}
	n, err := decodeNotification(raw)
	if err != nil || n.Kind == "" {
		return nil, "", malformed("bt_payload is not a Braintree notification with a kind")
	}
	ev := &v1.Event{ConnectorEventType: n.Kind, Kind: v1.EventKind_EVENT_KIND_OTHER}
	ts, ok := timestamp.ParseRFC3339(strings.TrimSpace(n.Timestamp))
	if ok {
		ev.CreatedAtUnix = ts
	}
	subjectID, account := "", ""
	switch t, dp := n.Subject.Transaction, n.Subject.Dispute; {
	case t != nil:
		subjectID, account = t.ID, t.Account
	case dp != nil:
		subjectID, account = dp.ID, dp.Account
	}
	ev.EventId = n.Kind + ":" + subjectID + ":" + strings.TrimSpace(n.Timestamp)
	if !slices.Contains(webhookKinds(), n.Kind) {
		return ev, account, nil
	}
	if strings.HasPrefix(n.Kind, "transaction_") {
		t := n.Subject.Transaction
		if t == nil || t.ID == "" {
			return nil, "", malformed("notification %s has no subject transaction", n.Kind)
		}
		amount, err := xmlMoney(t.Amount, t.Currency)
		if err != nil {
			return nil, "", err
		}
		p := &v1.PaymentEvent{ConnectorTransactionId: t.ID, MerchantTransactionId: t.OrderID, Amount: amount,
			Status: transactionStatuses().Get(strings.ToUpper(t.Status))}
		if p.Status == v1.PaymentStatus_PAYMENT_STATUS_CHARGED {
			p.CapturedAmount = amount
		}
		ev.Kind, ev.Payload = v1.EventKind_EVENT_KIND_PAYMENT, &v1.Event_Payment{Payment: p}
		return ev, account, nil
	}
	dp := n.Subject.Dispute
	if dp == nil || dp.ID == "" {
		return nil, "", malformed("notification %s has no subject dispute", n.Kind)
	}
	amount, err := xmlMoney(dp.Amount, dp.Currency)
	if err != nil {
		return nil, "", err
	}
	de := &v1.DisputeEvent{ConnectorDisputeId: dp.ID, ConnectorTransactionId: dp.Transaction.ID, Amount: amount,
		Status: disputeStatuses().Get(strings.ToUpper(dp.Status)), Reason: dp.Reason,
		ReasonCode: cmp.Or(strings.TrimSpace(dp.ReasonCode), dp.Reason), Stage: dp.Kind}
	if t, ok := timestamp.ParseDate(strings.TrimSpace(dp.ReplyBy)); ok {
		de.EvidenceDueByUnix = t
	}
	ev.Kind, ev.Payload = v1.EventKind_EVENT_KIND_DISPUTE, &v1.Event_Dispute{Dispute: de}
	return ev, account, nil
}

// xmlMoney reads a notification's decimal amount and currency.
func xmlMoney(amount, currency string) (*v1.Money, error) {
	minor, err := money.ParseDecimal(strings.TrimSpace(amount), strings.TrimSpace(currency))
	if err != nil {
		return nil, malformed("notification amount %q %q: %v", amount, currency, err)
	}
	return &v1.Money{MinorAmount: minor, Currency: strings.TrimSpace(currency)}, nil
}
