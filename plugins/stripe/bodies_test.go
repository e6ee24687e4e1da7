package stripe

import (
	"encoding/json"
)

// Stripe objects in the shapes Stripe documents (API 2024-06-20), with
// fields overridden per test.

type obj = map[string]any

func merge(base obj, over obj) string {
	for k, v := range over {
		if v == nil {
			base[k] = nil
			continue
		}
		base[k] = v
	}
	b, err := json.Marshal(base)
	if err != nil {
		panic(err)
	}
	return string(b)
}

const testPI = "pi_3MtwBwLkdIwHu7ix28a3tqPa"

func charge(over obj) obj {
	c := obj{
		"id": "ch_3MtwBwLkdIwHu7ix28a3tqPa", "object": "charge", "amount": 1000, "amount_captured": 1000,
		"amount_refunded": 0, "currency": "usd", "captured": true, "paid": true, "status": "succeeded",
		"payment_intent": testPI,
		"payment_method_details": obj{"type": "card", "card": obj{
			"brand": "visa", "last4": "5556", "exp_month": 3, "exp_year": 2030,
			"network_transaction_id":    "483297487231504",
			"incremental_authorization": obj{"status": "unavailable"},
		}},
	}
	for k, v := range over {
		c[k] = v
	}
	return c
}

func piBody(over obj) string {
	return merge(obj{
		"id": testPI, "object": "payment_intent", "amount": 1000, "amount_capturable": 0, "amount_received": 1000,
		"currency": "usd", "capture_method": "automatic", "confirmation_method": "automatic", "status": "succeeded",
		"customer": nil, "payment_method": "pm_1MtwBwLkdIwHu7ixp7Wbsx0O", "latest_charge": charge(nil),
		"last_payment_error": nil, "next_action": nil, "setup_future_usage": nil, "livemode": false,
		"client_secret": "pi_3MtwBwLkdIwHu7ix28a3tqPa_secret_YrKJUKribcBjcG8HVhfZluoGH",
		"metadata":      obj{"merchant_transaction_id": "order_1"}, "created": 1680800504,
	}, over)
}

func refundBody(over obj) string {
	return merge(obj{
		"id": "re_3MtwBwLkdIwHu7ix0ezqsBbC", "object": "refund", "amount": 400, "currency": "usd",
		"charge": "ch_3MtwBwLkdIwHu7ix28a3tqPa", "payment_intent": testPI, "reason": "requested_by_customer",
		"status": "succeeded", "metadata": obj{"merchant_refund_id": "refund_1"}, "created": 1680800600,
	}, over)
}

func setupIntentBody(over obj) string {
	return merge(obj{
		"id": "seti_1Mm8s8LkdIwHu7ix0OXBfTRG", "object": "setup_intent", "status": "succeeded", "usage": "off_session",
		"customer": "cus_NffrFeUfNV2Hib", "payment_method": "pm_1Mm8s8LkdIwHu7ixgIlWBDh1",
		"last_setup_error": nil, "next_action": nil, "mandate": nil, "livemode": false, "created": 1678942624,
		"metadata": obj{"merchant_setup_id": "setup_1"},
	}, over)
}

func disputeBody(over obj) string {
	return merge(obj{
		"id": "dp_1MtwBwLkdIwHu7ixV9Y5GyN1", "object": "dispute", "amount": 1000, "currency": "usd",
		"charge": "ch_3MtwBwLkdIwHu7ix28a3tqPa", "payment_intent": testPI, "reason": "fraudulent",
		"status": "needs_response", "is_charge_refundable": false, "livemode": false, "created": 1680651737,
		"evidence":               obj{"receipt": nil, "uncategorized_text": nil},
		"evidence_details":       obj{"due_by": 1681516799, "has_evidence": false, "past_due": false, "submission_count": 0},
		"payment_method_details": obj{"type": "card", "card": obj{"brand": "visa", "network_reason_code": "10.4", "case_type": "chargeback"}},
	}, over)
}

func errorBody(e obj) string { return merge(obj{"error": e}, nil) }
