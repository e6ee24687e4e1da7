package adyen

import (
	"maps"
	"slices"
	"strconv"
	"strings"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk"
	"github.com/connectorhost/connector-host/pdk/jsonr"
	"github.com/connectorhost/connector-host/pdk/sig"
	"github.com/connectorhost/connector-host/pdk/timestamp"
	"github.com/valyala/fastjson"
)

// Adyen standard notifications are a JSON NotificationRequest whose
// notificationItems[].NotificationRequestItem each carry their own signature
// in additionalData.hmacSignature:
//
//	base64(HMAC-SHA256(hex-decoded hmac_key,
//	  pspReference:originalReference:merchantAccountCode:merchantReference:value:currency:eventCode:success))
//
// with empty strings for absent fields. Good items become verified events,
// bad ones unverified with a rejection reason and no payload; a batch with no
// good item is rejected.
//
// Balance Platform transfer webhooks (BalancePlatformTransferNotification v4)
// are one {type, environment, timestamp, data: Transfer} per POST, signed as a
// whole in HmacSignature with credential balance_platform_hmac_key (else
// hmac_key). An outgoing bank transfer (a Transfers API payout) is a payout
// event; any other transfer (top-ups, internal transfers) a verified OTHER event.

// transferEventTypes are the Balance Platform webhook types this plugin reads.
var transferEventTypes = []string{"balancePlatform.transfer.created", "balancePlatform.transfer.updated"}

// itemRejections are the rejection_reason text of a bad item and the
// message a batch made only of such items is rejected with.
var itemRejections = map[pluginv1.RejectionReason][2]string{
	pluginv1.RejectionReason_REJECTION_REASON_MISSING_SIGNATURE: {"missing additionalData.hmacSignature",
		"no notification item carries additionalData.hmacSignature"},
	pluginv1.RejectionReason_REJECTION_REASON_SIGNATURE_MISMATCH: {"HMAC signature mismatch", "no notification item has a valid HMAC signature"},
	pluginv1.RejectionReason_REJECTION_REASON_MALFORMED_BODY: {"malformed NotificationRequestItem",
		"no notification item is a NotificationRequestItem object"},
}

// transferNotification returns the body as a TransferNotificationRequest, or
// nil when it is not one (a standard NotificationRequest).
func transferNotification(body []byte) *fastjson.Value {
	if v := jsonr.TryObject(body); v != nil && strings.HasPrefix(jsonr.Str(v, "type"), "balancePlatform.") {
		return v
	}
	return nil
}

// notificationItems reads a NotificationRequest: its items (nil where an
// item is not a NotificationRequestItem object) and its live flag.
func notificationItems(w *v1.WebhookRequest) ([]*fastjson.Value, bool, error) {
	v, err := jsonr.Object(&pdk.Response{Status: 200, Body: w.GetBody()}, "Adyen")
	if err != nil {
		return nil, false, pdk.Reject(pluginv1.RejectionReason_REJECTION_REASON_MALFORMED_BODY, "body is not a JSON NotificationRequest")
	}
	if l := jsonr.Str(v, "live"); jsonr.Has(v, "live") && l != "true" && l != "false" {
		return nil, false, pdk.Reject(pluginv1.RejectionReason_REJECTION_REASON_MALFORMED_BODY, "live must be \"true\" or \"false\"")
	}
	var items []*fastjson.Value
	for _, wrapper := range jsonr.Array(v, "notificationItems") {
		items = append(items, jsonr.Obj(wrapper, "NotificationRequestItem"))
	}
	if len(items) == 0 {
		return nil, false, pdk.Reject(pluginv1.RejectionReason_REJECTION_REASON_MALFORMED_BODY, "notificationItems is missing or empty")
	}
	return items, jsonr.Str(v, "live") == "true", nil
}

// verifyWebhook verifies and normalizes a standard notification, or a
// Balance Platform transfer webhook (its HmacSignature, in constant time).
func verifyWebhook(c *pdk.Context, w *v1.WebhookRequest) (*pluginv1.VerifiedWebhook, error) {
	// Adyen expects 200 with body "[accepted]".
	out := &pluginv1.VerifiedWebhook{Acknowledgement: &v1.Acknowledgement{Status: 200,
		Headers: []*v1.HttpHeader{{Name: "Content-Type", Value: "text/plain"}}, Body: []byte("[accepted]")}}
	if v := transferNotification(w.GetBody()); v != nil {
		field := credBPHMACKey
		if strings.TrimSpace(c.Credentials[field]) == "" {
			field = credHMACKey
		}
		key, rej := pdk.HexKey(c, field)
		if rej == nil {
			rej = pdk.VerifyBodyHMACSHA256Base64(w, "HmacSignature", key, "credential "+strconv.Quote(field))
		}
		if rej != nil {
			return nil, rej
		}
		ev, err := normalizeTransfer(v)
		if err != nil {
			return nil, err
		}
		ev.Verified, out.Events = true, []*v1.Event{ev}
		return out, nil
	}
	key, rej := pdk.HexKey(c, credHMACKey)
	if rej != nil {
		return nil, rej
	}
	items, live, err := notificationItems(w)
	if err != nil {
		return nil, err
	}
	rejected := map[pluginv1.RejectionReason]int{}
	for _, it := range items {
		reason := verifyItem(key, it)
		ev := &v1.Event{EventId: eventID(it), ConnectorEventType: jsonr.Str(it, "eventCode"), Livemode: live, RejectionReason: itemRejections[reason][0]}
		if reason == pluginv1.RejectionReason_REJECTION_REASON_UNSPECIFIED {
			// An item that cannot be read fails the whole notification: Adyen
			// gets no "[accepted]" and sends it again (the good items too,
			// which their event ids de-duplicate).
			if ev, err = normalize(it); err != nil {
				return nil, err
			}
			ev.Verified, ev.Livemode = true, live
		}
		rejected[reason]++
		out.Events = append(out.Events, ev)
	}
	if rejected[pluginv1.RejectionReason_REJECTION_REASON_UNSPECIFIED] > 0 {
		return out, nil
	}
	// No good item: the batch is rejected for what all its items share, else as a mismatch.
	reason := pluginv1.RejectionReason_REJECTION_REASON_SIGNATURE_MISMATCH
	for r, n := range rejected {
		if n == len(items) {
			reason = r
		}
	}
	return nil, pdk.Reject(reason, "%s", itemRejections[reason][1])
}

// verifyItem checks one item's hmacSignature in constant time; the reason
// it is rejected, or UNSPECIFIED when it verifies.
func verifyItem(key []byte, it *fastjson.Value) pluginv1.RejectionReason {
	switch given := jsonr.Str(it, "additionalData", "hmacSignature"); {
	case it == nil || jsonr.Has(it, "amount") && jsonr.Obj(it, "amount") == nil:
		return pluginv1.RejectionReason_REJECTION_REASON_MALFORMED_BODY
	case given == "":
		return pluginv1.RejectionReason_REJECTION_REASON_MISSING_SIGNATURE
	case !sig.EqualString(sig.HMACSHA256Base64(key, []byte(signingString(it))), given):
		return pluginv1.RejectionReason_REJECTION_REASON_SIGNATURE_MISMATCH
	}
	return pluginv1.RejectionReason_REJECTION_REASON_UNSPECIFIED
}

// signingString is the text Adyen signs for an item.
func signingString(it *fastjson.Value) string {
	return strings.Join([]string{jsonr.Str(it, "pspReference"), jsonr.Str(it, "originalReference"), jsonr.Str(it, "merchantAccountCode"),
		jsonr.Str(it, "merchantReference"), jsonr.Number(it, "amount", "value"), jsonr.Str(it, "amount", "currency"),
		jsonr.Str(it, "eventCode"), jsonr.Str(it, "success")}, ":")
}

// eventID identifies an item for de-duplication: Adyen resends the same
// eventCode and pspReference; success distinguishes a later correction.
func eventID(it *fastjson.Value) string {
	if it == nil {
		return ""
	}
	return jsonr.Str(it, "eventCode") + ":" + jsonr.Str(it, "pspReference") + ":" + jsonr.Str(it, "success")
}

// parseWebhook reads a NotificationRequest without verifying it
// (ParseEvent): every item normalized as verifyWebhook would, with the
// merchant account it names, so a caller can pick the account's HMAC key.
func parseWebhook(_ *pdk.Context, w *v1.WebhookRequest) ([]*v1.ParsedEvent, error) {
	if v := transferNotification(w.GetBody()); v != nil {
		ev, err := normalizeTransfer(v)
		if err != nil {
			return nil, err
		}
		return []*v1.ParsedEvent{pdk.ParsedFrom(ev, jsonr.Str(v, "data", "balanceAccount", "id"))}, nil
	}
	items, live, err := notificationItems(w)
	if err != nil {
		return nil, err
	}
	out := make([]*v1.ParsedEvent, 0, len(items))
	for _, it := range items {
		if it == nil {
			return nil, pdk.Reject(pluginv1.RejectionReason_REJECTION_REASON_MALFORMED_BODY, "a notification item is not a NotificationRequestItem object")
		}
		ev, err := normalize(it)
		if err != nil {
			return nil, err
		}
		ev.Livemode = live
		out = append(out, pdk.ParsedFrom(ev, jsonr.Str(it, "merchantAccountCode")))
	}
	return out, nil
}

// notification is a NotificationRequestItem as the normalizers read it.
type notification struct {
	it                          *fastjson.Value
	code, psp, original, reason string
	success                     bool
	amount                      *v1.Money
}

func (n notification) ad(keys ...string) string {
	for _, k := range keys {
		if v := jsonr.Str(n.it, "additionalData", k); k != "" && v != "" {
			return v
		}
	}
	return ""
}

// failure is the error of an item that reports a failure.
func (n notification) failure(code v1.ErrorCode) *v1.PaymentError {
	return &v1.PaymentError{Code: code, Message: pdk.First(n.reason, n.code+" failed"), Connector: &v1.ConnectorError{Message: n.reason, Type: n.code, RequestId: n.psp}}
}

// paymentEvents, refundEvents and payoutEvents map eventCodes to the
// status they report when success is "true" and when it is "false". A
// failed CANCEL_OR_REFUND / TECHNICAL_CANCEL leaves the payment as it was
// (UNKNOWN); REFUNDED_REVERSED is a refund that came back (a closed
// account); OFFER_CLOSED is a payment the shopper never completed ("the
// offer expired"), EXPIRE an authorisation whose uncaptured amount expired.
// Any other verified eventCode (besides disputes and RECURRING_CONTRACT) is
// EVENT_KIND_OTHER.
var paymentEvents = map[string][2]v1.PaymentStatus{
	"AUTHORISATION":            {v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZED, v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZATION_FAILED},
	"AUTHORISATION_ADJUSTMENT": {v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZED, v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZED},
	"CAPTURE":                  {v1.PaymentStatus_PAYMENT_STATUS_CHARGED, v1.PaymentStatus_PAYMENT_STATUS_CAPTURE_FAILED},
	"CAPTURE_FAILED":           {v1.PaymentStatus_PAYMENT_STATUS_CAPTURE_FAILED, v1.PaymentStatus_PAYMENT_STATUS_CAPTURE_FAILED},
	"CANCELLATION":             {v1.PaymentStatus_PAYMENT_STATUS_VOIDED, v1.PaymentStatus_PAYMENT_STATUS_VOID_FAILED},
	"CANCEL_OR_REFUND":         {v1.PaymentStatus_PAYMENT_STATUS_REVERSED, v1.PaymentStatus_PAYMENT_STATUS_UNKNOWN},
	"TECHNICAL_CANCEL":         {v1.PaymentStatus_PAYMENT_STATUS_REVERSED, v1.PaymentStatus_PAYMENT_STATUS_UNKNOWN},
	"OFFER_CLOSED":             {v1.PaymentStatus_PAYMENT_STATUS_FAILURE, v1.PaymentStatus_PAYMENT_STATUS_UNKNOWN},
	"EXPIRE":                   {v1.PaymentStatus_PAYMENT_STATUS_VOIDED, v1.PaymentStatus_PAYMENT_STATUS_UNKNOWN},
}

var refundEvents = map[string][2]v1.RefundStatus{
	"REFUND":            {v1.RefundStatus_REFUND_STATUS_SUCCEEDED, v1.RefundStatus_REFUND_STATUS_FAILED},
	"REFUND_WITH_DATA":  {v1.RefundStatus_REFUND_STATUS_SUCCEEDED, v1.RefundStatus_REFUND_STATUS_FAILED},
	"REFUND_FAILED":     {v1.RefundStatus_REFUND_STATUS_FAILED, v1.RefundStatus_REFUND_STATUS_FAILED},
	"REFUNDED_REVERSED": {v1.RefundStatus_REFUND_STATUS_FAILED, v1.RefundStatus_REFUND_STATUS_FAILED},
}

var payoutEvents = map[string][2]v1.PayoutStatus{
	"PAYOUT_THIRDPARTY": {v1.PayoutStatus_PAYOUT_STATUS_PAID, v1.PayoutStatus_PAYOUT_STATUS_FAILED},
	"PAYOUT_DECLINE":    {v1.PayoutStatus_PAYOUT_STATUS_CANCELED, v1.PayoutStatus_PAYOUT_STATUS_CANCELED},
	"PAYOUT_EXPIRE":     {v1.PayoutStatus_PAYOUT_STATUS_FAILED, v1.PayoutStatus_PAYOUT_STATUS_FAILED},
	"PAIDOUT_REVERSED":  {v1.PayoutStatus_PAYOUT_STATUS_REVERSED, v1.PayoutStatus_PAYOUT_STATUS_REVERSED},
}

// failing are the eventCodes that report a failure (with an error) whatever
// their success; any other carries an error only when success is "false".
var failing = map[string]bool{"CAPTURE_FAILED": true, "REFUND_FAILED": true, "REFUNDED_REVERSED": true, "OFFER_CLOSED": true}

// outcome picks the status an item reports.
func outcome[S any](s [2]S, success bool) S {
	if success {
		return s[0]
	}
	return s[1]
}

// disputeEvents maps dispute eventCodes (Webhooks-v1) to their stage, the
// additionalData reason code they carry before chargebackReasonCode, and the
// status they report when additionalData.disputeStatus does not say
// (CHARGEBACK: LOST, NEEDS_RESPONSE when defendable). PREARBITRATION_ACCEPTED
// and _DECLINED do not say by whom ("the pre-arbitration case was accepted"):
// UNKNOWN unless disputeStatus says.
var disputeEvents = map[string]struct {
	stage, reasonKey string
	status           v1.DisputeStatus
}{
	"REQUEST_FOR_INFORMATION":           {"inquiry", "rfiReasonCode", v1.DisputeStatus_DISPUTE_STATUS_INQUIRY},
	"INFORMATION_SUPPLIED":              {"inquiry", "rfiReasonCode", v1.DisputeStatus_DISPUTE_STATUS_UNDER_REVIEW},
	"NOTIFICATION_OF_CHARGEBACK":        {"chargeback", "nofReasonCode", v1.DisputeStatus_DISPUTE_STATUS_NEEDS_RESPONSE},
	"CHARGEBACK":                        {"chargeback", "", v1.DisputeStatus_DISPUTE_STATUS_LOST},
	"CHARGEBACK_REVERSED":               {"chargeback", "", v1.DisputeStatus_DISPUTE_STATUS_WON},
	"ISSUER_RESPONSE_TIMEFRAME_EXPIRED": {"chargeback", "", v1.DisputeStatus_DISPUTE_STATUS_WON},
	"DISPUTE_DEFENSE_PERIOD_ENDED":      {"chargeback", "", v1.DisputeStatus_DISPUTE_STATUS_UNKNOWN},
	"SECOND_CHARGEBACK":                 {"pre_arbitration", "", v1.DisputeStatus_DISPUTE_STATUS_LOST},
	"PREARBITRATION_WON":                {"pre_arbitration", "", v1.DisputeStatus_DISPUTE_STATUS_WON},
	"PREARBITRATION_LOST":               {"pre_arbitration", "", v1.DisputeStatus_DISPUTE_STATUS_LOST},
	"PREARBITRATION_OPEN":               {"pre_arbitration", "", v1.DisputeStatus_DISPUTE_STATUS_NEEDS_RESPONSE},
	"PREARBITRATION_ACCEPTED":           {"pre_arbitration", "", v1.DisputeStatus_DISPUTE_STATUS_UNKNOWN},
	"PREARBITRATION_DECLINED":           {"pre_arbitration", "", v1.DisputeStatus_DISPUTE_STATUS_UNKNOWN},
	"PREARBITRATION_ISSUER_WITHDRAWN":   {"pre_arbitration", "", v1.DisputeStatus_DISPUTE_STATUS_WON},
	"SCHEME_ARBITRATION":                {"arbitration", "", v1.DisputeStatus_DISPUTE_STATUS_UNDER_REVIEW},
	"SCHEME_ARBITRATION_WON":            {"arbitration", "", v1.DisputeStatus_DISPUTE_STATUS_WON},
	"SCHEME_ARBITRATION_LOST":           {"arbitration", "", v1.DisputeStatus_DISPUTE_STATUS_LOST},
}

// disputeStatuses maps additionalData.disputeStatus, which dispute
// notifications carry and which wins over the eventCode (Undefended is LOST
// only when the chargeback is not defendable).
var disputeStatuses = map[string]v1.DisputeStatus{
	"Unresponded": v1.DisputeStatus_DISPUTE_STATUS_NEEDS_RESPONSE,
	"Responded":   v1.DisputeStatus_DISPUTE_STATUS_UNDER_REVIEW, "Pending": v1.DisputeStatus_DISPUTE_STATUS_UNDER_REVIEW,
	"Expired": v1.DisputeStatus_DISPUTE_STATUS_LOST, "Undefended": v1.DisputeStatus_DISPUTE_STATUS_LOST, "Lost": v1.DisputeStatus_DISPUTE_STATUS_LOST,
	"Accepted": v1.DisputeStatus_DISPUTE_STATUS_ACCEPTED, "Won": v1.DisputeStatus_DISPUTE_STATUS_WON,
}

// webhookEventTypes are the eventCodes normalized into typed events.
func webhookEventTypes() []string {
	return pdk.EventTypes(maps.Keys(paymentEvents), maps.Keys(refundEvents), maps.Keys(payoutEvents), maps.Keys(disputeEvents),
		slices.Values([]string{"RECURRING_CONTRACT"}), slices.Values(transferEventTypes))
}

// normalize turns an item into a typed event (see normalizeItem). An item
// of a payment, refund, payout or dispute eventCode whose amount cannot be
// read (an unknown currency, a value that is not an integer, an Adyen
// amount with no exact ISO value) or that has no pspReference (which every
// NotificationRequestItem of Webhooks-v1 requires) is an InvalidResponse
// naming the item: never an event without its amount or id, which the host
// would acknowledge and Adyen would not send again. Items of other
// eventCodes are not read for an amount.
func normalize(it *fastjson.Value) (*v1.Event, error) {
	a := pdk.NewAnswer(api, it)
	ev := normalizeItem(it, amountAt(a, "amount"))
	switch ev.Kind {
	case v1.EventKind_EVENT_KIND_PAYMENT, v1.EventKind_EVENT_KIND_REFUND, v1.EventKind_EVENT_KIND_PAYOUT, v1.EventKind_EVENT_KIND_DISPUTE:
		a.Require("pspReference")
		if err := a.Err(); err != nil {
			return nil, pdk.InvalidResponse("notification item %s cannot be read: %v", ev.EventId, err)
		}
	}
	return ev, nil
}

// normalizeItem builds an item's event with its amount already read.
// Modifications name the payment in originalReference, AUTHORISATION in
// pspReference; a dispute is the item's pspReference. AUTHORISATION means
// authorised: capture is reported by CAPTURE (or happens automatically).
func normalizeItem(it *fastjson.Value, amount *v1.Money) *v1.Event {
	n := notification{it: it, code: jsonr.Str(it, "eventCode"), psp: jsonr.Str(it, "pspReference"), original: jsonr.Str(it, "originalReference"),
		reason: jsonr.Str(it, "reason"), success: jsonr.Str(it, "success") == "true", amount: amount}
	ev := &v1.Event{EventId: eventID(it), ConnectorEventType: n.code, Kind: v1.EventKind_EVENT_KIND_OTHER}
	ev.CreatedAtUnix, _ = timestamp.ParseRFC3339(jsonr.Str(it, "eventDate"))
	if d, ok := disputeEvents[n.code]; ok {
		ev.Kind = v1.EventKind_EVENT_KIND_DISPUTE
		de := &v1.DisputeEvent{ConnectorDisputeId: n.psp, ConnectorTransactionId: n.original, Amount: n.amount, Reason: n.reason, Stage: d.stage,
			ReasonCode: strings.TrimSpace(n.ad(d.reasonKey, "chargebackReasonCode")), Status: d.status}
		de.EvidenceDueByUnix, _ = timestamp.ParseRFC3339(n.ad("defensePeriodEndsAt"))
		defendable, _ := strconv.ParseBool(n.ad("defendable"))
		if n.code == "CHARGEBACK" && defendable {
			de.Status = v1.DisputeStatus_DISPUTE_STATUS_NEEDS_RESPONSE
		}
		// autoDefended: Adyen defended the dispute itself, as INFORMATION_SUPPLIED reports.
		if auto, _ := strconv.ParseBool(n.ad("autoDefended")); auto && de.Status == v1.DisputeStatus_DISPUTE_STATUS_NEEDS_RESPONSE {
			de.Status = v1.DisputeStatus_DISPUTE_STATUS_UNDER_REVIEW
		}
		if s, ok := disputeStatuses[n.ad("disputeStatus")]; ok {
			de.Status = s
		}
		// Undefended is a chargeback not defended yet: open to a defense while it is defendable.
		if n.ad("disputeStatus") == "Undefended" && defendable {
			de.Status = v1.DisputeStatus_DISPUTE_STATUS_NEEDS_RESPONSE
		}
		ev.Payload = &v1.Event_Dispute{Dispute: de}
		return ev
	}
	var perr *v1.PaymentError
	if failing[n.code] || !n.success {
		perr = n.failure(v1.ErrorCode_ERROR_CODE_PROCESSING_ERROR)
	}
	if s, ok := paymentEvents[n.code]; ok {
		pe := &v1.PaymentEvent{ConnectorTransactionId: pdk.First(n.original, n.psp), MerchantTransactionId: jsonr.Str(it, "merchantReference"),
			Amount: n.amount, Status: outcome(s, n.success), Error: perr}
		switch {
		case n.code == "AUTHORISATION" && !n.success:
			pe.ConnectorTransactionId, pe.Error = n.psp, n.failure(refusalCode("", n.reason))
		case n.code == "AUTHORISATION":
			pe.ConnectorTransactionId = n.psp
			if id := n.ad("tokenization.storedPaymentMethodId", "recurring.recurringDetailReference"); id != "" {
				pe.Mandate = &v1.MandateReference{ConnectorMandateId: id, NetworkTransactionId: n.ad("networkTxReference"), Status: v1.MandateStatus_MANDATE_STATUS_ACTIVE,
					ConnectorCustomerId: n.ad("tokenization.shopperReference", "recurring.shopperReference", "shopperReference")}
			}
		case n.code == "CAPTURE" && n.success:
			pe.CapturedAmount = n.amount
		}
		ev.Kind, ev.Payload = v1.EventKind_EVENT_KIND_PAYMENT, &v1.Event_Payment{Payment: pe}
	}
	if s, ok := refundEvents[n.code]; ok {
		ev.Kind, ev.Payload = v1.EventKind_EVENT_KIND_REFUND, &v1.Event_Refund{Refund: &v1.RefundEvent{ConnectorRefundId: n.psp,
			ConnectorTransactionId: n.original, Amount: n.amount, Status: outcome(s, n.success), Error: perr}}
	}
	if s, ok := payoutEvents[n.code]; ok {
		pe := &v1.PayoutEvent{ConnectorPayoutId: pdk.First(n.original, n.psp), MerchantPayoutId: jsonr.Str(it, "merchantReference"), Amount: n.amount,
			Status: outcome(s, n.success)}
		switch n.code {
		case "PAYOUT_THIRDPARTY":
			pe.Error = perr
		case "PAYOUT_EXPIRE":
			pe.Error = &v1.PaymentError{Code: v1.ErrorCode_ERROR_CODE_PROCESSING_ERROR, Message: "the payout expired before it was confirmed",
				Connector: &v1.ConnectorError{Type: n.code, Message: n.reason, RequestId: n.psp}}
		}
		ev.Kind, ev.Payload = v1.EventKind_EVENT_KIND_PAYOUT, &v1.Event_Payout{Payout: pe}
	}
	if n.code == "RECURRING_CONTRACT" {
		// The stored payment method id is recurring.recurringDetailReference
		// (or the item's pspReference, which Adyen sets to it).
		status := outcome([2]v1.MandateStatus{v1.MandateStatus_MANDATE_STATUS_ACTIVE, v1.MandateStatus_MANDATE_STATUS_FAILED}, n.success)
		ev.Kind, ev.Payload = v1.EventKind_EVENT_KIND_MANDATE, &v1.Event_Mandate{Mandate: &v1.MandateEvent{Status: status, Error: perr,
			ConnectorSetupId: pdk.First(n.original, jsonr.Str(it, "originalPsp")),
			Mandate: &v1.MandateReference{Status: status,
				ConnectorMandateId:  pdk.First(n.ad("recurring.recurringDetailReference", "tokenization.storedPaymentMethodId"), n.psp),
				ConnectorCustomerId: n.ad("recurring.shopperReference", "shopperReference", "tokenization.shopperReference")}}}
	}
	return ev
}

// normalizeTransfer reads a TransferNotificationRequest as one event.
func normalizeTransfer(v *fastjson.Value) (*v1.Event, error) {
	typ, data := jsonr.Str(v, "type"), jsonr.Obj(v, "data")
	id := jsonr.Str(data, "id")
	if data == nil || id == "" {
		return nil, pdk.Reject(pluginv1.RejectionReason_REJECTION_REASON_MALFORMED_BODY, "the Balance Platform webhook has no data.id")
	}
	// Adyen numbers the webhooks of one transfer from 1; a resend keeps its number.
	seq := pdk.First(jsonr.Number(data, "sequenceNumber"), typ+":"+jsonr.Str(data, "status"))
	ev := &v1.Event{EventId: "transfer:" + id + ":" + seq, ConnectorEventType: typ, Kind: v1.EventKind_EVENT_KIND_OTHER,
		Livemode: jsonr.Str(v, "environment") == "live"}
	ev.CreatedAtUnix, _ = timestamp.ParseRFC3339(jsonr.Str(v, "timestamp"))
	if jsonr.Str(data, "category") != "bank" || jsonr.Str(data, "direction") != "outgoing" {
		return ev, nil
	}
	p, err := readTransfer(pdk.NewAnswer(api, data), 0) // a webhook has no HTTP answer
	if err != nil {
		return nil, pdk.Reject(pluginv1.RejectionReason_REJECTION_REASON_MALFORMED_BODY, "the Balance Platform webhook's transfer: %v", err)
	}
	ev.Kind, ev.Payload = v1.EventKind_EVENT_KIND_PAYOUT, &v1.Event_Payout{Payout: p}
	return ev, nil
}
