package checkout

import (
	"cmp"
	"maps"
	"slices"
	"strings"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk"
	"github.com/connectorhost/connector-host/pdk/jsonr"
	"github.com/connectorhost/connector-host/pdk/timestamp"
	"github.com/valyala/fastjson"
)

// paymentEvents maps payment webhook types to the payment's status.
func paymentEvents() map[string]v1.PaymentStatus {
	return map[string]v1.PaymentStatus{
		"payment_approved":              v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZED,
		"card_verified":                 v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZED,
		"payment_pending":               v1.PaymentStatus_PAYMENT_STATUS_PENDING,
		"payment_declined":              v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZATION_FAILED,
		"card_verification_declined":    v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZATION_FAILED,
		"payment_authentication_failed": v1.PaymentStatus_PAYMENT_STATUS_AUTHENTICATION_FAILED,
		"payment_captured":              v1.PaymentStatus_PAYMENT_STATUS_CHARGED,
		"payment_paid":                  v1.PaymentStatus_PAYMENT_STATUS_CHARGED,
		"payment_capture_pending":       v1.PaymentStatus_PAYMENT_STATUS_CAPTURE_PENDING,
		"payment_capture_declined":      v1.PaymentStatus_PAYMENT_STATUS_CAPTURE_FAILED,
		"payment_voided":                v1.PaymentStatus_PAYMENT_STATUS_VOIDED,
		"payment_void_declined":         v1.PaymentStatus_PAYMENT_STATUS_VOID_FAILED,
		"payment_canceled":              v1.PaymentStatus_PAYMENT_STATUS_VOIDED,
		"payment_expired":               v1.PaymentStatus_PAYMENT_STATUS_VOIDED,
	}
}

// refundEvents maps refund webhook types to the refund's status.
func refundEvents() map[string]v1.RefundStatus {
	return map[string]v1.RefundStatus{
		"payment_refunded":        v1.RefundStatus_REFUND_STATUS_SUCCEEDED,
		"payment_refund_pending":  v1.RefundStatus_REFUND_STATUS_PENDING,
		"payment_refund_declined": v1.RefundStatus_REFUND_STATUS_FAILED,
	}
}

// disputeEvents maps dispute webhook types to the dispute's status.
func disputeEvents() map[string]v1.DisputeStatus {
	return map[string]v1.DisputeStatus{
		"dispute_received":                        v1.DisputeStatus_DISPUTE_STATUS_NEEDS_RESPONSE,
		"dispute_evidence_required":               v1.DisputeStatus_DISPUTE_STATUS_NEEDS_RESPONSE,
		"dispute_evidence_submitted":              v1.DisputeStatus_DISPUTE_STATUS_UNDER_REVIEW,
		"dispute_evidence_acknowledged_by_scheme": v1.DisputeStatus_DISPUTE_STATUS_UNDER_REVIEW,
		"dispute_arbitration_sent_to_scheme":      v1.DisputeStatus_DISPUTE_STATUS_UNDER_REVIEW,
		"dispute_won":                             v1.DisputeStatus_DISPUTE_STATUS_WON,
		"dispute_arbitration_won":                 v1.DisputeStatus_DISPUTE_STATUS_WON,
		"dispute_lost":                            v1.DisputeStatus_DISPUTE_STATUS_LOST,
		"dispute_arbitration_lost":                v1.DisputeStatus_DISPUTE_STATUS_LOST,
		"dispute_expired":                         v1.DisputeStatus_DISPUTE_STATUS_LOST,
		"dispute_accepted":                        v1.DisputeStatus_DISPUTE_STATUS_ACCEPTED,
		"dispute_canceled":                        v1.DisputeStatus_DISPUTE_STATUS_CLOSED,
		"dispute_resolved":                        v1.DisputeStatus_DISPUTE_STATUS_CLOSED,
	}
}

// webhookEventTypes lists the event types normalized into typed events; any
// other verified type becomes EVENT_KIND_OTHER.
func webhookEventTypes() []string {
	return pdk.EventTypes(maps.Keys(paymentEvents()), maps.Keys(refundEvents()), maps.Keys(disputeEvents()))
}

// verifyWebhook checks Cko-Signature, the lower-case hex HMAC-SHA256 of the
// exact raw body keyed with the endpoint's signature key, in constant time,
// then normalizes the one event the body carries.
func verifyWebhook(c *pdk.Context, w *v1.WebhookRequest) (*pluginv1.VerifiedWebhook, error) {
	if rej := pdk.VerifyBodyHMACSHA256Hex(c, w, signatureHeader, credWebhookSecret); rej != nil {
		return nil, rej
	}
	v := jsonr.TryObject(w.GetBody())
	if v == nil {
		return nil, pdk.Reject(pluginv1.RejectionReason_REJECTION_REASON_MALFORMED_BODY, "the signed body is not a JSON object")
	}
	ev, err := normalize(v)
	if err != nil {
		return nil, err
	}
	return &pluginv1.VerifiedWebhook{Events: []*v1.Event{ev}}, nil
}

// parseWebhook reads a notification without verifying it
// (EventService.ParseEvent): the verifier's normalization. Checkout.com's
// payload names no account; a platform tells its accounts apart by webhook URL.
func parseWebhook(_ *pdk.Context, w *v1.WebhookRequest) ([]*v1.ParsedEvent, error) {
	v := jsonr.TryObject(w.GetBody())
	if v == nil {
		return nil, pdk.Reject(pluginv1.RejectionReason_REJECTION_REASON_MALFORMED_BODY, "the body is not a JSON object")
	}
	ev, err := normalize(v)
	if err != nil {
		return nil, err
	}
	return []*v1.ParsedEvent{pdk.ParsedFrom(ev, "")}, nil
}

// normalize turns a verified notification into a unified event: the types
// of paymentEvents, refundEvents and disputeEvents get a typed payload read
// from data (see readData); any other type is EVENT_KIND_OTHER, its data
// not read.
func normalize(v *fastjson.Value) (*v1.Event, error) {
	typ := jsonr.Str(v, "type")
	ev := &v1.Event{EventId: jsonr.Str(v, "id"), ConnectorEventType: typ, Kind: v1.EventKind_EVENT_KIND_OTHER, Verified: true}
	if ev.EventId == "" || typ == "" {
		return nil, pdk.Reject(pluginv1.RejectionReason_REJECTION_REASON_MALFORMED_BODY, "the notification has no id or type")
	}
	// Notifications name their time created_on, or timestamp (the documented
	// payment_captured example has only the latter).
	if t, ok := timestamp.ParseRFC3339(cmp.Or(jsonr.Str(v, "created_on"), jsonr.Str(v, "timestamp"))); ok {
		ev.CreatedAtUnix = t
	}
	if !slices.Contains(webhookEventTypes(), typ) {
		return ev, nil
	}
	if err := readData(ev, typ, jsonr.Obj(v, "data")); err != nil {
		return nil, pdk.InvalidResponse("event %s (%s) cannot be read: %v", ev.EventId, typ, err)
	}
	return ev, nil
}

// readData reads the data of an event of a type the plugin reads into ev's
// payload. Data that cannot be read (absent, without the payment id, the
// refund's action_id or the dispute id, an amount that is not an integer,
// in an unknown currency or without one) is an error: never an event
// without its amount or id, which the host would acknowledge and
// Checkout.com would not send again.
func readData(ev *v1.Event, typ string, data *fastjson.Value) error {
	if data == nil {
		return pdk.InvalidResponse("it has no data object")
	}
	if jsonr.Str(data, "id") == "" {
		return pdk.InvalidResponse("data has no id")
	}
	cur := jsonr.Str(data, "currency")
	if cur == "" && (jsonr.Has(data, "amount") || jsonr.Has(data, "balances")) {
		return pdk.InvalidResponse("data has an amount but no currency")
	}
	var amount *v1.Money
	if cur != "" {
		var err error
		if amount, err = amountAt(data, cur, "amount"); err != nil {
			return err
		}
	}
	if s, ok := paymentEvents()[typ]; ok {
		p := &v1.PaymentEvent{ConnectorTransactionId: jsonr.Str(data, "id"), MerchantTransactionId: jsonr.Str(data, "reference"), Status: s, Amount: amount}
		switch s {
		case v1.PaymentStatus_PAYMENT_STATUS_CHARGED:
			p.CapturedAmount = amount
			if err := readBalances(data, cur, p); err != nil {
				return err
			}
		case v1.PaymentStatus_PAYMENT_STATUS_VOIDED:
			if err := readVoidBalances(data, cur, p); err != nil {
				return err
			}
		case v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZATION_FAILED, v1.PaymentStatus_PAYMENT_STATUS_CAPTURE_FAILED,
			v1.PaymentStatus_PAYMENT_STATUS_VOID_FAILED, v1.PaymentStatus_PAYMENT_STATUS_AUTHENTICATION_FAILED:
			p.Error = declineError(jsonr.Str(data, "response_code"), jsonr.Str(data, "response_summary"), 0, "")
		}
		ev.Kind, ev.Payload = v1.EventKind_EVENT_KIND_PAYMENT, &v1.Event_Payment{Payment: p}
		return nil
	}
	if s, ok := refundEvents()[typ]; ok {
		r := &v1.RefundEvent{ConnectorRefundId: jsonr.Str(data, "action_id"), ConnectorTransactionId: jsonr.Str(data, "id"),
			MerchantRefundId: jsonr.Str(data, "reference"), Status: s, Amount: amount}
		if r.ConnectorRefundId == "" {
			return pdk.InvalidResponse("data has no action_id")
		}
		if s == v1.RefundStatus_REFUND_STATUS_FAILED {
			r.Error = declineError(jsonr.Str(data, "response_code"), jsonr.Str(data, "response_summary"), 0, "")
		}
		ev.Kind, ev.Payload = v1.EventKind_EVENT_KIND_REFUND, &v1.Event_Refund{Refund: r}
		return nil
	}
	d, err := readDispute(data)
	if err != nil {
		return err
	}
	d.Status = disputeEvents()[typ]
	if strings.HasPrefix(typ, "dispute_arbitration_") {
		d.Stage = "arbitration"
	}
	ev.Kind, ev.Payload = v1.EventKind_EVENT_KIND_DISPUTE, &v1.Event_Dispute{Dispute: d}
	return nil
}

// readBalances reads the payment's balances a payment_captured event carries
// (webhook version 1.0.29 on): data.amount is this capture's amount, which
// may be one of several partial captures (capture_type NonFinal). The
// payment's amount is total_authorized, its captured amount total_captured,
// and a payment with available_to_capture left is PARTIALLY_CAPTURED.
func readBalances(data *fastjson.Value, cur string, p *v1.PaymentEvent) error {
	if cur == "" || data.Get("balances") == nil {
		return nil
	}
	authorized, err := amountAt(data, cur, "balances", "total_authorized")
	if err != nil {
		return err
	}
	captured, err := amountAt(data, cur, "balances", "total_captured")
	if err != nil {
		return err
	}
	rest, _, err := jsonr.Int(data, "balances", "available_to_capture")
	if err != nil {
		return err
	}
	p.Amount = cmp.Or(authorized, p.Amount)
	p.CapturedAmount = cmp.Or(captured, p.CapturedAmount)
	if rest > 0 {
		p.Status = v1.PaymentStatus_PAYMENT_STATUS_PARTIALLY_CAPTURED
	}
	return nil
}

// readVoidBalances reads the balances a payment_voided (or expired,
// canceled) event carries (webhook version 1.0.29 on). A void after a
// partial capture releases only the authorization's remainder
// (https://www.checkout.com/docs/payments/manage-payments/void-a-payment:
// for Visa, Mastercard and American Express a void of a partially captured
// payment releases the remaining funds); data.amount is then the amount
// released. A payment with total_captured above zero was captured in part,
// not voided: it is PARTIALLY_CAPTURED, with total_authorized as its amount
// and total_captured as its captured amount.
func readVoidBalances(data *fastjson.Value, cur string, p *v1.PaymentEvent) error {
	if cur == "" || data.Get("balances") == nil {
		return nil
	}
	captured, err := amountAt(data, cur, "balances", "total_captured")
	if err != nil || captured.GetMinorAmount() == 0 {
		return err
	}
	authorized, err := amountAt(data, cur, "balances", "total_authorized")
	if err != nil {
		return err
	}
	p.Status = v1.PaymentStatus_PAYMENT_STATUS_PARTIALLY_CAPTURED
	p.Amount = cmp.Or(authorized, p.Amount)
	p.CapturedAmount = captured
	return nil
}
