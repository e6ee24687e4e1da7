package adyen

import (
	"strconv"
	"strings"
	"time"

	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/valyala/fastjson"
)

// notification is the part of a verified NotificationRequestItem the
// normalizers read.
type notification struct {
	it          *fastjson.Value
	eventCode   string
	psp         string
	original    string
	merchantRef string
	success     bool
	reason      string
	amount      *v1.Money
}

func (n notification) additional(key string) string { return str(n.it, "additionalData", key) }

// normalize turns a verified item into a typed event. Unknown eventCodes are
// EVENT_KIND_OTHER.
func normalize(it *fastjson.Value) *v1.Event {
	n := notification{
		it:          it,
		eventCode:   str(it, "eventCode"),
		psp:         str(it, "pspReference"),
		original:    str(it, "originalReference"),
		merchantRef: str(it, "merchantReference"),
		success:     str(it, "success") == "true",
		reason:      str(it, "reason"),
	}
	if value, cur, ok, err := amountAt(it, "amount"); ok && err == nil {
		// An amount that cannot be expressed in ISO minor units is left out
		// rather than rounded.
		n.amount, _ = fromAdyen(value, cur)
	}
	ev := &v1.Event{EventId: eventID(it), ConnectorEventType: n.eventCode, Kind: v1.EventKind_EVENT_KIND_OTHER}
	if t, err := time.Parse(time.RFC3339, str(it, "eventDate")); err == nil {
		ev.CreatedAtUnix = t.Unix()
	}
	switch n.eventCode {
	case "AUTHORISATION", "AUTHORISATION_ADJUSTMENT", "CAPTURE", "CAPTURE_FAILED", "CANCELLATION",
		"CANCEL_OR_REFUND", "TECHNICAL_CANCEL":
		ev.Kind = v1.EventKind_EVENT_KIND_PAYMENT
		ev.Payload = &v1.Event_Payment{Payment: paymentEvent(n)}
	case "REFUND", "REFUND_FAILED", "REFUNDED_REVERSED", "REFUND_WITH_DATA":
		ev.Kind = v1.EventKind_EVENT_KIND_REFUND
		ev.Payload = &v1.Event_Refund{Refund: refundEvent(n)}
	case "CHARGEBACK", "CHARGEBACK_REVERSED", "NOTIFICATION_OF_CHARGEBACK", "SECOND_CHARGEBACK",
		"PREARBITRATION_WON", "PREARBITRATION_LOST", "REQUEST_FOR_INFORMATION", "INFORMATION_SUPPLIED",
		"DISPUTE_DEFENSE_PERIOD_ENDED", "ISSUER_RESPONSE_TIMEFRAME_EXPIRED":
		ev.Kind = v1.EventKind_EVENT_KIND_DISPUTE
		ev.Payload = &v1.Event_Dispute{Dispute: disputeEvent(n)}
	case "PAYOUT_THIRDPARTY", "PAYOUT_DECLINE", "PAYOUT_EXPIRE", "PAIDOUT_REVERSED":
		ev.Kind = v1.EventKind_EVENT_KIND_PAYOUT
		ev.Payload = &v1.Event_Payout{Payout: payoutEvent(n)}
	case "RECURRING_CONTRACT":
		ev.Kind = v1.EventKind_EVENT_KIND_MANDATE
		ev.Payload = &v1.Event_Mandate{Mandate: mandateEvent(n)}
	}
	return ev
}

// failure is the error of an item with success "false".
func (n notification) failure(code v1.ErrorCode) *v1.PaymentError {
	msg := n.reason
	if msg == "" {
		msg = n.eventCode + " failed"
	}
	return &v1.PaymentError{Code: code, Message: msg, Connector: &v1.ConnectorError{Message: n.reason, Type: n.eventCode, RequestId: n.psp}}
}

// paymentEvent maps payment eventCodes. Modifications name the payment in
// originalReference; AUTHORISATION in pspReference. AUTHORISATION means
// authorised: capture is reported by CAPTURE (or happens automatically).
// A failed CANCEL_OR_REFUND / TECHNICAL_CANCEL leaves the payment as it was:
// status UNKNOWN with the error.
func paymentEvent(n notification) *v1.PaymentEvent {
	pe := &v1.PaymentEvent{ConnectorTransactionId: firstNonEmpty(n.original, n.psp), MerchantTransactionId: n.merchantRef, Amount: n.amount}
	switch n.eventCode {
	case "AUTHORISATION":
		pe.ConnectorTransactionId = n.psp
		if n.success {
			pe.Status = v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZED
			if id := firstNonEmpty(n.additional("tokenization.storedPaymentMethodId"), n.additional("recurring.recurringDetailReference")); id != "" {
				pe.Mandate = &v1.MandateReference{
					ConnectorMandateId:   id,
					ConnectorCustomerId:  firstNonEmpty(n.additional("tokenization.shopperReference"), n.additional("recurring.shopperReference"), n.additional("shopperReference")),
					NetworkTransactionId: n.additional("networkTxReference"),
					Status:               v1.MandateStatus_MANDATE_STATUS_ACTIVE,
				}
			}
		} else {
			pe.Status = v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZATION_FAILED
			pe.Error = n.failure(refusalCode("", n.reason))
		}
	case "AUTHORISATION_ADJUSTMENT":
		pe.Status = v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZED
		if !n.success {
			pe.Error = n.failure(v1.ErrorCode_ERROR_CODE_PROCESSING_ERROR)
		}
	case "CAPTURE":
		if n.success {
			pe.Status = v1.PaymentStatus_PAYMENT_STATUS_CHARGED
			pe.CapturedAmount = n.amount
		} else {
			pe.Status = v1.PaymentStatus_PAYMENT_STATUS_CAPTURE_FAILED
			pe.Error = n.failure(v1.ErrorCode_ERROR_CODE_PROCESSING_ERROR)
		}
	case "CAPTURE_FAILED":
		pe.Status = v1.PaymentStatus_PAYMENT_STATUS_CAPTURE_FAILED
		pe.Error = n.failure(v1.ErrorCode_ERROR_CODE_PROCESSING_ERROR)
	case "CANCELLATION":
		pe.Status = v1.PaymentStatus_PAYMENT_STATUS_VOIDED
		if !n.success {
			pe.Status = v1.PaymentStatus_PAYMENT_STATUS_VOID_FAILED
			pe.Error = n.failure(v1.ErrorCode_ERROR_CODE_PROCESSING_ERROR)
		}
	case "CANCEL_OR_REFUND", "TECHNICAL_CANCEL":
		pe.Status = v1.PaymentStatus_PAYMENT_STATUS_REVERSED
		if !n.success {
			pe.Status = v1.PaymentStatus_PAYMENT_STATUS_UNKNOWN
			pe.Error = n.failure(v1.ErrorCode_ERROR_CODE_PROCESSING_ERROR)
		}
	}
	return pe
}

// refundEvent maps refund eventCodes. REFUNDED_REVERSED (the refund came
// back, e.g. a closed account) and REFUND_FAILED are FAILED.
func refundEvent(n notification) *v1.RefundEvent {
	re := &v1.RefundEvent{ConnectorRefundId: n.psp, ConnectorTransactionId: n.original, Amount: n.amount}
	switch {
	case (n.eventCode == "REFUND" || n.eventCode == "REFUND_WITH_DATA") && n.success:
		re.Status = v1.RefundStatus_REFUND_STATUS_SUCCEEDED
	default:
		re.Status = v1.RefundStatus_REFUND_STATUS_FAILED
		re.Error = n.failure(v1.ErrorCode_ERROR_CODE_PROCESSING_ERROR)
	}
	return re
}

// disputeStatuses maps additionalData.disputeStatus, which dispute
// notifications carry, to unified statuses.
func disputeStatusOf(s string) (v1.DisputeStatus, bool) {
	switch s {
	case "Unresponded":
		return v1.DisputeStatus_DISPUTE_STATUS_NEEDS_RESPONSE, true
	case "Responded", "Pending":
		return v1.DisputeStatus_DISPUTE_STATUS_UNDER_REVIEW, true
	case "Expired", "Undefended", "Lost":
		return v1.DisputeStatus_DISPUTE_STATUS_LOST, true
	case "Accepted":
		return v1.DisputeStatus_DISPUTE_STATUS_ACCEPTED, true
	case "Won":
		return v1.DisputeStatus_DISPUTE_STATUS_WON, true
	}
	return v1.DisputeStatus_DISPUTE_STATUS_UNKNOWN, false
}

// disputeEvent maps dispute eventCodes. The dispute id is the notification's
// pspReference, the payment its originalReference. additionalData.disputeStatus
// wins when present; otherwise the eventCode decides.
func disputeEvent(n notification) *v1.DisputeEvent {
	de := &v1.DisputeEvent{
		ConnectorDisputeId:     n.psp,
		ConnectorTransactionId: n.original,
		Amount:                 n.amount,
		Reason:                 n.reason,
	}
	switch n.eventCode {
	case "REQUEST_FOR_INFORMATION", "INFORMATION_SUPPLIED":
		de.Stage = "inquiry"
		de.ReasonCode = strings.TrimSpace(firstNonEmpty(n.additional("rfiReasonCode"), n.additional("chargebackReasonCode")))
	case "NOTIFICATION_OF_CHARGEBACK":
		de.Stage = "chargeback"
		de.ReasonCode = strings.TrimSpace(firstNonEmpty(n.additional("nofReasonCode"), n.additional("chargebackReasonCode")))
	case "SECOND_CHARGEBACK", "PREARBITRATION_WON", "PREARBITRATION_LOST":
		de.Stage = "pre_arbitration"
		de.ReasonCode = strings.TrimSpace(n.additional("chargebackReasonCode"))
	default:
		de.Stage = "chargeback"
		de.ReasonCode = strings.TrimSpace(n.additional("chargebackReasonCode"))
	}
	if t, err := time.Parse(time.RFC3339, n.additional("defensePeriodEndsAt")); err == nil {
		de.EvidenceDueByUnix = t.Unix()
	}
	if s, ok := disputeStatusOf(n.additional("disputeStatus")); ok {
		de.Status = s
		return de
	}
	defendable, _ := strconv.ParseBool(n.additional("defendable"))
	switch n.eventCode {
	case "REQUEST_FOR_INFORMATION":
		de.Status = v1.DisputeStatus_DISPUTE_STATUS_INQUIRY
	case "NOTIFICATION_OF_CHARGEBACK":
		de.Status = v1.DisputeStatus_DISPUTE_STATUS_NEEDS_RESPONSE
	case "CHARGEBACK":
		de.Status = v1.DisputeStatus_DISPUTE_STATUS_LOST
		if defendable {
			de.Status = v1.DisputeStatus_DISPUTE_STATUS_NEEDS_RESPONSE
		}
	case "INFORMATION_SUPPLIED":
		de.Status = v1.DisputeStatus_DISPUTE_STATUS_UNDER_REVIEW
	case "CHARGEBACK_REVERSED", "PREARBITRATION_WON", "ISSUER_RESPONSE_TIMEFRAME_EXPIRED":
		de.Status = v1.DisputeStatus_DISPUTE_STATUS_WON
	case "SECOND_CHARGEBACK", "PREARBITRATION_LOST":
		de.Status = v1.DisputeStatus_DISPUTE_STATUS_LOST
	default:
		de.Status = v1.DisputeStatus_DISPUTE_STATUS_UNKNOWN
	}
	return de
}

// mandateEvent maps RECURRING_CONTRACT: the stored payment method id is
// additionalData recurring.recurringDetailReference (or the item's
// pspReference, which Adyen sets to it).
func mandateEvent(n notification) *v1.MandateEvent {
	me := &v1.MandateEvent{
		Mandate: &v1.MandateReference{
			ConnectorMandateId:  firstNonEmpty(n.additional("recurring.recurringDetailReference"), n.additional("tokenization.storedPaymentMethodId"), n.psp),
			ConnectorCustomerId: firstNonEmpty(n.additional("recurring.shopperReference"), n.additional("shopperReference"), n.additional("tokenization.shopperReference")),
		},
		ConnectorSetupId: firstNonEmpty(n.original, str(n.it, "originalPsp")),
		Status:           v1.MandateStatus_MANDATE_STATUS_ACTIVE,
	}
	if !n.success {
		me.Status = v1.MandateStatus_MANDATE_STATUS_FAILED
		me.Error = n.failure(v1.ErrorCode_ERROR_CODE_PROCESSING_ERROR)
	}
	me.Mandate.Status = me.Status
	return me
}
