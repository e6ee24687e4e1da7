package checkout

import (
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk"
	"github.com/connectorhost/connector-host/pdk/jsonr"
)

// paymentResult is a parsed PaymentResponse, PaymentAcceptedResponse or PaymentDetails.
type paymentResult struct {
	id, actionID, reference string
	rawStatus               string
	status                  v1.PaymentStatus
	amount                  *v1.Money
	captured, refunded      *v1.Money
	next                    *v1.NextAction
	err                     *v1.PaymentError
	schemeID                string
	sourceID, customerID    string
}

// readPayment reads a payment answer. requested is the amount asked for
// (nil when unknown); an answer in another currency is an integrity error.
func readPayment(res *pdk.Response, mode string, requested *v1.Money) (*paymentResult, error) {
	v, err := object(res)
	if err != nil {
		return nil, err
	}
	r := &paymentResult{
		reference: jsonr.Str(v, "reference"), actionID: jsonr.Str(v, "action_id"),
		rawStatus: jsonr.Str(v, "status"), schemeID: jsonr.Str(v, "scheme_id"),
		sourceID: jsonr.Str(v, "source", "id"), customerID: jsonr.Str(v, "customer", "id"),
	}
	if r.id, err = jsonr.NeedStr(v, processor, "payment", "id"); err != nil {
		return nil, err
	}
	if r.rawStatus == "" {
		return nil, pdk.InvalidResponse("%s's payment answer has no status", processor)
	}
	r.status = paymentStatus(r.rawStatus, mode)

	if cur := jsonr.Str(v, "currency"); cur != "" {
		if requested != nil && cur != requested.GetCurrency() {
			return nil, pdk.IntegrityMismatch("answer currency %s differs from the requested %s", cur, requested.GetCurrency())
		}
		if r.amount, err = amountAt(v, cur, "amount"); err != nil {
			return nil, err
		}
		if r.captured, err = amountAt(v, cur, "balances", "total_captured"); err != nil {
			return nil, err
		}
		if r.refunded, err = amountAt(v, cur, "balances", "total_refunded"); err != nil {
			return nil, err
		}
	}
	if r.amount == nil && requested != nil && r.status != v1.PaymentStatus_PAYMENT_STATUS_UNKNOWN {
		r.amount = requested
	}

	if href := jsonr.Str(v, "_links", "redirect", "href"); href != "" && r.rawStatus == "Pending" {
		r.status = v1.PaymentStatus_PAYMENT_STATUS_AUTHENTICATION_PENDING
		r.next = pdk.RedirectAction(href)
	}
	approved, hasApproved := jsonr.Bool(v, "approved")
	if r.rawStatus == "Declined" || (hasApproved && !approved && r.status != v1.PaymentStatus_PAYMENT_STATUS_UNKNOWN) {
		r.status = v1.PaymentStatus_PAYMENT_STATUS_AUTHORIZATION_FAILED
		r.err = declineError(jsonr.Str(v, "response_code"), jsonr.Str(v, "response_summary"), res.Status, res.Header("Cko-Request-Id"))
	}
	return r, nil
}

// mandate is the stored instrument a card payment created, if the answer names one.
func (r *paymentResult) mandate() *v1.MandateReference {
	if r.sourceID == "" || !sourceIDPattern.Match(r.sourceID) {
		return nil
	}
	return &v1.MandateReference{
		ConnectorMandateId: r.sourceID, ConnectorCustomerId: r.customerID,
		NetworkTransactionId: r.schemeID, Status: v1.MandateStatus_MANDATE_STATUS_ACTIVE,
	}
}
