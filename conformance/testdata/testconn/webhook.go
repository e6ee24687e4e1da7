package testconn

import (
	"encoding/json"
	"strconv"
	"strings"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk"
	"github.com/connectorhost/connector-host/pdk/sig"
)

// event is a TestPay webhook body.
type event struct {
	ID       string          `json:"id"`
	Type     string          `json:"type"`
	Created  int64           `json:"created"`
	Livemode bool            `json:"livemode"`
	Data     json.RawMessage `json:"data"`
}

// Sign returns the TestPay-Signature header value for body signed at unix
// time ts with secret: "t=<ts>,v1=<hex HMAC-SHA256(secret, "<ts>.<body>")>".
// Tests use it to make fixtures.
func Sign(secret string, ts int64, body []byte) string {
	t := strconv.FormatInt(ts, 10)
	return "t=" + t + ",v1=" + sig.HMACSHA256Hex([]byte(secret), append([]byte(t+"."), body...))
}

// verifyWebhook checks the TestPay-Signature header and normalizes the event.
func (c *conn) verifyWebhook(ctx *pdk.Context, w *v1.WebhookRequest) (*pluginv1.VerifiedWebhook, error) {
	if c.d.TrapOnControlBytes && hasControlBytes(w.GetBody()) {
		panic("unexpected control byte in webhook")
	}
	secret := ctx.Credentials[credWebhookSecret]
	if secret == "" {
		return nil, pdk.Reject(pluginv1.RejectionReason_REJECTION_REASON_MISSING_SECRET, "credential %q is missing", credWebhookSecret)
	}
	header := pdk.Header(w.GetHeaders(), signatureHeader)
	if header == "" {
		return nil, pdk.Reject(pluginv1.RejectionReason_REJECTION_REASON_MISSING_SIGNATURE, "no %s header", signatureHeader)
	}
	var ts int64
	var given []string
	for _, part := range strings.Split(header, ",") {
		k, v, _ := strings.Cut(part, "=")
		switch k {
		case "t":
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return nil, pdk.Reject(pluginv1.RejectionReason_REJECTION_REASON_MALFORMED_SIGNATURE, "bad timestamp")
			}
			ts = n
		case "v1":
			given = append(given, v)
		}
	}
	if ts == 0 || len(given) == 0 {
		return nil, pdk.Reject(pluginv1.RejectionReason_REJECTION_REASON_MALFORMED_SIGNATURE, "%s lacks t or v1", signatureHeader)
	}
	if age := ctx.NowUnix() - ts; !c.d.AcceptStale && (age > webhookTolerance || age < -webhookTolerance) {
		return nil, pdk.Reject(pluginv1.RejectionReason_REJECTION_REASON_STALE_TIMESTAMP, "signed %ds from now; tolerance %ds", age, webhookTolerance)
	}
	var ev event
	if err := json.Unmarshal(w.GetBody(), &ev); err != nil {
		return nil, pdk.Reject(pluginv1.RejectionReason_REJECTION_REASON_MALFORMED_BODY, "body is not a TestPay event")
	}
	want := Sign(secret, ts, w.GetBody())
	_, wantSig, _ := strings.Cut(want, ",v1=")
	ok := false
	for _, g := range given {
		ok = ok || sig.EqualString(wantSig, g)
	}
	if !ok && !(c.d.AcceptTampered && !ev.Livemode) {
		return nil, pdk.Reject(pluginv1.RejectionReason_REJECTION_REASON_SIGNATURE_MISMATCH, "signature mismatch")
	}
	e, err := c.normalize(ev)
	if err != nil {
		return nil, err
	}
	return &pluginv1.VerifiedWebhook{Events: []*v1.Event{e}, Acknowledgement: &v1.Acknowledgement{Status: 200}}, nil
}

// parseWebhook reads a TestPay event without verifying it (ParseEvent).
func (c *conn) parseWebhook(_ *pdk.Context, w *v1.WebhookRequest) ([]*v1.ParsedEvent, error) {
	var ev event
	if err := json.Unmarshal(w.GetBody(), &ev); err != nil {
		return nil, pdk.Reject(pluginv1.RejectionReason_REJECTION_REASON_MALFORMED_BODY, "body is not a TestPay event")
	}
	e, err := c.normalize(ev)
	if err != nil {
		return nil, err
	}
	return []*v1.ParsedEvent{pdk.ParsedFrom(e, "")}, nil
}

// normalize turns a verified TestPay event into a unified event.
func (c *conn) normalize(ev event) (*v1.Event, error) {
	e := &v1.Event{EventId: ev.ID, ConnectorEventType: ev.Type, CreatedAtUnix: ev.Created, Verified: true, Livemode: ev.Livemode,
		Kind: v1.EventKind_EVENT_KIND_OTHER}
	switch {
	case strings.HasPrefix(ev.Type, "payment.") && !c.d.WrongEventKind:
		var p payment
		if err := json.Unmarshal(ev.Data, &p); err != nil {
			return nil, pdk.Reject(pluginv1.RejectionReason_REJECTION_REASON_MALFORMED_BODY, "data is not a payment")
		}
		amt, err := unified(p.Amount)
		if err != nil {
			return nil, pdk.Reject(pluginv1.RejectionReason_REJECTION_REASON_MALFORMED_BODY, "bad amount")
		}
		e.Kind = v1.EventKind_EVENT_KIND_PAYMENT
		e.Payload = &v1.Event_Payment{Payment: &v1.PaymentEvent{ConnectorTransactionId: p.ID, MerchantTransactionId: p.Reference,
			Status: c.paymentStatuses().Get(p.Status), Amount: amt}}
	case strings.HasPrefix(ev.Type, "refund."):
		var r refund
		if err := json.Unmarshal(ev.Data, &r); err != nil {
			return nil, pdk.Reject(pluginv1.RejectionReason_REJECTION_REASON_MALFORMED_BODY, "data is not a refund")
		}
		amt, err := unified(r.Amount)
		if err != nil {
			return nil, pdk.Reject(pluginv1.RejectionReason_REJECTION_REASON_MALFORMED_BODY, "bad amount")
		}
		e.Kind = v1.EventKind_EVENT_KIND_REFUND
		e.Payload = &v1.Event_Refund{Refund: &v1.RefundEvent{ConnectorRefundId: r.ID, ConnectorTransactionId: r.Payment,
			MerchantRefundId: r.Reference, Status: refundStatuses().Get(r.Status), Amount: amt}}
	}
	return e, nil
}
