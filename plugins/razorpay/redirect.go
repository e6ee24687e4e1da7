package razorpay

import (
	"cmp"
	"strings"

	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk"
	"github.com/connectorhost/connector-host/pdk/sig"
)

// buildVerifyRedirect handles the shopper's return to callback_url after a
// card authentication: Razorpay posts razorpay_payment_id, razorpay_order_id
// and razorpay_signature, the hex HMAC-SHA256 of "<order id>|<payment id>"
// keyed with the key secret ("Verify Payment Signature" of the S2S docs).
// The order is the one this payment was made on (the state Authorize
// returned), never the one the callback names; the signature is compared in
// constant time. A failed payment's callback has no signature. Either way
// the payment is then read (GET /v1/payments/{id}) for its status.
func buildVerifyRedirect(c *pdk.Context, req *v1.PaymentServiceVerifyRedirectResponseRequest) (*pluginv1.HttpRequest, error) {
	params := req.GetParams()
	id := cmp.Or(params["razorpay_payment_id"], req.GetConnectorTransactionId())
	if req.GetConnectorTransactionId() != "" && params["razorpay_payment_id"] != "" && params["razorpay_payment_id"] != req.GetConnectorTransactionId() {
		return nil, pdk.InvalidRequest("params.razorpay_payment_id", "names another payment than connector_transaction_id")
	}
	path, err := payments.Of(id, "")
	if err != nil {
		return nil, err
	}
	if got := strings.ToLower(params["razorpay_signature"]); got != "" {
		order := cmp.Or(req.GetState().GetValues()[stateOrderID], c.State.GetValues()[stateOrderID])
		if order == "" {
			return nil, pdk.InvalidRequest("state", "must carry the order Authorize paid (razorpay_order_id) to verify params.razorpay_signature")
		}
		secret, err := c.Credential(credKeySecret)
		if err != nil {
			return nil, err
		}
		if !sig.EqualString(got, sig.HMACSHA256Hex([]byte(secret), []byte(order+"|"+id))) {
			return nil, pdk.InvalidRequest("params.razorpay_signature", "does not match the payment and its order")
		}
	}
	return api.Get(c, path)
}

func parseVerifyRedirect(c *pdk.Context, req *v1.PaymentServiceVerifyRedirectResponseRequest, res *pdk.Response) (*v1.PaymentServiceVerifyRedirectResponseResponse, error) {
	p, err := readPayment(res, req.GetAmount())
	if err != nil {
		return nil, err
	}
	if want := cmp.Or(req.GetParams()["razorpay_payment_id"], req.GetConnectorTransactionId()); p.id != want {
		return nil, pdk.IntegrityMismatch("answered payment %s, not %s", p.id, want)
	}
	if order := cmp.Or(req.GetState().GetValues()[stateOrderID], c.State.GetValues()[stateOrderID]); order != "" && p.orderID != order {
		return nil, pdk.IntegrityMismatch("payment %s belongs to order %s, not %s", p.id, p.orderID, order)
	}
	if want := req.GetAmount(); want != nil && p.amount.GetMinorAmount() != want.GetMinorAmount() {
		return nil, pdk.IntegrityMismatch("answer amount %d differs from the expected %d", p.amount.GetMinorAmount(), want.GetMinorAmount())
	}
	return &v1.PaymentServiceVerifyRedirectResponseResponse{
		ConnectorTransactionId: p.id, Status: p.status, Amount: p.amount, Error: p.err, Mandate: p.mandate(),
		NetworkTransactionId: p.rrn,
	}, nil
}
