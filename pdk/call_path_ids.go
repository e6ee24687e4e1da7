package pdk

// requestIDParam is the Param of a path placeholder named after a connector
// id the request carries ({connector_transaction_id}, {connector_refund_id},
// {connector_dispute_id}, {connector_payout_id}): the request's field of
// that name, required. A Call's Params need not repeat it: Stripe's and the
// connector template's "/v1/payments/{id}/capture" Params, Adyen's
// "/payments/{psp}/..." modifications and "/transfers/{id}" lookup name such
// an id. ok is false when name is none of these or Req has no such field.
func requestIDParam[Req any](name string) (p Param[Req], ok bool) {
	get, known := requestIDs[name]
	if !known {
		return p, false
	}
	var zero Req
	if _, has := get(zero); !has {
		return p, false
	}
	return Param[Req]{Field: name, Get: func(r Req) string {
		id, _ := get(r)
		return id
	}}, true
}

// requestIDs read a request's connector id of each name, and whether the
// request (a generated message, whose getters take a nil receiver) has it.
var requestIDs = map[string]func(req any) (string, bool){
	"connector_transaction_id": idGetter(transactionIDOf.GetConnectorTransactionId),
	"connector_refund_id":      idGetter(refundIDOf.GetConnectorRefundId),
	"connector_dispute_id":     idGetter(disputeIDOf.GetConnectorDisputeId),
	"connector_payout_id":      idGetter(payoutIDOf.GetConnectorPayoutId),
}

// The getters requestIDs read, one interface each.
type (
	transactionIDOf interface{ GetConnectorTransactionId() string }
	refundIDOf      interface{ GetConnectorRefundId() string }
	disputeIDOf     interface{ GetConnectorDisputeId() string }
	payoutIDOf      interface{ GetConnectorPayoutId() string }
)

// idGetter reads an id through the getter of interface I.
func idGetter[I any](get func(I) string) func(req any) (string, bool) {
	return func(req any) (string, bool) {
		r, ok := req.(I)
		if !ok {
			return "", false
		}
		return get(r), true
	}
}
