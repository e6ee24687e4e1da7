package stripe

import (
	pluginv1 "github.com/connectorhost/connector-host/gen/connectorhost/plugin/v1"
	v1 "github.com/connectorhost/connector-host/gen/connectorhost/v1"
	"github.com/connectorhost/connector-host/pdk"
	"github.com/connectorhost/connector-host/pdk/form"
)

var getHandler = pdk.H(buildGet, parseGet)

// getIntent builds GET /v1/payment_intents/{id}?expand[]=latest_charge.
func getIntent(c *pdk.Context, id, field string) (*pluginv1.HttpRequest, error) {
	path, err := objectPath("/v1/payment_intents", id, field)
	if err != nil {
		return nil, err
	}
	q := form.New()
	expandLatestCharge(q)
	return get(c, path, q)
}

func buildGet(c *pdk.Context, req *v1.PaymentServiceGetRequest) (*pluginv1.HttpRequest, error) {
	return getIntent(c, req.GetConnectorTransactionId(), "connector_transaction_id")
}

// readIntent reads a PaymentIntent answer to a GET; errors are typed errors.
func readIntent(c *pdk.Context, res *pdk.Response, want *v1.Money) (*intent, error) {
	secrets := secretsOf(c, nil)
	a, err := readAnswer(res, secrets)
	if err != nil {
		return nil, err
	}
	if a.Err != nil {
		return nil, a.Err.pluginError()
	}
	in, err := parseIntent(a.Obj, a.Status, a.RequestID, secrets)
	if err != nil {
		return nil, err
	}
	return in, checkAmount(want, in.Amount, "payment_intent "+in.ID)
}

func parseGet(c *pdk.Context, req *v1.PaymentServiceGetRequest, res *pdk.Response) (*v1.PaymentServiceGetResponse, error) {
	in, err := readIntent(c, res, req.GetAmount())
	if err != nil {
		return nil, err
	}
	return &v1.PaymentServiceGetResponse{
		ConnectorTransactionId: in.ID,
		Status:                 in.Status,
		Amount:                 in.Amount,
		CapturedAmount:         in.Received,
		RefundedAmount:         in.Refunded,
		NextAction:             in.NextAction,
		Error:                  in.Error,
		Mandate:                in.Mandate,
		State:                  customerState(in.CustomerID),
		MerchantTransactionId:  firstNonEmpty(req.GetMerchantTransactionId(), in.MerchantTxnID),
		NetworkTransactionId:   in.NetworkTxnID,
		ConnectorReferenceId:   in.ChargeID,
		ConnectorHttpStatus:    int32(res.Status),
		CardChecks:             in.CardChecks,
	}, nil
}

var verifyRedirectHandler = pdk.H(buildVerifyRedirect, parseVerifyRedirect)

// redirectIntentID is the PaymentIntent a shopper returned for: the
// request's id, or the payment_intent query parameter Stripe appends to the
// return_url. When both are present they must agree.
func redirectIntentID(req *v1.PaymentServiceVerifyRedirectResponseRequest) (string, error) {
	id, param := req.GetConnectorTransactionId(), req.GetParams()["payment_intent"]
	switch {
	case id != "" && param != "" && id != param:
		return "", pdk.InvalidRequest("params.payment_intent", "does not match connector_transaction_id")
	case id != "":
		return id, nil
	case param != "":
		return param, nil
	}
	return "", pdk.InvalidRequest("connector_transaction_id", "is required (or params.payment_intent from the return URL)")
}

// buildVerifyRedirect reads the PaymentIntent from Stripe: the redirect's
// parameters are not trusted for the outcome.
func buildVerifyRedirect(c *pdk.Context, req *v1.PaymentServiceVerifyRedirectResponseRequest) (*pluginv1.HttpRequest, error) {
	id, err := redirectIntentID(req)
	if err != nil {
		return nil, err
	}
	return getIntent(c, id, "connector_transaction_id")
}

func parseVerifyRedirect(c *pdk.Context, req *v1.PaymentServiceVerifyRedirectResponseRequest, res *pdk.Response) (*v1.PaymentServiceVerifyRedirectResponseResponse, error) {
	in, err := readIntent(c, res, req.GetAmount())
	if err != nil {
		return nil, err
	}
	return &v1.PaymentServiceVerifyRedirectResponseResponse{
		ConnectorTransactionId: in.ID,
		Status:                 in.Status,
		Amount:                 in.Amount,
		NextAction:             in.NextAction,
		Error:                  in.Error,
		Mandate:                in.Mandate,
		State:                  customerState(in.CustomerID),
		MerchantTransactionId:  firstNonEmpty(req.GetMerchantTransactionId(), in.MerchantTxnID),
		NetworkTransactionId:   in.NetworkTxnID,
		ConnectorHttpStatus:    int32(res.Status),
		CardChecks:             in.CardChecks,
	}, nil
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
